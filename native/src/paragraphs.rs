//! Paragraphs, sentences and which of them are boilerplate (`copydesk.text.sentences` and the kinds of
//! `copydesk.text.boilerplate`), over a body written one byte per character (`layout::encode`): ASCII as
//! itself, the typographic quotes, dashes and spaces that fold to ASCII as the codes below. Offsets are
//! characters of the body, as Python's are.

/// A dash of Python's `_DASH` (U+2010-U+2015, U+2212).
pub const DASH: u8 = 0x80;
/// Another dash that folds to `-` (U+FE58, U+FE63, U+FF0D).
pub const OTHER_DASH: u8 = 0x81;
/// ‘ (U+2018), ’ (U+2019), “ (U+201C), ” (U+201D): each read on its own by the sentence rules.
pub const LSQUO: u8 = 0x82;
pub const RSQUO: u8 = 0x83;
pub const LDQUO: u8 = 0x84;
pub const RDQUO: u8 = 0x85;
/// Another quote that folds to `'` or to `"`.
pub const OTHER_SQUOTE: u8 = 0x86;
pub const OTHER_DQUOTE: u8 = 0x87;
/// A space that folds to ` ` (no-break, en, em, thin ... spaces): white space to Python.
pub const SPACE: u8 = 0x88;

/// `_CAPTION_WORDS`: an unterminated paragraph of more words is running text cut short, not a caption.
const CAPTION_WORDS: usize = 50;

/// `[start, end)` in characters of the body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// Python's `str.isspace` on a code.
pub fn is_space(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | 0x1c..=0x1f | b' ' | SPACE)
}

fn is_trim(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c | 0x19 | b'<' | b'|'
    )
}

/// `_TERMINAL`, on the codes a body may hold.
fn is_terminal(b: u8) -> bool {
    matches!(
        b,
        b'.' | b'!' | b'?' | b'\'' | b'"' | b')' | b']' | b':' | RSQUO | RDQUO
    )
}

/// Closing quotes and brackets (`'"’”)]`), read after a sentence's stop.
fn is_closer(b: u8) -> bool {
    matches!(b, b'\'' | b'"' | b')' | b']' | RSQUO | RDQUO)
}

fn is_opener(b: u8) -> bool {
    matches!(b, b'\'' | b'"' | b'(' | b'[' | LSQUO | LDQUO)
}

fn trim(c: &[u8], mut s: usize, mut e: usize) -> (usize, usize) {
    while s < e && is_trim(c[s]) {
        s += 1;
    }
    while e > s && is_trim(c[e - 1]) {
        e -= 1;
    }
    (s, e)
}

/// `terminated_span`: whether `c[s..e]` ends as running prose does.
pub fn terminated(c: &[u8], s: usize, mut e: usize) -> bool {
    while e > s && is_trim(c[e - 1]) {
        e -= 1;
    }
    e > s && is_terminal(c[e - 1])
}

/// The last character of `c[s..e].rstrip()`, if any.
fn last_unspaced(c: &[u8], s: usize, mut e: usize) -> Option<u8> {
    while e > s && is_space(c[e - 1]) {
        e -= 1;
    }
    (e > s).then(|| c[e - 1])
}

/// Whether `c[s..e].lstrip(_TRIM)` opens with a lower-case letter.
fn opens_lower(c: &[u8], s: usize, e: usize) -> bool {
    c[s..e]
        .iter()
        .find(|&&b| !is_trim(b))
        .is_some_and(u8::is_ascii_lowercase)
}

fn is_wrapped(c: &[u8], lines: &[(usize, usize)]) -> bool {
    let lengths: Vec<usize> = lines
        .iter()
        .filter(|(s, e)| e > s)
        .map(|(s, e)| e - s)
        .collect();
    let widest = lengths.iter().copied().max().unwrap_or(0);
    if lengths.len() < 3 || widest > 100 {
        return false;
    }
    // Lines ending at a full-width stop or closer; of those, a body holds only `"')’”`.
    let stops = lines
        .iter()
        .filter(|(s, e)| {
            e > s
                && last_unspaced(c, *s, *e)
                    .is_some_and(|b| matches!(b, b'"' | b'\'' | b')' | RSQUO | RDQUO))
        })
        .count();
    if 2 * stops >= lengths.len() {
        return false;
    }
    if lines
        .iter()
        .any(|(s, e)| last_unspaced(c, *s, *e) == Some(b'<'))
    {
        return true;
    }
    let (mut breaks, mut mid) = (0usize, 0usize);
    for pair in lines.windows(2) {
        let ((s0, e0), (s1, e1)) = (pair[0], pair[1]);
        if e0 > s0 && e1 > s1 {
            breaks += 1;
            if !terminated(c, s0, e0) && opens_lower(c, s1, e1) {
                mid += 1;
            }
        }
    }
    let near = lengths
        .iter()
        .filter(|&&n| n as f64 >= 0.75 * widest as f64)
        .count();
    near as f64 >= 0.5 * lengths.len() as f64 || (breaks > 0 && mid as f64 >= 0.2 * breaks as f64)
}

