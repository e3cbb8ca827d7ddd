"""Notes in the real Anki backend: multiple choice as "quizgen Choice", siblings as one note, document tags."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import quizgen
from quizgen.cli import cli
from quizgen.exporters import anki, notes
from quizgen.model import Card

from .conftest import write_doc

SEEDS = Path(__file__).parent.parent / "seeds"


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", html, flags=re.S)).split())


def cloze(key: str, front: str, answer: str, note: str | None = None, ord_: int | None = None, *,
          kind: str = "cloze", doc: str = "d1", back: str = "") -> Card:
    extra = {} if note is None else {"note": note, "ord": ord_}
    return Card(id=f"qg{doc}{kind}{key}", kind=kind, doc_key=doc, key=key, subject="Medicine",
                context='<span class="qg-subject">Medicine</span>', front=front, back=back, answers=(answer,),
                tags=("quizgen", f"quizgen::kind::{kind}"), extra=extra)


CELLS = ("Innate immunity rests on five kinds of white cell.\\n\\n"
         "1. **Neutrophils**: The most abundant leukocytes arrive first at sites of acute inflammation.\\n"
         "2. **Macrophages**: Large phagocytes engulf debris and present antigens to lymphocytes in tissues.\\n"
         "3. **Eosinophils**: Granulocytes with red-staining granules fight parasitic worms in the gut wall.\\n"
         "4. **Basophils**: Rare granulocytes release histamine during allergic reactions in the airways.\\n"
         "5. **Monocytes**: Circulating precursors leave the blood to mature in inflamed tissue.\\n")


def cells(folder: Path) -> Path:
    """A set whose labels are names: the kind of list an item is asked of as multiple choice."""
    write_doc(folder, "cells.md", id=4242, question="Which cells take part in innate immunity?", answer=CELLS)
    return folder


def test_mcq_cards_are_choice_notes_in_anki(tmp_path, anki_import):
    deck = tmp_path / "mcq.apkg"
    src = cells(tmp_path / "in")
    report = quizgen.build([src], deck, quizgen.BuildOptions(kinds=frozenset({"mcq"})))
    made = list(quizgen.pipeline.cards([src], quizgen.BuildOptions(kinds=frozenset({"mcq"})), quizgen.Report()))
    assert made and report.cards["mcq"] == len(made) == report.notes
    col = anki_import(deck, tmp_path)
    assert col.note_count() == len(made) and not col.get_empty_cards().notes
    by_guid = {c.id: c for c in made}
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        assert card.note_type()["name"] == "quizgen Choice"
        source = by_guid[card.note().guid]
        q, a = card.question(), card.answer()
        items = re.findall(r"<li[^>]*>(.*?)</li>", q.split("qg-choice-list", 1)[1])
        assert [text_of(i) for i in items] == [text_of(notes.escape(c)) for c in source.choices]
        assert len(items) == 4 and source.answers[0] in source.choices
        right = re.findall(r'<li class="qg-right">(.*?)</li>', a)
        assert [text_of(r) for r in right] == [text_of(notes.escape(source.answers[0])) + " ✓"]
        assert len(re.findall(r'<li class="qg-wrong">', a)) == 3
        assert "qg-right\"" not in q  # the front does not mark it


def test_mcq_into_apkg_from_the_command_line_makes_notes(tmp_path, anki_import):
    deck = tmp_path / "mcq.apkg"
    result = CliRunner().invoke(cli, ["build", str(cells(tmp_path / "in")), "-o", str(deck), "--cards", "mcq"])
    assert result.exit_code == 0, result.output
    n = int(re.search(r"(\d+) cards \(\d+ mcq\)", result.output).group(1))
    assert anki_import(deck, tmp_path).note_count() == n > 0


def test_deletions_of_one_sentence_are_one_cloze_note(tmp_path, anki_import):
    sentence = "The {hidden} release {b} into the {c}."
    parts = {"a": "motor neurons", "b": "acetylcholine", "c": "synaptic cleft"}

    def front(which):
        return sentence.format(hidden="{{c1::%s}}" % parts["a"] if which == "a" else parts["a"],
                               b="{{c1::%s}}" % parts["b"] if which == "b" else parts["b"],
                               c="{{c1::%s}}" % parts["c"] if which == "c" else parts["c"])

    cards = [cloze(k, front(k), v, "qgsentence1", n, back=f"<p>about {v}</p>")
             for n, (k, v) in enumerate(parts.items(), 1)]
    cards.append(cloze("alone", "An {{c1::unrelated}} card.", "unrelated"))
    deck = tmp_path / "s.apkg"
    assert anki.write(cards, str(deck)) == 2
    col = anki_import(deck, tmp_path)
    assert col.note_count() == 2 and len(col.find_cards("")) == 4 and not col.get_empty_cards().notes
    (note,) = [n for n in map(col.get_note, col.find_notes("")) if n.guid == "qgsentence1"]
    assert note.note_type()["name"] == "quizgen Cloze"
    assert "{{c1::motor neurons}}" in note["Text"] and "{{c3::synaptic cleft}}" in note["Text"]
    for card, (key, answer) in zip(sorted(note.cards(), key=lambda c: c.ord), parts.items()):
        q = text_of(card.question())
        assert "[...]" in q and answer not in q
        assert all(other in q for other in parts.values() if other != answer)  # the siblings' parts show


def test_overlapping_clozes_of_one_list_are_one_overlap_note(tmp_path, anki_import):
    steps = ["Influx", "Release", "Binding", "Termination"]
    cards = []
    for n in range(len(steps)):
        items = "".join(f"<li>{'{{c1::%s}}' % s if i == n else (s if i == n - 1 else '…')}</li>"
                        for i, s in enumerate(steps))
        cards.append(cloze(str(n), f"<ol>{items}</ol>", steps[n], "qgseq1", n + 1, kind="sequence"))
    deck = tmp_path / "o.apkg"
    anki.write(cards, str(deck))
    col = anki_import(deck, tmp_path)
    (nid,) = col.find_notes("")
    note = col.get_note(nid)
    assert note.note_type()["name"] == "quizgen Overlap" and note.guid == "qgseq1"
    assert not col.get_empty_cards().notes
    shown = sorted(note.cards(), key=lambda c: c.ord)
    assert len(shown) == len(steps)
    for n, card in enumerate(shown):
        q = text_of(card.question())
        assert q.count("[...]") == 1 and steps[n] not in q
        assert (steps[n - 1] in q) if n else True
        assert all(s not in q for s in steps[n + 1:])  # later steps stay hidden as on the card itself
        assert steps[n] in text_of(card.answer())


def test_siblings_anki_cannot_hold_as_one_note_are_notes_of_their_own(tmp_path, anki_import):
    cards = [cloze("a", "A {{c1::x}}.", "x", "qgdup", 1), cloze("b", "A x{{c1::y}}.", "y", "qgdup", 1)]
    deck = tmp_path / "d.apkg"
    assert anki.write(cards, str(deck)) == 2
    col = anki_import(deck, tmp_path)
    assert sorted(col.get_note(n).guid for n in col.find_notes("")) == sorted(c.id for c in cards)


def test_a_lone_sibling_keeps_its_notes_id_and_its_number(tmp_path, anki_import):
    """The one card left of a sentence's deletions is still card 2 of the same note: its history stays."""
    deck = tmp_path / "l.apkg"
    anki.write([cloze("c", "Lone {{c1::z}}.", "z", "qglone", 2)], str(deck))
    col = anki_import(deck, tmp_path)
    (nid,) = col.find_notes("")
    note = col.get_note(nid)
    assert note.guid == "qglone" and [c.ord for c in note.cards()] == [1] and "{{c2::z}}" in note["Text"]


