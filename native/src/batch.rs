//! A batch of articles split over threads: contiguous runs of about equal size, each run's results kept in
//! order, then joined, so the answer does not depend on the number of threads.

use crate::layout::{body_layout, Layout};
use crate::sketch::{Settings, Sketches};
use crate::words::{word_hashes, NoClass};

/// Threads for a batch of `work` units (bytes of text, or word hashes): one per core, fewer for a small
/// batch (a thread is worth about 64 KiB of text).
pub fn threads_for(work: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    cores.min(work / (64 << 10)).max(1)
}

/// Cuts `sizes` (the work of each item) into at most `parts` contiguous `[lo, hi)` runs of about equal work.
pub fn runs(sizes: &[usize], parts: usize) -> Vec<(usize, usize)> {
    let total: usize = sizes.iter().sum();
    let parts = parts.max(1);
    let mut out = Vec::with_capacity(parts);
    let (mut lo, mut acc) = (0, 0);
    for (i, &s) in sizes.iter().enumerate() {
        acc += s;
        if out.len() + 1 < parts && acc * parts >= total * (out.len() + 1) {
            out.push((lo, i + 1));
            lo = i + 1;
        }
    }
    if lo < sizes.len() || out.is_empty() {
        out.push((lo, sizes.len()));
    }
    out
}

/// Runs `work` on each run of `sizes` in its own thread (in this thread when there is one run) and
/// returns the results in run order.
pub fn in_threads<T: Send, F: Fn(usize, usize) -> T + Sync>(
    sizes: &[usize],
    threads: usize,
    work: F,
) -> Vec<T> {
    let cuts = runs(sizes, threads);
    if cuts.len() == 1 {
        return vec![work(cuts[0].0, cuts[0].1)];
    }
    std::thread::scope(|scope| {
        let work = &work;
        let handles: Vec<_> = cuts
            .iter()
            .map(|&(lo, hi)| scope.spawn(move || work(lo, hi)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a worker thread panicked"))
            .collect()
    })
}

/// Word hashes of folded bodies in CSR layout: `(hashes, offsets)` with `bodies.len() + 1` offsets.
pub fn word_hashes_batch(bodies: &[&str], classes: &[u8]) -> Result<(Vec<u64>, Vec<i64>), NoClass> {
    let sizes: Vec<usize> = bodies.iter().map(|b| b.len()).collect();
    let threads = threads_for(sizes.iter().sum());
    let parts = in_threads(&sizes, threads, |lo, hi| {
        let mut hashes = Vec::new();
        let mut counts = Vec::with_capacity(hi - lo);
        for body in &bodies[lo..hi] {
            let before = hashes.len();
            word_hashes(body, classes, &mut hashes)?;
            counts.push((hashes.len() - before) as i64);
        }
        Ok((hashes, counts))
    });
    let mut hashes = Vec::new();
    let mut offsets = vec![0i64];
    for part in parts {
        let (h, counts) = part?;
        hashes.extend(h);
        for c in counts {
            offsets.push(offsets.last().copied().unwrap_or(0) + c);
        }
    }
    Ok((hashes, offsets))
}

/// Fingerprints of articles given by their word hashes in CSR layout, article `i` with shingles
/// `widths[i]` words wide.
pub fn sketch_batch(hashes: &[u64], offsets: &[i64], widths: &[usize], s: &Settings) -> Sketches {
    let n = widths.len();
    let sizes: Vec<usize> = (0..n)
        .map(|i| (offsets[i + 1] - offsets[i]) as usize)
        .collect();
    // A word costs about as much to sketch as 64 bytes of text to read.
    let threads = threads_for(sizes.iter().sum::<usize>() * 64);
    let parts = in_threads(&sizes, threads, |lo, hi| {
        let mut out = Sketches::default();
        let mut scratch = Vec::new();
        for i in lo..hi {
            let words = &hashes[offsets[i] as usize..offsets[i + 1] as usize];
            out.push(words, widths[i], s, &mut scratch);
        }
        out
    });
    Sketches::join(parts)
}

/// Word hashes then fingerprints of folded bodies, in one pass per thread (no word hashes kept).
pub fn fingerprints_batch(
    bodies: &[&str],
    width: usize,
    classes: &[u8],
    s: &Settings,
) -> Result<Sketches, NoClass> {
    let sizes: Vec<usize> = bodies.iter().map(|b| b.len()).collect();
    let threads = threads_for(sizes.iter().sum());
    let parts = in_threads(&sizes, threads, |lo, hi| {
        let mut out = Sketches::default();
        let mut words = Vec::new();
        let mut scratch = Vec::new();
        for body in &bodies[lo..hi] {
            words.clear();
            word_hashes(body, classes, &mut words)?;
            out.push(&words, width, s, &mut scratch);
        }
        Ok(out)
    });
    Ok(Sketches::join(
        parts.into_iter().collect::<Result<Vec<_>, _>>()?,
    ))
}

/// Body layouts of `texts[i][starts[i]..]` (`starts` in characters), None where Python must compute one.
pub fn layouts_batch(texts: &[&str], starts: &[usize]) -> Vec<Option<Layout>> {
    let sizes: Vec<usize> = texts.iter().map(|t| t.len()).collect();
    let threads = threads_for(sizes.iter().sum());
    in_threads(&sizes, threads, |lo, hi| {
        (lo..hi)
            .map(|i| body_layout(texts[i], starts[i]))
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_every_item_once_in_order() {
        for parts in 1..5 {
            for len in 0..12 {
                let sizes: Vec<usize> = (0..len).map(|i| (i * 7) % 5).collect();
                let cuts = runs(&sizes, parts);
                assert!(cuts.len() <= parts.max(1));
                assert_eq!(cuts.first().map(|c| c.0), Some(0));
                assert_eq!(cuts.last().map(|c| c.1), Some(len));
                for w in cuts.windows(2) {
                    assert_eq!(w[0].1, w[1].0);
                }
            }
        }
    }

    #[test]
    fn threads_do_not_change_the_answer() {
        let a: Vec<u64> = (0..8).map(|k| crate::sketch::mix64(k) | 1).collect();
        let b: Vec<u64> = (0..8).map(|k| crate::sketch::mix64(k + 9)).collect();
        let s = Settings {
            a: &a,
            b: &b,
            bands: 4,
            window: 3,
        };
        let texts: Vec<String> = (0..50)
            .map(|i| format!("word{i} the story of day {} and more", i % 7))
            .collect();
        let bodies: Vec<&str> = texts.iter().map(|t| t.as_str()).collect();
        let one = fingerprints_batch(&bodies, 2, &[], &s).unwrap();
        let (hashes, offsets) = word_hashes_batch(&bodies, &[]).unwrap();
        let sizes: Vec<usize> = (0..50)
            .map(|i| (offsets[i + 1] - offsets[i]) as usize)
            .collect();
        let parts = in_threads(&sizes, 3, |lo, hi| {
            let mut out = Sketches::default();
            let mut scratch = Vec::new();
            for i in lo..hi {
                out.push(
                    &hashes[offsets[i] as usize..offsets[i + 1] as usize],
                    2,
                    &s,
                    &mut scratch,
                );
            }
            out
        });
        assert_eq!(Sketches::join(parts), one);
        assert_eq!(sketch_batch(&hashes, &offsets, &[2; 50], &s), one);
    }
}
