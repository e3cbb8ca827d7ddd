"""Sequences written as prose: stages named in order in one sentence ('the cell cycle runs from G1
through S and G2 to mitosis'), learnt like an ordered list, one step at a time (cards.Maker.sequence)."""

from __future__ import annotations

import re

from ..text import fold, word_count
from .base import Candidate, Context, ListInfo

_STAGE = r"[^\W\d_][\w'’-]*(?:\s+[\w'’-]+){0,2}?"
STAGES = re.compile(rf"\bfrom\s+(?:the\s+)?(?P<first>{_STAGE})\s+(?:through|via)\s+(?P<middle>{_STAGE}"
                    rf"(?:\s*(?:,|and|,\s*and|then)\s+(?:the\s+)?{_STAGE})*)\s+(?:to|into|until)\s+(?:the\s+)?"
                    rf"(?P<last>{_STAGE})\b", re.I)
"""'from A through B (, C | and C) to D': at least three stages, their order stated by the words between."""
LEAD_IN = re.compile(r"^\s*(?:in summary|in short|overall|in conclusion|thus|therefore|so|together)\s*,?\s*", re.I)
SPLIT = re.compile(r"\s*(?:,\s*and|,|and|then)\s+(?:the\s+)?", re.I)


def candidates(ctx: Context) -> list[Candidate]:
    out = []
    labels = {fold(t) for info in ctx.lists for _, t, _ in info.items}
    for s in ctx.sentences:
        m = STAGES.search(s.text)
        if not m:
            continue
        stages = [m.group("first")] + SPLIT.split(m.group("middle")) + [m.group("last")]
        stages = [x.strip() for x in stages if x.strip()]
        if len(stages) < 3 or len({fold(x) for x in stages}) < len(stages):
            continue
        if {fold(x) for x in stages} <= labels:
            continue  # the stages of a list of the document, said again: the list asks them
        name = LEAD_IN.sub("", s.text[:m.start()]).strip(" ,:;")
        if not 1 <= word_count(name) <= 8:
            name = s.heading
        info = ListInfo(key=f"prose | {fold(name)}", heading=name, ordered=True,
                        items=[(s.block, x, ()) for x in stages], sequence=True,
                        why="stages named in order in one sentence")
        out.append(Candidate("step", " ".join(stages), None, [], key=info.key, data={"list": info, "block": s.block}))
    return out
