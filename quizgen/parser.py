"""Reader: the bytes of one QuickTakes file -> a Document, or a ParseError that says what is wrong in one line.

The front matter is YAML (safe loader only); the answer is Markdown whose structure comes from a
real CommonMark parser's event stream (pyromark), flattened into Blocks of Inline runs.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Iterable

import pyromark
import yaml

from .errors import ParseError
from .model import Block, Document, Inline, Section, Step
from .text import fold

try:  # the C loader is ~10x faster; the pure-Python one is just as safe
    _SafeLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - only where libyaml is missing
    _SafeLoader = yaml.SafeLoader



class _Loader(_SafeLoader):
    """The safe loader, with integers too long for Python's int-string limit (4,300 digits) kept as
    their text: an id, subject or keyword of thousands of digits is odd, not an error."""


def _int_or_text(loader: yaml.BaseLoader, node: yaml.ScalarNode):
    try:
        value = yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)
        str(value)  # a hexadecimal or sexagesimal value can be short in YAML and too long as decimal text
    except ValueError:
        return node.value
    return value


_Loader.add_constructor("tag:yaml.org,2002:int", _int_or_text)

MAX_SIZE = 1_000_000
"""Default size limit in bytes: real documents are 3-15 kB, so 1 MB is far past any of them."""

_OPTIONS = pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_MATH
_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Control characters (tab and newlines aside): never text, and harmful downstream (\\x1f is Anki's
field separator, \\x1b starts terminal escape sequences). YAML escapes and entities such as &#31; make them."""
_SUMMARY = re.compile(r"^\s*(in summary|in conclusion|to summari[sz]e|overall|in short)\b", re.I)
_LATEX_N = frozenset(
    """neq ne nabla nu neg not notin ni nmid nleq ngeq nleqslant ngeqslant nless ngtr nsubseteq nsupseteq
    nsubset nsupset nexists natural newline nolimits nonumber nrightarrow nleftarrow nLeftarrow nRightarrow
    nleftrightarrow nLeftrightarrow nsim ncong nvdash nvDash nparallel nprec nsucc nearrow nwarrow newcommand
    notag nobreak""".split()
)
_LATEX_N_COMMAND = re.compile(r"\\(?:%s)(?![A-Za-z])" % "|".join(sorted(_LATEX_N)))
"""A '\\n' that would be one of those commands, were it inside math."""
_ESCAPES = re.compile(r"\\n([A-Za-z]*)|\$\$|\$|\\[()\[\]]|\\.", re.S)
_CODE = re.compile(r"(```.*?(?:```|\Z)|~~~.*?(?:~~~|\Z)|`[^`\n]*`)", re.S)
_PAREN_MATH = re.compile(r"\\\((.+?)\\\)", re.S)
_BRACKET_MATH = re.compile(r"\\\[(.+?)\\\]", re.S)
# '$ x $': the opening '$' starts a word (so it is not the closing '$' of '$a$ and $b$'), the closing one ends one.
# The look-behind comes after the '$' it checks, so that the search can jump from '$' to '$'.
_SPACED_MATH = re.compile(r"\$(?<![^\s(\[]\$)[ \t]+([^$\n]*?[^$\s])[ \t]+\$(?![$\w])")


# ---------------------------------------------------------------------------------------------- files


def read_file(path: str, max_size: int = MAX_SIZE) -> Document:
    """Read and parse one file; every problem becomes a ParseError naming the file."""
    try:
        size = os.path.getsize(path)
        if size > max_size:
            raise ParseError(path, f"file is {size:,} bytes, over the {max_size:,}-byte limit (raise it with --max-size)")
        with open(path, "rb") as f:
            data = f.read(max_size + 1)
    except OSError as e:
        raise ParseError(path, f"cannot read file: {e.strerror or e}") from None
    if len(data) > max_size:  # it grew after it was measured
        raise ParseError(path, f"file is over the {max_size:,}-byte limit (raise it with --max-size)")
    return parse(data, path)


def parse(data: bytes, path: str = "<document>") -> Document:
    """Parse the bytes of one document."""
    text = _decode(data, path)
    return _document(_front_matter(text, path), path)


