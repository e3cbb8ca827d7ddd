"""Parser: front matter fields and the answer's structure, from small documents written here."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from quizgen.errors import ParseError
from quizgen.parser import normalise_subject, parse, split_keywords, unescape_answer

from .conftest import doc_bytes

CASES = yaml.safe_load((Path(__file__).parent / "fixtures" / "answers.yaml").read_text(encoding="utf-8"))


def document(answer: str | None = "Lead.", **fields) -> bytes:
    """A bare document: id, question, subject and answer only, so no title or keywords can stand in
    for a missing question (fields named here are written, even those left out by default)."""
    bare = [k for k in ("date", "title", "seo", "url") if k not in fields]
    return doc_bytes(drop=bare, **{"id": 1, "question": "What is it?", "answer": answer, **fields})


def plain_texts(doc) -> str:
    return "\n".join(b.text for b in doc.blocks) + "\n" + "\n".join(
        "".join(i.text for i in cell) for b in doc.blocks for row in b.rows for cell in row)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_answer_structure(case):
    doc = parse(document(case["answer"]), "case.md")
    if "steps" in case:
        assert [[s.heading, [st.term for st in s.steps]] for s in doc.sections] == case["steps"]
    if "bold" in case:
        assert list(doc.bold_terms) == case["bold"]
    if "lead" in case:
        assert len(doc.lead) == case["lead"]
    if "summary" in case:
        assert bool(doc.summary) == case["summary"]
    if "subitems" in case:
        assert [len(st.subitems) for st in doc.sections[0].steps] == case["subitems"]
    if "tables" in case:
        assert sum(b.kind == "table" for b in doc.blocks) == case["tables"]
    for snippet in case.get("text", []):
        assert snippet in plain_texts(doc)
    maths = [i.text.strip() for b in doc.blocks for i in b.inlines if i.kind.startswith("math")]
    for tex in case.get("math", []):
        assert tex in maths


def test_reference_document_fields():
    doc = parse((Path(__file__).parent.parent / "seeds" / "000_61fff66e109f6cc2.txt").read_bytes(), "ref.txt")
    assert doc.key == "87927"
    assert doc.question == "What is the role of the neuromuscular junction in muscle contraction?"
    assert doc.subject == "Medicine"
    assert doc.keywords[:3] == ("neuromuscular junction", "muscle contraction", "motor neurons")
    assert [s.term for s in doc.sections[0].steps] == [
        "Calcium Ion Influx", "Release of Acetylcholine", "Activation of Muscle Fiber", "Muscle Contraction",
        "Termination of Signal"]
    assert doc.related == ("87928", "87921", "87913", "87914")
    assert doc.url.startswith("/learn/medicine/questions/")
    assert doc.date == "2024-12-04"
    assert "\\n" not in doc.answer and "Ca²⁺" in doc.answer


@pytest.mark.parametrize("fields, question", [
    ({"question": "Q1?", "title": "T?"}, "Q1?"),
    ({"question": None, "title": "T?"}, "T?"),
    ({"question": None, "article_title": "A?"}, "A?"),
])
def test_question_falls_back_to_title(fields, question):
    assert parse(document(**fields), "d.md").question == question


@pytest.mark.parametrize("raw, subject", [
    ("Computer science", "Computer Science"),
    ("computer  Science", "Computer Science"),
    ("Business and Management", "Business and Management"),
    ("Art::Hack", "Art Hack"),
    ("", "General"),
])
def test_subject_normalised(raw, subject):
    assert normalise_subject(raw) == subject


def test_subject_from_seo_title_when_missing():
    doc = parse(document(subject=None, seo={"title": "QuickTakes | health studies"}), "d.md")
    assert doc.subject == "Health Studies"


@pytest.mark.parametrize("raw, keywords", [
    ("a, b,c, A", ("a", "b", "c")),
    ("single", ("single",)),
    (["x", "y", "x"], ("x", "y")),
    (None, ()),
])
def test_keywords_split_and_deduplicated(raw, keywords):
    assert split_keywords(raw) == keywords


def test_unescape_keeps_latex_only_inside_math():
    assert unescape_answer(r"a\nnot math $\not p$") == "a\nnot math $\\not p$"
    assert unescape_answer(r"x\n\nnu") == "x\n\nnu"


def test_missing_answer_is_one_clear_error():
    with pytest.raises(ParseError) as e:
        parse(document(answer=None), "d.md")
    assert str(e.value) == "d.md: no answer (expected an 'answer' field)"


def test_string_and_missing_ids_give_keys():
    assert parse(document(id="abc-1"), "d.md").key == "abc-1"
    assert parse(document(id=None), "dir/x.md").key == "file:x"
