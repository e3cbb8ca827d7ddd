"""Hostile and broken input: clear one-line errors, nothing executed, nothing lost, nothing left behind.

Every document here is written by the tests themselves (see conftest.write_doc). The library is driven
directly (parse, read_file, find_files, build, check); the command line's exact output is in
test_cli_errors.py.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import tracemalloc
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import quizgen
from quizgen import pipeline
from quizgen.exporters import anki, notes
from quizgen.errors import ParseError
from quizgen.generator import Options, generate
from quizgen.model import CARD_KINDS, Document
from quizgen.parser import parse, read_file
from quizgen.render import escape, math

from .conftest import ANSWER, doc_bytes, write_doc

ALL = Options(kinds=frozenset(CARD_KINDS), everything=True)
"""Every card kind and every candidate fact: hostile text must be safe on whatever card it reaches."""
ALL_BUILD = pipeline.BuildOptions(kinds=frozenset(CARD_KINDS), everything=True)
HTML_FIELDS = ("context", "front", "back", "details")


def problem(data: bytes, name: str = "doc.md") -> str:
    """The one-line message parse() gives for a document it refuses."""
    with pytest.raises(ParseError) as e:
        parse(data, name)
    return str(e.value)


def fm(yaml_text: str) -> bytes:
    """A document whose front matter is exactly `yaml_text` (line 1 is '---', so its first line is line 2)."""
    return f"---\n{yaml_text}\n---\n&nbsp;\n".encode()


def tree(folder: Path) -> dict[str, bytes | None]:
    """Everything under a folder: relative path -> bytes (None for folders and links)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        out[str(p.relative_to(folder))] = p.read_bytes() if p.is_file() and not p.is_symlink() else None
    return out


# ---------------------------------------------------------------------------------------------- encodings


def test_latin1_text_is_reported_as_not_utf8():
    data = "---\nquestion: Qu'est-ce qu'un caf\xe9?\nanswer: Une boisson.\n---\n".encode("latin-1")
    offset = data.index(b"\xe9")
    assert problem(data, "cafe.md") == f"cafe.md: not UTF-8 text (byte 0xe9 at offset {offset}); save it as UTF-8"


def test_binary_junk_is_reported_in_one_line():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256))
    assert problem(png, "image.md") == "image.md: not UTF-8 text (byte 0x89 at offset 0); save it as UTF-8"
    # valid UTF-8 that is still binary: NUL bytes
    assert problem(b"---\nquestion: a\x00b\n---\n", "nul.md") == "nul.md: binary data, not a text document"


def test_bom_and_crlf_line_endings_just_work():
    plain = parse(doc_bytes(), "doc.md")
    crlf = doc_bytes().replace(b"\n", b"\r\n")
    for data in (b"\xef\xbb\xbf" + doc_bytes(), crlf, b"\xef\xbb\xbf" + crlf, doc_bytes().replace(b"\n", b"\r")):
        assert parse(data, "doc.md") == plain
    assert plain.sections and plain.bold_terms


def test_empty_and_blank_files():
    assert problem(b"", "e.md") == "e.md: empty file"
    assert problem(b" \n\r\n\t\n", "e.md") == "e.md: empty file"
    assert problem(b"\xef\xbb\xbf", "e.md") == "e.md: empty file"


# ---------------------------------------------------------------------------------------------- front matter


def test_no_front_matter():
    assert problem(b"question: What?\nanswer: This.\n", "n.md") == \
        "n.md:1: no YAML front matter (the file must start with a '---' line)"
    assert problem(b"# Just Markdown\n\nSome text.\n", "n.md").startswith("n.md:1: no YAML front matter")


def test_front_matter_never_closed():
    data = b"---\nid: 1\nquestion: What?\nanswer: This.\n\nbody text\n"
    assert problem(data, "u.md") == "u.md:1: front matter is never closed (no second '---' line)"


@pytest.mark.parametrize("text, line, message", [
    ("id: 1\nquestion: What?\nanswer: [unclosed\nsubject: x", 5, "did not find expected ',' or ']'"),
    ("id: 1\nquestion: a: b\nanswer: x", 3, "mapping values are not allowed in this context"),
    ("id: 1\nquestion: What?\n\tanswer: x", 4, "found a tab character that violates indentation"),
    ("id: 1\nseo:\n\ttitle: x\nquestion: What?\nanswer: x", 4, "found character that cannot start any token"),
    ("id: 1\nquestion: \"unterminated\nanswer: x", 4, "found unexpected end of stream"),
    ("id: 1\nquestion: What?\nanswer: *nowhere", 4, "found undefined alias"),
    ("? [a, b]\n: c\nquestion: What?\nanswer: x", 2, "found unhashable key"),
], ids=["flow", "colon", "tab-indent", "tab-token", "quote", "alias", "unhashable"])
def test_yaml_errors_name_the_line(text, line, message):
    assert problem(fm(text), "y.md") == f"y.md:{line}: YAML error: {message}"


def test_yaml_line_numbers_count_from_the_top_of_the_file_with_bom_and_crlf():
    data = b"\xef\xbb\xbf" + fm("id: 1\nquestion: What?\nanswer: x\n\tsubject: y").replace(b"\n", b"\r\n")
    assert problem(data, "y.md") == "y.md:5: YAML error: found a tab character that violates indentation"


@pytest.mark.parametrize("tag", [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/apply:subprocess.check_output [['touch', '{marker}']]",
    "!!python/object/new:subprocess.Popen [['touch', '{marker}']]",
    "!!python/name:os.system",
    "!!python/module:os",
    "!python/object:__main__.Evil {{x: 1}}",
    "!!binary dG91Y2g=",
])
def test_yaml_tags_never_build_python_objects(tmp_path, monkeypatch, tag):
    marker = tmp_path / "executed"
    calls = []
    monkeypatch.setattr(os, "system", lambda *a: calls.append(a))
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: calls.append(a))
    for field in ("id", "question", "answer", "seo"):
        fields = {"id": "1", "question": "'What?'", "answer": "'This.'"}
        fields[field] = tag.format(marker=marker)
        text = "\n".join(f"{k}: {v}" for k, v in fields.items())
        try:
            doc = parse(fm(text), "evil.md")
        except ParseError as e:
            assert str(e).startswith("evil.md:")
            assert "\n" not in str(e)
        else:  # !!binary is safe YAML: bytes, never code; only where the value is not used
            assert isinstance(doc, Document) and field == "seo"
    assert not marker.exists() and calls == []


def test_safe_loader_refuses_python_tags_with_a_line_number():
    text = "id: 1\nquestion: What?\nanswer: !!python/object/apply:os.system ['true']"
    assert problem(fm(text), "t.md") == ("t.md:4: YAML error: could not determine a constructor for the tag "
                                         "'tag:yaml.org,2002:python/object/apply:os.system'")


def _laughs(levels: int = 9, width: int = 9) -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    names = "abcdefghijklmnop"
    for i in range(1, levels):
        lines.append(f"{names[i]}: &{names[i]} [" + ", ".join([f"*{names[i - 1]}"] * width) + "]")
    return "\n".join(lines), names[levels - 1]


def _merge_bomb(levels: int = 9) -> str:
    lines = ["m0: &m0 {" + ", ".join(f"k{i}: {i}" for i in range(10)) + "}"]
    for i in range(1, levels):
        lines.append(f"m{i}: &m{i} {{<<: [" + ", ".join([f"*m{i - 1}"] * 10) + "]}")
    return "\n".join(lines), f"m{levels - 1}"


@pytest.mark.parametrize("bomb", ["laughs", "merge"])
@pytest.mark.parametrize("where", ["unused", "answer", "question", "keywords", "related", "subject", "id"])
def test_alias_bombs_take_bounded_time_and_memory(bomb, where):
    anchors, top = _laughs() if bomb == "laughs" else _merge_bomb()
    fields = {"id": "1", "question": "What?", "answer": "'Lead **Term**: x.'", "subject": "Medicine"}
    if where == "keywords":
        fields["seo"] = "{page_keywords: *%s, title: *%s}" % (top, top)
    elif where == "related":
        fields["related_article1"] = f"*{top}"
        fields["related_article2"] = "{id: *%s}" % top
    elif where != "unused":
        fields[where] = f"*{top}"
    text = anchors + "\n" + "\n".join(f"{k}: {v}" for k, v in fields.items())
    tracemalloc.start()
    start = time.perf_counter()
    try:
        result = parse(fm(text), "bomb.md")
        cards = generate(result, ALL)
    except ParseError as e:
        result, cards = e, []
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 5 and peak < 50_000_000  # a bomb expanded would take minutes and gigabytes
    if isinstance(result, ParseError):  # refused, in one line, naming the field
        assert str(result).startswith(f"bomb.md: '{where}' must be")
    else:  # harmless: nothing of the bomb reaches a card
        assert where in ("unused", "keywords", "related")
        assert not any("lol" in c.front + c.back for c in cards)


