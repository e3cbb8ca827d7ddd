"""Anki's text-import format and the plain CSV, read back by the real Anki backend and the csv module;
deleted documents named from the deck an earlier build left."""

from __future__ import annotations

import csv
import os
import re
import shutil
from pathlib import Path

import pytest
from anki.collection import ImportCsvRequest
from click.testing import CliRunner

import quizgen
from quizgen.cli import cli
from quizgen.exporters import notes

from .conftest import write_doc

SEEDS = Path(__file__).parent.parent / "seeds"


def three_docs(folder: Path) -> list[Path]:
    return [write_doc(folder, f"d{n}.md", id=7000 + n, subject=("Medicine", "Biology", "Physics")[n],
                      question=f"What is junction {n}?", title=f"What is junction {n}?")
            for n in range(3)]


def import_text(col, path):
    metadata = col.get_csv_metadata(str(path), None)
    return col.import_csv(ImportCsvRequest(path=str(path), metadata=metadata)).log


def test_text_deck_imports_into_anki_and_updates_in_place(tmp_path, anki_import):
    folder = tmp_path / "src"
    docs = three_docs(folder)
    # the note types come with any quizgen .apkg, imported once (here one of other documents)
    other = tmp_path / "other"
    write_doc(other, "x.md", id=1, question="What is an unrelated question?", title="Unrelated")
    quizgen.build([other], tmp_path / "types.apkg")
    col = anki_import(tmp_path / "types.apkg", tmp_path)
    before = set(col.find_notes(""))

    deck = tmp_path / "deck.txt"
    report = quizgen.build([folder], deck)
    head = deck.read_text(encoding="utf-8").splitlines()[:6]
    assert head == ["#separator:tab", "#html:true", "#guid column:1", "#notetype column:2", "#deck column:3",
                    "#tags column:4"]
    log = import_text(col, deck)
    made = list(quizgen.pipeline.cards([folder], quizgen.BuildOptions(), quizgen.Report()))
    assert len(log.new) == report.notes == len(made)
    new = [col.get_note(n) for n in set(col.find_notes("")) - before]
    assert {n.guid for n in new} == {c.id for c in made}
    assert {col.decks.name(col.get_card(c).did) for n in new for c in n.card_ids()} == \
        {"QuickTakes::Medicine", "QuickTakes::Biology", "QuickTakes::Physics"}
    for note in new:
        assert note.note_type()["name"] in ("quizgen Q&A", "quizgen Cloze")
        assert sum(t.startswith(notes.DOC_TAG) for t in note.tags) == 1 and "quizgen" in note.tags
    assert not col.get_empty_cards().notes

    # an edited document, rebuilt and imported again: its notes are updated, nothing is added
    text = docs[0].read_text(encoding="utf-8").replace("calcium ions enter", "calcium ions then enter")
    docs[0].write_text(text, encoding="utf-8")
    quizgen.build([folder], deck)
    count = col.note_count()
    log = import_text(col, deck)
    assert col.note_count() == count and not log.new
    updated = [col.get_note(e.id.nid) for e in log.updated]
    edited = {c.id for c in quizgen.pipeline.cards([docs[0]], quizgen.BuildOptions(), quizgen.Report())}
    assert updated and {n.guid for n in updated} <= edited
    assert any("then enter" in "".join(n.fields) for n in updated)


def test_without_the_note_types_anki_imports_nothing_and_says_why(tmp_path):
    """What the README tells a user: the note types come with an .apkg imported once."""
    from anki.collection import Collection

    deck = tmp_path / "s.txt"
    report = quizgen.build([SEEDS], deck)
    col = Collection(str(tmp_path / "empty.anki2"))
    try:
        log = import_text(col, deck)
        assert col.note_count() == 0 and len(log.missing_notetype) == report.notes
    finally:
        col.close()


