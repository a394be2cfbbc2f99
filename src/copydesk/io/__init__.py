"""Readers and writers. Depends on layer 1 (model, errors, config) only."""

from copydesk.io.textfile import decode, parse_text, read_text_file

__all__ = ["decode", "parse_text", "read_text_file"]
