"""Lenient grading of typed answers: what counts as right, and why, so the learner can trust the verdict."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from quizgen.quiz.lexicon import is_key_word, is_real_word, spelling, word_key
from quizgen.text import is_content, stem, words

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
"""FSRS ratings as plain ints (fsrs.Rating has the same values), so grading needs no scheduler."""

ARTICLES = frozenset({"a", "an", "the"})
"""Leading words a learner may add or leave out."""

LONG_ANSWER_WORDS = 8
"""Answers longer than this (a step's explanation) are recalled in one's own words, not typed exactly."""

RECALL_GOOD, RECALL_HARD = 0.7, 0.4
"""Shares of an explanation's key words that suggest Good, and Hard."""

# How close a typed answer must be, by level: lower is better.
_EXACT, _NORMAL, _STEM, _TYPO, _NEAR, _WRONG = range(6)

_SPLIT = re.compile(r"\s*[;|\n]\s*")
_NON_WORD = re.compile(r"[^\w\s+#]|_")


@dataclass(slots=True, frozen=True)
class Grade:
    """The verdict on one typed answer, with the reason shown to the learner."""

    correct: bool
    """every answer was given (allowing case, accents, punctuation, articles, endings and small typos)"""
    near: bool
    """wrong, but close enough that a diff helps"""
    suggested: int
    """the rating offered as default: 1 Again, 2 Hard (right with a typo), 3 Good"""
    explanation: str
    """one or a few lines saying what was accepted or missed"""
    diff: str = ""
    """near misses and typos letter by letter: a 'you typed:' and an 'expected:' line per answer"""


@dataclass(slots=True, frozen=True)
class _Match:
    """How one typed part compares to one expected answer."""

    level: int
    distance: int
    typed: str
    answer: str
    why: str


def grade(typed: str, answers: Sequence[str], *, ordered: bool = False) -> Grade:
    """Grade a typed line against every expected answer; several answers are typed separated by `;`,
    in any order unless `ordered` (a sequence to put in order). Long answers are graded by recall."""
    expected = [a.strip() for a in answers if a.strip()] if ordered else _unique(answers)
    if not expected:
        return Grade(False, False, GOOD, "Nothing to check: rate yourself.")
    if not typed.strip():
        return Grade(False, False, AGAIN, "No answer given. Expected: " + "; ".join(expected))
    if needs_recall(expected) and _key_words(" ".join(expected)):
        return grade_recall(typed, expected)
    parts = _parts(typed, expected)
    matches = _in_order(parts, expected) if ordered else _assign(parts, expected)
    if len(matches) == 1:
        return _single(matches[0])
    verdict = _several(matches)
    if ordered and not verdict.correct and _several(_assign(parts, expected)).correct:
        return Grade(False, True, AGAIN, verdict.explanation + "\nAll there, but not in this order.", verdict.diff)
    return verdict


def needs_recall(answers: Sequence[str]) -> bool:
    """A sentence-long answer is said in one's own words, not typed letter for letter."""
    return any(len(a.split()) > LONG_ANSWER_WORDS for a in answers)


def grade_recall(typed: str, answers: Sequence[str]) -> Grade:
    """Grade an answer in one's own words by the share of the expected text's key words it recalls."""
    keys = _key_words(" ".join(answers))
    if not keys:
        return Grade(False, False, GOOD, "Compare with the answer and rate yourself.")
    said = _key_words(typed)
    missing = [word for s, word in keys.items() if not _recalled(s, said)]
    share = 1 - len(missing) / len(keys)
    lines = [f"You recalled {len(keys) - len(missing)} of {len(keys)} key words ({share:.0%})."]
    if missing:
        lines.append("Missing: " + ", ".join(missing[:12]) + (", ..." if len(missing) > 12 else ""))
    text = "\n".join(lines)
    if share >= RECALL_GOOD:
        return Grade(True, False, GOOD, text)
    return Grade(False, share >= RECALL_HARD, HARD if share >= RECALL_HARD else AGAIN, text)


def grade_choice(typed: str, choices: Sequence[str], answers: Sequence[str]) -> Grade:
    """Grade a multiple-choice reply given as the option's number or (leniently) its text."""
    picked = pick_choice(typed, choices)
    right = [i for i, c in enumerate(choices) if any(_same(c, a) for a in answers)]
    expected = "; ".join(f"{i + 1}. {choices[i]}" for i in right) or "; ".join(answers)
    if picked is None:
        what = "No answer given" if not typed.strip() else f"{typed.strip()!r} is not one of the choices"
        return Grade(False, False, AGAIN, f"{what}. Expected: {expected}")
    chosen = f"{picked + 1}. {choices[picked]}"
    if picked in right:
        return Grade(True, False, GOOD, f"Correct: {chosen}")
    return Grade(False, False, AGAIN, f"Wrong: you chose {chosen}. Expected: {expected}")


def pick_choice(typed: str, choices: Sequence[str]) -> int | None:
    """The index of the option a reply names: its number, else the one option its text matches best."""
    reply = typed.strip()
    if reply.isdecimal():
        n = int(reply)
        return n - 1 if 1 <= n <= len(choices) else None
    if not reply:
        return None
    matches = [_compare(reply, c) for c in choices]
    scored = sorted((m.level, m.distance, i) for i, m in enumerate(matches))
    if not scored or scored[0][0] > _TYPO:
        return None
    if len(scored) > 1 and scored[1][:2] == scored[0][:2]:
        return None
    return scored[0][2]


def normalize(text: str) -> str:
    """Case-, accent-, punctuation- and article-free form of an answer."""
    return " ".join(_drop_article(_unpunct(_unaccent(_fold(text))).split()))


def char_diff(typed: str, expected: str) -> str:
    """Two labelled lines, 'you typed:' then 'expected:', the letters that differ in [brackets]; case is
    not a difference, since grading ignores it."""
    yours, theirs = [], []
    matcher = difflib.SequenceMatcher(None, _caseless(typed), _caseless(expected), autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            yours.append(typed[i1:i2])
            theirs.append(expected[j1:j2])
            continue
        if i2 > i1:
            yours.append("[" + typed[i1:i2] + "]")
        if j2 > j1:
            theirs.append("[" + expected[j1:j2] + "]")
    return f"you typed: {''.join(yours)}\nexpected:  {''.join(theirs)}"


def typo_allowance(answer: str) -> int:
    """Edits tolerated for an answer of this length: none for short words, a few for long phrases."""
    n = len(answer.replace(" ", ""))
    if n <= 5:
        return 0
    if n <= 9:
        return 1
    if n <= 15:
        return 2
    return 3


def _single(m: _Match) -> Grade:
    """Verdict for a card with one answer."""
    diff = _diff(m) if m.level in (_TYPO, _NEAR) else ""
    if m.level <= _TYPO:
        return Grade(True, False, HARD if m.level == _TYPO else GOOD, m.why, diff)
    return Grade(False, m.level == _NEAR, AGAIN, f"{m.why} Expected: {m.answer}", diff)


def _several(matches: list[_Match]) -> Grade:
    """Verdict for a card with several deletions: all are needed."""
    right = sum(m.level <= _TYPO for m in matches)
    lines = [f"{right} of {len(matches)} answers right."]
    lines += [_line(m) for m in matches]
    diff = "\n".join(_diff(m) for m in matches if m.level in (_TYPO, _NEAR))
    correct = right == len(matches)
    if correct:
        suggested = HARD if any(m.level == _TYPO for m in matches) else GOOD
    else:
        suggested = AGAIN
    near = not correct and all(m.level <= _NEAR for m in matches)
    return Grade(correct, near, suggested, "\n".join(lines), diff)


def _diff(m: _Match) -> str:
    """The letter diff of a match; a term typed in another word order is compared with its words put in
    the typed order, so only the typo is marked."""
    t, a = normalize(m.typed), normalize(m.answer)
    if _reordered_distance(t, a) >= _distance(t, a):
        return char_diff(m.typed, m.answer)
    theirs = [w for w in _unpunct(m.answer).split() if is_content(w)]
    ordered = []
    for word in (w for w in _unpunct(m.typed).split() if is_content(w)):
        best = min(theirs, key=lambda w: _word_distance(_fold(word), _fold(w)))
        ordered.append(best)
        theirs.remove(best)
    return char_diff(" ".join(w for w in _unpunct(m.typed).split() if is_content(w)), " ".join(ordered))


def _line(m: _Match) -> str:
    """One answer's line in a several-answer verdict."""
    if m.level <= _TYPO:
        return f"  ok: {m.answer}" + ("" if m.level == _EXACT else f" ({m.why})")
    if not m.typed:
        return f"  missed: {m.answer} (not given)"
    return f"  missed: {m.answer} (you typed {m.typed!r}{', close' if m.level == _NEAR else ''})"


def _parts(typed: str, answers: Sequence[str]) -> list[str]:
    """Split a typed line into one part per answer: on `;`, `|`, else commas if that gives too few.

    One answer is the whole line, unless it is one word repeated for blanks that hide the same word
    (and the answer itself holds no separator: '0|0' typed for '0|0' is the answer, not '0' twice).
    """
    wanted = len(answers)
    parts = [p for p in _SPLIT.split(typed.strip()) if p]
    if wanted > 1 and len(parts) < wanted and "," in typed:
        parts = [p.strip() for p in re.split(r"[;|\n,]", typed) if p.strip()]
    if wanted == 1:
        repeated = len(parts) > 1 and len({normalize(p) or p for p in parts}) == 1 and not _SPLIT.search(answers[0])
        return parts[:1] if repeated else [typed.strip()]
    return parts


def _in_order(parts: list[str], answers: list[str]) -> list[_Match]:
    """Match answers to typed parts position by position."""
    return [
        _compare(parts[i], a) if i < len(parts) else _Match(_WRONG, len(a), "", a, "Not given.")
        for i, a in enumerate(answers)
    ]


def _assign(parts: list[str], answers: list[str]) -> list[_Match]:
    """Match each answer to the best unused typed part, in any order (greedy: the lists are short)."""
    unused = list(parts)
    matches = []
    for answer in answers:
        if not unused:
            matches.append(_Match(_WRONG, len(answer), "", answer, "Not given."))
            continue
        best = min((_compare(p, answer) for p in unused), key=lambda m: (m.level, m.distance))
        unused.remove(best.typed)
        matches.append(best)
    return matches


def _compare(typed: str, answer: str) -> _Match:
    """Find the most lenient rule under which `typed` still equals `answer`."""
    typed, answer = typed.strip(), answer.strip()
    if typed == answer:
        return _Match(_EXACT, 0, typed, answer, "Correct.")
    reasons = _equal_after(typed, answer)
    if reasons is not None:
        return _Match(_NORMAL, 0, typed, answer, "Correct, ignoring " + _join(reasons) + ".")
    t, a = normalize(typed), normalize(answer)
    if not a:  # an answer made only of symbols must be typed as is
        return _Match(_WRONG, len(answer), typed, answer, "Wrong.")
    if _stems(t) == _stems(a):
        return _Match(_STEM, 0, typed, answer, "Correct, apart from word endings (plural or inflection).")
    if _keys(t) == _keys(a):
        return _Match(_STEM, 0, typed, answer, "Correct, in another spelling (British or American).")
    if len(_term_words(a)) > 1 and sorted(_term_words(t)) == sorted(_term_words(a)):
        return _Match(_STEM, 0, typed, answer, "Correct, in another word order.")
    distance = min(_distance(t, a), _distance(_stems(t), _stems(a)), _reordered_distance(t, a))
    allowed = typo_allowance(a)
    others = _other_real_words(t, a)
    if distance <= allowed and _digits(t) == _digits(a) and not others:
        return _Match(_TYPO, distance, typed, answer, f"Accepted with a typo ({_letters(distance)} off).")
    if distance <= 2 * allowed + 1 or difflib.SequenceMatcher(None, t, a).ratio() >= 0.75:
        if others:
            said = _join([repr(w) for w in others])
            return _Match(_NEAR, distance, typed, answer, f"Close, but {said} {'is a' if len(others) == 1 else 'are'} "
                          f"different word{'' if len(others) == 1 else 's'}.")
        return _Match(_NEAR, distance, typed, answer, f"Close, but {_letters(distance)} off.")
    return _Match(_WRONG, distance, typed, answer, "Wrong.")


def _keys(text: str) -> list[str]:
    """A normalised text's words as grading compares them: one spelling, one stem each."""
    return [word_key(w) for w in text.split()]


def _term_words(text: str) -> list[str]:
    """The keys of a term's meaningful words: 'termination of signal' is {signal, termin}, in any order
    (a term of two or more of them: 'Type I' is not 'type')."""
    return [word_key(w) for w in text.split() if is_content(w)]


def _reordered_distance(typed: str, answer: str) -> int:
    """Edits between the two texts' meaningful words paired in the best order (greedy: terms are short);
    large when the counts differ, so only reordered typos count."""
    mine, theirs = [w for w in typed.split() if is_content(w)], [w for w in answer.split() if is_content(w)]
    if len(theirs) < 2 or len(mine) != len(theirs):
        return len(typed) + len(answer)
    total = 0
    for word in theirs:
        best = min(mine, key=lambda w: _word_distance(w, word))
        total += _word_distance(best, word)
        mine.remove(best)
    return total


def _word_distance(typed: str, word: str) -> int:
    """Edits between two words, as spelt or as stems, whichever is fewer."""
    return min(_distance(spelling(typed), spelling(word)), _distance(word_key(typed), word_key(word)))


def _other_real_words(typed: str, answer: str) -> list[str]:
    """Typed words that are real English words but none of the answer's: 'contracture' for 'contraction'
    is another term, not a typo."""
    keys = set(_keys(answer))
    return [w for w in typed.split() if word_key(w) not in keys and not w.isdigit() and is_real_word(w)]


def _equal_after(typed: str, answer: str) -> list[str] | None:
    """The normalisation steps that make the two texts equal (None if none do), named for the learner."""
    for k in range(1, len(_STEPS) + 1):
        used = _STEPS[:k]
        if _through(used, answer) and _through(used, typed) == _through(used, answer):
            needed = [n for n, f in used if not _equal_without(used, f, typed, answer)]
            return needed or [used[-1][0]]
    return None


def _equal_without(steps: list, skipped: Callable[[str], str], typed: str, answer: str) -> bool:
    """Whether the texts would still be equal if one step were left out."""
    rest = [(n, f) for n, f in steps if f is not skipped]
    return _through(rest, typed) == _through(rest, answer)


def _through(steps: list, text: str) -> str:
    for _, step in steps:
        text = step(text)
    return text


def _same(a: str, b: str) -> bool:
    """Two option texts are the same answer."""
    return a.strip() == b.strip() or (normalize(a) != "" and normalize(a) == normalize(b))


def _unique(answers: Sequence[str]) -> list[str]:
    """Answers without blanks or repeats: two deletions of one word are typed once."""
    seen, out = set(), []
    for answer in answers:
        key = normalize(answer) or answer.strip()
        if answer.strip() and key not in seen:
            seen.add(key)
            out.append(answer.strip())
    return out


def _key_words(text: str) -> dict[str, str]:
    """The words an answer is recognised by (no stopwords, no filler), by key (first spelling kept), in order."""
    keys: dict[str, str] = {}
    for _, _, word in words(text):
        if is_key_word(word):
            keys.setdefault(word_key(_unaccent(word)), word)
    return keys


def _recalled(key: str, said: dict[str, str]) -> bool:
    """A key word was said, or misspelt as no real word (a different real word does not count)."""
    if key in said:
        return True
    allowed = typo_allowance(key)
    return any(not is_real_word(_fold(w)) and _distance(key, s) <= allowed for s, w in said.items())


def _caseless(text: str) -> str:
    """Lower case letter for letter (a letter whose lower case is longer is kept), so indices still match."""
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _unaccent(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _unpunct(text: str) -> str:
    return _NON_WORD.sub(" ", text)


def _drop_article(tokens: list[str]) -> list[str]:
    return tokens[1:] if len(tokens) > 1 and tokens[0] in ARTICLES else tokens


def _stems(text: str) -> str:
    """Snowball stems (quizgen.text's, data-free) of a normalised text's words."""
    return " ".join(stem(w) for w in text.split())


def _distance(a: str, b: str) -> int:
    from nltk.metrics.distance import edit_distance  # here: importing nltk takes half a second

    return edit_distance(a, b, transpositions=True)


def _digits(text: str) -> list[str]:
    """Numbers must be exact: '1984' is not a typo of '1985'."""
    return re.findall(r"\d+", text)


def _letters(n: int) -> str:
    return f"{n} letter" + ("" if n == 1 else "s")


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _collapse(text: str) -> str:
    return " ".join(_unpunct(text).split())


def _articleless(text: str) -> str:
    return " ".join(_drop_article(text.split()))


def _spaceless(text: str) -> str:
    return text.replace(" ", "")


_STEPS: list[tuple[str, Callable[[str], str]]] = [
    ("case", _fold),
    ("accents", _unaccent),
    ("punctuation", _collapse),
    ("a leading article", _articleless),
    ("spacing", _spaceless),
]
"""Normalisation steps in the order they apply, named as the explanation says them."""
