"""Code the author marks in running text: 'Use the `ipv6 route` command to define the static route',
'declare it with the `final` keyword'. A name a sentence says the kind of (a command, a keyword, a
method, a type) is what a programmer looks up and an exam asks; a variable of an example is not."""

from __future__ import annotations

import re

from ..text import content_stems
from .base import EXAMPLE_BEFORE, Candidate, Context
from .cards import related
from .numbers import EXAMPLE

KIND = (r"(?:command|keyword|class|method|function|module|operator|directive|statement|library|package|"
        r"flag|option|attribute|property|decorator|macro|header|tag|element|protocol|type|exception|constructor)s?")
NAMED_AFTER = re.compile(rf"^\s*{KIND}\b", re.I)
"""'the [ttk.Frame] class', 'the [ipv6 unicast-routing] command'"""
NAMED_BEFORE = re.compile(rf"\b(?:{KIND}|(?:return\s+)?type\s+of|keyword|command)\s*$", re.I)
"""'the return type of [void]', 'the keyword [template]'"""


ANALOGY = re.compile(r"\b(?:similar to|analogous to|just as|much as)\b(?:\s+\w+){0,3}\s*$", re.I)
"""'similar to how `<div>` elements are used in web development': another field's name, for comparison."""

DEFINES = r"\b(?:def|function|func|fn|sub|void|int|long|float|double|char|bool|boolean|string|auto|class|struct|interface)\s+"


def _defined(name: str, ctx: Context) -> bool:
    """A name the document's own code defines ('int square(int num)'): its example's, not the language's."""
    pattern = re.compile(DEFINES + re.escape(name.rstrip("()")) + r"\s*[({:]")
    return any(b.kind == "code" and pattern.search(b.code) for b in ctx.doc.blocks)


def candidates(ctx: Context) -> list[Candidate]:
    out, seen = [], set()
    for s in ctx.sentences:
        codes = [(n, x) for n, x in enumerate(s.inlines) if x.kind == "code"]
        if len(codes) != 1 or EXAMPLE.search(s.text) or EXAMPLE.search(s.label) or EXAMPLE.search(s.heading):
            continue  # several names are a set of them; an example's names are its own
        n, code = codes[0]
        a = sum(len(x.text) for x in s.inlines[:n])
        b = a + len(code.text)
        name = code.text.strip()
        if len(name) < 3 or name in seen or (s.label_span and a < s.label_span[1]):
            continue
        before, after = s.text[:a], s.text[b:]
        if EXAMPLE_BEFORE.search(before[-20:]) or ANALOGY.search(before[-40:]) or \
                not (NAMED_AFTER.match(after) or NAMED_BEFORE.search(before)):
            continue
        if related(content_stems(name), ctx.question_stems, siblings=False) or _defined(name, ctx):
            continue
        seen.add(name)
        out.append(Candidate("code", name, s, [(a + len(code.text) - len(code.text.lstrip()), a + len(code.text.rstrip()))]))
    return out