def _decode(data: bytes, path: str) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ParseError(path, f"not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start}); save it as UTF-8") from None
    if not text.strip():
        raise ParseError(path, "empty file")
    if "\x00" in text:
        raise ParseError(path, "binary data, not a text document")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _front_matter(text: str, path: str) -> dict:
    """Split off and load the YAML block between the first two '---' lines."""
    lines = text.split("\n")
    if lines[0].strip() != "---":
        raise ParseError(path, "no YAML front matter (the file must start with a '---' line)", 1)
    for end in range(1, len(lines)):
        if lines[end].rstrip() in ("---", "..."):
            break
    else:
        raise ParseError(path, "front matter is never closed (no second '---' line)", 1)
    try:
        fields = yaml.load("\n".join(lines[1:end]), Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 2 if e.problem_mark else None
        raise ParseError(path, f"YAML error: {e.problem or e.context}", line) from None
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as e:
        # one line, without advice meant for programmers ('; use sys.set_int_max_str_digits() ...')
        message = str(e).splitlines()[0].split("; ")[0] if str(e) else type(e).__name__
        raise ParseError(path, f"YAML error: {message}") from None
    if not isinstance(fields, dict):
        raise ParseError(path, f"front matter is {_kind(fields)}, not a mapping of fields", 2)
    return fields


# ---------------------------------------------------------------------------------------------- fields


def _kind(value) -> str:
    """What a YAML value is, in a user's words."""
    names = {list: "a list", dict: "a mapping", type(None): "empty", bool: "true/false", str: "text", int: "a number",
             float: "a number", bytes: "binary data", set: "a set", _dt.date: "a date", _dt.datetime: "a date"}
    return names.get(type(value), f"a {type(value).__name__}")


def _text_field(fields: dict, name: str, path: str) -> str:
    """A field that must be text; numbers are accepted as their text, anything else is an error."""
    value = fields.get(name)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, _dt.date)):
        raise ParseError(path, f"'{name}' must be text, not {_kind(value)}")
    return _clean(str(value)).strip()


def _document(fields: dict, path: str) -> Document:
    question = ""
    for name in ("question", "title", "article_title"):
        question = _text_field(fields, name, path)
        if question:
            break
    if not question:
        raise ParseError(path, "no question (expected a 'question' or 'title' field)")
    if "answer" not in fields or fields["answer"] is None:
        raise ParseError(path, "no answer (expected an 'answer' field)")
    answer = _text_field(fields, "answer", path)
    if not answer or answer == "&nbsp;":
        raise ParseError(path, "the answer is empty")

    seo = fields.get("seo") if isinstance(fields.get("seo"), dict) else {}
    answer = unescape_answer(answer)
    blocks = blocks_of(answer)
    sections = _sections(blocks)
    return Document(
        key=_key(fields, path),
        path=path,
        question=_one_line(question),
        subject=normalise_subject(_text_field(fields, "subject", path) or _seo_subject(seo)),
        blocks=blocks,
        sections=sections,
        lead=_lead(blocks),
        summary=_summary(blocks),
        bold_terms=bold_terms(blocks),
        keywords=split_keywords(seo.get("page_keywords")),
        url=_text_field(fields, "url", path),
        date=_text_field(fields, "date", path),
        description=_one_line(seo.get("page_description")) if isinstance(seo.get("page_description"), str) else "",
        related=_related(fields),
        answer=answer,
    )


def _key(fields: dict, path: str) -> str:
    """The document's id as text; a document without one is keyed by its file name."""
    value = fields.get("id")
    if isinstance(value, float):
        raise ParseError(path, "'id' must be a whole number or text, not a decimal number")
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, str, _dt.date))):
        raise ParseError(path, f"'id' must be a number or text, not {_kind(value)}")
    if value is None or not str(value).strip():
        return "file:" + os.path.splitext(os.path.basename(path))[0]
    return _one_line(str(value))


def _clean(text: str) -> str:
    """Text without control characters; those that act as spaces become one."""
    if text.isprintable():  # a quick test that rules them all out (they are never printable), true of most text
        return text
    return _CONTROL.sub(lambda m: " " if m.group().isspace() else "", text)


def _one_line(text: str) -> str:
    return " ".join(_clean(str(text)).split())


def _seo_subject(seo: dict) -> str:
    title = seo.get("title")
    if isinstance(title, str) and "|" in title:
        return title.split("|", 1)[1]
    return ""


_SMALL = frozenset("and or of the in on for to a an".split())


def normalise_subject(subject: str) -> str:
    """'Computer science', 'computer  Science' -> 'Computer Science'; nothing that nests Anki decks."""
    words = _one_line(subject.replace("::", " ")).split(" ")
    out = []
    for i, w in enumerate(words):
        if i and w.lower() in _SMALL:
            out.append(w.lower())
        elif w[:1].islower() or w.isupper() and len(w) > 4:
            out.append(w[:1].upper() + w[1:].lower())
        else:
            out.append(w)
    return " ".join(out).strip() or "General"


