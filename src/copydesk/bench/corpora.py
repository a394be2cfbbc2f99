"""Checks of `Index.stories` on real corpora without reuse labels, printed for a person to inspect.

- ECB+ (shared/data/ecbplus/README.md): articles about the same events by different outlets, mostly written
  independently. Every link `stories` makes there is listed with its containment both ways and a sample of
  the longest shared passage, so that one can see whether it is real shared text or only topic words.
- Reuters-21578 (shared/data/reuters21578/README.md): the groups of identical bodies (after whitespace
  normalisation) must each come out as one story; what else is grouped is counted and sampled.

A link is a pair of articles that the engine verified as sharing reused text (`copydesk.model.Link`), as
stored by the stories update. The identical texts the index stores once (`AddSummary.duplicate_of`) are
listed apart: they share all of their text.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from copydesk.bench.stories import Placement, read_rows, several_sources, temporary_index
from copydesk.config import CompareConfig, IndexConfig, StoryConfig
from copydesk.engine.index import Index
from copydesk.model import Article, Link, Story


def _shorten(text: str, chars: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= chars else flat[: chars - 1].rstrip() + "…"


def describe_link(ix: Index, link: Link, *, sample_chars: int = 200) -> dict[str, Any]:
    """One link with what a person needs to judge it: containment both ways (from the link), the shared
    words, the engine's verdict, and the longest passage of shared text (from `Index.explain` on the pair)."""
    c = ix.explain(link.a, link.b)
    longest = max(c.passages, key=lambda p: p.words, default=None)
    return {
        "a": link.a,
        "b": link.b,
        "containment_a_in_b": round(link.containment_a, 4),
        "containment_b_in_a": round(link.containment_b, 4),
        "shared_words": link.shared_words,
        "verdict": link.verdict,
        "confidence": round(link.confidence, 4),
        "passages": len(c.passages),
        "passage_words": sum(p.words for p in c.passages),
        "longest_passage_words": 0 if longest is None else longest.words,
        "sample": ""
        if longest is None
        else _shorten(c.a_text[longest.a_start : longest.a_end], sample_chars),
    }


def story_links(ix: Index, stories: Iterable[Story]) -> list[Link]:
    """The stored links between members of ``stories``, each once, ordered by their ends."""
    ids = [m.id for s in stories for m in s.members]
    found = {tuple(sorted((link.a, link.b))): link for link in ix.store.links_of(ids)} if ids else {}
    return [found[k] for k in sorted(found)]


def _histogram(sizes: Iterable[int]) -> dict[str, int]:
    return {str(k): v for k, v in sorted(Counter(sizes).items())}


# Buckets of the longest shared passage of a link, in words: a link held only by short runs (names, stock
# phrases) is the first place to look for topic words taken for reuse.
_RUNS = ((0, "<8"), (8, "8-11"), (12, "12-19"), (20, "20-49"), (50, ">=50"))


def _runs(words: Iterable[int]) -> dict[str, int]:
    counts = dict.fromkeys((name for _, name in _RUNS), 0)
    for w in words:
        counts[next(name for low, name in reversed(_RUNS) if w >= low)] += 1
    return counts


def check_ecb(
    path: Path,
    *,
    config: IndexConfig | None = None,
    compare_config: CompareConfig | None = None,
    story_config: StoryConfig | None = None,
    sample_chars: int = 200,
) -> dict[str, Any]:
    """Index every ECB+ document (text only: the url names the story) and list every link `stories` makes.

    Each link and identical text carries ``gold``: ``same_story`` (the same seminal event),
    ``same_topic`` (the other event of the topic) or ``other_topic``.
    """
    rows = read_rows(path, ("id", "topic", "story", "text"), what="the ECB+ documents.jsonl.gz")
    gold = {str(r["id"]): (r["topic"], r["story"]) for r in rows}

    def relation(a: str, b: str) -> str:
        (ta, sa), (tb, sb) = gold[a], gold[b]
        return "same_story" if sa == sb else ("same_topic" if ta == tb else "other_topic")

    with temporary_index(config=config, compare_config=compare_config, story_config=story_config) as ix:
        summary = ix.add({"id": str(r["id"]), "text": r["text"]} for r in rows)
        stories = ix.stories()
        multi = [s for s in stories if s.size > 1]
        links = [
            {**describe_link(ix, link, sample_chars=sample_chars), "gold": relation(link.a, link.b)}
            for link in story_links(ix, multi)
        ]
    identical = [
        {"id": alias, "same_text_as": holder, "gold": relation(alias, holder)}
        for alias, holder in sorted(summary.duplicate_of.items())
    ]
    return {
        "data": str(path),
        "documents": len(rows),
        "stored": summary.added,
        "identical_texts": len(identical),
        "stories": len(stories),
        "non_singleton_stories": len(multi),
        "non_singleton_sizes": _histogram(s.size for s in multi),
        "links": len(links),
        "links_by_gold": dict(sorted(Counter(x["gold"] for x in links).items())),
        "links_by_longest_passage_words": _runs(x["longest_passage_words"] for x in links),
        "stories_with_several_sources": len(several_sources(multi)),
        "stories_listed": [{"id": s.id, "root": s.root, "members": [m.id for m in s.members]} for s in multi],
        "link_list": links,
        "identical_list": identical,
    }


