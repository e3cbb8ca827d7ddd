"""Numbers with what they measure: quantities with units, percentages, ranges, years and centuries.
Never a list's own numbering, a 'Step 2' or a page, and never a number inside math or code."""

from __future__ import annotations

import re
from collections import Counter

from ..text import STOPWORDS, fold, zipf
from .base import EXAMPLE_BEFORE, Candidate, Context, Sentence, text_ranges

_N = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_W = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|"
      r"fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|half|a few|several)")
_COUNTED = r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|" \
           r"sixty|seventy|eighty|ninety|hundred|thousand|million|billion|" \
           r"one(?=[\s-]+(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|centur)))"
"""Number words a card may ask: 'one' only of a time ('within one year'), not 'one species', 'half', 'a
few' or 'several' ('part of several states'), which a reading found asked as numbers and judged trivial."""
_Q = r"(?:approximately|about|around|roughly|nearly|almost|over|under|below|above|within|up to|at least|at most|more than|" \
     r"less than|fewer than|between|only|just)\s+"
_MEASURE_WORDS = (r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|centuries|century|"
                  r"millennia|inches|inch|feet|foot|miles?|meters?|metres?|kilometers?|kilometres?|"
                  r"centimeters?|millimeters?|grams?|kilograms?|pounds?|liters?|litres?|degrees?|percent|"
                  r"percentage points?|times|fold)")
_UNIT_WORDS = (rf"(?:{_MEASURE_WORDS}|members?|people|cases|patients|species|countries|states|"
               r"votes|seats|atoms|ions|electrons|bonds|chromosomes|cells|molecules|copies|doses)")
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_CURRENCY = r"(?:[$€£₹¥]\s?|(?:USD|US\$|EUR|GBP|INR|Rs\.?)\s)"
DATE = re.compile(rf"\b{_MONTH}(?:\s+\d{{1,2}}(?:\s*[-–]\s*\d{{1,2}})?,?)?\s+(?:1[0-9]{{3}}|20[0-9]{{2}})\b")
NUMBER = re.compile(
    rf"(?<![\w.$\\\-–/^%·])(?:{_Q})?(?:"
    rf"(?P<decade>(?:1[0-9]{{2}}0|20[0-9]0)s(?:\s*(?:-|–|to|and)\s*(?:the\s+)?(?:1[0-9]{{2}}0|20[0-9]0)s)?)\b|"
    rf"(?P<cur>{_CURRENCY})?(?P<num>[-−]?{_N})(?P<to>\s*(?:-|–|to|and)\s*{_N})?(?:\s*(?P<pct>%)|(?P<ord>st|nd|rd|th)\b(?:\s+(?:and|to|-|–)\s+{_N}(?:st|nd|rd|th))?"
    rf"\s+(?:centur(?:y|ies)|millenni\w+)|-?\s*(?P<unit>°[CFK]?|[^\W\d_][\w²³⁺⁻/·−]*(?:\s+(?:crore|lakh|million|billion|trillion))?))?"
    rf"|(?P<word>{_COUNTED})(?:\s+(?:to|and|or)\s+{_W})?[\s-]+(?P<wunit>{_UNIT_WORDS})\b)",
    re.I)
YEAR = re.compile(r"^(1[0-9]{3}|20[0-9]{2})s?$")
YEAR_TO = re.compile(r"\s*(?:-|–|to|and)\s*(?:1[0-9]{3}|20[0-9]{2}|\d{2})")
"""The end of a span of years: '1884-1885', '2023-24', '2016 and 2018'."""
_DIGIT = re.compile(r"\d")
_LETTERS = re.compile(r"[^\W\d_]+")
NUMBER_WORDS = frozenset(re.findall(r"[a-z]+", _W)) - {"a"}  # "a few" holds "few"
"""_W's words: each match of NUMBER, DATE or RATIO holds a digit or one of them as a word of its own."""


def _may_hold_a_number(text: str) -> bool:
    return _DIGIT.search(text) is not None or not NUMBER_WORDS.isdisjoint(_LETTERS.findall(text.lower()))
NOT_A_QUANTITY = frozenset("step steps page pages p pp figure fig table chapter section item part no number "
                           "article rule stage phase level grade version vol question method test".split())