def test_deep_nesting_is_a_yaml_error_not_a_crash():
    text = "id: 1\nquestion: What?\nanswer: x\nz: " + "[" * 20_000 + "]" * 20_000
    assert problem(fm(text), "deep.md").startswith("deep.md:5: YAML error: ")


@pytest.mark.parametrize("text, kind", [
    ("- question: What?\n- answer: x", "a list"),
    ("just some text", "text"),
    ("42", "a number"),
    ("", "empty"),
])
def test_front_matter_that_is_not_a_mapping(text, kind):
    assert problem(fm(text), "m.md") == f"m.md:2: front matter is {kind}, not a mapping of fields"


# ---------------------------------------------------------------------------------------------- fields


def test_answer_that_is_a_list_is_refused():
    assert problem(doc_bytes(answer=["one", "two"])) == "doc.md: 'answer' must be text, not a list"
    assert problem(doc_bytes(answer={"a": 1})) == "doc.md: 'answer' must be text, not a mapping"
    assert problem(doc_bytes(question=["What?"])) == "doc.md: 'question' must be text, not a list"


def test_numeric_subject_and_string_id_build():
    doc = parse(doc_bytes(subject=42, id="abc-12"), "doc.md")
    assert (doc.subject, doc.key) == ("42", "abc-12")
    cards = generate(doc)
    assert cards and {c.subject for c in cards} == {"42"} and {c.doc_key for c in cards} == {"abc-12"}


def test_ids_of_the_wrong_type():
    assert problem(doc_bytes(id=[1, 2])) == "doc.md: 'id' must be a number or text, not a list"
    assert problem(doc_bytes(id=1.5)) == "doc.md: 'id' must be a whole number or text, not a decimal number"
    assert problem(doc_bytes(id=True)) == "doc.md: 'id' must be a number or text, not true/false"
    assert parse(doc_bytes(id=None), "x/my-doc.md").key == "file:my-doc"


HUGE_NUMBERS = ["1" + "0" * 5000, "0x" + "f" * 3600, "0o" + "7" * 5000, "0b" + "1" * 15000, "1_" * 4400 + "1",
                "59:" * 2500 + "1"]
"""Integers too long for Python's int-string limit (4,300 digits), or that become so in decimal."""


@pytest.mark.parametrize("number", HUGE_NUMBERS, ids=["decimal", "hex", "octal", "binary", "underscores",
                                                      "sexagesimal"])
def test_numbers_too_long_for_python_ints_are_kept_as_text(number):
    data = fm(f"id: {number}\nquestion: {number}\nsubject: {number}\nanswer: 'Lead **Alpha Term** is a thing that every test of this file reads.'\n"
              f"seo:\n  page_keywords: [{number}, thing]\nrelated_article1:\n  id: {number}")
    doc = parse(data, "doc.md")
    assert doc.key == doc.question == number and doc.related == (number,)
    assert doc.keywords == (number, "thing")
    assert generate(doc, ALL)


def test_huge_numbers_build_in_worker_processes_too(tmp_path):
    for n, number in enumerate(HUGE_NUMBERS * 12):  # enough files for workers
        (tmp_path / f"d{n:03}.md").write_bytes(fm(
            f"id: {n}\nquestion: What is {number}?\nsubject: {number}\nanswer: 'Lead **Alpha Term** is thing {n}.'"))
    report = quizgen.check([tmp_path], pipeline.BuildOptions(jobs=2))
    assert report.skipped == [] and report.read == len(HUGE_NUMBERS) * 12


@pytest.mark.parametrize("paragraph", ["a. " * 100_000, "x.) " * 50_000, "Dr. e.g. " * 40_000],
                         ids=["stops", "stops-and-parens", "abbreviations"])
def test_a_paragraph_of_endless_stops_builds_in_bounded_time(tmp_path, paragraph):
    """Punkt gave up (nltk's 5 s regex limit: 'internal error') on 100,000 'a. ': past PUNKT_MOST, every
    stop whose end Punkt would have to decide is a break."""
    from quizgen.text import PUNKT_MOST, sentence_spans

    started = time.monotonic()
    spans = sentence_spans(paragraph)
    assert spans == sorted(spans) and spans[-1][1] == len(paragraph.rstrip())
    assert len(spans) > PUNKT_MOST or ")" in paragraph  # a stop before ')' is no break without Punkt
    write_doc(tmp_path, "stops.md", answer="Lead **Alpha Term** is here.\\n\\n" + paragraph)
    report = quizgen.check([tmp_path], ALL_BUILD)
    assert report.skipped == [] and report.read == 1
    assert time.monotonic() - started < 30  # was minutes of Punkt, or its TimeoutError


def test_missing_question_or_answer():
    assert problem(doc_bytes(drop=["question", "title"])) == \
        "doc.md: no question (expected a 'question' or 'title' field)"
    assert problem(doc_bytes(drop=["answer"])) == "doc.md: no answer (expected an 'answer' field)"
    assert problem(doc_bytes(answer=None)) == "doc.md: no answer (expected an 'answer' field)"
    assert problem(doc_bytes(answer="&nbsp;")) == "doc.md: the answer is empty"
    assert parse(doc_bytes(drop=["question"]), "doc.md").question == "What happens at the neuromuscular junction?"


# ---------------------------------------------------------------------------------------------- files


def test_a_document_within_the_size_limit_is_checked_in_bounded_time(tmp_path):
    write_doc(tmp_path, "one-sentence.md", id=1,
              answer="Lead. " + " ".join(f"**Term{i} word**" for i in range(2000)) + " end.")
    write_doc(tmp_path, "long-list.md", id=2,
              answer="Lead.\\n\\n" + "".join(f"{i}. **Term {i}**: body {i}.\\n" for i in range(1, 2000)))
    assert all(p.stat().st_size < 100_000 for p in tmp_path.iterdir())
    proc = subprocess.run([sys.executable, "-m", "quizgen", "check", str(tmp_path)], capture_output=True, timeout=5)
    assert proc.returncode == 0


def test_size_limit_has_a_clear_message_and_can_be_raised(tmp_path):
    big = write_doc(tmp_path, "big.md", answer=ANSWER + "\\n\\n" + "Filler text. " * 100_000)
    size = big.stat().st_size
    with pytest.raises(ParseError) as e:
        read_file(str(big))
    assert str(e.value) == (f"{big}: file is {size:,} bytes, over the 1,000,000-byte limit "
                            "(raise it with --max-size)")
    assert read_file(str(big), max_size=size).key == "910001"
    with pytest.raises(ParseError, match="over the 1,000-byte limit"):
        read_file(str(write_doc(tmp_path, "small.md")), max_size=1000)


def test_find_files_skips_hidden_files_backups_and_reports_broken_links(tmp_path):
    good = write_doc(tmp_path, "good.md")
    write_doc(tmp_path, "notes.txt", id=2, question="A text file?")
    for junk in (".hidden.md", ".#good.md", "#good.md#", "good.md~", "good.md.bak", "good.md.swp", ".good.md.swp",
                 "good.md.orig", "~$good.md", "good.md.tmp", "README.rst", "image.png"):
        (tmp_path / junk).write_bytes(b"\x89 not a document")
    (tmp_path / ".git").mkdir()
    write_doc(tmp_path / ".git", "inside.md")
    (tmp_path / "folder.md").mkdir()  # a directory named like a document is just a folder
    inner = write_doc(tmp_path / "folder.md", "inner.md", id=3, question="Inside?")
    (tmp_path / "empty.md").mkdir()
    (tmp_path / "broken.md").symlink_to(tmp_path / "nowhere.md")
    (tmp_path / "loop.md").symlink_to(tmp_path / "loop.md")
    (tmp_path / "link.md").symlink_to(good)
    files, problems = pipeline.find_files([tmp_path])
    assert files == [str(good), str(tmp_path / "link.md"), str(tmp_path / "notes.txt"), str(inner)]
    assert problems == [f"{tmp_path / 'broken.md'}: broken symbolic link", f"{tmp_path / 'loop.md'}: broken symbolic link"]


