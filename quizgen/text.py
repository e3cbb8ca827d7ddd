"""Words, stems, stopwords and sentences: the language side of card making.

Stems come from Snowball's compiled English stemmer (PyStemmer), made to give exactly what nltk's
SnowballStemmer("english") gives (see stem()); nltk is imported only when a paragraph needs Punkt,
as importing it costs more than half a second of start-up."""

from __future__ import annotations

import math
import re
import unicodedata
import zlib
from bisect import bisect_left
from functools import lru_cache

import Stemmer

STOPWORDS = frozenset(
    """a an the of in on at to for and or but nor is are was were be been being by with as from that this
    these those it its into than then so such not no can may might must shall should will would could which
    who whom whose what when where why how there their they them he she his her we our you your i me my
    do does did done has have had having if also any all each both either neither other some more most
    very just only same own about above after again against below between during before over under up
    down out off through until while one per via""".split()
)
"""Words that never make a cloze answer or a give-away on their own."""

ABBREVIATIONS = frozenset(
    """e.g i.e etc vs cf al approx dr mr mrs ms prof st jr sr fig figs eq eqs no nos vol pp ch sec u.s u.k
    u.n e.u a.m p.m ca c inc ltd co corp dept est min max rs h.r""".split()
)
"""Abbreviations Punkt must not end a sentence at (written here: nothing is downloaded)."""

CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 and C1 control characters but tab and newline: ESC, BEL, CSI (\\x9b), carriage return, Anki's field
separator \\x1f ... never text a learner reads, and on a terminal the start of escape sequences."""


def strip_controls(text: str) -> str:
    """Text without CONTROLS (the quick isprintable() test rules them out for most text)."""
    return text if text.isprintable() else CONTROLS.sub("", text)


_WORD = re.compile(r"(?:[^\W_]|[⁺⁻])+(?:[-'’](?:[^\W_]|[⁺⁻])+)*")
_STEMMER = Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def _punkt():
    """Punkt with our abbreviations, made the first time a paragraph needs it (importing nltk is slow)."""
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


def fold(text: str) -> str:
    """Case- and Unicode-insensitive form of a text, for comparing terms."""
    return unicodedata.normalize("NFKC", text).casefold()


@lru_cache(maxsize=8192)
def tokens(text: str) -> tuple[tuple[int, int, str, str], ...]:
    """Every word of `text` as (start, end, word, stem); cached, as the same sentence is read many times."""
    return tuple((m.start(), m.end(), m.group(), stem(m.group())) for m in _WORD.finditer(text))


@lru_cache(maxsize=8192)
def stem_index(text: str) -> dict[str, tuple[int, ...]]:
    """Where each stem stands in `text`, as indices into tokens(text): a search starts only where it can
    match instead of reading every word (cached, like tokens; never mutate the result)."""
    index: dict[str, list[int]] = {}
    for i, t in enumerate(tokens(text)):
        index.setdefault(t[3], []).append(i)
    return {s: tuple(at) for s, at in index.items()}


def words(text: str) -> list[tuple[int, int, str]]:
    """Every word of `text` as (start, end, word)."""
    return [(a, b, w) for a, b, w, _ in tokens(text)]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball stem of one word, lower-cased, with a possessive 's dropped (cached: words repeat a lot)."""
    w = fold(word)
    if w.endswith(("'s", "’s")):
        w = w[:-2]
    return _snowball(w)


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201b": "'"})
_PAIR = re.compile(r"[aeiouy][^aeiouy]")
_Y = re.compile(r"^y|(?<=[aeiouy])y")
_KEEPS_E = re.compile(r"(?=iz(?:ation|er)|ational(?:ism|it[iy]|l[iy]))")
"""Where nltk may keep a final e that Snowball removes (see _snowball)."""


