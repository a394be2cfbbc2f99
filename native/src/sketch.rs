//! Fingerprints of articles from their words: the native path of `copydesk.sketch.batch`.
//!
//! Every function here equals its Python reference bit for bit (the tests of `tests/sketch/test_native.py`
//! compare them): `copydesk.sketch.shingle.shingles` (polynomial over word hashes, splitmix64 finish),
//! `copydesk.sketch.minhash.minhash_batch` (`min((a_k * x + b_k) mod 2**64)`), `band_keys` (a splitmix64
//! chain from the band index), `copydesk.sketch.winnow.winnow_batch` (distinct window minima, sorted) and the
//! content hash (XXH3-64 of the word hashes as little-endian bytes).

use xxhash_rust::xxh3::xxh3_64;

/// Multiplier of the shingle polynomial (`_MUL` of `copydesk.sketch.shingle`).
pub const MUL: u64 = 0x9E37_79B9_7F4A_7C15;
/// Signature value of an article with no shingles (`EMPTY` of `copydesk.sketch.minhash`).
pub const EMPTY: u64 = u64::MAX;

/// splitmix64's finalizer.
#[inline]
pub fn mix64(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Hashes of the word n-grams of one article (`shingles`): one per start position, or one of all the
/// words when there are fewer than `n` (none without words).
pub fn shingles(words: &[u64], n: usize, out: &mut Vec<u64>) {
    out.clear();
    let count = words.len();
    if count == 0 {
        return;
    }
    let n = n.max(1);
    let m = if count >= n { count - n + 1 } else { 1 };
    let width = n.min(count);
    out.reserve(m);
    for i in 0..m {
        let mut acc = words[i];
        for &w in &words[i + 1..i + width] {
            acc = acc.wrapping_mul(MUL).wrapping_add(w);
        }
        out.push(mix64(acc));
    }
}

fn minhash_into(shingles: &[u64], a: &[u64], b: &[u64], sig: &mut [u64]) {
    for ((s, &ak), &bk) in sig.iter_mut().zip(a).zip(b) {
        *s = shingles
            .iter()
            .map(|&x| ak.wrapping_mul(x).wrapping_add(bk))
            .min()
            .unwrap_or(EMPTY);
    }
}

/// `minhash_into` with AVX2: four shingles at a time against two permutations. AVX2 has no 64-bit
/// multiply, so `a * x mod 2**64` is built from three 32-bit products (`lo*lo + (lo*hi + hi*lo) << 32`),
/// and no unsigned 64-bit compare, so the minima are kept with their top bit flipped and compared signed
/// (flipping the top bit adds 2**63 modulo 2**64, so it is folded into ``b``).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn minhash_avx2(shingles: &[u64], a: &[u64], b: &[u64], sig: &mut [u64]) {
    use std::arch::x86_64::*;
    let quads = shingles.len() / 4;
    if quads == 0 {
        return minhash_into(shingles, a, b, sig);
    }
    let lane_min = |v: __m256i| -> u64 {
        let mut lanes = [0u64; 4];
        _mm256_storeu_si256(lanes.as_mut_ptr().cast(), v);
        lanes.iter().map(|&l| l ^ (1 << 63)).min().unwrap_or(EMPTY)
    };
    let tail = &shingles[quads * 4..];
    // Four permutations a pass: each block of shingles is loaded and split once for all four.
    for (ks, (as_, bs)) in sig.chunks_mut(4).zip(a.chunks(4).zip(b.chunks(4))) {
        let n = ks.len();
        let pick = |j: usize| if j < n { j } else { 0 };
        let al: [__m256i; 4] = std::array::from_fn(|j| _mm256_set1_epi64x(as_[pick(j)] as i64));
        let ah: [__m256i; 4] =
            std::array::from_fn(|j| _mm256_set1_epi64x((as_[pick(j)] >> 32) as i64));
        let bv: [__m256i; 4] =
            std::array::from_fn(|j| _mm256_set1_epi64x((bs[pick(j)] ^ (1 << 63)) as i64));
        let mut m = [_mm256_set1_epi64x(i64::MAX); 4]; // EMPTY with its top bit flipped
        for q in 0..quads {
            let x = _mm256_loadu_si256(shingles.as_ptr().add(q * 4).cast());
            let xh = _mm256_srli_epi64(x, 32);
            for j in 0..4 {
                let v = _mm256_add_epi64(
                    _mm256_add_epi64(
                        _mm256_mul_epu32(x, al[j]),
                        _mm256_slli_epi64(
                            _mm256_add_epi64(
                                _mm256_mul_epu32(xh, al[j]),
                                _mm256_mul_epu32(x, ah[j]),
                            ),
                            32,
                        ),
                    ),
                    bv[j],
                );
                m[j] = _mm256_blendv_epi8(m[j], v, _mm256_cmpgt_epi64(m[j], v));
            }
        }
        for j in 0..n {
            let t = tail
                .iter()
                .map(|&x| as_[j].wrapping_mul(x).wrapping_add(bs[j]))
                .min()
                .unwrap_or(EMPTY);
            ks[j] = lane_min(m[j]).min(t);
        }
    }
}

