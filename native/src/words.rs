//! Words of folded bodies, hashed: the native path of `copydesk.sketch.words` (`_group`).
//!
//! A word is a maximal run of word characters and of joiners (`'` or `.`) that have a word character right
//! before and right after them, which is what `\w+(?:['.]\w+)*` of `copydesk.text.tokens` matches. Which
//! characters are word characters is Python's own `\w`: ASCII letters, digits and `_` here, and for any other
//! code point the class table that Python builds from its `re` module and hands over (one byte per code point:
//! 0 other, 1 word character, 2 joiner), so both sides read the same words whatever Unicode version each
//! knows. Each word is hashed with XXH3-64 over its UTF-8 bytes.

use xxhash_rust::xxh3::xxh3_64;

pub const OTHER: u8 = 0;
pub const WORD: u8 = 1;
pub const JOIN: u8 = 2;

const fn ascii_classes() -> [u8; 128] {
    let mut table = [OTHER; 128];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        table[c] = if b.is_ascii_alphanumeric() || b == b'_' {
            WORD
        } else if b == b'\'' || b == b'.' {
            JOIN
        } else {
            OTHER
        };
        c += 1;
    }
    table
}

static ASCII: [u8; 128] = ascii_classes();

/// Class of an ASCII byte, as `re`'s `\w` reads it.
#[inline(always)]
fn ascii_class(c: u8) -> u8 {
    ASCII[(c & 0x7f) as usize]
}

/// A code point has no class in the table handed over (too short for it).
#[derive(Debug, PartialEq, Eq)]
pub struct NoClass(pub u32);

/// Appends the hashes of the words of one folded body to `out`.
///
/// `classes`: the class of every code point (index = code point); only read for non-ASCII characters, so
/// an ASCII body needs none (pass an empty slice).
pub fn word_hashes(body: &str, classes: &[u8], out: &mut Vec<u64>) -> Result<(), NoClass> {
    let bytes = body.as_bytes();
    if body.is_ascii() {
        let mut i = 0;
        let n = bytes.len();
        while i < n {
            if ascii_class(bytes[i]) != WORD {
                i += 1;
                continue;
            }
            let start = i;
            loop {
                while i < n && ascii_class(bytes[i]) == WORD {
                    i += 1;
                }
                // An inner joiner continues the word when a word character follows it.
                if i + 1 < n && ascii_class(bytes[i]) == JOIN && ascii_class(bytes[i + 1]) == WORD {
                    i += 1;
                    continue;
                }
                break;
            }
            out.push(xxh3_64(&bytes[start..i]));
        }
        return Ok(());
    }
    // (byte offset, class) of every character, then the same runs as above over characters.
    let mut chars: Vec<(usize, u8)> = Vec::with_capacity(bytes.len());
    for (at, c) in body.char_indices() {
        let cp = c as u32;
        let class = if cp < 128 {
            ascii_class(cp as u8)
        } else {
            *classes.get(cp as usize).ok_or(NoClass(cp))?
        };
        chars.push((at, class));
    }
    let n = chars.len();
    let end_of = |k: usize| if k < n { chars[k].0 } else { bytes.len() };
    let mut i = 0;
    while i < n {
        if chars[i].1 != WORD {
            i += 1;
            continue;
        }
        let start = i;
        loop {
            while i < n && chars[i].1 == WORD {
                i += 1;
            }
            if i + 1 < n && chars[i].1 == JOIN && chars[i + 1].1 == WORD {
                i += 1;
                continue;
            }
            break;
        }
        out.push(xxh3_64(&bytes[chars[start].0..end_of(i)]));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(body: &str) -> Vec<u64> {
        let mut out = Vec::new();
        let mut classes = vec![OTHER; 0x300];
        classes[0xC0..0x250].fill(WORD);
        word_hashes(body, &classes, &mut out).unwrap();
        out
    }

    fn hashes(ws: &[&str]) -> Vec<u64> {
        ws.iter().map(|w| xxh3_64(w.as_bytes())).collect()
    }

    #[test]
    fn joiners_stay_inside_words_only() {
        assert_eq!(
            words("kyiv's u.s. 'quoted' a..b"),
            hashes(&["kyiv's", "u.s", "quoted", "a", "b"])
        );
        assert_eq!(words("pre-war_time"), hashes(&["pre", "war_time"]));
        assert_eq!(words(""), hashes(&[]));
    }

    #[test]
    fn non_ascii_words_read_the_table() {
        assert_eq!(words("café's déjà-vu"), hashes(&["café's", "déjà", "vu"]));
        let mut out = Vec::new();
        assert_eq!(
            word_hashes("a\u{4e00}", &[], &mut out),
            Err(NoClass(0x4e00))
        );
    }
}