def _snowball(word: str) -> str:
    """Snowball's English (Porter2) stem of a lower-case word, exactly as nltk's SnowballStemmer("english").

    PyStemmer runs Snowball's own C code; nltk's pure-Python port differs from it in three places,
    reproduced here: words of one or two letters are returned as they are; curly apostrophes are read
    as "'"; and when step 2 turns -ization/-izer into -ize, or step 3 -ational into -ate, at a word whose
    region R2 starts two letters into that suffix, nltk forgets that the new final e is in R2, so step 5
    removes it only by its R1 rule, which keeps it after a consonant (nltk "realize", Snowball "realiz";
    both "ghettoiz"). PyStemmer 3 follows Snowball 3, which changed the English algorithm itself
    (-ogist, "organ"...): hence PyStemmer < 3. tests/test_text.py compares the two on a vocabulary.
    """
    word = word.lower()
    if len(word) <= 2:
        return word
    word = word.translate(_APOSTROPHES)
    stemmed = _STEMMER.stemWord(word)
    if not stemmed.endswith(("iz", "at")):
        return stemmed
    marked = _Y.sub("Y", word.lstrip("'"))
    if marked.startswith(("gener", "arsen", "commun")):  # Porter2's exceptions to R1
        r1 = 6 if marked.startswith("commun") else 5
    else:
        m = _PAIR.search(marked)
        r1 = m.end() if m else len(marked)
    m = _PAIR.search(marked, r1)
    r2 = m.end() if m else len(marked)
    for m in _KEEPS_E.finditer(marked):
        start = m.start()
        if (r2 == start + 2 and stemmed == marked[:start + 2].replace("Y", "y")
                and marked[start - 1] not in "aeiouy"):  # nltk's R1 rule keeps the e after a consonant
            return stemmed + "e"
    return stemmed


@lru_cache(maxsize=65536)
def is_content(word: str) -> bool:
    """A word that carries meaning: not a stopword, not a single character."""
    w = fold(word)
    return len(w) > 1 and w not in STOPWORDS


@lru_cache(maxsize=8192)
def content_stems(text: str) -> frozenset[str]:
    """The stems of the meaningful words of a text: what a learner could recognise an answer by."""
    return frozenset(st for _, _, w, st in tokens(text) if is_content(w))


@lru_cache(maxsize=8192)
def is_trivial(term: str) -> bool:
    """A deletion not worth a card: only stopwords, numbers or punctuation (cached: each term is asked
    about by several card kinds)."""
    return not any(is_content(w) and not _is_number(w) for _, _, w in words(term))


def _is_number(word: str) -> bool:
    return word.replace("-", "").replace("'", "").isdigit()


MAY_END = re.compile(r"[.?!][\"')\]]*\s")
"""A paragraph without this has one sentence: Punkt is never asked."""
_CANDIDATES = re.compile(
    r"""
        [\.\?!]             # a potential sentence ending
        (?=(?P<after_tok>
            (?:[)\";}\]\*:@\'\({\[\u2018\u2019\u201c\u201d\xab\xbb\?!])              # either other punctuation
            |
            \s+(?P<next_tok>\S+)     # or whitespace and some other token
        ))""", re.UNICODE | re.VERBOSE)
"""Punkt's own pattern for a place a sentence may end: '.', '?' or '!' before punctuation or a word
(PunktLanguageVars().period_context_re(), written out so as not to import nltk; a test compares them)."""
_CLOSERS = "\"')]}\u2018\u2019\u201c\u201d\xab\xbb"
"""What Punkt moves back into the sentence before when the next one starts with it."""
_BLANKS = " \t\n\r\x0b\x0c"
"""What Punkt counts as the space before a word (string.whitespace)."""