/// MinHash of one article's shingle hashes into `sig` (`a.len()` values, all `EMPTY` without shingles).
/// On x86-64 with AVX2 (checked at run time) the vectorised copy runs; both give the same values.
pub fn minhash(shingles: &[u64], a: &[u64], b: &[u64], sig: &mut [u64]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked just above.
            unsafe { minhash_avx2(shingles, a, b, sig) };
            return;
        }
    }
    minhash_into(shingles, a, b, sig)
}

/// Band keys of one signature into `keys` (`keys.len()` bands of `sig.len() / keys.len()` rows).
pub fn band_keys(sig: &[u64], keys: &mut [u64]) {
    let rows = sig.len() / keys.len();
    for (j, key) in keys.iter_mut().enumerate() {
        let mut k = mix64(j as u64 + 1);
        for &v in &sig[j * rows..(j + 1) * rows] {
            k = mix64(k ^ v);
        }
        *key = k;
    }
}

/// Winnowed passage fingerprints of one article (`winnow`): the distinct minima of every window of
/// `window` shingle hashes, sorted; a non-empty article shorter than a window is one window.
pub fn winnow(shingles: &[u64], window: usize, out: &mut Vec<u64>) {
    out.clear();
    if shingles.is_empty() {
        return;
    }
    let w = window.max(1).min(shingles.len());
    // Monotone deque of positions: its front is the rightmost minimum of the current window.
    let mut deque: std::collections::VecDeque<usize> = std::collections::VecDeque::with_capacity(w);
    for (i, &x) in shingles.iter().enumerate() {
        while let Some(&back) = deque.back() {
            if shingles[back] >= x {
                deque.pop_back();
            } else {
                break;
            }
        }
        deque.push_back(i);
        if let Some(&front) = deque.front() {
            if front + w <= i {
                deque.pop_front();
            }
        }
        if i + 1 >= w {
            let m = shingles[*deque.front().expect("the deque holds position i")];
            if out.last() != Some(&m) {
                out.push(m);
            }
        }
    }
    out.sort_unstable();
    out.dedup();
}

/// XXH3-64 of word hashes as consecutive little-endian 8-byte values (the content hash).
pub fn content_hash(words: &[u64]) -> u64 {
    let mut bytes = Vec::with_capacity(words.len() * 8);
    for w in words {
        bytes.extend_from_slice(&w.to_le_bytes());
    }
    xxh3_64(&bytes)
}

/// The settings of a sketch: permutation coefficients, bands and winnowing window.
pub struct Settings<'a> {
    pub a: &'a [u64],
    pub b: &'a [u64],
    pub bands: usize,
    pub window: usize,
}

/// Fingerprints of a run of articles, in CSR layout like `BatchFingerprints`.
#[derive(Default, Debug, PartialEq, Eq)]
pub struct Sketches {
    pub content_hashes: Vec<u64>,
    pub words: Vec<i64>,
    pub signatures: Vec<u64>,
    pub band_keys: Vec<u64>,
    pub passages: Vec<u64>,
    /// Passage counts per article (offsets are made once the runs are joined).
    pub passage_counts: Vec<i64>,
}