"""Words before a number that make it a label, not a quantity."""


MAGNITUDE = re.compile(r"(?:thousand|million|billion|trillion|crore|lakh(?: crore)?|k|m|bn)\b", re.I)
PER = re.compile(r"\s+(?:per|a|an|each)\s+[^\W\d_]+", re.I)


def _quoted(text: str, at: int) -> bool:
    before = text[:at]
    return (before.count('"') % 2 == 1 or before.count("“") > before.count("”"))


UNIT = re.compile(_UNIT_WORDS + r"$", re.I)


def _unit_ok(unit: str) -> bool:
    """What follows a number says what it counts: a unit we know, a symbol ('mV', 'cm²', 'Na⁺', 'kg'), or
    a rare plural noun ('agonists'), never a verb ('1 indicates') or a common word ('2050 due', '20 new')."""
    first = unit.split()[0]
    if fold(first) in STOPWORDS or len(first) > 15 or _DIGIT.search(first):
        return False  # '… M3J [3J6]': a code, not a figure with its unit
    if UNIT.match(first) or UNIT.match(unit) or MAGNITUDE.match(first) or any(c in first for c in "²³⁺⁻·/−"):
        return True
    if len(first) <= 4 and not _a_word(first):
        return True
    return first.endswith("s") and not first.endswith(("ates", "izes", "ises", "ies")) and zipf(first) < 4.0


def _a_word(short: str) -> bool:
    """A short lowercase word with a vowel that everyday English uses ('due', 'new', 'made', 'city'), not
    a unit's symbol ('mm', 'kg', 'nm', 'amps')."""
    return short.isalpha() and short.islower() and any(v in short for v in "aeiouy") and not short.endswith("s") \
        and zipf(short) >= 4.0


