"""Labelled benchmark corpora built from Reuters-21578: originals, their copies, rewrites and near-misses."""
