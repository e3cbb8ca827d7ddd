"""The FSRS progress store on real SQLite files: scheduling, refusal of foreign files, crashes, concurrency."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from fsrs import Scheduler

from quizgen.errors import QuizgenError
from quizgen.quiz.store import APPLICATION_ID, SCHEMA_VERSION, Store, StoreError

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)
ROOT = Path(__file__).resolve().parents[1]


def open_store(path: Path) -> Store:
    """A store whose intervals are exact: no fuzz."""
    return Store(path, scheduler=Scheduler(enable_fuzzing=False))


def files_of(path: Path) -> dict[str, bytes]:
    """The database file and any -wal/-shm/-journal beside it, by name, with their bytes."""
    return {p.name: p.read_bytes() for p in path.parent.iterdir() if p.name.startswith(path.name)}


def test_new_database_is_marked_as_ours_and_uses_wal(tmp_path):
    path = tmp_path / "sub" / "progress.sqlite3"
    with open_store(path):
        pass
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_unseen_card_is_new_and_not_due(tmp_path):
    with open_store(tmp_path / "p.db") as store:
        assert store.state("x").state == "new"
        assert store.due(["x"], T0) == []
        assert store.unseen(["x", "y"]) == ["x", "y"]
        assert store.next_due(["x"]) is None


def test_good_pushes_a_card_out_and_again_brings_it_back(tmp_path):
    with open_store(tmp_path / "p.db") as store:
        first = store.review("c", 3, T0)
        assert first.state == "learning" and first.due == T0 + timedelta(minutes=10)
        graduated = store.review("c", 3, first.due)
        assert graduated.state == "review"
        assert graduated.due - first.due >= timedelta(days=1)
        later = store.review("c", 3, graduated.due)
        assert later.due - graduated.due > graduated.due - first.due  # each Good pushes it further out
        lapsed = store.review("c", 1, later.due)
        assert lapsed.state == "relearning"
        assert lapsed.due == later.due + timedelta(minutes=10)  # Again: due soon
        assert lapsed.lapses == 1 and lapsed.reps == 4
        assert store.due(["c"], lapsed.due) == ["c"]
        assert store.due(["c"], lapsed.due - timedelta(minutes=1)) == []


def test_again_on_a_new_card_is_due_in_a_minute(tmp_path):
    with open_store(tmp_path / "p.db") as store:
        assert store.review("c", 1, T0).due == T0 + timedelta(minutes=1)
        assert store.review("d", 4, T0).due >= T0 + timedelta(days=1)


def test_history_and_state_survive_reopening(tmp_path):
    path = tmp_path / "p.db"
    with open_store(path) as store:
        store.review("c", 3, T0)
        store.review("c", 3, T0 + timedelta(minutes=10))
        expected = store.state("c")
    with open_store(path) as store:
        assert store.state("c") == expected
        assert [r.rating for r in store.history("c")] == [3, 3]
        assert [r.state_before for r in store.history("c")] == ["new", "learning"]


def test_local_times_are_stored_as_utc(tmp_path):
    paris = timezone(timedelta(hours=1))
    with open_store(tmp_path / "p.db") as store:
        state = store.review("c", 1, T0.astimezone(paris))
        assert state.due == T0 + timedelta(minutes=1)
        assert state.due.tzinfo == timezone.utc
        with pytest.raises(ValueError):
            store.review("c", 3, datetime(2024, 3, 1))


def test_due_lists_most_overdue_first_and_only_the_ids_asked(tmp_path):
    with open_store(tmp_path / "p.db") as store:
        store.review("late", 1, T0)
        store.review("early", 1, T0 - timedelta(minutes=5))
        store.review("other", 1, T0 - timedelta(minutes=9))
        assert store.due(["late", "early"], T0 + timedelta(hours=1)) == ["early", "late"]


def test_add_registers_new_cards_once(tmp_path):
    with open_store(tmp_path / "p.db") as store:
        assert store.add(["a", "b", "a"]) == 2
        store.review("a", 3, T0)
        assert store.add(["a", "b", "c"]) == 1
        assert store.state("a").state == "learning"
        assert store.stats(T0).new == 2


def test_stats_counts_states_due_days_and_true_retention(tmp_path):
    with open_store(tmp_path / "p.db") as store:
        store.add(["n1", "n2"])
        store.review("r", 4, T0 - timedelta(days=3))
        store.review("r", 1, T0 - timedelta(days=1))  # known card forgotten: relearning, overdue
        store.review("l", 3, T0 - timedelta(days=1))
        store.review("l", 3, T0)  # known card recalled: review, due in 7 days
        store.review("w", 4, T0 - timedelta(days=2))  # review, due in 6 days
        store.review("soon", 1, T0)  # learning, due in a minute
        s = store.stats(T0)
        assert store.state("l").due == T0 + timedelta(days=7)
        assert store.state("w").due == T0 + timedelta(days=6)
    assert (s.new, s.learning, s.review) == (2, 2, 2)
    assert s.due_today == 2  # r (overdue) and soon
    assert s.due_week == 3  # and w; l falls after the seventh day
    assert [n for _, n in s.per_day] == [0, 0, 0, 1, 1, 2, 2]
    assert s.per_day[-1][0] == T0.date()
    assert (s.retained, s.tested) == (1, 2)  # first reviews of new cards do not count
    assert s.retention == 0.5


def test_stats_days_follow_the_timezone_of_now(tmp_path):
    tokyo = timezone(timedelta(hours=9))
    with open_store(tmp_path / "p.db") as store:
        store.review("c", 3, datetime(2024, 3, 1, 20, 0, tzinfo=timezone.utc))  # 2 March in Tokyo
        s = store.stats(datetime(2024, 3, 2, 12, 0, tzinfo=tokyo))
    assert s.per_day[-1] == (datetime(2024, 3, 2).date(), 1)


def test_stats_of_an_empty_store(tmp_path):
    with open_store(tmp_path / "p.db") as store:
        s = store.stats(T0)
    assert (s.new, s.learning, s.review, s.due_today, s.due_week) == (0, 0, 0, 0, 0)
    assert s.retention is None and len(s.per_day) == 7


def test_empty_file_is_adopted(tmp_path):
    path = tmp_path / "p.db"
    path.write_bytes(b"")
    with open_store(path) as store:
        store.review("c", 3, T0)
    with open_store(path) as store:
        assert store.state("c").state == "learning"


@pytest.mark.parametrize(
    "content",
    [
        b"not a database at all\n" * 50,
        b"SQLite format 3\x00" + bytes(range(256)) * 8,  # right magic, garbage after it
        b"SQLite format 3\x00",  # truncated header
        bytes(4096),
    ],
)
def test_corrupt_file_is_refused_and_left_untouched(tmp_path, content):
    path = tmp_path / "p.db"
    path.write_bytes(content)
    before = files_of(path)
    with pytest.raises(StoreError) as info:
        open_store(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)
    assert isinstance(info.value, QuizgenError)
    assert files_of(path) == before


@pytest.mark.parametrize(
    "setup",
    [
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('keep me');",
        "PRAGMA application_id = 1234; CREATE TABLE t (x);",
        "PRAGMA application_id = 1234;",
        "PRAGMA user_version = 7; CREATE TABLE cards (id TEXT);",
    ],
)
def test_foreign_sqlite_database_is_refused_and_left_untouched(tmp_path, setup):
    path = tmp_path / "other.sqlite"
    db = sqlite3.connect(path)
    db.executescript(setup)
    db.commit()
    db.close()
    before = files_of(path)
    with pytest.raises(StoreError, match="another program"):
        open_store(path)
    assert files_of(path) == before


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "p.db"
    with open_store(path):
        pass
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer quizgen"):
        open_store(path)


def test_our_file_with_corrupt_pages_gives_a_store_error(tmp_path):
    path = tmp_path / "p.db"
    with open_store(path) as store:
        for i in range(200):
            store.review(f"card-{i}", 3, T0)
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    data = bytearray(path.read_bytes())
    data[100:] = b"\xff" * (len(data) - 100)  # keep the header, wreck every page
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError):
        with open_store(path) as store:
            store.state("card-1")


@pytest.mark.parametrize("wreck", ["pages", "tail"])
def test_a_damaged_file_in_rollback_journal_mode_is_refused_byte_for_byte(tmp_path, wreck):
    """Opening switched such a file to WAL (its header changed) before anything noticed the damage."""
    path = tmp_path / "p.db"
    with open_store(path) as store:
        for i in range(200):
            store.review(f"card-{i}", 3, T0)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = DELETE")
    db.close()
    data = bytearray(path.read_bytes())
    assert data[18:20] == b"\x01\x01"  # rollback-journal mode
    if wreck == "pages":
        data[100:] = b"\xff" * (len(data) - 100)
    else:
        data[len(data) // 2:] = b"\x00" * (len(data) - len(data) // 2)
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError):
        with open_store(path) as store:
            store.state("card-1")
    assert path.read_bytes() == bytes(data)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.db"]


def test_folder_is_refused(tmp_path):
    with pytest.raises(StoreError, match="folder"):
        open_store(tmp_path)


KILL_SCRIPT = """
import os, signal, sys
from datetime import datetime, timedelta, timezone
from fsrs import Scheduler
from quizgen.quiz.store import Store

