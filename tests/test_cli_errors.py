"""The command line on broken input: the exact stderr lines, exit statuses, --strict, --max-size, `check`,
and real processes (no traceback ever; an interrupted build leaves the previous deck and no temp files)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen import pipeline
from quizgen.cli import cli

from .conftest import ANSWER, write_doc

ROOT = Path(__file__).resolve().parents[1]


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def fm(yaml_text: str) -> bytes:
    return f"---\n{yaml_text}\n---\n&nbsp;\n".encode()


def lines(text: str) -> list[str]:
    return text.splitlines()


@pytest.fixture
def mixed(tmp_path) -> Path:
    """Two good documents and one of each kind of unusable file, in a fixed order."""
    src = tmp_path / "in"
    write_doc(src, "a-good.md", id=1, question="What is A?")
    write_doc(src, "b-good.md", id=2, question="What is B?")
    write_doc(src, "c-yaml.md", raw=fm("id: 3\nquestion: What?\nsubject: [x\nanswer: y"))
    write_doc(src, "d-latin1.md", raw="---\nquestion: Caf\xe9?\n---\n".encode("latin-1"))
    write_doc(src, "e-empty.md", raw=b"")
    write_doc(src, "f-python.md", raw=fm("id: !!python/object/apply:os.system ['echo pwned']\nquestion: Q?\nanswer: A."))
    write_doc(src, "g-list.md", id=7, answer=["one", "two"])
    write_doc(src, "h-unclosed.md", raw=b"---\nid: 8\nquestion: Q?\nanswer: A.\n")
    (src / "i-broken.md").symlink_to(src / "nowhere.md")
    write_doc(src, ".hidden.md", raw=b"\xff")
    write_doc(src, "a-good.md~", raw=b"\xff")
    return src


def expected_errors(src: Path) -> list[str]:
    return [
        f"{src / 'i-broken.md'}: broken symbolic link",
        f"{src / 'c-yaml.md'}:5: YAML error: did not find expected ',' or ']'",
        f"{src / 'd-latin1.md'}: not UTF-8 text (byte 0xe9 at offset 17); save it as UTF-8",
        f"{src / 'e-empty.md'}: empty file",
        f"{src / 'f-python.md'}:2: YAML error: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object/apply:os.system'",
        f"{src / 'g-list.md'}: 'answer' must be text, not a list",
        f"{src / 'h-unclosed.md'}:1: front matter is never closed (no second '---' line)",
    ]


def test_build_prints_one_line_per_unusable_file_and_still_writes(mixed, tmp_path):
    out = tmp_path / "deck.json"
    result = run("build", mixed, "-o", out)
    assert result.exit_code == 1
    assert lines(result.stderr) == expected_errors(mixed)
    report = pipeline.check([mixed])
    report.output, report.size = str(out), out.stat().st_size
    assert lines(result.stdout) == [report.summary()]
    assert report.summary().startswith("2 documents read, 7 skipped; ")


def test_every_input_used_exits_0_with_nothing_on_stderr(tmp_path):
    write_doc(tmp_path / "in", "a.md")
    result = run("build", tmp_path / "in", "-o", tmp_path / "deck.apkg")
    assert (result.exit_code, result.stderr) == (0, "")


def test_quiet_still_prints_the_errors(mixed, tmp_path):
    result = run("build", mixed, "-o", tmp_path / "deck.apkg", "--quiet")
    assert (result.exit_code, result.stdout) == (1, "")
    assert lines(result.stderr) == expected_errors(mixed)


def test_strict_names_every_skipped_file_writes_nothing_and_keeps_the_previous_output(mixed, tmp_path):
    out = tmp_path / "deck.apkg"
    out.write_bytes(b"the previous deck")
    result = run("build", mixed, "-o", out, "--strict")
    assert result.exit_code == 1 and result.stdout == ""
    assert lines(result.stderr) == expected_errors(mixed) + [
        "Error: 7 input(s) skipped and --strict is on: nothing written"]
    assert out.read_bytes() == b"the previous deck"
    assert sorted(os.listdir(tmp_path)) == ["deck.apkg", "in"]


def test_strict_with_clean_input_builds(tmp_path):
    write_doc(tmp_path / "in", "a.md")
    result = run("build", tmp_path / "in", "-o", tmp_path / "deck.json", "--strict")
    assert (result.exit_code, result.stderr) == (0, "") and (tmp_path / "deck.json").exists()


def test_a_file_name_with_control_characters_still_gets_one_line(tmp_path):
    src = tmp_path / "in"
    write_doc(src, "good.md")
    write_doc(src, "two\nlines.md", raw=b"")
    write_doc(src, "esc\x1b[2Jape.md", raw=b"")
    result = run("check", src)
    assert result.exit_code == 1
    assert lines(result.stderr) == [f"{src}/esc\\x1b[2Jape.md: empty file", f"{src}/two\\x0alines.md: empty file"]


def test_yaml_error_line_number_is_the_files_line(tmp_path):
    path = write_doc(tmp_path, "doc.md", raw=b"---\nid: 1\nquestion: What?\nanswer: >-\n    text\n\tsubject: x\n---\n")
    result = run("check", path)
    assert result.exit_code == 1
    assert lines(result.stderr) == [f"{path}:6: YAML error: found a tab character where an indentation space is expected"]
    assert result.stdout == "0 documents read, 1 skipped; 0 cards\n"


def test_max_size_skips_with_a_clear_message_and_can_be_raised(tmp_path):
    big = write_doc(tmp_path / "in", "big.md", answer=ANSWER + "\\n\\n" + "Filler. " * 200)
    size = big.stat().st_size
    result = run("check", big, "--max-size", 1000)
    assert result.exit_code == 1
    assert lines(result.stderr) == [
        f"{big}: file is {size:,} bytes, over the 1,000-byte limit (raise it with --max-size)"]
    result = run("check", big, "--max-size", size)
    assert (result.exit_code, result.stderr) == (0, "")


def test_check_prints_the_same_lines_plus_warnings_and_writes_nothing(mixed, tmp_path):
    plain = write_doc(mixed, "j-plain.md", id=10, question="Why plain?",
                      answer="A lead paragraph with no bold terms and no list at all.")
    long = write_doc(mixed, "k-long.md", id=11, question="Why " + " ".join(["very"] * 90) + " long?")
    dup = write_doc(mixed, "l-dup.md", id=1, question="Is this another A?")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    result = run("check", mixed)
    assert result.exit_code == 1
    errors = expected_errors(mixed)
    got = lines(result.stderr)
    assert got[:len(errors)] == errors
    warnings = got[len(errors):]
    assert f"warning: {plain}: no card: none of its facts passed the checks of a card worth studying" in warnings
    assert any(w.startswith(f"warning: {long}: ") for w in warnings)  # a question that long: said so
    assert (f"warning: {dup}: id 1 is also used by {mixed / 'a-good.md'}, a different document; "
            "both are built, with distinct card ids") in warnings
    assert all(w.startswith("warning: ") for w in warnings)
    assert result.stdout.startswith("5 documents read, 7 skipped; ")
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_check_exits_0_when_only_warnings(tmp_path):
    path = write_doc(tmp_path, "plain.md", answer="Only a lead paragraph, nothing bold.")
    result = run("check", path)
    assert result.exit_code == 0
    assert lines(result.stderr) == [f"warning: {path}: no card: none of its facts passed the checks of a card worth studying"]


def test_build_shows_merges_and_duplicate_ids_but_not_style_warnings(tmp_path):
    src = tmp_path / "in"
    a = write_doc(src, "a.md", id=1)
    b = write_doc(src, "b.md", id=1)
    c = write_doc(src, "c.md", id=1, question="A different question?")
    write_doc(src, "d.md", id=4, question="Plain?", answer="No bold terms here.")
    result = run("build", src, "-o", tmp_path / "deck.apkg")
    assert result.exit_code == 0
    assert lines(result.stderr) == [
        f"{b}: same document as {a} (merged)",
        f"warning: {c}: id 1 is also used by {a}, a different document; both are built, with distinct card ids",
    ]
    assert result.stdout.startswith("3 documents read, 1 merged, 0 skipped; ")


@pytest.mark.parametrize("args, message", [
    (["build", "{src}"], "Missing option '--output' / '-o'."),
    (["build", "-o", "{tmp}/d.json"], "Missing argument 'PATHS...'."),
    (["build", "{tmp}/missing", "-o", "{tmp}/d.json"], "Invalid value for 'PATHS...': Path '{tmp}/missing' does not exist."),
    (["build", "{src}", "-o", "{tmp}/d.pdf"],
     "Invalid value for '--output' / '-o': unknown output format '.pdf' (use one of .apkg, .csv, .html, .json, .tsv, .txt)"),
    (["build", "{src}", "-o", "{tmp}/nowhere/d.json"],
     "Invalid value for '--output' / '-o': folder {tmp}/nowhere does not exist"),
    (["build", "{src}", "-o", "{tmp}/folder.json"], "Invalid value for '--output' / '-o': {tmp}/folder.json is a folder"),
    (["build", "{src}", "-o", "{tmp}/d.json", "--max-size", "0"],
     "Invalid value for '--max-size': 0 is not in the range x>=1."),
    (["check", "{src}", "--cards", "qa,bogus"],
     "Invalid value for '--cards': unknown card kind bogus; choose from qa, cloze, sequence, mcq"),
])
def test_usage_errors_exit_2_and_write_nothing(tmp_path, args, message):
    src = tmp_path / "in"
    write_doc(src, "a.md")
    (tmp_path / "folder.json").mkdir()
    before = sorted(os.listdir(tmp_path))
    result = run(*[a.format(src=src, tmp=tmp_path) for a in args])
    assert result.exit_code == 2, result.output
    assert lines(result.stderr)[-1] == "Error: " + message.format(tmp=tmp_path)
    assert sorted(os.listdir(tmp_path)) == before


# ---------------------------------------------------------------------------------------------- real processes


def quizgen(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "quizgen", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, **kw)


def test_no_traceback_reaches_a_user(mixed, tmp_path):
    out = tmp_path / "deck.apkg"
    proc = quizgen("build", mixed, "-o", out)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert lines(proc.stderr) == expected_errors(mixed)
    assert out.exists()
    # a file name that is not UTF-8 (bytes from another system) and a document inside it that is not either
    fd = os.open(os.fsencode(mixed) + b"/z-caf\xe9.md", os.O_WRONLY | os.O_CREAT)
    os.write(fd, b"---\nquestion: caf\xe9\n---\n")
    os.close(fd)
    proc = quizgen("build", mixed, "-o", out)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert lines(proc.stderr) == expected_errors(mixed) + [
        f"{mixed}/z-caf\\udce9.md: not UTF-8 text (byte 0xe9 at offset 17); save it as UTF-8"]
    proc = quizgen("build", mixed, "-o", tmp_path / "missing" / "deck.json")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def _run_with_bug(tmp_path, target: str):
    code = ("import sys, quizgen.pipeline as p\n"
            "def boom(*a, **k): raise ZeroDivisionError('simulated bug')\n"
            f"p.{target} = boom\n"
            "from quizgen.cli import main\n"
            f"sys.argv = ['quizgen', 'build', {str(tmp_path / 'in')!r}, '-o', {str(tmp_path / 'd.json')!r}]\n"
            "main()\n")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)


def test_even_a_bug_is_one_line_not_a_traceback(tmp_path):
    write_doc(tmp_path / "in", "a.md")
    proc = _run_with_bug(tmp_path, "find_sources")
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 70
    assert lines(proc.stderr) == ["quizgen: internal error: ZeroDivisionError: simulated bug"]
    assert sorted(os.listdir(tmp_path)) == ["in"]


def test_a_bug_met_on_one_document_costs_that_file_not_the_build(tmp_path):
    a = write_doc(tmp_path / "in", "a.md")
    proc = _run_with_bug(tmp_path, "plan")
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 1
    assert lines(proc.stderr) == [f"{a}: could not make cards (internal error: ZeroDivisionError: simulated bug)"]
    assert (tmp_path / "d.json").exists()


@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
@pytest.mark.parametrize("suffix", [".apkg", ".json"])
def test_interrupted_build_keeps_the_previous_deck_and_leaves_no_temp_files(tmp_path, signum, status, suffix):
    src = tmp_path / "in"
    for n in range(300):
        write_doc(src, f"d{n:03}.md", id=n, question=f"What is item number {n}?")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / f"deck{suffix}"
    out.write_bytes(b"the previous deck")
    proc = subprocess.Popen([sys.executable, "-m", "quizgen", "build", str(src), "-o", str(out), "--jobs", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    deadline = time.monotonic() + 60
    while len(os.listdir(out_dir)) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)  # wait until the build has started writing its temporary file
    assert proc.poll() is None, "the build finished before it could be interrupted"
    proc.send_signal(signum)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == status
    assert "Traceback" not in stderr
    assert out.read_bytes() == b"the previous deck"
    assert os.listdir(out_dir) == [out.name]


def _no_room(limit: int = 20_000):
    """In the child: files may not grow past `limit` bytes, as on a full disk (writes fail with EFBIG)."""
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="file-size limits are POSIX")
@pytest.mark.parametrize("suffix", [".apkg", ".json"])
def test_a_full_disk_is_an_output_error_not_a_bug_and_keeps_the_previous_deck(tmp_path, suffix):
    out = tmp_path / f"deck{suffix}"
    assert quizgen("build", ROOT / "seeds", "-o", out, "-q").returncode == 0
    before = out.read_bytes()
    proc = quizgen("build", ROOT / "seeds", "-o", out, preexec_fn=_no_room)
    assert proc.returncode == 1
    (line,) = lines(proc.stderr)
    assert line.startswith(f"Error: {out}: cannot write: ")
    assert out.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == [out.name]
