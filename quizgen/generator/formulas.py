"""Formulas: math that states an equation, asked from the sentence that names it ('The surface area is
given by: [...]'), and what its symbols stand for ('where $a$ is [...]')."""

from __future__ import annotations

import re

from ..model import Inline
from ..render import plain
from ..text import commonness, word_count
from .base import MIN_CUE, Candidate, Context, Sentence

RELATION = re.compile(r"=|\\approx|\\equiv|\\propto|\\leq?|\\geq?|<|>|\\to|\\rightarrow")
SYMBOL_MEANING = re.compile(r"^,?\s*(?:is|are|represents?|denotes?|stands? for|refers? to|is the|=)\s+"
                            r"(?P<meaning>[^,;.:]{3,80})")




def worked(tex: str) -> bool:
    """Arithmetic of a worked example ('q = 1 - p = 0.1', 'P(X=2) = 0.31'): a value, not a law."""
    digits = sum(ch.isdigit() for ch in tex)
    letters = sum(ch.isalpha() for ch in re.sub(r"\\[A-Za-z]+", "", tex))
    return tex.count("=") > 1 or digits > letters or bool(VALUE.search(tex))


VALUE = re.compile(r"=\s*[-−]?[\d.,]+\s*(?:\\?%)?\s*$")
"""'P(Disease) = 0.01': a given of an example, not a relation to learn."""


SPELT_OUT = re.compile(r"^\s*,?\s*where\b", re.I)
"""A formula followed by what each of its symbols means reads itself out: it is asked by its symbols
(the ninth reading judged 4 of 5 such formula cards give-aways: '[...], where F is the net force, m is
its mass, and a is the acceleration')."""
EXAMPLE = re.compile(r"\b(?:for example|for instance|such as|consider)\b|\be\.g\.", re.I)
"""'For example, in the function $f(x) = x^2$ …', 'Consider the matrix: $$A = …$$': an instance, not the law
(judged ambiguous)."""
NAMED = re.compile(r"\b(?:expressed|given|formulated|defined|written|represented|stated)\s+(?:\w+ly\s+)?(?:as|by)\b", re.I)
"""'For example, Newton's law of gravitation can be expressed mathematically as: […]': an example of a
law, named, and the law itself is asked; 'For instance, if you have: […]' names nothing."""
READ_OUT = re.compile(r"(?:\b(?:equals?|times|divided by|multiplied by|proportional to|squared)\b[^.;:]{0,50}|"
                      r"\b(?:is|are|as|equals?)\s+(?:\w+\s+)?(?:the\s+)?(?:sum|product|ratio|difference|quotient)\s+(?:of|between)\b"
                      r".{0,120}|\bby\s+(?:subtracting|adding|dividing|multiplying)\b.{0,120})$", re.I)
"""'force equals mass times acceleration, [F = ma]', 'the total current is the sum of the currents through
each branch: […]', 'calculated by subtracting operating expenses from gross profit: […]': the words before
it read the formula out (a held-out reading judged 13 of 20 formula cards give-aways, most of them so)."""
HANGS_ON = re.compile(r"\s*(?:where|solving this|this (?:inequality|equation|expression))\b", re.I)
"""'where [...] is the width of each subinterval', 'Solving this inequality gives […]': a formula whose
cue is another formula the card does not show."""
FAMOUS = re.compile(r"\b(?:famous|well-known|celebrated|iconic)\b[^.]*$", re.I)
"""'the famous equation $E=mc^2$': what everyone knows already (judged trivial)."""


def shape(tex: str) -> str:
    """A formula with its figures blanked: the harmonics 'E_{m3} = \\frac{4E_m}{3\\pi}' and 'E_{m5} = …'
    are one formula, and a card for each shows the others as its answer."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", tex))


WORDS_ONLY = re.compile(r"\\text\{[^}]*\}[\s(),\w]*")
"""A right side that is one phrase in words: notation, not a relation ('Assets = Liabilities + Equity' is one)."""


def trivial(tex: str) -> bool:
    """'Z_R = R': one side is a single symbol the other side already names; 'n = k': a symbol named
    another; 'T(x, y) = \\text{temperature at point } (x, y)': notation for words."""
    sides = [x.strip() for x in tex.split("=")]
    return len(sides) == 2 and (any(len(x) == 1 and x in y for x, y in (sides, sides[::-1]))
                                or all(len(x) == 1 for x in sides) or bool(WORDS_ONLY.fullmatch(sides[1])))


def candidates(ctx: Context) -> list[Candidate]:
    out, seen = [], set()
    prev: Sentence | None = None
    for s in ctx.sentences:
        pos = 0
        relations = sum(x.kind in ("math", "math_display") and bool(RELATION.search(x.text)) for x in s.inlines)
        for i, x in enumerate(s.inlines):
            a, b = pos, pos + len(x.text)
            pos = b
            if x.kind not in ("math", "math_display"):
                continue
            tex = x.text.strip()
            if relations == 1 and RELATION.search(tex) and len(tex) >= 5 and shape(tex) not in seen and not worked(tex) and \
                    not SPELT_OUT.match(s.text[b:]) and not trivial(tex) and not EXAMPLE.search(s.text[:a]) and \
                    not FAMOUS.search(s.text[max(0, a - 30):a]) and not s.text[b:].lstrip().startswith("("):
                # '$P \rightarrow Q$ (If it rains, then Q is true)': the gloss after it reads it out
                cue = s
                if word_count(s.text[:a] + " " + s.text[b:]) < MIN_CUE and prev is not None:
                    cue, shift = _joined(prev, s)  # display math on its own: asked from what announces it
                    a, b = a + shift, b + shift
                before = cue.text[:a]
                if word_count(before + " " + cue.text[b:]) >= MIN_CUE and not _shown_alike(cue, x, shape(tex)) and \
                        not (EXAMPLE.search(before) and not NAMED.search(before)) and not READ_OUT.search(before) \
                        and not HANGS_ON.match(cue.text):  # 'For instance, if you have:', 'where [...] is the width'
                    seen.add(shape(tex))
                    out.append(Candidate("formula", tex, cue, [(a, b)], data={"display": x.kind}))
            # 'where $a$ is the length of one side'
            if s.text[:a].rstrip().lower().endswith(("where", "and", "with", ",")):
                m = SYMBOL_MEANING.match(s.text[b:])
                if m and 1 <= word_count(m.group("meaning")) <= 8 and commonness(m.group("meaning")) < 3.6:
                    start = b + m.start("meaning")
                    end = start + len(m.group("meaning").rstrip())
                    cue, shift = s, 0
                    if word_count(s.text) - word_count(m.group("meaning")) < MIN_CUE and prev is not None:
                        cue, shift = _joined(prev, s)  # 'where $a$ is …' after the formula it explains
                    out.append(Candidate("symbol", s.text[start:end], cue, [(start + shift, end + shift)],
                                         key=f"symbol | {tex}"))
        prev = s
    return out


def _shown_alike(cue: Sentence, math: Inline, form: str) -> bool:
    """The cue shows another formula of the same shape ('Fifth Harmonic: $E_{m5} = …$ Seventh Harmonic: […]')."""
    return any(y is not math and y.kind in ("math", "math_display") and shape(y.text.strip()) == form for y in cue.inlines)


def _joined(prev: Sentence, s: Sentence) -> tuple[Sentence, int]:
    """The sentence before and this one as one cue, and how far this one's offsets move."""
    joined = prev.inlines + (Inline("break", "\n"),) + s.inlines
    shift = len(plain(prev.inlines)) + 1
    return Sentence(s.block, joined, plain(joined), prev.label, None, s.role, s.heading, order=s.order), shift