def reuters_date(value: object) -> dt.date | None:
    """The day of a Reuters ``<DATE>`` (``26-FEB-1987 15:01:01.79``, trailing codes allowed), or None."""
    if not isinstance(value, str) or not value.split():
        return None
    try:
        return dt.datetime.strptime(value.split()[0], "%d-%b-%Y").date()
    except ValueError:
        return None


def identical_groups(rows: Iterable[Mapping[str, Any]]) -> list[list[str]]:
    """Ids of the documents whose bodies are identical after whitespace normalisation, groups of two or more,
    each group sorted, in order of their first id."""
    by_body: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        by_body[" ".join(str(r["text"]).split())].append(str(r["id"]))
    return sorted((sorted(ids) for ids in by_body.values() if len(ids) > 1), key=lambda g: g[0])


def check_reuters(
    path: Path,
    *,
    config: IndexConfig | None = None,
    compare_config: CompareConfig | None = None,
    story_config: StoryConfig | None = None,
    sample: int = 10,
    seed: int = 0,
    sample_chars: int = 160,
) -> dict[str, Any]:
    """Index every Reuters-21578 body; count the identical-body groups that come out whole (in one story),
    and count and sample (``sample`` stories, drawn with ``seed``) what else is grouped."""
    rows = read_rows(path, ("id", "text"), what="the Reuters-21578 documents.jsonl.gz")
    groups = identical_groups(rows)
    with temporary_index(config=config, compare_config=compare_config, story_config=story_config) as ix:
        summary = ix.add(
            Article(
                text=str(r["text"]), id=str(r["id"]), title=r.get("title"), date=reuters_date(r.get("date"))
            )
            for r in rows
        )
        stories = ix.stories()
        holder = summary.duplicate_of
        place = Placement.of(stories)
        broken = [g for g in groups if len({place.label(holder.get(i, i)) for i in g}) > 1]
        aliases: dict[str, list[str]] = defaultdict(list)
        for alias, h in holder.items():
            aliases[h].append(alias)
        group_holders = {holder.get(i, i) for g in groups for i in g}
        multi = [s for s in stories if s.size > 1]
        picked = random.Random(seed).sample(multi, min(sample, len(multi)))
        titles = {str(r["id"]): (r.get("title"), r.get("date")) for r in rows}
        sampled = [_sampled_story(ix, s, titles, aliases, sample_chars=sample_chars) for s in picked]
        largest = [
            _sampled_story(ix, s, titles, aliases, sample_chars=sample_chars, max_members=10)
            for s in multi[:3]
        ]
    return {
        "data": str(path),
        "documents": len(rows),
        "stored": summary.added,
        "identical_texts": len(holder),
        "identical_groups": len(groups),
        "identical_groups_documents": sum(len(g) for g in groups),
        "identical_groups_whole": len(groups) - len(broken),
        "identical_groups_broken": [
            [
                [i for i in g if place.label(holder.get(i, i)) == p]
                for p in sorted({place.label(holder.get(i, i)) for i in g})
            ]
            for g in broken
        ],
        "stories": len(stories),
        "non_singleton_stories": len(multi),
        "non_singleton_sizes": _histogram(s.size for s in multi),
        "non_singleton_with_an_identical_group": sum(
            1 for s in multi if any(m.id in group_holders for m in s.members)
        ),
        "articles_in_non_singleton_stories": sum(s.size for s in multi),
        "stories_with_several_sources": len(several_sources(multi)),
        "largest": largest,
        "sample_seed": seed,
        "sample": sampled,
    }


def _sampled_story(
    ix: Index,
    story: Story,
    titles: Mapping[str, tuple[Any, Any]],
    aliases: Mapping[str, Sequence[str]],
    *,
    sample_chars: int,
    max_links: int = 5,
    max_members: int | None = None,
) -> dict[str, Any]:
    """A story for a person to read: its members (titles, dates, parents) and its first links described."""
    links = story_links(ix, [story])
    return {
        "id": story.id,
        "size": story.size,
        "root": story.root,
        "hidden_source": story.hidden_source,
        "members": [
            {
                "id": m.id,
                "title": titles[m.id][0],
                "date": titles[m.id][1],
                "parent": m.parent,
                "same_text": list(aliases.get(m.id, ())),
            }
            # an alias (the same text under another id) is listed in ``same_text`` of its article
            for m in [m for m in story.members if m.role != "alias"][:max_members]
        ],
        "links": len(links),
        "link_sample": [describe_link(ix, link, sample_chars=sample_chars) for link in links[:max_links]],
    }
