"""`passage_shares`: passage candidates judged against the smaller side, each with its own size."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from copydesk.store import SqliteStore
from tests.store.test_sqlite import SMALL, item


def test_a_short_article_inside_a_long_query_is_kept_by_its_own_share(tmp_path: Path) -> None:
    query = np.arange(1000, 1100, dtype=np.uint64)  # 100 fingerprints
    with SqliteStore(tmp_path / "index.db", config=SMALL, merge_factor=2) as store:
        store.add_batch(
            [
                item("short", passages=[1000, 1001, 1002, 7]),  # 3 of its 4 in the query
                item("long", passages=list(range(1050, 1060)) + list(range(5000, 5990))),  # 10 of 1000
                item("stray", passages=[1099, 1098, *range(6000, 6100)]),  # 2 of 102
            ]
        )
        got = store.passage_shares(query, max_postings=10, min_shared=2, min_share=0.2, min_own_share=0.5)
        # short: 3 >= 0.5 * 4 of its own; long: 10 < 0.2 * 100 of the query's; stray: 2 < 0.5 * 102, 0.2 * 100
        assert got == {"short": (3, 4)}
        got = store.passage_shares(query, max_postings=10, min_shared=2, min_share=0.1, min_own_share=0.8)
        assert got == {"long": (10, 1000)}  # short: 3 < 0.8 * 4; long: 10 >= 0.1 * 100
        got = store.passage_shares(query, max_postings=10, min_shared=3, min_share=0.02, min_own_share=0.5)
        assert got == {"short": (3, 4), "long": (10, 1000)}  # stray: 2 < min_shared
        got = store.passage_shares(
            query, max_postings=10, min_shared=2, min_share=0.1, min_own_share=0.5, exclude="long"
        )
        assert got == {"short": (3, 4)}
