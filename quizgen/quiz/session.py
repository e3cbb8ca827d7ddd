"""One study session in a terminal: pick the cards, ask, grade, let the learner rate, record each review.

All I/O goes through two callables (`ask` reads one line, `say` prints one block), and time through `now`,
so the same code runs in a terminal, on piped stdin and under tests with fixed times.
"""

from __future__ import annotations

import heapq
import random
import re
import sys
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from html import unescape
from html.parser import HTMLParser

import click

from quizgen.model import Card
from quizgen.quiz import screen
from quizgen.quiz.grading import AGAIN, GOOD, Grade, grade, grade_choice, needs_recall, normalize
from quizgen.quiz.store import Store
from quizgen.text import sentence_spans, strip_controls

LEARN_AHEAD = timedelta(minutes=20)
"""Cards that fall due this soon after a review (learning steps) come back in the same session."""

RATINGS = {"again": 1, "hard": 2, "good": 3, "easy": 4}
"""What the rating prompt accepts besides the digits 1-4 (and each word's first letter)."""

QUIT = "q"
"""Typed alone at any prompt, ends the session; everything rated so far is already saved."""

_CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
_BLOCKS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 pre table tr details summary section blockquote hr dl dt dd figure".split()
)


Ask = Callable[[str], str]
Say = Callable[[str], None]


@dataclass(slots=True, frozen=True)
class Summary:
    """What a session did, for the closing lines and for scripts."""

    reviewed: int
    """answers rated (a card shown twice counts twice)"""
    new: int
    """of those, first reviews of new cards"""
    correct: int
    """rated Hard, Good or Easy"""
    retained: int
    """reviews of cards seen before that were rated above Again"""
    tested: int
    """reviews of cards seen before"""
    next_due: datetime | None
    """when the earliest of the session's cards comes back"""
    quit: bool = False
    """the learner typed q or input ended before the queue was empty"""

    @property
    def retention(self) -> float | None:
        """This session's retention: recalled share of cards seen before (None if there were none)."""
        return self.retained / self.tested if self.tested else None


@dataclass(slots=True)
class _Tally:
    """Counters a session keeps while it runs."""

    reviewed: int = 0
    new: int = 0
    correct: int = 0
    retained: int = 0
    tested: int = 0
    quit: bool = False
    learning: list = field(default_factory=list)
    """heap of (due, order, card id) of cards to show again this session"""


class _Quit(Exception):
    """The learner typed q."""


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def ask_line(text: str) -> str:
    """Prompt and read one line (EOFError at end of input); piped answers are echoed so transcripts read well."""
    screen.prompt(text)
    try:
        line = input()
    except EOFError:
        click.echo()
        raise
    if not sys.stdin.isatty():
        click.echo(line)
    return line


def select(cards: Iterable[Card], *, subjects: Sequence[str] = (), kinds: Iterable[str] | None = None) -> list[Card]:
    """The cards of the wanted subjects (or decks, 'Root::Subject') and kinds, each id once, in order."""
    wanted = {_subject_key(s) for s in subjects}
    kind_set = set(kinds) if kinds is not None else None
    seen: dict[str, Card] = {}
    for card in cards:
        if wanted and _subject_key(card.subject) not in wanted:
            continue
        if kind_set is not None and card.kind not in kind_set:
            continue
        seen.setdefault(card.id, card)
    return list(seen.values())


def plan(
    cards: Sequence[Card],
    store: Store,
    now: datetime,
    *,
    new: int = 20,
    limit: int | None = None,
    seed: int | None = None,
) -> list[Card]:
    """The session's queue: due cards (most overdue kept when limited) then new ones in deck order, each
    group shuffled by `seed`. `new` is a daily limit, as in Anki: new cards already begun today count."""
    by_id = {c.id: c for c in cards}
    due = store.due(by_id, now)[:limit]
    room = new_left_today(by_id, store, now, new)
    if limit is not None:
        room = min(room, limit - len(due))
    fresh = store.unseen(by_id)[: max(room, 0)]
    rng = random.Random(seed)
    rng.shuffle(due)
    rng.shuffle(fresh)
    return [by_id[i] for i in due + fresh]


def day_start(now: datetime) -> datetime:
    """Midnight of `now`'s day, in `now`'s timezone (the learner's, from the CLI): when the daily limit resets."""
    return datetime.combine(now.date(), time(), tzinfo=now.tzinfo)


def new_left_today(ids: Iterable[str], store: Store, now: datetime, new: int) -> int:
    """New cards the daily limit still allows today: `new` less those first reviewed since midnight."""
    return max(0, new - store.new_since(ids, day_start(now)))


