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

/// The words of an ASCII body, hashed, from bitmaps of 64 bytes at a time: a bit per byte for word
/// characters and one for joiners, the inner joiners (a word character on both sides) added with shifts,
/// then each run of set bits found with `trailing_zeros`. No branch per byte: the end of a word, which a
/// byte-by-byte scan mispredicts once a word, is one count of zeros.
fn ascii_word_hashes(bytes: &[u8], out: &mut Vec<u64>) {
    ascii_words(bytes, |start, end| out.push(xxh3_64(&bytes[start..end])));
}

/// `[start, end)` byte offsets of the words of an ASCII body, in order: `each(start, end)` for each (the
/// bitmap scan of `ascii_word_hashes`).
fn ascii_words(bytes: &[u8], mut each: impl FnMut(usize, usize)) {
    let n = bytes.len();
    let blocks = n.div_ceil(64);
    let mut word = vec![0u64; blocks + 1]; // one more, empty: every run ends before it
    let mut join = vec![0u64; blocks + 1];
    for (k, chunk) in bytes.chunks(64).enumerate() {
        (word[k], join[k]) = if chunk.len() == 64 {
            classes_64(chunk)
        } else {
            classes_scalar(chunk)
        };
    }
    let mut mask = vec![0u64; blocks + 1];
    for k in 0..blocks {
        let before = (word[k] << 1) | if k > 0 { word[k - 1] >> 63 } else { 0 };
        let after = (word[k] >> 1) | (word[k + 1] << 63);
        mask[k] = word[k] | (join[k] & before & after);
    }
    let mut pos = 0;
    while pos < n {
        let k = pos / 64;
        let bits = mask[k] & (!0u64 << (pos % 64));
        if bits == 0 {
            pos = (k + 1) * 64;
            continue;
        }
        let start = k * 64 + bits.trailing_zeros() as usize;
        let mut e = start / 64;
        let mut gaps = !mask[e] & (!0u64 << (start % 64));
        while gaps == 0 {
            e += 1;
            gaps = !mask[e];
        }
        let end = (e * 64 + gaps.trailing_zeros() as usize).min(n);
        each(start, end);
        pos = end;
    }
}

/// Bitmaps of word characters and joiners of up to 64 ASCII bytes, a byte at a time.
fn classes_scalar(chunk: &[u8]) -> (u64, u64) {
    let (mut w, mut j) = (0u64, 0u64);
    for (i, &b) in chunk.iter().enumerate() {
        let c = ascii_class(b);
        w |= u64::from(c == WORD) << i;
        j |= u64::from(c == JOIN) << i;
    }
    (w, j)
}

/// `classes_scalar` of 64 ASCII bytes, 16 at a time with SSE2 (every x86-64 CPU has it): `[0-9A-Za-z_]`
/// by signed range compares (ASCII bytes are positive), the joiners `'` and `.` by equality.
#[cfg(target_arch = "x86_64")]
fn classes_64(chunk: &[u8]) -> (u64, u64) {
    use std::arch::x86_64::*;
    debug_assert_eq!(chunk.len(), 64);
    let (mut w, mut j) = (0u64, 0u64);
    // SAFETY: SSE2 is part of x86-64; every load reads 16 bytes inside the 64-byte chunk.
    unsafe {
        let within = |x: __m128i, lo: u8, hi: u8| {
            _mm_and_si128(
                _mm_cmpgt_epi8(x, _mm_set1_epi8(lo as i8 - 1)),
                _mm_cmpgt_epi8(_mm_set1_epi8(hi as i8 + 1), x),
            )
        };
        for q in 0..4 {
            let x = _mm_loadu_si128(chunk.as_ptr().add(16 * q).cast());
            let words = _mm_or_si128(
                _mm_or_si128(within(x, b'0', b'9'), within(x, b'a', b'z')),
                _mm_or_si128(
                    within(x, b'A', b'Z'),
                    _mm_cmpeq_epi8(x, _mm_set1_epi8(b'_' as i8)),
                ),
            );
            let joins = _mm_or_si128(
                _mm_cmpeq_epi8(x, _mm_set1_epi8(b'\'' as i8)),
                _mm_cmpeq_epi8(x, _mm_set1_epi8(b'.' as i8)),
            );
            w |= u64::from(_mm_movemask_epi8(words) as u16) << (16 * q);
            j |= u64::from(_mm_movemask_epi8(joins) as u16) << (16 * q);
        }
    }
    (w, j)
}

