"""Progress store: FSRS card states and the review log in one SQLite file, keyed by the cards' stable ids.

Each review is its own transaction, so a killed process loses at most the card on screen; WAL mode and a
busy timeout let two sessions share one file; a header check refuses any file that is not ours before
SQLite writes a byte to it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from time import monotonic, sleep

from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler, State

from quizgen.errors import QuizgenError

APPLICATION_ID = 0x517A676E
"""'Qzgn': marks a SQLite file as a quizgen progress database (PRAGMA application_id)."""

SCHEMA_VERSION = 1
"""PRAGMA user_version of the layout below; a newer file is refused, never downgraded."""

SQLITE_MAGIC = b"SQLite format 3\x00"

STATE_NAMES = {
    0: "new",
    int(State.Learning): "learning",
    int(State.Review): "review",
    int(State.Relearning): "relearning",
}
"""Stored state codes: 0 for a card never reviewed, else fsrs.State's value."""

_SCHEMA = (
    """CREATE TABLE cards (
        id TEXT PRIMARY KEY,
        state INTEGER NOT NULL DEFAULT 0,
        step INTEGER,
        stability REAL,
        difficulty REAL,
        due TEXT,
        last_review TEXT,
        reps INTEGER NOT NULL DEFAULT 0,
        lapses INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID""",
    "CREATE INDEX cards_due ON cards(state, due)",
    """CREATE TABLE reviews (
        id INTEGER PRIMARY KEY,
        card_id TEXT NOT NULL,
        rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
        reviewed_at TEXT NOT NULL,
        state_before INTEGER NOT NULL,
        due_after TEXT NOT NULL,
        duration_ms INTEGER
    )""",
    "CREATE INDEX reviews_card ON reviews(card_id, reviewed_at)",
    "CREATE INDEX reviews_time ON reviews(reviewed_at)",
)
"""Times are UTC ISO-8601 with microseconds, so text order is time order."""

_CHUNK = 500
"""Ids per IN (...) query, well under SQLite's variable limit."""


class StoreError(QuizgenError):
    """The progress database cannot be used; the message is one line naming the file."""


@dataclass(slots=True, frozen=True)
class CardState:
    """Where one card stands in the schedule."""

    id: str
    state: str = "new"
    """new | learning | review | relearning"""
    due: datetime | None = None
    """next review (UTC); None while new"""
    stability: float | None = None
    difficulty: float | None = None
    step: int | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0
    """times a card in review was rated Again"""


@dataclass(slots=True, frozen=True)
class ReviewRecord:
    """One line of the review log."""

    card_id: str
    rating: int
    reviewed_at: datetime
    state_before: str
    due_after: datetime
    duration_ms: int | None


@dataclass(slots=True, frozen=True)
class Stats:
    """The whole store at a glance, as `quizgen stats` shows it."""

    new: int
    """cards a session has loaded but never reviewed"""
    learning: int
    """learning and relearning"""
    review: int
    due_today: int
    """overdue or due before the end of today (in the timezone of `now`)"""
    due_week: int
    """overdue or due within today and the six days after"""
    per_day: tuple[tuple[date, int], ...]
    """reviews on each of the last seven days, oldest first"""
    retained: int
    """reviews of non-new cards rated above Again"""
    tested: int
    """reviews of non-new cards"""

    @property
    def retention(self) -> float | None:
        """True retention: share of reviews of known cards that were recalled (None before any)."""
        return self.retained / self.tested if self.tested else None