def test_paths_named_on_the_command_line(tmp_path):
    doc = write_doc(tmp_path, "doc.markdown")
    (tmp_path / "dangling").symlink_to(tmp_path / "gone")
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    files, problems = pipeline.find_files([doc, tmp_path / "missing.md", tmp_path / "dangling", fifo, doc])
    assert files == [str(doc)]  # any suffix when named, and only once
    assert problems == [f"{tmp_path / 'missing.md'}: no such file or folder",
                        f"{tmp_path / 'dangling'}: broken symbolic link",
                        f"{fifo}: not a regular file"]


def test_a_fifo_in_a_folder_is_never_opened(tmp_path):
    write_doc(tmp_path, "good.md")
    os.mkfifo(tmp_path / "pipe.md")
    report = pipeline.check([tmp_path])  # would hang if the pipe were read
    assert report.read == 1


UNREADABLE_AS_ROOT = "tests run as root, and root reads a chmod 000 file; the setuid test below covers it"


@pytest.mark.skipif(os.geteuid() == 0, reason=UNREADABLE_AS_ROOT)
def test_unreadable_file_is_skipped_with_one_line(tmp_path):
    write_doc(tmp_path, "good.md")
    locked = write_doc(tmp_path, "locked.md", id=2)
    locked.chmod(0)
    report = pipeline.check([tmp_path])
    assert report.skipped == [f"{locked}: cannot read file: Permission denied"] and report.read == 1


@pytest.mark.skipif(os.geteuid() != 0 or not hasattr(os, "fork"), reason="needs root to drop to another user")
def test_unreadable_file_is_skipped_with_one_line_as_another_user():
    """As root, chmod 000 stops nobody; a child that really is another user (uid 65534) is stopped."""
    folder = Path(tempfile.mkdtemp(prefix="quizgen-perm-"))
    try:
        folder.chmod(0o755)
        write_doc(folder, "good.md")
        locked = write_doc(folder, "locked.md", id=2)
        locked.chmod(0)
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            try:
                os.close(read_end)
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
                report = pipeline.check([folder], pipeline.BuildOptions(jobs=1))
                os.write(write_end, ("\n".join(report.skipped) + f"\n{report.read}").encode())
            finally:
                os._exit(0)
        os.close(write_end)
        with os.fdopen(read_end, "rb") as f:
            lines = f.read().decode().split("\n")
        os.waitpid(pid, 0)
        assert lines == [f"{locked}: cannot read file: Permission denied", "1"]
    finally:
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()


def test_the_rest_still_builds_and_each_bad_file_gets_one_line(tmp_path):
    src = tmp_path / "in"
    write_doc(src, "a.md", id=1, question="What is A?")
    write_doc(src, "b.md", id=2, question="What is B?")
    write_doc(src, "c-bad.md", raw=fm("id: 3\nquestion: [x\nanswer: y"))
    write_doc(src, "d-latin1.md", raw="---\nquestion: caf\xe9\n---\n".encode("latin-1"))
    write_doc(src, "e-empty.md", raw=b"")
    write_doc(src, "f-noanswer.md", id=6, drop=["answer"])
    out = tmp_path / "deck.json"
    report = quizgen.build([src], out)
    assert report.skipped == [
        f"{src / 'c-bad.md'}:4: YAML error: did not find expected ',' or ']'",
        f"{src / 'd-latin1.md'}: not UTF-8 text (byte 0xe9 at offset 17); save it as UTF-8",
        f"{src / 'e-empty.md'}: empty file",
        f"{src / 'f-noanswer.md'}: no answer (expected an 'answer' field)",
    ]
    assert (report.found, report.read, report.exit_code) == (6, 2, 1)
    assert out.exists() and report.summary().startswith("2 documents read, 4 skipped; ")


def test_parallel_workers_report_the_same_lines(tmp_path):
    for n in range(70):
        if n % 10 == 3:
            write_doc(tmp_path, f"d{n:02}.md", raw=fm(f"id: {n}\nquestion: What?\n\tanswer: x"))
        else:
            write_doc(tmp_path, f"d{n:02}.md", id=n, question=f"What is item {n}?")
    one = pipeline.check([tmp_path], pipeline.BuildOptions(jobs=1))
    two = pipeline.check([tmp_path], pipeline.BuildOptions(jobs=2))
    assert one.skipped == two.skipped and len(one.skipped) == 7
    assert (one.read, one.cards) == (two.read, two.cards) == (63, one.cards)


# ---------------------------------------------------------------------------------------------- duplicate ids


def test_identical_documents_are_merged(tmp_path):
    first = write_doc(tmp_path, "a.md")
    second = write_doc(tmp_path, "b.md")
    report = pipeline.check([tmp_path])
    assert report.read == 1 and report.skipped == [] and report.exit_code == 0
    assert report.merged == [f"{second}: same document as {first} (merged)"]
    assert "1 document read, 1 merged, 0 skipped" in report.summary()


def test_different_documents_with_one_id_both_build_with_distinct_card_ids(tmp_path):
    first = write_doc(tmp_path, "a.md", id=5)
    second = write_doc(tmp_path, "b.md", id=5, question="What ends a signal at the junction?")
    report = pipeline.Report()
    cards = list(pipeline.cards([tmp_path], ALL_BUILD, report))
    assert report.read == 2 and report.merged == [] and report.exit_code == 0
    assert [w for w in report.warnings if " id " in w] == [
        f"{second}: id 5 is also used by {first}, a different document; both are built, with distinct card ids"]
    ids = [c.id for c in cards]
    assert len(ids) == len(set(ids))
    assert {c.doc_key for c in cards} == {"5", "5~1"}


@pytest.mark.parametrize("ids", [
    ("777", "777~2", "777"),  # b.md was renamed 777~2, the id a2.md already held
    ("777", "777", "777~1"),  # c.md holds the id b.md was renamed to
    ("777", "777~1", "777", "777", "777~2", "777~3"),
], ids=["rename-onto-earlier", "later-holds-renamed", "many"])
def test_renamed_duplicate_ids_never_collide(tmp_path, anki_import, ids):
    for n, id_ in enumerate(ids):
        write_doc(tmp_path / "in", f"d{n}.md", id=id_, question=f"What does document {n} ask about junctions?")
    report = pipeline.Report()
    cards = list(pipeline.cards([tmp_path / "in"], ALL_BUILD, report))
    keys = list(dict.fromkeys(c.doc_key for c in cards))
    assert report.read == len(ids) and len(keys) == len(ids)  # one key per document, none shared
    assert len({c.id for c in cards}) == len(cards)
    again = list(pipeline.cards([tmp_path / "in"], ALL_BUILD, pipeline.Report()))
    assert [c.id for c in again] == [c.id for c in cards]  # the same renames every build
    out = tmp_path / "dup.apkg"
    quizgen.build([tmp_path / "in"], out, ALL_BUILD)
    col = anki_import(out, tmp_path)
    assert len(col.import_log.new) == len(col.find_notes("")) and not col.import_log.duplicate
    assert len(col.find_notes("")) == len([c for c in cards if c.kind != "mcq"])


# ---------------------------------------------------------------------------------------------- writes


def _fails_midway(n_ok: int = 1):
    """A progress callback that interrupts the build after `n_ok` documents, as Ctrl-C would."""
    def progress(stage, n, total):
        if n > n_ok:
            raise KeyboardInterrupt
    return progress


@pytest.mark.parametrize("suffix", [".apkg", ".json"])
def test_interrupted_build_keeps_the_previous_output_and_leaves_nothing(tmp_path, suffix):
    src = tmp_path / "in"
    for n in range(3):
        write_doc(src, f"d{n}.md", id=n, question=f"What is item {n}?")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / f"deck{suffix}"
    quizgen.build([src], out)
    before = out.read_bytes()
    write_doc(src, "d9.md", id=9, question="A new question?")
    with pytest.raises(KeyboardInterrupt):
        quizgen.build([src], out, progress=_fails_midway())
    assert out.read_bytes() == before
    assert sorted(os.listdir(out_dir)) == [out.name]


