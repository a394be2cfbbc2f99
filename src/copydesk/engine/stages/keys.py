"""The global key of an article, and what is derived from it: every choice the stages make that needs an
order (the windows of big key groups, the anchors, a tie, a story's founder) uses the key (date, then id),
never a position in a list, so the stories do not depend on the order articles came in (issue 18)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import xxhash

FAR = dt.date.max  # an undated article sorts after every dated one
UNDATED = -1  # the month of an undated article (see `month_of`)


def order_key(date: dt.date | None, id_: str) -> tuple[dt.date, str]:
    """The global key of an article: its date (undated last), then its id."""
    return (date or FAR, id_)


def ranks(dates: Sequence[dt.date | None], ids: Sequence[str]) -> npt.NDArray[np.int64]:
    """Each article's place in the global order of ``dates`` and ``ids`` (0 is the first)."""
    order = sorted(range(len(ids)), key=lambda k: order_key(dates[k], ids[k]))
    out = np.empty(len(ids), dtype=np.int64)
    out[np.asarray(order, dtype=np.int64)] = np.arange(len(ids), dtype=np.int64)
    return out


def month_of(date: dt.date | None) -> int:
    """Months since year 0 (``year * 12 + month - 1``), or `UNDATED`."""
    return UNDATED if date is None else date.year * 12 + date.month - 1


def story_id(founder: str) -> str:
    """A story's id: ``s-`` and the 64-bit xxHash (hex) of its founder's id (its first member by the global
    key, aliases included). So the id is a function of the story's members, whatever came first."""
    return "s-" + xxhash.xxh64_hexdigest(founder.encode("utf-8", "surrogatepass"))


def founder_key(date: dt.date | None, id_: str) -> str:
    """`order_key` as one string that sorts the same way (stored with a story, to list stories of one size
    in the order of their founders)."""
    return f"{(date or FAR).isoformat()} {id_}"
