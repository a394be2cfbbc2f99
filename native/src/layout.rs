//! The body layout of one text (`copydesk.text.layout.body_layout`) on its fast path: a body whose folded
//! form is ASCII, as long as the body and without `_`. Anything else is left to Python (`None`), as is a
//! body that does not open a line (Python's patterns would read the text before it) and one holding `ʼ`
//! (U+02BC, which folds to `'` but is a letter to Python's `re`).
//!
//! The body is written one byte per character (`encode`), so character offsets, which Python counts, are
//! indices; the credit patterns run on the body itself and their byte offsets are mapped back.

use crate::credits::{find_credits, Credit};
use crate::paragraphs::{
    caption_anywhere, paragraph_marks, paragraphs, sentence_marks, sentences, Mark, Span, DASH,
    LDQUO, LSQUO, OTHER_DASH, OTHER_DQUOTE, OTHER_SQUOTE, RDQUO, RSQUO, SPACE,
};

/// What `BodyLayout` holds: the half-open runs of word numbers that are not body words, and the credits
/// with offsets in characters of the whole text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    pub skip: Vec<(usize, usize)>,
    pub credits: Vec<Credit>,
}

/// The code of one character of a fast-path body (see `paragraphs`), or None when the body is not on it.
fn code(ch: char) -> Option<u8> {
    Some(match ch {
        '_' => return None,
        c if c.is_ascii() => c as u8,
        '\u{2010}'..='\u{2015}' | '\u{2212}' => DASH,
        '\u{fe58}' | '\u{fe63}' | '\u{ff0d}' => OTHER_DASH,
        '\u{2018}' => LSQUO,
        '\u{2019}' => RSQUO,
        '\u{201c}' => LDQUO,
        '\u{201d}' => RDQUO,
        '\u{201a}' | '\u{201b}' | '\u{2032}' | '\u{b4}' | '\u{ff07}' => OTHER_SQUOTE,
        '\u{201e}' | '\u{201f}' | '\u{2033}' | '\u{ab}' | '\u{bb}' | '\u{301d}' | '\u{301e}'
        | '\u{ff02}' => OTHER_DQUOTE,
        '\u{a0}' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}' => SPACE,
        _ => return None,
    })
}

/// The body's codes and, when it is not ASCII, the character index of each byte offset (one more entry,
/// for the end).
fn encode(body: &str) -> Option<(Vec<u8>, Option<Vec<u32>>)> {
    if body.is_ascii() {
        return (!body.contains('_')).then(|| (body.as_bytes().to_vec(), None));
    }
    let mut codes = Vec::with_capacity(body.len());
    let mut char_of = vec![0u32; body.len() + 1];
    for (i, (at, ch)) in body.char_indices().enumerate() {
        codes.push(code(ch)?);
        char_of[at] = i as u32;
    }
    char_of[body.len()] = codes.len() as u32;
    Some((codes, Some(char_of)))
}

/// A word character of the folded body, and a character that joins two words into one (`'` and `.`, as
/// `copydesk.text.tokens.WORD` reads them: every single quote folds to `'`).
fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn is_joiner(b: u8) -> bool {
    matches!(b, b'\'' | b'.' | b'`' | LSQUO | RSQUO | OTHER_SQUOTE)
}

/// `len(WORD.findall(flat, x, y))`: the words of `c[x..y]`, read as a text of its own.
fn count_words(c: &[u8], x: usize, y: usize) -> usize {
    let mut n = 0;
    let mut i = x;
    while i < y {
        if !is_word(c[i]) {
            i += 1;
            continue;
        }
        n += 1;
        while i < y && is_word(c[i]) {
            i += 1;
        }
        while i + 1 < y && is_joiner(c[i]) && is_word(c[i + 1]) {
            i += 1;
            while i < y && is_word(c[i]) {
                i += 1;
            }
        }
    }
    n
}

