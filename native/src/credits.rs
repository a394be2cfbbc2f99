//! Credits of a body (`copydesk.text.boilerplate.find_credits`): the same patterns, written for the `regex`
//! crate so that they match as Python's `re` does on the bodies `layout` accepts (ASCII, and the typographic
//! quotes, dashes and spaces that fold to ASCII, without `_` or `ʼ`). On such a body Python's `\w` is
//! `[0-9A-Za-z_]`, its `\b` the ASCII one, and its `\s` the class `S` below. Python's two lookarounds are
//! rewritten without them: the photo credit's `(?=$|[.;)\n|])` is consumed and its match cut back, the web
//! address's `(?<![./])` becomes "ends in a word character or `-`". Offsets here are bytes of the body.

use std::sync::OnceLock;

use regex::{Captures, Regex};

/// A credit: its kind (see `copydesk.model.Credit`), who is named, `[start, end)` in bytes of the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credit {
    pub kind: &'static str,
    pub name: Option<String>,
    pub start: usize,
    pub end: usize,
}

/// Every spelling of every agency, in the order of Python's `_AGENCY` (longest escaped form first): in an
/// alternation the first that matches wins.
const AGENCY_ALIASES: [&str; 34] = [
    "United Press International",
    "Agence France-Presse",
    "Agence France Presse",
    "Press Association",
    "Associated Press",
    "Anadolu Agency",
    "Getty Images",
    "PA Media",
    "Bloomberg",
    "PA News",
    "PA Wire",
    "Interfax",
    "EPA-EFE",
    "Reuters",
    "REUTERS",
    "Anadolu",
    "Xinhua",
    "Yonhap",
    "Kyodo",
    "Getty",
    "ANSA",
    "TASS",
    "Tass",
    "IANS",
    "AFP",
    "dpa",
    "DPA",
    "UPI",
    "EFE",
    "PTI",
    "AAP",
    "EPA",
    "AP",
    "PA",
];

/// Lower-cased spelling -> the name reported (Python's `_CANON`).
const CANON: [(&str, &str); 31] = [
    ("afp", "AFP"),
    ("agence france-presse", "AFP"),
    ("agence france presse", "AFP"),
    ("ap", "AP"),
    ("associated press", "AP"),
    ("reuters", "Reuters"),
    ("pa", "PA"),
    ("press association", "PA"),
    ("pa news", "PA"),
    ("pa media", "PA"),
    ("pa wire", "PA"),
    ("dpa", "dpa"),
    ("upi", "UPI"),
    ("united press international", "UPI"),
    ("bloomberg", "Bloomberg"),
    ("efe", "EFE"),
    ("ansa", "ANSA"),
    ("xinhua", "Xinhua"),
    ("kyodo", "Kyodo"),
    ("yonhap", "Yonhap"),
    ("tass", "TASS"),
    ("interfax", "Interfax"),
    ("pti", "PTI"),
    ("ians", "IANS"),
    ("aap", "AAP"),
    ("anadolu", "Anadolu"),
    ("anadolu agency", "Anadolu"),
    ("getty images", "Getty Images"),
    ("getty", "Getty Images"),
    ("epa", "EPA"),
    ("epa-efe", "EPA"),
];

/// Python's `\s` (`str.isspace`): what `re` calls white space in a `str` pattern.
pub const S: &str = r"[\t\n\x0B\x0C\r\x1C-\x1F \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]";

