"""The card cache (quizgen/cache.py) in real builds: the same bytes as a cold build whatever the cache holds,
only changed files made again, and a damaged, foreign or unwritable cache never costs the build."""

from __future__ import annotations

import os
import pickle
import shutil
import sqlite3
import sys
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

import quizgen
from quizgen import cache
from quizgen.cli import cli

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import make_corpus  # noqa: E402


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("QUIZGEN_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def seeds(tmp_path) -> Path:
    """The seeds, QuickTakes documents and notes with an image, in a folder of the test's own."""
    folder = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", folder)
    return folder


def build(src, out: Path, **options) -> quizgen.Report:
    report = quizgen.build([src], out, quizgen.BuildOptions(**options))
    assert report.exit_code == 0, report.skipped
    return report


def rows() -> int:
    conn = sqlite3.connect(cache.path())
    try:
        return conn.execute("SELECT count(*) FROM entries").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("suffix", [".apkg", ".json"])
def test_cached_build_is_byte_identical_to_a_cold_one(seeds, tmp_path, suffix):
    cold = build(seeds, tmp_path / f"cold{suffix}", cache=False)
    first = build(seeds, tmp_path / f"first{suffix}")
    again = build(seeds, tmp_path / f"again{suffix}")
    files = len(quizgen.pipeline.find_files([seeds])[0])
    assert (cold.cached, cold.computed) == (0, files)
    assert (first.cached, first.computed) == (0, files)
    assert (again.cached, again.computed) == (files, 0)
    assert again.summary().split("->")[0] == cold.summary().split("->")[0]
    assert again.warnings == cold.warnings and again.merged == cold.merged
    data = (tmp_path / f"cold{suffix}").read_bytes()
    assert (tmp_path / f"first{suffix}").read_bytes() == data
    assert (tmp_path / f"again{suffix}").read_bytes() == data


def test_cached_build_in_worker_processes_is_identical_too(tmp_path):
    corpus = tmp_path / "corpus"
    make_corpus.make(corpus, 70)  # over PARALLEL_FROM: --jobs 2 really forks
    build(corpus, tmp_path / "cold.apkg", cache=False, jobs=1)
    filled = build(corpus, tmp_path / "filled.apkg", jobs=2)
    reused = build(corpus, tmp_path / "reused.apkg", jobs=2)
    assert filled.computed == 70 and reused.cached == 70
    data = (tmp_path / "cold.apkg").read_bytes()
    assert (tmp_path / "filled.apkg").read_bytes() == data == (tmp_path / "reused.apkg").read_bytes()


def test_editing_one_file_makes_only_it_again(tmp_path):
    corpus = tmp_path / "corpus"
    paths = make_corpus.make(corpus, 70)
    build(corpus, tmp_path / "a.json", jobs=2)
    edited = paths[5]
    edited.write_text(edited.read_text(encoding="utf-8").replace("**", ""), encoding="utf-8")
    rebuilt = build(corpus, tmp_path / "b.json", jobs=2)
    assert (rebuilt.cached, rebuilt.computed) == (69, 1)
    build(corpus, tmp_path / "cold.json", cache=False)
    assert (tmp_path / "b.json").read_bytes() == (tmp_path / "cold.json").read_bytes()
    assert (tmp_path / "b.json").read_bytes() != (tmp_path / "a.json").read_bytes()


def test_an_image_that_changes_under_an_unchanged_note_is_packed_anew(seeds, tmp_path):
    build(seeds, tmp_path / "a.apkg")
    image = seeds / "notes" / "img" / "nmj.svg"
    image.write_text(image.read_text(encoding="utf-8").replace("</svg>", "<!-- edited --></svg>"), encoding="utf-8")
    rebuilt = build(seeds, tmp_path / "b.apkg")
    assert rebuilt.computed == 1  # the note that shows it, and only that one
    build(seeds, tmp_path / "cold.apkg", cache=False)
    assert (tmp_path / "b.apkg").read_bytes() == (tmp_path / "cold.apkg").read_bytes()
    image.unlink()  # gone: the note is made again and says so, as a cold build does
    gone = build(seeds, tmp_path / "c.apkg")
    assert gone.computed == 1 and any("nmj.svg not found" in w for w in gone.warnings)


def _garbage(file: Path) -> None:
    file.write_bytes(os.urandom(5000))


def _truncated(file: Path) -> None:
    data = file.read_bytes()
    file.write_bytes(data[: len(data) // 3])


def _other_layout(file: Path) -> None:
    file.unlink()
    conn = sqlite3.connect(file)
    conn.execute("CREATE TABLE entries (key TEXT PRIMARY KEY, value TEXT)")
    conn.execute("INSERT INTO entries VALUES ('a', 'b')")
    conn.commit()
    conn.close()


def _wrong_version(file: Path) -> None:
    conn = sqlite3.connect(file)
    conn.execute(f"PRAGMA user_version = {cache.LAYOUT + 1}")
    conn.commit()
    conn.close()


def _damaged_rows(file: Path) -> None:
    conn = sqlite3.connect(file)
    conn.execute("UPDATE entries SET result = substr(result, 1, 40)")  # the CRC no longer matches
    conn.commit()
    conn.close()


def _rows_of_other_types(file: Path) -> None:
    blob = pickle.dumps({"not": "a result"})
    conn = sqlite3.connect(file)
    conn.execute("UPDATE entries SET result = ?, crc = ?", (blob, zlib.crc32(blob)))
    conn.commit()
    conn.close()


@pytest.mark.parametrize("damage", [_garbage, _truncated, _other_layout, _wrong_version, _damaged_rows,
                                    _rows_of_other_types])
def test_a_damaged_or_foreign_cache_is_rebuilt_without_an_error(seeds, tmp_path, damage):
    build(seeds, tmp_path / "cold.apkg", cache=False)
    build(seeds, tmp_path / "a.apkg")
    damage(cache.path())
    result = CliRunner().invoke(cli, ["build", str(seeds), "-o", str(tmp_path / "b.apkg")])
    assert result.exit_code == 0 and result.stderr == "", result.output
    assert (tmp_path / "b.apkg").read_bytes() == (tmp_path / "cold.apkg").read_bytes()
    after = build(seeds, tmp_path / "c.apkg")  # the cache works again
    files = len(quizgen.pipeline.find_files([seeds])[0])
    assert after.cached == files
    assert (tmp_path / "c.apkg").read_bytes() == (tmp_path / "cold.apkg").read_bytes()


class _Boom:
    def __init__(self, canary: str):
        self.canary = canary

    def __reduce__(self):
        return os.remove, (self.canary,)


def test_a_cached_row_never_runs_code(seeds, tmp_path):
    build(seeds, tmp_path / "cold.json", cache=False)
    build(seeds, tmp_path / "a.json")
    canary = tmp_path / "canary"
    canary.write_text("still here")
    blob = pickle.dumps(_Boom(str(canary)))
    conn = sqlite3.connect(cache.path())
    conn.execute("UPDATE entries SET result = ?, crc = ?", (blob, zlib.crc32(blob)))
    conn.commit()
    conn.close()
    again = build(seeds, tmp_path / "b.json")
    assert canary.exists() and again.cached == 0
    assert (tmp_path / "b.json").read_bytes() == (tmp_path / "cold.json").read_bytes()


def test_a_cache_folder_that_cannot_be_written_means_no_caching(seeds, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("QUIZGEN_CACHE_DIR", str(blocker / "cache"))
    build(seeds, tmp_path / "cold.json", cache=False)
    for name in ("a.json", "b.json"):
        result = CliRunner().invoke(cli, ["build", str(seeds), "-o", str(tmp_path / name)])
        assert result.exit_code == 0 and result.stderr == "", result.output
        assert (tmp_path / name).read_bytes() == (tmp_path / "cold.json").read_bytes()
    assert build(seeds, tmp_path / "c.json").cached == 0


def test_no_cache_neither_uses_nor_fills_the_cache(seeds, tmp_path):
    result = CliRunner().invoke(cli, ["build", str(seeds), "-o", str(tmp_path / "a.json"), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert not cache.path().exists()
    build(seeds, tmp_path / "b.json")
    assert build(seeds, tmp_path / "c.json", cache=False).cached == 0
    result = CliRunner().invoke(cli, ["check", str(seeds), "--no-cache"])
    assert result.exit_code == 0, result.output


def test_cache_path_and_clear(seeds, tmp_path, cache_dir):
    runner = CliRunner()
    assert runner.invoke(cli, ["cache", "path"]).output == f"{cache_dir / cache.FILE_NAME}\n"
    build(seeds, tmp_path / "a.json")
    assert cache.path().is_file()
    result = runner.invoke(cli, ["cache", "clear"])
    assert result.exit_code == 0 and result.output.startswith(f"removed {cache.path()} (")
    assert not cache.path().exists()
    assert runner.invoke(cli, ["cache", "clear"]).output == f"nothing to remove at {cache.path()}\n"
    assert build(seeds, tmp_path / "b.json").cached == 0


def test_options_that_shape_cards_have_entries_of_their_own(seeds, tmp_path):
    files = len(quizgen.pipeline.find_files([seeds])[0])
    build(seeds, tmp_path / "a.json")
    assert rows() == files
    only_qa = build(seeds, tmp_path / "qa.json", kinds=frozenset({"qa"}))
    assert only_qa.cached == 0 and rows() == 2 * files
    assert build(seeds, tmp_path / "deck.json", deck="Other").cached == 0 and rows() == 3 * files
    assert build(seeds, tmp_path / "b.json", jobs=1).cached == files  # --jobs shapes nothing
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    build(seeds, tmp_path / "qa-cold.json", kinds=frozenset({"qa"}), cache=False)
    assert (tmp_path / "qa.json").read_bytes() == (tmp_path / "qa-cold.json").read_bytes()


def test_the_key_changes_with_the_code(monkeypatch):
    key = cache.entry_key("settings", "a.md", "/notes", "a.md")
    assert key == cache.entry_key("settings", "a.md", "/notes", "a.md")
    assert key != cache.entry_key("other settings", "a.md", "/notes", "a.md")
    assert key != cache.entry_key("settings", "b/a.md", "/notes/b", "a.md")
    monkeypatch.setattr(cache, "code_digest", lambda: b"\0" * 16)
    assert key != cache.entry_key("settings", "a.md", "/notes", "a.md")


def test_rows_another_quizgen_made_are_dropped_when_this_one_writes(seeds, tmp_path, monkeypatch):
    files = len(quizgen.pipeline.find_files([seeds])[0])
    build(seeds, tmp_path / "a.json")
    monkeypatch.setattr(cache, "code_digest", lambda: b"\1" * 16)  # as after an upgrade
    assert build(seeds, tmp_path / "b.json").cached == 0
    assert rows() == files