@pytest.mark.parametrize("suffix", [".apkg", ".json"])
def test_strict_writes_nothing_and_keeps_the_previous_output(tmp_path, suffix):
    src = tmp_path / "in"
    write_doc(src, "a.md")
    out = tmp_path / f"deck{suffix}"
    out.write_bytes(b"previous deck")
    write_doc(src, "bad.md", raw=b"")
    with pytest.raises(pipeline.StrictError) as e:
        quizgen.build([src], out, pipeline.BuildOptions(strict=True))
    assert str(e.value) == "1 input(s) skipped and --strict is on: nothing written"
    assert e.value.report.skipped == [f"{src / 'bad.md'}: empty file"]
    assert out.read_bytes() == b"previous deck"
    assert sorted(os.listdir(tmp_path)) == sorted(["in", out.name])


def test_failure_to_replace_the_output_is_an_output_error_and_cleans_up(tmp_path):
    write_doc(tmp_path / "in", "a.md")
    target = tmp_path / "deck.json"
    target.mkdir()  # a folder where the deck should go
    with pytest.raises(quizgen.OutputError) as e:
        quizgen.build([tmp_path / "in"], target)
    assert str(e.value).startswith(f"{target}: cannot write: ")
    assert sorted(os.listdir(tmp_path)) == ["deck.json", "in"] and os.listdir(target) == []


@pytest.mark.parametrize("suffix", [".apkg", ".json"])
def test_a_build_leaves_nothing_behind(tmp_path, monkeypatch, suffix):
    import genanki

    src = tmp_path / "in"
    for n in range(3):
        write_doc(src, f"d{n}.md", id=n, question=f"What is item {n}?")
    write_doc(src, "bad.md", raw=b"\xff\xfe")
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    monkeypatch.setenv("TMPDIR", str(system_tmp))

    def no_genanki_package(*a, **k):
        raise AssertionError("genanki.Package.write_to_file leaves a temporary db behind")

    monkeypatch.setattr(genanki.Package, "write_to_file", no_genanki_package)
    before = tree(src)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    report = quizgen.build([src], out_dir / f"deck{suffix}")
    assert report.read == 3 and len(report.skipped) == 1
    assert tree(src) == before
    assert os.listdir(out_dir) == [f"deck{suffix}"]
    assert os.listdir(system_tmp) == []
    pipeline.check([src])
    assert tree(src) == before and os.listdir(system_tmp) == []


KILLED_BUILD = """
import multiprocessing, sys, time
from quizgen import pipeline
cards = pipeline.cards([sys.argv[1]], pipeline.BuildOptions(jobs=2), pipeline.Report())
next(cards)  # the workers are running; reading no further fills their pipes and blocks them in a write
print(" ".join(str(p.pid) for p in multiprocessing.active_children()), flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    """Whether a process runs (a zombie waiting for its new parent to reap it has ended)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_end_when_their_build_is_killed(tmp_path):
    """kill -9 of a build whose workers are blocked writing to it: they end too, within 5 s."""
    for n in range(pipeline.PARALLEL_FROM * 3):
        write_doc(tmp_path / "in", f"d{n:03}.md", id=930000 + n, question=f"What happens at junction {n}?")
    build = subprocess.Popen([sys.executable, "-c", KILLED_BUILD, str(tmp_path / "in")], stdout=subprocess.PIPE,
                             text=True)
    try:
        workers = [int(p) for p in build.stdout.readline().split()]
        assert len(workers) == 2 and all(_alive(p) for p in workers)
        time.sleep(0.5)  # long enough for each to fill its pipe and block in a write
        assert all(_alive(p) for p in workers)
    finally:
        build.kill()
        build.wait()
        build.stdout.close()
    deadline = time.monotonic() + 5
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [p for p in workers if _alive(p)]
    for pid in left:  # never leave them behind, even when the test fails
        os.kill(pid, 9)
    assert left == []


# ---------------------------------------------------------------------------------------------- hostile content

HOSTILE = {
    "html.md": dict(
        id=920001,
        question="What does <script>alert('q')</script> do to <img src=x onerror=alert(1)>?",
        subject="<b onmouseover=alert(1)>Toxicology</b>",
        answer=(
            "Lead <script>alert(1)</script> with <img src=x onerror=alert(2)> and "
            "<iframe src=\"javascript:alert(3)\"></iframe> inline.\\n\\n"
            "<script>alert('block')</script>\\n\\n"
            "<div onclick=\"alert(4)\">a raw block</div>\\n\\n"
            "1. **<em onclick=confirm(5)>Toxin</em> Uptake**: the first step <svg onload=alert(6)> happens here in the cell.\\n"
            "2. **<blink onfocus=confirm(7)>Receptor</blink> Docking**: the second step binds the membrane of the cell.\\n"
            "3. **<marquee onstart=confirm(8)>Cargo</marquee> Exit**: the third step releases its load into the blood.\\n\\n"
            "In summary, <a href=\"javascript:alert(9)\">click</a> is only text."
        ),
        seo={"page_keywords": "<script>alert(10)</script>, <img src=x onerror=alert(11)>, second step"},
        url="javascript:alert(12)",
        date="<script>alert(13)</script>",
    ),
    "links.md": dict(
        id=920002,
        question="Which links are safe?",
        answer=(
            "Links: [js](javascript:alert(1)), [JS](JaVaScRiPt:alert(2)), [enc](java&#115;cript:alert(3)), "
            "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCg0KTwvc2NyaXB0Pg==), <javascript:alert(5)>, "
            "[vb](vbscript:msgbox(6)), ![img](javascript:alert(7)), [ref][r], "
            "[quote](https://example.org/a\"onmouseover=\"alert(8)) and [ok](https://example.org/page?a=1&b=2).\\n\\n"
            "[r]: javascript:alert(9)\\n\\n"
            "1. **[Linked Term](javascript:alert(10))**: the first step links two pages of the site.\\n"
            "2. **Second Term**: see the [docs](data:text/html,<script>alert(11)</script>) for the whole story.\\n"
            "3. **Third Term**: mail [us](mailto:team@example.org) with any question about the course."
        ),
        seo={"page_keywords": "first step, javascript:alert(12)"},
    ),
    "anki.md": dict(
        id=920003,
        question="What does {{c1::hidden}} mean for {{Front}} and {{#Back}}?",
        answer=(
            "Lead with {{c1::secret}} and {{c2::other::hint}} and {{Front}} and {{/Back}} and :: and }} "
            "and {{ alone and [sound:evil.mp3] and [latex]\\\\write18{ls}[/latex] and [$]x[/$].\\n\\n"
            "1. **{{c3::Term}}**: step one shows {{Text}} literally on the front of a card.\\n"
            "2. **Double::Colon**: step two has two marks inside its own label.\\n"
            "3. **Closing }}**: step three ends what a template opened before.\\n\\n"
            "In summary, math $a}}b$ and $x^{{2}}$ stays math."
        ),
        seo={"page_keywords": "{{c5::kw}}, {{Back Extra}}, double colon"},
    ),
    "mathjax.md": dict(
        id=920004,
        question="Can math make links?",
        answer=(
            "Lead &#92;(\\\\href{javascript:alert(1)}{click}&#92;) and $\\href{javascript:alert(2)}{x}$ and "
            "$$\\style{color:red}{y}$$ and $\\class{evil}{z}$ and $\\url{javascript:alert(3)}$ and "
            "$\\require{html}$ and &#92;[ \\\\cssId{x}{y} &#92;] text.\\n\\n"
            "1. **Alpha Step**: first with $x^2$ kept as math.\\n"
            "2. **Beta Step**: second with $\\frac{a}{b}$ kept.\\n"
            "3. **Gamma Step**: third."
        ),
    ),
    "terms.md": dict(
        id=920005,
        question="How many labels can one answer hold?",
        answer=(
            "Lead with **" + "Extraordinarily " * 18 + "Long**: a 300-character term, **!!!** and **::** and "
            "**...** and **—** as terms.\\n\\n"
            + "".join(f"{n}. **Term Number {n}**: the explanation of row {'abcdefghijklmnopqrstuvwxyz'[n % 26]}{n // 26} in a long list.\\n" for n in range(1, 81))
            + "\\nIn summary, eighty terms."
        ),
    ),
    "unicode.md": dict(
        id=920006,
        question="Wie wirkt Ca²⁺ auf β-Zellen? 🧪",
        subject="Médecine",
        answer=(
            "Calcium (Ca²⁺) enters β-cells; in Arabic الكالسيوم, in Hebrew סידן, in Hindi कैल्शियम, "
            "in Chinese 钙离子, a scientist 👩‍🔬, a flag 🇳🇿, decomposed café and Ångström Å. "
            "Where $x$ and $y$ are both math.\\n\\n"
            "1. **Ca²⁺ Influx**: calcium enters the cell through its channels.\\n"
            "2. **β-Cell Response**: insulin is released into the blood stream.\\n"
            "3. **العربية Term**: right-to-left text ‮reversed‬ stays as it was written."
        ),
        seo={"page_keywords": "Ca²⁺, β-cells, 钙离子"},
    ),
    "controls.md": dict(
        id=920007,
        question="What\x1fis\x1b[31m red\x07 and\x00 hidden?",
        subject="Medi\x1fcine",
        answer=(
            "Lead\x1f with \x1b]0;title\x07 escapes and &#31; entities and &#27;[2J clears.\n\n"
            "1. **Alpha\x1fOne**: first\x0bstep.\n2. **Beta**: second.\n3. **Gamma**: third `co\x1fde`."
        ),
        seo={"page_keywords": "first\x1fstep, \x9bcsi"},
    ),
}
HOSTILE["unicode.md"]["answer"] = HOSTILE["unicode.md"]["answer"].replace("café", "cafe\u0301").replace(
    "Å.", "\u212b.")

