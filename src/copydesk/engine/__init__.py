"""The verbs: compose the algorithms and the readers and writers."""

from copydesk.engine.articles import as_article
from copydesk.engine.compare import compare

__all__ = ["as_article", "compare"]