fn close(c: &[u8], s: usize, e: usize, out: &mut Vec<Span>) {
    let (s, e) = trim(c, s, e);
    if e > s {
        out.push(Span { start: s, end: e });
    }
}

/// Python's `paragraphs`.
pub fn paragraphs(c: &[u8]) -> Vec<Span> {
    let mut lines = Vec::new();
    let mut s = 0;
    for (i, &b) in c.iter().enumerate() {
        if b == b'\n' {
            lines.push((s, i));
            s = i + 1;
        }
    }
    lines.push((s, c.len()));
    let wrapped = is_wrapped(c, &lines);
    let mut out = Vec::new();
    let mut cur: Option<usize> = None;
    let mut cur_end = 0;
    for &(s, e) in &lines {
        if !c[s..e].iter().any(u8::is_ascii_alphanumeric) {
            if let Some(open) = cur.take() {
                close(c, open, cur_end, &mut out);
            }
            continue;
        }
        if let Some(open) = cur {
            let ends = if wrapped {
                matches!(c[s], b' ' | b'\t' | 0x19)
            } else {
                terminated(c, open, cur_end) || !opens_lower(c, s, e)
            };
            if ends {
                close(c, open, cur_end, &mut out);
                cur = None;
            }
        }
        let open = *cur.get_or_insert(s);
        cur_end = e;
        if wrapped && last_unspaced(c, s, e) == Some(b'<') {
            close(c, open, cur_end, &mut out);
            cur = None;
        }
    }
    if let Some(open) = cur {
        close(c, open, cur_end, &mut out);
    }
    out
}

const ABBREVIATIONS: [&str; 77] = [
    "mr", "mrs", "ms", "dr", "prof", "st", "sr", "jr", "gen", "col", "lt", "sgt", "capt", "cpl",
    "maj", "adm", "gov", "sen", "rep", "rev", "hon", "pres", "supt", "insp", "det", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues",
    "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "inc", "ltd", "co", "corp", "plc", "llc",
    "bros", "no", "nos", "vs", "v", "etc", "al", "fig", "ft", "approx", "est", "dept", "univ",
    "ave", "rd", "blvd", "mt", "u.s", "u.k", "u.n", "e.g", "i.e", "a.m", "p.m",
];

/// `_ends_abbreviation`: whether the period just before `end` closes an abbreviation or an initial.
fn ends_abbreviation(c: &[u8], end: usize) -> bool {
    let mut i = end;
    while i > 0 && is_closer(c[i - 1]) {
        i -= 1;
    }
    if i == 0 || c[i - 1] != b'.' {
        return false;
    }
    let i = i - 1;
    let mut j = i;
    while j > 0 && (c[j - 1].is_ascii_alphanumeric() || c[j - 1] == b'.') {
        j -= 1;
    }
    let word: Vec<u8> = c[j..i].iter().map(u8::to_ascii_lowercase).collect();
    (word.len() == 1 && word[0].is_ascii_alphabetic())
        || ABBREVIATIONS
            .iter()
            .any(|a| a.as_bytes() == word.as_slice())
}