def candidates(ctx: Context) -> list[Candidate]:
    out, seen = [], set()
    for s in ctx.sentences:
        text = s.text
        if not _may_hold_a_number(text):
            continue  # most sentences: not worth NUMBER's search at every position
        if EXAMPLE.search(text) or EXAMPLE.search(s.heading) or EXAMPLE.search(s.label):
            continue  # the givens and results of a worked example are not facts of the subject
        plain_at = text_ranges(s)
        for m in list(DATE.finditer(text)) + list(NUMBER.finditer(text)):
            a, b = m.start(), m.end()
            if m.re is DATE:
                continue  # 'December 9-11, 2024', 'July 2012': the year is the fact, the day an arbitrary detail
            if m.group("word") and m.group("word").lower() in ("two", "three") and not TIME_OR_MEASURE.match(m.group("wunit")):
                continue  # 'when [two atoms] form a bond', 'in all [three countries]': a count anyone reads off the
                # sentence (judged trivial); 'nine states', 'four to six hours', 'six-year terms' are asked
            if m.group("decade") or m.group("ord") or (m.group("unit") or "").lower() in ("st", "nd", "rd", "th"):
                continue  # 'in the 1990s', 'during the late 19th century': a sentence's setting (judged vague 13 times in 18)
            if ARBITRARY.match(text, a) or _life_dates(text, a, b) or GLUED.match(text, m.end("num") if m.group("num") else b):
                continue
            if any(x <= a < y for x, y in taken(out, s)):
                continue
            if not any(x <= a and b <= y for x, y in plain_at):
                continue  # inside math or code
            before = text[:a].split()
            if before and fold(before[-1].strip("(,")) in NOT_A_QUANTITY:
                continue
            unit = None
            if m.group("num"):
                raw = m.group("num").replace(",", "")
                unit = m.group("unit")
                if m.group("cur"):
                    if not (unit and MAGNITUDE.match(unit)):
                        b = m.end("num")
                elif m.group("pct") or m.group("ord"):
                    pass
                elif unit:
                    figure_end = m.end("to") if YEAR_TO.fullmatch(m.group("to") or "") else m.end("num")  # '1884-1885 marked'
                    if not _unit_ok(unit) or (YEAR.match(raw) and not UNIT.match(unit)):
                        if YEAR.match(raw):  # '2030 aims', '1998 enforces': the year alone
                            b, unit = figure_end, None
                        elif fold(unit.split()[0]) in QUALIFIERS and (counted := QUALIFIED.match(text, m.end("unit"))):
                            b, unit = counted.end(), unit + counted.group()  # 'over 511,054 [new] cases'
                        else:
                            continue
                    elif len(unit.split()) == 2 and fold(unit.split()[1]) in STOPWORDS:
                        b = m.start("unit") + len(unit.split()[0])
                    if YEAR.match(raw) and unit and unit[:1].isupper():
                        b, unit = figure_end, None  # '1895 Alfred …': the year alone
                elif YEAR.match(raw) or (s.role == "table" and _whole_cell(text, a, b)):
                    pass  # a year, or a table's cell: its column says what it counts
                else:
                    continue  # a bare number: what does it count?
            per = PER.match(text, b)
            if per and m.group("num") and unit:
                b = per.end()
            if CONVERTED.match(text, b):
                continue  # '[408 feet] (124 meters)': the same figure stays in view in other units
            if TORN_AFTER.match(text, b):
                continue  # '[80-year]-old', '[3 Na]+ ions', '[50%]-80%': the number goes on past the match
            if RESTATED.search(text[max(0, a - 60):a]):
                continue  # '₹5 lakh (approximately $7,000)': the figure before it again, in other units
            if _quoted(text, a) or EXAMPLE_BEFORE.search(text[max(0, a - 12):a]):
                continue  # a number in an example or a title
            if s.role != "table" and (NUMBER_BEFORE.search(text[max(0, a - 30):a]) or NUMBER_AFTER.match(text, b)):
                continue  # '(e.g., 0.01%, 0.05%, and 0.1%)', '32-bit or 64-bit': one of several
            if RESULT.match(text):
                continue  # 'Thus, the net sales amount to $46,500': a worked result, its inputs elsewhere
            if PUBLISHED.search(text[max(0, a - 16):a]) or CITED.search(text[max(0, a - 80):a]) or \
                    (text[a - 1:a] == "(" and text[max(0, a - 3):a - 1].strip() in ('"', "”", "'")):
                continue  # 'published in 1928', '"Signification, Representation, Ideology" (1985)': a title's date
            if OPENING_DATE.fullmatch(text, s.label_span[1] if s.label_span else 0, a):
                continue  # 'Founded in [2012], Airtable …': the sentence's setting
            if m.group("pct") and re.search(r"\.\d\d", text[a:b]):
                continue  # '15.64%': the precision of one study, not a figure to learn
            answer = text[a:b].strip().rstrip(".,;:")
            span = (a, a + len(answer))
            if s.label_span and a < s.label_span[1]:
                continue  # 'Renewable Energy Policy 2023:': part of the item's name
            if fold(answer) in seen:
                continue
            seen.add(fold(answer))
            out.append(Candidate("number", answer, s, [span]))
        for m in RATIO.finditer(text):  # 'three sodium ions out for every two potassium ions in'
            if not any(x < m.end() and m.start() < y for x, y in taken(out, s)) and \
                    any(x <= m.start() and m.end() <= y for x, y in plain_at):
                out.append(Candidate("number", f"{m.group('a')} … {m.group('b')}", s,
                                     [m.span("a"), m.span("b")], key=f"ratio | {fold(m.group())}"))
    return _ranges_and_years(out)


_COUNT = rf"(?:\d+(?:\.\d+)?|{_W})"
RATIO = re.compile(rf"(?<![\w.])(?P<a>{_COUNT})\s+(?:[^\W\d_][\w⁺⁻+]*\s+){{0,3}}(?:out\s+|in\s+)?for every\s+(?P<b>{_COUNT})\b", re.I)
"""A ratio: both its figures hidden, the rest of the sentence their cue."""


RANGE_GAP = re.compile(rf"\s*(?:to|through|until|and|[-–])\s+(?:(?:{_MONTH})\s+|(?:over|under|about|around|approximately|nearly)\s+)?$",
                       re.I)
TO = re.compile(r"\s*(?:to|[-–])\s*")
"""What joins the two ends of a range that no 'from' opens ('0.1% to 0.5%', '18%–20%')."""
RANGE_START = re.compile(rf"(?:\bfrom|\bbetween)\s+(?:(?P<month>{_MONTH})\s+)?$", re.I)


