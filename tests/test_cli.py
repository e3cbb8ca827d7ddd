"""CLI: exact output of the main paths, through CliRunner and as a real subprocess; README and CI agree."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import quizgen
from quizgen.cli import cli
from quizgen.exporters.json import schema_text

ROOT = Path(__file__).parent.parent
SEEDS = ROOT / "seeds"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def seed_documents() -> int:
    """How many documents the seeds hold: a QuickTakes file is one, a note one per heading with text."""
    from quizgen.parser import read_documents
    sources, _ = quizgen.pipeline.find_sources([SEEDS])
    return sum(len(read_documents(path, name=name)) for path, _, name in sources)


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_build_prints_the_library_summary(tmp_path):
    out = tmp_path / "med.apkg"
    result = run("build", SEEDS, "-o", out)
    expected = quizgen.build([SEEDS], tmp_path / "again.apkg").summary().replace("again.apkg", "med.apkg")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == expected + "\n"
    assert result.stderr == ""


def test_quiet_build_prints_nothing(tmp_path):
    result = run("build", SEEDS, "-o", tmp_path / "d.json", "--quiet")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_unknown_output_suffix_is_a_usage_error(tmp_path):
    result = run("build", SEEDS, "-o", tmp_path / "deck.pdf")
    assert result.exit_code == 2
    assert "unknown output format '.pdf' (use one of .apkg, .csv, .html, .json, .tsv, .txt)" in result.stderr
    assert not (tmp_path / "deck.pdf").exists()


def test_unknown_card_kind_is_a_usage_error(tmp_path):
    result = run("build", SEEDS, "-o", tmp_path / "d.json", "--cards", "qa,flashy")
    assert result.exit_code == 2 and "unknown card kind flashy" in result.stderr


def test_cards_option_selects_kinds(tmp_path):
    result = run("build", SEEDS, "-o", tmp_path / "d.json", "--cards", "qa,sequence")
    assert result.exit_code == 0
    assert re.search(r"cards \(\d+ qa, \d+ sequence\)", result.stdout)


def test_check_reports_quality_without_writing(tmp_path):
    result = run("check", SEEDS, "--report")
    assert result.exit_code == 0
    assert re.search(r"cards: \d+ \(.*\); per document: median \d+", result.stdout)
    assert re.search(r"candidate facts: \d+; not made into cards: .*generic label \d+.*give-away \d+", result.stdout)
    assert re.search(r"lists: \d+ learnt in order, \d+ read as sets", result.stdout)
    assert "give-aways (cloze answer visible on its front): 0 of" in result.stdout
    assert result.stdout.rstrip().splitlines()[-1].startswith(f"{seed_documents()} documents read, 0 skipped;")


def test_schema_prints_the_shipped_schema():
    result = run("schema")
    assert result.exit_code == 0 and result.stdout == schema_text()


def test_version():
    assert run("--version").stdout == f"quizgen, version {quizgen.__version__}\n"


def test_module_runs_as_a_subprocess(tmp_path):
    out = tmp_path / "med.apkg"
    proc = subprocess.run([sys.executable, "-m", "quizgen", "build", str(SEEDS), "-o", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"{seed_documents()} documents read, 0 skipped;") and out.stat().st_size > 0


def test_every_command_is_documented():
    for name in cli.commands:
        assert f"### `quizgen {name}`" in README, name


def test_ci_runs_the_readme_commands_exactly():
    commands = re.findall(r"```sh\n(.+?)\n```", README)
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    for command in commands:
        assert command in ci
    assert "quizgen build seeds/ -o decks/med.apkg" in commands[0]
    assert "pytest" in commands[1]


def _many_docs(folder, n):
    from .conftest import write_doc

    for i in range(n):
        write_doc(folder, f"{i:04d}.md", id=i + 1, question=f"What is step {i}?")


def test_parallel_build_as_a_subprocess_ends(tmp_path):
    """Enough files for worker processes, run under the CLI's own signal handling."""
    _many_docs(tmp_path / "in", 70)
    proc = subprocess.run([sys.executable, "-m", "quizgen", "build", str(tmp_path / "in"), "-o",
                           str(tmp_path / "d.apkg"), "--jobs", "2"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("70 documents read, 0 skipped;")


def test_interrupting_a_parallel_build_stops_its_workers(tmp_path):
    """Ctrl-C mid-way: the pool is terminated, and workers that inherited the CLI's SIGTERM handler
    once hung there for ever; now the build ends at once with 130 and leaves nothing behind."""
    _many_docs(tmp_path / "in", 1500)
    proc = subprocess.Popen([sys.executable, "-m", "quizgen", "build", str(tmp_path / "in"), "-o",
                             str(tmp_path / "d.apkg"), "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        deadline = time.monotonic() + 60
        while not any(p.name.startswith(".d.apkg") for p in tmp_path.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.05)  # the export has started, so workers are busy
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 130 and err.strip().endswith("interrupted")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


def test_readme_shows_the_summary_the_seeds_really_give(tmp_path):
    """All but the size, which moves a little with the files' modification times (each note's time)."""
    shown = next(line for line in README.splitlines() if re.match(r"\d+ documents read", line))
    real = quizgen.build([SEEDS], tmp_path / "med.apkg").summary()
    without_size = re.compile(r" \([\d.]+ kB\)$")
    assert without_size.search(shown) and without_size.search(real)
    assert without_size.sub("", shown) == without_size.sub("", real.replace(str(tmp_path / "med.apkg"), "decks/med.apkg"))


def _on_a_terminal(args: list[str]) -> tuple[int, str, str]:
    """Run the CLI with stderr on a pseudo-terminal, as a user sees it: (status, stdout, terminal text)."""
    import os
    import pty

    try:
        main, secondary = pty.openpty()
    except OSError as e:  # a container without /dev/pts
        pytest.skip(f"no pseudo-terminal here: {e}")
    proc = subprocess.Popen([sys.executable, "-m", "quizgen", *args], stdout=subprocess.PIPE, stderr=secondary)
    os.close(secondary)
    seen = b""
    while True:
        try:
            chunk = os.read(main, 1 << 16)
        except OSError:  # EIO: the process closed its end
            break
        if not chunk:
            break
        seen += chunk
    out = proc.stdout.read().decode()
    proc.stdout.close()
    os.close(main)
    return proc.wait(timeout=120), out, seen.decode()


def test_progress_bars_show_on_a_terminal_only_for_big_builds(tmp_path):
    """Documents read, then the deck compressed (the step after the last document); nothing with -q,
    nothing for a small build, nothing when stderr is not a terminal."""
    from quizgen.cli import PROGRESS_FROM

    _many_docs(tmp_path / "in", PROGRESS_FROM)
    status, out, terminal = _on_a_terminal(["build", str(tmp_path / "in"), "-o", str(tmp_path / "d.apkg")])
    assert status == 0 and out.startswith(f"{PROGRESS_FROM} documents read, 0 skipped;")
    assert f"Reading documents  [{'#' * 36}]  100%" in terminal
    assert terminal.index("Reading documents") < terminal.index("Compressing deck")
    assert f"Compressing deck  [{'#' * 36}]  100%" in terminal

    status, out, terminal = _on_a_terminal(["build", str(tmp_path / "in"), "-o", str(tmp_path / "d.apkg"), "-q"])
    assert (status, out, terminal) == (0, "", "")
    status, out, terminal = _on_a_terminal(["build", str(SEEDS), "-o", str(tmp_path / "s.apkg")])
    assert status == 0 and terminal == ""
    proc = subprocess.run([sys.executable, "-m", "quizgen", "build", str(tmp_path / "in"), "-o",
                           str(tmp_path / "j.json")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stderr == ""


def test_the_command_line_starts_without_what_only_building_or_studying_needs():
    """`quizgen --help` loads click and the defaults, not the parser, the generator, genanki, nltk,
    wordfreq, FSRS or the cache (measure with `python -X importtime -c 'import quizgen.cli'`)."""
    script = ("import sys, quizgen.cli; print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
              "('genanki', 'nltk', 'wordfreq', 'fsrs', 'yaml', 'pyromark', 'Stemmer', 'sqlite3', 'multiprocessing')"
              " or m in ('quizgen.pipeline', 'quizgen.parser', 'quizgen.generator', 'quizgen.cache', "
              "'quizgen.quiz.session', 'quizgen.quiz.store', 'quizgen.exporters.anki'))))")
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == ""


def test_the_defaults_the_command_line_shows_are_the_ones_the_library_uses():
    from quizgen import defaults, generator, parser, pipeline
    from quizgen.exporters import anki

    assert defaults.DEFAULT_BASE_URL == generator.DEFAULT_BASE_URL == pipeline.BuildOptions().base_url
    assert (parser.MAX_SIZE, parser.FORMATS, pipeline.DECK_FROM) == (defaults.MAX_SIZE, defaults.FORMATS,
                                                                     defaults.DECK_FROM)
    assert anki.DEFAULT_DECK == pipeline.BuildOptions().deck == defaults.DEFAULT_DECK
