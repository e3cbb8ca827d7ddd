"""Definitions: 'X is a …', 'X refers to …', 'X, also known as Y', 'is called Y', and abbreviations
spelt out ('the neuromuscular junction (NMJ)'), each asked in the direction that has one answer."""

from __future__ import annotations

import re

from ..text import LINKING, STOPWORDS, commonness, content_stems, fold, is_abbreviation, is_content, word_count, words, zipf
from .base import EXAMPLE_BEFORE, MAX_ANSWER, Candidate, Context, in_enumeration

_TERM = r"(?P<term>(?:the |an? )?[^\W\d_][\w\-'’ ]{1,60}?)"
IS_A = re.compile(rf"^{_TERM}(?:\s*\([^)]{{1,40}}\))?,?\s+(?:is|are)\s+(?:(?:often|commonly|generally|typically|also)\s+)?"
                  r"(?:defined as |described as )?(?P<def>(?:a|an|the)\s.{12,})", re.I)
REFERS = re.compile(rf"^{_TERM}(?:\s*\([^)]{{1,40}}\))?,?\s+(?:refers? to|(?:is|are) defined as|means(?=\s+(?:that|to|a|an|the)\b)|denotes|"
                    r"describes?)\s+(?P<def>.{12,})", re.I)
NAMED = re.compile(r"\b(?:also|otherwise|commonly|sometimes|often)?\s*(?:known|called|referred to|termed|dubbed)\s+as\s+"
                   r"(?P<name>(?:the |an? )?[^,;:.()]{2,60})|\b(?:is|are) (?:called|termed|named) "
                   r"(?P<name2>(?:the |an? )?[^,;:.()]{2,60})", re.I)
NAMING = ("known", "called", "referred", "termed", "dubbed", "named")
"""Words one of which NAMED's every match holds: a sentence with none is not searched."""
ABBREVIATION = re.compile(r"\((?P<abbr>[A-Z][A-Za-z0-9&\-]{1,9}?)s?\)")


def candidates(ctx: Context) -> list[Candidate]:
    out = []
    for s in ctx.sentences:
        text = s.text
        start = s.label_span[1] if s.label_span else 0
        body = text[start:].lstrip(" :–—-")
        offset = len(text) - len(body)
        for pattern in (IS_A, REFERS):
            m = pattern.match(body)
            if not m or word_count(m.group("def")) < 4:
                continue
            if EVALUATIVE.match(m.group("def")):
                break
            if _term_ok(m.group("term")) and _names_a_thing(m.group("term"), ctx) \
                    and not _spelt_out(text, _unarticled(m.group("term")).strip()):
                term = m.group("term")
                a = offset + m.start("term")
                lead = len(term) - len(_unarticled(term))
                out.append(Candidate("definition", _unarticled(term).strip(), s,
                                     [(a + lead, a + len(term.rstrip()))]))
            elif not any(x.kind == "math" for x in s.inlines):  # 'The primary measurement is [the frequency …]'
                span = _complement(body, m.start("def"))
                if span:
                    a, b = offset + span[0], offset + span[1]
                    out.append(Candidate("definition", text[a:b], s, [(a, b)]))
            break
        low = text.lower()
        for m in (NAMED.finditer(text) if any(w in low for w in NAMING) else ()):
            group = "name" if m.group("name") else "name2"
            raw = m.group(group)
            a = m.start(group) + len(raw) - len(raw.lstrip())
            body = raw.lstrip()
            a += len(body) - len(_unarticled(body))
            name = _trim(_unarticled(body))
            a += len(name) - len(name.lstrip(QUOTES))  # 'known as the "kinetic isotope effect"'
            name = name.strip(QUOTES)
            if name and _term_ok(name) and not any(q in name for q in "\"“”‘’") and "' " not in name:
                span = (a, a + len(name))
                out.append(Candidate("definition", text[span[0]:span[1]], s, [span]))
        out.extend(_more_definitions(ctx, s, start, low))
        for m in (ABBREVIATION.finditer(text) if "(" in text else ()):
            expansion = _expansion(text[:m.start()], m.group("abbr"))
            if expansion:  # hidden with its parenthesis: the letters would spell the answer out
                a, b = expansion
                out.append(Candidate("abbreviation", text[a:b], s, [(a, m.end())],
                                     key=f"abbr | {m.group('abbr')}", data={"abbr": m.group("abbr")}))
    return out