/// `_BOUNDARY` in `c[start..end]` (`end` taken as the end of the text): `[from, to)` of each boundary, the
/// closers and white space after a stop that a sentence opening follows.
fn boundaries(c: &[u8], start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = start;
    while i < end {
        if i == 0 || !matches!(c[i - 1], b'.' | b'!' | b'?') {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < end && is_closer(c[j]) {
            j += 1;
        }
        let mut k = j;
        while k < end && is_space(c[k]) {
            k += 1;
        }
        let mut l = k;
        while l < end && is_opener(c[l]) {
            l += 1;
        }
        if k > j && l < end && (c[l].is_ascii_uppercase() || c[l].is_ascii_digit()) {
            out.push((i, k));
            i = k;
        } else {
            i += 1;
        }
    }
    out
}

/// `split_sentences` of the paragraph `c[start..end]`.
fn split_sentences(c: &[u8], start: usize, end: usize, out: &mut Vec<Span>) {
    let mut s = start;
    for (from, to) in boundaries(c, start, end) {
        if ends_abbreviation(c, from) {
            continue;
        }
        let (a, b) = trim(c, s, from);
        if b > a {
            out.push(Span { start: a, end: b });
        }
        s = to;
    }
    let (a, b) = trim(c, s, end);
    if b > a {
        out.push(Span { start: a, end: b });
    }
}

/// `sentences`: each sentence with the index of its paragraph.
pub fn sentences(c: &[u8], paras: &[Span]) -> Vec<(Span, usize)> {
    let mut out = Vec::new();
    let mut one = Vec::new();
    for (k, p) in paras.iter().enumerate() {
        one.clear();
        split_sentences(c, p.start, p.end, &mut one);
        out.extend(one.iter().map(|&s| (s, k)));
    }
    out
}

fn word_at(c: &[u8], at: usize, words: &[&str], case_blind: bool) -> Option<usize> {
    words.iter().find_map(|w| {
        let w = w.as_bytes();
        let end = at + w.len();
        let same = end <= c.len()
            && if case_blind {
                c[at..end].eq_ignore_ascii_case(w)
            } else {
                &c[at..end] == w
            };
        same.then_some(end)
    })
}

/// Whether `c[at..]` is `\s*:` (one of the words having ended at `at`).
fn colon_after(c: &[u8], mut at: usize) -> bool {
    while at < c.len() && is_space(c[at]) {
        at += 1;
    }
    at < c.len() && c[at] == b':'
}

const CAPTION_START_WORDS: [&str; 10] = [
    "Picture",
    "Pictured",
    "Photo",
    "Photograph",
    "Image",
    "Above",
    "Top",
    "Left",
    "Right",
    "Inset",
];

/// `_CAPTION_START.match(c)`: `^\W*(?:Picture|...)\s*:`, case-blind.
fn caption_start(c: &[u8]) -> bool {
    let Some(at) = c
        .iter()
        .position(|b| b.is_ascii_alphanumeric() || *b == b'_')
    else {
        return false;
    };
    // Every word may end where a shorter one of the list does not ("Pictured" after "Picture"): try each.
    CAPTION_START_WORDS
        .iter()
        .any(|w| word_at(c, at, &[w], true).is_some_and(|end| colon_after(c, end)))
}

/// `_CAPTION_INSIDE.search(c)`: `(?<=[.!?] )(?:Picture|Pictured|Photo|Photograph|Image)\s*:`.
fn caption_inside(c: &[u8]) -> bool {
    (2..c.len()).any(|at| {
        c[at - 1] == b' '
            && matches!(c[at - 2], b'.' | b'!' | b'?')
            && CAPTION_START_WORDS[..5]
                .iter()
                .any(|w| word_at(c, at, &[w], false).is_some_and(|end| colon_after(c, end)))
    })
}

/// Whether the body holds a caption opening anywhere (Python's `_CAPTION_ANY` on the folded body): one of
/// the words, case-blind, then white space and a colon. Read back from each colon: the word ends where
/// the white space before the colon begins.
pub fn caption_anywhere(c: &[u8]) -> bool {
    const WORDS: [&[u8]; 10] = [
        b"picture",
        b"pictured",
        b"photo",
        b"photograph",
        b"image",
        b"above",
        b"top",
        b"left",
        b"right",
        b"inset",
    ];
    c.iter()
        .enumerate()
        .filter(|(_, &b)| b == b':')
        .any(|(q, _)| {
            let mut end = q;
            while end > 0 && is_space(c[end - 1]) {
                end -= 1;
            }
            WORDS
                .iter()
                .any(|w| end >= w.len() && c[end - w.len()..end].eq_ignore_ascii_case(w))
        })
}

/// A credit in characters of the body, as the kinds read it.
#[derive(Clone, Copy, Debug)]
pub struct Mark {
    pub kind: &'static str,
    pub start: usize,
    pub end: usize,
}

fn credit_in<'a>(credits: &'a [Mark], kind: &str, start: usize, end: usize) -> Option<&'a Mark> {
    credits
        .iter()
        .find(|c| c.kind == kind && c.start < end && c.end > start)
}

