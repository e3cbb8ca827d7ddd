"""Lenient grading: what a learner may type and still be right, and what the verdict explains."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from quizgen.quiz.grading import (
    AGAIN,
    GOOD,
    HARD,
    char_diff,
    grade,
    grade_choice,
    needs_recall,
    normalize,
    typo_allowance,
)


@pytest.mark.parametrize(
    ("typed", "answers", "why"),
    [
        ("mitochondria", ["mitochondria"], "Correct."),
        ("Mitochondria", ["mitochondria"], "case"),
        ("MITOCHONDRIA!", ["mitochondria"], "punctuation"),
        ("the heart", ["heart"], "article"),
        ("an enzyme", ["Enzyme"], "article"),
        ("cafe", ["Café"], "accents"),
        ("ｍｉｔｏｓｉｓ", ["mitosis"], "case"),  # full-width letters: NFKC
        ("Straße", ["STRASSE"], "case"),
        ("x ray", ["X-ray"], "punctuation"),
        ("xray", ["X-ray"], "spacing"),
        ("cells", ["cell"], "endings"),
        ("neurons", ["neuron"], "endings"),
        ("phosphorylated", ["phosphorylation"], "endings"),
        ("the kidneys", ["Kidney"], "endings"),
    ],
)
def test_right_answers_are_accepted_with_good(typed, answers, why):
    g = grade(typed, answers)
    assert g.correct and not g.near
    assert g.suggested == GOOD
    assert why in g.explanation
    assert g.diff == ""


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("mitocondria", "mitochondria"),  # a letter missing
        ("mitochondira", "mitochondria"),  # two letters swapped
        ("acetylcholene", "acetylcholine"),
        ("sympathetic nervus system", "sympathetic nervous system"),
    ],
)
def test_small_typos_are_accepted_with_hard_and_a_diff(typed, answer):
    g = grade(typed, [answer])
    assert g.correct
    assert g.suggested == HARD
    assert "typo" in g.explanation
    assert g.diff and ("{+" in g.diff or "{-" in g.diff)


@pytest.mark.parametrize(
    ("typed", "answer", "near"),
    [
        ("heart", "liver", False),
        ("cat", "car", True),  # short words get no typo allowance
        ("ileum", "ilium", True),
        ("1984", "1985", True),  # numbers must be exact
        ("mitosis", "meiosis", True),
        ("nucleus", "mitochondria", False),
        ("C++", "C", False),
    ],
)
def test_wrong_answers_are_rejected_with_again(typed, answer, near):
    g = grade(typed, [answer])
    assert not g.correct
    assert g.near is near
    assert g.suggested == AGAIN
    assert answer in g.explanation
    assert bool(g.diff) is near


def test_near_miss_diff_shows_what_was_extra_and_missing():
    assert char_diff("mitosis", "meiosis") == "m{+e+}i{-t-}osis"
    assert char_diff("mitocondria", "mitochondria") == "mitoc{+h+}ondria"
    assert char_diff("abc", "abc") == "abc"


def test_empty_answer_is_a_reveal_rated_again():
    g = grade("   ", ["mitochondria"])
    assert not g.correct and g.suggested == AGAIN
    assert "mitochondria" in g.explanation


@pytest.mark.parametrize(
    ("typed", "correct"),
    [
        ("mitochondria; ATP", True),
        ("ATP; mitochondria", True),  # any order
        ("mitochondria | ATP", True),
        ("mitochondria, ATP", True),  # commas when ; was not used
        ("mitochondria", False),  # all deletions are needed
        ("mitochondria; ADP", False),
    ],
)
def test_several_answers_need_all(typed, correct):
    g = grade(typed, ["mitochondria", "ATP"])
    assert g.correct is correct
    assert g.suggested == (GOOD if correct else AGAIN)
    assert ("2 of 2" in g.explanation) is correct


def test_several_answers_explain_each_one():
    g = grade("mitocondria; ADP", ["mitochondria", "ATP"])
    assert not g.correct
    assert "1 of 2 answers right" in g.explanation
    assert "missed: ATP (you typed 'ADP'" in g.explanation
    assert "ok: mitochondria" in g.explanation
    assert len(g.diff.splitlines()) == 2


def test_a_sequence_must_be_typed_in_order():
    steps = ["Prophase", "Metaphase", "Anaphase"]
    assert grade("prophase; metaphase; anaphases", steps, ordered=True).correct
    wrong = grade("metaphase; prophase; anaphase", steps, ordered=True)
    assert not wrong.correct and wrong.near and wrong.suggested == AGAIN
    assert "not in this order" in wrong.explanation
    assert grade("metaphase; prophase; anaphase", steps).correct  # any order when order is not asked


LONG = "Calcium ions flow into the nerve terminal and trigger the release of acetylcholine into the synaptic cleft."


@pytest.mark.parametrize(
    ("typed", "suggested", "correct"),
    [
        ("calcium ions flow into the terminal and trigger acetylcholine release into the synaptic cleft", GOOD, True),
        ("calcium enters the nerve terminal and acetylcholine is released", HARD, False),
        ("something about muscles", AGAIN, False),
    ],
)
def test_long_answers_are_graded_by_recalled_key_words(typed, suggested, correct):
    assert needs_recall([LONG]) and not needs_recall(["sympathetic nervous system"])
    g = grade(typed, [LONG])
    assert (g.suggested, g.correct) == (suggested, correct)
    assert "key words" in g.explanation
    if not correct:
        assert "Missing: " in g.explanation


def test_repeated_deletions_are_typed_once():
    assert grade("ATP", ["ATP", "atp"]).correct


def test_card_without_answers_leaves_the_rating_to_the_learner():
    g = grade("anything", [])
    assert not g.correct and g.suggested == GOOD


@pytest.mark.parametrize(
    ("typed", "correct", "said"),
    [
        ("2", True, "Correct: 2. Mitochondria"),
        (" 2 ", True, "Correct"),
        ("mitochondria", True, "Correct"),
        ("Mitocondria", True, "Correct"),  # lenient text, still one option
        ("1", False, "you chose 1. Nucleus"),
        ("nucleus", False, "you chose 1. Nucleus"),
        ("7", False, "not one of the choices"),
        ("golgi", False, "not one of the choices"),
        ("", False, "No answer given"),
    ],
)
def test_multiple_choice_by_number_or_text(typed, correct, said):
    g = grade_choice(typed, ["Nucleus", "Mitochondria", "Ribosome"], ["Mitochondria"])
    assert g.correct is correct
    assert said in g.explanation
    if not correct:
        assert "2. Mitochondria" in g.explanation and g.suggested == AGAIN


def test_multiple_choice_ambiguous_text_is_not_a_pick():
    g = grade_choice("type", ["Type I", "Type II"], ["Type I"])
    assert not g.correct


def test_typo_allowance_grows_with_length():
    assert [typo_allowance("x" * n) for n in (3, 5, 6, 9, 10, 15, 16)] == [0, 0, 1, 1, 2, 2, 3]


def test_normalize_folds_case_accents_punctuation_and_articles():
    assert normalize("  The Café-au-lait! ") == "cafe au lait"
    assert normalize("A") == "a"  # a lone article is the answer itself


@given(st.text(max_size=30))
@example("0|0")  # a separator inside the one answer: the line is the answer, not a word typed twice
@example("x; x")
def test_anything_typed_equals_itself(text):
    if text.strip():
        g = grade(text, [text])
        assert g.correct and g.suggested == GOOD


@given(st.text(max_size=30), st.lists(st.text(max_size=20), max_size=3))
def test_grading_never_fails(typed, answers):
    g = grade(typed, answers)
    assert g.suggested in (AGAIN, HARD, GOOD)
    assert isinstance(g.explanation, str)
