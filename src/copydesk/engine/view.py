"""What a person is shown of one story: the story found by its id or by one of its articles, pruned when it
is big, with the edit script of its first edges, and for a story with a hidden source, that source rebuilt
from its copies (`copydesk.engine.reconstruct`). The command line (`copydesk story`) and the service
(`copydesk serve`) both draw this view; building it only reads the index.
"""

from __future__ import annotations

from dataclasses import dataclass

from copydesk.engine.index import Index
from copydesk.engine.reconstruct import MAX_COPIES, reconstruct
from copydesk.errors import ArticleNotFound
from copydesk.io.story_html import EDIT_SCRIPT_CAP
from copydesk.model import HIDDEN, Article, Comparison, Reconstruction, Story, StoryMember
from copydesk.provenance.story import prune

MAX_MEMBERS = 300
"""Members drawn by default: a bigger story is pruned from its sources down (`prune`)."""


@dataclass(frozen=True, slots=True)
class StoryView:
    """One story as drawn.

    story: the whole story. shown: the story as drawn, at most ``max_members`` members (the whole story
        when it is smaller, or when no limit was given). focus: the article named, when the story was looked
        up by one of its articles (the pruning keeps the members around it). comparisons: the compare report
        of each drawn edge between two articles (side a = the source, side b = the copy), keyed by
        ``(source, copy)``, the first `EDIT_SCRIPT_CAP` in tree order; empty when not asked for.
    reconstructed: the hidden source rebuilt from the copies directly under it (`reconstructed`), None
        without a hidden source or when not asked for.
    """

    story: Story
    shown: Story
    focus: str | None
    comparisons: dict[tuple[str, str], Comparison]
    reconstructed: Reconstruction | None = None

    @property
    def cut(self) -> bool:
        """Whether some members are left out of the drawing."""
        return self.shown.size < self.story.size


def find_story(index: Index, key: str) -> tuple[Story, str | None]:
    """The story ``key`` names, a story id (a retired one leads to its story) or the id of an article in
    it, and the article id when it was one (else None). ArticleNotFound when it names neither. Reads only:
    the stories as they stand."""
    try:
        return index.story(key), None
    except ArticleNotFound:
        return index.story_of(key, update=False), key


def article_in_story(index: Index, id: str) -> tuple[Article, Story | None, StoryMember | None]:
    """The article ``id`` (ArticleNotFound when the index does not hold it), the story holding it and its
    member there (None and None while it is in no story yet). Reads only."""
    article = index.get(id)
    try:
        story, _ = find_story(index, id)
    except ArticleNotFound:
        return article, None, None
    return article, story, next((m for m in story.members if m.id == id), None)


def edge_comparisons(
    index: Index, story: Story, *, cap: int = EDIT_SCRIPT_CAP
) -> dict[tuple[str, str], Comparison]:
    """The compare report of each edge between two articles of ``story`` (edges from the hidden source have
    no text), in the story's edge order, the first ``cap``."""
    out: dict[tuple[str, str], Comparison] = {}
    for e in story.edges:
        if e.source == HIDDEN:
            continue
        if len(out) >= cap:
            break
        out[(e.source, e.copy)] = index.explain(e.source, e.copy)
    return out


def reconstructed(index: Index, story: Story, *, max_copies: int = MAX_COPIES) -> Reconstruction | None:
    """The hidden source of ``story`` rebuilt from the copies directly under it: the first ``max_copies`` of
    them in the story's member order (by date, then id), the others listed as left out, so that a story of
    hundreds of copies costs at most ``max_copies`` texts and their pairwise alignments. None without a
    hidden source. Copies of copies are not merged: what they carry, their parents carry."""
    if not story.hidden_source:
        return None
    ids = [m.id for m in story.members if m.parent == HIDDEN]
    if not ids:
        return None
    return reconstruct(
        [index.get(i) for i in ids[:max_copies]],
        config=index.compare_config,
        max_copies=max_copies,
        left_out=ids[max_copies:],
    )


def story_view(
    index: Index,
    key: str,
    *,
    max_members: int | None = MAX_MEMBERS,
    scripts: bool = True,
    rebuild: bool = True,
) -> StoryView:
    """The view of the story ``key`` names (see `find_story`): pruned to ``max_members`` (None or 0: all),
    with the edit scripts of its first edges when ``scripts``, and its hidden source rebuilt when
    ``rebuild`` (from the whole story, not the pruned one)."""
    story, focus = find_story(index, key)
    shown = prune(story, limit=max_members, focus=focus) if max_members else story
    return StoryView(
        story,
        shown,
        focus,
        edge_comparisons(index, shown) if scripts else {},
        reconstructed(index, story) if rebuild else None,
    )