impl Sketches {
    /// Appends the fingerprints of one article from its word hashes, with shingles `width` words wide.
    pub fn push(&mut self, words: &[u64], width: usize, s: &Settings, scratch: &mut Vec<u64>) {
        self.content_hashes.push(content_hash(words));
        self.words.push(words.len() as i64);
        shingles(words, width, scratch);
        let at = self.signatures.len();
        self.signatures.resize(at + s.a.len(), EMPTY);
        minhash(scratch, s.a, s.b, &mut self.signatures[at..]);
        let kat = self.band_keys.len();
        self.band_keys.resize(kat + s.bands, 0);
        band_keys(&self.signatures[at..], &mut self.band_keys[kat..]);
        let mut passages = Vec::new();
        winnow(scratch, s.window, &mut passages);
        self.passage_counts.push(passages.len() as i64);
        self.passages.extend_from_slice(&passages);
    }

    /// The runs' fingerprints one after the other.
    pub fn join(parts: Vec<Sketches>) -> Sketches {
        let mut out = Sketches::default();
        for p in parts {
            out.content_hashes.extend(p.content_hashes);
            out.words.extend(p.words);
            out.signatures.extend(p.signatures);
            out.band_keys.extend(p.band_keys);
            out.passages.extend(p.passages);
            out.passage_counts.extend(p.passage_counts);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brute_winnow(x: &[u64], window: usize) -> Vec<u64> {
        if x.is_empty() {
            return vec![];
        }
        let w = window.min(x.len());
        let mut out: Vec<u64> = (0..=x.len() - w)
            .map(|s| *x[s..s + w].iter().min().unwrap())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    #[test]
    fn winnow_equals_the_brute_force_minima() {
        let mut state = 7u64;
        for len in 0..40 {
            let x: Vec<u64> = (0..len)
                .map(|_| {
                    state = mix64(state.wrapping_add(1));
                    state % 13
                })
                .collect();
            for window in 1..10 {
                let mut got = Vec::new();
                winnow(&x, window, &mut got);
                assert_eq!(got, brute_winnow(&x, window), "len {len} window {window}");
            }
        }
    }

    #[test]
    fn shingles_of_a_short_text_is_one_shingle() {
        let mut out = Vec::new();
        shingles(&[1, 2], 5, &mut out);
        assert_eq!(out, vec![mix64(MUL.wrapping_add(2))]);
        shingles(&[], 5, &mut out);
        assert!(out.is_empty());
        shingles(&[1, 2, 3], 2, &mut out);
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn minhash_of_nothing_is_empty_and_avx2_agrees_with_plain() {
        let a: Vec<u64> = (0..16).map(|k| mix64(k) | 1).collect();
        let b: Vec<u64> = (0..16).map(|k| mix64(k + 100)).collect();
        let mut sig = vec![0; 16];
        minhash(&[], &a, &b, &mut sig);
        assert!(sig.iter().all(|&v| v == EMPTY));
        for len in 0..40 {
            for perms in [1, 2, 3, 16] {
                let x: Vec<u64> = (0..len).map(|i| mix64(i * 31 + perms)).collect();
                let mut plain = vec![0; perms as usize];
                let mut fast = vec![0; perms as usize];
                minhash_into(&x, &a[..perms as usize], &b[..perms as usize], &mut plain);
                minhash(&x, &a[..perms as usize], &b[..perms as usize], &mut fast);
                assert_eq!(fast, plain, "len {len} perms {perms}");
            }
        }
        let x: Vec<u64> = (0..100).map(mix64).collect();
        minhash(&x, &a, &b, &mut sig);
        let expect: Vec<u64> = (0..16)
            .map(|k| {
                x.iter()
                    .map(|&v| a[k].wrapping_mul(v).wrapping_add(b[k]))
                    .min()
                    .unwrap()
            })
            .collect();
        assert_eq!(sig, expect);
    }

    #[test]
    fn content_hash_of_no_words_is_the_empty_hash() {
        assert_eq!(content_hash(&[]), xxh3_64(b""));
    }
}
