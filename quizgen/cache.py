"""What each source file made, kept between builds, so that a rebuild redoes only the files that changed.

One SQLite file in the per-user cache folder holds a row per (file, build settings): the digest of the
file's bytes, the images its notes resolved, and the file's whole result (pipeline._Done, pickled:
every document of a note, their cards, warnings and media). A row is used only when the file's bytes,
quizgen's version, a digest of quizgen's own sources and of the versions of the libraries cards depend
on, and the options that shape cards are all the same, and when every image the note resolved resolves
to the same file with the same bytes again; anything else is recomputed. The cache is never trusted:
a row that does not unpickle to quizgen's own result types (only they may be unpickled), a damaged or
foreign database, or one of another layout is ignored and rebuilt, and a folder that cannot be written
just means no caching. Output is the same bytes with or without it.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import pickle
import sqlite3
import sys
import zlib
from pathlib import Path

FILE_NAME = "cards.sqlite"
"""The cache file in the cache folder."""

LAYOUT = 0x51470002
"""PRAGMA user_version of a quizgen cache of this layout ('QG', layout 2): anything else is rebuilt."""

_COLUMNS = ("key", "digest", "images", "crc", "code", "result")
_CREATE = ("CREATE TABLE entries (key BLOB PRIMARY KEY, digest BLOB NOT NULL, images TEXT NOT NULL, "
           "crc INTEGER NOT NULL, code BLOB NOT NULL, result BLOB NOT NULL) WITHOUT ROWID")

COMMIT_EVERY = 500
"""Rows written per transaction: a build interrupted keeps most of what it made, and another build
writing the same cache waits for a short transaction only."""

MMAP = 1 << 30
"""Bytes of the cache file SQLite may read through a memory map (it maps no more than the file holds)."""

LIBRARIES = ("PyYAML", "pyromark", "PyStemmer", "nltk", "wordfreq", "textblob-aptagger", "pylatexenc", "latex2mathml")
"""Libraries whose version can change what a file makes."""

_ALLOWED = {("quizgen.pipeline", "_Done"), ("quizgen.pipeline", "_Doc"), ("quizgen.model", "Card"),
            ("quizgen.quality", "Figures"), ("collections", "Counter")}
"""The only globals a cached result may name: unpickling anything else could run code."""


def folder() -> Path:
    """The per-user cache folder: $QUIZGEN_CACHE_DIR, else the platform's (XDG_CACHE_HOME on Linux)."""
    if os.environ.get("QUIZGEN_CACHE_DIR"):
        return Path(os.environ["QUIZGEN_CACHE_DIR"])
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.join(os.path.expanduser("~"), "AppData", "Local")
        return Path(base) / "quizgen" / "Cache"
    if sys.platform == "darwin":
        return Path(os.path.expanduser("~/Library/Caches")) / "quizgen"
    base = os.environ.get("XDG_CACHE_HOME") or ""
    return Path(base if os.path.isabs(base) else os.path.expanduser("~/.cache")) / "quizgen"


def path() -> Path:
    """The cache file."""
    return folder() / FILE_NAME


def clear() -> int:
    """Remove the cache file (and SQLite's side files) and the word-frequency index (text.WordIndex, made
    again on first need); returns the bytes freed."""
    freed = 0
    base = path()
    words = sorted(base.parent.glob("words-*.idx")) if base.parent.is_dir() else []
    for p in (base, base.with_name(base.name + "-wal"), base.with_name(base.name + "-shm"),
              base.with_name(base.name + "-journal"), *words):
        try:
            freed += p.stat().st_size
            p.unlink()
        except FileNotFoundError:
            pass
    return freed


@functools.cache
def code_digest() -> bytes:
    """quizgen's version, the digest of its sources and the versions of LIBRARIES and Python: a change
    of the code during development, or an upgrade, never reuses a result the old code made."""
    from importlib import metadata

    from . import __version__

    h = hashlib.blake2b(digest_size=16)
    h.update(f"{__version__}\0{sys.version_info[:2]}\0".encode())
    for name in LIBRARIES:
        try:
            h.update(f"{name}={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=-\0".encode())
    package = Path(__file__).resolve().parent
    for source in sorted(package.rglob("*.py")):
        h.update(source.relative_to(package).as_posix().encode() + b"\0" + source.read_bytes())
    return h.digest()


def entry_key(settings: str, path: str, root: str, name: str) -> bytes:
    """A row's key: the code, the build settings that shape a file's result, and where the file is
    (its path is in its warnings, its name keys a note, its root, made absolute, bounds its images)."""
    text = "\0".join((settings, path, root, name))
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20, key=code_digest()).digest()


def digest(data: bytes) -> bytes:
    """The digest of a file's bytes."""
    return hashlib.blake2b(data, digest_size=20).digest()


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")
        return super().find_class(module, name)


def dumps(result) -> bytes:
    return pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)


def loads(blob: bytes):
    """A cached result, unpickled naming only quizgen's result types (UnpicklingError otherwise)."""
    return _Unpickler(io.BytesIO(blob)).load()


