"""The library's front door: find files -> parse (in parallel when large) -> generate -> export.

One bad file is reported and skipped while the rest builds; documents filed twice are merged; two
different documents that share an id both build, with distinct card ids.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import signal
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from . import quality, signals
from .errors import ParseError, QuizgenError
from .exporters import anki, format_for
from .exporters import html as html_exporter
from .exporters import json as json_exporter
from .generator import DEFAULT_BASE_URL, Options, card_id, generate
from .model import CARD_KINDS, DEFAULT_KINDS, Card
from .parser import MAX_SIZE, read_file

SUFFIXES = (".md", ".txt")
"""What a document's file name ends with (case-insensitive)."""

PARALLEL_FROM = 64
"""Fewer files than this are built in one process: starting workers would cost more than it saves."""

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): stage "read" counts documents, "compress" bytes of the deck."""

LONG_FRONT_WORDS = 80
"""A front longer than this is reported by `check` as hard to learn."""


@dataclass(slots=True, frozen=True)
class BuildOptions:
    """How to build."""

    kinds: frozenset[str] = frozenset(DEFAULT_KINDS)
    """card kinds to make"""
    deck: str = anki.DEFAULT_DECK
    """root deck name"""
    base_url: str = DEFAULT_BASE_URL
    """prefix for site-relative source links"""
    max_size: int = MAX_SIZE
    """files larger than this many bytes are skipped"""
    jobs: int = 0
    """worker processes (0: one per CPU; small inputs always use one process)"""
    strict: bool = False
    """any skipped input fails the build and nothing is written"""
    quality: bool = False
    """measure card quality per document (for `check --report`)"""


@dataclass(slots=True)
class Report:
    """What a build or check did, for the summary line and the exit status."""

    found: int = 0
    """document files found"""
    read: int = 0
    """documents used"""
    merged: list[str] = field(default_factory=list)
    """documents skipped because an identical one was already read (one line each)"""
    skipped: list[str] = field(default_factory=list)
    """`path: problem` for every input that could not be used"""
    warnings: list[str] = field(default_factory=list)
    """`path: note` lines about documents that built but deserve a look"""
    cards: Counter = field(default_factory=Counter)
    """cards by kind"""
    duplicate_fronts: int = 0
    """cards dropped because another card already had the same front"""
    output: str = ""
    """the file written ('' for check)"""
    size: int = 0
    """its size in bytes"""
    quality: quality.Figures | None = None
    """card-quality figures when asked for"""

    @property
    def exit_code(self) -> int:
        """0 every input used, 1 some skipped."""
        return 1 if self.skipped else 0

    def summary(self) -> str:
        """The one-line summary a build prints."""
        kinds = ", ".join(f"{self.cards[k]} {k}" for k in CARD_KINDS if self.cards[k])
        parts = [f"{self.read} document{'' if self.read == 1 else 's'} read"]
        if self.merged:
            parts.append(f"{len(self.merged)} merged")
        parts.append(f"{len(self.skipped)} skipped")
        line = ", ".join(parts) + f"; {sum(self.cards.values())} cards" + (f" ({kinds})" if kinds else "")
        if self.output:
            line += f" -> {self.output} ({_size(self.size)})"
        return line


class StrictError(QuizgenError):
    """--strict and some input was skipped: nothing is written. `report` says what was skipped."""

    def __init__(self, message: str, report: Report):
        super().__init__(message)
        self.report = report


def _size(n: int) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return ""  # pragma: no cover


# ---------------------------------------------------------------------------------------------- files


def _ignored(name: str) -> bool:
    """Hidden files, editor backups and lock files are never documents."""
    return name.startswith((".", "#", "~$")) or name.endswith(("~", ".bak", ".swp", ".swo", ".orig", ".tmp"))


def find_files(paths: Iterable[str | os.PathLike]) -> tuple[list[str], list[str]]:
    """(document files in a stable order, `path: problem` lines for what cannot be looked at).

    Folders are read recursively; a file named on the command line is taken whatever its suffix.
    """
    found, problems, seen = [], [], set()
    for top in map(os.fspath, paths):
        if os.path.isdir(top):
            for folder, dirs, files in os.walk(top, onerror=lambda e: problems.append(f"{e.filename}: {e.strerror}")):
                dirs[:] = sorted(d for d in dirs if not _ignored(d))
                for name in sorted(files):
                    if _ignored(name) or not name.lower().endswith(SUFFIXES):
                        continue
                    path = os.path.join(folder, name)
                    if os.path.islink(path) and not os.path.exists(path):
                        problems.append(f"{path}: broken symbolic link")
                    elif os.path.isfile(path) and path not in seen:
                        seen.add(path)
                        found.append(path)
        elif os.path.isfile(top):
            if top not in seen:
                seen.add(top)
                found.append(top)
        elif os.path.islink(top):
            problems.append(f"{top}: broken symbolic link")
        elif os.path.exists(top):  # a pipe, socket or device: reading it could block or never end
            problems.append(f"{top}: not a regular file")
        else:
            problems.append(f"{top}: no such file or folder")
    return found, problems


# ---------------------------------------------------------------------------------------------- one file


@dataclass(slots=True)
class _Done:
    """What a worker hands back for one file."""

    path: str
    key: str = ""
    fingerprint: str = ""
    mtime: int = 0
    cards: list[Card] = field(default_factory=list)
    fronts: list[bytes] = field(default_factory=list)
    """a digest of each card's front, for the deck-wide duplicate check"""
    error: str = ""
    warnings: list[str] = field(default_factory=list)
    figures: quality.Figures | None = None


