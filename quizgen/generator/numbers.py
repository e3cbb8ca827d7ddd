"""Numbers with what they measure: quantities with units, percentages, ranges, years and centuries.
Never a list's own numbering, a 'Step 2' or a page, and never a number inside math or code."""

from __future__ import annotations

import re

from ..text import STOPWORDS, fold
from .base import Candidate, Context, Sentence

_N = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_W = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|"
      r"fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|half|a few|several)")
_Q = r"(?:approximately|about|around|roughly|nearly|almost|over|under|below|above|within|up to|at least|at most|more than|" \
     r"less than|fewer than|between|only|just)\s+"
_UNIT_WORDS = (r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|centuries|century|"
               r"millennia|inches|inch|feet|foot|miles?|meters?|metres?|kilometers?|kilometres?|"
               r"centimeters?|millimeters?|grams?|kilograms?|pounds?|liters?|litres?|degrees?|percent|"
               r"percentage points?|times|fold|members?|people|cases|patients|species|countries|states|"
               r"votes|seats|atoms|ions|electrons|bonds|chromosomes|cells|molecules|copies|doses)")
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_CURRENCY = r"(?:[$€£₹¥]\s?|(?:USD|US\$|EUR|GBP|INR|Rs\.?)\s)"
DATE = re.compile(rf"\b{_MONTH}(?:\s+\d{{1,2}}(?:\s*[-–]\s*\d{{1,2}})?,?)?\s+(?:1[0-9]{{3}}|20[0-9]{{2}})\b")
NUMBER = re.compile(
    rf"(?<![\w.$\\])(?:{_Q})?(?:"
    rf"(?P<cur>{_CURRENCY})?(?P<num>{_N})(?:\s*(?:-|–|to|and)\s*{_N})?(?:\s*(?P<pct>%)|(?P<ord>st|nd|rd|th)\b(?:\s+(?:and|to|-|–)\s+{_N}(?:st|nd|rd|th))?"
    rf"\s+(?:centur(?:y|ies)|millenni\w+)|-?\s*(?P<unit>[^\W\d_][\w²³⁺⁻/·]*(?:\s+[^\W\d_][\w²³⁺⁻]*)?))?"
    rf"|(?P<word>{_W})(?:\s+(?:to|and|or)\s+{_W})?[\s-]+(?P<wunit>{_UNIT_WORDS})\b)",
    re.I)
YEAR = re.compile(r"^(1[0-9]{3}|20[0-9]{2})s?$")
NOT_A_QUANTITY = frozenset("step steps page pages p pp figure fig table chapter section item part no number "
                           "article rule stage phase level grade version vol question".split())
"""Words before a number that make it a label, not a quantity."""


MAGNITUDE = re.compile(r"(?:thousand|million|billion|trillion|crore|lakh(?: crore)?|k|m|bn)\b", re.I)
PER = re.compile(r"\s+(?:per|a|an|each)\s+[^\W\d_]+", re.I)


def _quoted(text: str, at: int) -> bool:
    before = text[:at]
    return (before.count('"') % 2 == 1 or before.count("“") > before.count("”"))


def _unit_ok(unit: str) -> bool:
    first = unit.split()[0]
    return fold(first) not in STOPWORDS and len(first) <= 15


def candidates(ctx: Context) -> list[Candidate]:
    out, seen = [], set()
    for s in ctx.sentences:
        text = s.text
        plain_at = _text_ranges(s)
        for m in list(DATE.finditer(text)) + list(NUMBER.finditer(text)):
            a, b = m.start(), m.end()
            if m.re is DATE:
                if not _quoted(text, a) and any(x <= a and b <= y for x, y in plain_at) and fold(m.group()) not in seen:
                    seen.add(fold(m.group()))
                    out.append(Candidate("number", m.group(), 0.0, s, [(a, b)]))
                continue
            if any(x <= a < y for x, y in taken(out, s)):
                continue
            if not any(x <= a and b <= y for x, y in plain_at):
                continue  # inside math or code
            before = text[:a].split()
            if before and fold(before[-1].strip("(,")) in NOT_A_QUANTITY:
                continue
            if m.group("num"):
                raw = m.group("num").replace(",", "")
                unit = m.group("unit")
                if m.group("cur"):
                    if not (unit and MAGNITUDE.match(unit)):
                        b = m.end("num")
                elif m.group("pct") or m.group("ord"):
                    pass
                elif unit:
                    if not _unit_ok(unit):
                        if YEAR.match(raw):
                            b = m.end("num")
                        else:
                            continue
                    elif len(unit.split()) == 2 and fold(unit.split()[1]) in STOPWORDS:
                        b = m.start("unit") + len(unit.split()[0])
                    if YEAR.match(raw) and unit and unit[:1].isupper():
                        b = m.end("num")  # '1895 Alfred …': the year alone
                elif YEAR.match(raw) or (s.role == "table" and _whole_cell(text, a, b)):
                    pass  # a year, or a table's cell: its column says what it counts
                else:
                    continue  # a bare number: what does it count?
            per = PER.match(text, b)
            if per and m.group("num") and m.group("unit"):
                b = per.end()
            if _quoted(text, a):
                continue  # a number in an example or a title
            answer = text[a:b].strip().rstrip(".,;:")
            span = (a, a + len(answer))
            if fold(answer) in seen:
                continue
            seen.add(fold(answer))
            out.append(Candidate("number", answer, 0.0, s, [span]))
    return out


def _whole_cell(text: str, a: int, b: int) -> bool:
    """The number is all its table cell holds (the text after the last '; name: ')."""
    cell = text.rsplit(": ", 1)[-1]
    return text.endswith(cell) and cell.strip() and text[a:].strip() == cell.strip() or \
        bool(RANGE_CELL.fullmatch(cell.strip()))


RANGE_CELL = re.compile(r"\d+(?:\.\d+)?\s*[-–]\s*\d+(?:\.\d+)?")


def taken(found: list[Candidate], s: Sentence) -> list[tuple[int, int]]:
    return [c.spans[0] for c in found if c.sentence is s]


def _text_ranges(s: Sentence) -> list[tuple[int, int]]:
    """Where the sentence's plain text runs stand (a number inside math or code is not asked)."""
    out, pos = [], 0
    for x in s.inlines:
        if x.kind == "text":
            if out and out[-1][1] == pos:
                out[-1] = (out[-1][0], pos + len(x.text))
            else:
                out.append((pos, pos + len(x.text)))
        pos += len(x.text)
    return out
