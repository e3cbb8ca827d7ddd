"""text: sentence splitting cuts plain endings itself and must agree with Punkt everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizgen import text
from quizgen.parser import read_file

SEEDS = Path(__file__).parent.parent / "seeds"


def punkt(paragraph: str) -> list[tuple[int, int]]:
    """What sentence_spans gave before it cut plain endings itself: Punkt on every paragraph with an end."""
    if text.MAY_END.search(paragraph):
        return list(text._SENTENCES.span_tokenize(paragraph))
    return text.sentence_spans(paragraph)


WORDS = ["cells", "The", "heart", "pumps", "blood", "Dr", "dr", "e.g", "i.e", "U.S", "etc", "vs", "No", "no",
         "J", "a", "I", "1990", "3.5", "12", "x2", "CO2", "well-known", "pre-op", "(ACh)", "ACh", "nAChRs",
         "“quoted”", '"quoted"', "'single'", "(see", "this)", "[ref]", "{x}", "café", "Ökonomie", "naïve",
         "α-helix", "$x$", "--", "…", "and", "In", "summary", ")", "\"", "”", "»", "'"]
ENDS = ["", ".", "?", "!", "...", ".)", '."', ".”", "?!", ".'", ".]", ":", ";", ","]
SPACES = [" ", "  ", "\n", "\t", "\u00a0", " \u2009"]


@st.composite
def paragraphs(draw) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 12))):
        parts.append(draw(st.sampled_from(WORDS)) + draw(st.sampled_from(ENDS)) + draw(st.sampled_from(SPACES)))
    return draw(st.sampled_from(["", " ", "\n"])) + "".join(parts) + draw(st.sampled_from(["", " ", "\n"]))


@settings(max_examples=3000, deadline=None)
@given(paragraphs())
def test_sentence_spans_agree_with_punkt(paragraph):
    assert text.sentence_spans(paragraph) == punkt(paragraph)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("aB .?!\"')]}“”‘’«»(\n\u00a0eg1"), max_size=60))
def test_sentence_spans_agree_with_punkt_on_any_text(paragraph):
    assert text.sentence_spans(paragraph) == punkt(paragraph)


def test_the_seeds_paragraphs_split_as_punkt_splits_them():
    paragraphs = {b.text for path in SEEDS.glob("*.md") for b in read_file(str(path), 10**6).blocks}
    cut_here = [p for p in paragraphs
                if text._CANDIDATES.search(p) and all(text._plain_end(p, m) for m in text._CANDIDATES.finditer(p))]
    assert len(cut_here) > 20  # the plain way is the common one, or this would not be worth having
    for paragraph in paragraphs:
        assert text.sentence_spans(paragraph) == punkt(paragraph)


@pytest.mark.parametrize("paragraph, plain", [
    ("Cells divide. The heart pumps.", True),
    ("Is it? Yes! It is.", True),
    ("See Dr. Smith first.", False),  # an abbreviation: Punkt decides
    ("Born in 1990. Then more.", False),  # a number
    ("Named by J. Smith.", False),  # an initial
    ('He said "stop." Then left.', False),  # a quote closes after the stop
    ("It binds (ACh). Then it goes.", False),
])
def test_which_endings_are_cut_without_punkt(paragraph, plain):
    assert all(text._plain_end(paragraph, m) for m in text._CANDIDATES.finditer(paragraph)) is plain
    assert text.sentence_spans(paragraph) == punkt(paragraph)