def _ranges_and_years(found: list[Candidate]) -> list[Candidate]:
    """One card for 'from [70 GPa to over 200 GPa]', 'from [July 2012 to June 2015]' or 'an accuracy of
    [0.1% to 0.5%]' (two ends in one unit), not one per end;
    and no year where its sentence has a quantity: 'rose by 13% since 2000' asks the 13%, and the year
    is its cue."""
    out: list[Candidate] = []
    for c in found:
        last = out[-1] if out else None
        if last is not None and last.sentence is c.sentence:
            text, (a, b), (x, y) = c.sentence.text, last.spans[0], c.spans[0]
            start = RANGE_START.search(text[max(0, a - 25):a])
            gap = text[b:x] if b <= x else None
            if gap is not None and RANGE_GAP.fullmatch(gap) and \
                    (start or (TO.fullmatch(gap) and _unit(last.answer) == _unit(c.answer))):  # '[0.1% to 0.5%]'
                if start and start.group("month"):
                    a -= len(start.group("month")) + 1
                out[-1] = Candidate("number", text[a:y], c.sentence, [(a, y)])
                continue
        out.append(c)
    quantities = {id(c.sentence) for c in out if not _years(c.answer)}
    out = [c for c in out if not (_years(c.answer) and id(c.sentence) in quantities)]
    return _one_of_a_breakdown(out)


def _years(answer: str) -> bool:
    """'2022', '2023 and 2024', '1928-29': years and nothing else."""
    return bool(re.fullmatch(r"(?:1[0-9]{3}|20[0-9]{2})s?(?:\s*(?:-|–|to|and)\s*\d{2,4}s?)?", answer))


def _one_of_a_breakdown(found: list[Candidate]) -> list[Candidate]:
    """'65 GW from solar, 15 GW from wind and 10 GW from hydro': three figures in one unit break one total
    down, and cards for each interfere (the seventh reading called the second and third trivia); the
    first is asked. Table cells are the same: a few a table, the rest interfere."""
    first: dict = {}
    count: Counter = Counter()
    for c in found:
        where = (id(c.sentence), _unit(c.answer))
        first.setdefault(where, c)
        count[where] += 1
    out, cells = [], Counter()
    for c in found:
        s = c.sentence
        if s.role == "table":
            cells[s.block] += 1
            if cells[s.block] > TABLE_CELLS:
                continue
        where = (id(s), _unit(c.answer))
        if count[where] >= 3 and first[where] is not c:
            continue
        out.append(c)
    return out


def _unit(answer: str) -> str:
    """What a number counts, for telling a breakdown or a range: what is left of its last word without
    digits ('GW' of '65 GW', '%' of 'between 0.7%' and of '2%')."""
    return re.sub(r"[\d.,]+", "", answer.split()[-1]) if answer.strip() else ""


TABLE_CELLS = 8
"""Most cells of one table asked: near-identical values of one column interfere (0.61, 0.57, 0.60), said
one of three readers; the other two called such cells GOOD, and the gold deck asks every cell."""


QUALIFIERS = frozenset("new active total annual additional confirmed reported registered estimated".split())
QUALIFIED = re.compile(rf"\s+{_UNIT_WORDS}\b", re.I)
"""What a qualifier stands before ('511,054 new [cases]'): a unit of _UNIT_WORDS, after a word of QUALIFIERS."""
CONVERTED = re.compile(r"\s*\(\s*(?:approximately\s+|about\s+|~|≈\s*)?(?:[$€£₹]\s?\d|[\d.,]+\s*(?:[-–]\s*[\d.,]+\s*)?"
                       r"(?:m|meters?|metres?|km|kilomet\w+|cm|mm|ft|feet|inch(?:es)?|kg|kilograms?|lbs?|pounds?|°\s?[CF]|miles?)\b)")
