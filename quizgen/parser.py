"""Reader: the bytes of one QuickTakes file -> a Document, or a ParseError that says what is wrong in one line.

The front matter is YAML (safe loader only); the answer is Markdown whose structure comes from a
real CommonMark parser's event stream (pyromark), flattened into Blocks of Inline runs.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import os
import re
from collections.abc import Callable, Iterable

import pyromark
import yaml

from .defaults import FORMATS, MAX_SIZE  # noqa: F401  (defined there for the command line)
from .errors import ParseError
from .model import Block, Document, Inline, Section, Step
from .text import fold

try:  # the C loader is ~10x faster; the pure-Python one is just as safe
    _SafeLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - only where libyaml is missing
    _SafeLoader = yaml.SafeLoader

Resolver = Callable[[str], tuple[str, str]]
"""resolve(image path as written in a note) -> (media file name, path relative to the input folder)."""


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


_OPTIONS = pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_MATH
_NOTE_OPTIONS = _OPTIONS | pyromark.Options.ENABLE_WIKILINKS
"""Notes also read Obsidian's [[links]] (shown as their text) and ![[image.png]] embeds."""
_WIKI_SIZE = re.compile(r"\d+(?:x\d+)?")
"""The '|300' or '|300x200' of an Obsidian embed: a display size, not alt text."""
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
    """Read and parse one QuickTakes file; every problem becomes a ParseError naming the file."""
    return parse(read_bytes(path, max_size), path)


def read_documents(path: str, max_size: int = MAX_SIZE, *, fmt: str = "auto", name: str = "",
                   resolve: Resolver | None = None) -> list[Document]:
    """Read one file of either format: a QuickTakes document, or every document of a Markdown note.
    `name` is the path the note is keyed by (relative to the folder given; its file name by default) and
    `resolve` packs its local images (see parse_documents)."""
    return parse_documents(read_bytes(path, max_size), path, fmt=fmt, name=name, resolve=resolve)


def read_bytes(path: str, max_size: int = MAX_SIZE) -> bytes:
    """The file's bytes, within the size limit (ParseError naming the file otherwise)."""
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
    return data


def parse(data: bytes, path: str = "<document>") -> Document:
    """Parse the bytes of one document."""
    text = _decode(data, path)
    return _document(_front_matter(text, path), path)




def parse_documents(data: bytes, path: str = "<document>", *, fmt: str = "auto", name: str = "",
                    resolve: Resolver | None = None) -> list[Document]:
    """The documents of one file. With fmt 'auto', a file whose front matter holds a `question` or an
    `answer` (or any file not ending in .md) is a QuickTakes document, read exactly as parse() reads it;
    any other .md file is a Markdown note, with or without front matter.

    `resolve(src)` is called for each local image of a note, with its path as written, and returns
    (media file name, path relative to the input folder), or ('', '') when it is not packed. Without
    it no image is packed (its alt text stays)."""
    text = _decode(data, path)
    if fmt == "quicktakes" or (fmt == "auto" and not path.lower().endswith(".md")):
        return [_document(_front_matter(text, path), path)]
    if text.split("\n", 1)[0].strip() == "---":
        fields, end = _front_matter_end(text, path)
        body = text.split("\n", end + 1)[end + 1] if text.count("\n") > end else ""
    else:
        fields, body = {}, text
    if fmt == "auto" and ("question" in fields or "answer" in fields):
        return [_document(fields, path)]
    return note_documents(fields, body, path, name, resolve)


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
    return _front_matter_end(text, path)[0]


def _front_matter_end(text: str, path: str) -> tuple[dict, int]:
    """(the front matter's fields, the number of its closing line, counted from 0)."""
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
    return fields, end


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


# ---------------------------------------------------------------------------------------------- notes


