"""Generator: candidates -> scores and budget -> cards. Fixture documents for each pattern behind bad
cards (tests/fixtures/cards.yaml), then the rules every card follows."""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from quizgen.generator import Options, card_id, generate, plan
from quizgen.generator.choose import MAX_CARDS
from quizgen.model import CARD_KINDS
from quizgen.parser import parse
from quizgen.quality import front_text, give_away

from .test_parser import document

ALL = Options(kinds=frozenset(CARD_KINDS))
CASES = yaml.safe_load((Path(__file__).parent / "fixtures" / "cards.yaml").read_text(encoding="utf-8"))


def doc_of(answer: str, question: str = "What is it?", **fields):
    """A document from Markdown with real newlines (written as the literal '\\n' the format uses)."""
    return parse(document(answer.strip().replace("\n", "\\n"), question=question, **fields), "case.md")


def answers(cards) -> set[str]:
    return {html.unescape(a) for c in cards if c.kind != "qa" for a in c.answers}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_fixture_cards(case):
    doc = doc_of(case["answer"], case["question"])
    result = plan(doc, Options(kinds=ALL.kinds, everything=True) if case.get("everything") else ALL)
    cards = result.cards
    got = answers(cards)
    for want in case.get("must", []):
        assert want in got, (want, got, result.dropped)
    for never in case.get("must_not", []):
        assert never not in got, (never, got)
    for kind in case.get("no_kind", []):
        assert kind not in {c.kind for c in cards}
    if "max_cards" in case:
        assert len(cards) <= case["max_cards"]
        if case["max_cards"] == 0:
            assert result.warning.startswith(("nothing to learn", "no card:"))
    if "sequence" in case:
        assert [s for _, _, s, _ in result.lists] == [case["sequence"]]
    for card in cards:
        if card.is_cloze:
            assert not give_away(card), card.front
            assert "{{c1::" in card.front


NMJ = """
The neuromuscular junction (NMJ) links motor neurons and skeletal muscle fibers.

### Steps of transmission

1. **Calcium Ion Influx**: An arriving impulse opens voltage-gated channels in the nerve terminal membrane.
2. **Vesicle Fusion**: Synaptic vesicles fuse with the membrane and empty their contents into the cleft.
3. **Receptor Binding**: The transmitter binds nicotinic receptors on the motor end plate of the fiber.
4. **Enzymatic Cleavage**: The enzyme acetylcholinesterase breaks the transmitter down within milliseconds.

Diseases such as **myasthenia gravis** disrupt this process at the junction.
"""
NMJ_FIELDS = dict(seo={"page_description": "The junction turns a nerve impulse into a muscle contraction "
                       "through calcium, vesicles, receptors and an enzyme that ends the signal.",
                       "page_keywords": "acetylcholinesterase, nicotinic receptors"},
                  url="/learn/medicine/questions/nmj")


def nmj(answer: str = NMJ, **fields):
    return doc_of(answer, "How does the neuromuscular junction transmit a signal?", **{**NMJ_FIELDS, **fields})


def ids_by_answer(doc) -> dict[str, str]:
    return {c.answers[0]: c.id for c in generate(doc, ALL) if c.answers}


def test_cards_are_deterministic():
    assert generate(nmj(), ALL) == generate(nmj(), ALL)


def test_an_ordered_list_gets_overlapping_step_clozes():
    steps = [c for c in generate(nmj()) if c.kind == "sequence"]
    # the first step has nothing before it to cue it, so it is asked from the second one on
    assert [c.answers[0] for c in steps] == ["Vesicle Fusion", "Receptor Binding", "Enzymatic Cleavage"]
    assert [c.extra["step"] for c in steps] == [2, 3, 4]
    assert all("note" not in c.extra for c in steps)  # each step its own note: its history is its own
    second = front_text(steps[0])
    assert "Step 2 of 4" in second and "Calcium Ion Influx" in second  # the step before is the cue
    assert "Receptor Binding" not in second and "Signal Termination" not in second


def test_inserting_a_step_keeps_every_other_cards_id():
    before = ids_by_answer(nmj())
    inserted = NMJ.replace("2. **Vesicle Fusion**", "2. **Sac Docking**: Synaptic sacs dock at release sites "
                           "next to the calcium channels of the terminal.\n3. **Vesicle Fusion**")
    after = ids_by_answer(nmj(inserted))
    assert "Sac Docking" in after
    for answer, cid in before.items():
        assert after.get(answer, cid) == cid, answer
    assert set(before) <= set(after)


