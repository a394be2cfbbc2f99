"""A story built by hand for the story page: a hidden source, a wire copy under it, copies of that wire (one
uncredited, one credited, one whose ids and text try to break out of the page), an edge without a comparison."""

from __future__ import annotations

import datetime as dt

import pytest

import copydesk
from copydesk.model import HIDDEN, Comparison, Evidence, Story, StoryEdge, StoryMember

WIRE = """HARBOUR CITY (CPA) - The harbour authority closed the north quay on Tuesday after a crane collapsed \
onto two fishing boats during a storm.

Nobody was hurt, the authority said, but the ferry to the islands will not sail until the quay is cleared.

Engineers from the port company were inspecting the remaining cranes, a spokeswoman said.

The storm brought winds of up to 120 kilometres an hour along the coast overnight."""

LEDGER = """The harbour authority closed the north quay today after a crane collapsed onto two fishing boats \
during a storm.

Nobody was hurt, officials said, but the ferry to the islands will not sail until the quay is cleared.

Local fishermen said they had warned the port about the crane for years.

Engineers from the port company were inspecting the remaining cranes, a spokeswoman said."""

DIGEST = """The harbour authority closed the north quay on Tuesday after a crane collapsed onto two fishing \
boats during a storm, the Coastal Press Agency reported.

Nobody was hurt, the authority said, but the ferry to the islands will not sail until the quay is cleared.

<script>alert("sentence")</script> The storm brought winds of up to 120 kilometres an hour."""

HOSTILE = '<img src=x onerror="alert(1)">'

EVIDENCE = (
    Evidence("containment", "b_from_a", 0.8, "B's body is 93% contained in A"),
    Evidence("dates", "b_from_a", 0.4, "A is a day older"),
    Evidence("credit", "common_source", 0.2, "both credit <CPA>"),
)


def _member(
    id: str,
    parent: str,
    day: int,
    outlet: str,
    *,
    title: str,
    credits: tuple[str, ...] = (),
    credits_source: bool = False,
    uncredited: bool = False,
) -> StoryMember:
    return StoryMember(
        id,
        "copy",
        parent,
        0.9,
        0.9,
        title,
        dt.date(2026, 3, day),
        outlet,
        credits,
        credits_source,
        uncredited,
    )


def build_story() -> tuple[Story, dict[tuple[str, str], Comparison]]:
    """The story and the comparisons of its edges, with ``copydesk.compare(source, copy)`` (a = source)."""
    members = (
        _member("wire", HIDDEN, 10, "Coastal Press Agency", title="Crane falls on boats", credits=("CPA",)),
        _member("ledger", "wire", 11, "The Ledger", title="Quay closed", uncredited=True),
        _member(
            "digest", "wire", 12, "Daily Digest", title="<b>Quay</b>", credits=("CPA",), credits_source=True
        ),
        _member(HOSTILE, "ledger", 13, "<script>alert(2)</script>", title=HOSTILE, uncredited=True),
    )
    edges = (
        StoryEdge(
            HIDDEN, "wire", 0.7, 0.95, (Evidence("containment", "common_source", 0.7, "neither contains"),)
        ),
        StoryEdge("wire", "ledger", 0.92, 0.85, EVIDENCE),
        StoryEdge("wire", "digest", 0.85, 0.7, EVIDENCE[:2]),
        StoryEdge("ledger", HOSTILE, 0.6, 0.9, (Evidence("dates", "a_from_b", 0.5, HOSTILE),)),
    )
    texts = {"wire": WIRE, "ledger": LEDGER, "digest": DIGEST}
    comparisons = {
        (s, c): copydesk.compare({"text": texts[s], "id": s}, {"text": texts[c], "id": c})
        for s, c in (("wire", "ledger"), ("wire", "digest"))
    }
    return Story("story-<1>", None, True, members, edges), comparisons


@pytest.fixture
def story_parts() -> tuple[Story, dict[tuple[str, str], Comparison]]:
    return build_story()


def big_story(copies: int) -> Story:
    """A source with ``copies`` copies: most direct, every seventh a copy of the copy before it."""
    members = [StoryMember("src", "source", None, 0.0, 0.0, date=dt.date(2026, 1, 1), outlet="Agency")]
    edges = []
    for i in range(copies):
        parent = f"c{i - 1}" if i % 7 == 6 else "src"
        members.append(
            StoryMember(
                f"c{i}",
                "copy",
                parent,
                0.9,
                0.8,
                date=dt.date(2026, 1, 2 + i % 20),
                outlet=f"Outlet {i}",
                uncredited=i % 3 == 0,
            )
        )
        edges.append(StoryEdge(parent, f"c{i}", 0.9, 0.8, EVIDENCE[:1]))
    return Story("big", "src", False, tuple(members), tuple(edges))


def takes_story() -> Story:
    """Seven PA takes of one court story under a hidden source: ids alike but for their ends."""
    ids = [f"PA/rawtexts/courts/1998-04-2{i}/crown-court-sentencing-report-take{i}.txt" for i in range(7)]
    members = tuple(
        StoryMember(key, "copy", HIDDEN, 0.9, 0.0 if i == 0 else 0.8, outlet=None)
        for i, key in enumerate(ids)
    )
    edges = tuple(StoryEdge(HIDDEN, key, 0.9, 0.0, ()) for key in ids)
    return Story("takes", None, True, members, edges)