WHICH_IS = re.compile(r",\s+which\s+(?:is\s+(?:a|an|the)\s+|are\s+(?:(?:a|an|the)\s+)?(?!\w+(?:ed|ly)\b))(?=\w)")
"""'The movement of dislocations, which are defects in the crystal structure …': the words before it
name a term the clause defines."""
CONSISTS = re.compile(r"\b(?:consists? of|(?:is|are) (?:composed|made up) of|comprises?)\s+", re.I)
"""'The CNS is composed of [the brain and spinal cord]': what a thing is made of."""
NAMED_AFTER = re.compile(r"\s\((?P<name>[^\W\d_][\w\-’' ]{2,40})\)")
"""'hard-coded values ([magic numbers])': a description, then the name it goes by."""
NOT_A_NAME = re.compile(r"^(?:e\.?g|i\.?e|see|or|and|also|such|like|including|for|in|the|a|an|typically|usually|often|"
                        r"mainly|mostly|about|approximately|roughly|denoted|abbreviated|called|known)\b|"
                        r"\s(?:or|is|are|was|were|et al)\b|\b1[5-9]\d\d\b|\b20\d\d\b|^[A-Z]\w+ and [A-Z]", re.I)
"""Brackets that hold no name: an example, a hedge, a choice ('clockwise or counterclockwise'), a clause
('It is raining'), a citation ('Yannier and Koedinger', '2008')."""


def _more_definitions(ctx: Context, s, start: int, low: str) -> list[Candidate]:
    """Definitions written inside a sentence rather than at its start (`low`: its text lowercased)."""
    text, out = s.text, []
    for m in (WHICH_IS.finditer(text, start) if "which" in low else ()):
        term = _term_before(text, m.start(), start)
        if term and commonness(text[term[0]:term[1]]) < NAMED_RARE and not in_enumeration(text, *term) \
                and not EXAMPLE_BEFORE.search(text[max(0, term[0] - 20):term[0]]) \
                and not EVALUATIVE.match("a " + _unarticled(text[m.end():])):  # '…, which is [essential] for …'
            out.append(Candidate("definition", text[term[0]:term[1]], s, [term], data={"aside": True}))
    m = CONSISTS.search(text, start) if any(w in low for w in ("consist", "compos", "compris", "made up")) else None
    if m and word_count(text[start:m.start()]) <= 6:  # the subject is a short name, not a clause
        span = _parts(text, m.end())
        if span:
            out.append(Candidate("definition", text[span[0]:span[1]], s, [span], data={"aside": True}))
    names = list(NAMED_AFTER.finditer(text, start)) if "(" in text else []
    for m in names:
        name = m.group("name").strip()
        plainer = _term_before(text, m.start(), start)
        described = text[plainer[0]:plainer[1]] if plainer else ""
        if (1 <= word_count(name) <= 4 and not NOT_A_NAME.search(name) and not is_abbreviation(name)
                and not name[:1].isupper() and plainer is not None and _the_rarer(name, described)
                and not is_abbreviation(words(described)[-1][2])  # 'ATP (adenosine triphosphate)': its expansion
                and not _shortens(name, text[:plainer[1]])
                and not any(_paired(name, other.group("name"), len(names) == 2) for other in names if other is not m)):
            a = m.start("name")
            out.append(Candidate("definition", name, s, [(a, a + len(name))], data={"aside": True}))
    return out


