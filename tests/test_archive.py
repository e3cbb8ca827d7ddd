"""exporters/archive.py: zips deflated in pieces on threads, read back by zipfile (and so by any unzip)."""

from __future__ import annotations

import random
import zipfile

import pytest

from quizgen.exporters import archive


def _content(size: int) -> bytes:
    """Half text that repeats across pieces (what the dictionary carries over), half noise."""
    rng = random.Random(size)
    words = [rng.randbytes(rng.randint(2, 9)).hex() for _ in range(300)]
    text = " ".join(rng.choice(words) for _ in range(size // 8)).encode()
    return bytes(b for pair in zip(text, rng.randbytes(len(text))) for b in pair)[:size]


@pytest.mark.parametrize("size", [0, 1, 999, 1000, 1001, 5 * 1000 + 17, 40_000])
def test_members_read_back_whole_from_any_number_of_pieces(tmp_path, monkeypatch, size):
    monkeypatch.setattr(archive, "PIECE", 1000)  # many pieces, each primed with the one before
    data = _content(size)
    (tmp_path / "db").write_bytes(data)
    out = tmp_path / "a.zip"
    archive.write_zip(str(out), [("collection.anki2", str(tmp_path / "db")), ("media", b"{}")])
    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None
        assert z.namelist() == ["collection.anki2", "media"]
        assert z.read("collection.anki2") == data and z.read("media") == b"{}"
        for info in z.infolist():
            assert info.compress_type == zipfile.ZIP_DEFLATED and info.date_time == (1980, 1, 1, 0, 0, 0)


def test_the_bytes_do_not_depend_on_the_threads(tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "PIECE", 4096)
    (tmp_path / "db").write_bytes(b"".join(b"card %d text; " % (n % 700) for n in range(20_000)))
    made = []
    for threads in (1, 2, 5):
        out = tmp_path / f"{threads}.zip"
        archive.write_zip(str(out), [("db", str(tmp_path / "db"))], threads=threads)
        made.append(out.read_bytes())
    assert made[0] == made[1] == made[2]
    assert len(made[0]) < (tmp_path / "db").stat().st_size / 5  # compressed, not stored


def test_progress_counts_the_files_bytes(tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "PIECE", 1000)
    (tmp_path / "db").write_bytes(_content(4_500))
    calls = []
    archive.write_zip(str(tmp_path / "a.zip"), [("db", str(tmp_path / "db")), ("media", b"{}")],
                      progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1000, 4500), (2000, 4500), (3000, 4500), (4000, 4500), (4500, 4500)]