def test_text_deck_fields_are_the_apkgs(tmp_path, anki_import):
    """The same notes either way: a deck imported as .apkg, then as .txt, changes nothing."""
    quizgen.build([SEEDS], tmp_path / "s.apkg")
    quizgen.build([SEEDS], tmp_path / "s.txt")
    col = anki_import(tmp_path / "s.apkg", tmp_path)
    count = col.note_count()
    log = import_text(col, tmp_path / "s.txt")
    assert col.note_count() == count and not log.new and not log.updated and len(log.duplicate) == count


def test_csv_is_plain_term_and_definition(tmp_path):
    out = tmp_path / "deck.csv"
    report = quizgen.build([SEEDS], out, quizgen.BuildOptions(kinds=frozenset(quizgen.model.CARD_KINDS)))
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert len(rows) == sum(report.cards.values()) and all(len(r) == 2 and r[0] and r[1] for r in rows)
    raw = out.read_text(encoding="utf-8")
    tags = "p|div|span|li|ol|ul|b|i|strong|em|code|pre|br|hr|table|tr|td|th|details|summary|a|sub|sup"
    assert not re.search(rf"</?({tags})[ >/]|&(amp|lt|gt|quot|#\d+);|\{{\{{c\d", raw)
    assert len(raw.splitlines()) == len(rows)  # one line a card
    made = list(quizgen.pipeline.cards([SEEDS], quizgen.BuildOptions(kinds=frozenset(quizgen.model.CARD_KINDS)),
                                       quizgen.Report()))
    for card, (term, definition) in zip(made, rows):
        if card.is_cloze:
            assert "[...]" in term and definition.startswith(card.answers[0])


def test_outputs_are_byte_identical_across_builds(tmp_path):
    for suffix in (".txt", ".csv"):
        a, b = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
        quizgen.build([SEEDS], a)
        quizgen.build([SEEDS], b)
        assert a.read_bytes() == b.read_bytes()


def test_a_text_deck_beside_its_sources_is_not_read_as_a_document(tmp_path):
    folder = tmp_path / "src"
    three_docs(folder)
    first = quizgen.build([folder], folder / "deck.txt")
    second = quizgen.build([folder], folder / "deck.txt")
    assert second.read == first.read == 3 and not second.skipped


# ---------------------------------------------------------------------------------------------- deleted documents


@pytest.mark.parametrize("suffix", [".apkg", ".txt"])
def test_deleted_documents_are_named_and_their_search_written(tmp_path, anki_import, suffix):
    folder = tmp_path / "src"
    docs = three_docs(folder)
    deck = tmp_path / f"deck{suffix}"
    assert not quizgen.build([folder], deck).gone
    if suffix == ".apkg":
        col = anki_import(deck, tmp_path)
    os.remove(docs[1])
    runner = CliRunner()
    orphans = tmp_path / "orphans.txt"
    result = runner.invoke(cli, ["build", str(folder), "-o", str(deck), "--orphans", str(orphans)])
    assert result.exit_code == 0, result.output
    tag = notes.doc_tag("7001")
    assert (f"1 document is no longer in the sources; its cards stay in Anki until you delete them: "
            f"search `tag:{tag}`") in result.output
    assert orphans.read_text(encoding="utf-8") == f"tag:{tag}\n"
    if suffix == ".apkg":  # the search finds exactly the deleted document's notes
        gone = {c.id for c in quizgen.pipeline.cards([tmp_path / "src"], quizgen.BuildOptions(), quizgen.Report())}
        found = {col.get_note(n).guid for n in col.find_notes(orphans.read_text(encoding="utf-8").strip())}
        assert found and not found & gone
    # nothing gone on the next build: the file says so too
    result = runner.invoke(cli, ["build", str(folder), "-o", str(deck), "--orphans", str(orphans)])
    assert "no longer in the sources" not in result.output and orphans.read_text(encoding="utf-8") == ""