def split_keywords(value) -> tuple[str, ...]:
    """'a, b,c, a' -> ('a', 'b', 'c'); a YAML list of keywords is accepted too."""
    if isinstance(value, str):
        parts: Iterable = value.split(",")
    elif isinstance(value, list):
        parts = [v for v in value if isinstance(v, (str, int, float))]
    else:
        return ()
    seen, out = set(), []
    for part in parts:
        kw = _one_line(str(part))
        key = fold(kw)
        if kw and key not in seen:
            seen.add(key)
            out.append(kw)
    return tuple(out)


def _related(fields: dict) -> tuple[str, ...]:
    out = []
    for n in range(1, 10):
        rel = fields.get(f"related_article{n}")
        if isinstance(rel, dict) and isinstance(rel.get("id"), (int, str)) and not isinstance(rel.get("id"), bool):
            out.append(str(rel["id"]))
    return tuple(out)


# ---------------------------------------------------------------------------------------------- answer text


def unescape_answer(answer: str) -> str:
    """Literal '\\n' sequences become newlines, except LaTeX commands such as \\neq or \\nabla inside math.

    Then math written as \\(...\\), \\[...\\] or '$ x $' is brought to the $...$ / $$...$$ form the
    Markdown parser knows, leaving code alone.
    """
    if "\\\\" not in answer and not _LATEX_N_COMMAND.search(answer):
        # The common case. With no escaped backslash every '\\n' is a token of its own, and with no LaTeX
        # command among them whether one is inside math decides nothing: each becomes a newline, so a
        # plain replace does what the token loop below does, without its slow scan for two characters.
        return _normalise_math(answer.replace("\\n", "\n"))
    out, pos, in_math = [], 0, ""
    for m in _ESCAPES.finditer(answer):
        letters = m[1]
        if letters is not None:  # a literal '\n', the most common token by far
            if in_math and letters:
                # the longest LaTeX command the letters start with, e.g. '\neq' in '\neqx' is not one
                if "n" + letters in _LATEX_N:
                    continue
            start = m.start()
            out += answer[pos:start], "\n"
            pos = start + 2
            continue
        token = m[0]
        if token == "$$":
            in_math = "" if in_math == "$$" else (in_math or "$$")
        elif token == "$":
            if in_math == "$":
                in_math = ""
            elif not in_math and not answer[m.end():m.end() + 1].isdigit():
                in_math = "$"
        elif token in ("\\(", "\\["):
            in_math = in_math or token
        elif token in ("\\)", "\\]"):
            in_math = ""
    out.append(answer[pos:])
    return _normalise_math("".join(out))


def _normalise_math(text: str) -> str:
    parts = _CODE.split(text) if "`" in text or "~~~" in text else [text]
    for i in range(0, len(parts), 2):  # even parts are outside code
        part = parts[i]
        if "\\(" in part:
            part = _PAREN_MATH.sub(lambda m: "$" + m.group(1).strip() + "$", part)
        if "\\[" in part:
            part = _BRACKET_MATH.sub(lambda m: "$$" + m.group(1) + "$$", part)
        if "$ " in part or "$\t" in part:
            part = _SPACED_MATH.sub(_unspace_math, part)
        parts[i] = part
    return "".join(parts)


def _unspace_math(m: re.Match) -> str:
    inner = m.group(1)
    if inner[:1].isdigit():  # '$ 5 and $' is money, not math
        return m.group()
    return "$" + inner + "$"


# ---------------------------------------------------------------------------------------------- structure


def safe_href(url: str) -> str:
    """The link target if it is one a card may open (http, https, mailto), else ''."""
    url = url.strip()
    return url if url.lower().startswith(_SAFE_SCHEMES) else ""


_RUN_KINDS = {"Text": "text", "Html": "text", "InlineHtml": "text", "Code": "code", "InlineMath": "math",
              "DisplayMath": "math_display"}
"""The events that carry a run of text, and the kind of Inline each becomes."""


