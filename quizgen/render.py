"""Writer of card HTML: Blocks and Inlines -> a small, safe subset of HTML.

Every character of source text is escaped here and nowhere else. The only tags that can appear are the
ones written below (p, b, i, code, pre, a, br, ul, ol, li, h4, table, tr, th, td, div, span, and img for
the media files a build packs, by the name it gave them), links only to http(s)/mailto, and source text that looks like Anki syntax ({{c1::...}}, {{Front}}, [sound:...],
[latex]...) stays literal because braces and brackets leave as entities. Anki matches its syntax in the
raw field, so no '[' ever leaves here raw, not even the one of display math's own '\\[' (written
'\\&#91;'). MathJax, though, reads the text after entities are decoded, so a '\\(' or '\\[' in source
text gets an invisible WORD JOINER after its backslash, and math is typeset only when every command
in it is one that math needs (TEX_COMMANDS): anything else (\\bbox, \\style, \\href, \\require,
\\unicode, \\def, ...) could style, link or load, and that math is shown as code instead.
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
TEX_COMMANDS = frozenset("""
alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa varkappa lambda mu nu xi omicron
pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega digamma
Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega varGamma varDelta varTheta varLambda varXi varPi
varSigma varUpsilon varPhi varPsi varOmega
frac dfrac tfrac cfrac binom dbinom tbinom sqrt over choose atop above
sum prod coprod int iint iiint iiiint oint idotsint bigcup bigcap bigvee bigwedge bigoplus bigotimes bigodot
biguplus bigsqcup limits nolimits displaylimits
lim limsup liminf sup inf max min arg det dim exp gcd hom ker deg Pr log lg ln
sin cos tan cot sec csc arcsin arccos arctan sinh cosh tanh coth
mod bmod pmod pod operatorname mathop mathbin mathrel mathord mathopen mathclose mathpunct mathinner
text textrm textbf textit textsf texttt textnormal textup textmd mbox
mathrm mathbf mathit mathsf mathtt mathbb mathcal mathfrak mathscr mathnormal boldsymbol pmb rm bf it sf tt cal
left right middle big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr bigm Bigm biggm Biggm
begin end hline cr newline
displaystyle textstyle scriptstyle scriptscriptstyle
quad qquad enspace thinspace medspace thickspace negthinspace negmedspace negthickspace
hat widehat check bar overline underline vec overrightarrow overleftarrow overleftrightarrow
underrightarrow underleftarrow dot ddot dddot tilde widetilde acute grave breve mathring
overbrace underbrace overset underset stackrel substack boxed phantom hphantom vphantom smash
xrightarrow xleftarrow xleftrightarrow xRightarrow xLeftarrow
cdot cdots ldots dots dotsc dotsb dotsm dotsi vdots ddots times div pm mp ast star circ bullet
oplus ominus otimes oslash odot dagger ddagger amalg wr cup cap sqcup sqcap uplus setminus smallsetminus
wedge vee land lor lnot neg not triangleleft triangleright bigtriangleup bigtriangledown
le leq ge geq leqq geqq leqslant geqslant ne neq approx approxeq equiv sim simeq cong propto ll gg lll ggg
lt gt prec succ preceq succeq asymp doteq models vdash dashv perp parallel mid nmid nparallel
subset subseteq supset supseteq subsetneq supsetneq sqsubset sqsupset sqsubseteq sqsupseteq
in notin ni owns emptyset varnothing forall exists nexists complement
nless ngtr nleq ngeq nsim ncong lneq gneq lnsim gnsim
to gets rightarrow leftarrow Rightarrow Leftarrow leftrightarrow Leftrightarrow iff implies impliedby mapsto
longmapsto longrightarrow longleftarrow Longrightarrow Longleftarrow longleftrightarrow Longleftrightarrow
uparrow downarrow updownarrow Uparrow Downarrow Updownarrow nearrow searrow nwarrow swarrow
hookrightarrow hookleftarrow rightharpoonup rightharpoondown leftharpoonup leftharpoondown
rightleftharpoons leftrightharpoons rightleftarrows leftrightarrows leadsto
infty partial nabla hbar hslash ell wp Re Im aleph beth gimel imath jmath prime backprime surd
angle measuredangle sphericalangle triangle square Box blacksquare diamond Diamond lozenge checkmark
top bot therefore because degree flat natural sharp clubsuit diamondsuit heartsuit spadesuit
vert Vert lvert rvert lVert rVert langle rangle lceil rceil lfloor rfloor lbrace rbrace lbrack rbrack
backslash colon ulcorner urcorner llcorner lrcorner
ce pu
""".split())
"""MathJax commands math needs: letters, operators, fractions, roots, big operators, fonts, delimiters,
accents, arrows, relations, environments (TEX_ENVIRONMENTS) and mhchem's \\ce/\\pu. Nothing here styles,
colours, links, defines macros or loads an extension; any other command keeps its math from being typeset."""

TEX_ENVIRONMENTS = frozenset("""
matrix pmatrix bmatrix Bmatrix vmatrix Vmatrix smallmatrix cases rcases dcases array subarray
aligned alignedat gathered split align align* alignat alignat* gather gather* equation equation* multline
multline* eqnarray eqnarray*
""".split())
"""The environments \\begin may open."""

_TEX_COMMAND = re.compile(r"\\(?:([A-Za-z]+)|([()\[\]])|.)|\\$", re.S)
_TEX_ENVIRONMENT = re.compile(r"\s*\{([^{}]*)\}")


def safe_tex(tex: str) -> bool:
    """Whether MathJax may typeset this: every command is in TEX_COMMANDS, every environment in
    TEX_ENVIRONMENTS, and no '\\(' '\\)' '\\[' '\\]' inside could end the math and start more."""
    for m in _TEX_COMMAND.finditer(tex):
        name, delimiter = m.group(1), m.group(2)
        if delimiter or m.group(0) == "\\":
            return False
        if name is None:
            continue  # a control symbol: \\, \{ \; \! \  ...: spacing and literal characters
        if name not in TEX_COMMANDS:
            return False
        if name in ("begin", "end"):
            env = _TEX_ENVIRONMENT.match(tex, m.end())
            if env is None or env.group(1).strip() not in TEX_ENVIRONMENTS:
                return False
    return True


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
    """MathJax as Anki wants it: \\(...\\) or \\[...\\], with the '[' of '\\[' as an entity so that no
    Anki tag ('[sound:', '[latex]', '[$$]', ...) can ever start there; '}}' is split so it never closes
    a cloze. Math that uses a command not in TEX_COMMANDS is shown as its source, as code."""
    if not safe_tex(tex):
        return f"<code>{escape_code(('$$%s$$' if display else '$%s$') % tex.strip())}</code>"
    tex = html.escape(tex.strip(), quote=False).replace("[", "&#91;")
    while "}}" in tex or "{{" in tex:
        tex = tex.replace("}}", "} }").replace("{{", "{ {")
    tex = tex.replace("::", ": :")
    return f"\\&#91;{tex}\\]" if display else f"\\({tex}\\)"


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