/// Whether `c` is white space to Python (`str.isspace`, `str.split()`, `str.strip()`).
pub fn py_space(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | '\x1c'..='\x1f'
            | ' '
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// One pattern of `_PATTERNS`: the kind it finds, and how many of its groups may name someone (the photo
/// pattern has one more, the spaces before its cut end).
struct Pattern {
    kind: &'static str,
    re: Regex,
    names: usize,
    /// Python's `p.agency` gate, kept where the pattern can match without it ("AFPvia ...").
    gated: bool,
    /// A cheaper search that every match of the pattern meets (None: none is needed).
    needs: Option<Needs>,
    /// The match ends where this group ends (the photo pattern's consumed look-ahead), not at its end.
    cut: Option<usize>,
}

/// What a pattern's every match holds, searched before the pattern (a pattern without a literal to start
/// from is scanned a character at a time).
enum Needs {
    Literal(&'static str),
    Pattern(Regex),
}

struct Patterns {
    all: Vec<Pattern>,
    /// `\b(?:{_AGENCY})\b`: a known agency is named (Python's `_Probe.agency`).
    agency: Regex,
}

fn patterns() -> &'static Patterns {
    static PATTERNS: OnceLock<Patterns> = OnceLock::new();
    PATTERNS.get_or_init(build)
}

fn build() -> Patterns {
    let a = AGENCY_ALIASES
        .iter()
        .map(|s| regex::escape(s))
        .collect::<Vec<_>>()
        .join("|");
    let w = "0-9A-Za-z_";
    let b = r"(?-u:\b)";
    let dash = r"[\-\x{2010}-\x{2015}\x{2212}]";
    let s = S;
    let p = |kind, src: String, names, gated, cut| Pattern {
        kind,
        re: Regex::new(&src).unwrap_or_else(|e| panic!("pattern {src}: {e}")),
        names,
        gated,
        needs: None,
        cut,
    };
    let mut all = vec![
        p(
            "dateline",
            format!(
                r"(?m)^[ \t\x19]*[A-Z][A-Z .'\-]{{1,40}}(?:,[ \t]*[A-Z][{w} .'\-]{{1,30}})?[ \t]*\(([A-Z][A-Za-z]{{1,11}})\)[ \t]*{dash}{{1,2}}"
            ),
            1,
            false,
            None,
        ),
        p(
            "agency",
            format!(r"\(({a})\){s}*{dash}{{1,2}}"),
            1,
            false,
            None,
        ),
        p(
            "agency",
            format!(
                r"{b}({a})(?:'s)? (?:journalists?|reporters?|correspondents?|photographers?|staff|understands|has learned|learned|reported|reports|said it|news agency){b}"
            ),
            1,
            false,
            None,
        ),
        p(
            "agency",
            format!(
                r"{b}(?:told|according to|reported by|quoted by|speaking to|in an interview with|news agency){s}+(?:the{s}+)?({a}){b}"
            ),
            1,
            false,
            None,
        ),
        p(
            "agency",
            format!(r"(?:©|\([cC]\)|{b}Copyright){s}*(?:[0-9]{{4}}{s}*)?({a}){b}"),
            1,
            false,
            None,
        ),
        p(
            "photo",
            format!(
                r"(?m){b}(?:Photo|Photograph|Picture|Pic|Image|Credit)s?(?: by)?{s}*:{s}*([A-Z][{w}.&'/ \-]{{0,40}}?)([ \t]*)(?:$|[.;)\n|])"
            ),
            1,
            false,
            Some(2),
        ),
        p(
            "photo",
            format!(r"{b}({a}){s}*(?:/|via){s}*(?:Getty Images|{a}){b}"),
            1,
            true,
            None,
        ),
        p(
            "contributed",
            format!(
                r"{b}({a}|[A-Z][{w}.'\-]+(?: [A-Z][{w}.'\-]+){{0,3}}) contributed(?: to)?(?: this)?(?: report(?:ing)?| story| article)?"
            ),
            1,
            false,
            None,
        ),
        p(
            "contributed",
            format!(
                r"{b}(?:Additional reporting|Reporting|Writing|Editing|Compiled) by{s}+([^\n;.]{{2,80}})"
            ),
            1,
            false,
            None,
        ),
        p(
            "footer",
            format!(
                r"(?i:{b}This (?:article|story|post|piece) (?:was |is )?)?(?i:{b}(?:originally|first) (?:published|appeared|posted) (?:by|on|in|at) (?:an? |the )?)((?:https?://)?[{w}\-]+(?:\.[{w}\-]+)+(?:/[{w}./\-]*[{w}\-])?|[A-Z][{w}&'\-]*(?: [A-Z][{w}&'\-]*){{0,3}})"
            ),
            1,
            false,
            None,
        ),
        p(
            "footer",
            format!(
                r"(?i){b}Read (?:the )?(?:original|full) (?:article|story)(?: here| at| on)?[^\n]*"
            ),
            0,
            false,
            None,
        ),
        p(
            "byline",
            format!(
                r"(?m)^[^{w}]*By ([A-Z][{w}.'\-]+(?: [A-Z][{w}.'\-]+){{0,3}})(?:,{s}*({a}))?[^{w}]*$"
            ),
            2,
            false,
            None,
        ),
    ];
    all[7].needs = Some(Needs::Literal(" contributed"));
    all[9].needs = Some(Needs::Pattern(
        Regex::new("(?i)(?:originally|first) (?:published|appeared|posted) ")
            .expect("footer words"),
    ));
    Patterns {
        all,
        agency: Regex::new(&format!(r"{b}(?:{a}){b}")).expect("agency pattern"),
    }
}

/// The agency a name stands for (Python's `canonical_agency`), or None.
fn canonical(name: &str) -> Option<&'static str> {
    let low = name.trim_matches(py_space).to_lowercase();
    CANON.iter().find(|(k, _)| *k == low).map(|(_, v)| *v)
}