def _process(path: str, options: BuildOptions) -> _Done:
    """Parse and generate one file; never raises for a bad document."""
    try:
        doc = read_file(path, options.max_size)
        cards = generate(doc, Options(kinds=options.kinds, base_url=options.base_url))
    except ParseError as e:
        return _Done(path, error=str(e))
    except RecursionError:
        return _Done(path, error=f"{path}: the document is nested too deeply to read")
    except Exception as e:  # a bug of ours met on this document: it costs this file, never the build
        return _Done(path, error=f"{path}: could not make cards (internal error: {type(e).__name__}: {e})")
    fingerprint = hashlib.blake2b(f"{doc.question}\x1f{doc.answer}".encode(), digest_size=12).hexdigest()
    try:
        mtime = int(os.stat(path).st_mtime)
    except OSError:  # removed since it was read: what was read still builds
        mtime = 0
    keys = quality.front_keys(cards)
    fronts = [hashlib.blake2b(k.encode(), digest_size=16).digest() for k in keys]
    done = _Done(path, doc.key, fingerprint, mtime, cards, fronts)
    if not doc.bold_terms:
        done.warnings.append(f"{path}: no bold terms (only question and keyword cards)")
    if not doc.sections:
        done.warnings.append(f"{path}: no numbered steps")
    for card, key in zip(cards, keys):
        n = key.count(" ") + 1
        if n > LONG_FRONT_WORDS:
            done.warnings.append(f"{path}: long {card.kind} card ({n} words on the front)")
    if options.quality:
        done.figures = quality.measure(doc, cards)
    return done


