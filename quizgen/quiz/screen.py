"""Terminal layout for the self-test: text wrapped at word boundaries to the terminal's width, math as
Unicode, colour only where it belongs (a terminal, and never with NO_COLOR: https://no-color.org)."""

from __future__ import annotations

import os
import re
import shutil
import sys
from functools import lru_cache

import click

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_INDENT = re.compile(r"^(\s*(?:- |\d+\. |you typed: |expected:  )?)")
"""A line's hanging indent: its leading spaces and a list bullet or diff label, which wrapped lines align under."""
_MATH = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]", re.DOTALL)
_KEEP_SPACE = re.compile(r"(\\[A-Za-z]+) ")
"""TeX swallows the space after a command ('\\le \\alpha' is '≤α'); as text, the writer's space reads better."""


def width() -> int:
    """The terminal's width now (asked afresh for every screen, so a resized window is followed)."""
    return max(20, shutil.get_terminal_size().columns)


def colour() -> bool:
    """Colour on a terminal only, and never when NO_COLOR is set to anything."""
    return not os.environ.get("NO_COLOR") and sys.stdout.isatty()


def show(text: str) -> None:
    """Print one block, wrapped to the terminal (and without colour when colour is off)."""
    click.echo(wrap(text, width()), color=colour())


def prompt(text: str) -> None:
    """Print a prompt (no newline), wrapped, so the answer is typed after its last line."""
    click.echo(wrap(text, width()), nl=False, color=colour())


def wrap(text: str, columns: int) -> str:
    """Each line broken at spaces to fit `columns` (escape codes take no room); wrapped lines of a list
    item or diff line hang under its text; a word longer than a line is cut, as it must be."""
    return "\n".join(piece for line in text.split("\n") for piece in _wrap_line(line, columns))


def _wrap_line(line: str, columns: int) -> list[str]:
    if _visible(line) <= columns:
        return [line]
    indent = _INDENT.match(_ANSI.sub("", line)).group(1)
    hang = " " * (len(indent) if len(indent) < columns // 2 else 0)
    out: list[str] = []
    current, size = "", 0
    for word in re.split(r"(?<=\S) +(?=\S)", line):
        n = _visible(word)
        if current and size + 1 + n > columns:
            out.append(current)
            current, size = hang, len(hang)
        if current.strip():
            current, size = current + " " + word, size + 1 + n
        else:
            current, size = current + word, size + n
        while size > columns:  # a word longer than the line
            out.append(current[:columns])
            current = hang + current[columns:]
            size = _visible(current)
    if current.strip():
        out.append(current)
    return out


def _visible(text: str) -> int:
    return len(_ANSI.sub("", text))


def math_text(text: str) -> str:
    """MathJax spans \\(...\\) and \\[...\\] as readable Unicode: '\\(E = h\\nu\\)' -> 'E = hν'."""
    return _MATH.sub(lambda m: _latex(m.group(1) if m.group(1) is not None else m.group(2)), text)


@lru_cache(maxsize=1)
def _converter():
    """pylatexenc's converter, made on first use (only a session that shows math needs it)."""
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text")


@lru_cache(maxsize=1024)
def _latex(tex: str) -> str:
    try:
        return " ".join(_converter().latex_to_text(_KEEP_SPACE.sub(r"\1{} ", tex)).split())
    except Exception:  # pylatexenc is lenient; should it still fail, the source is readable enough
        return tex
