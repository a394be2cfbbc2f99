"""Credits from the source's point of view: whom a copy of a story should credit, and whether it does.

A copy's *line* is the articles above it in its story's provenance tree: its parent, the parent's parent, up
to the story's source, or up to the hidden source (a parent that is not in the corpus). The rules, each about
names (outlets, agencies, sites) and none about a country's press:

1. **The hidden source's agency** (`hidden_agency`). Each copy under a hidden source names the agencies it
   credits (wire, photo, "contributed" and dateline credits) and the agency it is (its outlet is a wire
   agency). The hidden source is the name most of them give; when two names lead alike, it has none. The
   site of an "originally published by" footer names no one: it says where the copy itself ran (a scraper's
   copy of a paper's article), not whose text it is.
2. **Credited** (`credits_line`). A copy credits its source when it credits a name its line goes by: the
   outlet, agency or site of an article above it, or the hidden source's agency. Crediting the original
   agency is enough even when the text came through a paper in between: the agency is the one asking who
   ran its copy. Under a hidden source no credit names, any agency credit counts (nothing tells whom it
   should have named), a footer never does.
3. **Not reuse** (`same_publisher`). A copy that goes by a name of its line (the same outlet as an article
   above it, or the agency the line's text is: an agency's own takes, substitutes and versions of one story)
   republishes its own publisher's text, and is never flagged. Under a hidden source no credit names, neither
   is an agency's copy (it may be that agency's own version).
4. **Uncredited**: any other copy that does not credit its source, whatever else it credits, when at least
   the threshold share of its words is found in its parent (`copydesk.config.StoryConfig`).

Names are compared in lower case.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping


def hidden_agency(named: Iterable[Iterable[str]]) -> str | None:
    """The agency the copies of a hidden source name, or None: ``named`` holds, per copy, the agencies it
    credits and the agency it is (each name counted once per copy). The name given by the most copies, as
    written (the smallest spelling when copies write it differently); None without names, or when two names
    lead alike."""
    votes: Counter[str] = Counter()
    spelled: dict[str, str] = {}
    for names in named:
        seen = {n.lower(): n for n in sorted(names, reverse=True)}
        for low, name in seen.items():
            votes[low] += 1
            spelled[low] = min(spelled.get(low, name), name)
    if not votes:
        return None
    (first, most), *rest = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
    if rest and rest[0][1] == most:
        return None
    return spelled[first]


def line_names(
    parent: Mapping[str, str], own_names: Mapping[str, frozenset[str]], *, top: frozenset[str] = frozenset()
) -> dict[str, frozenset[str]]:
    """For each copy (a key of ``parent``, which maps a member to its parent: an article or a hidden source
    that is not a key of ``own_names``), the names its line goes by: the ``own_names`` of every article above
    it, and ``top`` (the hidden source's names) when its line ends at a hidden source. ``parent`` must hold
    no cycle."""
    out: dict[str, frozenset[str]] = {}
    for start in sorted(parent):
        path: list[str] = []
        k = start
        while k in parent and k not in out:
            path.append(k)
            k = parent[k]
        # k: a member whose names are known, the story's source (no parent), or the hidden source
        if k in out:
            above = out[k] | own_names.get(k, frozenset())
        elif k in own_names:
            above = own_names[k]
        else:
            above = top
        for member in reversed(path):
            out[member] = above
            mine = own_names.get(member, frozenset())
            if not mine <= above:
                above = above | mine
    return out


def credits_line(
    credits: Iterable[str], agencies: Iterable[str], line: frozenset[str], *, unnamed: bool
) -> bool:
    """Whether a copy credits its source (rule 2): one of its ``credits`` is a name of its ``line``; or,
    ``unnamed`` (its line ends at a hidden source no credit names), it credits some agency (``agencies``)."""
    return any(c.lower() in line for c in credits) or (unnamed and any(True for _ in agencies))


def same_publisher(
    own_names: frozenset[str], line: frozenset[str], *, unnamed: bool = False, wire: str | None = None
) -> bool:
    """Whether a copy goes by a name of its line (rule 3): its publisher's own text, not reuse. Under a hidden
    source no credit names (``unnamed``; its copies name two agencies alike), an agency's copy (``wire``, the
    agency it is) may be that agency's own version: it is not flagged either."""
    return not own_names.isdisjoint(line) or (unnamed and wire is not None)
