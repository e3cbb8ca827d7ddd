"""What grading knows about English words: which carry meaning, which are real, which are one word spelt two ways.

Word frequencies come from `wordfreq` (its data ships inside the wheel: nothing is downloaded).
"""

from __future__ import annotations

import re
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
    """An English word with a measured frequency: a 'typo' that spells one is a different word. A word with
    digits never is (wordfreq reads '198t' as '000t'; numbers are checked exactly instead)."""
    return not any(c.isdigit() for c in word) and _zipf(word) > 0


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


def page_lexicon() -> dict[str, object]:
    """What the study page's grader (exporters/web/grading.js) needs from wordfreq, which it cannot load:
    the stopwords, filler and commonest words, and every word is_real_word() accepts (wordfreq's English
    entries without digits, as it spells them: folded, accents kept; a hyphenated word is real when its
    parts are, as wordfreq reads it), sorted, each written as how many letters it shares with the one before
    (a character, '0' + n) and the rest, the lines gzipped and base64-encoded (about 0.7 MB; the page
    unpacks them with the browser's DecompressionStream). The same every time, so pages stay reproducible."""
    from wordfreq import top_n_list

    common = sorted(w for w in top_n_list("en", 1000) if _zipf(w) >= COMMON_ZIPF)
    return {"stop": sorted(STOPWORDS), "filler": sorted(FILLER), "common": common, "real": _packed_real_words()}


@lru_cache(maxsize=1)
def _packed_real_words() -> str:
    import base64
    import gzip

    from wordfreq import get_frequency_dict

    # every entry is at least Zipf 1 (wordfreq keeps nothing rarer) and is one token as it is spelt
    unwanted = re.compile(r"[\d\s]")
    real = [w for w in get_frequency_dict("en") if w and not unwanted.search(w)]
    lines, previous = [], ""
    for word in sorted(real):
        shared, limit = 0, min(len(word), len(previous), 60)
        while shared < limit and word[shared] == previous[shared]:
            shared += 1
        lines.append(chr(48 + shared) + word[shared:])
        previous = word
    packed = gzip.compress("\n".join(lines).encode("utf-8"), compresslevel=9, mtime=0)
    return base64.b64encode(packed).decode("ascii")