def test_many_deleted_documents_are_named_in_short_and_in_full_in_the_file(tmp_path):
    folder = tmp_path / "src"
    for n in range(9):
        write_doc(folder, f"d{n}.md", id=8000 + n, question=f"What is question {n}?", title=f"Question {n}")
    deck = tmp_path / "deck.apkg"
    quizgen.build([folder], deck)
    for n in range(1, 9):
        os.remove(folder / f"d{n}.md")
    report = quizgen.build([folder], deck, quizgen.BuildOptions(orphans=str(tmp_path / "o.txt")))
    assert report.gone == sorted(notes.doc_tag(str(8000 + n)) for n in range(1, 9))
    line = report.gone_line()
    assert line.startswith("8 documents are no longer in the sources; their cards stay in Anki")
    assert line.count("tag:") == report.SHOWN_GONE and "or …" in line and "o.txt" in line
    assert (tmp_path / "o.txt").read_text(encoding="utf-8").count("tag:") == 8


@pytest.mark.parametrize("content", [b"not a zip at all", b"PK\x03\x04broken", None])
def test_a_corrupt_existing_deck_costs_one_warning_not_the_build(tmp_path, content):
    folder = tmp_path / "src"
    three_docs(folder)
    deck = tmp_path / "deck.apkg"
    if content is None:  # a zip without a collection
        import zipfile
        with zipfile.ZipFile(deck, "w") as z:
            z.writestr("media", "{}")
    else:
        deck.write_bytes(content)
    result = CliRunner().invoke(cli, ["build", str(folder), "-o", str(deck)])
    assert result.exit_code == 0
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and str(deck) in warnings[0] and "cannot read the existing deck" in warnings[0]
    assert result.stdout.startswith("3 documents read") and deck.stat().st_size > 1000
    assert not list(tmp_path.glob(".deck.apkg.*"))  # the scratch copy is gone


def test_orphans_needs_a_format_that_carries_document_tags(tmp_path):
    result = CliRunner().invoke(cli, ["build", str(SEEDS), "-o", str(tmp_path / "d.json"), "--orphans",
                                      str(tmp_path / "o.txt")])
    assert result.exit_code == 2 and "--orphans needs an .apkg, .txt or .tsv output" in result.stderr


def test_deleted_documents_when_some_inputs_failed_say_they_may_be_among_them(tmp_path):
    folder = tmp_path / "src"
    docs = three_docs(folder)
    deck = tmp_path / "deck.apkg"
    quizgen.build([folder], deck)
    docs[2].write_bytes(b"---\nquestion: [broken\n---\n")
    report = quizgen.build([folder], deck)
    assert report.gone == [notes.doc_tag("7002")] and "may be among them" in report.gone_line()
    shutil.rmtree(folder)


def test_text_deck_carries_tabs_quotes_newlines_and_hash_lines_intact(tmp_path, anki_import):
    """Code in an answer: a tab, quotes, and a line that starts with '#' inside a field."""
    folder = tmp_path / "src"
    answer = ("A script:\\n\\n```\\n# a comment at the start of a line\\n\\tprint(\"tab\", 'quote')\\n```\\n\\n"
              "1. **First Step**: The program reads \"quoted\" text from its standard input.\\n\\n"
              "2. **Second Step**: The program writes that text to a file on disk.\\n\\n"
              "3. **Third Step**: The program stops once the input stream is empty.")
    write_doc(folder, "code.md", id="code 1", answer=answer, question="What does the script print?",
              seo={"page_description": "The script prints a quoted word and a tab to the screen of the user."})
    every = quizgen.BuildOptions(everything=True)  # every fact a card, so the code reaches a field
    quizgen.build([folder], tmp_path / "c.apkg", every)
    quizgen.build([folder], tmp_path / "c.txt", every)
    col = anki_import(tmp_path / "c.apkg", tmp_path)
    fields = {col.get_note(n).guid: col.get_note(n).fields for n in col.find_notes("")}
    assert any("# a comment" in "".join(f) for f in fields.values())
    col.remove_notes(col.find_notes(""))
    log = import_text(col, tmp_path / "c.txt")
    assert len(log.new) == len(fields)
    assert {col.get_note(n).guid: col.get_note(n).fields for n in col.find_notes("")} == fields
    assert quizgen.exporters.text.read_doc_tags(str(tmp_path / "c.txt")) == {notes.doc_tag("code 1")}
