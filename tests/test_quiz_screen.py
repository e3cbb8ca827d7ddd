"""Terminal layout of the self-test: wrapping, math as Unicode, each text once, colour rules, on a real pty."""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import sys
from pathlib import Path

import click
import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizgen.quiz.screen import math_text, wrap
from quizgen.quiz.session import unshown

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@given(st.lists(st.text("abcdefghij", min_size=1, max_size=12), min_size=1, max_size=40), st.integers(20, 120))
def test_wrapping_keeps_every_word_whole_and_within_the_width(words, columns):
    text = " ".join(words)
    lines = wrap(text, columns).split("\n")
    assert all(len(line) <= columns for line in lines)
    assert " ".join(" ".join(lines).split()) == text  # the same words, none cut (all fit a line)


def test_wrapping_hangs_list_items_and_diff_lines_and_ignores_escape_codes():
    item = "2. " + " ".join(["word"] * 20)
    lines = wrap(item, 30).split("\n")
    assert lines[0].startswith("2. word") and all(line.startswith("   word") for line in lines[1:])
    styled = click.style("bold", bold=True) + " " + " ".join(["x"] * 13)  # 'bold' + 13 x: 30 visible
    assert wrap(styled, 30) == styled
    assert wrap("you typed: " + "abc " * 10, 30).split("\n")[1].startswith(" " * 11 + "abc")


def test_a_word_longer_than_the_line_is_cut_only_then():
    assert wrap("a " + "x" * 50, 20).split("\n") == ["a", "x" * 20, "x" * 20, "x" * 10]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (r"The energy is \(E = h\nu\).", "The energy is E = hν."),
        (r"\[\frac{a}{b} \le \alpha\]", "a/b ≤ α"),
        (r"\(x^2 + \beta\) and \(\sqrt{2}\)", "x^2 + β and √(2)"),
        ("no math here (really)", "no math here (really)"),
    ],
)
def test_math_is_shown_as_unicode(text, shown):
    assert math_text(text) == shown


def test_the_back_leaves_out_sentences_already_on_screen():
    front = "1. Calcium Ion Influx: Calcium ions flow into the nerve terminal."
    back = "1. Calcium Ion Influx: Calcium ions flow into the nerve terminal. This starts the release of ACh."
    assert unshown(back, [front]) == "1. This starts the release of ACh."
    assert unshown("Calcium Ion Influx", ["Correct: 4. Calcium Ion Influx"]) == ""
    assert unshown("A different sentence.", ["Correct."]) == "A different sentence."


def _deck(tmp_path: Path) -> Path:
    long = "The " + " ".join(f"word{i}" for i in range(40)) + " {{c1::mitochondria}} here."
    card = {"id": "qg0000000000000001", "kind": "cloze", "deck": "QuickTakes::Biology", "doc_key": "d", "key": "1",
            "subject": "Biology", "context": "Biology", "front": long, "back": "", "answers": ["mitochondria"],
            "choices": [], "details": "", "source_url": "", "date": "", "tags": [], "extra": {}}
    path = tmp_path / "deck.json"
    path.write_text(json.dumps({"format": "quizgen", "version": 1, "deck": "QuickTakes", "cards": [card]}), encoding="utf-8")
    return path


def _on_a_terminal(args: list[str], keys: bytes, columns: int, env: dict[str, str]) -> str:
    """Run the CLI with all three streams on a pseudo-terminal of `columns` columns; the text it shows."""
    import fcntl
    import pty
    import struct
    import termios

    try:
        main, secondary = pty.openpty()
    except OSError as e:
        pytest.skip(f"no pseudo-terminal here: {e}")
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 30, columns, 0, 0))
    environ = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")} | env
    proc = subprocess.Popen([sys.executable, "-m", "quizgen", *args], stdin=secondary, stdout=secondary,
                            stderr=secondary, env=environ)
    os.close(secondary)
    os.write(main, keys)
    seen = b""
    while True:
        if not select.select([main], [], [], 60)[0]:  # a session waiting for input it will not get
            proc.kill()
            break
        try:
            chunk = os.read(main, 1 << 16)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(main)
    assert proc.wait(timeout=120) == 0
    return seen.decode()


@pytest.mark.parametrize("columns", [40, 80])
def test_a_session_on_a_terminal_fits_its_width_and_is_coloured(tmp_path, columns):
    args = ["quiz", str(_deck(tmp_path)), "--db", str(tmp_path / "p.db")]
    text = _on_a_terminal(args, b"mitochondria\n\nq\n", columns, {})
    assert ANSI.search(text)
    lines = ANSI.sub("", text).replace("\r", "").split("\n")
    shown = [line for line in lines if "word" in line and "mitochondria" not in line]  # our text, not typed
    # keys typed ahead are echoed before the prompts they answer, so a prompt's line goes on with later output
    ours = [line for line in lines if "mitochondria" not in line and not line.startswith(("Your answer", "Rate "))]
    assert shown and all(len(line) <= columns for line in ours), [line for line in ours if len(line) > columns]
    assert all(re.fullmatch(r"(The )?(word\d+ ?)+(\[\.\.\.\] here\.)?", line.strip()) for line in shown), shown


def test_no_color_turns_colour_off_even_on_a_terminal(tmp_path):
    args = ["quiz", str(_deck(tmp_path)), "--db", str(tmp_path / "p.db")]
    text = _on_a_terminal(args, b"mitochondria\n\nq\n", 80, {"NO_COLOR": "1"})
    assert "Correct" in text and not ANSI.search(text)