/// Python's `_name`: the first group that matched something (the second for a byline naming an agency),
/// stripped, as its agency's name when it is one.
fn name_of(kind: &str, caps: &Captures<'_>, names: usize) -> Option<String> {
    let groups: Vec<&str> = (1..=names)
        .filter_map(|i| caps.get(i).map(|m| m.as_str()))
        .filter(|g| !g.is_empty())
        .collect();
    let first = *groups.first()?;
    if kind == "byline" && groups.len() > 1 {
        return Some(canonical(groups[1]).map_or_else(|| groups[1].to_string(), str::to_string));
    }
    let raw = first.trim_matches(py_space).trim_end_matches('.');
    Some(canonical(raw).map_or_else(|| raw.to_string(), str::to_string))
}

/// Credits of `body` (Python's `find_credits` on a body that `layout` accepts), byte offsets, sorted, the
/// overlapping finds of one kind merged.
pub fn find_credits(body: &str) -> Vec<Credit> {
    let pats = patterns();
    let mut found = Vec::new();
    let mut agency: Option<bool> = None;
    for p in &pats.all {
        if p.gated && !*agency.get_or_insert_with(|| pats.agency.is_match(body)) {
            continue;
        }
        let met = match &p.needs {
            None => true,
            Some(Needs::Literal(s)) => body.contains(s),
            Some(Needs::Pattern(re)) => re.is_match(body),
        };
        if !met {
            continue;
        }
        let mut pos = 0;
        while pos <= body.len() {
            let Some(caps) = p.re.captures_at(body, pos) else {
                break;
            };
            let whole = caps.get(0).expect("group 0");
            let end = p
                .cut
                .map_or(whole.end(), |g| caps.get(g).expect("cut group").end());
            let mut name = name_of(p.kind, &caps, p.names);
            // Python's finditer goes on at the end of the match (never empty here), the cut one for photos.
            pos = if end > whole.start() { end } else { end + 1 };
            if p.kind == "photo" {
                if let Some(n) = &name {
                    if n.split(py_space).filter(|t| !t.is_empty()).count() > 5 {
                        continue; // a caption, not a credit
                    }
                }
            }
            if p.kind == "footer" && body[whole.start()..end].to_lowercase().starts_with("read") {
                name = None;
            }
            found.push(Credit {
                kind: p.kind,
                name,
                start: whole.start(),
                end,
            });
        }
    }
    // Stable, as Python's sort: ties keep the patterns' order.
    found.sort_by_key(|c| (c.start, std::cmp::Reverse(c.end)));
    let mut merged: Vec<Credit> = Vec::with_capacity(found.len());
    for c in found {
        if let Some(last) = merged.last() {
            if c.start < last.end && (c.kind == last.kind || c.end <= last.end) {
                continue;
            }
        }
        merged.push(c);
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(text: &str) -> Vec<(&'static str, Option<String>, &str)> {
        find_credits(text)
            .into_iter()
            .map(|c| (c.kind, c.name, &text[c.start..c.end]))
            .collect()
    }

    #[test]
    fn every_pattern_compiles() {
        assert_eq!(patterns().all.len(), 12);
    }

    #[test]
    fn datelines_and_agencies() {
        let t = "LONDON (Reuters) - Shares fell.";
        assert_eq!(
            spans(t),
            vec![("dateline", Some("Reuters".into()), "LONDON (Reuters) -")]
        );
        let t = "KYIV, Ukraine (AP) \u{2014} Police said";
        assert_eq!(
            spans(t),
            vec![("dateline", Some("AP".into()), "KYIV, Ukraine (AP) \u{2014}")]
        );
    }

    #[test]
    fn a_photo_credit_ends_before_its_stop() {
        let t = "Photo: AFP  . Then";
        assert_eq!(
            spans(t),
            vec![("photo", Some("AFP".into()), "Photo: AFP  ")]
        );
    }

    #[test]
    fn a_web_address_never_ends_in_a_dot_or_slash() {
        let t = "originally published by www.example.com/news/ today";
        assert_eq!(
            spans(t),
            vec![(
                "footer",
                Some("www.example.com/news".into()),
                "originally published by www.example.com/news"
            )]
        );
    }

    #[test]
    fn an_agency_glued_to_via_needs_the_agency_gate() {
        // Python's gate finds no agency between word boundaries here, so the photo pattern is not run.
        assert_eq!(spans("AFPviaAFP"), vec![]);
        assert_eq!(
            spans("AFP via AFP"),
            vec![("photo", Some("AFP".into()), "AFP via AFP")]
        );
    }

    #[test]
    fn python_white_space_includes_the_separators() {
        assert!(py_space('\x1c') && py_space('\u{a0}') && !py_space('\u{200b}'));
        assert_eq!(canonical("\u{a0}agence france-presse\x1f"), Some("AFP"));
    }
}
