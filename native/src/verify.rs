//! Verifying `find`'s candidates: the figures of one query against many candidates (`figures`), and the
//! runs of text two shingle sequences share (`shared_runs`, a hit's passages).
//!
//! Python references: `copydesk.engine.verify.figures` (numpy) and
//! `copydesk.align.passage.shared_runs_reference`. Both functions give exactly their answers.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Places of a shingle in `b` that `shared_runs` tries (a shingle repeated more often in one text is not a
/// useful anchor): `copydesk.align.passage._MAX_STARTS`.
pub const MAX_STARTS: usize = 8;

/// A hasher for keys that are already uniform 64-bit hashes (shingle hashes): the key is the hash.
#[derive(Default)]
pub struct Uniform(u64);

impl Hasher for Uniform {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

type UniformMap<V> = HashMap<u64, V, BuildHasherDefault<Uniform>>;

/// Per candidate: distinct shingles it shares with the query (`inter`), its distinct shingles
/// (`distinct`), the query's words in a shingle it has (`covered_query`), and its words in a shingle the
/// query has (`covered_candidate`).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Figures {
    /// The query's distinct shingles.
    pub query_distinct: usize,
    pub inter: Vec<i64>,
    pub distinct: Vec<i64>,
    pub covered_query: Vec<i64>,
    pub covered_candidate: Vec<i64>,
}

/// Words covered by windows `[p, p + width)` at the ascending places `p` (clipped at `words`).
struct Cover {
    until: usize,
    words: usize,
    width: usize,
    count: i64,
}

impl Cover {
    fn new(words: usize, width: usize) -> Self {
        Cover {
            until: 0,
            words,
            width,
            count: 0,
        }
    }

    fn add(&mut self, p: usize) {
        let end = (p + self.width).min(self.words);
        let start = p.max(self.until);
        if end > start {
            self.count += (end - start) as i64;
        }
        self.until = self.until.max(end);
    }
}

/// The figures of `query` (its body shingles, `query_words` body words, windows `query_width` words
/// wide) against candidate `i`: shingles `shingles[offsets[i]..offsets[i + 1]]`, `words[i]` body words,
/// windows `widths[i]` words wide. `offsets` rise from 0 to `shingles.len()`.
pub fn figures(
    query: &[u64],
    query_words: usize,
    query_width: usize,
    shingles: &[u64],
    offsets: &[usize],
    words: &[usize],
    widths: &[usize],
) -> Figures {
    let k = words.len();
    let mut out = Figures {
        query_distinct: 0,
        inter: Vec::with_capacity(k),
        distinct: Vec::with_capacity(k),
        covered_query: Vec::with_capacity(k),
        covered_candidate: Vec::with_capacity(k),
    };
    // the query's distinct shingles, numbered; each query place as the number of its shingle
    let mut number: UniformMap<u32> = UniformMap::default();
    number.reserve(query.len());
    let places: Vec<u32> = query
        .iter()
        .map(|&h| {
            let next = number.len() as u32;
            *number.entry(h).or_insert(next)
        })
        .collect();
    out.query_distinct = number.len();
    // held[e] == i + 1: candidate i has the query's shingle number e
    let mut held = vec![0usize; number.len()];
    let mut sorted: Vec<u64> = Vec::new();
    let q_width = query_width.min(query_words);
    for i in 0..k {
        let own = &shingles[offsets[i]..offsets[i + 1]];
        sorted.clear();
        sorted.extend_from_slice(own);
        sorted.sort_unstable();
        sorted.dedup();
        out.distinct.push(sorted.len() as i64);
        let mut inter = 0i64;
        let mut mine = Cover::new(words[i], widths[i].min(words[i]));
        for (p, h) in own.iter().enumerate() {
            if let Some(&e) = number.get(h) {
                if held[e as usize] != i + 1 {
                    held[e as usize] = i + 1;
                    inter += 1;
                }
                mine.add(p);
            }
        }
        out.inter.push(inter);
        out.covered_candidate.push(mine.count);
        let mut theirs = Cover::new(query_words, q_width);
        if inter > 0 {
            for (p, &e) in places.iter().enumerate() {
                if held[e as usize] == i + 1 {
                    theirs.add(p);
                }
            }
        }
        out.covered_query.push(theirs.count);
    }
    out
}