"""A figure followed by the same one in other everyday units, in brackets ('[408 feet] (124 meters)'): the
other gives it away; '126 mg/dL (7 mmol/L)' asks a threshold a learner knows in one unit or the other."""
TIME_OR_MEASURE = re.compile(_MEASURE_WORDS + r"$", re.I)
"""The units a number written as a word ('four to six hours', 'approximately two inches') is asked with."""
TORN_AFTER = re.compile(r"[\w+⁺′″]|[-–]\w")
"""What may not follow a number's last character: more of the same word or figure."""
RESTATED = re.compile(r"\d[\w%]*\s+(?:[^\W\d_][\w-]*\s+){0,4}\($|\b(?:equivalent to|equal to|i\.e\.,?|that is,?)\s+$")
"""A figure in brackets a few words after another, or 'equivalent to' it: a conversion or a restatement
('2,400 hours of heat stress, equivalent to 100 days')."""
GLUED = re.compile(r"[⁺⁻+^$]|[-–]?\s?[A-Za-z]\b|\s?[·/]")
"""A number glued to what follows it ('Ca2+', 'x^2', 'COVID-19 …' read from the left): part of a name."""
EXAMPLE = re.compile(r"\b(?:example|(?:for instance|say),? if|problem|solution|scenario|suppose|imagine|given that|consider (?:a|an|two|three)|"
                     r"calculate|let us|we need to|find the)\b|\b(?:exercise|practice)\s*(?:\d|:)", re.I)
"""Where a number belongs to a worked example (the reader judged 5 of 6 such cards arbitrary)."""
NUMBER_BEFORE = re.compile(r"\d[\w%.-]*\s*(?:,|,?\s*(?:and|or))\s*$")
NUMBER_AFTER = re.compile(r"\s*(?:,|,?\s*(?:and|or))\s*(?:[$€£₹]\s?)?\d")
"""A number beside another with nothing between but a comma or 'and'/'or': a member of a set of values,
any of which fits; a number with its own words ('65 GW from solar, 15 GW from wind') is not one."""
PUBLISHED = re.compile(r"\b(?:published|released|printed|issued)\s+(?:in\s+)?$", re.I)
OPENING_DATE = re.compile(r"[\s:–—-]*(?:founded|born|launched|aired|premiered)\s+(?:in\s+|around\s+)?",
                          re.I)
"""A sentence that opens with a date as its setting ('Founded in 2012, Airtable …', 'Born in 1850, Chopin
…', 'Launched in 2014, the Fire Phone …'): a held-out reading judged such years trivia ('the Plymouth
Colony, founded in 1620' is asked)."""
CITED = re.compile(r"(?:\bet al\.?,?\s*|\b[A-Z][\w'’-]+\s+\(|\([A-Z][^()]{0,60}?,\s*|(?:[A-Z][a-z]+\s+){1,5}(?:Scheme|Policy|Act|Plan|Programme|"
                   r"Program|Strategy|Mission|Initiative|Report|Vision|Agenda|Declaration|Convention|Rules|Regulations),?\s*)$")
"""A citation's year ('(Kozlowski et al., 2016)', 'Minuchin (1974)', a title's 'The Grand Tour (1749)')
or the year of a named scheme ('the Rajasthan Investment Promotion Scheme, 2024', 'the Road Traffic Act
1998'): part of a reference or a name, not a date to learn ('the Sugar Act of 1764' is a date)."""
RESULT = re.compile(r"\s*(?:thus|therefore|hence|so|this gives|we get)\b", re.I)
ARBITRARY = re.compile(r"\d{3}[-. ]\d{3,4}(?:[-. ]\d{2,4})?\b|\d+(?:[-./]\d+){2,}")
"""Phone numbers, codes and full dates: digits nobody should learn."""


def _life_dates(text: str, a: int, b: int) -> bool:
    """'(1932-2014)' after a name: a person's dates, not what the document teaches."""
    return text[max(0, a - 1):a] == "(" and text[b:b + 1] == ")" and bool(re.fullmatch(r"\d{4}\s*[-–]\s*\d{4}", text[a:b]))


def _whole_cell(text: str, a: int, b: int) -> bool:
    """The number is all its table cell holds (the text after the last '; name: ')."""
    cell = text.rsplit(": ", 1)[-1]
    return text.endswith(cell) and cell.strip() and text[a:].strip() == cell.strip() or \
        bool(RANGE_CELL.fullmatch(cell.strip()))


RANGE_CELL = re.compile(r"\d+(?:\.\d+)?\s*[-–]\s*\d+(?:\.\d+)?")


def taken(found: list[Candidate], s: Sentence) -> list[tuple[int, int]]:
    return [c.spans[0] for c in found if c.sentence is s]
