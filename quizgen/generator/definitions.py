"""Definitions: 'X is a …', 'X refers to …', 'X, also known as Y', 'is called Y', and abbreviations
spelt out ('the neuromuscular junction (NMJ)'), each asked in the direction that has one answer."""

from __future__ import annotations

import re

from ..text import STOPWORDS, commonness, content_stems, fold, is_content, word_count, words, zipf
from .base import MAX_ANSWER, Candidate, Context

_TERM = r"(?P<term>(?:the |an? )?[^\W\d_][\w\-'’ ]{1,60}?)"
IS_A = re.compile(rf"^{_TERM}(?:\s*\([^)]{{1,40}}\))?,?\s+(?:is|are)\s+(?:(?:often|commonly|generally|typically|also)\s+)?"
                  r"(?:defined as |described as )?(?P<def>(?:a|an|the)\s.{12,})", re.I)
REFERS = re.compile(rf"^{_TERM}(?:\s*\([^)]{{1,40}}\))?,?\s+(?:refers? to|(?:is|are) defined as|means|denotes|"
                    r"describes?)\s+(?P<def>.{12,})", re.I)
NAMED = re.compile(r"\b(?:also|otherwise|commonly|sometimes|often)?\s*(?:known|called|referred to|termed|dubbed)\s+as\s+"
                   r"(?P<name>(?:the |an? )?[^,;:.()]{2,60})|\b(?:is|are) (?:called|termed|named) "
                   r"(?P<name2>(?:the |an? )?[^,;:.()]{2,60})", re.I)
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
            if _term_ok(m.group("term")) and _names_a_thing(m.group("term"), ctx):
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
        for m in NAMED.finditer(text):
            group = "name" if m.group("name") else "name2"
            name = m.group(group)
            name = _trim(name)
            if name and _term_ok(name):
                a = m.start(group) + (len(m.group(group)) - len(m.group(group).lstrip()))
                a += len(name) - len(name)  # trimmed from the right only
                lead = len(m.group(group).lstrip()) - len(_unarticled(m.group(group).lstrip()))
                span = (a + lead, a + len(name))
                out.append(Candidate("definition", text[span[0]:span[1]], s, [span]))
        for m in ABBREVIATION.finditer(text):
            expansion = _expansion(text[:m.start()], m.group("abbr"))
            if expansion:  # hidden with its parenthesis: the letters would spell the answer out
                a, b = expansion
                out.append(Candidate("abbreviation", text[a:b], s, [(a, m.end())],
                                     key=f"abbr | {m.group('abbr')}", data={"abbr": m.group("abbr")}))
    return out


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
                        r"key|important|crucial|essential|significant|powerful|serious|growing|pressing|complex)\b", re.I)
"""'Climate change is a global challenge that …': a judgement of X, not what X is (the fifth reading
called such 'definitions' of the topic trivial or given away)."""


RARE = 3.5
"""What 'X is' says X is must hold a word rarer than this, or it is a paraphrase ('methods and rituals')."""


def _complement(text: str, start: int) -> tuple[int, int] | None:
    """What 'X is' says X is, up to the end of its clause: a name of a few words, or nothing."""
    m = COMPLEMENT_END.search(text, start)
    end = m.start() if m else len(text.rstrip())
    phrase = DANGLING.sub("", text[start:end].rstrip())  # 'the methods and rituals [through] which ...'
    lead = len(phrase) - len(_unarticled(phrase))
    phrase = phrase[lead:]
    if not 1 <= word_count(phrase) <= MAX_ANSWER or commonness(phrase) >= 4.3 or not content_stems(phrase):
        return None
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
