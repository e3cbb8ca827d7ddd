"""The library's front door: find files -> parse (in parallel when large) -> generate -> export.

One bad file is reported and skipped while the rest builds; documents filed twice are merged; two
different documents that share an id both build, with distinct card ids.
"""

from __future__ import annotations

import ctypes
import gc
import hashlib
import multiprocessing
import json
import os
import pickle
import signal
import sys
import threading
import unicodedata
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from . import cache, quality, signals, tagger
from .errors import OutputError, ParseError, QuizgenError
from .exporters import anki, atomic_path, format_for, notes, text
from .exporters import html as html_exporter
from .exporters import json as json_exporter
from . import media as media_files
from .generator import DEFAULT_BASE_URL, Options, card_id, plan
from .media import Images
from .model import CARD_KINDS, DEFAULT_KINDS, Card, Document
from .defaults import DECK_FROM  # noqa: F401  (what --deck-from accepts)
from .parser import FORMATS, MAX_SIZE, parse_documents, read_bytes
from .render import inlines_html

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
    everything: bool = False
    """every candidate fact becomes a card, with no budget (generator.Options.everything)"""
    orphans: str = ""
    """a file to write the Anki search for the notes of documents gone since the last build ('' for none)"""
    fmt: str = "auto"
    """input format: auto (per file), quicktakes or markdown (parser.FORMATS)"""
    deck_from: str = "subject"
    """how cards are filed into decks below the root (DECK_FROM)"""
    cache: bool = True
    """take each unchanged file's cards from the per-user cache (cache.py), and keep what is made there"""

    def __post_init__(self):
        if self.fmt not in FORMATS:
            raise QuizgenError(f"unknown format {self.fmt!r} (choose from {', '.join(FORMATS)})")
        if self.deck_from not in DECK_FROM:
            raise QuizgenError(f"unknown --deck-from {self.deck_from!r} (choose from {', '.join(DECK_FROM)})")


@dataclass(slots=True)
class Report:
    """What a build or check did, for the summary line and the exit status."""

    found: int = 0
    """document files found"""
    read: int = 0
    """documents used (a Markdown note is a document per heading)"""
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
    notes: int = 0
    """notes written (Anki formats; siblings share one)"""
    gone: list[str] = field(default_factory=list)
    """document tags the previous deck at the output held and this build does not"""
    output_warnings: list[str] = field(default_factory=list)
    """lines about the output itself (an existing deck that could not be read)"""
    orphans_file: str = ""
    """where the search for the gone documents' notes was written"""
    cached: int = 0
    """files whose results came from the cache"""
    computed: int = 0
    """files read and made into cards in this build"""

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
        total = sum(self.cards.values())
        line = ", ".join(parts) + f"; {total} cards" + (f" ({kinds})" if kinds else "")
        if self.notes and self.notes != total:
            line += f" in {self.notes} notes"
        if self.output:
            line += f" -> {self.output} ({_size(self.size)})"
        return line


    SHOWN_GONE = 5
    """Documents named in the gone line's search; the --orphans file has them all."""

    def gone_line(self) -> str:
        """What the user should know about documents the previous deck held and this one does not ('' if none)."""
        if not self.gone:
            return ""
        n = len(self.gone)
        search = notes.tag_search(self.gone[:self.SHOWN_GONE]) + (" or …" if n > self.SHOWN_GONE else "")
        line = (f"{n} document{'s are' if n > 1 else ' is'} no longer in the sources; "
                f"{'their' if n > 1 else 'its'} cards stay in Anki until you delete them: search `{search}`")
        if self.orphans_file and n > self.SHOWN_GONE:
            line += f" (the whole search is in {self.orphans_file})"
        if self.skipped:
            line += f"; {len(self.skipped)} input(s) could not be read this time and may be among them"
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


Source = tuple[str, str, str]
"""(file path as found, the folder it was found under, its path relative to that folder with '/')."""