def note_documents(fields: dict, body: str, path: str, name: str = "",
                   resolve: Resolver | None = None) -> list[Document]:
    """A Markdown note's Documents: one per heading with text under it, asked by the heading.

    A heading's answer is its own text, down to the next heading of any level: a subheading is a
    document of its own (its question names the headings above it), so each fact is in exactly one
    document and makes its cards once, and editing one section changes only that section's cards.
    Text before the first heading, and the text under a note's single top `#` heading (its title), is
    asked by the note's title; a note without headings is one document asked by its title.

    Keys: the front matter's `id`, or else `name` (the path relative to the folder given), then '#' and
    the slugs of the heading and those above it: reordering headings keeps every key.
    """
    base = _note_base(fields, path, name)
    common = _note_fields(fields, path)
    raw = body.encode("utf-8")
    walker = _Walker(note=True, resolve=resolve)
    blocks = walker.walk_note(pyromark.events_with_range(body, options=_NOTE_OPTIONS))
    heads = walker.headings
    tops = [h for h in heads if h[1] == 1]
    title_head = heads[0] if heads and heads[0][1] == 1 and len(tops) == 1 else None
    title = (common.pop("title") or (_heading_text(blocks[tops[0][0]]) if tops else "")
             or _title_from_name(name or path))
    ends = [h[0] for h in heads[1:]] + [len(blocks)]
    offsets = [h[2] for h in heads] + [len(raw)]
    images = walker.images
    at = [i for i, _, _ in images]  # in block order, as the walker met them

    def document(key: str, question: str, ranges: list[tuple[int, int]], answer: tuple[int, int]) -> Document:
        own = tuple(b for a, z in ranges for b in blocks[a:z])
        pics = tuple((n, r) for a, z in ranges
                     for _, n, r in images[bisect.bisect_left(at, a):bisect.bisect_left(at, z)])
        return _note_document(key, path, question, own, raw[answer[0]:answer[1]].decode("utf-8", "replace"),
                              title, pics, common)

    docs = []
    first = heads[0][0] if heads else len(blocks)
    ranges, answer_end = [(0, first)], offsets[0]
    if title_head:
        ranges.append((title_head[0] + 1, ends[0]))
        answer_end = offsets[1]
    if any(b for a, z in ranges for b in blocks[a:z]):
        docs.append(document(base, title, ranges, (0, answer_end)))
    stack: list[tuple[int, str, str]] = []  # (level, question text, slug) of the headings above
    used: dict[tuple[str, ...], set[str]] = {}
    for n, (index, level, offset) in enumerate(heads):
        if title_head and n == 0:
            continue
        while stack and stack[-1][0] >= level:
            stack.pop()
        text = _heading_text(blocks[index])
        parents = tuple(slug for _, _, slug in stack)
        slug = base_slug = _slug(blocks[index].text)
        taken = used.setdefault(parents, set())
        n_same = 1
        while slug in taken:  # a second heading of the same name under the same parent
            n_same += 1
            slug = f"{base_slug}-{n_same}"
        taken.add(slug)
        question = text if not stack or text.rstrip().endswith("?") else " › ".join([t for _, t, _ in stack] + [text])
        stack.append((level, text, slug))
        if index + 1 < ends[n]:
            docs.append(document(f"{base}#{'/'.join(parents + (slug,))}", question, [(index + 1, ends[n])],
                                 (offset, offsets[n + 1])))
    if not docs:
        raise ParseError(path, "no text to make cards from (a note needs text under a heading, or any text)")
    return docs


def _note_document(key: str, path: str, question: str, blocks: tuple[Block, ...], answer: str, title: str,
                   images: tuple[tuple[str, str], ...], common: dict) -> Document:
    return Document(
        key=key, path=path, question=_one_line(question), subject=common["subject"], blocks=blocks,
        sections=_sections(blocks), lead=_lead(blocks), summary=_summary(blocks), bold_terms=bold_terms(blocks),
        url=common["url"], date=common["date"], answer=answer.strip(), tags=common["tags"], deck=common["deck"],
        images=images, title=title, format="markdown",
    )


