"""Math for the study page: the card HTML's MathJax-style TeX (\\(...\\), \\[...\\], as render.math writes
it) turned into MathML at build time, so the page needs no script or font to typeset and nothing fetched.

latex2mathml does the conversion, but its output is not trusted: it copies `\\text{}` content raw and turns
`\\href`/`\\style` into attributes. So its XML is parsed and written again from scratch: only MathML
elements and attributes on an allowlist, attribute values of a plain shape, every text escaped, and the
characters of Anki's syntax as entities. Anything refused, malformed or too long stays TeX source in <code>.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

MAX_TEX = 2000
"""Longest formula converted (the converter's work grows with it); longer ones are shown as source."""

MAX_DEPTH = 60
"""Deepest element nesting kept (deeper output is refused rather than walked)."""

_NS = "{http://www.w3.org/1998/Math/MathML}"

ELEMENTS = frozenset(
    """math mrow mi mn mo ms mtext mspace msub msup msubsup munder mover munderover mfrac msqrt mroot
    mstyle merror mpadded mphantom mtable mtr mtd mmultiscripts mprescripts none menclose""".split()
)
"""MathML (Core, plus menclose for \\boxed) elements kept: layout only, none can link or run anything."""

ATTRIBUTES = frozenset(
    """display mathvariant stretchy fence form separator lspace rspace accent accentunder columnalign
    rowalign columnspacing rowspacing columnlines rowlines linethickness movablelimits largeop symmetric
    minsize maxsize scriptlevel displaystyle width height depth voffset notation""".split()
)
"""Presentation attributes kept; href, style, class, id, mathcolor, on* and anything else are dropped."""

_VALUE = re.compile(r"[\w .%+-]{0,40}")
"""An attribute value of a plain shape (lengths, keywords): no quotes, colons, parentheses or slashes."""

_TEX = re.compile(r"\\\((.*?)\\\)|\\&#91;(.*?)\\\]", re.S)
"""Math as render.math writes it into card HTML (a '\\(' in source text carries a WORD JOINER, so it is
never matched)."""

_ANKI = str.maketrans({"{": "&#123;", "}": "&#125;", "[": "&#91;", "]": "&#93;", ":": "&#58;"})


def typeset(card_html: str) -> str:
    """Card HTML with each formula as MathML (or, if the converter refuses it, its source as code)."""
    if "\\" not in card_html:
        return card_html
    return _TEX.sub(_replace, card_html)


def _replace(m: re.Match) -> str:
    display = m.group(2) is not None
    tex = html.unescape(m.group(2) if display else m.group(1))
    out = to_mathml(tex, display=display)
    if out is not None:
        return out
    source = ("\\[%s\\]" if display else "\\(%s\\)") % tex
    return "<code>" + html.escape(source).translate(_ANKI) + "</code>"


def to_mathml(tex: str, *, display: bool = False) -> str | None:
    """MathML for one TeX formula, rebuilt from the converter's output through the allowlist; None when
    the formula is too long, the converter fails, or its output holds anything not on the allowlist."""
    if not tex.strip() or len(tex) > MAX_TEX:
        return None
    try:
        from latex2mathml.converter import convert

        tree = ET.fromstring(convert(tex, display="block" if display else "inline"))
        return _write(tree, 0)
    except Exception:  # any failure of a third-party converter on hostile input means: show the source
        return None


def _write(node: ET.Element, depth: int) -> str:
    if depth > MAX_DEPTH or not isinstance(node.tag, str) or not node.tag.startswith(_NS):
        raise ValueError("refused")
    name = node.tag[len(_NS):]
    if name not in ELEMENTS:
        raise ValueError(f"element {name!r} refused")
    attrs = []
    for key, value in sorted(node.attrib.items()):
        if key == "xmlns":
            continue
        if key not in ATTRIBUTES or not _VALUE.fullmatch(value):
            raise ValueError(f"attribute {key!r} refused")
        attrs.append(f' {key}="{value}"')
    inner = [_text(node.text)]
    for child in node:
        inner.append(_write(child, depth + 1))
        inner.append(_text(child.tail))
    return f"<{name}{''.join(attrs)}>{''.join(inner)}</{name}>"


def _text(text: str | None) -> str:
    return html.escape(text or "", quote=False).translate(_ANKI)