def run(
    cards: Sequence[Card],
    store: Store,
    *,
    ask: Ask = ask_line,
    say: Say = screen.show,
    now: Callable[[], datetime] = utc_now,
    new: int = 20,
    limit: int | None = None,
    seed: int | None = None,
    learn_ahead: timedelta = LEARN_AHEAD,
) -> Summary:
    """Study: due cards first, then new ones; each rating is saved before the next card is shown."""
    deck = {c.id: c for c in select(cards)}
    store.add(deck)
    queue = deque(plan(list(deck.values()), store, now(), new=new, limit=limit, seed=seed))
    tally = _Tally()
    say(_intro(queue, store, deck, now(), new))
    try:
        while (card := _next_card(queue, tally.learning, deck, now(), learn_ahead)) is not None:
            left = (len(queue) + len(tally.learning) + 1, len(tally.learning))
            due = _study(card, store, tally, ask=ask, say=say, now=now, left=left)
            if due is None:
                break
            if due <= now() + learn_ahead:
                heapq.heappush(tally.learning, (due, tally.reviewed, card.id))
    except EOFError:
        tally.quit = True
    summary = Summary(
        tally.reviewed, tally.new, tally.correct, tally.retained, tally.tested, store.next_due(deck), tally.quit
    )
    say(format_summary(summary, now()))
    return summary


def _next_card(
    queue: deque[Card], learning: list, deck: dict[str, Card], now: datetime, learn_ahead: timedelta
) -> Card | None:
    """A learning card that is due, else the next of the queue, else a learning card due within learn_ahead."""
    if learning and learning[0][0] <= now:
        return deck[heapq.heappop(learning)[2]]
    if queue:
        return queue.popleft()
    if learning and learning[0][0] <= now + learn_ahead:
        return deck[heapq.heappop(learning)[2]]
    return None


def _study(
    card: Card, store: Store, tally: _Tally, *, ask: Ask, say: Say, now: Callable[[], datetime],
    left: tuple[int, int],
) -> datetime | None:
    """Show one card, take the answer and the rating, save the review; returns when it is due again
    (None when the learner quits)."""
    state = store.state(card.id).state
    say(_header(card, state, tally.reviewed, left))
    started = now()
    try:
        verdict = _answer(card, ask, say)
        rating = _rate(verdict.suggested, ask, say)
    except _Quit:
        tally.quit = True
        return None
    at = now()
    after = store.review(card.id, rating, at, duration_ms=_millis(at - started))
    _count(tally, state, rating)
    if after.due is not None:
        say(click.style(f"Saved. Due again {when(after.due, at)}.", dim=True))
    return after.due


def _count(tally: _Tally, state: str, rating: int) -> None:
    tally.reviewed += 1
    tally.correct += rating > AGAIN
    if state == "new":
        tally.new += 1
    else:
        tally.tested += 1
        tally.retained += rating > AGAIN


def _answer(card: Card, ask: Ask, say: Say) -> Grade:
    """Ask for the answer the card's kind calls for and say the verdict."""
    if card.kind == "mcq" and card.choices:
        verdict = _choose(card, ask, say)
    elif card.kind == "qa" or not card.answers or needs_recall(card.answers):
        verdict = _recall(card, ask)
    else:
        n = len(card.answers)
        how = "in order, " if card.kind == "sequence" else ""
        what = "Your answer" if n == 1 else f"Your {n} answers, {how}separated by ;"
        typed = _ask(ask, f"{what} (Enter to reveal): ")
        verdict = grade(typed, card.answers, ordered=card.kind == "sequence")
    _verdict(card, verdict, say)
    return verdict


def _choose(card: Card, ask: Ask, say: Say) -> Grade:
    """Multiple choice: number the options (unless the front already lists them) and take a number or text."""
    listed = to_text(card.front).splitlines()
    if not all(f"{i}. {c}" in listed for i, c in enumerate(card.choices, 1)):
        say("\n".join(f"{i}. {choice}" for i, choice in enumerate(card.choices, 1)))
    typed = _ask(ask, "Your answer (number or text, Enter to reveal): ")
    return grade_choice(typed, card.choices, card.answers)


def _recall(card: Card, ask: Ask) -> Grade:
    """Questions and sentence-long answers: think, reveal, self-rate (typing is optional and compared)."""
    typed = _ask(ask, "Press Enter to show the answer (or type it to compare): ")
    if typed.strip() and card.answers:
        return grade(typed, card.answers)
    return Grade(False, False, GOOD, "")