/// Whether `paragraph_kinds` gives each paragraph a kind (byline, caption or heading): only that matters
/// to the layout.
pub fn paragraph_marks(c: &[u8], paras: &[Span], credits: &[Mark], openings: bool) -> Vec<bool> {
    let terminated: Vec<bool> = paras
        .iter()
        .map(|p| terminated(c, p.start, p.end))
        .collect();
    let count = terminated.iter().filter(|&&t| t).count();
    let prose = count >= 2 && count as f64 >= 0.4 * paras.len() as f64;
    let photos = credits.iter().any(|m| m.kind == "photo");
    paras
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let body = &c[p.start..p.end];
            let byline = credit_in(credits, "byline", p.start, p.end);
            if byline.is_some_and(|b| (b.end - b.start) as f64 >= 0.8 * (p.end - p.start) as f64) {
                return true;
            }
            if (openings && (caption_start(body) || caption_inside(body)))
                || (photos && credit_in(credits, "photo", p.start, p.end).is_some())
            {
                return true;
            }
            // A heading before the first prose paragraph, a caption after it: marked either way.
            !terminated[i] && prose && words_split(body) <= CAPTION_WORDS
        })
        .collect()
}

/// `len(s.split())`: the runs of characters other than white space.
fn words_split(c: &[u8]) -> usize {
    let mut n = 0;
    let mut inside = false;
    for &b in c {
        let space = is_space(b);
        if !space && !inside {
            n += 1;
        }
        inside = !space;
    }
    n
}

/// Whether `boilerplate_kinds` gives each sentence a kind.
pub fn sentence_marks(
    c: &[u8],
    paras: &[Span],
    spans: &[(Span, usize)],
    credits: &[Mark],
) -> Vec<bool> {
    let para = paragraph_marks(c, paras, credits, true);
    let mut footer_from: Vec<Option<usize>> = vec![None; paras.len()];
    for (s, k) in spans {
        if credit_in(credits, "footer", s.start, s.end).is_some() && footer_from[*k].is_none() {
            footer_from[*k] = Some(s.start);
        }
    }
    spans
        .iter()
        .map(|(s, k)| {
            if footer_from[*k].is_some_and(|f| s.start >= f) || para[*k] {
                return true;
            }
            let photo = credit_in(credits, "photo", s.start, s.end);
            photo.is_some_and(|m| (m.end - m.start) as f64 >= 0.6 * (s.end - s.start) as f64)
                || caption_start(&c[s.start..s.end])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(text: &str) -> Vec<&str> {
        paragraphs(text.as_bytes())
            .iter()
            .map(|p| &text[p.start..p.end])
            .collect()
    }

    #[test]
    fn a_line_break_ends_a_paragraph_unless_the_text_is_wrapped() {
        assert_eq!(spans("One.\nTwo\n\n  Three"), vec!["One.", "Two", "Three"]);
        assert_eq!(spans("one\ntwo"), vec!["one\ntwo"]);
        assert_eq!(spans("A <\nB\n----\nC"), vec!["A", "B", "C"]);
    }

    #[test]
    fn sentences_skip_abbreviations_and_initials() {
        let t = b"Mr. Brown met J. Smith. They left! \"Why?\" 2 more.";
        let p = paragraphs(t);
        let s: Vec<&[u8]> = sentences(t, &p)
            .iter()
            .map(|(s, _)| &t[s.start..s.end])
            .collect();
        assert_eq!(
            s,
            vec![
                &b"Mr. Brown met J. Smith."[..],
                b"They left!",
                b"\"Why?", // the closing quote goes with the boundary, as in Python
                b"2 more."
            ]
        );
    }

    #[test]
    fn caption_openings() {
        assert!(caption_start(b"  -- PICTURED : the mayor"));
        assert!(!caption_start(b"Pictures: none"));
        assert!(caption_inside(b"He left. Photo: AFP"));
        assert!(!caption_inside(b"He left.  Photo: AFP"));
        assert!(caption_anywhere(b"x topx LEFT\x1c:"));
        assert!(!caption_anywhere(b"no colon here"));
    }

    #[test]
    fn split_counts_python_white_space() {
        assert_eq!(words_split(&[b'a', 0x1c, b'b', SPACE, b'c']), 3);
    }
}
