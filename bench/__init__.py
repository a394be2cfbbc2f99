"""Benchmark scripts: labelled corpora, baselines and scoring (run from the repository root)."""
