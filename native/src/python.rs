//! The Python module `copydesk_native`: arrays cross as `bytes` of native-endian 64-bit values (numpy
//! reads them with `frombuffer`), texts as `str`. The work runs with the GIL released, over every core.

use pyo3::exceptions::{PyUnicodeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use crate::batch::{fingerprints_batch, layouts_batch, sketch_batch, word_hashes_batch};
use crate::sketch::{Settings, Sketches};
use crate::verify;
use crate::words::NoClass;

fn u64s(name: &str, raw: &[u8]) -> PyResult<Vec<u64>> {
    if !raw.len().is_multiple_of(8) {
        return Err(PyValueError::new_err(format!(
            "{name} must hold 8-byte values, got {} bytes",
            raw.len()
        )));
    }
    Ok(raw
        .chunks_exact(8)
        .map(|c| u64::from_ne_bytes(c.try_into().expect("8 bytes")))
        .collect())
}

fn bytes_of<'py, T: Copy>(py: Python<'py>, values: &[T]) -> Bound<'py, PyBytes> {
    // SAFETY: T is a plain integer type (u64 or i64): any value is a valid sequence of bytes.
    let raw = unsafe {
        std::slice::from_raw_parts(values.as_ptr().cast::<u8>(), std::mem::size_of_val(values))
    };
    PyBytes::new(py, raw)
}

fn texts<'a>(bodies: &'a [Bound<'_, PyString>]) -> PyResult<Vec<&'a str>> {
    bodies
        .iter()
        .enumerate()
        .map(|(i, b)| {
            b.to_str().map_err(|_| {
                PyUnicodeError::new_err(format!(
                    "bodies[{i}] is not valid Unicode (a lone surrogate)"
                ))
            })
        })
        .collect()
}

fn no_class(e: NoClass) -> PyErr {
    PyValueError::new_err(format!(
        "no class for code point U+{:04X}: pass the class table of every code point",
        e.0
    ))
}

/// Bytes of input below which a call keeps the GIL: releasing and taking it back costs little alone, but a
/// thread of a busy server that gives it up for a short call then waits for it (up to the interpreter's
/// switch interval) behind the other threads, so short calls run faster, and let others run sooner, holding it.
const DETACH_BYTES: usize = 256 << 10;

/// Runs `work` with the GIL released when its input (`bytes`) is large enough to pay for it.
fn run<T: Send>(py: Python<'_>, bytes: usize, work: impl FnOnce() -> T + Send) -> T {
    if bytes >= DETACH_BYTES {
        py.detach(work)
    } else {
        work()
    }
}

fn settings_check(a: &[u64], b: &[u64], bands: usize, window: usize) -> PyResult<()> {
    if a.is_empty() || a.len() != b.len() {
        return Err(PyValueError::new_err(format!(
            "a and b must hold one value per permutation, got {} and {}",
            a.len(),
            b.len()
        )));
    }
    if bands == 0 || !a.len().is_multiple_of(bands) {
        return Err(PyValueError::new_err(format!(
            "bands must be a positive divisor of num_perm = {}, got {bands}",
            a.len()
        )));
    }
    if window == 0 {
        return Err(PyValueError::new_err(
            "window must be a positive integer, got 0",
        ));
    }
    Ok(())
}

type Out<'py> = (
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
);

fn out<'py>(py: Python<'py>, s: &Sketches) -> Out<'py> {
    let mut offsets = Vec::with_capacity(s.passage_counts.len() + 1);
    offsets.push(0i64);
    for c in &s.passage_counts {
        offsets.push(offsets.last().copied().unwrap_or(0) + c);
    }
    (
        bytes_of(py, &s.content_hashes),
        bytes_of(py, &s.words),
        bytes_of(py, &s.signatures),
        bytes_of(py, &s.band_keys),
        bytes_of(py, &s.passages),
        bytes_of(py, &offsets),
    )
}

/// Word hashes of folded bodies: `(hashes, offsets)` as bytes of uint64 and int64 (`len(bodies) + 1`).
#[pyfunction]
#[pyo3(signature = (bodies, classes=None))]
fn word_hashes<'py>(
    py: Python<'py>,
    bodies: Vec<Bound<'py, PyString>>,
    classes: Option<&[u8]>,
) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
    let strs = texts(&bodies)?;
    let classes = classes.unwrap_or(&[]);
    let size = strs.iter().map(|b| b.len()).sum();
    let (hashes, offsets) =
        run(py, size, || word_hashes_batch(&strs, classes)).map_err(no_class)?;
    Ok((bytes_of(py, &hashes), bytes_of(py, &offsets)))
}