UNICODE_KEPT = ["Ca²⁺", "β-cells", "الكالسيوم", "סידן", "कैल्शियम", "钙离子", "👩‍🔬", "🇳🇿", "cafe\u0301", "\u212b",
                "‮reversed‬", "Wie wirkt Ca²⁺ auf β-Zellen? 🧪"]

ALLOWED_TAG = re.compile(
    r'</?(?:p|b|i|code|pre|a|br|ul|ol|li|h4|table|tr|th|td|div|span|details|summary|hr)'
    r'(?:\s+(?:class|href|start)="[^"<>]*")*\s*/?>')
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "poster", "srcdoc"}
UNSAFE_TEX = re.compile(r"\\(?:href|url|style|class|cssId|require|data|mmlToken|bbox|unicode|html\w*|def|let|"
                        r"(?:re)?newcommand|color|textcolor|colorbox|enclose|char|verb)(?![A-Za-z])")
"""MathJax commands that style, colour, link, define macros or load extensions (the test's own list)."""


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []
        self.chunks: list[str] = [""]
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        self.chunks.append("")
        self.skip += tag in ("code", "pre", "style")

    def handle_endtag(self, tag):
        self.chunks.append("")
        self.skip -= tag in ("code", "pre", "style")

    def handle_data(self, data):
        if not self.skip:
            self.chunks[-1] += data


def unsafe_parts(markup: str) -> list[str]:
    """What in a piece of card HTML could run or navigate: script-capable tags, event handlers, script
    URLs, and MathJax commands that make links or markup in text a browser shows as math."""
    parser = _Tags()
    parser.feed(markup)
    parser.close()
    bad = []
    for tag, attrs in parser.tags:
        if tag in {"script", "iframe", "img", "svg", "object", "embed", "link", "meta", "form", "input", "base",
                   "frame", "video", "audio", "source", "math"}:
            bad.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                bad.append(f"{tag} {name}=")
            target = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name in URL_ATTRIBUTES and target.startswith(("javascript:", "vbscript:", "data:")):
                bad.append(f"{tag} {name}={value}")
    if re.search(r"<script", markup, re.I) or re.search(r"<[^>]*\son\w+\s*=", markup, re.I):
        bad.append("raw script or handler")
    for chunk in parser.chunks:  # MathJax sees text between tags, entities decoded
        for segment in re.findall(r"\\\((.*?)\\\)|\\\[(.*?)\\\]", chunk, re.S):
            if UNSAFE_TEX.search("".join(segment)):
                bad.append(f"math {''.join(segment)!r}")
    return bad


def off_allowlist(markup: str) -> list[str]:
    """Every '<' that does not open one of the tags cards are allowed to use (with class/href/start only)."""
    return [markup[i:i + 40] for i in (m.start() for m in re.finditer("<", markup))
            if not ALLOWED_TAG.match(markup, i)]


def stray_anki_syntax(card) -> list[str]:
    """Anki syntax on a card that the generator did not put there itself."""
    bad = []
    for name in HTML_FIELDS:
        value = getattr(card, name)
        if card.is_cloze and name == "front" or card.is_cloze and name == "context":
            opened = value.count("{{c1::")
            if value.count("{{") != opened or value.count("}}") != opened:
                bad.append(f"{name}: unbalanced braces")
        elif "{{" in value or "}}" in value:
            bad.append(f"{name}: braces")
        if re.search(r"\[(?:sound:|latex\]|\$\]|\$\$\]|anki:)", value, re.I):
            bad.append(f"{name}: Anki media or LaTeX tag")
    return bad


@pytest.fixture(scope="module")
def hostile_cards():
    out = {}
    for name, fields in HOSTILE.items():
        doc = parse(doc_bytes(**fields), name)
        out[name] = (doc, generate(doc, ALL))
    return out


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_documents_build_safe_cards(hostile_cards, name):
    doc, cards = hostile_cards[name]
    assert cards, name
    for card in cards:
        for field in HTML_FIELDS:
            value = getattr(card, field)
            assert off_allowlist(value) == [], (card.kind, field, value)
            assert unsafe_parts(value) == [], (card.kind, field, value)
        assert stray_anki_syntax(card) == [], (card.kind, card.front)
        assert all(h.startswith(("http://", "https://", "mailto:"))
                   for h in re.findall(r'href="([^"]*)"', "".join(getattr(card, f) for f in HTML_FIELDS)))


def test_html_in_every_field_is_shown_as_text(hostile_cards):
    doc, cards = hostile_cards["html.md"]
    qa = next(c for c in cards if c.kind == "qa")
    shown = html.unescape(qa.front + qa.details + qa.context)
    for text in ("<script>alert('q')</script>", "<img src=x onerror=alert(1)>", "<iframe src=\"javascript:alert(3)\">",
                 "<svg onload=alert(6)>", "<a href=\"javascript:alert(9)\">click</a>"):
        assert text in shown
    assert "&lt;b Onmouseover=alert(1)&gt;toxicology&lt;/b&gt;" in qa.context  # a subject, normalised, as text
    assert all(c.source_url == "" for c in cards)  # a javascript: url is no source link
    assert [c for c in cards if c.kind != "qa"]  # hostile text does not stop the cards of the rest


def test_only_http_and_mailto_links_survive(hostile_cards):
    doc, cards = hostile_cards["links.md"]
    hrefs = {h for c in cards for f in HTML_FIELDS for h in re.findall(r'href="([^"]*)"', getattr(c, f))}
    assert hrefs == {"https://example.org/page?a=1&amp;b=2", "mailto:team@example.org",
                     "https://example.org/a&quot;onmouseover=&quot;alert(8)"}  # the quotes stay inside the value
    qa = next(c for c in cards if c.kind == "qa")
    text = html.unescape(re.sub(r"<[^>]+>", "", qa.details))
    assert "Links: js, JS, enc, data, javascript:alert(5), vb, img, ref, quote and ok." in text  # labels kept


def test_anki_syntax_stays_literal(hostile_cards):
    doc, cards = hostile_cards["anki.md"]
    qa = next(c for c in cards if c.kind == "qa")
    assert "&#123;&#123;c1:&#58;hidden&#125;&#125;" in qa.front
    assert "&#123;&#123;Front&#125;&#125;" in qa.front and "&#123;&#123;#Back&#125;&#125;" in qa.front
    for literal in ("{{c1::secret}}", "{{c2::other::hint}}", "{{Front}}", "{{/Back}}", ":: and }}", "{{ alone",
                    "[sound:evil.mp3]", "[latex]\\write18{ls}[/latex]", "{{Text}}"):
        assert literal in html.unescape(qa.details), literal
    assert "&#91;sound:evil.mp3]" in qa.details
    assert {a for c in cards if c.kind == "cloze" for a in c.answers} >= {"{{c3::Term}}", "Double::Colon", "Closing }}"}
    cloze = next(c for c in cards if c.kind == "cloze" and c.answers == ("{{c3::Term}}",))
    assert cloze.front.count("{{c1::") == 1 and "&#123;&#123;c3:&#58;Term&#125;&#125;" in cloze.front