PUNKT_MOST = 500
"""Punkt reads a paragraph with at most this many places a sentence may end (some 70 ms): on more, its
cost grows past any budget (100,000 'a. ' took it over nltk's own 5 s regex limit), and every such
place is taken as an end, as the plain way below does."""


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence boundaries (start, end) of a paragraph, from Punkt with our abbreviation list.

    Punkt is slow (about half a millisecond per document), and most paragraphs end their sentences the
    plain way: a word of letters that is not an abbreviation, then '.', '?' or '!', a space and the next
    word. Punkt, with our parameters, always breaks there, so such paragraphs are cut here, and Punkt
    reads only those with some other kind of ending (tests/test_text.py compares the two).
    """
    if not MAY_END.search(text):
        stripped = text.strip()
        if not stripped:
            return []
        start = text.index(stripped[0])
        return [(start, start + len(stripped))]
    ends = list(_CANDIDATES.finditer(text))
    decided = [_decided(text, m) for m in ends]
    if None in decided:
        if len(ends) <= PUNKT_MOST:
            try:
                return list(_punkt().span_tokenize(text))
            except TimeoutError:  # nltk's guard on its own patterns: odd text, cut the plain way
                pass
        decided = [d is not False for d in decided]  # what Punkt would be asked about is an end
    spans, start = [], 0
    for m, ends_here in zip(ends, decided):
        if ends_here and m["next_tok"] is not None:
            spans.append((start, m.end()))
            start = m.start("next_tok")
    spans.append((start, len(text.rstrip())))
    return spans


_NOT_IN_A_TOKEN = frozenset(")\";}]*:@'({[!?`&#")
"""Characters that end one of Punkt's word tokens or stand alone as one (its NonWord and what no word
starts with): a word holding one is left to Punkt."""
_PUNKT_NUMBER = re.compile(r"-?[.,]?\d[\d,.-]*")
"""What Punkt types '##number##' (the token before its period)."""


def _decided(text: str, m: re.Match) -> bool | None:
    """Whether Punkt, with our parameters (abbreviations only: no collocations, no sentence starters, no
    orthographic context), ends a sentence at this candidate: True or False where that is sure, None
    where Punkt must be asked. Punkt reads the word before the stop as a token: a plain word ends the
    sentence, an abbreviation never does, a number does only before a capital; initials, quotes and
    brackets after the stop, and anything odder, are Punkt's to decide."""
    nxt = m["next_tok"]
    if nxt is None or nxt[0] in _CLOSERS:
        return None
    end = m.start()
    start = end
    while start > 0 and text[start - 1] not in _BLANKS:
        start -= 1
    word = text[start:end]
    if any(c in ".?!" for c in word) or "--" in word:
        return None  # another candidate, or an ellipsis, inside the word: Punkt joins their contexts
    if text[end] != ".":
        return True  # '?' and '!' are tokens of their own, always an end
    cut = max((i for i, c in enumerate(word) if c in _NOT_IN_A_TOKEN or c.isspace()), default=-1)  # '\xa0' too
    token = word[cut + 1:]
    if not token:
        return True  # 'payable).': the stop alone is a token, and an end
    if any(c in _NOT_IN_A_TOKEN for c in token) or token[0] in "-,":
        return None
    low = token.lower()
    if low in ABBREVIATIONS or low.split("-")[-1] in ABBREVIATIONS:
        return None if len(token) == 1 else False
    if len(token) == 1 and token.isalpha():
        return None  # an initial: Punkt looks at the next word
    if _PUNKT_NUMBER.fullmatch(low):
        return False if nxt[0].islower() else True if nxt[0].isupper() else None
    return True


@lru_cache(maxsize=8192)
def word_count(text: str) -> int:
    """len(tokens(text)), without stemming every word to count them."""
    return len(_WORD.findall(text))


@lru_cache(maxsize=8192)
def is_abbreviation(term: str) -> bool:
    """'nAChRs', 'ACh', 'DNA': matched exactly, because stemming them would match unrelated words."""
    letters = [c for c in term if c.isalpha()]
    return " " not in term.strip() and sum(c.isupper() for c in letters) >= 2 and len(letters) <= 8


def find_term(text: str, term: str) -> list[tuple[int, int]]:
    """Where `term` occurs in `text`: exactly for abbreviations, else word by word through stems.

    "muscle fibers" finds "muscle fiber's"; "nAChRs" finds only "nAChRs".
    """
    if is_abbreviation(term):
        term = term.strip()
        if term not in text:
            return []
        return [(m.start(), m.end()) for m in re.finditer(r"(?<!\w)" + re.escape(term) + r"(?!\w)", text)]
    want = term_stems(term)
    starts = stem_index(text).get(want[0]) if want else None
    if not starts:
        return []
    toks, n = tokens(text), len(want)
    if n == 1:  # most terms and every word conceal() looks for
        return [toks[i][:2] for i in starts]
    return [(toks[i][0], toks[i + n - 1][1]) for i in starts
            if i + n <= len(toks) and all(toks[i + k][3] == want[k] for k in range(1, n))]


@lru_cache(maxsize=8192)
def term_stems(term: str) -> tuple[str, ...]:
    """The stems of a term's words, in order (cached: terms are looked for again and again)."""
    return tuple(t[3] for t in tokens(term))


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    """How common a word is in English, on the Zipf scale (wordfreq's data, shipped in its wheel):
    7 for 'the', about 4.5 for 'context' or 'historical', under 3 for 'acetylcholine'.

    A word of plain letters, or of such words joined by hyphens, is looked up in wordfreq's table
    directly and combined and rounded as wordfreq.zipf_frequency does (tests/test_text.py checks they
    agree): that function tokenizes its argument first, which cost a tenth of a build, and its
    tokenizer takes a third of a second to load."""
    word = fold(word)
    parts = word.split("-") if word.isascii() else ()
    if parts and all(p.isalpha() for p in parts):  # 'cell', 'long-term': wordfreq's tokens are the parts
        table = _frequencies()
        if any(p not in table for p in parts):
            return 0.0  # wordfreq's floor
        freq = 1.0 / sum(1.0 / table[p] for p in parts)  # combined as wordfreq combines tokens
        freq = round(freq, math.floor(-math.log(freq, 10)) + 3)
        return round(math.log(freq, 10) + 9, 2)
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def _frequencies():
    """wordfreq's English table: the whole dict once a large build has loaded it (pipeline.preload, before
    its workers fork), else the sorted index of it kept in the cache folder, which a small build opens in
    a few milliseconds where building the dict takes a tenth of a second; the same values either way."""
    if _table.cache_info().currsize:
        return _table()
    return _index() or _table()