class _Walker:
    """Turns pyromark's event stream into flat Blocks. One instance per answer; no state survives it."""

    def __init__(self):
        self.blocks: list[Block] = []
        self.lists: list[list] = []  # [ordered, next number]
        self.items: list[list] = []  # [own text done, number, ordered]
        self.buf: list[Inline] | None = None
        self.kind = ""
        self.strong = self.em = 0
        self.links: list[str] = []
        self.table: list | None = None
        self.row: list | None = None
        self.code: list[str] | None = None

    def add(self, kind: str, text: str) -> None:
        text = _clean(text)
        if self.code is not None:
            self.code.append(text)
            return
        buf = self.buf
        if buf is None:
            if self.row is not None:  # a table cell's text, kept by the cell
                buf = self.buf = []
            else:
                self.open("item" if self.items and not self.items[-1][0] else "paragraph")
                buf = self.buf
        buf.append(Inline(kind, text, self.strong > 0, self.em > 0, self.links[-1] if self.links else ""))

    def open(self, kind: str) -> None:
        self.flush()
        self.buf, self.kind = [], kind

    def flush(self) -> None:
        buf, self.buf = self.buf, None
        if self.items and self.kind == "item":
            self.items[-1][0] = True
        if not buf or not any(i.text.strip() for i in buf):
            return
        inlines = _strip(buf)
        if self.kind == "item":
            _, number, ordered = self.items[-1]
            self.blocks.append(Block("item", inlines, depth=len(self.lists), ordered=ordered, number=number))
        else:
            self.blocks.append(Block(self.kind, inlines, depth=len(self.lists)))

    def start(self, tag) -> None:
        name, arg = (tag, None) if isinstance(tag, str) else next(iter(tag.items()))
        # the most frequent tags first
        if name == "Paragraph":
            if self.row is None:
                self.open("item" if self.items and not self.items[-1][0] else "paragraph")
        elif name == "Strong":
            self.strong += 1
        elif name == "Heading":
            self.open("heading")
        elif name == "List":
            self.flush()
            if self.items:
                self.items[-1][0] = True
            self.lists.append([arg is not None, arg if isinstance(arg, int) else 1])
        elif name == "Item":
            self.flush()
            ordered, number = self.lists[-1] if self.lists else (False, 1)
            self.items.append([False, number, ordered])
            if self.lists:
                self.lists[-1][1] += 1
        elif name == "Emphasis":
            self.em += 1
        elif name == "Link":
            self.links.append(safe_href(arg.get("dest_url", "")) if isinstance(arg, dict) else "")
        elif name == "CodeBlock":
            self.flush()
            self.code = []
        elif name == "Table":
            self.flush()
            self.table = []
        elif name in ("TableHead", "TableRow"):
            self.row = []
        elif name == "TableCell":
            self.buf = []
        elif name in ("BlockQuote", "HtmlBlock"):
            self.flush()

    def end(self, tag) -> None:
        name = tag if isinstance(tag, str) else next(iter(tag))
        # the most frequent tags first
        if name in ("Paragraph", "Heading", "BlockQuote", "HtmlBlock"):
            if self.row is None:
                self.flush()
        elif name == "Strong":
            self.strong = max(0, self.strong - 1)
        elif name == "Item":
            self.flush()
            if self.items:
                self.items.pop()
        elif name == "List":
            self.flush()
            if self.lists:
                self.lists.pop()
        elif name == "Emphasis":
            self.em = max(0, self.em - 1)
        elif name == "Link":
            if self.links:
                self.links.pop()
        elif name == "CodeBlock":
            code, self.code = "".join(self.code or ()), None
            if code.strip():
                self.blocks.append(Block("code", code=code.rstrip("\n"), depth=len(self.lists)))
        elif name == "TableCell":
            if self.row is not None:
                self.row.append(_strip(self.buf or []))
            self.buf = None
        elif name in ("TableHead", "TableRow"):
            if self.table is not None and self.row is not None:
                self.table.append(tuple(self.row))
            self.row = None
        elif name == "Table":
            if self.table:
                self.blocks.append(Block("table", rows=tuple(self.table), depth=len(self.lists)))
            self.table = None

    def walk(self, events: Iterable) -> tuple[Block, ...]:
        """Every event in turn, then whatever text is still open.

        One loop with the handlers bound to locals: an answer has a hundred events or more, and a call per
        event just to dispatch it was a good part of the time.
        """
        start, end, add = self.start, self.end, self.add
        for event in events:
            (name, value), = event.items() if isinstance(event, dict) else ((event, None),)
            if name == "Start":
                start(value)
            elif name == "End":
                end(value)
            elif name in _RUN_KINDS:
                add(_RUN_KINDS[name], value)
            elif name == "SoftBreak":
                add("text", " ")
            elif name == "HardBreak":
                add("break", "\n")
            elif name == "Rule":
                self.flush()
        self.flush()
        return tuple(self.blocks)


def _strip(inlines: list[Inline]) -> tuple[Inline, ...]:
    """Drop the whitespace a block opens and closes with (it would show as stray spaces).

    Works on the list it is given, which the caller no longer needs; an end run is only rebuilt when
    its text really changes (it seldom does, and making an Inline is not cheap).
    """
    out = inlines
    while out and out[0].kind == "text" and not out[0].text.strip():
        out.pop(0)
    while out and out[-1].kind in ("text", "break") and not out[-1].text.strip():
        out.pop()
    if out and out[0].kind == "text":
        text = out[0].text.lstrip()
        if text != out[0].text:
            out[0] = _with_text(out[0], text)
    if out and out[-1].kind == "text":
        text = out[-1].text.rstrip()
        if text != out[-1].text:
            out[-1] = _with_text(out[-1], text)
    return tuple(out)