NAMED_RARE = 3.5
"""A term named inside a sentence ('…, which are …', '(…)') must be rarer than this: 'lacteals',
'decussation', 'pedicels'; not 'hormones', 'voltage', 'neurons' (a reading judged those trivial)."""


def _spelt_out(text: str, term: str) -> bool:
    """'Outbreak Management Division (OMD): The OMD is …': the abbreviation's words stand beside it."""
    at = text.find(f"({term}")
    return is_abbreviation(term) and at > 0 and _expansion(text[:at], term) is not None


def _shortens(name: str, before: str) -> bool:
    """'operational amplifiers (op-amps)', 'collaborative robots (cobots)', 'glucose transporters (GLUT
    proteins)': the name is made of the letters of the words before it, so they spell it out; and a
    unit's symbol ('cubic centimeters (cm³)') is the words before it written short."""
    if any(c in name for c in "²³°µ/") or len(name) <= 3:
        return True
    letters = "".join(c for c in name.split()[0] if c.isalnum())
    return len(letters) <= 8 and _expansion(before, letters) is not None


def _the_rarer(name: str, described: str) -> bool:
    """'foot-like processes (pedicels)': the name in brackets is the term and the words before it its
    plain description, so it is asked; 'tympanic membrane (eardrum)' or 'egg cell (ovum)' glosses a
    term with a plainer or an equal word, and hiding the gloss asks the everyday word or a synonym."""
    return commonness(name) < NAMED_RARE and commonness(name) <= commonness(described) - 0.3


def _paired(name: str, other: str, two: bool) -> bool:
    """'identical subunits (homomeric) or different subunits (heteromeric)', 'id (…), ego (…) and
    superego (…)': each names the other, when one ends as the other does in a sentence of two."""
    a, b = fold(name), fold(other)
    return a.endswith(b) or b.endswith(a) or (two and len(a) >= 5 and len(b) >= 5 and a[-3:] == b[-3:])


def _term_before(text: str, end: int, start: int) -> tuple[int, int] | None:
    """The words just before `end` that can be a name: up to three, none of them a stopword or a
    linking word ('lymphatic vessels called lacteals')."""
    picked = []
    for a, b, w in reversed(words(text[start:end])):
        if fold(w) in STOPWORDS or fold(w) in LINKING or len(picked) == 3 or not w[:1].isalpha() \
                or (picked and b != picked[-1][0] - start - 1):
            break
        picked.append((start + a, start + b))
    if not picked or picked[0][1] != end or text[picked[-1][0]:picked[-1][1]].endswith("ing"):
        return None  # '…, [yielding ATP], which is …': a participle, not a name
    if len(picked) > 1 and zipf(text[picked[-1][0]:picked[-1][1]]) >= 4.5:
        picked.pop()  # 'contain [numerous] synapses, which are …': the name is 'synapses'
    return picked[-1][0], picked[0][1]


def _parts(text: str, start: int) -> tuple[int, int] | None:
    """What something is made of, up to the end of its clause, in at most MAX_ANSWER words."""
    m = COMPLEMENT_END.search(text, start)
    end = m.start() if m else len(text.rstrip())
    phrase = text[start:end].rstrip()
    if not 1 <= word_count(phrase) <= MAX_ANSWER or not content_stems(phrase) or commonness(phrase) >= 4.3 \
            or text[end:end + 1] == ",":
        return None  # '… composed of [deoxyribose sugar], a nitrogenous base …': one part of several
    return start, start + len(phrase)


def _names_a_thing(term: str, ctx: Context) -> bool:
    """'Molecular chaperones are …' defines; 'The primary cause of X is …' does not: the subject must be
    a term the document marks (bold, keyword, the topic) or a rare one, in a few words."""
    t = fold(_unarticled(term.strip()))
    if word_count(t) > 4:
        return False
    marked = {fold(x) for x in ctx.doc.bold_terms} | {fold(x) for x in ctx.doc.keywords}
    return t in marked or commonness(t) < 3.8


