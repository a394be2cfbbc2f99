"""The Spark backend gives the stories of `copydesk.engine.batch.stories`, the definition: the same
stories in the same order, the same members (role, parent, confidence, containment, credit flags), edges
(figures and evidence) and links, on the project's fixtures, a generated corpus with every kind of copy,
and METER. Also: a rerun resumes (a completed stage is not computed again), the CLI end to end, and
``copydesk import``.

One local[2] session serves every test (see conftest.py); each run costs seconds of Spark overhead.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from copydesk.backends import folder as run_folder
from copydesk.backends.records import edges_json, link_row
from copydesk.cli.app import cli
from copydesk.cli.main import main  # noqa: F401  (registers the commands)
from copydesk.engine import batch
from copydesk.engine.export import story_rows
from copydesk.engine.intake import checked
from copydesk.io import FieldMap, read
from copydesk.model import Article
from tests.conftest import EXAMPLES, ROOT, shared_file
from tests.engine.test_stories import sentences
from tests.engine.test_stories_contract import corpus

METER_MINI = ROOT / "tests" / "data" / "meter_mini.jsonl"


def _read(*paths: Path) -> list[Article]:
    skipped: list[Any] = []
    out = list(checked(read([str(p) for p in paths], fields=FieldMap()), skipped, []))
    assert not skipped
    return out


def fixtures() -> list[Article]:
    arts = _read(EXAMPLES) + _read(METER_MINI)
    assert len({a.id for a in arts}) == len(arts)
    return arts


def generated(seeds: int = 110) -> list[Article]:
    """The contract test's corpus (verbatim, edited, excerpt, merge, same text under other ids, short items
    and their digest, wire takes and a copy of one) for ``seeds`` seeds, moved 11 days apart (so the
    rare-shingle windows of two months each see a part), some undated; the project's three examples under
    every seed's ids (one text, many aliases); the takes of every tenth seed (one wire story: same slug, same
    day); and 40 editions of one text (a band group over the clique size)."""
    records: list[dict[str, Any]] = []
    for seed in range(seeds):
        for r in corpus(seed):
            if r["id"].startswith("take") and seed % 10:
                continue
            date = r["date"] + dt.timedelta(days=11 * seed)
            if seed % 5 == 0 and r["id"].startswith(("item", "edited")):
                date = None
            records.append({**r, "id": f"g{seed:03d}-{r['id']}", "date": date})
    src = sentences(4242, 14)
    day = dt.date(2026, 6, 1)
    for n in range(40):
        text = f"Edition {n}\n\n" + "\n\n".join(src)
        records.append(
            {"id": f"ed{n:02d}", "text": text, "date": day + dt.timedelta(days=n % 5), "outlet": f"P{n}"}
        )
    return list(checked(records, [], []))


def _run(spark: Any, articles: list[Article], where: Path, **options: Any) -> Any:
    from copydesk.backends import spark as backend

    run_folder.write_input(articles, where, run={})
    df = spark.read.parquet(str(run_folder.input_path(where)))
    return backend.run(spark, df, **options)


def assert_conforms(spark: Any, articles: list[Article], where: Path) -> None:
    """Spark's tables equal the definition's on ``articles``: every article row and story row in order,
    the edges of each story, and every link with its evidence."""
    from pyspark.testing import assertDataFrameEqual

    want = batch.stories(articles)
    found = _run(spark, articles, where)
    rows = [row for s, _ in want.stories for row in story_rows(s)]
    expected = spark.createDataFrame(rows, schema=found.tables.articles.schema)
    assertDataFrameEqual(found.tables.articles, expected, checkRowOrder=True, rtol=0.0, atol=0.0)
    links = [link_row(ln) for ln in want.links]
    assert [r.asDict() for r in found.all_links.orderBy("a", "b").collect()] == links
    got_links = [r.asDict() for r in found.tables.links.collect()]
    assert got_links == [{k: v for k, v in r.items() if k != "evidence"} for r in links]
    heads = found.members.where("position = 0").orderBy("founder").collect()
    by_founder = {fk: s for s, fk in want.stories}
    assert [r["founder"] for r in heads] == sorted(by_founder)
    for r in heads:
        s = by_founder[r["founder"]]
        assert r["edges"] == edges_json(s.edges), s.id
    stories = [r.asDict() for r in found.tables.stories.collect()]
    assert stories == [
        {
            "id": s.id,
            "size": s.size,
            "root": s.root,
            "hidden_source": s.hidden_source,
            "hidden_agency": s.hidden_agency,
            "outlets": list(s.outlets),
            "earliest": s.span[0],
            "latest": s.span[1],
            "uncredited_share": s.uncredited_share,
        }
        for s, _ in want.stories
    ]


def test_the_fixtures_give_the_stories_of_the_definition(spark: Any, tmp_path: Path) -> None:
    assert_conforms(spark, fixtures(), tmp_path)


def test_a_generated_corpus_with_every_kind_of_copy_gives_the_stories_of_the_definition(
    spark: Any, tmp_path: Path
) -> None:
    articles = generated()
    assert len(articles) > 2000
    want = batch.stories(articles)
    assert any(m.role == "alias" for s, _ in want.stories for m in s.members)
    assert any(s.hidden_source for s, _ in want.stories)
    assert any(ln.verdict == "common_source" and ln.evidence for ln in want.links)  # wire takes
    assert_conforms(spark, articles, tmp_path)


def test_meter_gives_the_stories_of_the_definition(spark: Any, tmp_path: Path) -> None:
    path = shared_file("meter", "documents.jsonl.gz")
    articles = _read(path)
    assert len(articles) > 800
    assert_conforms(spark, articles, tmp_path)


def test_a_rerun_computes_only_the_stages_not_done(spark: Any, tmp_path: Path) -> None:
    from copydesk.backends import spark as backend

    articles = _read(METER_MINI)
    first = _run(spark, articles, tmp_path, folder=str(tmp_path))
    assert first.store.ran == list(backend.STAGE_NAMES)
    rows = first.tables.articles.collect()
    again = backend.run(spark, spark.read.parquet(str(run_folder.input_path(tmp_path))), folder=str(tmp_path))
    assert again.store.ran == [] and again.store.skipped == list(backend.STAGE_NAMES)
    assert again.tables.articles.collect() == rows
    # a run killed while writing the last two stages left them without their marker
    for stage in ("components", "stories"):
        (tmp_path / "_stages" / stage / "_SUCCESS").unlink()
    third = backend.run(spark, spark.read.parquet(str(run_folder.input_path(tmp_path))), folder=str(tmp_path))
    assert third.store.ran == ["components", "stories"]
    assert third.tables.articles.collect() == rows


def _cli(*args: str) -> Any:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result


def test_the_command_line_writes_resumes_and_imports(spark: Any, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = tmp_path / "run"
    first = _cli(
        "spark",
        "stories",
        str(METER_MINI),
        str(EXAMPLES / "syndicated.jsonl"),
        "-o",
        str(out),
        "--partitions",
        "4",
    )
    assert first.exit_code == 0, first.output
    assert "stage stories: done" in first.output
    assert "already done" not in first.output
    articles = _read(METER_MINI, EXAMPLES / "syndicated.jsonl")
    want = batch.stories(articles)
    rows = run_folder.read_table(out, "articles")
    assert rows == [row for s, _ in want.stories for row in story_rows(s)]
    assert len(run_folder.read_table(out, "stories")) == len(want.stories)
    assert [r["a"] for r in run_folder.read_table(out, "links")] == [ln.a for ln in want.links]
    assert [a.id for a in run_folder.read_input(out)] == [a.id for a in articles]

    again = _cli(
        "spark",
        "stories",
        str(METER_MINI),
        str(EXAMPLES / "syndicated.jsonl"),
        "-o",
        str(out),
        "--partitions",
        "4",
    )
    assert again.exit_code == 0, again.output
    assert "resuming" in again.output and "done at" not in again.output
    other = _cli("spark", "stories", str(METER_MINI), "-o", str(out))
    assert other.exit_code == 1 and "other inputs" in other.output

    db = tmp_path / "run.db"
    imported = _cli("import", str(out), "--db", str(db))
    assert imported.exit_code == 0, imported.output
    assert "the same as the run's" in imported.output
    listed = _cli("export", "stories", "--db", str(db), "--format", "jsonl")
    assert listed.exit_code == 0
    exported = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(r["id"], r["story"], r["role"], r["parent"]) for r in exported] == [
        (r["id"], r["story"], r["role"], r["parent"]) for r in rows
    ]

    # a run that says one copy has another parent than the index finds is reported, not imported quietly
    part = next((out / "articles").glob("part-*.parquet"))
    table = pq.read_table(part).to_pylist()
    copy = next(r for r in table if r["role"] == "copy")
    copy["parent"] = "elsewhere"
    pq.write_table(pa.Table.from_pylist(table, schema=pq.read_schema(part)), part)
    result = _cli("import", str(out), "--db", str(tmp_path / "x.db"))
    assert result.exit_code == 1
    assert "does not give the stories of the Spark run" in result.output and "elsewhere" in result.output


def test_spark_stories_is_refused_without_pyspark(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import builtins

    real = builtins.__import__

    def no_pyspark(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pyspark" or name.startswith("pyspark."):
            raise ImportError("No module named 'pyspark'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyspark)
    result = _cli("spark", "stories", str(METER_MINI), "-o", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "copydesk: error: The Spark backend needs the 'pyspark' package: install it with  pip install "
        "'copydesk[spark]'"
    ]