def test_merge_clozes_keeps_the_text_and_numbers_each_deletion():
    assert notes.merge_clozes([(1, "a {{c1::b}} c d"), (2, "a b c {{c1::d}}")]) == "a {{c1::b}} c {{c2::d}}"
    assert notes.merge_clozes([(1, "{{c1::x}} and {{c1::x}}"), (2, "x {{c1::and}} x")]) == \
        "{{c1::x}} {{c2::and}} {{c1::x}}"
    assert notes.merge_clozes([(1, "a {{c1::b}}"), (2, "a b!{{c1::}}")]) is None  # not the same text
    assert notes.merge_clozes([(1, "{{c1::a b}}"), (2, "a {{c1::b}}")]) is None  # overlapping deletions


@pytest.mark.parametrize("key", ["87927", "file:my notes", "a_b", "x~1", "ü"])
def test_every_note_carries_its_documents_tag_and_the_search_finds_it(tmp_path, anki_import, key):
    folder = tmp_path / "src"
    write_doc(folder, "one.md", id=key)
    write_doc(folder, "two.md", id="other", question="What is a second question?", title="Second")
    deck = tmp_path / "t.apkg"
    quizgen.build([folder], deck)
    col = anki_import(deck, tmp_path)
    tag = notes.doc_tag(key)
    assert " " not in tag and tag.count("::") == 2
    mine = set(col.find_notes(notes.tag_search([tag])))
    assert mine and all(tag in col.get_note(n).tags for n in mine)
    others = set(col.find_notes("")) - mine
    assert others and all(tag not in col.get_note(n).tags for n in others)
    assert all(any(t.startswith(notes.DOC_TAG) for t in col.get_note(n).tags) for n in col.find_notes(""))


def test_document_tag_keys_never_collide():
    keys = ["a b", "a_b", "a_20b", "a:b", "a-b", "A b"]
    assert len({notes.doc_tag_key(k) for k in keys}) == len(keys)


def test_a_document_given_another_key_gets_notes_of_its_own():
    """Two documents that share an id: the second one's cards and sibling notes get ids of their own."""
    from quizgen.pipeline import rekey

    card = cloze("a", "A {{c1::x}}.", "x", "qgnote7", 1)
    moved = rekey(card, "d1~1")
    assert moved.doc_key == "d1~1" and moved.id != card.id
    assert moved.extra["ord"] == 1 and moved.extra["note"] not in (card.extra["note"], moved.id)
    assert card.extra["note"] == "qgnote7"  # the original is untouched
    assert rekey(cloze("b", "B {{c1::y}}.", "y"), "d1~1").extra == {}