COMPLEMENT_END = re.compile(r"[,;:.!?()—–]|\s(?:which|that|who|where|when|because|while|whereas|as well as)\s")


DANGLING = re.compile(r"\s+(?:through|by|in|of|with|for|to|on|at|from|under|into|upon)$", re.I)
EVALUATIVE = re.compile(r"^(?:a|an|the)\s+(?:(?:very|most|more|truly)\s+)?(?:critical|major|global|primary|main|common|"
                        r"key|important|crucial|essential|significant|powerful|serious|growing|pressing|complex|multifaceted|dynamic|"
                        r"comprehensive|holistic|innovative|cornerstone|vital|fundamental)\b", re.I)
"""'Climate change is a global challenge that …': a judgement of X, not what X is (the fifth reading
called such 'definitions' of the topic trivial or given away)."""


QUOTES = "\"“”'‘’"

RARE = 3.5
"""What 'X is' says X is must hold a word rarer than this, or it is a paraphrase ('methods and rituals')."""


def _complement(text: str, start: int) -> tuple[int, int] | None:
    """What 'X is' says X is, up to the end of its clause: a name of a few words, or nothing."""
    m = COMPLEMENT_END.search(text, start)
    end = m.start() if m else len(text.rstrip())
    phrase = DANGLING.sub("", text[start:end].rstrip())  # 'the methods and rituals [through] which ...'
    lead = len(phrase) - len(_unarticled(phrase))
    phrase = phrase[lead:]
    if not 1 <= word_count(phrase) <= MAX_ANSWER or commonness(phrase) >= 4.3 or not content_stems(phrase) \
            or fold(words(phrase)[0][2]) in STOPWORDS:
        return None  # '… describe [how conjunctions] (AND) …': a clause, not a name
    if min(zipf(w) for _, _, w in words(phrase)) >= RARE:
        return None  # 'These are the [methods and rituals] through which …': no term in it
    return start + lead, start + lead + len(phrase)


def _unarticled(term: str) -> str:
    for article in ("the ", "a ", "an ", "The ", "A ", "An "):
        if term.startswith(article):
            return term[len(article):]
    return term


def _trim(name: str) -> str:
    """A name ends where its clause does: before 'which', 'that', 'and is', a verb of the sentence."""
    cut = re.split(r"\s+(?:which|that|who|where|because|and is|and are|is|are|was|were|has|have|in which)\b", name)[0]
    return cut.strip()


def _term_ok(term: str) -> bool:
    t = _unarticled(term.strip())
    n = word_count(t)
    if not 1 <= n <= min(MAX_ANSWER, 6) or not content_stems(t):
        return False
    first = words(t)[0][2]
    return fold(first) not in STOPWORDS and fold(first) not in ("it", "this", "these", "they")


def _expansion(before: str, abbr: str) -> tuple[int, int] | None:
    """Where the words before '(ABBR)' spell it out, by Schwartz and Hearst's algorithm (2003): every
    letter of the abbreviation, from the last, is found in the words before it, the first at the start of
    a word, within min(|ABBR| + 5, 2 |ABBR|) words."""
    letters = [c for c in abbr if c.isalnum()]
    if len(letters) < 2 or not before.rstrip():
        return None
    text = before.rstrip()
    ws = words(text)
    limit = min(len(letters) + 5, 2 * len(letters))
    window_start = ws[-limit][0] if len(ws) > limit else (ws[0][0] if ws else 0)
    long = text[window_start:]
    s, pos = len(abbr) - 1, len(long) - 1
    while s >= 0:
        c = abbr[s].lower()
        if not c.isalnum():
            s -= 1
            continue
        while pos >= 0 and (long[pos].lower() != c or (s == 0 and pos > 0 and long[pos - 1].isalnum())):
            pos -= 1
        if pos < 0:
            return None
        pos -= 1
        s -= 1
    start = window_start + pos + 1
    first = words(text[start:])
    if not first or not is_content(first[0][2]):
        return None
    return start, len(text)
