"""Pipeline: duplicates across documents, the report, and the library's front door."""

from __future__ import annotations

from pathlib import Path

import quizgen
from quizgen.pipeline import BuildOptions, Report, cards
from quizgen.quality import front_key

from .conftest import ANSWER, write_doc

SEEDS = Path(__file__).parent.parent / "seeds"


def test_same_question_filed_twice_is_not_doubled(tmp_path):
    """Two ids, one question, slightly different answers: the question card is made once."""
    write_doc(tmp_path, "a.md", id=1)
    write_doc(tmp_path, "b.md", id=2, answer=ANSWER.replace("In summary", "To conclude"))
    report = Report()
    made = list(cards([tmp_path], BuildOptions(everything=True), report))  # every card, the Q&A's too
    assert [c.doc_key for c in made if c.kind == "qa"] == ["1"]
    assert report.duplicate_fronts > 0 and report.read == 2
    keys = [front_key(c) for c in made]
    assert len(keys) == len(set(keys))


def test_identical_copies_are_merged_and_said_so(tmp_path):
    write_doc(tmp_path / "medicine", "a.md", id=7)
    write_doc(tmp_path / "health", "a.md", id=7)
    report = quizgen.check([tmp_path])
    assert (report.read, len(report.merged), report.exit_code) == (1, 1, 0)
    assert "merged" in report.summary()


def test_report_counts_cards_by_kind(tmp_path):
    write_doc(tmp_path, "a.md")
    report = quizgen.build([tmp_path], tmp_path / "out.json", BuildOptions(kinds=frozenset({"qa", "sequence"})))
    assert "sequence" in report.cards and set(report.cards) <= {"qa", "sequence"}
    kinds = ", ".join(f"{report.cards[k]} {k}" for k in ("qa", "sequence") if report.cards[k])
    assert report.summary().startswith(f"1 document read, 0 skipped; {sum(report.cards.values())} cards ({kinds}) -> ")


def test_progress_counts_documents_then_the_bytes_compressed(tmp_path):
    calls = []
    report = quizgen.build([SEEDS], tmp_path / "d.apkg", progress=lambda *call: calls.append(call))
    reads = [c for c in calls if c[0] == "read"]
    assert reads == [("read", n, report.found) for n in range(1, report.found + 1)]
    compressed = calls[len(reads):]
    assert compressed and all(stage == "compress" for stage, _, _ in compressed)
    done = [d for _, d, _ in compressed]
    assert done == sorted(done) and done[-1] == compressed[-1][2] > report.size
    calls.clear()
    quizgen.build([SEEDS], tmp_path / "d.json", progress=lambda *call: calls.append(call))
    assert [c[0] for c in calls] == ["read"] * report.found
