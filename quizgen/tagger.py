"""Parts of speech, from a trained model that ships in a wheel: Matthew Honnibal's averaged perceptron
(the algorithm nltk's PerceptronTagger implements), with the weights he trained on the Penn Treebank,
as packaged in `textblob-aptagger`. nltk's own copy of those weights must be downloaded, which quizgen
never does; this one is installed by pip like any dependency.

The weights are a pickle. A pickle can run code, so it is read by an unpickler that builds only dicts,
strings, numbers and sets, and only after its SHA-256 is the one quizgen was tested with: the tags, and
so the cards, stay the same on every machine."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import os
import pickle
import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .errors import QuizgenError

MODEL = "trontagger-0.1.0.pickle"
MODEL_SHA256 = "1109164b3d28dce58f96b763128bab2fd8754c3921fd3330de2724ac6d1ada7c"
START = ("-START-", "-START2-")
END = ("-END-", "-END2-")


class _DataOnly(pickle.Unpickler):
    """Builds the containers the weights are made of, and nothing else."""

    def find_class(self, module, name):
        if module in ("__builtin__", "builtins") and name in ("set", "frozenset"):
            return set if name == "set" else frozenset
        raise pickle.UnpicklingError(f"{module}.{name} is not data")


@dataclass(slots=True, frozen=True)
class Model:
    """The weights, packed: a feature's (tag, weight) pairs are entries start..end of `tags` (indexes
    into `classes`) and `weights`: 16 MiB where the pickle's dict of dicts takes 42 (tracemalloc), the
    same sums."""

    spans: dict
    """feature -> start << 8 | count"""
    tags: bytes
    weights: array
    tagdict: dict
    """words that always take one tag"""
    classes: tuple
    """every tag, sorted"""


@lru_cache(maxsize=1)
def _model() -> Model:
    """The model, read and packed once per process."""
    weights, tagdict, classes = load_model(model_path())
    index = {t: n for n, t in enumerate(classes)}
    spans, tags, packed = {}, bytearray(), array("d")
    for feature, found in weights.items():
        spans[feature] = len(tags) << 8 | len(found)
        for label, weight in found.items():  # in the pickle's order: sums add up in the same order
            tags.append(index[label])
            packed.append(weight)
    return Model(spans, bytes(tags), packed, tagdict, classes)


def preload() -> None:
    """Read the model now (before worker processes fork, so that they share its pages)."""
    _model()


def model_path() -> str:
    """Where pip put the weights: located, not imported (the package would import textblob)."""
    spec = importlib.util.find_spec("textblob_aptagger")
    folder = spec.submodule_search_locations[0] if spec and spec.submodule_search_locations else ""
    return os.path.join(folder, MODEL)


def load_model(path: str) -> tuple[dict, dict, tuple]:
    """The weights in `path`, if they are the ones quizgen was tested with (QuizgenError otherwise)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise QuizgenError(f"the part-of-speech model is missing ({e.strerror or e}): reinstall quizgen") from None
    if hashlib.sha256(data).hexdigest() != MODEL_SHA256:
        raise QuizgenError(f"{path}: not the part-of-speech model quizgen was tested with")
    weights, tagdict, classes = _DataOnly(io.BytesIO(data), encoding="latin1").load()
    return weights, tagdict, tuple(sorted(classes))


def _normal(word: str) -> str:
    if "-" in word and word[0] != "-":
        return "!HYPHEN"
    if word.isdigit() and len(word) == 4:
        return "!YEAR"
    if word[:1].isdigit():
        return "!DIGITS"
    return word.lower()


def _best(scores: dict, classes: tuple) -> str:
    """The highest-scoring tag, ties to the later name, a tag no feature spoke for counting 0.0 (exactly
    nltk's `max(classes, key=lambda label: (scores[label], label))`, without scoring all 45 tags);
    `scores` is keyed by index into the sorted `classes`, so a later index is a later name."""
    best = max(scores, key=lambda i: (scores[i], i)) if scores else None
    if best is None or scores[best] <= 0.0:
        silent = next((i for i in range(len(classes) - 1, -1, -1) if i not in scores), None)
        if silent is not None and (best is None or scores[best] < 0.0 or silent > best):
            return classes[silent]
    return classes[best]