def test_math_cannot_make_links_or_markup(hostile_cards):
    doc, cards = hostile_cards["mathjax.md"]
    qa = next(c for c in cards if c.kind == "qa")
    assert "\\(x^2\\)" in qa.details and "\\(\\frac{a}{b}\\)" in qa.details
    shown = html.unescape(re.sub(r"<[^>]+>", "", qa.details))
    assert "href{javascript:alert(2)}{x}" in shown  # kept, as text a learner can read
    assert unsafe_parts(qa.details) == []


def test_math_render_keeps_safe_tex_and_refuses_link_commands():
    assert math("x^2") == "\\(x^2\\)"
    assert math("\\frac{a}{b}", display=True) == "\\&#91;\\frac{a}{b}\\]"  # MathJax reads '\[': no raw '['
    for tex in ("\\href{javascript:alert(1)}{x}", "\\url{javascript:x}", "\\style{color:red}{y}",
                "\\class{a}{b}", "\\cssId{i}{c}", "\\require{html}", "\\data{x=1}{y}", "\\mmlToken{mi}{x}"):
        out = math(tex)
        assert not out.startswith(("\\(", "\\[", "\\&#91;")) and out.startswith("<code>"), out
        assert unsafe_parts(f"<p>{out}</p>") == []
    assert math("a [sound:x.mp3] b").count("[") == 0  # Anki's media tags never form, even inside math
    assert math("sound:x.mp3]", display=True).count("[") == 0  # nor from display math's own opener


FOREIGN_TEX = [  # MathJax commands that style, colour, link, define or load: none is typeset from a source
    "\\bbox[background:url(https://evil.example/t.png);position:fixed;top:0;left:0;width:100vw;height:100vh]{x}",
    "\\bbox[red]{x}", "\\style{color:red}{y}", "\\class{evil}{z}", "\\cssId{i}{c}", "\\href{https://x.org}{x}",
    "\\url{https://x.org}", "\\require{html}", "\\unicode{x1F4A9}", "\\unicode[Arial]{65}", "\\htmlStyle{a}{b}",
    "\\htmlClass{a}{b}", "\\htmlData{a=b}{c}", "\\htmlId{a}{b}", "\\def\\x{y}\\x", "\\newcommand{\\x}{y}",
    "\\renewcommand{\\frac}{y}", "\\let\\x\\y", "\\color{red}{x}", "\\textcolor{red}{x}", "\\colorbox{red}{x}",
    "\\enclose{circle}[mathcolor=red]{x}", "\\mmlToken{mi}{x}", "\\data{x=1}{y}", "\\char65", "\\verb|x|",
    "\\ref{x}", "\\eqref{x}", "\\label{x}", "\\tag{x}", "\\begin{evil}x\\end{evil}", "\\begin x", "x\\",
    "a \\) <b>b</b> \\( c", "a \\] b", "\\Huge x", "\\hspace{9999em}", "\\kern9999em", "\\mathchoice{a}{b}{c}{d}",
    "\\frac{\\bbox[red]{a}}{b}", "\\ce{\\href{https://x.org}{H2O}}", "\\text{\\style{color:red}{x}}",
]
MATH_TEX = [  # what math needs, kept as math
    "x^2", "\\frac{a}{b}", "\\sqrt[3]{x}", "\\sum_{i=1}^{n} i^2", "\\int_0^\\infty e^{-x}\\,dx",
    "\\mathrm{d}x", "\\text{if } x > 0", "\\left( \\frac{a}{b} \\right)", "\\alpha + \\beta = \\Gamma",
    "\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}", "\\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix}",
    "f(x) = \\begin{cases} 1 & x > 0 \\\\ 0 & \\text{otherwise} \\end{cases}", "\\ce{H2O}",
    "\\lim_{x \\to 0} \\frac{\\sin x}{x} = 1", "\\mathbb{R}^n", "\\vec{F} = m\\vec{a}", "a \\leq b \\neq c",
    "\\operatorname{sgn}(x)", "\\hat{\\theta}", "\\overline{AB}", "\\{ x \\mid x \\in A \\}", "\\Delta G^\\circ",
]


@pytest.mark.parametrize("tex", FOREIGN_TEX)
def test_math_with_a_command_math_does_not_need_is_shown_as_text(tex):
    for display in (False, True):
        out = math(tex, display)
        assert out.startswith("<code>") and out.endswith("</code>"), out
        assert html.unescape(out[len("<code>"):-len("</code>")]) == ("$$%s$$" if display else "$%s$") % tex
        assert "[" not in out


@pytest.mark.parametrize("tex", MATH_TEX)
def test_math_that_uses_only_what_math_needs_is_typeset(tex):
    inline, display = math(tex), math(tex, display=True)
    assert inline.startswith("\\(") and inline.endswith("\\)"), inline
    assert display.startswith("\\&#91;") and display.endswith("\\]"), display
    assert "[" not in inline + display
    assert html.unescape(inline[2:-2]) == tex.strip()


def test_text_that_looks_like_a_mathjax_delimiter_is_not_math():
    for text in ("\\(\\href{javascript:alert(1)}{x}\\)", "\\[ \\href{javascript:alert(1)}{x} \\]"):
        out = escape(text)
        assert "\\(" not in html.unescape(out) and "\\[" not in html.unescape(out)
        assert html.unescape(out).replace("\u2060", "") == text  # the same text, still readable


def test_long_punctuation_and_many_bold_terms(hostile_cards):
    doc, cards = hostile_cards["terms.md"]
    long_term = ("Extraordinarily " * 18 + "Long").strip()
    assert len(long_term) >= 290 and long_term in doc.bold_terms
    assert {"!!!", "...", "—"} <= set(doc.bold_terms)  # '::' is a colon, not a term
    assert len(doc.bold_terms) >= 80 and len(doc.sections[0].steps) == 80
    clozed = {a for c in cards if c.kind == "cloze" for a in c.answers}
    assert not clozed & {"!!!", "::", "...", "—", long_term}  # no trivial or overlong deletions
    assert len([c for c in cards if c.extra.get("fact") == "item"]) == 80
    assert len(cards) < 500


CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def test_control_characters_never_reach_a_card(hostile_cards):
    """\\x1f is Anki's field separator (one in a field breaks the whole deck's import); \\x1b starts
    terminal escape sequences in the self-test. YAML escapes and entities such as &#31; make them."""
    doc, cards = hostile_cards["controls.md"]
    assert doc.question == "What is[31m red and hidden?"
    assert doc.subject == "Medi Cine" and doc.keywords == ("first step", "csi")
    texts = [doc.question, doc.subject, doc.answer, *doc.keywords, *doc.bold_terms,
             *(i.text for b in doc.blocks for i in b.inlines), *(b.code for b in doc.blocks)]
    assert not any(CONTROL.search(t) for t in texts)
    assert doc.bold_terms[0] == "Alpha One"
    for card in cards:
        for value in (card.context, card.front, card.back, card.details, *card.answers, *card.tags):
            assert not CONTROL.search(value), (card.kind, value)


@pytest.mark.parametrize("source, expected", [
    ("$x$ and $y$", "$x$ and $y$"),  # was '$x$and$y$': the text between two formulas lost its spaces
    ("$f(x)$ and $(a+b)$", "$f(x)$ and $(a+b)$"),
    ("where $ x $ is", "where $x$ is"),
    ("($ x^2 $)", "($x^2$)"),
    ("costs $ 5 and $ 10", "costs $ 5 and $ 10"),
])
def test_text_between_formulas_keeps_its_spaces(source, expected):
    from quizgen.parser import unescape_answer

    assert unescape_answer(source) == expected


def test_unicode_is_kept_exactly(hostile_cards):
    doc, cards = hostile_cards["unicode.md"]
    qa = next(c for c in cards if c.kind == "qa")
    shown = html.unescape(qa.front + qa.details)
    for text in UNICODE_KEPT:
        assert text in shown, text
    assert doc.subject == "Médecine"
    assert {"β-Cell Response", "العربية Term"} <= {a for c in cards for a in c.answers}  # Ca²⁺ is in the question
    assert "\\(x\\) and \\(y\\) are both math" in qa.details


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs /dev/null")
def test_a_link_to_a_device_is_not_called_broken(tmp_path):
    (tmp_path / "null.md").symlink_to("/dev/null")
    (tmp_path / "gone.md").symlink_to(tmp_path / "nowhere")
    found, problems = pipeline.find_files([tmp_path / "null.md", tmp_path / "gone.md"])
    assert found == [] and problems == [f"{tmp_path / 'null.md'}: not a regular file",
                                        f"{tmp_path / 'gone.md'}: broken symbolic link"]