@lru_cache(maxsize=1)
def _table() -> dict[str, float]:
    """wordfreq's English table, read as wordfreq.get_frequency_dict("en") reads it (a test compares the
    two whole): importing wordfreq itself, for its tokenizers and language tags, cost a one-file build
    a fifth of its time. The file is gzipped msgpack: a header, then for each centibel of frequency
    (0, -1, -2, …) the list of its words."""
    table: dict[str, float] = {}
    for centibels, bucket in enumerate(_buckets()):
        table.update(dict.fromkeys(bucket, _frequency(centibels)))
    return table


def _frequency(centibels: int) -> float:
    """A word's frequency from its centibels, as wordfreq computes it: the table and the index share it."""
    return 10 ** (-centibels / 100)


def _wordfreq_file():
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("wordfreq")  # found, not imported
    return Path(spec.origin).parent / "data" / "large_en.msgpack.gz"


def _buckets() -> list[list[str]]:
    import gzip

    import msgpack

    with gzip.open(_wordfreq_file(), "rb") as f:
        header, *buckets = msgpack.load(f, raw=False)
    if header != {"format": "cB", "version": 1}:
        raise RuntimeError(f"wordfreq's table has a format quizgen cannot read: {header!r}")
    return buckets


class WordIndex:
    """wordfreq's table as one file: its words sorted (UTF-8, end to end), where each starts, and its
    centibels. Looked up by binary search, so opening it costs a read, not 321,000 dict entries. The file
    carries a CRC of its contents and is checked whole before use: a damaged or foreign one is replaced."""

    __slots__ = ("blob", "starts", "centibels")

    MAGIC = b"QGWORDS1"

    def __init__(self, blob: bytes, starts, centibels):
        self.blob, self.starts, self.centibels = blob, starts, centibels

    def _word(self, i: int) -> bytes:
        return self.blob[self.starts[i]:self.starts[i + 1]]

    def _find(self, word: str) -> int:
        key = word.encode()
        i = bisect_left(range(len(self.centibels)), key, key=self._word)
        return i if i < len(self.centibels) and self._word(i) == key else -1

    def __contains__(self, word: str) -> bool:
        return self._find(word) >= 0

    def __getitem__(self, word: str) -> float:
        i = self._find(word)
        if i < 0:
            raise KeyError(word)
        return _frequency(self.centibels[i])

    def items(self):
        for i, cb in enumerate(self.centibels):
            yield self._word(i).decode(), _frequency(cb)

    @classmethod
    def of(cls, buckets: list[list[str]]) -> bytes:
        """The file's bytes for wordfreq's buckets."""
        from array import array

        pairs = sorted((w.encode(), cb) for cb, bucket in enumerate(buckets) for w in bucket)
        starts, centibels, pos = array("I"), array("H"), 0
        for word, cb in pairs:
            starts.append(pos)
            centibels.append(cb)
            pos += len(word)
        starts.append(pos)
        body = len(pairs).to_bytes(4, "little") + starts.tobytes() + centibels.tobytes() + b"".join(w for w, _ in pairs)
        return cls.MAGIC + zlib.crc32(body).to_bytes(4, "little") + body

    @classmethod
    def read(cls, data: bytes) -> WordIndex | None:
        """The index in `data`, or None if it is not one whole and intact."""
        from array import array

        head = len(cls.MAGIC)
        if len(data) < head + 8 or not data.startswith(cls.MAGIC):
            return None
        body = data[head + 4:]
        if zlib.crc32(body) != int.from_bytes(data[head:head + 4], "little"):
            return None
        n = int.from_bytes(body[:4], "little")
        starts, centibels = array("I"), array("H")
        if starts.itemsize != 4 or centibels.itemsize != 2 or len(body) < 4 + 6 * n + 4:
            return None
        starts.frombytes(body[4:8 + 4 * n])
        centibels.frombytes(body[8 + 4 * n:8 + 6 * n])
        blob = body[8 + 6 * n:]
        if starts[-1] != len(blob):
            return None
        return cls(blob, starts, centibels)


MAX_INDEX = 64 << 20
"""Bytes past which a file named like the word index is not read (the real one is about 4 MB)."""


