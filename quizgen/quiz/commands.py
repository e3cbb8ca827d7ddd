"""`quizgen quiz` and `quizgen stats`: thin click commands over the quiz library (registered by quizgen.cli)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from quizgen.defaults import CARD_KINDS
from quizgen.errors import QuizgenError

if TYPE_CHECKING:
    from quizgen.quiz.store import Stats


def default_db() -> Path:
    """Where progress lives unless --db says otherwise: the user's quizgen app folder."""
    return Path(click.get_app_dir("quizgen")) / "progress.sqlite3"


def local_now() -> datetime:
    """Aware local time: days in `stats` and times in the summary are the learner's."""
    return datetime.now().astimezone()


def _kinds(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    kinds = tuple(k.strip() for k in value.split(",") if k.strip())
    unknown = [k for k in kinds if k not in CARD_KINDS]
    if unknown or not kinds:
        raise click.BadParameter(f"{', '.join(unknown) or value!r}: choose from {', '.join(CARD_KINDS)}")
    return kinds


@contextmanager
def _as_click_errors() -> Iterator[None]:
    """Library errors (StoreError is one) become one line on stderr and exit status 1."""
    try:
        yield
    except QuizgenError as e:
        raise click.ClickException(str(e)) from None


def _db(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """A progress file goes in a folder that exists: a mistyped path is a usage error, never new folders."""
    if value is not None and not value.resolve().parent.is_dir():
        raise click.BadParameter(f"folder {value.resolve().parent} does not exist")
    return value


_DB = click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    callback=_db,
    help="Progress database [default: progress.sqlite3 in quizgen's app folder].",
)


@click.command()
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...", type=click.Path(exists=True, path_type=Path))
@_DB
@click.option("--new", "new", type=click.IntRange(min=0), default=20, show_default=True, help="New cards per day (as in Anki: counted from the progress database, reset at midnight).")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many cards this session.")
@click.option("--subject", "--deck", "subjects", multiple=True, help="Only this subject or deck (repeatable).")
@click.option(
    "--kinds", callback=_kinds, default=None, help=f"Only these kinds, comma-separated ({','.join(CARD_KINDS)})."
)
@click.option("--seed", type=int, default=None, help="Seed for a reproducible card order.")
def quiz(
    sources: tuple[Path, ...],
    db: Path | None,
    new: int,
    limit: int | None,
    subjects: tuple[str, ...],
    kinds: tuple[str, ...] | None,
    seed: int | None,
) -> None:
    """Study cards from SOURCE (document folders or files, .json or .apkg decks built by quizgen) with
    spaced repetition.

    Due cards come first, then new ones. Type the answer (or press Enter to reveal), then rate
    1 Again, 2 Hard, 3 Good, 4 Easy; Enter takes the suggested rating and q quits.
    Every rating is saved at once.
    """
    from quizgen.pipeline import load_cards
    from quizgen.quiz import session
    from quizgen.quiz.store import Store

    with _as_click_errors():
        loaded = load_cards(list(sources), kinds=kinds)
        cards = session.select(loaded, subjects=subjects, kinds=kinds)
        if not cards:
            raise click.ClickException(_nothing_matches(loaded, subjects))
        with Store(db or default_db()) as store:
            session.run(cards, store, now=local_now, new=new, limit=limit, seed=seed)


def _nothing_matches(loaded: list, subjects: tuple[str, ...]) -> str:
    """Why no card is left, in one line: the subjects there are, when a --subject/--deck matched none."""
    if not loaded:
        return "no cards match the given sources and filters"
    there = sorted({c.subject for c in loaded}, key=str.casefold)
    return f"no cards in subject or deck {', '.join(map(repr, subjects))}; the subjects here: {', '.join(there)}"


@click.command()
@_DB
def stats(db: Path | None) -> None:
    """Show study progress: cards by state, what is due, last week's reviews and true retention."""
    from quizgen.quiz.store import Store

    path = db or default_db()
    if not path.exists():
        click.echo(f"No progress yet ({path} does not exist).")
        return
    with _as_click_errors(), Store(path) as store:
        click.echo(format_stats(store.stats(local_now())))


def format_stats(s: Stats) -> str:
    """The stats report, plain text with a small bar per day."""
    lines = [
        f"Cards: {s.new} new, {s.learning} learning, {s.review} review",
        f"Due: {s.due_today} today, {s.due_week} this week",
        "Reviews, last 7 days:",
    ]
    lines += [f"  {day:%a %Y-%m-%d} {count:4d} {'#' * min(count, 50)}".rstrip() for day, count in s.per_day]
    if s.retention is None:
        lines.append("True retention: no reviews of known cards yet")
    else:
        lines.append(f"True retention: {s.retention:.1%} ({s.retained} of {s.tested} reviews of known cards)")
    return "\n".join(lines)
