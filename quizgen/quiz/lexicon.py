"""What grading knows about English words: which carry meaning, which are real, which are one word spelt two ways.

Word frequencies come from `wordfreq` (its data ships inside the wheel: nothing is downloaded).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from quizgen.text import STOPWORDS, fold, stem

FILLER = frozenset(
    """called known named termed referred refers refer means meaning mean defined define describes described
    involves involve involved include includes including included occurs occur occurring happens happen
    happening travels travel travelling traveling moves move moving goes go going takes take taking taken makes
    make making made becomes become became gets get getting got allows allow allowing enables enable helps help
    leads lead leading results result resulting causes cause caused plays play playing serves serve serving
    acts act acting uses use using used given give gives like well thus therefore hence however although
    though because since along across within without among around toward towards onto upon whereby whereas
    usually often typically generally mainly primarily mostly especially particularly also still even much
    many several various certain another further first second third finally then next eventually
    important crucial critical essential significant key main major subsequent subsequently specific
    particular role roles contain contains containing contained facilitate facilitates facilitated
    facilitating ensure ensures ensuring ensured responsible able way ways part""".split()
)
"""Verbs, adverbs and linkers that carry a sentence but are not what a learner must recall (written here,
added to quizgen.text's stopwords)."""

COMMON_ZIPF = 6.0
"""Words at least this frequent in English (Zipf scale: 'time' 6.3, 'first' 6.1, 'life' 5.9, 'blood' 5.1)
are too common to be what an answer is about."""

_VARIANTS: tuple[tuple[re.Pattern, str, int], ...] = (
    (re.compile(r"(?<=[bcgt])re(s|d)?$"), r"er\1", 5),  # fibre/fiber, centre/center, litre/liter
    (re.compile(r"is(e|es|ed|ing|ation|ations|er|ers)$"), r"iz\1", 6),  # organise/organize
    (re.compile(r"ys(e|es|ed|ing|er|ers)$"), r"yz\1", 6),  # analyse/analyze, paralyse/paralyze
    (re.compile(r"our(s|ed|ing|ite|ites|able)?$"), r"or\1", 6),  # colour/color, tumour/tumor
    (re.compile(r"ogue(s)?$"), r"og\1", 6),  # catalogue/catalog, analogue/analog
    (re.compile(r"ae"), "e", 6),  # anaemia/anemia, haemoglobin/hemoglobin
    (re.compile(r"oe(?=[^aeiou\W])|oea"), lambda m: "e" if m.group() == "oe" else "ea", 6),  # oedema, diarrhoea
)
"""British and American spellings of one word, rewritten to one form: (pattern, replacement, shortest word
it applies to, so 'four' is not 'for')."""


def is_key_word(word: str) -> bool:
    """A word an answer is recognised by: no stopword, no filler verb or linker, not among the commonest words."""
    w = fold(word)
    if len(w) < 2 or w in STOPWORDS or w in FILLER:
        return False
    return w.isdigit() or _zipf(w) < COMMON_ZIPF


@lru_cache(maxsize=16384)
def is_real_word(word: str) -> bool:
    """An English word with a measured frequency: a 'typo' that spells one is a different word."""
    return _zipf(word) > 0


@lru_cache(maxsize=65536)
def _zipf(word: str) -> float:
    """wordfreq's Zipf frequency of an English word (imported on first use: `quizgen build` never needs it)."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


@lru_cache(maxsize=16384)
def spelling(word: str) -> str:
    """One spelling for a word's British and American forms (lower case, as grading folds it)."""
    w = word.casefold()
    for pattern, replacement, shortest in _VARIANTS:
        if len(w) >= shortest:
            w = pattern.sub(replacement, w)
    return w


@lru_cache(maxsize=16384)
def word_key(word: str) -> str:
    """What two words must share to be the same answer word: one spelling, then one stem."""
    return stem(spelling(word))


SHORT_REAL = 2
"""Real words this short are all given to the study page: one typed in extra is within a phrase's typo
allowance (three letters), so the page must know it is a word."""


def page_lexicon(answers: Iterable[str]) -> dict[str, list[str]]:
    """What the study page's grader (exporters/web/grading.js) needs from wordfreq, which it cannot load:
    the stopwords, filler and commonest words, and the real words a typed answer could plausibly be
    instead of one of these answers' words — every real word one edit from an answer word, the words
    that share its stem's start (contracture for contraction), its real substrings (a typed split), and
    every real word of one or two letters. A real word further off and of another stem is unknown to the
    page, which then takes it as a typo where the terminal says it is a different word."""
    from bisect import bisect_left

    from quizgen.text import words

    vocab = _vocabulary()
    real: set[str] = set()
    for answer in answers:
        for word in {_plain(w) for _, _, w in words(answer)}:
            if len(word) < 2:
                continue
            real.update(w for w in _edits1(word) if w in vocab[1])
            real.update(word[i:j] for i in range(len(word)) for j in range(i + 1, len(word) + 1)
                        if word[i:j] in vocab[1])
            prefix = stem(word)[:max(3, len(stem(word)) - 2)]
            at = bisect_left(vocab[0], prefix)
            for w in vocab[0][at:at + 400]:
                if not w.startswith(prefix):
                    break
                if abs(len(w) - len(word)) <= 4:
                    real.add(w)
    real.update(w for w in vocab[0] if len(w) <= SHORT_REAL)
    from wordfreq import top_n_list

    common = sorted(w for w in top_n_list("en", 1000) if _zipf(w) >= COMMON_ZIPF)
    return {"stop": sorted(STOPWORDS), "filler": sorted(FILLER), "common": common,
            "real": sorted(w for w in real if is_real_word(w))}


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[list[str], frozenset[str]]:
    """wordfreq's English words (sorted, and as a set), as grading's typed words look: folded, no accents."""
    from wordfreq import get_frequency_dict

    plain = {_plain(w) for w in get_frequency_dict("en")}
    return sorted(w for w in plain if w and not any(c.isspace() for c in w)), frozenset(plain)


def _plain(word: str) -> str:
    """A word as the grader compares it: folded, accents and punctuation gone (grading.normalize's steps)."""
    import unicodedata

    if word.isascii():
        return re.sub(r"[^\w\s+#]|_", "", word.lower())
    decomposed = unicodedata.normalize("NFKD", fold(word))
    out = unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))
    return re.sub(r"[^\w\s+#]|_", "", out)


def _edits1(word: str) -> set[str]:
    """Every string one deletion, transposition, substitution or insertion from `word` (letters a-z)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in letters}
    out |= {a + c + b for a, b in splits for c in letters}
    return out