def _results(files: Sequence[str], options: BuildOptions) -> Iterator[_Done]:
    """Results in file order, from worker processes when the input is large enough to pay for them.

    Files go out in chunks, dealt round-robin to the workers; each worker sends its chunks' results
    back in order on a pipe of its own, so reading chunk n from worker n % jobs keeps file order. A
    full pipe makes its worker wait, which bounds memory. However the reading ends (done, an error,
    Ctrl-C), every worker is gone when this returns: a multiprocessing.Pool could hang in its
    shutdown when interrupted, and a build must never hang.
    """
    jobs = options.jobs or os.cpu_count() or 1
    if jobs <= 1 or len(files) < PARALLEL_FROM:
        for path in files:
            yield _process(path, options)
        return
    size = max(1, min(32, len(files) // (jobs * 8)))
    chunks = [files[i:i + size] for i in range(0, len(files), size)]
    jobs = min(jobs, len(chunks))
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    pipes, workers = [], []
    try:
        with signals.held():  # a Ctrl-C during a fork would be lost in Python's at-fork callbacks
            for w in range(jobs):
                receive, send = context.Pipe(duplex=False)
                worker = context.Process(target=_work, args=(chunks[w::jobs], options, send), daemon=True)
                worker.start()
                send.close()
                pipes.append(receive)
                workers.append(worker)
        for n in range(len(chunks)):
            try:
                batch = pipes[n % jobs].recv()
            except EOFError:
                raise QuizgenError("a worker process stopped before its work was done") from None
            yield from batch
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.kill()
            worker.join()
        for pipe in pipes:
            pipe.close()


def collect_less() -> None:
    """Set a building process's garbage collector to pass less often and never over what already lives.

    A build makes and drops hundreds of thousands of acyclic objects (cards, and their pickles in the
    main process): at the default pace the collector's passes found nothing and took 3% of a worker's
    time and 12% of the main process's (timed with gc.callbacks on 1,000 and 2,000 documents)."""
    gc.freeze()
    gc.set_threshold(20_000, 10, 10)


def _work(chunks: list[Sequence[str]], options: BuildOptions, send) -> None:
    """A worker: parse and generate its chunks, sending each chunk's results as one message."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the CLI's handler, inherited by fork
    if hasattr(signal, "pthread_sigmask"):  # forked while they were held
        signal.pthread_sigmask(signal.SIG_UNBLOCK, signals.STOPS)
    collect_less()
    for chunk in chunks:
        send.send([_process(path, options) for path in chunk])
    send.close()


# ---------------------------------------------------------------------------------------------- whole build

def cards(paths: Iterable[str | os.PathLike], options: BuildOptions, report: Report,
          mtimes: dict[str, int] | None = None, progress: Progress | None = None) -> Iterator[Card]:
    """Every card of the inputs, in a fixed order, filling `report` as it goes (and calling
    `progress("read", documents done, documents found)` after each file).

    Duplicates are settled here, in file order: an identical document is merged, a different one that
    reuses an id gets card ids of its own, and a card whose front another card already has is dropped.
    """
    files, problems = find_files(paths)
    report.found = len(files)
    report.skipped.extend(problems)
    keys: dict[str, tuple[str, str]] = {}
    fingerprints: dict[str, str] = {}
    fronts: set[bytes] = set()
    figures = quality.Figures() if options.quality else None
    for n, done in enumerate(_results(files, options), 1):
        if progress:
            progress("read", n, len(files))
        if done.error:
            report.skipped.append(done.error)
            continue
        if done.fingerprint in fingerprints:
            report.merged.append(f"{done.path}: same document as {fingerprints[done.fingerprint]} (merged)")
            continue
        fingerprints[done.fingerprint] = done.path
        doc_cards = done.cards
        if done.key in keys:
            first = keys[done.key][0]
            uses = sum(1 for k in keys if k == done.key or k.startswith(done.key + "~"))
            new_key = f"{done.key}~{uses}"
            report.warnings.append(f"{done.path}: id {done.key} is also used by {first}, a different document; "
                                   "both are built, with distinct card ids")
            doc_cards = [replace(c, doc_key=new_key, id=card_id(new_key, c.kind, c.key)) for c in doc_cards]
            done.key = new_key
        keys[done.key] = (done.path, done.fingerprint)
        report.read += 1
        report.warnings.extend(done.warnings)
        if figures is not None and done.figures is not None:
            figures.add(done.figures)
        if mtimes is not None:
            mtimes[done.key] = done.mtime
        for card, key in zip(doc_cards, done.fronts):
            if key in fronts:
                report.duplicate_fronts += 1
                continue
            fronts.add(key)
            report.cards[card.kind] += 1
            yield card
    report.quality = figures
    if options.strict and report.skipped:
        raise StrictError(f"{len(report.skipped)} input(s) skipped and --strict is on: nothing written", report)


def build(paths: Iterable[str | os.PathLike], output: str | os.PathLike, options: BuildOptions = BuildOptions(),
          progress: Progress | None = None) -> Report:
    """Build a deck file from documents; the format comes from the output's suffix.

    `progress(stage, done, total)` is called as the build goes: ("read", documents, documents found)
    after each file, then for an .apkg ("compress", bytes, bytes of the database) while the finished
    collection is compressed, which for a big deck takes some seconds after the last document.
    The output is written atomically: on any failure (or --strict with a skipped input) the previous
    file is left as it was.
    """
    output = os.fspath(output)
    exporter = {"anki": anki, "json": json_exporter, "html": html_exporter}[format_for(output)]
    report = Report(output=output)
    mtimes: dict[str, int] = {}
    exporter.write(cards(paths, options, report, mtimes, progress), output, root=options.deck, mtimes=mtimes,
                   progress=progress)
    report.size = os.path.getsize(output)
    return report


def check(paths: Iterable[str | os.PathLike], options: BuildOptions = BuildOptions(),
          progress: Progress | None = None) -> Report:
    """Everything a build does but writing."""
    report = Report()
    for _ in cards(paths, replace(options, strict=False), report, progress=progress):
        pass
    return report


def load_cards(sources: Sequence[str | os.PathLike], kinds: Iterable[str] | None = None) -> list[Card]:
    """Cards to study from documents and/or quizgen JSON and .apkg decks (the self-test's input)."""
    wanted = frozenset(kinds) if kinds else frozenset(CARD_KINDS)
    out: list[Card] = []
    docs = []
    for source in map(os.fspath, sources):
        if source.lower().endswith(".json") and os.path.isfile(source):
            out.extend(c for c in json_exporter.read(source) if c.kind in wanted)
        elif source.lower().endswith(".apkg") and os.path.isfile(source):
            out.extend(c for c in anki.read(source) if c.kind in wanted)
        else:
            docs.append(source)
    if docs:
        report = Report()
        out.extend(cards(docs, BuildOptions(kinds=wanted), report))
        if not report.read and report.skipped:
            raise QuizgenError(report.skipped[0])
    return out


__all__ = ["BuildOptions", "Report", "StrictError", "build", "check", "cards", "find_files", "load_cards",
           "collect_less"]
