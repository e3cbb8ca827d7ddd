"""The new-card order: documents interleaved, read back from the real Anki backend."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import quizgen
from quizgen.exporters.notes import DOC_TAG
from quizgen.exporters.order import interleave, new_positions, spread

from .conftest import write_doc

SUBJECTS = ("Medicine", "Biology", "Physics")
TERMS = ["Influx", "Release", "Binding", "Termination", "Recovery", "Signalling", "Transport", "Storage"]


def sixty_documents(folder):
    """60 documents in 3 subjects, with 3 to 7 steps each, so their card counts differ."""
    for n in range(60):
        steps = 3 + n % 5
        answer = f"Process {n} has a lead sentence about topic{n}. It takes about {n + 100} minutes in all.\\n\\n" + "\\n\\n".join(
            f"{i + 1}. **{TERMS[i]} {n}**: The stage where topic{n} part{i} moves into the next place." for i in range(steps))
        write_doc(folder, f"doc{n:02d}.md", id=5000 + n, subject=SUBJECTS[n % 3], answer=answer,
                  question=f"How does process {n} work?", title=f"How does process {n} work?",
                  seo={"page_keywords": f"topic{n}"})


def neighbours_from_one_document(docs: list[str]) -> list[int]:
    return [i for i in range(1, len(docs)) if docs[i] == docs[i - 1]]


def doc_of(col, cid) -> str:
    (tag,) = [t for t in col.get_card(cid).note().tags if t.startswith(DOC_TAG)]
    return tag


def test_new_queue_of_a_sixty_document_deck_never_has_two_neighbours_from_one_document(tmp_path, anki_import):
    folder = tmp_path / "src"
    sixty_documents(folder)
    deck = tmp_path / "sixty.apkg"
    report = quizgen.build([folder], deck)
    assert report.read == 60
    col = anki_import(deck, tmp_path)
    cids = col.find_cards("is:new")
    assert len(cids) == sum(report.cards.values())
    by_due = sorted(cids, key=lambda c: col.get_card(c).due)
    docs = [doc_of(col, c) for c in by_due]
    assert len(set(docs)) == 60
    assert neighbours_from_one_document(docs) == []
    # ... within each subject's deck too, since Anki gathers new cards deck by deck
    for did in {col.get_card(c).did for c in cids}:
        in_deck = [d for c, d in zip(by_due, docs) if col.get_card(c).did == did]
        assert neighbours_from_one_document(in_deck) == []
    # and the queue Anki itself builds, with the daily limit out of the way
    root = col.decks.id_for_name("QuickTakes")
    config = col.decks.config_dict_for_deck_id(root)
    config["new"]["perDay"] = config["rev"]["perDay"] = 9999  # new cards count against the review limit too
    col.decks.save(config)
    col.decks.select(root)
    queued = col.sched.get_queued_cards(fetch_limit=len(cids)).cards
    assert len(queued) == len(cids)
    assert neighbours_from_one_document([doc_of(col, q.card.id) for q in queued]) == []


def test_a_documents_cards_are_spread_over_the_whole_queue(tmp_path):
    """Round-robin, not document after document: each document's first card comes in the first round."""
    due = new_positions([(0, d, 0) for d in range(10) for _ in range(5)])
    firsts = [due[d * 5] for d in range(10)]
    assert sorted(firsts) == list(range(10))


def runs_of(counts):
    runs, n = [], 0
    for d, c in enumerate(counts):
        runs.append((d, list(range(n, n + c))))
        n += c
    return runs, {x: d for d, items in runs for x in items}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 12), min_size=1, max_size=12))
def test_spread_keeps_neighbours_apart_whenever_any_order_can(counts):
    runs, doc = runs_of(counts)
    total, most = sum(counts), max(counts)
    unavoidable = max(0, most - (total - most) - 1)  # a document with more than half must touch itself
    for order in (spread(runs), interleave(runs)):
        assert sorted(order) == list(range(total))
        assert len(neighbours_from_one_document([doc[x] for x in order])) == unavoidable
        for d, items in runs:  # a document's own cards keep their order
            assert [x for x in order if doc[x] == d] == items


def test_the_order_is_the_same_every_time():
    cards = [(d % 3, d, o) for d in range(40) for o in (0, 0, 1, 0) [: 1 + d % 4]]
    assert new_positions(cards) == new_positions(list(cards))
    assert sorted(new_positions(cards)) == list(range(len(cards)))
