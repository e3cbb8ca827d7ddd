"""The real development corpus (../shared/corpus beside the checkout): every document builds, the deck
imports into real Anki cleanly, and the cards meet the quality bar. Skips where the corpus is absent
(a user's clone); runs in CI, where it is present."""

from __future__ import annotations

import re
import statistics
from pathlib import Path

import pytest
from anki.collection import Collection

import quizgen
from quizgen.text import content_stems

from .test_exporters import RAW_MARKDOWN, import_apkg, visible

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="development corpus ../shared/corpus not present")

CLOZE_ANSWER = re.compile(r'<span class="cloze"[^>]*>(.*?)</span>', re.S)


def text(html: str) -> str:
    html = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&nbsp;", " ").split())


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    deck = folder / "corpus.apkg"
    report = quizgen.build([CORPUS], deck)
    col = Collection(str(folder / "collection.anki2"))
    first = import_apkg(col, deck)
    cards = [col.get_card(cid) for cid in col.find_cards("")]
    rendered = [(c, c.question(), c.answer()) for c in cards]
    second = import_apkg(col, deck)
    yield report, first, second, rendered, col
    col.close()


def test_every_document_builds(built):
    report = built[0]
    assert report.exit_code == 0 and not report.skipped
    assert report.read + len(report.merged) == report.found


def test_deck_imports_cleanly_and_reimport_adds_nothing(built):
    report, first, second, rendered, col = built
    assert len(first.new) == sum(report.cards.values())
    assert not col.get_empty_cards().notes
    assert not second.new and not second.updated


def test_cards_render_without_markdown_scripts_or_duplicates(built):
    rendered = built[3]
    fronts = set()
    for card, q, a in rendered:
        assert not RAW_MARKDOWN.search(visible(q) + visible(a)), text(q)[:200]
        assert not re.search(r"<script|javascript:|\son\w+=", q + a, re.I)
        if card.note_type()["type"] == 1:
            assert 'class="cloze"' in q
        front = text(visible(q))  # as the deck checks read it: formulas and code aside
        assert front and front not in fronts, front
        fronts.add(front)


def test_quality_bar(built):
    """Issue figures: no give-aways, short fronts, about the gold deck's number of cards a document."""
    report, _, _, rendered, _ = built
    leaks = clozes = 0
    words = []
    for card, q, a in rendered:
        front = text(q)
        words.append(len(front.split()))
        if card.note_type()["type"] != 1:
            continue
        clozes += 1
        visible_stems = content_stems(text(q.replace("[...]", " ")))
        found = [text(x) for x in CLOZE_ANSWER.findall(a) if "\\(" not in x and "\\[" not in x]  # formulas aside
        leaks += any(content_stems(x) and content_stems(x) <= visible_stems for x in found)
    assert leaks / clozes <= 0.01
    assert statistics.median(words) <= 40
    assert sum(w > 80 for w in words) / len(words) <= 0.02
    figures = quizgen.check([CORPUS], quizgen.BuildOptions(quality=True)).quality
    assert statistics.median(figures.per_document) <= 12
    assert figures.empty  # the documents that answer nothing make no card


GOLD = CORPUS.parent / "corpus-gold" / "gold.json"


@pytest.mark.skipif(not GOLD.is_file(), reason="the expert's gold deck ../shared/corpus-gold not present")
def test_lists_read_as_the_expert_reads_them():
    """Every numbered list the expert classified (gold.json `list_kinds`) that the parser finds as a list
    of labels is a sequence exactly when the expert found its order worth learning."""
    import json

    from quizgen.generator.base import Context
    from quizgen.generator.lists import classify
    from quizgen.parser import parse

    found, wrong = 0, []
    for name, gold in json.loads(GOLD.read_text(encoding="utf-8")).items():
        doc = parse((CORPUS / name).read_bytes(), name)
        ctx = Context(doc)
        for info in ctx.lists:
            classify(info, ctx.question_text)
        for kind in gold["list_kinds"]:
            key = kind["heading_or_first_item"].lower()
            same = [i for i in ctx.lists if key in i.heading.lower() or (i.items and key in (i.items[0][1] or "").lower())]
            if same:
                found += 1
                if same[0].sequence != kind["ordered"]:
                    wrong.append((name, kind["heading_or_first_item"], same[0].why))
    assert found >= 30 and not wrong