/// Fingerprints from word hashes in CSR layout (bytes of uint64 and int64), article `i` with shingles
/// `widths[i]` words wide: `(content_hashes, words, signatures, band_keys, passages, passage_offsets)`.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn sketch<'py>(
    py: Python<'py>,
    hashes: &[u8],
    offsets: &[u8],
    widths: Vec<usize>,
    a: &[u8],
    b: &[u8],
    bands: usize,
    window: usize,
) -> PyResult<Out<'py>> {
    let (a, b) = (u64s("a", a)?, u64s("b", b)?);
    settings_check(&a, &b, bands, window)?;
    let hashes = u64s("hashes", hashes)?;
    let offsets: Vec<i64> = csr(offsets, "hashes", hashes.len(), "widths", widths.len())?
        .into_iter()
        .map(|v| v as i64)
        .collect();
    let s = Settings {
        a: &a,
        b: &b,
        bands,
        window,
    };
    let result = run(py, hashes.len() * 8, || {
        sketch_batch(&hashes, &offsets, &widths, &s)
    });
    Ok(out(py, &result))
}

/// `word_hashes` then `sketch` with one shingle width for every body, without handing the words back.
#[pyfunction]
#[pyo3(signature = (bodies, width, a, b, bands, window, classes=None))]
#[allow(clippy::too_many_arguments)]
fn fingerprints<'py>(
    py: Python<'py>,
    bodies: Vec<Bound<'py, PyString>>,
    width: usize,
    a: &[u8],
    b: &[u8],
    bands: usize,
    window: usize,
    classes: Option<&[u8]>,
) -> PyResult<Out<'py>> {
    let (a, b) = (u64s("a", a)?, u64s("b", b)?);
    settings_check(&a, &b, bands, window)?;
    let strs = texts(&bodies)?;
    let classes = classes.unwrap_or(&[]);
    let s = Settings {
        a: &a,
        b: &b,
        bands,
        window,
    };
    let size = strs.iter().map(|b| b.len()).sum();
    let result =
        run(py, size, || fingerprints_batch(&strs, width, classes, &s)).map_err(no_class)?;
    Ok(out(py, &result))
}

/// A layout as Python's `BodyLayout` takes it: skip runs, and credits `(kind, name, start, end)`.
type LayoutOut = (
    Vec<(usize, usize)>,
    Vec<(&'static str, Option<String>, usize, usize)>,
);

/// Body layouts of `texts[i][starts[i]:]`: `(skip, credits)` for each, or None where the text is off the
/// native path (the caller then runs `copydesk.text.layout.body_layout`).
#[pyfunction]
fn layouts(
    py: Python<'_>,
    texts: Vec<Bound<'_, PyString>>,
    starts: Vec<usize>,
) -> PyResult<Vec<Option<LayoutOut>>> {
    if starts.len() != texts.len() {
        return Err(PyValueError::new_err(format!(
            "starts must hold one offset per text, got {} for {} texts",
            starts.len(),
            texts.len()
        )));
    }
    // A text that is not valid Unicode (a lone surrogate) is left to Python.
    let strs: Vec<&str> = texts.iter().map(|t| t.to_str().unwrap_or("_")).collect();
    let size = strs.iter().map(|t| t.len()).sum();
    let result = run(py, size, || layouts_batch(&strs, &starts));
    Ok(result
        .into_iter()
        .map(|lay| {
            lay.map(|l| {
                let credits = l
                    .credits
                    .into_iter()
                    .map(|c| (c.kind, c.name, c.start, c.end))
                    .collect();
                (l.skip, credits)
            })
        })
        .collect())
}

fn counts(name: &str, raw: &[u8]) -> PyResult<Vec<usize>> {
    u64s(name, raw)?
        .into_iter()
        .map(|v| {
            usize::try_from(v as i64)
                .map_err(|_| PyValueError::new_err(format!("{name} must hold counts of 0 or more")))
        })
        .collect()
}

/// `offsets` (bytes of int64) as counts, checked to rise from 0 to `total` (the length of `values`) in
/// `items + 1` entries: the CSR layout of `items` runs of `values`.
fn csr(
    offsets: &[u8],
    values: &str,
    total: usize,
    items: &str,
    count: usize,
) -> PyResult<Vec<usize>> {
    let offsets = counts("offsets", offsets)?;
    let ok = offsets.len() == count + 1
        && offsets.first() == Some(&0)
        && offsets.last().copied() == Some(total)
        && offsets.windows(2).all(|w| w[0] <= w[1]);
    if !ok {
        return Err(PyValueError::new_err(format!(
            "offsets must rise from 0 to len({values}) = {total} in len({items}) + 1 = {} entries",
            count + 1
        )));
    }
    Ok(offsets)
}

type FiguresOut<'py> = (
    usize,
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
);