def _note_fields(fields: dict, path: str) -> dict:
    """What a note's optional front matter says about all its documents."""
    deck = "::".join(p for p in (_one_line(x) for x in _text_field(fields, "deck", path).split("::")) if p)
    subject = _text_field(fields, "subject", path) or deck.rpartition("::")[2]
    return {"title": _one_line(_text_field(fields, "title", path)), "subject": normalise_subject(subject),
            "deck": deck, "tags": split_tags(fields.get("tags"), path), "url": _text_field(fields, "url", path),
            "date": _text_field(fields, "date", path)}


def split_tags(value, path: str = "<document>") -> tuple[str, ...]:
    """Front matter `tags` (a list, or text split on commas) as Anki tags: spaces become '_', an
    Obsidian-style leading '#' goes, repeats go."""
    if value is None:
        return ()
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        parts = str(value).split(",")
    elif isinstance(value, list):
        parts = [str(v) for v in value if isinstance(v, (str, int, float)) and not isinstance(v, bool)]
    else:
        raise ParseError(path, f"'tags' must be a list or comma-separated text, not {_kind(value)}")
    seen, out = set(), []
    for part in parts:
        tag = "_".join(_one_line(part).lstrip("#").replace('"', "").split())
        if tag and fold(tag) not in seen:
            seen.add(fold(tag))
            out.append(tag)
    return tuple(out)


def _note_base(fields: dict, path: str, name: str) -> str:
    """What a note's keys start with: its `id`, else its path relative to the folder given."""
    if fields.get("id") is not None and str(fields.get("id")).strip():
        return _key(fields, path)
    return (name or os.path.basename(path)).replace(os.sep, "/")


def _title_from_name(name: str) -> str:
    """'cardiac_cycle-notes.md' -> 'cardiac cycle notes'."""
    stem = os.path.splitext(os.path.basename(name))[0]
    return " ".join(stem.replace("_", " ").replace("-", " ").split()) or stem


def _heading_text(block: Block) -> str:
    """A heading as question text: math and code keep their Markdown delimiters (the question is Markdown)."""
    out = []
    for i in block.inlines:
        if i.kind == "math":
            out.append(f"${i.text}$")
        elif i.kind == "code":
            out.append(f"`{i.text}`")
        elif i.kind != "image":
            out.append(i.text)
    return _one_line("".join(out))


_SLUG_DROP = re.compile(r"[^\w]+")


def _slug(text: str) -> str:
    """A heading's key: lower case words joined by '-' ('section' when nothing is left)."""
    return _SLUG_DROP.sub("-", fold(text)).strip("-_") or "section"


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

    def __init__(self, note: bool = False, resolve: Resolver | None = None):
        self.note = note  # a Markdown note: ==marks== and images are read (QuickTakes answers keep them as text)
        self.resolve = resolve
        self.image: list | None = None  # [destination, alt text runs] inside a note's image
        self.images: list[tuple[int, str, str]] = []  # (block index, media name, relative path) packed
        self.headings: list[tuple[int, int, int]] = []  # (block index, level, source offset) of a note
        self.level = self.offset = self.heading_at = 0
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
        if self.image is not None:  # a note's image: its text is the alt text
            self.image[1].append(text)
            return
        buf = self.buf
        if buf is None:
            if self.row is not None:  # a table cell's text, kept by the cell
                buf = self.buf = []
            else:
                self.open("item" if self.items and not self.items[-1][0] else "paragraph")
                buf = self.buf
        buf.append(Inline(kind, text, self.strong > 0, self.em > 0, self.links[-1] if self.links else ""))

    def add_image(self) -> None:
        """The image just closed: a remote one stays a link, a local one is packed (when it can be)."""
        (dest, alt, wiki), self.image = self.image, None
        alt, dest = _one_line("".join(alt)), dest.strip()
        if wiki and (alt == dest or _WIKI_SIZE.fullmatch(alt)):
            alt = ""
        if dest.lower().startswith(("http://", "https://")):
            self.links.append(safe_href(dest))
            self.add("text", alt or dest)
            self.links.pop()
            return
        name, rel = self.resolve(dest) if self.resolve and dest else ("", "")
        self.add("image", alt)  # opens the block as any text would
        last = self.buf[-1]
        self.buf[-1] = Inline("image", last.text, last.strong, last.em, last.href, False, name)
        if name:
            self.images.append((len(self.blocks), name, rel))

    def open(self, kind: str) -> None:
        self.flush()
        self.buf, self.kind = [], kind

    def flush(self) -> None:
        buf, self.buf = self.buf, None
        if self.items and self.kind == "item":
            self.items[-1][0] = True
        if not buf or not any(i.text.strip() or i.kind == "image" for i in buf):
            return
        inlines = _strip(_marks(buf) if self.note else buf)
        if self.kind == "heading" and self.note:
            self.headings.append((len(self.blocks), self.level, self.heading_at))
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
            if self.note:
                self.level = int(str(arg.get("level", "H1"))[1:] or 1) if isinstance(arg, dict) else 1
                self.heading_at = self.offset
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
        elif name == "Image" and self.note:
            self.image = [arg.get("dest_url", "") if isinstance(arg, dict) else "", [],
                          isinstance(arg, dict) and isinstance(arg.get("link_type"), dict)]  # ![[wiki embed]]

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
                self.row.append(_strip(_marks(self.buf or []) if self.note else self.buf or []))
            self.buf = None
        elif name == "Image":
            if self.image is not None:
                self.add_image()
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

    def walk_note(self, events: Iterable) -> tuple[Block, ...]:
        """walk() over (event, range) pairs, keeping where each heading starts in the source."""
        def events_only():
            for event, where in events:
                self.offset = where["start"]
                yield event
        return self.walk(events_only())