@lru_cache(maxsize=1)
def _index() -> WordIndex | None:
    """The index in the cache folder, made there on first need; None where the folder cannot be written
    (the whole table is built instead)."""
    import os

    from .cache import folder

    source = _wordfreq_file()
    stat = source.stat()
    path = folder() / f"words-{stat.st_size}-{stat.st_mtime_ns}.idx"  # a new wordfreq: a new index
    try:
        if path.stat().st_size <= MAX_INDEX:  # a foreign giant is not read, just replaced
            found = WordIndex.read(path.read_bytes())
            if found is not None:
                return found
    except OSError:
        pass
    data = WordIndex.of(_buckets())
    scratch = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        scratch.write_bytes(data)
        os.replace(scratch, path)  # whole or not at all: another build may be reading it
    except OSError:
        try:
            scratch.unlink(missing_ok=True)
        except OSError:
            pass
        return None
    return WordIndex.read(data)


@lru_cache(maxsize=8192)
def commonness(term: str) -> float:
    """The mean Zipf frequency of a term's meaningful words: a generic label ('Historical Context',
    4.7) scores high, a specific term ('Calcium Ion Influx', 3.6) low; 8 when it has no such word."""
    found = [zipf(w) for _, _, w, _ in tokens(term) if is_content(w) and not _is_number(w)]
    return sum(found) / len(found) if found else 8.0


LINKING = frozenset(
    """include includes including involve involves involving require requires required provide provides
    provided help helps helped allow allows allowed make makes made use uses used using lead leads play plays
    become becomes became contain contains cause causes enable enables ensure ensures create creates serve
    serves offer offers give gives take takes show shows shown occur occurs remain remains known called based
    often typically usually also well even still further particularly especially significantly generally commonly
    various several many much certain key important crucial essential significant specific different new
    like unlike within without across among around toward towards upon whether although though because since
    however thus therefore hence can cannot""".split()
)
"""Words that join the parts of a sentence rather than name a thing: a phrase never spans one."""

_CONNECTORS = frozenset({"of", "and"})
_NOT_NOUN = ("ed", "ly", "able", "ible", "ive", "ous", "ful", "less", "ate", "ates", "ize", "izes", "ise", "ises",
             "ify", "ifies", "al", "ic",
             "ent", "ant", "ar")
"""Endings of words that rarely name a thing on their own: a phrase never ends in one."""


def is_name(word: str) -> bool:
    """'Hsp70s', 'CO2', 'Brunei': written with a capital or a digit inside, a name whatever its ending."""
    return any(c.isupper() for c in word[1:]) or any(c.isdigit() for c in word) or word[:1].isupper()


def phrases(text: str, max_words: int = 5) -> list[tuple[int, int]]:
    """Spans of `text` that read as the name of a thing ('apparent power', 'courtship and mating
    behaviors'): runs of meaningful words between punctuation, stopwords and linking words, with at most
    two 'of'/'and' inside, and no leading '-ing'/'-ed' verb. A rough chunker that needs no tagger data."""
    toks = tokens(text)
    out, run = [], []

    def close():
        while run and run[-1][2].lower() in _CONNECTORS:
            run.pop()
        while len(run) > 1 and run[0][2].lower().endswith(("ing", "ed")):
            run.pop(0)
        while len(run) > 1 and run[-1][2].lower().endswith("ed"):
            run.pop()
        while run and run[0][2].lower() in _CONNECTORS:
            run.pop(0)
        while run and run[-1][2].lower() in _CONNECTORS:
            run.pop()
        if run and run[-1][2].lower().endswith(_NOT_NOUN) and not is_name(run[-1][2]):
            run.clear()  # ends in a verb, adverb or adjective: not the name of a thing
        if len(run) == 1 and run[0][2].lower().endswith("ed"):
            run.clear()  # 'encased': a verb
        if run and sum(t[2].lower() not in _CONNECTORS for t in run) <= max_words:
            out.append((run[0][0], run[-1][1]))
        run.clear()

    for i, (a, b, w, _) in enumerate(toks):
        lw = w.lower()
        gap = text[toks[i - 1][1]:a] if i else ""
        if run and gap.strip(" -"):
            close()
        if lw in _CONNECTORS and run and run[-1][2].lower() not in _CONNECTORS and \
                sum(t[2].lower() in _CONNECTORS for t in run) < 2:
            run.append((a, b, w))
            continue
        if not is_content(w) or lw in LINKING or _is_number(w) or (lw.endswith("ly") and len(lw) > 4):
            close()
            continue
        run.append((a, b, w))
    close()
    return out

