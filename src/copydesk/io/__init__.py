"""Readers and writers. Depends on layer 1 (model, errors, config) only."""

from copydesk.io.fields import FieldMap, parse_date
from copydesk.io.read import read
from copydesk.io.record import Record, Skipped
from copydesk.io.textfile import decode, parse_text, read_text_file

__all__ = ["FieldMap", "Record", "Skipped", "decode", "parse_date", "parse_text", "read", "read_text_file"]