_MARK = re.compile(r"(?<!=)==(?!=)")


def _marks(inlines: list[Inline]) -> list[Inline]:
    """A note's ==highlighted text==: the runs between a pair of '==' get mark=True, the '==' go.

    As in Obsidian, an opening '==' is followed by a non-space and a closing one follows a non-space;
    the pair may enclose bold, math or code, and only '==' in text runs count (never in code or math)."""
    if not any(i.kind == "text" and "==" in i.text for i in inlines):
        return inlines
    text = "".join([i.text for i in inlines])
    delims, pos = [], 0
    for inline in inlines:
        if inline.kind == "text":
            delims += [pos + m.start() for m in _MARK.finditer(inline.text)]
        pos += len(inline.text)
    pairs, opening = [], None
    for d in delims:
        before, after = text[d - 1:d] if d else "", text[d + 2:d + 3]
        if opening is not None and before and not before.isspace() and d > opening + 2:
            pairs.append((opening, d))
            opening = None
        elif after and not after.isspace():
            opening = d
    if not pairs:
        return inlines
    starts, states = [0], [""]  # where each stretch of the text starts, and what it is
    for o, c in pairs:
        starts += [o, o + 2, c, c + 2]
        states += ["delimiter", "mark", "delimiter", ""]
    out, pos = [], 0
    for inline in inlines:
        start, end = pos, pos + len(inline.text)
        pos = end
        if inline.kind == "text":
            bounds = [start] + starts[bisect.bisect_right(starts, start):bisect.bisect_left(starts, end)] + [end]
        else:
            bounds = [start, end]
        for a, b in zip(bounds, bounds[1:]):
            state = states[bisect.bisect_right(starts, a) - 1]
            if state == "delimiter" and inline.kind == "text":
                continue
            out.append(Inline(inline.kind, inline.text[a - start:b - start], inline.strong, inline.em, inline.href,
                              state == "mark", inline.src))
    return out


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
    return Inline(inline.kind, text, inline.strong, inline.em, inline.href, inline.mark, inline.src)


def blocks_of(markdown: str) -> tuple[Block, ...]:
    """The answer's Markdown as a flat tuple of Blocks."""
    return _Walker().walk(pyromark.events(markdown, options=_OPTIONS))


def note_blocks(markdown: str, resolve: Resolver | None = None) -> tuple[Block, ...]:
    """A Markdown note's text as Blocks, ==marks== and images read (see parse_documents for `resolve`)."""
    return _Walker(note=True, resolve=resolve).walk(pyromark.events(markdown, options=_NOTE_OPTIONS))


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
