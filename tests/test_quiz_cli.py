"""`quiz` and `stats` as a user runs them: click's runner and a real piped process, JSON decks, real files."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen.quiz.commands import quiz, stats
from quizgen.quiz.store import Store

ROOT = Path(__file__).resolve().parents[1]


def qid(name: str) -> str:
    """A card id of the form the schema asks for, named for reading."""
    return "qg" + hashlib.blake2b(name.encode(), digest_size=8).hexdigest()


def record(card_id: str, kind: str, front: str, answers: list[str], **fields) -> dict:
    """One card of a quizgen JSON deck, valid against the shipped schema."""
    subject = fields.get("subject", "Biology")
    return {
        "id": qid(card_id),
        "deck": f"QuickTakes::{subject}",
        "extra": {},
        "kind": kind,
        "doc_key": "cells",
        "key": card_id,
        "subject": fields.pop("subject", "Biology"),
        "context": "Biology &rsaquo; Cells",
        "front": front,
        "back": fields.pop("back", "<p>See the notes.</p>"),
        "answers": answers,
        "choices": fields.pop("choices", []),
        "details": "",
        "source_url": "",
        "date": "",
        "tags": ["biology"],
    }


@pytest.fixture
def deck(tmp_path) -> Path:
    """A small deck: a cloze, a multiple choice and a question, in two subjects."""
    cards = [
        record("cloze-1", "cloze", "The {{c1::mitochondria}} makes {{c2::ATP}}.", ["mitochondria"]),
        record(
            "mcq-1",
            "mcq",
            "Which organelle makes ATP?",
            ["Mitochondria"],
            choices=["Nucleus", "Mitochondria", "Ribosome"],
        ),
        record("qa-1", "qa", "What is a neuron?", ["A nerve cell"], subject="Medicine", back="<p>A nerve cell.</p>"),
    ]
    path = tmp_path / "deck.json"
    deck = {"format": "quizgen", "version": 1, "deck": "QuickTakes", "cards": cards}
    path.write_text(json.dumps(deck), encoding="utf-8")
    return path


def invoke(command, args, input=None, **kw):
    return CliRunner(**kw).invoke(command, [str(a) for a in args], input=input)


def test_quiz_a_cloze_card_from_a_json_deck(tmp_path, deck):
    db = tmp_path / "progress.sqlite3"
    # the new card comes back once within the session (learning step), then graduates
    result = invoke(quiz, [deck, "--db", db, "--kinds", "cloze"], input="mitochondria\n\nmitochondria\n\n")
    assert result.exit_code == 0, result.output
    assert "The [...] makes ATP." in result.output
    assert "Correct." in result.output
    assert "Reviewed 2 (1 new), 2 correct." in result.output
    assert "\x1b[" not in result.output  # no colours off a terminal
    with Store(db) as store:
        assert store.state(qid("cloze-1")).state == "review"
        assert store.unseen([qid("mcq-1"), qid("qa-1")]) == [qid("mcq-1"), qid("qa-1")]


def test_quiz_multiple_choice_by_number(tmp_path, deck):
    db = tmp_path / "p.db"
    result = invoke(quiz, [deck, "--db", db, "--kinds", "mcq"], input="2\n\n")
    assert result.exit_code == 0, result.output
    assert "1. Nucleus" in result.output and "Correct: 2. Mitochondria" in result.output
    assert "Reviewed 1 (1 new), 1 correct." in result.output  # input ended: the session stops cleanly


def test_quiz_subject_filter_and_reveal(tmp_path, deck):
    db = tmp_path / "p.db"
    result = invoke(quiz, [deck, "--db", db, "--subject", "medicine"], input="\n4\n")
    assert result.exit_code == 0, result.output
    assert "What is a neuron?" in result.output and "A nerve cell." in result.output
    assert "mitochondria" not in result.output.casefold()
    with Store(db) as store:
        assert store.history(qid("qa-1"))[0].rating == 4


def test_quiz_q_quits_and_saves(tmp_path, deck):
    db = tmp_path / "p.db"
    result = invoke(quiz, [deck, "--db", db, "--seed", "1", "--limit", "3"], input="\n3\nq\n")
    assert result.exit_code == 0, result.output
    assert "Reviewed 1 (1 new)" in result.output
    with Store(db) as store:
        assert sum(len(store.history(qid(i))) for i in ("cloze-1", "mcq-1", "qa-1")) == 1


def test_quiz_new_zero_has_nothing_to_study(tmp_path, deck):
    result = invoke(quiz, [deck, "--db", tmp_path / "p.db", "--new", "0"])
    assert result.exit_code == 0
    assert "Nothing to study now" in result.output


def test_quiz_default_database_is_in_the_app_folder(tmp_path, deck):
    home = tmp_path / "config"
    result = invoke(quiz, [deck, "--kinds", "mcq"], input="2\n\n", env={"XDG_CONFIG_HOME": str(home)})
    assert result.exit_code == 0, result.output
    assert (home / "quizgen" / "progress.sqlite3").is_file()


def test_quiz_refuses_a_foreign_database_without_touching_it(tmp_path, deck):
    db = tmp_path / "mine.sqlite"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE notes (body TEXT)")
    con.commit()
    con.close()
    before = db.read_bytes()
    result = invoke(quiz, [deck, "--db", db], input="\n")
    assert result.exit_code == 1
    assert "another program" in result.output and "Traceback" not in result.output
    assert db.read_bytes() == before


def test_quiz_refuses_a_file_that_is_not_a_database(tmp_path, deck):
    db = tmp_path / "notes.txt"
    db.write_text("my precious notes\n" * 20)
    result = invoke(quiz, [deck, "--db", db])
    assert result.exit_code == 1 and "not an SQLite file" in result.output
    assert db.read_text() == "my precious notes\n" * 20


def test_quiz_reports_a_bad_deck_in_one_line(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = invoke(quiz, [bad, "--db", tmp_path / "p.db"])
    assert result.exit_code == 1 and result.output.startswith("Error: ")
    assert len(result.output.strip().splitlines()) == 1


def test_quiz_rejects_unknown_kinds(tmp_path, deck):
    result = invoke(quiz, [deck, "--db", tmp_path / "p.db", "--kinds", "cloze,riddle"])
    assert result.exit_code == 2 and "riddle" in result.output


def test_quiz_with_an_unknown_subject_lists_the_subjects_there_are(tmp_path, deck):
    result = invoke(quiz, [deck, "--db", tmp_path / "p.db", "--subject", "Astronomy"])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: no cards in subject or deck 'Astronomy'; the subjects here: Biology, Medicine"


def test_quiz_db_in_a_missing_folder_is_a_usage_error_and_creates_nothing(tmp_path, deck):
    result = invoke(quiz, [deck, "--db", tmp_path / "no" / "such" / "p.db"])
    assert result.exit_code == 2 and "folder" in result.output and "does not exist" in result.output
    assert not (tmp_path / "no").exists()
    result = invoke(stats, ["--db", tmp_path / "no" / "p.db"])
    assert result.exit_code == 2 and not (tmp_path / "no").exists()


def test_quiz_reads_an_apkg_built_by_quizgen_with_the_same_cards_as_json(tmp_path):
    from quizgen.exporters import anki
    from quizgen.exporters import json as json_exporter
    from quizgen.pipeline import BuildOptions, build

    from .conftest import write_doc

    write_doc(tmp_path / "docs", "nmj.md")
    for name in ("d.apkg", "d.json"):
        build([str(tmp_path / "docs")], str(tmp_path / name), BuildOptions())
    from_apkg = {c.id: c for c in anki.read(str(tmp_path / "d.apkg"))}
    from_json = {c.id: c for c in json_exporter.read(str(tmp_path / "d.json"))}
    assert from_apkg.keys() == from_json.keys() and len(from_apkg) >= 2
    for cid, want in from_json.items():
        got = from_apkg[cid]
        fields = ("kind", "subject", "context", "front", "back", "details", "source_url", "date", "tags")
        assert [getattr(got, f) for f in fields] == [getattr(want, f) for f in fields]
        if want.is_cloze:
            assert got.answers == want.answers
    db = tmp_path / "p.db"
    kind = next(c.kind for c in from_json.values() if c.is_cloze)
    result = invoke(quiz, [tmp_path / "d.apkg", "--db", db, "--kinds", kind, "--new", "1"], input="q\n")
    assert result.exit_code == 0 and "1 new cards now" in result.output, result.output


def test_quiz_refuses_an_apkg_not_built_by_quizgen_in_one_line(tmp_path):
    import genanki

    model = genanki.Model(1607392319, "Other", fields=[{"name": "Q"}, {"name": "A"}],
                          templates=[{"name": "c", "qfmt": "{{Q}}", "afmt": "{{A}}"}])
    other = genanki.Deck(2059400110, "Other deck")
    other.add_note(genanki.Note(model=model, fields=["What?", "That."]))
    genanki.Package(other).write_to_file(tmp_path / "other.apkg")
    (tmp_path / "text.apkg").write_text("not a zip", encoding="utf-8")
    for name in ("other.apkg", "text.apkg"):
        result = invoke(quiz, [tmp_path / name, "--db", tmp_path / "p.db"])
        assert result.exit_code == 1
        assert result.output.count("\n") == 1 and "not a deck built by quizgen" in result.output
        assert ".apkg decks that `quizgen build` wrote, .json decks and documents" in result.output


def test_stats_after_a_session(tmp_path, deck):
    db = tmp_path / "p.db"
    invoke(quiz, [deck, "--db", db, "--seed", "2"], input="\n3\n" * 6)
    result = invoke(stats, ["--db", db])
    assert result.exit_code == 0, result.output
    assert "Cards: 0 new, 0 learning, 3 review" in result.output
    assert "Due: 0 today" in result.output
    assert "Reviews, last 7 days:" in result.output and " 6 ######" in result.output
    assert "True retention: 100.0% (3 of 3 reviews of known cards)" in result.output


def test_stats_without_a_database(tmp_path):
    db = tmp_path / "none.db"
    result = invoke(stats, ["--db", db])
    assert result.exit_code == 0 and "No progress yet" in result.output
    assert not db.exists()


def test_stats_refuses_a_corrupt_database(tmp_path):
    db = tmp_path / "p.db"
    db.write_bytes(b"SQLite format 3\x00" + b"\x07" * 500)
    result = invoke(stats, ["--db", db])
    assert result.exit_code == 1 and result.output.startswith("Error: ") and "Traceback" not in result.output


def test_quiz_with_piped_stdin_in_a_real_process(tmp_path, deck):
    db = tmp_path / "p.db"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    script = "from quizgen.quiz.commands import quiz; quiz()"
    done = subprocess.run(
        [sys.executable, "-c", script, str(deck), "--db", str(db), "--kinds", "cloze"],
        input="mitochondria\n\nmitocondria\n\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Your answer (Enter to reveal): mitochondria" in done.stdout  # piped answers are echoed
    assert "Accepted with a typo" in done.stdout and "expected:  mitoc[h]ondria" in done.stdout
    assert "\x1b[" not in done.stdout
    with Store(db) as store:
        assert [r.rating for r in store.history(qid("cloze-1"))] == [3, 2]


def test_quiz_from_a_documents_folder_keeps_history_across_rebuilds(tmp_path):
    from .conftest import write_doc

    docs, db = tmp_path / "docs", tmp_path / "p.db"
    write_doc(docs, "nmj.md")
    write_doc(docs, "rest.md", id=920101, question="What sets the resting potential?",
              answer="Ion pumps set the membrane potential.\\n\\n### Figures\\n\\n"
                     "The resting potential of a skeletal muscle fibre is about -90 mV in healthy adults.\\n\\n"
                     "The sodium-potassium pump moves three sodium ions out for every 2 potassium ions in.")
    args = [docs, "--db", db, "--kinds", "cloze,sequence", "--limit", "2", "--seed", "4"]
    first = invoke(quiz, args, input="\n3\n" * 2)
    assert first.exit_code == 0, first.output
    assert "Reviewed 2 (2 new)" in first.output
    with Store(db) as store:
        seen = store.stats(datetime.now(timezone.utc))
    assert seen.learning == 2 and seen.new > 0
    second = invoke(quiz, args + ["--new", "0"])  # the cards are built again, with the same ids
    assert second.exit_code == 0, second.output
    assert "Nothing to study now" in second.output
    assert re.search(r"Next due: in (9|10) minutes", second.output)  # the rebuilt cards found their history