def test_direction_overrides_in_a_url_never_reach_the_source_link_text():
    card = next(iter(generate(parse(doc_bytes(url="/learn/\u202egnp.exe\u202c/x\u2066y\u2069"), "u.md"), ALL)))
    text = re.sub(r"<[^>]+>", "", notes.source_html(card))
    assert "\u202e" not in text and "\u2066" not in text and "gnp.exe/xy" in html.unescape(text)


# ---------------------------------------------------------------------------------------------- foreign decks


@pytest.fixture(scope="module")
def json_deck(tmp_path_factory) -> dict:
    """A real deck quizgen wrote, as parsed JSON, for the tests to spoil."""
    folder = tmp_path_factory.mktemp("deck")
    write_doc(folder / "in", "a.md")
    quizgen.build([folder / "in"], folder / "deck.json", ALL_BUILD)
    return json.loads((folder / "deck.json").read_text(encoding="utf-8"))


def _quiz(tmp_path, deck_text: str, answers: str = "\n" * 40):
    from click.testing import CliRunner
    from quizgen.quiz.commands import quiz

    path = tmp_path / "deck.json"
    path.write_text(deck_text, encoding="utf-8")
    return CliRunner().invoke(quiz, [str(path), "--db", str(tmp_path / "p.db"), "--new", "50"], input=answers)


def _spoil(deck: dict, change) -> str:
    deck = json.loads(json.dumps(deck))
    change(deck)
    return json.dumps(deck)


@pytest.mark.parametrize("change, message", [
    (lambda d: d["cards"][0].update(front=5), "at cards/0/front: 5 is not of type 'string'"),
    (lambda d: d["cards"][1].update(answers="x"), "at cards/1/answers: 'x' is not of type 'array'"),
    (lambda d: d["cards"][0].update(answers=[["x"]]), "at cards/0/answers/0: ['x'] is not of type 'string'"),
    (lambda d: d["cards"][0].update(kind="riddle"), "at cards/0/kind: 'riddle' is not one of"),
    (lambda d: d["cards"][0].update(id="x"), "at cards/0/id: 'x' does not match"),
    (lambda d: d["cards"][0].pop("front"), "at cards/0: 'front' is a required property"),
    (lambda d: d["cards"][0].update(evil=1), "at cards/0: Additional properties are not allowed ('evil' was unexpected)"),
    (lambda d: d["cards"].__setitem__(0, "card"), "at cards/0: 'card' is not of type 'object'"),
    (lambda d: d.pop("deck"), "at the deck: 'deck' is a required property"),
    (lambda d: d["cards"][0].update(front=["\x1b]0;PWNED\x07" * 100 + "x" * 5000]), "at cards/0/front: "),
], ids=["front-number", "answers-text", "answers-nested", "kind", "id", "missing", "unknown", "card-text",
        "no-deck", "long"])
def test_a_json_deck_that_breaks_the_schema_is_refused_in_one_line(tmp_path, json_deck, change, message):
    result = _quiz(tmp_path, _spoil(json_deck, change))
    assert result.exit_code == 1, result.output
    line = result.output.strip()
    assert "\n" not in line and line.startswith("Error: ") and "not a valid quizgen JSON deck" in line
    assert message in line, line
    assert not CONTROL.search(line) and len(line) < 300


@pytest.mark.parametrize("text", [
    '{"format": "quizgen", "version": 1, "deck": "x", "cards": ' + "[" * 100_000 + "]" * 100_000 + "}",
    '{"format": "quizgen", "version": 1, "deck": "x", "cards": [' + '{"a": ' * 100_000 + "1" + "}" * 100_000 + "]}",
    "[" * 100_000,
    '{"format": "quizgen", "version": "\x1b[2J", "deck": "x", "cards": []}',
], ids=["nested-cards", "nested-objects", "unclosed", "version-escape"])
def test_a_hostile_json_deck_is_one_line_not_a_crash(tmp_path, text):
    result = _quiz(tmp_path, text)
    assert result.exit_code == 1, result.output
    line = result.output.strip()
    assert "\n" not in line and line.startswith("Error: ") and not CONTROL.search(line), line


TERMINAL_ATTACKS = ["\x1b]0;PWNED-TITLE\x07", "&#27;[32mGREEN", "&#x1b;[2J", "&#x1B]0;T&#7;", "\x9b31mCSI",
                    "&#155;", "\r\rOVER", "\x00\x08\x7f"]


def test_control_characters_in_a_json_deck_never_reach_the_terminal(tmp_path, json_deck):
    def change(deck):
        for card in deck["cards"]:
            for name in ("context", "front", "back", "details", "source_url"):
                card[name] = "".join(TERMINAL_ATTACKS) + card[name] + "".join(TERMINAL_ATTACKS)
            card["answers"] = [a + "\x1b[31m" for a in card["answers"]]
            card["choices"] = [c + "\x07" for c in card["choices"]]
    result = _quiz(tmp_path, _spoil(json_deck, change), answers="x\n3\n" * 60)
    assert result.exit_code == 0, result.output
    assert "PWNED-TITLE" in result.output and "GREEN" in result.output  # the text is shown, the controls not
    assert not CONTROL.search(result.output.replace("\r", "")) and "\r" not in result.output


def test_the_self_test_shows_no_controls_in_a_real_terminal_stream(tmp_path, json_deck):
    """The same through a real process whose stdout is a pipe: no ESC but the ones of our own styles."""
    def change(deck):
        for card in deck["cards"]:
            card["front"] = "".join(TERMINAL_ATTACKS) + card["front"]
    path = tmp_path / "deck.json"
    path.write_text(_spoil(json_deck, change), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "quizgen", "quiz", str(path), "--db", str(tmp_path / "p.db")],
                         input=b"\n3\n" * 60, capture_output=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert b"PWNED-TITLE" in run.stdout
    assert not re.search(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]", run.stdout), run.stdout[:400]


# ---------------------------------------------------------------------------------------------- real Anki