def _verdict(card: Card, verdict: Grade, say: Say) -> None:
    """The explanation, the diff of a near miss, then the answer side of the card."""
    if verdict.explanation:
        colour = "green" if verdict.correct else ("yellow" if verdict.near else "red")
        say(click.style(verdict.explanation, fg=colour, bold=True))
    if verdict.diff:
        say("\n".join("  " + _styled_diff(line) for line in verdict.diff.splitlines()))
    bold = lambda text: click.style(text, bold=True)  # noqa: E731
    sides = [to_text(card.front, hide=None, mark=bold)] if card.is_cloze else []
    sides.append(unshown(to_text(card.back, hide=None, mark=bold), [verdict.explanation, *sides]))
    if card.source_url:
        sides.append(click.style(card.source_url, dim=True))
    if any(sides):
        say("\n".join(side for side in sides if side))


def unshown(text: str, shown: Sequence[str]) -> str:
    """`text` without the sentences already on screen: a cloze's back holds the sentence its front just
    revealed, and an mcq's back the term its verdict named."""
    seen = " " + " ".join(normalize(_plain(s)) for s in shown) + " "
    lines = []
    for line in text.split("\n"):
        lead = _LEAD.match(line).group()
        body = line[len(lead):]
        kept = [body[a:b] for a, b in sentence_spans(body) if not _within(body[a:b], seen)]
        if kept or not body.strip():
            lines.append(lead + " ".join(kept))
    return "\n".join(lines).strip("\n")


def _within(sentence: str, seen: str) -> bool:
    words = normalize(_plain(sentence))
    return bool(words) and f" {words} " in seen


_LEAD = re.compile(r"\s*(?:- |\d+\. )?")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _plain(text: str) -> str:
    return _ANSI.sub("", text)


def _rate(suggested: int, ask: Ask, say: Say) -> int:
    """Ask for 1-4 (or a rating's name); Enter takes the suggestion."""
    names = ", ".join(f"{v} {k.capitalize()}" for k, v in RATINGS.items())
    while True:
        reply = _ask(ask, f"Rate {names} [{suggested}]: ").strip().casefold()
        if not reply:
            return suggested
        rating = parse_rating(reply)
        if rating is not None:
            return rating
        say(f"Type 1-4 or a rating's name (Enter for {suggested}, {QUIT} to quit).")


def parse_rating(reply: str) -> int | None:
    """'3', 'good' or 'g' -> 3; anything else -> None."""
    reply = reply.strip().casefold()
    if reply in ("1", "2", "3", "4"):
        return int(reply)
    for name, value in RATINGS.items():
        if reply in (name, name[0]):
            return value
    return None


def _ask(ask: Ask, text: str) -> str:
    line = ask(text)
    if line.strip() == QUIT:
        raise _Quit
    return line


def _header(card: Card, state: str, done: int, left: tuple[int, int]) -> str:
    """Progress line, the card's context, then its front as terminal text. `left` is (cards left with
    this one, of which cards rated earlier that come back this session)."""
    again = f" ({left[1]} coming back)" if left[1] else ""
    status = click.style(f"[{done} done, {left[0]} left{again}] {card.kind}, {state}", dim=True)
    context = to_text(card.context)
    front = to_text(card.front, hide=1) if card.is_cloze else to_text(card.front, hide=None)
    lines = ["", status] + ([click.style(context, bold=True)] if context else []) + [front]
    return "\n".join(lines)


def _intro(queue: deque[Card], store: Store, deck: dict[str, Card], now: datetime, new: int) -> str:
    """What this session holds, and what is left today: due cards until midnight, new ones under the limit."""
    studied = store.new_since(deck, day_start(now))
    unseen = len(store.unseen(deck))
    due_today = len(store.due(deck, day_start(now) + timedelta(days=1)))
    new_today = min(unseen, max(0, new - studied))
    limit = f"{studied} of {new} a day studied" if studied else f"up to {new} a day"
    today = f"Left today: {due_today} due, {new_today} new ({limit}; {unseen} new in all)."
    if not queue:
        return f"Nothing to study now: no card is due and no new card is left. {today}"
    fresh = len(store.unseen(c.id for c in queue))
    return (
        f"{len(queue) - fresh} due and {fresh} new cards now (of {len(deck)} loaded). {today} "
        f"Type {QUIT} at any prompt to stop; progress is saved after each card."
    )


