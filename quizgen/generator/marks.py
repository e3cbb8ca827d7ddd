"""The author's own clozes: text a note highlights (`==like this==`, the Obsidian and Typora convention)
is what its author wants to recall, so each highlight is a cloze of its sentence, ahead of anything the
other modules would choose."""

from __future__ import annotations

from ..text import is_trivial
from .base import Candidate, Context


def candidates(ctx: Context) -> list[Candidate]:
    out, seen = [], set()
    for s in ctx.sentences:
        pos, start = 0, None
        for x in s.inlines + (None,):
            marked = x is not None and getattr(x, "mark", False)
            if marked and start is None:
                start = pos
            elif not marked and start is not None:
                raw = s.text[start:pos]
                a = start + len(raw) - len(raw.lstrip())
                b = start + len(raw.rstrip())
                answer = s.text[a:b]
                if answer and not is_trivial(answer) and answer.casefold() not in seen:
                    seen.add(answer.casefold())
                    out.append(Candidate("mark", answer, s, [(a, b)]))
                start = None
            if x is not None:
                pos += len(x.text)
    return out
