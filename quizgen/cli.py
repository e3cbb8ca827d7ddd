"""The command line: a thin shell over the library. Options in, one report out; errors as one line."""

from __future__ import annotations

import os
import re
import signal
import sys
from typing import TYPE_CHECKING

import click

from . import __version__
from .defaults import CARD_KINDS, DECK_FROM, DEFAULT_BASE_URL, DEFAULT_DECK, DEFAULT_KINDS, FORMATS, MAX_SIZE
from .errors import OutputError, QuizgenError
from .exporters import format_for

if TYPE_CHECKING:
    from . import pipeline

PROGRESS_FROM = 500
"""Show a progress bar (on a terminal) from this many files: smaller builds take under a second."""


def _kinds(ctx, param, value: str | None) -> frozenset[str]:
    if value is None:
        return frozenset(DEFAULT_KINDS)
    kinds = {k.strip().lower() for k in value.split(",") if k.strip()}
    unknown = sorted(kinds - set(CARD_KINDS))
    if unknown or not kinds:
        raise click.BadParameter(f"unknown card kind {', '.join(unknown) or '(none)'}; choose from {', '.join(CARD_KINDS)}")
    return frozenset(kinds)


def _output(ctx, param, value: str) -> str:
    try:
        format_for(value)
    except OutputError as e:
        raise click.BadParameter(str(e).split(": ", 1)[1]) from None
    folder = os.path.dirname(os.path.abspath(value))
    if os.path.isdir(value):
        raise click.BadParameter(f"{value} is a folder")
    if not os.path.isdir(folder):
        raise click.BadParameter(f"folder {folder} does not exist")
    return value


def _orphans(ctx, param, value: str | None) -> str | None:
    if value is None:
        return None
    if os.path.isdir(value):
        raise click.BadParameter(f"{value} is a folder")
    folder = os.path.dirname(os.path.abspath(value))
    if not os.path.isdir(folder):
        raise click.BadParameter(f"folder {folder} does not exist")
    return value


def _common(f):
    """Options `build` and `check` share."""
    f = click.option("--jobs", "-j", type=click.IntRange(0), default=0, show_default="one per CPU",
                     help="Worker processes (small inputs always use one).")(f)
    f = click.option("--max-size", type=click.IntRange(1), default=MAX_SIZE, show_default=True,
                     help="Skip files larger than this many bytes.")(f)
    f = click.option("--base-url", default=DEFAULT_BASE_URL, show_default=True,
                     help="Prefix for site-relative source links.")(f)
    f = click.option("--cards", "kinds", callback=_kinds, metavar="KINDS",
                     help=f"Card kinds, comma-separated, from {','.join(CARD_KINDS)} "
                          f"[default: {','.join(DEFAULT_KINDS)}].")(f)
    f = click.option("--strict", is_flag=True, help="Any skipped input fails the build; nothing is written.")(f)
    f = click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")(f)
    f = click.option("--no-cache", is_flag=True, help="Make every file's cards afresh, neither using nor "
                     "filling the cache of unchanged files' cards (`quizgen cache path`).")(f)
    f = click.option("--format", "fmt", type=click.Choice(FORMATS), default="auto", show_default=True,
                     help="Input format: auto tells QuickTakes documents (front matter with question and "
                          "answer) from Markdown notes (any other .md) per file.")(f)
    return f


def _progress(quiet: bool):
    """(callback, closer) for progress bars on stderr, shown for big builds on a terminal only: documents
    read, then the deck compressed (some seconds for a big .apkg, after the last document)."""
    bars: dict[str, click.progressbar] = {}
    shown = not quiet and sys.stderr.isatty()

    def update(stage: str, done: int, total: int) -> None:
        if not shown or (stage == "read" and total < PROGRESS_FROM) or (stage != "read" and "read" not in bars):
            return
        if stage not in bars:
            for bar in bars.values():
                bar.render_finish()
            label = "Reading documents" if stage == "read" else "Compressing deck"
            bars[stage] = click.progressbar(length=total, label=label, file=sys.stderr)
        bars[stage].update(done - bars[stage].pos)

    def close() -> None:
        if bars:
            list(bars.values())[-1].render_finish()

    return update, close


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f]")


def _one_line(line: str) -> str:
    """A report line as printed: control characters (a newline in a file name, say) shown as \\xNN."""
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}", line)


def _report_lines(report: pipeline.Report, quiet: bool, warnings: bool) -> None:
    for line in report.skipped:
        click.echo(_one_line(line), err=True)
    if not quiet:
        for line in report.merged:
            click.echo(_one_line(line), err=True)
        for line in report.warnings if warnings else [w for w in report.warnings if " id " in w or ": image " in w]:
            click.echo(_one_line(f"warning: {line}"), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="quizgen")
