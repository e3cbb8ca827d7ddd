"""Generator: the card kinds and the rules every card follows."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from quizgen.generator import Options, card_id, generate
from quizgen.model import CARD_KINDS
from quizgen.parser import parse
from quizgen.quality import front_text, give_away

from .test_parser import document

ALL = Options(kinds=frozenset(CARD_KINDS))

NMJ = (
    "The neuromuscular junction links motor neurons and muscle fibers.\\n\\n"
    "### Steps of transmission\\n\\n"
    "1. **Calcium Ion Influx**: An impulse causes an influx of calcium ions into the terminal.\\n\\n"
    "2. **Release of Acetylcholine**: Vesicles release acetylcholine into the synaptic cleft.\\n\\n"
    "3. **Activation of Muscle Fiber**: ACh binds to nAChRs on the muscle fiber's membrane.\\n\\n"
    "4. **Termination of Signal**: The enzyme acetylcholinesterase breaks down ACh.\\n\\n"
    "Diseases such as **myasthenia gravis** disrupt this process at the junction.\\n\\n"
    "In summary, the junction turns a nerve signal into a muscle contraction."
)


def nmj(**fields):
    fields.setdefault("question", "What is the role of the neuromuscular junction?")
    fields.setdefault("seo", {"page_keywords": "muscle fibers, nAChRs, synaptic cleft, the, acetylcholinesterase"})
    fields.setdefault("url", "/learn/medicine/questions/nmj")
    return parse(document(NMJ, **fields), "nmj.md")


def by_kind(cards):
    out = {}
    for c in cards:
        out.setdefault(c.kind, []).append(c)
    return out


def test_every_kind_is_made_in_order():
    kinds = [c.kind for c in generate(nmj(), ALL)]
    assert kinds == sorted(kinds, key=CARD_KINDS.index)
    assert set(kinds) == set(CARD_KINDS)


def test_default_kinds_leave_out_mcq():
    assert "mcq" not in {c.kind for c in generate(nmj())}


def test_ids_come_from_position_not_text():
    before = {(c.kind, c.key): c.id for c in generate(nmj(), ALL)}
    edited = parse(document(NMJ.replace("An impulse causes", "A nerve impulse causes"),
                            question="What is the role of the neuromuscular junction?"), "nmj.md")
    after = {(c.kind, c.key): c.id for c in generate(edited, ALL)}
    assert after[("step", "0.1")] == before[("step", "0.1")]
    assert len(set(before.values())) == len(before)
    assert card_id("1", "step", "0.1") != card_id("2", "step", "0.1")


def test_cards_are_deterministic():
    assert generate(nmj(), ALL) == generate(nmj(), ALL)


def test_qa_card_lists_the_step_terms_and_folds_the_full_answer():
    qa, = by_kind(generate(nmj()))["qa"]
    assert "neuromuscular junction?" in qa.front
    assert [t in qa.back for t in ("Calcium Ion Influx", "Termination of Signal")] == [True, True]
    assert "<ol>" in qa.details and "In summary" in qa.details


def test_step_cards_ask_for_the_body_of_each_termed_step():
    steps = by_kind(generate(nmj()))["step"]
    assert [c.key for c in steps] == ["0.1", "0.2", "0.3", "0.4"]
    assert "Calcium Ion Influx" in steps[0].front and "Step 1 of 4" in steps[0].front
    assert "influx of calcium ions" in steps[0].back


def test_every_bold_term_gets_a_cloze_with_its_own_answer():
    clozes = by_kind(generate(nmj()))["cloze"]
    assert sorted(a for c in clozes for a in c.answers) == sorted(nmj().bold_terms)
    for card in clozes:
        assert "{{c1::" in card.front


@pytest.mark.parametrize("kind", ["cloze", "sequence", "keyword"])
def test_no_cloze_gives_its_answer_away(kind):
    for card in by_kind(generate(nmj(), ALL))[kind]:
        assert not give_away(card), front_text(card)


def test_answer_in_the_question_is_hidden_in_the_header():
    doc = parse(document("The **mitochondria** make ATP.", question="What do mitochondria do?"), "m.md")
    cloze, = by_kind(generate(doc))["cloze"]
    assert "{{c1::mitochondria}}" in cloze.context


def test_sequence_cards_overlap_like_cloze_overlapper():
    seq = by_kind(generate(nmj()))["sequence"]
    assert [c.key for c in seq] == ["0.1", "0.2", "0.3", "0.4", "0.all"]
    second = seq[1].front
    items = re.findall(r"<li>(.*?)</li>", second)
    assert items == ["Calcium Ion Influx", "{{c1::Release of Acetylcholine}}", "…", "…"]
    assert "Steps of transmission" in second
    assert seq[-1].answers == tuple(s.term for s in nmj().sections[0].steps)


def test_short_lists_have_no_sequence():
    doc = parse(document("1. **A thing**: x.\\n2. **B thing**: y."), "d.md")
    assert "sequence" not in {c.kind for c in generate(doc)}


def test_keywords_match_through_stems_and_abbreviations_exactly():
    cards = {c.key: c for c in by_kind(generate(nmj()))["keyword"]}
    assert cards["muscle fibers"].answers == ("muscle fibers",)
    assert cards["nachrs"].answers == ("nAChRs",)
    assert "the" not in cards  # a stopword is never a deletion
    assert "synaptic cleft" in cards


def test_keyword_stem_match_finds_inflected_form():
    doc = parse(document("Signals reach the muscle fiber's membrane quickly today.",
                         seo={"page_keywords": "muscle fibers"}), "d.md")
    card, = by_kind(generate(doc))["keyword"]
    assert card.answers == ("muscle fiber's",)


@pytest.mark.parametrize("term", ["the", "1998", "...", "a very long bold phrase that is really a whole sentence here"])
def test_trivial_or_long_terms_are_not_clozed(term):
    doc = parse(document(f"Here is **{term}** in a sentence with enough words around it."), "d.md")
    assert "cloze" not in {c.kind for c in generate(doc)}


def test_mcq_has_the_answer_and_three_distinct_distractors():
    for card in by_kind(generate(nmj(), ALL))["mcq"]:
        assert len(card.choices) == 4 == len(set(card.choices))
        assert card.answers[0] in card.choices
        assert card.answers[0] not in front_text(card).replace(" ".join(card.choices), "")


def test_context_and_source_on_every_card():
    for card in generate(nmj(), ALL):
        assert "Medicine" in card.context
        assert card.source_url == "https://www.quicktakes.io/learn/medicine/questions/nmj"


def test_unsafe_source_url_is_dropped():
    assert all(c.source_url == "" for c in generate(nmj(url="javascript:alert(1)")))


def test_fronts_within_a_document_are_unique():
    fronts = Counter(front_text(c) for c in generate(nmj(), ALL))
    assert max(fronts.values()) == 1


def test_kinds_option_selects():
    cards = generate(nmj(), Options(kinds=frozenset({"keyword"})))
    assert {c.kind for c in cards} == {"keyword"}


def test_a_long_bold_phrase_becomes_a_qa_card_with_a_blank():
    phrase = "a very long bold phrase that is really a whole sentence here"
    doc = parse(document(f"Here is **{phrase}** in a sentence with enough words around it."), "d.md")
    long, = [c for c in generate(doc) if c.key.startswith("term.")]
    assert long.kind == "qa" and long.answers == (phrase,)
    assert phrase not in long.front and "qg-blank" in long.front


@pytest.mark.parametrize("answer", [
    "### **Avoid Abbreviations**\\n\\nShort names that only the author understands slow every reader down.",
    "1. **Central Nervous System**:\\n   - The brain and the spinal cord process what the senses report.\\n"
    "2. **Peripheral Nervous System**: nerves.",
])
def test_a_term_standing_alone_is_clozed_with_the_text_after_it(answer):
    doc = parse(document(answer), "d.md")
    term = doc.bold_terms[0]
    card = next(c for c in generate(doc) if c.kind == "cloze" and c.answers == (term,))
    assert not give_away(card)
    assert len(front_text(card).split()) > 12  # the following sentence gives the context