def test_editing_an_explanation_keeps_the_card_and_renaming_the_term_makes_a_new_one():
    before = ids_by_answer(nmj())
    edited = ids_by_answer(nmj(NMJ.replace("within milliseconds", "in about a millisecond")))
    assert edited["Enzymatic Cleavage"] == before["Enzymatic Cleavage"]
    renamed = ids_by_answer(nmj(NMJ.replace("Enzymatic Cleavage", "Esterase Breakdown")))
    assert renamed["Esterase Breakdown"] not in before.values()


def test_card_ids_hash_what_the_card_asks():
    doc = doc_of("A **sarcomere** is the smallest contractile unit of a myofibril, bounded by two Z-discs.",
                 "How do skeletal fibres work?")
    card = next(c for c in generate(doc) if c.kind == "cloze")
    assert card.id == card_id(card.doc_key, card.kind, card.key)
    assert card.key == card.answers[0].casefold()


def test_qa_card_gives_the_short_answer_and_folds_the_full_one():
    qa, = [c for c in generate(doc_of(NMJ, "What is the neuromuscular junction?", **NMJ_FIELDS)) if c.kind == "qa"]
    assert "turns a nerve impulse into a muscle contraction" in qa.back
    assert len(re.sub(r"<[^>]+>", " ", qa.back).split()) <= 40
    assert "acetylcholinesterase" in qa.details and "<ol>" in qa.details


def test_a_question_that_asks_for_several_things_gets_no_qa_card():
    assert "qa" not in {c.kind for c in generate(nmj())}  # 'How does … transmit a signal?': a whole process
    listing = doc_of(NMJ, "What are the main steps of transmission?", **NMJ_FIELDS)
    assert "qa" not in {c.kind for c in generate(listing)}


@pytest.mark.parametrize("question, asked", [
    ("What is the neuromuscular junction?", True),
    ("What were the neuromuscular junction's contributions to physiology?", False),
    ("What is the formation process of the neuromuscular junction?", False),
    ("What is the legal definition of the neuromuscular junction?", False),
    ("What is the molecular basis of the neuromuscular junction?", False),
    ("What is the historical context of the neuromuscular junction?", False),
    ("What is the epidemiology of the neuromuscular junction?", False),
    ("What is the vector equation for the neuromuscular junction?", False),
    ("What is the neuromuscular junction in the context of physiology?", True),
])
def test_a_qa_card_only_for_a_question_with_one_short_answer(question, asked):
    doc = doc_of(NMJ, question, **NMJ_FIELDS)
    assert ("qa" in {c.kind for c in generate(doc)}) is asked


def test_a_document_with_nothing_to_learn_makes_no_card():
    result = plan(doc_of("I cannot answer this question based on the information available to me."), ALL)
    assert result.cards == [] and result.warning.startswith("nothing to learn")


def test_the_budget_bounds_a_long_document():
    sentences = [f"The enzyme kinase{n} of the hepatocyte works best at {20 + n} °C in compartment{n}." for n in range(200)]
    doc = doc_of("Kinases are enzymes.\n\n" + "\n\n".join(sentences))  # after its lead, 200 paragraphs of facts
    cards = [c for c in generate(doc) if c.kind != "qa"]
    assert 0 < len(cards) <= MAX_CARDS
    everything = [c for c in generate(doc, Options(everything=True)) if c.kind != "qa"]
    assert len(everything) > len(cards)


def test_an_item_is_an_mcq_or_a_cloze_never_both():
    set_list = """
Four cells defend the body.

1. **Neutrophils**: The most abundant white blood cells arrive first at sites of acute inflammation.
2. **Macrophages**: Large phagocytes engulf debris and present antigens to lymphocytes in tissues.
3. **Eosinophils**: Granulocytes with red-staining granules fight parasitic worms in the gut wall.
4. **Basophils**: Rare granulocytes release histamine during allergic reactions in the airways.
5. **Dendritic Cells**: Sentinels with long processes carry antigens from the skin to lymph nodes.
"""
    doc = doc_of(set_list, "Which cells take part in innate immunity?")
    cards = generate(doc, ALL)
    by_answer = Counter(c.answers[0] for c in cards if c.extra.get("fact") == "item")
    assert by_answer and max(by_answer.values()) == 1
    mcq = [c for c in cards if c.kind == "mcq"]
    assert mcq
    for card in mcq:
        assert len(card.choices) == 4 == len(set(card.choices)) and card.answers[0] in card.choices
        stem = front_text(card).split("Which one is described?")[1]
        for choice in card.choices:
            stem = stem.replace(choice, "")
        assert card.answers[0].casefold() not in stem.casefold()
    clozes = {c.answers[0] for c in generate(doc, Options(kinds=frozenset({"qa", "cloze"})))
              if c.extra.get("fact") == "item"}
    assert clozes  # without mcq, the same items are asked as clozes