def find_files(paths: Iterable[str | os.PathLike]) -> tuple[list[str], list[str]]:
    """(document files in a stable order, `path: problem` lines for what cannot be looked at).

    Folders are read recursively; a file named on the command line is taken whatever its suffix.
    """
    sources, problems = find_sources(paths)
    return [path for path, _, _ in sources], problems


def find_sources(paths: Iterable[str | os.PathLike]) -> tuple[list[Source], list[str]]:
    """find_files, with each file's folder and its name relative to it: a note is keyed by that name, and
    its images are packed only from inside that folder (a file named by itself: its own folder)."""
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
                        found.append((path, top, os.path.relpath(path, top).replace(os.sep, "/")))
        elif os.path.isfile(top):
            if top not in seen:
                seen.add(top)
                found.append((top, os.path.dirname(top) or os.curdir, os.path.basename(top)))
        elif os.path.islink(top) and not os.path.exists(top):
            problems.append(f"{top}: broken symbolic link")
        elif os.path.exists(top):  # a pipe, socket or device (or a link to one): reading it could block
            problems.append(f"{top}: not a regular file")
        else:
            problems.append(f"{top}: no such file or folder")
    return found, problems


# ---------------------------------------------------------------------------------------------- one file


@dataclass(slots=True)
class _Doc:
    """One document's share of a file's results."""

    key: str
    fingerprint: str
    deck: str
    """the full deck name its cards go to"""
    cards: list[Card]
    fronts: list[bytes]
    """a digest of each card's front, for the deck-wide duplicate check"""


@dataclass(slots=True)
class _Done:
    """What a worker hands back for one file (a QuickTakes file is one document, a note one per heading)."""

    path: str
    docs: list[_Doc] = field(default_factory=list)
    mtime: int = 0
    error: str = ""
    warnings: list[str] = field(default_factory=list)
    figures: quality.Figures | None = None
    media: dict[str, str] = field(default_factory=dict)
    """media name -> image file to pack"""
    digest: bytes = b""
    """cache.digest of the bytes read (when caching)"""
    images: str = ""
    """what the file's images resolved to (cache.images_json), to be checked before a cached copy is used"""


def _process(source: Source, options: BuildOptions) -> _Done:
    """Parse and generate one file; never raises for a bad document."""
    path, root, name = source
    images = Images(path, root)
    try:
        data = read_bytes(path, options.max_size)
        docs = parse_documents(data, path, fmt=options.fmt, name=name, resolve=images)
        image_warnings = list(images.warnings)
        generator = Options(kinds=options.kinds, base_url=options.base_url, everything=options.everything)
        planned = [plan(doc, generator) for doc in docs]
    except ParseError as e:
        return _Done(path, error=str(e))
    except RecursionError:
        return _Done(path, error=f"{path}: the document is nested too deeply to read")
    except Exception as e:  # a bug of ours met on this document: it costs this file, never the build
        return _Done(path, error=f"{path}: could not make cards (internal error: {type(e).__name__}: {e})")
    try:
        mtime = int(os.stat(path).st_mtime)
    except OSError:  # removed since it was read: what was read still builds
        mtime = 0
    done = _Done(path, mtime=mtime, warnings=images.warnings)
    if options.cache:
        done.digest = cache.digest(data)
        done.images = cache.images_json(images.resolved(), image_warnings, images.media)
    if options.quality:
        done.figures = quality.Figures()
    for doc, chosen in zip(docs, planned):
        cards = _with_note_data(doc, chosen.cards)
        keys = quality.front_keys(cards)
        fronts = [hashlib.blake2b(k.encode(), digest_size=16).digest() for k in keys]
        fingerprint = hashlib.blake2b(f"{doc.question}\x1f{doc.answer}".encode(), digest_size=12).hexdigest()
        done.docs.append(_Doc(doc.key, fingerprint, _deck(doc, name, options), cards, fronts))
        for card in cards:  # pack only what a card shows (a heading that made no card shows nothing)
            for image in card.extra.get("images", ()) if doc.images else ():
                done.media[image["file"]] = images.media[image["file"]]
        if chosen.warning:  # a note's heading is named as in its key: notes/heart.md#cardiac-cycle
            where = f"{path}#{doc.key.partition('#')[2]}" if doc.format == "markdown" and "#" in doc.key else path
            done.warnings.append(f"{where}: {chosen.warning}")
        for card, key in zip(cards, keys):
            n = key.count(" ") + 1
            if n > LONG_FRONT_WORDS:
                done.warnings.append(f"{path}: long {card.kind} card ({n} words on the front)")
        if done.figures is not None:
            done.figures.add(quality.measure(doc, cards, chosen))
    return done