@pytest.fixture(scope="module")
def hostile_deck(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    for name, fields in HOSTILE.items():
        write_doc(folder / "in", name, **fields)
    out = folder / "hostile.apkg"
    report = quizgen.build([folder / "in"], out, ALL_BUILD)
    assert report.read == len(HOSTILE) and report.skipped == []
    return folder, out


def test_hostile_deck_imports_into_anki_and_renders_safely(hostile_deck, anki_import):
    folder, apkg = hostile_deck
    col = anki_import(apkg, folder)
    cids = col.find_cards("")
    assert len(cids) > 50 and len(col.import_log.new) == len(col.find_notes(""))
    rendered = {}
    for cid in cids:
        card = col.get_card(cid)
        question, answer = card.question(), card.answer()
        for side in (question, answer):
            assert unsafe_parts(side) == [], side[-600:]
            assert "[anki:play" not in side and "latex-" not in side
        rendered[cid] = (card.note(), question, answer)
    # literal cloze syntax stays text: entity-escaped braces, and no extra cloze card from it
    for note in {n.id: n for n, _, _ in rendered.values()}.values():
        assert len(note.cards()) == 1
    anki_question = next(q for n, q, _ in rendered.values() if "What does" in q and "hidden" in q)
    assert "&#123;&#123;c1:&#58;hidden&#125;&#125;" in anki_question
    step_one = [q for _, q, _ in rendered.values() if "step one shows" in q]
    assert step_one and all("&#123;&#123;Text&#125;&#125;" in q for q in step_one)
    assert not col.get_empty_cards().notes


ANKI_TAGS = dict(  # every way into Anki's media, TTS and LaTeX tags, from math and from plain text
    id=920101,
    question="Does [sound:q.mp3] or $$sound:q2.mp3]$$ play?",
    subject="[sound:subject.mp3]",
    answer=(
        "Lead $$sound:x.mp3]$$ and $$anki:tts lang=en_US]hello$$ spoken $$/anki:tts]$$ and "
        "$$latex]\\input{/etc/passwd}$$ typeset $$/latex]$$ and $$$]x$$ and $$/$]$$ and $$$$]y$$ z $$/$$]$$ "
        "and [anki:tts lang=en_US]text[/anki:tts] and [latex]\\input{x}[/latex] and [$$]y[/$$].\\n\\n"
        "1. **Alpha Step**: the first one $$sound:a.mp3]$$ with $$\\frac{a}{b}$$ kept as it was.\\n"
        "2. **Beta Step**: the second one $\\bbox[background:url(https://evil.example/t.png);position:fixed]{x}$ in a box.\\n"
        "3. **Gamma Step**: the third one [sound:c.mp3] plays a sound of its own."
    ),
    seo={"page_keywords": "[sound:k.mp3], [latex]k[/latex], second"},
    date="[sound:d.mp3]",
    url="/learn/[sound:u.mp3]",
)


def anki_tags(col, text: str) -> tuple[list, list]:
    """(sound/TTS tags, LaTeX images) Anki's own backend finds in a field or a rendered side."""
    av = list(col._backend.extract_av_tags(text=text, question_side=True).av_tags)
    latex = list(col._backend.extract_latex(text=text, svg=False, expand_clozes=True).latex)
    return av, latex


def test_math_and_text_never_make_anki_media_tts_or_latex(tmp_path, anki_import):
    write_doc(tmp_path / "in", "tags.md", **ANKI_TAGS)
    out = tmp_path / "tags.apkg"
    report = quizgen.build([tmp_path / "in"], out, ALL_BUILD)
    assert report.read == 1 and report.skipped == []
    col = anki_import(out, tmp_path)
    cids = col.find_cards("")
    assert len(cids) >= 4  # the question and the three labelled steps at least
    shown = ""
    for cid in cids:
        card = col.get_card(cid)
        assert card.question_av_tags() == [] and card.answer_av_tags() == [], card.answer()[-800:]
        answer = card.answer()
        assert "latex-" not in answer and "[anki:play" not in answer
        for field in card.note().fields:
            assert anki_tags(col, field) == ([], []), field
        shown += html.unescape(answer)
    assert "\\[sound:x.mp3]\\]" in shown  # the math is still there for MathJax, as the source wrote it
    assert "\\[\\frac{a}{b}\\]" in shown
    assert "$\\bbox[background:url(https://evil.example/t.png);position:fixed]{x}$" in shown  # as text
    assert "\\(\\bbox" not in shown


SUBJECT_VARIANTS = [("a.md", "DNA"), ("b.md", "dna"), ("c.md", "Straße"), ("d.md", "STRASSE"),
                    ("e.md", "Caf\u00e9"), ("f.md", "Cafe\u0301"), ("g.md", "CAFE\u0301")]


def test_subjects_that_differ_in_case_or_unicode_form_are_one_deck(tmp_path, anki_import):
    for n, (name, subject) in enumerate(SUBJECT_VARIANTS):
        write_doc(tmp_path / "in", name, id=940000 + n, subject=subject, question=f"What is asked in {name}?")
    out = tmp_path / "subjects.apkg"
    report = quizgen.build([tmp_path / "in"], out, ALL_BUILD)
    assert report.read == len(SUBJECT_VARIANTS) and report.skipped == []
    col = anki_import(out, tmp_path)
    names = {d.name for d in col.decks.all_names_and_ids() if col.decks.card_count(d.id, include_subdecks=False)}
    assert names == {"QuickTakes::DNA", "QuickTakes::Straße", "QuickTakes::Caf\u00e9"}  # first seen, in NFC
    subject_tags = {t for t in col.tags.all() if t.lower().startswith("quizgen::subject::")}
    assert {t.lower() for t in subject_tags} == {"quizgen::subject::dna", "quizgen::subject::straße",
                                                 "quizgen::subject::caf\u00e9"}
    json_out = tmp_path / "subjects.json"
    quizgen.build([tmp_path / "in"], json_out, ALL_BUILD)
    decks = {c["deck"] for c in json.loads(json_out.read_text(encoding="utf-8"))["cards"]}
    assert decks == names
    quizgen.build([tmp_path / "in"], tmp_path / "again.json", ALL_BUILD)
    assert (tmp_path / "again.json").read_bytes() == json_out.read_bytes()


def test_anki_shows_the_unicode_exactly(hostile_deck, anki_import):
    folder, apkg = hostile_deck
    col = anki_import(apkg, folder)
    answers = html.unescape("".join(col.get_card(c).answer() for c in col.find_cards('"deck:QuickTakes::Médecine"')))
    assert answers
    for text in UNICODE_KEPT:  # Anki itself stores note text in NFC (its 'normalize note text' setting)
        assert unicodedata.normalize("NFC", text) in answers, text


# ---------------------------------------------------------------------------------------------- properties


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_parse_or_fail_cleanly(data):
    try:
        assert isinstance(parse(data, "fuzz.md"), Document)
    except ParseError as e:
        assert str(e).startswith("fuzz.md") and "\n" not in str(e)


FRONT_TOKENS = ["---", "\n", " ", "  ", "\t", ":", "- ", "[", "]", "{", "}", "&a ", "*a", "!!", "!!python/name:os.system",
                "'", '"', "#", "|", ">", "id", "question", "answer", "title", "seo", "page_keywords", "<<", "? ",
                "1", "é", "\r\n", "\ufeff", "\\", "%YAML 1.1", "..."]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRONT_TOKENS), max_size=60))
def test_arbitrary_front_matter_parses_or_fails_cleanly(tokens):
    data = ("---\n" + "".join(tokens) + "\n---\n").encode()
    try:
        assert isinstance(parse(data, "fuzz.md"), Document)
    except ParseError as e:
        assert str(e).startswith("fuzz.md") and "\n" not in str(e)


MD_TOKENS = ["**", "*", "_", "`", "```", "~~~", "#", "### ", "\\n", "\\n\\n", "1. ", "2. ", "- ", "  - ", "> ",
             "| a | b |\\n|---|---|\\n| c | d |", "[", "]", "(", ")", "](javascript:alert(1))", "](https://x.org)",
             "<", ">", "<script>", "</script>", "<img src=x onerror=alert(1)>", "&", "&#92;", "&lt;", "&#x3C;",
             "{{c1::", "}}", "{{Front}}", "::", "{", "}", "[sound:x.mp3]", "$", "$$", "\\(", "\\)", "\\[", "\\]",
             "\\href{javascript:alert(1)}{x}", "\\bbox[background:url(x)]{y}", "\\unicode{65}", "\\def\\x{y}",
             "\\frac{a}{b}", "sound:x.mp3]", "anki:tts lang=en]", "/anki:tts]", "latex]", "/latex]", "$]", "$$]",
             "\\", ":", ": ", "\"", "'", " ", "word", "Term", "Ca²⁺", "β",
             "‮", "👩‍🔬", "e\u0301", "\u0000", "\t", "In summary, ", ".", "\x1f", "&#31;", "\x1b[31m", "\x85"]
md_text = st.lists(st.sampled_from(MD_TOKENS), max_size=40).map("".join)


@pytest.fixture(scope="module")
def anki_backend(tmp_path_factory):
    """An empty Anki collection, for its backend's own readers of media, TTS and LaTeX tags."""
    from anki.collection import Collection

    col = Collection(str(tmp_path_factory.mktemp("anki") / "collection.anki2"))
    yield col
    col.close()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(question=md_text, answer=md_text, subject=md_text, keywords=md_text, url=md_text, date=md_text,
       id_=st.one_of(md_text, st.integers()))
def test_markdownish_text_in_any_field_gives_safe_cards(anki_backend, question, answer, subject, keywords, url,
                                                        date, id_):
    data = doc_bytes(question=question, title=question, answer="Lead **Anchor Term**: x. " + answer,
                     subject=subject, seo={"page_keywords": keywords, "title": subject}, url=url, date=date, id=id_)
    try:
        doc = parse(data, "fuzz.md")
    except ParseError as e:
        assert str(e).startswith("fuzz.md") and "\n" not in str(e)
        return
    assert isinstance(doc, Document)
    for card in generate(doc, ALL):
        for field in HTML_FIELDS:
            value = getattr(card, field)
            assert off_allowlist(value) == [], (card.kind, field, value)
            assert unsafe_parts(value) == [], (card.kind, field, value)
            assert not CONTROL.search(value), (card.kind, field, value)
        assert stray_anki_syntax(card) == [], (card.kind, card.context, card.front)
        for value in map(notes.no_anki_tags, notes.single(card).fields):
            assert anki_tags(anki_backend, value) == ([], []), value
