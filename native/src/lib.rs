//! copydesk's native core: the fast paths of the hot stages, each equal to its plain Python reference.
//!
//! The crate is flat, one module per concern: `words` (folded bodies to word hashes), `sketch` (word hashes
//! to content hash, MinHash, band keys and passage fingerprints), `batch` (a batch split over threads),
//! `layout` (the body layout of a text: which words are boilerplate) with `credits` (credit patterns) and
//! `paragraphs` (paragraphs, sentences and their kinds), and `verify` (`find`'s figures and passages).
//! `python` holds the bindings (the `python` feature, turned on by maturin); the rest is plain Rust that
//! `cargo test` runs without Python. The Python package owns the API: `copydesk.core` picks this module or
//! the reference, and callers never see the difference.

pub mod batch;
pub mod credits;
pub mod layout;
pub mod paragraphs;
pub mod sketch;
pub mod verify;
pub mod words;

#[cfg(feature = "python")]
mod python;