t0 = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)
store = Store(sys.argv[1], scheduler=Scheduler(enable_fuzzing=False))
for i in range(3):
    store.review(f"card-{i}", 3, t0 + timedelta(seconds=i))
store._db.execute("BEGIN IMMEDIATE")  # a review half-written when the process dies
store._db.execute("INSERT INTO reviews (card_id, rating, reviewed_at, state_before, due_after) "
                  "VALUES ('card-9', 3, 'x', 0, 'x')")
os.kill(os.getpid(), signal.SIGKILL)
"""


def run_script(script: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, "-c", textwrap.dedent(script), *args]
    return subprocess.run(command, env=env, capture_output=True, timeout=120)


def test_killed_process_keeps_every_committed_review(tmp_path):
    path = tmp_path / "p.db"
    done = run_script(KILL_SCRIPT, str(path))
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()
    with open_store(path) as store:
        assert [store.state(f"card-{i}").state for i in range(3)] == ["learning"] * 3
        assert store.history("card-9") == [] and store.state("card-9").state == "new"
        assert store.stats(T0 + timedelta(hours=1)).due_today == 3
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


def _hammer(path: str, worker: int, reviews: int, start, errors) -> None:
    """One of two processes reviewing into the same file at once (a shared card and its own ones)."""
    try:
        start.wait(30)
        with Store(path, timeout=30) as store:
            for i in range(reviews):
                now = datetime.now(timezone.utc)
                store.review("shared", 3 if i % 2 else 1, now)
                store.review(f"w{worker}-{i % 5}", 3, now)
    except BaseException as e:  # reported to the test, which shows it
        errors.put(f"worker {worker}: {type(e).__name__}: {e}")
        raise


def test_two_processes_on_one_database_do_not_corrupt_it(tmp_path):
    path = tmp_path / "p.db"  # neither process finds it: both race to create it
    ctx = multiprocessing.get_context("spawn")
    start, errors = ctx.Event(), ctx.Queue()
    workers = [ctx.Process(target=_hammer, args=(str(path), w, 40, start, errors)) for w in (1, 2)]
    for p in workers:
        p.start()
    start.set()
    for p in workers:
        p.join(120)
    reported = [errors.get(timeout=5) for p in workers if p.exitcode != 0 and not errors.empty()]
    assert [p.exitcode for p in workers] == [0, 0], reported
    with open_store(path) as store:
        assert len(store.history("shared")) == 80
        assert store.state("shared").reps == 80
        assert sum(store.state(f"w{w}-{k}").reps for w in (1, 2) for k in range(5)) == 80
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 160
    db.close()