/// The figures of one query against many candidates (`copydesk.engine.verify.figures`): the query's body
/// shingles (bytes of uint64), its body words and window width; the candidates' shingles end to end with
/// `offsets` (int64, `len(words) + 1`), their body words and window widths (int64 each). Gives the
/// query's distinct shingles, then per candidate, as bytes of int64: shared distinct shingles, distinct
/// shingles, query words covered, candidate words covered.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn figures<'py>(
    py: Python<'py>,
    query: &[u8],
    query_words: usize,
    query_width: usize,
    shingles: &[u8],
    offsets: &[u8],
    words: &[u8],
    widths: &[u8],
) -> PyResult<FiguresOut<'py>> {
    let query = u64s("query", query)?;
    let shingles = u64s("shingles", shingles)?;
    let words = counts("words", words)?;
    let widths = counts("widths", widths)?;
    let offsets = csr(offsets, "shingles", shingles.len(), "words", words.len())?;
    if widths.len() != words.len() {
        return Err(PyValueError::new_err(format!(
            "widths must hold one width per candidate ({}), got {}",
            words.len(),
            widths.len()
        )));
    }
    let f = run(py, (query.len() + shingles.len()) * 8, || {
        verify::figures(
            &query,
            query_words,
            query_width,
            &shingles,
            &offsets,
            &words,
            &widths,
        )
    });
    Ok((
        f.query_distinct,
        bytes_of(py, &f.inter),
        bytes_of(py, &f.distinct),
        bytes_of(py, &f.covered_query),
        bytes_of(py, &f.covered_candidate),
    ))
}

/// Runs of text two shingle sequences share (`copydesk.align.passage.shared_runs_reference`): word ranges
/// `(a0, a1, b0, b1)`, half-open.
#[pyfunction]
fn shared_runs(
    py: Python<'_>,
    a: &[u8],
    b: &[u8],
    n: usize,
    a_words: usize,
    b_words: usize,
    min_words: usize,
) -> PyResult<Vec<(usize, usize, usize, usize)>> {
    let (a, b) = (u64s("a", a)?, u64s("b", b)?);
    let size = (a.len() + b.len()) * 8;
    Ok(run(py, size, || {
        verify::shared_runs(&a, &b, n, a_words, b_words, min_words)
    }))
}

/// Shingles of word hashes in CSR layout (bytes of uint64 and int64), article `i`'s `widths[i]` words wide
/// (`copydesk.sketch.batch.shingles_read`): `(shingles, offsets)`.
#[pyfunction]
fn shingles<'py>(
    py: Python<'py>,
    hashes: &[u8],
    offsets: &[u8],
    widths: Vec<usize>,
) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
    let hashes = u64s("hashes", hashes)?;
    let offsets = csr(offsets, "hashes", hashes.len(), "widths", widths.len())?;
    if widths.contains(&0) {
        return Err(PyValueError::new_err("widths must be above 0"));
    }
    let (out, out_offsets) = run(py, hashes.len() * 8, || {
        let mut out = Vec::with_capacity(hashes.len());
        let mut out_offsets = Vec::with_capacity(widths.len() + 1);
        out_offsets.push(0i64);
        let mut one = Vec::new();
        for (i, &w) in widths.iter().enumerate() {
            crate::sketch::shingles(&hashes[offsets[i]..offsets[i + 1]], w, &mut one);
            out.extend_from_slice(&one);
            out_offsets.push(out.len() as i64);
        }
        (out, out_offsets)
    });
    Ok((bytes_of(py, &out), bytes_of(py, &out_offsets)))
}

/// The words of an ASCII body (`copydesk.sketch.words.word_spans`): `(starts, ends)` as bytes of int64, or
/// None for a body that is not ASCII.
#[pyfunction]
fn word_spans<'py>(
    py: Python<'py>,
    body: &str,
) -> Option<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
    crate::words::ascii_spans(body).map(|(s, e)| (bytes_of(py, &s), bytes_of(py, &e)))
}

#[pymodule]
fn copydesk_native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(word_hashes, m)?)?;
    m.add_function(wrap_pyfunction!(sketch, m)?)?;
    m.add_function(wrap_pyfunction!(fingerprints, m)?)?;
    m.add_function(wrap_pyfunction!(layouts, m)?)?;
    m.add_function(wrap_pyfunction!(figures, m)?)?;
    m.add_function(wrap_pyfunction!(shared_runs, m)?)?;
    m.add_function(wrap_pyfunction!(word_spans, m)?)?;
    m.add_function(wrap_pyfunction!(shingles, m)?)?;
    Ok(())
}