def test_context_and_source_on_every_card():
    for card in generate(nmj(), ALL):
        assert "Medicine" in card.context
        assert card.source_url == "https://www.quicktakes.io/learn/medicine/questions/nmj"
        assert card.extra["fact"]


def test_unsafe_source_url_is_dropped():
    assert all(c.source_url == "" for c in generate(nmj(url="javascript:alert(1)")))


def test_fronts_within_a_document_are_unique():
    fronts = Counter(front_text(c) for c in generate(nmj(), ALL))
    assert max(fronts.values()) == 1


def test_kinds_option_selects():
    cards = generate(nmj(), Options(kinds=frozenset({"sequence"})))
    assert cards and {c.kind for c in cards} == {"sequence"}


def test_math_in_a_formula_card_stays_math():
    doc = doc_of("The kinetic energy of a moving body of mass $m$ and speed $v$ is $E_k = \\frac{1}{2} m v^2$ in joules.")
    card = next(c for c in generate(doc) if c.extra.get("fact") == "formula")
    assert card.answers == ("E_k = \\frac{1}{2} m v^2",)
    assert "{{c1::\\(E_k" in card.front


def test_check_report_counts_what_was_dropped_and_why():
    result = plan(nmj(), ALL)
    assert result.candidates >= len(result.cards) - 1
    assert all(isinstance(n, int) and n > 0 for n in result.dropped.values())
    assert result.lists == [("Steps of transmission", True, True, "heading or lead names an order")]


def test_key_phrases_are_made_only_when_everything_is_asked_for():
    doc = doc_of("Cells rely on protein systems.\n\n### Folding\n\n"
                 "Molecular chaperones assist protein folding and maintain cellular proteostasis in the cytoplasm.",
                 "What keeps the cytoplasm in order?")
    assert "phrase" not in {c.extra.get("fact") for c in generate(doc, ALL)}
    assert "phrase" in {c.extra.get("fact") for c in generate(doc, Options(kinds=ALL.kinds, everything=True))}


@pytest.mark.parametrize("hidden, torn", [("CO2) levels", True), ('syncopated" stage', True), ("“Other", True),
                                          ("carbon dioxide (CO2)", False), ('"Lucy"', False), ("Bowman's capsule", False)])
def test_a_deletion_never_cuts_through_a_bracket_or_a_quote(hidden, torn):
    from quizgen.generator.cards import _torn

    assert _torn(hidden) is torn


@pytest.mark.parametrize("text, term, spelt", [
    ("Outbreak Management Division (OMD): The OMD is a specialized team", "OMD", True),
    ("Contingency Management (CM): CM is a behavioral intervention", "CM", True),
    ("The OMD is a specialized team of the agency", "OMD", False),
    ("Cognitive therapy (CBT): the CBT is", "CBT", False),  # its letters are not the words before it
])
def test_an_abbreviation_beside_its_words_is_spelt_out(text, term, spelt):
    from quizgen.generator.definitions import _spelt_out
    assert _spelt_out(text, term) is spelt


def test_a_sentence_that_opens_specifically_or_names_these_two_carries_the_one_before():
    doc = doc_of("Many respondents described their own health as fair or poor in the survey. Specifically, 20.6% of "
                 "Native Hawaiians reported such health statuses in the state.\n\nThe idea of merging these two parties "
                 "gained traction among the voters of the western provinces in 1993.", "How healthy are the islands?")
    fronts = {a: c.front for c in generate(doc, ALL) for a in c.answers}
    assert fronts["20.6%"].startswith("Many respondents described")  # joined to what it leans on
    assert "1993" not in fronts  # nothing before it in its paragraph: not asked