/// The layout of `text[start..]` (`start` in characters), or None when Python must compute it.
pub fn body_layout(text: &str, start: usize) -> Option<Layout> {
    let at = if text.is_ascii() {
        (start <= text.len()).then_some(start)?
    } else {
        match text.char_indices().nth(start) {
            Some((at, _)) => at,
            None => (text.chars().count() == start).then_some(text.len())?,
        }
    };
    if at > 0 && text.as_bytes()[at - 1] != b'\n' {
        return None;
    }
    let body = &text[at..];
    let (c, char_of) = encode(body)?;
    let chars = |b: usize| char_of.as_ref().map_or(b, |m| m[b] as usize);
    let mut credits = find_credits(body);
    for cr in &mut credits {
        cr.start = chars(cr.start);
        cr.end = chars(cr.end);
    }
    let marks: Vec<Mark> = credits
        .iter()
        .map(|cr| Mark {
            kind: cr.kind,
            start: cr.start,
            end: cr.end,
        })
        .collect();
    let paras = paragraphs(&c);
    let by_sentence =
        marks.iter().any(|m| matches!(m.kind, "footer" | "photo")) || caption_anywhere(&c);
    let marked: Vec<Span> = if by_sentence {
        let spans = sentences(&c, &paras);
        let kinds = sentence_marks(&c, &paras, &spans, &marks);
        spans
            .iter()
            .zip(kinds)
            .filter_map(|((s, _), k)| k.then_some(*s))
            .collect()
    } else {
        let kinds = paragraph_marks(&c, &paras, &marks, false);
        paras
            .iter()
            .zip(kinds)
            .filter_map(|(p, k)| k.then_some(*p))
            .collect()
    };
    let mut skip: Vec<(usize, usize)> = Vec::new();
    let (mut cursor, mut count) = (0, 0);
    for s in marked {
        count += count_words(&c, cursor, s.start);
        let inside = count_words(&c, s.start, s.end);
        if inside > 0 {
            match skip.last_mut() {
                Some(last) if last.1 == count => last.1 = count + inside,
                _ => skip.push((count, count + inside)),
            }
        }
        count += inside;
        cursor = s.end;
    }
    for cr in &mut credits {
        cr.start += start;
        cr.end += start;
    }
    Some(Layout { skip, credits })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_join_on_inner_quotes_and_dots() {
        let c = b"Kyiv's U.S. pre-war 'quoted' a..b";
        assert_eq!(count_words(c, 0, c.len()), 7);
        assert_eq!(count_words(&[b'a', RSQUO, b's', SPACE, b'b'], 0, 5), 2);
        // A window is a text of its own: a word cut by its end counts.
        assert_eq!(count_words(b"abc def", 0, 5), 2);
    }

    #[test]
    fn off_the_fast_path() {
        assert_eq!(body_layout("snake_case", 0), None);
        assert_eq!(body_layout("caf\u{e9}", 0), None);
        assert_eq!(body_layout("it\u{2bc}s", 0), None);
        // A body that does not open a line: Python's patterns would see the text before it.
        assert_eq!(body_layout("ab cd", 2), None);
        assert_eq!(body_layout("ab", 3), None);
    }

    #[test]
    fn offsets_are_characters_of_the_whole_text() {
        let text = "\u{201c}x\u{201d}\nLONDON (Reuters) \u{2014} Shares fell.";
        let got = body_layout(text, 4).expect("fast path");
        let c = &got.credits[0];
        assert_eq!((c.kind, c.name.as_deref()), ("dateline", Some("Reuters")));
        assert_eq!((c.start, c.end), (4, 4 + 18));
        assert_eq!(got.skip, vec![]);
    }

    #[test]
    fn a_caption_is_skipped_in_words() {
        let text = "One two three.\n\nPicture: the pier at night\n\nFour five six.\n\nSeven.";
        let got = body_layout(text, 0).expect("fast path");
        assert_eq!(got.skip, vec![(3, 8)]);
    }
}