class Store:
    """An open progress database. Use as a context manager; every write commits on its own."""

    __slots__ = ("path", "_db", "_scheduler")

    def __init__(self, path: str | Path, *, scheduler: Scheduler | None = None, timeout: float = 10.0):
        self.path = Path(path)
        self._scheduler = scheduler if scheduler is not None else Scheduler()
        self._db = _open(self.path, timeout)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def add(self, ids: Iterable[str]) -> int:
        """Register cards as new (known ones are left as they are); returns how many were added."""
        rows = [(i,) for i in dict.fromkeys(ids)]
        with self._transaction():
            before = self._db.total_changes
            self._db.executemany("INSERT OR IGNORE INTO cards (id) VALUES (?)", rows)
            return self._db.total_changes - before

    def review(self, card_id: str, rating: int, now: datetime, *, duration_ms: int | None = None) -> CardState:
        """Schedule a card after one answer and log it, in one transaction; returns its new state."""
        at = _utc(now)
        with self._transaction():
            before = self._state(card_id)
            card, _ = self._scheduler.review_card(_to_fsrs(before, at), Rating(rating), at, duration_ms)
            after = _after(before, card, rating)
            self._save(after)
            self._db.execute(
                "INSERT INTO reviews (card_id, rating, reviewed_at, state_before, due_after, duration_ms)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (card_id, int(rating), _iso(at), _code(before.state), _iso(card.due), duration_ms),
            )
        return after

    def state(self, card_id: str) -> CardState:
        """The card's schedule (state 'new' when it was never reviewed)."""
        with self._sql():
            return self._state(card_id)

    def states(self, ids: Iterable[str]) -> dict[str, CardState]:
        """The schedule of many cards at once, in the order given."""
        wanted = list(dict.fromkeys(ids))
        found: dict[str, CardState] = {}
        with self._sql():
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                for row in self._db.execute(f"SELECT {_COLUMNS} FROM cards WHERE id IN ({marks})", chunk):
                    found[row[0]] = _row_state(row)
        return {i: found.get(i) or CardState(i) for i in wanted}

    def due(self, ids: Iterable[str], now: datetime) -> list[str]:
        """Those of `ids` that were reviewed before and are due by `now`, most overdue first."""
        at = _utc(now)
        due = [s for s in self.states(ids).values() if s.due is not None and s.due <= at]
        return [s.id for s in sorted(due, key=lambda s: (s.due, s.id))]

    def unseen(self, ids: Iterable[str]) -> list[str]:
        """Those of `ids` never reviewed, in the order given."""
        return [i for i, s in self.states(ids).items() if s.state == "new"]

    def new_since(self, ids: Iterable[str], start: datetime) -> int:
        """How many of these cards had their first review at or after `start` (the daily new-card count)."""
        wanted = set(ids)
        with self._sql():
            rows = self._db.execute(
                "SELECT DISTINCT card_id FROM reviews WHERE state_before = 0 AND reviewed_at >= ?", (_iso(_utc(start)),)
            ).fetchall()
        return sum(row[0] in wanted for row in rows)

    def next_due(self, ids: Iterable[str]) -> datetime | None:
        """When the earliest of these cards comes back (None if none was reviewed yet)."""
        dues = [s.due for s in self.states(ids).values() if s.due is not None]
        return min(dues, default=None)

    def history(self, card_id: str) -> list[ReviewRecord]:
        """Every review of one card, oldest first."""
        with self._sql():
            rows = self._db.execute(
                "SELECT card_id, rating, reviewed_at, state_before, due_after, duration_ms FROM reviews"
                " WHERE card_id = ? ORDER BY reviewed_at, id",
                (card_id,),
            ).fetchall()
        return [ReviewRecord(r[0], r[1], _time(r[2]), STATE_NAMES[r[3]], _time(r[4]), r[5]) for r in rows]

    def stats(self, now: datetime) -> Stats:
        """Counts by state, what is due soon, last week's reviews and true retention."""
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        today = datetime.combine(now.date(), time(), tzinfo=now.tzinfo)
        with self._sql():
            counts = dict(self._db.execute("SELECT state, count(*) FROM cards GROUP BY state").fetchall())
            due_today = self._due_before(today + timedelta(days=1))
            due_week = self._due_before(today + timedelta(days=7))
            per_day = self._per_day(today - timedelta(days=6), now.tzinfo)
            retained, tested = self._db.execute(
                "SELECT coalesce(sum(rating > 1), 0), count(*) FROM reviews WHERE state_before != 0"
            ).fetchone()
        return Stats(
            new=counts.get(0, 0),
            learning=counts.get(int(State.Learning), 0) + counts.get(int(State.Relearning), 0),
            review=counts.get(int(State.Review), 0),
            due_today=due_today,
            due_week=due_week,
            per_day=per_day,
            retained=retained,
            tested=tested,
        )

    def _due_before(self, end: datetime) -> int:
        return self._db.execute("SELECT count(*) FROM cards WHERE state != 0 AND due < ?", (_iso(end),)).fetchone()[0]

    def _per_day(self, start: datetime, tz) -> tuple[tuple[date, int], ...]:
        days = {start.date() + timedelta(days=k): 0 for k in range(7)}
        for (at,) in self._db.execute("SELECT reviewed_at FROM reviews WHERE reviewed_at >= ?", (_iso(start),)):
            day = _time(at).astimezone(tz).date()
            if day in days:
                days[day] += 1
        return tuple(days.items())

    def _state(self, card_id: str) -> CardState:
        row = self._db.execute(f"SELECT {_COLUMNS} FROM cards WHERE id = ?", (card_id,)).fetchone()
        return _row_state(row) if row else CardState(card_id)

    def _save(self, s: CardState) -> None:
        self._db.execute(
            "INSERT INTO cards (id, state, step, stability, difficulty, due, last_review, reps, lapses)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state,"
            " step = excluded.step, stability = excluded.stability, difficulty = excluded.difficulty,"
            " due = excluded.due, last_review = excluded.last_review, reps = excluded.reps, lapses = excluded.lapses",
            (s.id, _code(s.state), s.step, s.stability, s.difficulty, _iso(s.due), _iso(s.last_review))
            + (s.reps, s.lapses),
        )

    @contextmanager
    def _sql(self) -> Iterator[None]:
        """Turn SQLite's exceptions into a one-line StoreError naming the file."""
        try:
            yield
        except sqlite3.Error as e:
            raise StoreError(f"progress database {self.path}: {_one_line(e)}") from None

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE takes the write lock up front, so a read-then-write never races another session."""
        with self._sql():
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise


_COLUMNS = "id, state, step, stability, difficulty, due, last_review, reps, lapses"


def _open(path: Path, timeout: float) -> sqlite3.Connection:
    """Connect after checking the file is ours (or absent, or empty); create the schema if needed."""
    kind = _inspect(path)
    try:
        if kind == "new":
            path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    except (OSError, sqlite3.Error) as e:
        raise StoreError(f"cannot open progress database {path}: {_one_line(e)}") from None
    try:
        db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        if kind != "ours":
            _create(db, path)
        _check(db, path)
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            _intact(db, path)
        _use_wal(db, timeout)
    except sqlite3.Error as e:
        db.close()
        raise StoreError(f"progress database {path}: {_one_line(e)}") from None
    except BaseException:
        db.close()
        raise
    return db


def _intact(db: sqlite3.Connection, path: Path) -> None:
    """Refuse a damaged file before the switch to WAL writes its header: a file we refuse stays as it was.
    (Once, on the file's first use in rollback-journal mode: quick_check reads every page.)"""
    problems = [row[0] for row in db.execute("PRAGMA quick_check(1)")]
    if problems != ["ok"]:
        raise StoreError(f"progress database {path} is damaged ({_one_line(problems[0] if problems else '?')}); "
                         "refusing to use it")


def _use_wal(db: sqlite3.Connection, timeout: float) -> None:
    """Switch to WAL (readers never block the writer), retrying while another session holds a lock.

    SQLite may refuse the switch at once, without its busy handler, when waiting could deadlock. A file
    system without WAL support leaves the file in rollback mode: still safe, only less concurrent.
    """
    deadline = monotonic() + timeout
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL").fetchone()
            return
        except sqlite3.OperationalError:
            if monotonic() > deadline:
                raise
            sleep(0.02)


def _inspect(path: Path) -> str:
    """'new' (absent or empty), 'blank' (an SQLite file with nothing in it) or 'ours'; anything else is refused.

    Reads the raw header instead of asking SQLite, so a foreign file is never touched.
    """
    if not path.exists():
        return "new"
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a progress database")
    try:
        with path.open("rb") as f:
            head = f.read(100)
    except OSError as e:
        raise StoreError(f"cannot read progress database {path}: {e.strerror}") from None
    if not head:
        return "new"
    if len(head) < 100 or not head.startswith(SQLITE_MAGIC):
        raise StoreError(f"{path} is not a quizgen progress database (not an SQLite file); refusing to use it")
    app = int.from_bytes(head[68:72], "big")
    if app == APPLICATION_ID:
        return "ours"
    if app != 0 or not _is_blank(path):
        raise _foreign(path)
    return "blank"


def _is_blank(path: Path) -> bool:
    """An SQLite file without tables or version, opened read-only so nothing in it can change."""
    try:
        db = sqlite3.connect(path.absolute().as_uri() + "?mode=ro", uri=True)
        try:
            tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            version = db.execute("PRAGMA user_version").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error as e:
        raise StoreError(f"{path} is not a usable SQLite database: {_one_line(e)}") from None
    return tables == 0 and version == 0


def _create(db: sqlite3.Connection, path: Path) -> None:
    """Lay out the schema, unless another session did it first (checked under the write lock)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        app = db.execute("PRAGMA application_id").fetchone()[0]
        tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if app != APPLICATION_ID:
            if app != 0 or tables:
                raise _foreign(path)
            for statement in _SCHEMA:
                db.execute(statement)
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


def _check(db: sqlite3.Connection, path: Path) -> None:
    """Refuse a file that is not ours or was written by a newer quizgen."""
    if db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        raise _foreign(path)
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(f"{path} was written by a newer quizgen (schema {version}); please upgrade quizgen")
    if version < SCHEMA_VERSION:
        raise StoreError(f"{path} has an unknown schema version {version}")


def _foreign(path: Path) -> StoreError:
    return StoreError(f"{path} is an SQLite database of another program, not quizgen progress; refusing to use it")


def _to_fsrs(s: CardState, at: datetime) -> FsrsCard:
    """The fsrs view of a stored state (fsrs has no 'new': a new card is Learning at step 0)."""
    if s.state == "new":
        return FsrsCard(card_id=0, state=State.Learning, step=0, due=at)
    return FsrsCard(
        card_id=0,
        state=State(_code(s.state)),
        step=s.step,
        stability=s.stability,
        difficulty=s.difficulty,
        due=s.due,
        last_review=s.last_review,
    )


def _after(before: CardState, card: FsrsCard, rating: int) -> CardState:
    lapse = before.state == "review" and rating == Rating.Again
    return CardState(
        id=before.id,
        state=STATE_NAMES[int(card.state)],
        due=card.due,
        stability=card.stability,
        difficulty=card.difficulty,
        step=card.step,
        last_review=card.last_review,
        reps=before.reps + 1,
        lapses=before.lapses + lapse,
    )


def _row_state(row: tuple) -> CardState:
    card_id, code, step, stability, difficulty, due, last, reps, lapses = row
    return CardState(card_id, STATE_NAMES[code], _time(due), stability, difficulty, step, _time(last), reps, lapses)


def _code(state: str) -> int:
    return next(code for code, name in STATE_NAMES.items() if name == state)


def _utc(now: datetime) -> datetime:
    """fsrs wants UTC exactly; any aware time is converted, a naive one is a programming error."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(timezone.utc)


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.astimezone(timezone.utc).isoformat(timespec="microseconds")


def _time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text).astimezone(timezone.utc)


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__
