"""Writer of card HTML: Blocks and Inlines -> a small, safe subset of HTML.

Every character of source text is escaped here and nowhere else. The only tags that can appear are the
ones written below (p, b, i, code, pre, a, br, ul, ol, li, h4, table, tr, th, td, div, span, and img for
the media files a build packs, by the name it gave them), links only to http(s)/mailto, and source text that looks like Anki syntax ({{c1::...}}, {{Front}}, [sound:...],
[latex]...) stays literal because braces and brackets leave as entities. Anki matches its syntax in the
raw field; MathJax, though, reads the text after entities are decoded, so a '\\(' or '\\[' in source
text gets an invisible WORD JOINER after its backslash, and math that would make links or markup
(\\href, \\style, ...) is shown as code instead of being typeset.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from .model import Block, Inline

Span = tuple[int, int]


WORD_JOINER = "\u2060"
"""Invisible, and enough to stop MathJax reading a '\\(' or '\\[' in source text as the start of math."""

_MATH_OPENER = re.compile(r"\\(?=[(\[])")
_UNSAFE_TEX = re.compile(r"\\(?:href|url|style|class|cssId|require|data|mmlToken|html\w*)(?![A-Za-z])")
"""MathJax commands that make links, classes, styles or load extensions: never typeset from a source."""


def escape_code(text: str) -> str:
    """HTML-escape text shown as code (MathJax never reads code) and defuse Anki's syntax.

    One replace() for each character that is there, '&' first: ten times quicker than str.translate,
    which takes a slow path when one character becomes several (0.2 us a text run against 2)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "'" in text:
        text = text.replace("'", "&#x27;")
    if "{" in text:
        text = text.replace("{", "&#123;")
    if "}" in text:
        text = text.replace("}", "&#125;")
    if "[" in text:
        text = text.replace("[", "&#91;")
    if "::" in text:
        text = text.replace("::", ":&#58;")
    return text


def escape(text: str) -> str:
    """HTML-escape source text and defuse Anki's template, cloze and media syntax and MathJax's delimiters."""
    if "\\" in text:
        text = _MATH_OPENER.sub("\\\\" + WORD_JOINER, text)
    return escape_code(text)


def math(tex: str, display: bool = False) -> str:
    """MathJax as Anki wants it: \\(...\\) or \\[...\\]; '}}' is split so it never closes a cloze.

    Math that uses a command that makes links or markup is shown as its source, as code."""
    if _UNSAFE_TEX.search(tex):
        return f"<code>{escape_code(('$$%s$$' if display else '$%s$') % tex.strip())}</code>"
    tex = html.escape(tex.strip(), quote=False).replace("[", "&#91;")
    while "}}" in tex or "{{" in tex:
        tex = tex.replace("}}", "} }").replace("{{", "{ {")
    tex = tex.replace("::", ": :")
    return f"\\[{tex}\\]" if display else f"\\({tex}\\)"


def _piece(inline: Inline, text: str) -> str:
    if inline.kind == "text" and not (inline.strong or inline.em or inline.href):  # most runs: plain text
        return escape(text)
    if inline.kind == "math":
        out = math(text)
    elif inline.kind == "math_display":
        out = math(text, display=True)
    elif inline.kind == "code":
        out = f"<code>{escape_code(text)}</code>"
    elif inline.kind == "break":
        return "<br>"
    elif inline.kind == "image" and inline.src:
        out = f'<img src="{escape(inline.src)}" alt="{escape(text)}">'
    else:
        out = escape(text)
    if inline.em:
        out = f"<i>{out}</i>"
    if inline.strong:
        out = f"<b>{out}</b>"
    if inline.href:
        out = f'<a href="{escape(inline.href)}">{out}</a>'
    return out


def plain(inlines: Iterable[Inline]) -> str:
    """The text of inline runs, as offsets in hidden spans count it."""
    return "".join([i.text for i in inlines])


def merge_spans(text: str, spans: Iterable[Span]) -> list[Span]:
    """Sorted, non-overlapping spans; spans parted only by spaces become one deletion."""
    out: list[list[int]] = []
    for a, b in sorted(spans):
        if out and (a <= out[-1][1] or not text[out[-1][1]:a].strip()):
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


BLANK = '<span class="qg-blank">_____</span>'


def inlines_html(inlines: Sequence[Inline], hidden: Iterable[Span] = (), cloze: int = 1, blank: bool = False) -> str:
    """Render inline runs; characters inside `hidden` spans go into Anki cloze deletion `cloze`,
    or, with `blank`, are replaced by a blank (for fronts that are not Anki clozes)."""
    spans = merge_spans(plain(inlines), hidden) if hidden else ()
    if not spans:
        return "".join([_piece(i, i.text) for i in inlines])
    cuts = [x for s in spans for x in s]  # merged spans neither overlap nor touch: already in order
    out, pos, inside = [], 0, False
    for inline in inlines:
        start, end = pos, pos + len(inline.text)
        pos = end
        if inline.kind == "text":
            bounds = [start] + [c for c in cuts if start < c < end] + [end]
        else:  # never cut through math or code
            bounds = [start, end]
        for a, b in zip(bounds, bounds[1:]):
            hide = False
            for s, e in spans:
                if s < b and a < e:
                    hide = True
                    break
            if hide != inside:
                if blank:
                    out.append(BLANK if hide else "")
                else:
                    out.append("{{c%d::" % cloze if hide else "}}")
                inside = hide
            if not (blank and hide):
                out.append(_piece(inline, inline.text[a - start:b - start]))
    if inside and not blank:
        out.append("}}")
    return "".join(out)


def blocks_html(blocks: Iterable[Block]) -> str:
    """A whole answer, with lists nested again from the flat blocks' depths."""
    out: list[str] = []
    stack: list[bool] = []  # open lists, True for ordered; each has one <li> open
    for block in blocks:
        depth = block.depth
        if block.kind == "item":
            while len(stack) > depth or (len(stack) == depth and stack and stack[-1] != block.ordered):
                out.append("</li></ol>" if stack.pop() else "</li></ul>")
            if len(stack) == depth:
                out.append("</li><li>")
            while len(stack) < depth:
                ordered = block.ordered if len(stack) == depth - 1 else False
                start = f' start="{block.number}"' if ordered and block.number != 1 and len(stack) == depth - 1 else ""
                out.append(f"<ol{start}><li>" if ordered else "<ul><li>")
                stack.append(ordered)
            out.append(inlines_html(block.inlines))
            continue
        while len(stack) > depth:
            out.append("</li></ol>" if stack.pop() else "</li></ul>")
        out.append(block_html(block))
    while stack:
        out.append("</li></ol>" if stack.pop() else "</li></ul>")
    return "".join(out)


def block_html(block: Block) -> str:
    """One block on its own (items render as a bare paragraph here: lists are built by blocks_html)."""
    if block.kind == "heading":
        return f"<h4>{inlines_html(block.inlines)}</h4>"
    if block.kind == "code":
        return f"<pre><code>{escape_code(block.code)}</code></pre>"
    if block.kind == "table":
        rows = []
        for n, row in enumerate(block.rows):
            cell = "th" if n == 0 else "td"
            rows.append("<tr>" + "".join(f"<{cell}>{inlines_html(c)}</{cell}>" for c in row) + "</tr>")
        return '<table class="qg-table">' + "".join(rows) + "</table>"
    return f"<p>{inlines_html(block.inlines)}</p>"