class Store:
    """An open cache. Every method swallows SQLite's errors: a locked, full or damaged cache costs the
    rows it could not read or write, never the build (a damaged file is replaced by an empty one)."""

    def __init__(self, conn: sqlite3.Connection, file: Path):
        self.conn = conn
        self.file = file
        self.pending = 0
        self.broken = False
        self.pruned = False

    def _row(self, sql: str, key: bytes) -> tuple | None:
        """One row of a look-up, or None when there is none or the cache has failed (then no more)."""
        if self.broken:
            return None
        try:
            self._reading()
            return self.conn.execute(sql, (key,)).fetchone()
        except sqlite3.Error as e:
            self._failed(e)
            return None

    def get(self, key: bytes, data_digest: bytes) -> tuple[str, int] | None:
        """(images, crc) of the row for `key` when it was made from these bytes, else None."""
        row = self._row("SELECT digest, images, crc FROM entries WHERE key = ?", key)
        if row is None or row[0] != data_digest or not isinstance(row[1], str) or not isinstance(row[2], int):
            return None
        return row[1], row[2]

    def result(self, key: bytes, crc: int) -> bytes | None:
        """The pickled result of the row for `key`, when it is whole (its CRC matches)."""
        row = self._row("SELECT result FROM entries WHERE key = ?", key)
        if row is None or not isinstance(row[0], bytes) or zlib.crc32(row[0]) != crc:
            return None
        return row[0]

    def put(self, key: bytes, data_digest: bytes, images: str, blob: bytes) -> None:
        if self.broken:
            return
        try:
            if not self.pruned:  # rows another quizgen made are of no use to this one: the cache stays bounded
                self.conn.execute("DELETE FROM entries WHERE code != ?", (code_digest(),))
                self.pruned = True
            self.conn.execute("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?)",
                              (key, data_digest, images, zlib.crc32(blob), code_digest(), blob))
            self.pending += 1
            if self.pending >= COMMIT_EVERY:
                self.conn.commit()
                self.pending = 0
        except sqlite3.Error as e:
            self._failed(e)

    def _reading(self) -> None:
        """Look-ups share one transaction: each on its own would take and drop SQLite's locks, which
        cost more than the look-up itself (a third of a rebuild of 5,000 unchanged files)."""
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN")

    def close(self) -> None:
        try:
            if not self.broken:
                self.conn.commit()
            self.conn.close()
        except sqlite3.Error:
            pass

    def _failed(self, error: sqlite3.Error) -> None:
        """Stop using the cache for this build; a damaged file is removed, so the next build starts a
        new one (a locked or full one is left for the next build to try again)."""
        self.broken = True
        if getattr(error, "sqlite_errorcode", None) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
            try:
                self.conn.close()
            except sqlite3.Error:
                pass
            _remove(self.file)


def _remove(file: Path) -> None:
    for p in (file, file.with_name(file.name + "-wal"), file.with_name(file.name + "-shm"),
              file.with_name(file.name + "-journal")):
        try:
            p.unlink()
        except OSError:
            pass


def open_store() -> Store | None:
    """The cache, created when missing and replaced when it is not a quizgen cache of this layout;
    None when it cannot be used at all (a folder that cannot be written, say)."""
    file = path()
    for attempt in range(2):
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(file, timeout=2.0)
        except (OSError, sqlite3.Error):
            return None
        try:
            if _usable(conn):
                conn.execute(f"PRAGMA mmap_size = {MMAP}")  # a rebuild looks up every file: no read() each
                return Store(conn, file)
        except sqlite3.Error:
            pass
        try:
            conn.close()
        except sqlite3.Error:
            pass
        if attempt == 0:
            _remove(file)  # damaged, foreign or of another layout: start afresh, once
    return None


def _usable(conn: sqlite3.Connection) -> bool:
    """Whether `conn` is a quizgen cache of this layout, making it one when the file is new and empty.
    Raises sqlite3.Error for a file that is not a database."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master")]
    if version == 0 and not tables:
        conn.execute("PRAGMA journal_mode = WAL")  # builds read while another writes
        conn.execute(_CREATE)
        conn.execute(f"PRAGMA user_version = {LAYOUT}")
        conn.commit()
        return True
    if version != LAYOUT or tables != ["entries"]:
        return False
    columns = tuple(r[1] for r in conn.execute("PRAGMA table_info(entries)"))
    if columns != _COLUMNS:
        return False
    conn.execute("SELECT count(*) FROM (SELECT key FROM entries LIMIT 1)").fetchone()
    return True


def images_json(seen: list[tuple[str, tuple[str, str]]], warnings: list[str], media: dict[str, str]) -> str:
    """What a file's images resolved to, to be checked again before its row is used ('' when none)."""
    if not seen:
        return ""
    return json.dumps({"seen": [[s, n, r] for s, (n, r) in seen], "warnings": warnings, "media": media},
                      ensure_ascii=False, sort_keys=True)
