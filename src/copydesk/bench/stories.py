"""Story clustering and provenance scored on METER-format data (see shared/data/meter/README.md).

Every PA text (role ``source``) and newspaper article (role ``copy``) of the file goes into one temporary
index, at default settings; `Index.stories` groups them. The gold stories: for each story folder, its PA texts
and its wholly- and partially-derived copies; each non-derived copy stands alone. The index stores an identical
text once (`AddSummary.duplicate_of`): such an article is scored in the story of the article holding its text.
Gold stories that share an identical text (``showbiz/10.08.99/bbcstreet`` holds copies of the PA texts of
``bbc`` and ``street``) are one gold story: the same text cannot be in two stories, and it does derive from
one text.

Direction: for each derived copy, the engine is right when the copy's parent is a PA text of its gold story,
or when its parent is another newspaper copy and the first PA text up its line of parents (the root of its
tree: a story may join several trees, `StoryEdge.primary`) is a PA text of its gold story, or when the copy's
text is identical to one of those PA texts. A hidden parent counts as wrong: every copy's PA texts are in the
index, so a copy hung under a hidden source was not traced to them (the figure
``direction_accuracy_hidden_ok`` counts it right when a PA text of its gold story hangs under the same hidden
source, for reference). A copy that is a source of its story (no parent) or alone is wrong.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from copydesk.bench.clustering import adjusted_rand_index, bcubed
from copydesk.bench.meter import read_jsonl
from copydesk.config import CompareConfig, IndexConfig, StoryConfig
from copydesk.engine.index import Index
from copydesk.errors import InputError
from copydesk.model import HIDDEN, Story, StoryMember

DERIVED = ("wholly-derived", "partially-derived")
# Examples of each kind of failure kept in the summary (all of them go to --details).
EXAMPLES = 10


def read_rows(path: Path, fields: Sequence[str], *, what: str) -> list[dict[str, Any]]:
    """The JSON objects of a JSONL(.gz) file, each checked to have ``fields`` (else `InputError` naming the
    line and ``what`` the file should be)."""
    rows = []
    for line, r in enumerate(read_jsonl(path), 1):
        missing = [f for f in fields if not isinstance(r, dict) or f not in r]
        if missing:
            raise InputError(
                f"missing field(s) {', '.join(missing)}: is this {what}?", path=str(path), line=line
            )
        rows.append(r)
    return rows


@contextmanager
def temporary_index(
    *,
    config: IndexConfig | None = None,
    compare_config: CompareConfig | None = None,
    story_config: StoryConfig | None = None,
) -> Iterator[Index]:
    """A new index in a temporary directory, removed on exit."""
    with (
        tempfile.TemporaryDirectory(prefix="copydesk-bench-") as tmp,
        Index(
            Path(tmp) / "bench.db", config=config, compare_config=compare_config, story_config=story_config
        ) as ix,
    ):
        yield ix


def several_sources(stories: Iterable[Story]) -> list[str]:
    """Ids of the stories whose provenance is more than one tree (joined by secondary edges): more than one
    member without a parent, or any under a hidden source."""
    return [
        s.id
        for s in stories
        if s.size > 1 and sum(m.parent is None for m in s.members) != (0 if s.hidden_source else 1)
    ]


@dataclass(frozen=True, slots=True)
class Placement:
    """Where the engine put each stored article: its story and its member record."""

    story_of: dict[str, Story]
    member_of: dict[str, StoryMember]

    @classmethod
    def of(cls, stories: Iterable[Story]) -> Placement:
        story_of: dict[str, Story] = {}
        member_of: dict[str, StoryMember] = {}
        for s in stories:
            for m in s.members:
                story_of[m.id] = s
                member_of[m.id] = m
        return cls(story_of, member_of)

    def label(self, id: str) -> str:
        """The story id of a stored article; an article in no story is alone (its own label)."""
        s = self.story_of.get(id)
        return s.id if s is not None else f"unplaced:{id}"


@dataclass(slots=True)
class MeterGold:
    """The gold of one METER-format file.

    story: article id -> gold story key (a folder, or the copy's own id for a non-derived copy).
    sources: folder -> ids of its PA texts. label: copy id -> METER label.
    """

    story: dict[str, str] = field(default_factory=dict)
    sources: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    label: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> MeterGold:
        gold = cls()
        for r in rows:
            id_, folder = str(r["id"]), str(r["story"])
            if r.get("role") == "source":
                gold.story[id_] = folder
                gold.sources[folder].append(id_)
            elif r.get("label") in DERIVED:
                gold.story[id_] = folder
                gold.label[id_] = str(r["label"])
            elif r.get("label") == "non-derived":
                gold.story[id_] = id_
                gold.label[id_] = "non-derived"
        return gold

    def joined(self, duplicate_of: Mapping[str, str]) -> dict[str, str]:
        """`story` with the gold stories that share an identical text made one (named by the smallest key)."""
        parent = {k: k for k in self.story.values()}

        def find(k: str) -> str:
            while parent[k] != k:
                parent[k] = parent[parent[k]]
                k = parent[k]
            return k

        for alias, holder in duplicate_of.items():
            if alias in self.story and holder in self.story:
                a, b = find(self.story[alias]), find(self.story[holder])
                if a != b:
                    parent[max(a, b)] = min(a, b)
        return {id_: find(k) for id_, k in self.story.items()}


def _direction(
    copy: str, *, gold_sources: set[str], place: Placement, holder: Mapping[str, str], is_source: set[str]
) -> str:
    """The outcome for one derived copy (see the module docstring); ``gold_sources`` are stored ids."""
    h = holder.get(copy, copy)
    if h in is_source:
        return "identical_to_source" if h in gold_sources else "identical_to_other_source"
    m = place.member_of.get(h)
    if m is None:
        return "unplaced"
    if m.parent is None:
        return "root" if m.role == "source" else "alone"
    if m.parent == HIDDEN:
        return "hidden"
    if m.parent in is_source:
        return "source_parent" if m.parent in gold_sources else "other_source_parent"
    up: str | None = m.parent
    seen = {h}
    while up is not None and up != HIDDEN and up not in is_source and up not in seen:
        seen.add(up)
        above = place.member_of.get(up)
        up = None if above is None else above.parent
    if up in gold_sources:
        return "copy_parent_source_root"
    return "copy_parent_hidden_root" if up == HIDDEN else "copy_parent_other_root"


RIGHT = ("identical_to_source", "source_parent", "copy_parent_source_root")


def score_stories(
    stories: Sequence[Story], gold: MeterGold, *, duplicate_of: Mapping[str, str]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Score ``stories`` against ``gold``: the figures, and one record per gold article for --details."""
    place = Placement.of(stories)
    holder = dict(duplicate_of)
    ids = sorted(gold.story)
    joined = gold.joined(duplicate_of)
    predicted = [place.label(holder.get(i, i)) for i in ids]
    truth = [joined[i] for i in ids]
    b = bcubed(truth, predicted)
    raw = bcubed([gold.story[i] for i in ids], predicted)

    is_source = {holder.get(s, s) for srcs in gold.sources.values() for s in srcs}
    sources_of: dict[str, set[str]] = defaultdict(set)
    for srcs in gold.sources.values():
        sources_of[joined[srcs[0]]].update(holder.get(s, s) for s in srcs)
    outcome: dict[str, str] = {}
    hidden_ok = 0
    for c, label in gold.label.items():
        if label == "non-derived":
            continue
        outcome[c] = _direction(
            c, gold_sources=sources_of[joined[c]], place=place, holder=holder, is_source=is_source
        )
        if outcome[c] == "hidden":
            story = place.story_of[holder.get(c, c)]
            under_hidden = {e.copy for e in story.edges if e.source == HIDDEN and e.primary}
            hidden_ok += bool(under_hidden & sources_of[joined[c]])
    right = sum(o in RIGHT for o in outcome.values())

    members_of: dict[str, list[str]] = defaultdict(list)
    for i, p in zip(ids, predicted, strict=True):
        members_of[p].append(i)
    parts: dict[str, set[str]] = defaultdict(set)
    for t, p in zip(truth, predicted, strict=True):
        parts[t].add(p)
    gold_size = Counter(truth)
    split = sorted(t for t, ps in parts.items() if len(ps) > 1)
    mixing = sorted(p for p, ms in members_of.items() if len({joined[m] for m in ms}) > 1)
    folders = {joined[i] for i, lab in gold.label.items() if lab != "non-derived"} | {
        joined[s] for srcs in gold.sources.values() for s in srcs
    }
    mixing_folders = [p for p in mixing if len({joined[m] for m in members_of[p]} & folders) > 1]
    spans = [
        (s.span[1] - s.span[0], s.id) for s in stories if s.span[0] is not None and s.span[1] is not None
    ]
    longest = max(spans, default=None)
    non_derived_joined = sorted(
        c
        for c, lab in gold.label.items()
        if lab == "non-derived" and len(members_of[place.label(holder.get(c, c))]) > 1
    )
    failures = sorted(c for c, o in outcome.items() if o not in RIGHT)

    def story_members(c: str) -> list[str]:
        return [m for m in members_of[place.label(holder.get(c, c))] if m != c]

    figures: dict[str, Any] = {
        "ari": round(adjusted_rand_index(truth, predicted), 4),
        "bcubed_precision": round(b.precision, 4),
        "bcubed_recall": round(b.recall, 4),
        "bcubed_f1": round(b.f1, 4),
        "direction_accuracy": round(right / len(outcome), 4) if outcome else None,
        "direction_accuracy_hidden_ok": round((right + hidden_ok) / len(outcome), 4) if outcome else None,
        "direction_outcomes": dict(sorted(Counter(outcome.values()).items())),
        "articles": len(ids),
        "stored": len({holder.get(i, i) for i in ids}),
        "identical_texts": sum(1 for i in ids if i in holder),
        "stories": len(members_of),
        "non_singleton_stories": sum(1 for ms in members_of.values() if len(ms) > 1),
        "hidden_source_stories": sum(1 for s in stories if s.hidden_source),
        "stories_with_several_sources": len(several_sources(stories)),
        "gold_stories": len(gold_size),
        "gold_non_singleton_stories": sum(1 for n in gold_size.values() if n > 1),
        "gold_stories_joined_by_identical_text": len(set(gold.story.values())) - len(gold_size),
        "gold_stories_split": len(split),
        "stories_mixing_gold_stories": len(mixing),
        "stories_mixing_gold_folders": len(mixing_folders),
        "longest_story_days": longest[0].days if longest else None,
        "longest_story": longest[1] if longest else None,
        "non_derived_in_a_story": len(non_derived_joined),
        "derived_copies": len(outcome),
        "derived_alone": sum(1 for o in outcome.values() if o in ("alone", "unplaced")),
        "by_folder_gold": {
            "note": "gold as the folders give it, identical texts not joined",
            "ari": round(adjusted_rand_index([gold.story[i] for i in ids], predicted), 4),
            "bcubed_f1": round(raw.f1, 4),
        },
        "examples": {
            "gold_stories_split": [
                {
                    "gold": t,
                    "parts": sorted(sorted(i for i in members_of[p] if joined[i] == t) for p in parts[t]),
                }
                for t in split[:EXAMPLES]
            ],
            "stories_mixing_gold_stories": [
                {"story": p, "gold": dict(Counter(joined[m] for m in members_of[p]))}
                for p in mixing[:EXAMPLES]
            ],
            "non_derived_in_a_story": [
                {"id": c, "with": story_members(c)[:5]} for c in non_derived_joined[:EXAMPLES]
            ],
            "direction_failures": [_failure(c, outcome[c], place, holder) for c in failures[:EXAMPLES]],
        },
    }
    details = [
        {
            "id": i,
            "gold": joined[i],
            "label": gold.label.get(i, "source"),
            "stored_as": holder.get(i, i),
            "story": p,
            "parent": _parent(i, place, holder),
            "direction": outcome.get(i),
        }
        for i, p in zip(ids, predicted, strict=True)
    ]
    return figures, details


def _parent(id: str, place: Placement, holder: Mapping[str, str]) -> str | None:
    m = place.member_of.get(holder.get(id, id))
    return None if m is None else m.parent


def _failure(copy: str, outcome: str, place: Placement, holder: Mapping[str, str]) -> dict[str, Any]:
    h = holder.get(copy, copy)
    m, s = place.member_of.get(h), place.story_of.get(h)
    return {
        "id": copy,
        "outcome": outcome,
        "parent": None if m is None else m.parent,
        "confidence": None if m is None else round(m.confidence, 4),
        "story_root": None if s is None else s.root,
        "story_size": None if s is None else s.size,
    }


def meter_articles(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """What the index is given of each text: id, text, date and outlet, PA texts first (so that a newspaper
    copy identical to a PA text is stored as an alias of the PA text). Labels and spans stay out."""
    keep = [r for r in rows if r.get("role") in ("source", "copy")]
    keep.sort(key=lambda r: (r.get("role") != "source", str(r["id"])))
    return [
        {"id": r["id"], "text": r["text"], "date": r.get("date"), "outlet": r.get("outlet")} for r in keep
    ]


def evaluate_meter(
    path: Path,
    *,
    details: Path | None = None,
    config: IndexConfig | None = None,
    compare_config: CompareConfig | None = None,
    story_config: StoryConfig | None = None,
) -> dict[str, Any]:
    """Score `Index.stories` on one METER-format file; returns the figures as a JSON-ready dict.

    ``details``: also write one JSON line per article (gold story, predicted story, parent, direction).
    """
    rows = read_rows(path, ("id", "story", "role", "text"), what="a METER-format file")
    gold = MeterGold.from_rows(rows)
    if not gold.label:
        raise InputError("no labelled copies (role 'copy' with a label) in this file", path=str(path))
    with temporary_index(config=config, compare_config=compare_config, story_config=story_config) as ix:
        summary = ix.add(meter_articles(rows))
        stories = ix.stories()
    figures, records = score_stories(stories, gold, duplicate_of=summary.duplicate_of)
    if summary.skipped:
        figures["skipped"] = [s.message for s in summary.skipped]
    if details is not None:
        with details.open("w", encoding="utf-8") as out:
            out.writelines(json.dumps(r) + "\n" for r in records)
    return {"data": str(path), **figures}
