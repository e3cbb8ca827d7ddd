"""The deck's own counters (`check --report`): a formula is given away by itself, not by its letters."""

import re
from dataclasses import replace

from quizgen.generator import Options, generate
from quizgen.quality import give_away


def shown_again(card):
    """The card with what its cloze hides written out once more on its front."""
    hidden = re.search(r"\{\{c1::(.*?)\}\}", card.front, re.S).group(1)
    return replace(card, front=card.front + " " + hidden)

from .test_generator import ALL, doc_of


def formula_card():
    doc = doc_of("Impedance depends on the part of the circuit.\n\n### Parts\n\n"
                 "For a capacitor the impedance is $Z_C = \\frac{1}{j\\omega C}$ in ohms. "
                 "For an inductor the impedance is $Z_L = j\\omega L$ in ohms.", "How is impedance computed?")
    return next(c for c in generate(doc, ALL) if c.extra.get("fact") == "formula")


def test_a_formula_is_not_given_away_by_the_letters_other_formulas_show():
    assert not give_away(formula_card())


def test_a_formula_shown_again_on_its_front_is_given_away():
    card = formula_card()
    assert give_away(shown_again(card))


def test_a_word_answer_is_given_away_when_all_its_words_show():
    doc = doc_of("Cells rely on protein systems.\n\n### Folding\n\n"
                 "Molecular chaperones assist protein folding and maintain cellular proteostasis in the cytoplasm.",
                 "What keeps the cytoplasm in order?")
    card = next(c for c in generate(doc, Options(kinds=ALL.kinds, everything=True)) if c.is_cloze)
    assert not give_away(card)
    assert give_away(shown_again(card))
