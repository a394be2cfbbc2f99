"""Evaluation on labelled data and speed measurements; each takes its data path as an argument."""