def _with_note_data(doc: Document, cards: list[Card]) -> list[Card]:
    """A note's own tags on each of its cards, its images on one card at least, and in each card's JSON
    the images it shows.

    The images a note puts under a heading belong to its answer: when no card the generator made shows
    one, it is added to the back of the document's Q&A card (else its first card), so that every image
    packed is seen, and Anki's media check finds none unused."""
    if not doc.tags and not doc.images:
        return cards  # every QuickTakes document: its cards as they always were
    cards = _show_images(doc, cards)
    out = []
    for card in cards:
        tags = card.tags + tuple(t for t in doc.tags if t not in card.tags)
        html = card.context + card.front + card.back + card.details
        shown = [{"file": name, "path": rel} for name, rel in doc.images if f'src="{name}"' in html]
        extra = {**card.extra, "images": shown} if shown else card.extra
        out.append(replace(card, tags=tags, extra=extra))
    return out


def _show_images(doc: Document, cards: list[Card]) -> list[Card]:
    """Cards with every image of the document on one of them at least (see _with_note_data)."""
    if not cards or not doc.images:
        return cards
    html = "".join(c.context + c.front + c.back + c.details for c in cards)
    unseen = {name for name, _ in doc.images if f'src="{name}"' not in html}
    if not unseen:
        return cards
    images = []
    for block in doc.blocks:
        groups = [block.inlines] + [cell for row in block.rows for cell in row]
        for inline in (i for group in groups for i in group):
            if inline.kind == "image" and inline.src in unseen:
                unseen.discard(inline.src)
                images.append(inlines_html([inline]))
    at = next((n for n, c in enumerate(cards) if c.kind == "qa"), 0)
    cards = list(cards)
    cards[at] = replace(cards[at], back=cards[at].back + f'<div class="qg-images">{"".join(images)}</div>')
    return cards


def _deck(doc: Document, name: str, options: BuildOptions) -> str:
    """The full deck name of a document's cards, by --deck-from."""
    root = options.deck
    if options.deck_from == "folder":
        folders = [part.replace("::", ":").strip() for part in name.split("/")[:-1]]
        return "::".join([root] + [f for f in folders if f]) if root else "::".join(f for f in folders if f)
    if options.deck_from == "none":
        return root or anki.DEFAULT_DECK
    return anki.deck_name(root, doc.deck or doc.subject)


def _settings(options: BuildOptions) -> str:
    """The options that shape a file's result, as part of its cache key (not --jobs, --strict, --orphans)."""
    return repr((sorted(options.kinds), options.deck, options.base_url, options.max_size, options.quality,
                 options.everything, options.fmt, options.deck_from))