def _with_text(inline: Inline, text: str) -> Inline:
    return Inline(inline.kind, text, inline.strong, inline.em, inline.href)


def blocks_of(markdown: str) -> tuple[Block, ...]:
    """The answer's Markdown as a flat tuple of Blocks."""
    return _Walker().walk(pyromark.events(markdown, options=_OPTIONS))


def strong_runs(inlines: Iterable[Inline]) -> list[tuple[int, int, str]]:
    """Each bold run of a block as (first inline, last inline + 1, term text without a closing colon)."""
    runs, start = [], None
    inl = inlines if isinstance(inlines, (tuple, list)) else list(inlines)
    for i, x in enumerate(inl):
        if x.strong:
            if start is None and x.kind != "break":
                start = i
        elif start is not None:
            _add_run(runs, inl, start, i)
            start = None
    if start is not None:  # the block ends in bold
        _add_run(runs, inl, start, len(inl))
    return runs


def _add_run(runs: list, inlines, start: int, end: int) -> None:
    """Record inlines[start:end] as a bold run, unless its term comes out empty."""
    term = _one_line("".join([x.text for x in inlines[start:end]])).rstrip(":").strip()
    if term:
        runs.append((start, end, term))


def bold_terms(blocks: Iterable[Block]) -> tuple[str, ...]:
    """Every distinct bold term of an answer, in order (code blocks have none)."""
    seen, out = set(), []
    for block in blocks:
        groups = [block.inlines]
        if block.rows:
            groups += [cell for row in block.rows for cell in row]
        for inlines in groups:
            for _, _, term in strong_runs(inlines):
                key = fold(term)
                if key not in seen:
                    seen.add(key)
                    out.append(term)
    return tuple(out)


_SEPARATOR = re.compile(r"^\s*(?::|[-–—]\s)\s*")


def split_step(inlines: tuple[Inline, ...]) -> tuple[str, tuple[Inline, ...]]:
    """'**Term**: body' -> ('Term', body). An item that does not open with a bold term has term ''."""
    if not inlines or not inlines[0].strong or inlines[0].kind == "break":
        return "", inlines  # no bold run can start at the first inline: spare looking for any
    runs = strong_runs(inlines)
    if not runs or runs[0][0] != 0:
        return "", inlines
    _, end, term = runs[0]
    raw = "".join([x.text for x in inlines[:end]]).strip()
    body = list(inlines[end:])
    if body and body[0].kind == "text":
        m = _SEPARATOR.match(body[0].text)
        if not m and not raw.endswith(":") and body[0].text.strip():
            return "", inlines  # '**Eat** more greens': bold text, not a step's term
        rest = body[0].text[m.end():] if m else body[0].text.lstrip()
        body[0] = _with_text(body[0], rest)
        if not rest:
            body.pop(0)
    return term, tuple(body)


def _sections(blocks: tuple[Block, ...]) -> tuple[Section, ...]:
    """Numbered lists as Sections of Steps; nested items and paragraphs go to the step above them."""
    sections: list[tuple[str, list]] = []
    heading, current, fresh = "", None, True
    for block in blocks:
        if block.kind == "heading":
            heading, fresh = block.text, True
        elif block.kind == "item" and block.depth == 1 and block.ordered:
            # a list that picks up the numbering of the one before it (split by code, say) continues it
            if current is None or fresh or block.number != current[1][-1][0] + 1:
                current = (heading, [])
                sections.append(current)
                fresh = False
            term, body = split_step(block.inlines)
            current[1].append([block.number, term, body, []])
        elif block.depth >= 1 and current is not None and not fresh:
            if block.depth > 1 or block.kind != "item":
                current[1][-1][3].append(block)
    out = []
    for title, steps in sections:
        out.append(Section(title, tuple(Step(i + 1, t, b, tuple(s)) for i, (_, t, b, s) in enumerate(steps))))
    return tuple(out)


def _lead(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    lead = []
    for block in blocks:
        if block.kind != "paragraph" or block.depth:
            break
        lead.append(block)
    return tuple(lead)


def _summary(blocks: tuple[Block, ...]) -> tuple[Inline, ...]:
    for block in reversed(blocks):
        if block.kind == "paragraph" and not block.depth:
            return block.inlines if _SUMMARY.match(block.text) else ()
    return ()