def cli():
    """Turn folders of Q&A documents into flashcards: Anki decks, JSON, and a self-test."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--output", "-o", required=True, callback=_output, metavar="FILE",
              help="Deck to write, chosen by the suffix: .apkg (Anki), .txt/.tsv (Anki text import), "
                   ".csv (term,definition for Quizlet), .json or .html (a study page).")
@click.option("--deck", default=DEFAULT_DECK, show_default=True, help="Root deck; decks are ROOT::Subject.")
@click.option("--orphans", metavar="FILE", callback=_orphans,
              help="Write the Anki search for the notes of documents gone since the last build to FILE "
                   "(.apkg, .txt and .tsv outputs).")
@click.option("--deck-from", type=click.Choice(DECK_FROM), default="subject", show_default=True,
              help="Subdecks: by subject (a note's deck or subject field), by input subfolder, or none.")
@_common
def build(paths, output, deck, orphans, deck_from, kinds, base_url, max_size, jobs, strict, quiet, fmt, no_cache):
    """Build a deck from documents and Markdown notes (folders are read recursively)."""
    from . import pipeline

    pipeline.collect_less()
    if orphans and format_for(output) not in pipeline.PREVIOUS:
        raise click.UsageError("--orphans needs an .apkg, .txt or .tsv output (the formats whose notes carry "
                               "their document's tag)")
    options = pipeline.BuildOptions(kinds=kinds, deck=deck.strip() or DEFAULT_DECK, base_url=base_url,
                                    max_size=max_size, jobs=jobs, strict=strict, orphans=orphans or "",
                                    fmt=fmt, deck_from=deck_from, cache=not no_cache)
    update, close = _progress(quiet)
    try:
        try:
            report = pipeline.build(paths, output, options, progress=update)
        finally:
            close()
    except pipeline.StrictError as e:
        _report_lines(e.report, quiet, warnings=False)
        raise click.ClickException(str(e)) from None
    except QuizgenError as e:
        raise click.ClickException(str(e)) from None
    _report_lines(report, quiet, warnings=False)
    if not quiet:
        for line in report.output_warnings:
            click.echo(_one_line(f"warning: {line}"), err=True)
        click.echo(report.summary())
        if report.gone:
            click.echo(_one_line(report.gone_line()))
    sys.exit(report.exit_code)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--report", "show_report", is_flag=True, help="Print card-quality figures for the whole input.")
@_common
def check(paths, show_report, kinds, base_url, max_size, jobs, strict, quiet, fmt, no_cache):
    """Parse and generate without writing: problems, warnings and (with --report) quality figures."""
    from . import pipeline

    pipeline.collect_less()
    options = pipeline.BuildOptions(kinds=kinds, base_url=base_url, max_size=max_size, jobs=jobs,
                                    quality=show_report, fmt=fmt, cache=not no_cache)
    try:
        report = pipeline.check(paths, options)
    except QuizgenError as e:
        raise click.ClickException(str(e)) from None
    _report_lines(report, quiet, warnings=True)
    if not quiet:
        if show_report and report.quality:
            for line in report.quality.lines():
                click.echo(line)
        click.echo(report.summary())
    sys.exit(report.exit_code)


@cli.command()
def schema():
    """Print the JSON Schema of the .json deck format."""
    from .exporters.json import schema_text

    click.echo(schema_text(), nl=False)


@cli.group("cache")
def cache_group():
    """Where each unchanged file's cards are kept between builds, and how to empty it."""


@cache_group.command("path")
def cache_path():
    """Print the cache file's path."""
    from . import cache

    click.echo(str(cache.path()))


@cache_group.command("clear")
def cache_clear():
    """Remove the cache file (the next build makes every card afresh)."""
    from . import cache

    try:
        freed = cache.clear()
    except OSError as e:
        raise click.ClickException(f"{cache.path()}: cannot remove: {e.strerror or e}") from None
    click.echo(f"removed {cache.path()} ({freed:,} bytes)" if freed else f"nothing to remove at {cache.path()}")


def _add_quiz_commands() -> None:
    from .quiz.commands import quiz, stats

    cli.add_command(quiz)
    cli.add_command(stats)


_add_quiz_commands()


def _on_sigterm(signum, frame):
    """SIGTERM unwinds like Ctrl-C, so temporary files are removed and the previous output is kept.
    (Build workers set their own handling first thing, while the signal is still held.)"""
    raise SystemExit(128 + signum)


def main() -> None:
    """Console entry point: no traceback ever reaches a user.

    Exit status: the command's own (0, 1), 2 for usage errors, 130 when interrupted (143 on SIGTERM),
    70 for a bug of ours."""
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        code = cli.main(prog_name="quizgen", standalone_mode=False)
    except click.ClickException as e:
        e.show()
        code = e.exit_code
    except (click.Abort, KeyboardInterrupt):  # click turns Ctrl-C into Abort
        click.echo("interrupted", err=True)
        code = 130
    except Exception as e:  # a bug of ours: still one line, not a traceback
        click.echo(f"quizgen: internal error: {type(e).__name__}: {e}", err=True)
        code = 70
    sys.exit(code if isinstance(code, int) else 0)
