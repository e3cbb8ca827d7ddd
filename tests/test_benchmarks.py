"""benchmarks/: the corpus generator makes valid, varied documents and run.py's pieces work on a tiny corpus.

No timing is asserted here: the targets belong to the benchmark itself (`python benchmarks/run.py`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import yaml

import quizgen

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import make_corpus  # noqa: E402
import run  # noqa: E402


def test_corpus_is_valid_varied_and_deterministic(tmp_path):
    paths = make_corpus.make(tmp_path / "a", 60, seed=3)
    assert len(paths) == 60
    docs = [quizgen.read_file(str(p)) for p in paths]
    assert len({d.key for d in docs}) == 60 and all(d.key.isdigit() for d in docs)
    assert len({d.question for d in docs}) == 60
    assert len({d.answer for d in docs}) == 60
    assert all(3_000 <= p.stat().st_size <= 10_000 for p in paths)
    assert len({d.subject for d in docs}) >= 8
    for p in paths[:10]:  # the real layout: folded scalars, the answer on one line with literal \n
        text = p.read_text(encoding="utf-8")
        assert "\nanswer: >-\n    " in text and "\\n\\n" in text and text.endswith("---\n\n&nbsp;")
        front = yaml.safe_load(text.split("\n---\n")[0][4:])
        assert front["title"] == front["question"] and isinstance(front["id"], int)
    again = make_corpus.make(tmp_path / "b", 60, seed=3)
    assert [p.read_bytes() for p in paths] == [p.read_bytes() for p in again]
    other = make_corpus.make(tmp_path / "c", 20, seed=4)
    assert [p.read_bytes() for p in paths[:20]] != [p.read_bytes() for p in other]


def test_questions_stay_distinct_past_keyword_pairs():
    seed = make_corpus.load_seeds()[0]
    many = make_corpus.questions(seed, 2_000, "1")
    assert len(set(many)) == 2_000 and many[0] == seed.question


def test_floor_and_memory_sampling(tmp_path):
    make_corpus.make(tmp_path, 30)
    assert run.floor_once(tmp_path) == 30
    assert run.floor(tmp_path, repeat=1) > 0
    assert run.tree_rss(os.getpid()) > 1 << 20


def test_bench_on_a_tiny_corpus_reports_every_row_and_compares_outputs(tmp_path):
    lines: list[str] = []
    # 70 files: over pipeline.PARALLEL_FROM (64), so --jobs 2 really uses worker processes
    result = run.bench(70, 2, str(tmp_path), 1, 1, out=lines.append, corpus_dir="generated")
    assert result["corpus"] == "generated" and result["docs"] == 70
    assert list(result["rows"])[:3] == ["cold .apkg (empty cache)", "rebuild, nothing changed", "rebuild, 1% edited"]
    assert len(result["identical"]) == 3 and all(result["identical"].values())
    assert result["floor"] > 0 and result["build"] > 0 and result["peak_mib"] > 10
    assert 0 < result["help"] and 0 < result["one_file"]
    assert set(result["ratios"]) == set(result["rows"])
    text = "\n".join(lines)
    for row in ("floor (read + CSafeLoader)", "cold .apkg (empty cache)", "rebuild, nothing changed",
                "rebuild, 1% edited", "start-up: quizgen --help (min 10)", "build of 1 file"):
        assert row in text
    for target in ("cold .apkg <= 4.0x floor", "rebuild, nothing changed <= 1.5x floor",
                   "rebuild, 1% edited <= 2.0x floor", "peak memory <= 400 MiB",
                   "output identical whatever --jobs and the cache: met", "quizgen --help < 0.3 s",
                   "build of 1 file < 0.3 s"):
        assert f"target {target}" in text
    assert ("careful genanki script" in result["rows"]) != ("careful script: not run" in text)
    kept = tmp_path / "docs70-seed1"
    assert len(run.files_of(kept)) == 70 and (kept / run.MARKER).is_file()
    before = {p: p.stat().st_mtime_ns for p in run.files_of(kept)}
    run.corpus(70, 1, str(tmp_path))  # a kept corpus is reused, not remade, and never edited
    assert before == {p: p.stat().st_mtime_ns for p in run.files_of(kept)}


def test_the_real_corpus_is_measured_on_a_copy(tmp_path):
    source = tmp_path / "real"
    paths = make_corpus.make(source, 5)
    work = tmp_path / "work"
    work.mkdir()
    copy = run.real_corpus(3, work, source)
    assert [p.name for p in run.files_of(copy)] == [p.name for p in paths[:3]]
    assert run.real_corpus(None, tmp_path / "missing", tmp_path / "no-such-corpus") is None
    run.edit(run.files_of(copy), 0.5, 0)
    assert [p.read_bytes() == q.read_bytes() for p, q in zip(paths, run.files_of(copy))] == [False, True, False]


def test_edit_changes_the_share_asked_a_new_way_each_round(tmp_path):
    paths = make_corpus.make(tmp_path, 200)
    first = run.edit(paths, 0.01, 0)
    assert len(first) == 2
    once = [p.read_bytes() for p in first]
    run.edit(paths, 0.01, 1)
    assert [p.read_bytes() for p in first] != once
    assert all(quizgen.read_file(str(p)) for p in first)  # still documents


def test_the_careful_script_is_run_only_where_it_and_its_environment_are(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "CAREFUL", tmp_path / "absent.py")
    assert run.careful_command(tmp_path, tmp_path / "out.apkg", sys.executable) is None
    script = tmp_path / "careful.py"
    script.write_text("")
    monkeypatch.setattr(run, "CAREFUL", script)
    assert run.careful_command(tmp_path, tmp_path / "o.apkg", str(tmp_path / "no-python")) is None


def test_stages_times_every_stage_of_an_apkg_build(tmp_path):
    lines: list[str] = []
    ms = run.stages(20, str(tmp_path), 1, repeat=1, out=lines.append)
    assert list(ms) == ["floor (read + CSafeLoader)", "parse (includes the floor)", "generate cards",
                        "front keys (duplicates)", "SQLite fill", "deflate"]
    assert all(v > 0 for v in ms.values())
    text = "\n".join(lines)
    assert "20 documents" in text and "x the floor" in text and "with no card making at all" in text
    assert "with no Markdown either" in text


def test_stages_start_each_timing_with_empty_caches():
    from quizgen import text

    text.stem("caches")
    assert text.stem.cache_info().currsize > 0
    run._forget()
    assert text.stem.cache_info().currsize == 0 and text.tokens.cache_info().currsize == 0