/// Runs of text shared by two shingle sequences as word ranges `(a0, a1, b0, b1)`, half-open: greedy from
/// the start of `a`, at each shingle found in `b` (at its first `MAX_STARTS` places) the longest diagonal
/// run is taken (the first longest) and the scan jumps past it; runs shorter than `min_words` words are
/// left out.
pub fn shared_runs(
    a: &[u64],
    b: &[u64],
    n: usize,
    a_words: usize,
    b_words: usize,
    min_words: usize,
) -> Vec<(usize, usize, usize, usize)> {
    let mut out = Vec::new();
    if a.is_empty() || b.is_empty() {
        return out;
    }
    let mut starts: UniformMap<Vec<usize>> = UniformMap::default();
    for (j, &h) in b.iter().enumerate() {
        let at = starts.entry(h).or_default();
        if at.len() < MAX_STARTS {
            at.push(j);
        }
    }
    let width = n.min(a_words).min(b_words);
    let mut i = 0;
    while i < a.len() {
        let (mut best_k, mut best_j) = (0usize, 0usize);
        if let Some(places) = starts.get(&a[i]) {
            for &j in places {
                let k = a[i..]
                    .iter()
                    .zip(&b[j..])
                    .take_while(|(x, y)| x == y)
                    .count();
                if k > best_k {
                    (best_k, best_j) = (k, j);
                }
            }
        }
        if best_k == 0 {
            i += 1;
            continue;
        }
        let a1 = (i + best_k - 1 + width).min(a_words);
        let b1 = (best_j + best_k - 1 + width).min(b_words);
        if a1 - i >= min_words {
            out.push((i, a1, best_j, b1));
        }
        i += best_k;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Figures the plain way: sets and marks of every word.
    fn plain(
        query: &[u64],
        qw: usize,
        qwidth: usize,
        cands: &[(Vec<u64>, usize, usize)],
    ) -> Figures {
        use std::collections::HashSet;
        let qset: HashSet<u64> = query.iter().copied().collect();
        let mut out = Figures {
            query_distinct: qset.len(),
            ..Figures::default()
        };
        for (c, w, width) in cands {
            let cset: HashSet<u64> = c.iter().copied().collect();
            out.distinct.push(cset.len() as i64);
            out.inter.push(cset.intersection(&qset).count() as i64);
            let mark = |seq: &[u64], other: &HashSet<u64>, words: usize, width: usize| -> i64 {
                let mut m = vec![false; words];
                for (p, h) in seq.iter().enumerate() {
                    if other.contains(h) {
                        for slot in m.iter_mut().skip(p).take(width.min(words)) {
                            *slot = true;
                        }
                    }
                }
                m.iter().filter(|&&x| x).count() as i64
            };
            out.covered_candidate.push(mark(c, &qset, *w, *width));
            out.covered_query.push(mark(query, &cset, qw, qwidth));
        }
        out
    }

    fn lcg(seed: &mut u64) -> u64 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        *seed >> 33
    }

    #[test]
    fn figures_equal_the_plain_count() {
        let mut seed = 7u64;
        for _ in 0..200 {
            let alphabet = 1 + lcg(&mut seed) % 12;
            let qlen = (lcg(&mut seed) % 30) as usize;
            let query: Vec<u64> = (0..qlen).map(|_| lcg(&mut seed) % alphabet).collect();
            let qwidth = 1 + (lcg(&mut seed) % 5) as usize;
            let qw = qlen + qwidth - 1;
            let mut cands = Vec::new();
            for _ in 0..(lcg(&mut seed) % 5) {
                let len = (lcg(&mut seed) % 25) as usize;
                let width = 1 + (lcg(&mut seed) % 9) as usize;
                let c: Vec<u64> = (0..len).map(|_| lcg(&mut seed) % alphabet).collect();
                let w = if len == 0 { 0 } else { len + width - 1 };
                cands.push((c, w, width));
            }
            let flat: Vec<u64> = cands.iter().flat_map(|(c, _, _)| c.clone()).collect();
            let mut offsets = vec![0usize];
            for (c, _, _) in &cands {
                offsets.push(offsets.last().unwrap() + c.len());
            }
            let words: Vec<usize> = cands.iter().map(|c| c.1).collect();
            let widths: Vec<usize> = cands.iter().map(|c| c.2).collect();
            let got = figures(&query, qw, qwidth, &flat, &offsets, &words, &widths);
            assert_eq!(got, plain(&query, qw, qwidth, &cands));
        }
    }

    #[test]
    fn shared_runs_take_the_longest_diagonal_and_jump_past_it() {
        // a: 1 2 3 4 9 5 6; b: 5 6 0 1 2 3 4
        let a = [1, 2, 3, 4, 9, 5, 6];
        let b = [5, 6, 0, 1, 2, 3, 4];
        // shingles 3 words wide: a has 9 words, b 9
        assert_eq!(
            shared_runs(&a, &b, 3, 9, 9, 1),
            vec![(0, 6, 3, 9), (5, 9, 0, 4)]
        );
        assert_eq!(shared_runs(&a, &b, 3, 9, 9, 5), vec![(0, 6, 3, 9)]);
        assert!(shared_runs(&a, &[], 3, 9, 0, 1).is_empty());
    }

    #[test]
    fn a_repeated_shingle_is_tried_at_its_first_places_only() {
        let b: Vec<u64> = std::iter::repeat_n(7, 12).chain([1, 2]).collect();
        let a = [7, 1, 2];
        // the run 7 1 2 starts at b's place 11, past the first MAX_STARTS places of 7: only 7 alone
        assert_eq!(shared_runs(&a, &b, 1, 3, 14, 1)[0], (0, 1, 0, 1));
    }
}