#[cfg(not(target_arch = "x86_64"))]
fn classes_64(chunk: &[u8]) -> (u64, u64) {
    classes_scalar(chunk)
}

/// `copydesk.sketch.words.folded` of an ASCII body: lower case, the backquote an apostrophe. Folding is
/// idempotent, so a body Python has folded already comes out the same, and Python may hand ASCII bodies
/// over unfolded.
pub fn fold_ascii(bytes: &[u8]) -> Vec<u8> {
    bytes
        .iter()
        .map(|&b| {
            if b == b'`' {
                b'\''
            } else {
                b.to_ascii_lowercase()
            }
        })
        .collect()
}

/// The words of an ASCII body as `[start, end)` offsets (bytes, which are its characters), as
/// `copydesk.sketch.words.word_spans` gives them: the words of the folded body. None for a body that is not
/// ASCII.
pub fn ascii_spans(body: &str) -> Option<(Vec<i64>, Vec<i64>)> {
    if !body.is_ascii() {
        return None;
    }
    let folded = fold_ascii(body.as_bytes());
    let (mut starts, mut ends) = (Vec::new(), Vec::new());
    ascii_words(&folded, |start, end| {
        starts.push(start as i64);
        ends.push(end as i64);
    });
    Some((starts, ends))
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
        if bytes.iter().any(|&b| b.is_ascii_uppercase() || b == b'`') {
            ascii_word_hashes(&fold_ascii(bytes), out);
        } else {
            ascii_word_hashes(bytes, out);
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

    /// The byte-by-byte scan the bitmaps replace.
    fn scan(bytes: &[u8]) -> Vec<u64> {
        let (mut out, mut i, n) = (Vec::new(), 0, bytes.len());
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
                if i + 1 < n && ascii_class(bytes[i]) == JOIN && ascii_class(bytes[i + 1]) == WORD {
                    i += 1;
                    continue;
                }
                break;
            }
            out.push(xxh3_64(&bytes[start..i]));
        }
        out
    }

    #[test]
    fn an_ascii_body_is_folded_first() {
        assert_eq!(words("Kyiv`s U.S. TALKS"), words("kyiv's u.s. talks"));
        assert_eq!(fold_ascii(b"A`b"), b"a'b".to_vec());
    }

    #[test]
    fn sse2_classes_equal_the_table() {
        let all: Vec<u8> = (0..128u8).collect();
        for start in 0..64 {
            let chunk: Vec<u8> = all.iter().cycle().skip(start).take(64).copied().collect();
            assert_eq!(
                classes_64(&chunk),
                classes_scalar(&chunk),
                "from byte {start}"
            );
        }
    }

    #[test]
    fn bitmaps_find_the_words_a_byte_scan_finds() {
        let alphabet = b"ab_9'. \n-'..'xy";
        let mut state = 1u64;
        for len in 0..300 {
            for _ in 0..20 {
                let text: Vec<u8> = (0..len)
                    .map(|_| {
                        state = crate::sketch::mix64(state.wrapping_add(0x9E37));
                        alphabet[(state % alphabet.len() as u64) as usize]
                    })
                    .collect();
                let mut got = Vec::new();
                ascii_word_hashes(&text, &mut got);
                assert_eq!(got, scan(&text), "{:?}", String::from_utf8_lossy(&text));
            }
        }
        // words and joiners across the 64-byte block edges
        for at in 60..70 {
            let mut text = vec![b' '; 140];
            text[at - 3..at].copy_from_slice(b"abc");
            text[at] = b'\'';
            text[at + 1..at + 4].copy_from_slice(b"def");
            let mut got = Vec::new();
            ascii_word_hashes(&text, &mut got);
            assert_eq!(got, scan(&text));
            assert_eq!(got.len(), 1);
        }
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

    #[test]
    fn spans_are_the_words_of_the_folded_body() {
        let body = "Don`t stop: U.S. shares rose 3.5% at 09:30 -- e.g. the Dow's.";
        let (starts, ends) = ascii_spans(body).expect("ASCII");
        let got: Vec<&str> = starts
            .iter()
            .zip(&ends)
            .map(|(&a, &b)| &body[a as usize..b as usize])
            .collect();
        assert_eq!(
            got,
            [
                "Don`t", "stop", "U.S", "shares", "rose", "3.5", "at", "09", "30", "e.g", "the",
                "Dow's"
            ]
        );
        let mut hashed = Vec::new();
        word_hashes(body, &[], &mut hashed).expect("ASCII");
        assert_eq!(hashed.len(), got.len());
        assert!(ascii_spans("caf\u{e9}").is_none());
    }
}