def _cached_results(files: Sequence[Source], options: BuildOptions, report: Report) -> Iterator[_Done]:
    """_results, with every file whose bytes (and images) are unchanged since a build with the same
    settings taken from the cache: each file is read and hashed and its row looked up first, then the
    others are made (on worker processes when there are enough of them) while the cached ones stream
    out in file order. Counts report.cached and report.computed."""
    store = cache.open_store() if options.cache else None
    if store is None:
        for done in _results(files, options):
            report.computed += 1
            yield done
        return
    made = None
    try:
        settings = _settings(options)
        keys, hits, misses = [], [], []
        roots: dict[str, str] = {}
        for source in files:
            path, root, name = source
            if root not in roots:
                roots[root] = os.path.abspath(root)
            key = cache.entry_key(settings, path, roots[root], name)
            keys.append(key)
            found = None
            try:
                data = read_bytes(source[0], options.max_size)
            except ParseError:  # the worker says what is wrong with it
                data = None
            if data is not None:
                found = store.get(key, cache.digest(data))
                if found is not None and found[0] and not _images_hold(source, found[0]):
                    found = None
            hits.append(found)
            if found is None:
                misses.append(source)
        # the files to make go to the workers now, and are made there while the cached ones stream out
        made = _results(misses, options, raw=True, of=len(files), primed=True)
        next(made)
        for source, key, found in zip(files, keys, hits):
            done = None
            if found is not None:
                done = _unpickle(store.result(key, found[1]))
                if done is not None and done.path == source[0]:
                    try:
                        done.mtime = int(os.stat(source[0]).st_mtime)
                    except OSError:
                        done.mtime = 0
                    report.cached += 1
                    yield done
                    continue
                blob = cache.dumps(_process(source, options))  # a row that could not be used: made here
            else:
                blob = next(made)
            done = pickle.loads(blob)
            report.computed += 1
            if not done.error:
                store.put(key, done.digest, done.images, blob)
            yield done
    finally:
        if made is not None:
            made.close()  # its workers end now, not when it is collected
        store.close()


def _unpickle(blob: bytes | None) -> _Done | None:
    """A cached result, or None when it is anything but one of ours."""
    if blob is None:
        return None
    try:
        done = cache.loads(blob)
    except Exception:  # whatever a damaged pickle raises: the row is not used
        return None
    if not (isinstance(done, _Done) and isinstance(done.docs, list) and not done.error
            and all(isinstance(d, _Doc) and all(isinstance(c, Card) for c in d.cards) for d in done.docs)):
        return None
    return done


def _images_hold(source: Source, recorded: str) -> bool:
    """Whether every image a note's cached result used resolves again to the same file, with the same
    bytes (its media name is their hash), and with the same warnings: an image can change while the
    note does not."""
    try:
        seen = json.loads(recorded)
        asked = [src for src, _, _ in seen["seen"]]
    except (ValueError, TypeError, KeyError):
        return False
    path, root, _ = source
    images = Images(path, root)
    for src in asked:
        images(src)
    return cache.images_json(images.resolved(), images.warnings, images.media) == recorded


