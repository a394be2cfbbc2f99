"""copydesk: find the same news story wherever it is republished, and show what each copy did with the text."""

from copydesk.config import CompareConfig
from copydesk.engine.compare import compare
from copydesk.errors import (
    ArticleNotFound,
    ConfigError,
    CopydeskError,
    InputError,
    MissingDependency,
    StoreError,
)
from copydesk.model import Article, Comparison, Credit, Evidence, Passage, Sentence, WordOp

__version__ = "0.1.0"

__all__ = [
    "Article",
    "ArticleNotFound",
    "CompareConfig",
    "Comparison",
    "ConfigError",
    "CopydeskError",
    "Credit",
    "Evidence",
    "InputError",
    "MissingDependency",
    "Passage",
    "Sentence",
    "StoreError",
    "WordOp",
    "__version__",
    "compare",
]