def tag(words: Sequence[str]) -> list[str]:
    """The Penn Treebank tag of each word (punctuation marks are words here, as in the treebank)."""
    model = _model()
    spans, tags, weights, tagdict, classes = model.spans, model.tags, model.weights, model.tagdict, model.classes
    context = START + tuple(_normal(w) for w in words) + END
    prev, prev2 = START
    out = []
    for i, word in enumerate(words):
        found = tagdict.get(word)
        if found is None:
            c = i + 2
            scores: dict = {}
            get = scores.get
            for feature in ("bias", "i suffix " + word[-3:], "i pref1 " + word[:1], "i-1 tag " + prev,
                            "i-2 tag " + prev2, "i tag+i-2 tag " + prev + " " + prev2, "i word " + context[c],
                            "i-1 tag+i word " + prev + " " + context[c], "i-1 word " + context[c - 1],
                            "i-1 suffix " + context[c - 1][-3:], "i-2 word " + context[c - 2],
                            "i+1 word " + context[c + 1], "i+1 suffix " + context[c + 1][-3:],
                            "i+2 word " + context[c + 2]):
                at = spans.get(feature)
                if at is not None:
                    start = at >> 8
                    for j in range(start, start + (at & 255)):
                        label = tags[j]
                        scores[label] = get(label, 0.0) + weights[j]
            found = _best(scores, classes)
        out.append(found)
        prev2, prev = prev, found
    return out


_TOKEN = re.compile(r"\d+(?:[.,]\d+)*%?|(?:[^\W_]|[⁺⁻])+(?:[-'’](?:[^\W_]|[⁺⁻])+)*|[^\w\s]")
"""Words, numbers and single marks, as the treebank the weights come from splits them."""

NOUN = frozenset({"NN", "NNS", "NNP", "NNPS"})
MODIFIER = NOUN | {"JJ", "JJR", "JJS", "CD", "VBN", "POS"}
"""What a noun phrase is made of, before the noun that ends it ('the [voltage-gated calcium channels]')."""


def tagged(text: str, near: Sequence[int] = ()) -> list[list[tuple[int, int, str, str]]]:
    """The tokens of `text` as (start, end, token, tag), in windows: one of them all, or (`near`: offsets
    in the text) those around these places, each window tagged on its own from a few tokens before,
    which is all a noun phrase there needs and a fraction of the work."""
    found = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
    windows = [(0, len(found))]
    if near:
        windows = []
        for i, (a, b, _) in enumerate(found):
            if any(a <= x < b for x in near):
                lo, hi = max(0, i - BEFORE), min(len(found), i + AFTER)
                if windows and lo <= windows[-1][1]:
                    windows[-1] = (windows[-1][0], hi)
                else:
                    windows.append((lo, hi))
    out = []
    for lo, hi in windows:
        part = found[lo:hi]
        out.append([(a, b, w, t) for (a, b, w), t in zip(part, tag([w for _, _, w in part]))])
    return out


BEFORE, AFTER = 6, 9
"""A window's tokens before and after the word it is about: a phrase's modifiers, and what 'and'/'of'
join to it."""


@dataclass(slots=True, frozen=True)
class Phrase:
    """A noun phrase of a sentence."""

    start: int
    end: int
    """where it stands in the text (determiners left out: 'the [skull]')"""
    base: tuple[int, int]
    """the span of its core, the modifiers and nouns without what 'and'/'of' joined to them"""


def _core(toks, i: int) -> int:
    """End (exclusive token index) of the modifiers-and-nouns run from token i, cut back to its last noun."""
    j = i
    while j < len(toks) and (toks[j][3] in MODIFIER or (toks[j][2] == "-" and j > i)):
        j += 1
    while j > i and toks[j - 1][3] not in NOUN and toks[j - 1][3] != "CD":
        j -= 1
    return j


def noun_phrases(text: str, near: Sequence[int] = ()) -> list[Phrase]:
    """The noun phrases of a sentence (or of the windows around the offsets `near`), each with one
    'A and B' or 'A of B' joined to it: 'the [frequency and duration of acid reflux episodes]'."""
    out: list[Phrase] = []
    for toks in tagged(text, near):
        _phrases(toks, out)
    return out


def _phrases(toks: list, out: list) -> None:
    i, n = 0, len(toks)
    while i < n:
        if toks[i][3] not in MODIFIER or toks[i][3] in ("POS", "VBN"):
            i += 1
            continue
        core = _core(toks, i)
        if core == i:
            i += 1
            continue
        end = core
        for joint in ("and", "of"):
            if end < n - 1 and toks[end][2] == joint:
                m = end + 1
                while m < n and toks[m][3] in ("DT", "PRP$"):
                    m += 1
                after = _core(toks, m)
                if after > m:
                    end = after
        out.append(Phrase(toks[i][0], toks[end - 1][1], (toks[i][0], toks[core - 1][1])))
        i = end