def _results(files: Sequence[Source], options: BuildOptions, raw: bool = False, of: int = 0,
             primed: bool = False) -> Iterator[_Done | bytes]:
    """Results in file order, from worker processes when the input (`of` files, when these are the
    part of a larger input the cache could not answer) is large enough to pay for them. `primed`: the
    first item is None, yielded once the workers have started, so that they work while the caller
    does something else.

    Files go out in chunks, dealt round-robin to the workers; each worker sends its chunks' results
    back in order on a pipe of its own, so reading chunk n from worker n % jobs keeps file order. A
    full pipe makes its worker wait, which bounds memory. However the reading ends (done, an error,
    Ctrl-C), every worker is gone when this returns: a multiprocessing.Pool could hang in its
    shutdown when interrupted, and a build must never hang.
    """
    jobs = options.jobs or os.cpu_count() or 1
    if jobs <= 1 or max(len(files), of) < PARALLEL_FROM:
        jobs = 0
    elif len(files) < of:
        # the rest come from the cache, on the main process: one worker for every PARALLEL_FROM files
        # to make, as each worker pays about a second of imports before its first card
        jobs = min(jobs, max(1, len(files) // PARALLEL_FROM))
    if not jobs or not files:
        if len(files) >= PARALLEL_FROM:
            from .text import _table

            _table()  # a large build on one process: the dict, not the index small builds open
        if primed:
            yield None
        for path in files:
            yield cache.dumps(_process(path, options)) if raw else _process(path, options)
        return
    size = max(1, min(32, len(files) // (jobs * 8)))
    chunks = [files[i:i + size] for i in range(0, len(files), size)]
    jobs = min(jobs, len(chunks))
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    if context.get_start_method() == "fork":
        preload(options.everything)  # read once here and shared by the forked workers, not in each
    pipes, workers = [], []
    try:
        with signals.held():  # a Ctrl-C during a fork would be lost in Python's at-fork callbacks
            for w in range(jobs):
                receive, send = context.Pipe(duplex=False)
                worker = context.Process(target=_work, args=(chunks[w::jobs], options, send, os.getpid(), raw),
                                         daemon=True)
                worker.start()
                send.close()
                pipes.append(receive)
                workers.append(worker)
        if primed:
            yield None
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


def preload(phrases: bool = False) -> None:
    """Load the data every worker reads (wordfreq's list, Punkt; the tagger's weights when key phrases
    are made) before the workers fork, so that they share its pages with this process instead of each
    reading its own copy; frozen, so that no collection walks (and so copies) them."""
    from .text import _punkt, _table, zipf

    if phrases:
        tagger.preload()
    _table()  # the whole dict: a large build looks up tens of thousands of words
    zipf("the")
    zipf("long-term")  # and its tokenizer, for the words that are not plain letters
    _punkt()  # and nltk, which every worker would import for itself (0.2 s each)
    gc.freeze()


def collect_less() -> None:
    """Set a building process's garbage collector to pass less often and never over what already lives.

    A build makes and drops hundreds of thousands of acyclic objects (cards, and their pickles in the
    main process): at the default pace the collector's passes found nothing and took 3% of a worker's
    time and 12% of the main process's (timed with gc.callbacks on 1,000 and 2,000 documents)."""
    gc.freeze()
    gc.set_threshold(20_000, 10, 10)


def _work(chunks: list[Sequence[Source]], options: BuildOptions, send, parent: int = 0, raw: bool = False) -> None:
    """A worker: parse and generate its chunks, sending each chunk's results as one message (each
    result pickled on its own when `raw`: the main process keeps those bytes in the cache)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the CLI's handler, inherited by fork
    if hasattr(signal, "pthread_sigmask"):  # forked while they were held
        signal.pthread_sigmask(signal.SIG_UNBLOCK, signals.STOPS)
    if parent:
        end_with_parent(parent)
    collect_less()
    for chunk in chunks:
        if raw:
            send.send([cache.dumps(_process(path, options)) for path in chunk])
        else:
            send.send([_process(path, options) for path in chunk])
    send.close()


PR_SET_PDEATHSIG = 1
"""Linux prctl(2) option: the signal a process gets when its parent ends."""

WATCH_EVERY = 0.5
"""Seconds between a worker's looks at whether its parent is still there."""


def end_with_parent(parent: int) -> None:
    """Make this worker end when the process that started it ends, however that ends (kill -9 too).

    Without it a worker whose parent was killed lives on, blocked for ever writing to a pipe that
    another worker still holds open. On Linux the kernel sends SIGKILL (prctl PR_SET_PDEATHSIG); everywhere
    a watchdog thread sees the parent change (the orphan is adopted) and ends the process."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no libc to ask: the watchdog still does it
            pass
    if os.getppid() != parent:  # the parent died before the kernel was told
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="quizgen-parent-watch", daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_EVERY)
    os._exit(1)  # the work is no one's now; a send blocked on a full pipe would never return


# ---------------------------------------------------------------------------------------------- whole build

def cards(paths: Iterable[str | os.PathLike], options: BuildOptions, report: Report,
          mtimes: dict[str, int] | None = None, progress: Progress | None = None,
          decks: dict[str, str] | None = None, media: dict[str, str] | None = None,
          exclude: str | None = None) -> Iterator[Card]:
    """Every card of the inputs, in a fixed order, filling `report` as it goes (and calling
    `progress("read", files done, files found)` after each file). `mtimes`, `decks` and `media`, when
    given, are filled too: document key -> source file time and full deck name; media name -> file.

    Duplicates are settled here, in file order: an identical document is merged, a different one that
    reuses an id gets card ids of its own, and a card whose front another card already has is dropped.
    `exclude` is a file never read as a document (the output: a .txt deck beside its sources).
    """
    files, problems = find_sources(paths)
    if exclude:
        files = [f for f in files if os.path.abspath(f[0]) != os.path.abspath(exclude)]
    media_files.forget()
    report.found = len(files)
    report.skipped.extend(problems)
    keys: dict[str, tuple[str, str]] = {}
    fingerprints: dict[str, str] = {}
    fronts: set[bytes] = set()
    subjects: dict[str, tuple[str, tuple[str, ...]]] = {}
    deck_forms: dict[str, str] = {}
    figures = quality.Figures() if options.quality else None
    for n, done in enumerate(_cached_results(files, options, report), 1):
        if progress:
            progress("read", n, len(files))
        if done.error:
            report.skipped.append(done.error)
            continue
        used = False
        for doc in done.docs:
            if doc.fingerprint in fingerprints:
                report.merged.append(f"{done.path}: same document as {fingerprints[doc.fingerprint]} (merged)")
                continue
            used = True
            fingerprints[doc.fingerprint] = done.path
            doc_cards = doc.cards
            if doc.key in keys:
                first = keys[doc.key][0]
                new_key = _unused_key(doc.key, keys)
                report.warnings.append(f"{done.path}: id {doc.key} is also used by {first}, a different document; "
                                       "both are built, with distinct card ids")
                doc_cards = [rekey(c, new_key) for c in doc_cards]
                doc.key = new_key
            keys[doc.key] = (done.path, doc.fingerprint)
            doc_cards = _one_subject_form(doc_cards, subjects)
            report.read += 1
            if mtimes is not None:
                mtimes[doc.key] = done.mtime
            if decks is not None:  # decks that differ only in case or Unicode form are one, as subjects are
                decks[doc.key] = deck_forms.setdefault(subject_key(doc.deck), unicodedata.normalize("NFC", doc.deck))
            for card, key in zip(doc_cards, doc.fronts):
                if key in fronts:
                    report.duplicate_fronts += 1
                    continue
                fronts.add(key)
                report.cards[card.kind] += 1
                yield card
        if used:  # a file merged whole into another says nothing more
            report.warnings.extend(done.warnings)
            if figures is not None and done.figures is not None:
                figures.add(done.figures)
            if media is not None:
                media.update(done.media)
    report.quality = figures
    if options.strict and report.skipped:
        raise StrictError(f"{len(report.skipped)} input(s) skipped and --strict is on: nothing written", report)


def rekey(card: Card, key: str) -> Card:
    """A card of a document that had to take another key: its id, and its note's id when it shares a
    note with siblings, are made from the new key, so two documents never write one note."""
    extra = card.extra
    if isinstance(extra, dict) and isinstance(extra.get("note"), str):
        extra = {**extra, "note": card_id(key, "note", extra["note"])}
    return replace(card, doc_key=key, id=card_id(key, card.kind, card.key), extra=extra)


EXPORTERS = {"anki": anki.write, "json": json_exporter.write, "anki-text": text.write, "csv": text.write_csv,
             "html": html_exporter.write}
"""format_for's name -> the function that writes it."""

PREVIOUS = {"anki": anki.read_doc_tags, "anki-text": text.read_doc_tags}
"""Formats that carry document tags -> how to read them back from an earlier build."""


SUBJECT_TAG = "quizgen::subject::"


def subject_key(subject: str) -> str:
    """What makes two subjects one deck: 'DNA' and 'dna', 'Straße' and 'STRASSE', 'Café' in NFC and NFD."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", subject).casefold())


def _one_subject_form(cards: list[Card], subjects: dict[str, tuple[str, tuple[str, ...]]]) -> list[Card]:
    """A document's cards under the form of their subject the first document (in file order) gave it,
    so that subjects that differ only in case or Unicode form are one deck (Anki would otherwise rename
    one of two decks whose names it holds equal) with one subject tag."""
    if not cards:
        return cards
    subject = cards[0].subject
    first = subjects.get(subject_key(subject))
    if first is None:
        shown = unicodedata.normalize("NFC", subject)
        tags = tuple(t for t in cards[0].tags if t.startswith(SUBJECT_TAG))
        subjects[subject_key(subject)] = (shown, tuple(unicodedata.normalize("NFC", t) for t in tags))
        if shown == subject and all(unicodedata.is_normalized("NFC", t) for t in tags):
            return cards
        first = subjects[subject_key(subject)]
    shown, tags = first
    if subject == shown and all(t in tags for t in cards[0].tags if t.startswith(SUBJECT_TAG)):
        return cards
    return [replace(c, subject=shown, tags=_subject_tags(c.tags, tags)) if c.subject == subject else c
            for c in cards]


def _subject_tags(card_tags: tuple[str, ...], subject_tags: tuple[str, ...]) -> tuple[str, ...]:
    out = []
    for tag in card_tags:
        if not tag.startswith(SUBJECT_TAG):
            out.append(tag)
        elif subject_tags:
            out.extend(t for t in subject_tags if t not in out)
    return tuple(out)


def _unused_key(key: str, keys: dict) -> str:
    """A new key for a second document with `key`: `key~N`, N counting the keys of its family so far,
    then on past any that a document already holds (an id written '777~2' in a source, say)."""
    n = sum(1 for k in keys if k == key or k.startswith(key + "~"))
    while f"{key}~{n}" in keys:
        n += 1
    return f"{key}~{n}"


def build(paths: Iterable[str | os.PathLike], output: str | os.PathLike, options: BuildOptions = BuildOptions(),
          progress: Progress | None = None) -> Report:
    """Build a deck file from documents; the format comes from the output's suffix.

    `progress(stage, done, total)` is called as the build goes: ("read", documents, documents found)
    after each file, then for an .apkg ("compress", bytes, bytes of the database) while the finished
    collection is compressed, which for a big deck takes some seconds after the last document.
    The output is written atomically: on any failure (or --strict with a skipped input) the previous
    file is left as it was. When an earlier deck of a tagged format is at the output, the report names
    the documents it held that this build does not (`gone`), and `options.orphans` gets their search.
    """
    output = os.fspath(output)
    kind = format_for(output)
    if options.orphans and kind not in PREVIOUS:
        raise OutputError(f"{options.orphans}: deleted documents are found only for .apkg, .txt and .tsv decks")
    report = Report(output=output)
    previous = _previous_tags(kind, output, report)
    mtimes: dict[str, int] = {}
    decks: dict[str, str] = {}
    media: dict[str, str] = {}
    count = EXPORTERS[kind](cards(paths, options, report, mtimes, progress, decks, media, exclude=output), output,
                            root=options.deck, mtimes=mtimes, decks=decks, media=media, progress=progress)
    report.size = os.path.getsize(output)
    if kind in PREVIOUS:
        report.notes = count
        report.gone = sorted(previous - {notes.doc_tag(k) for k in mtimes})
    if options.orphans:
        with atomic_path(options.orphans) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as out:
            out.write(notes.tag_search(report.gone) + "\n" if report.gone else "")
        report.orphans_file = options.orphans
    return report


def _previous_tags(kind: str, output: str, report: Report) -> set[str]:
    """The document tags of the deck an earlier build left at `output` (none when there is none, or when
    it cannot be read: then one warning, and the build goes on)."""
    if kind not in PREVIOUS or not os.path.isfile(output):
        return set()
    try:
        return PREVIOUS[kind](output)
    except QuizgenError as e:
        report.output_warnings.append(f"{e}; deleted documents cannot be named this time")
    except (OSError, UnicodeDecodeError, ValueError) as e:  # a text deck that is not ours
        report.output_warnings.append(f"{output}: cannot read the existing deck ({e}); "
                                      "deleted documents cannot be named this time")
    return set()


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


__all__ = ["BuildOptions", "Report", "StrictError", "build", "check", "cards", "find_files", "find_sources",
           "load_cards", "collect_less"]