def format_summary(summary: Summary, now: datetime) -> str:
    """The closing lines: how many, how well, and when to come back."""
    lines = [f"Reviewed {summary.reviewed} ({summary.new} new), {summary.correct} correct."]
    if summary.retention is not None:
        lines.append(
            f"Retention this session: {summary.retention:.0%} "
            f"({summary.retained} of {summary.tested} cards seen before)."
        )
    if summary.next_due is not None:
        lines.append(f"Next due: {when(summary.next_due, now)}.")
    return "\n".join(lines)


def when(due: datetime, now: datetime) -> str:
    """'now', 'in 9 minutes (2024-05-01 14:32)', 'in 3 days (...)': relative, then local absolute time."""
    seconds = (due - now).total_seconds()
    if seconds <= 0:
        return "now"
    if seconds < 3600:
        rel = _plural(max(1, round(seconds / 60)), "minute")
    elif seconds < 48 * 3600:
        rel = _plural(round(seconds / 3600), "hour")
    else:
        rel = _plural(round(seconds / 86400), "day")
    local = due.astimezone(now.tzinfo) if now.tzinfo else due
    return f"in {rel} ({local:%Y-%m-%d %H:%M})"


def to_text(html: str, *, hide: int | None = 1, mark: Callable[[str], str] | None = None) -> str:
    """HTML as terminal text: tags dropped, entities decoded, cloze number `hide` shown as [...] (or its
    hint), other clozes as their text (passed through `mark`)."""

    def cloze(m: re.Match) -> str:
        if hide is not None and int(m.group(1)) == hide:
            return "[" + (m.group(3) or "...") + "]"
        return mark(m.group(2)) if mark else m.group(2)

    parser = _TextParser()
    parser.feed(_CLOZE.sub(cloze, _no_controls(html)))
    parser.close()
    return screen.math_text(parser.text())


_CHARREF = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?")


def _no_controls(html: str) -> str:
    """HTML with no control character left to reach a terminal: none written raw, and none as a character
    reference (&#27;[2J, &#x1b;, &#155;): what a learner sees must never be an escape sequence."""
    html = strip_controls(html)
    if "&#" not in html:
        return html
    return _CHARREF.sub(lambda m: "" if strip_controls(unescape(m.group())) == "" else m.group(), html)


class _TextParser(HTMLParser):
    """Block tags become line breaks, list items dashes, table cells ' | ', images '[image: alt]'; script
    and style vanish."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.lists: list[int | None] = []
        """per open list: the last item number of an <ol>, None for a <ul>"""
        self.line_start = True
        self.pre = 0
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "br":
            self._emit("\n")
        elif tag == "img":  # a terminal cannot show a note's image: say there is one, and what it shows
            alt = " ".join((dict(attrs).get("alt") or "").split())
            self._emit(f"[image: {alt}]" if alt else "[image]")
        elif tag in ("ol", "ul"):
            self._newline()
            self.lists.append(0 if tag == "ol" else None)
        elif tag == "li":
            self._newline()
            self._emit(self._bullet())
        elif tag in ("td", "th") and not self.line_start:
            self._emit(" | ")
        elif tag in _BLOCKS:
            self._newline()
        self.pre += tag == "pre"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in ("ol", "ul"):
            self._newline()
            if self.lists:
                self.lists.pop()
        elif tag in _BLOCKS or tag == "li":
            self._newline()
        if tag == "pre":
            self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if not self.pre:
            data = re.sub(r"\s+", " ", data)
            if self.line_start:
                data = data.lstrip()
        self._emit(data)

    def _bullet(self) -> str:
        """'- ' in a <ul>, '3. ' for the third item of an <ol>; nested lists indent."""
        indent = "  " * max(0, len(self.lists) - 1)
        if not self.lists or self.lists[-1] is None:
            return indent + "- "
        self.lists[-1] += 1
        return f"{indent}{self.lists[-1]}. "

    def _emit(self, text: str) -> None:
        if text:
            self.parts.append(text)
            self.line_start = text.endswith("\n")

    def _newline(self) -> None:
        if not self.line_start:
            self._emit("\n")

    def text(self) -> str:
        lines = [line.rstrip() for line in "".join(self.parts).split("\n")]
        return "\n".join(lines).strip("\n")


def _styled_diff(line: str) -> str:
    """A diff line with its differing letters coloured: red on the learner's line, green on the expected."""
    colour = "red" if line.startswith("you typed:") else "green"
    return re.sub(r"\[[^\]]*\]", lambda m: click.style(m.group(), fg=colour, bold=True), line)


def _subject_key(subject: str) -> str:
    return subject.split("::")[-1].strip().casefold()


def _millis(delta: timedelta) -> int:
    return max(0, round(delta.total_seconds() * 1000))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")
