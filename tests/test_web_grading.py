"""The study page grades as the terminal does: the same (answers, typed) cases go to quizgen.quiz.grading
and to the page's grader (web/grading.js, with the lexicon the exporter wrote) in headless Chromium, and
every verdict, explanation and diff must be the same; the page's stemmer gives quizgen.text.stem's stems."""

from __future__ import annotations

import json
import random
import unicodedata

import pytest

from quizgen.exporters import html as html_exporter
from quizgen.model import Card
from quizgen.quiz import grading
from quizgen.text import stem

ANSWERS = [
    ["Muscle Contraction"], ["Termination of Signal"], ["Fiber"], ["mitochondria"], ["the determinant"],
    ["Acetylcholine Release"], ["Calcium Ion Influx"], ["organise"], ["Haemoglobin"], ["nicotinic receptors"],
    ["Type I"], ["Pâté"], ["1984"], ["Café au lait"], ["sodium-potassium pump"], ["eigenvalues"], ["Krebs cycle"],
    ["colour"], ["analyse"], ["centre"], ["oedema"], ["tumour"], ["catalogue"], ["paralysed"], ["Anaemia"],
    ["systole", "diastole"], ["ATP", "NADH"], ["Glycolysis", "Krebs Cycle", "Electron Transport Chain"],
    ["The enzyme acetylcholinesterase breaks acetylcholine down in the synaptic cleft quickly"],
]
SEQUENCES = [["Inflammation", "Proliferation", "Remodelling"], ["Absorption", "Distribution", "Metabolism", "Excretion"]]
CHOICES = [(["Systole", "Diastole", "Isovolumetric relaxation"], ["Diastole"])]
REAL_OTHERS = {"Muscle Contraction": ["muscle contracture", "muscle contractions", "muscle contractor", "muscle construction"],
               "Fiber": ["fibre", "fibers", "fibrous", "liber"], "mitochondria": ["mitochondrion", "mitochondrial"],
               "nicotinic receptors": ["nicotinic reception", "nicotine receptors", "nicotinic receptor"],
               "Termination of Signal": ["signal termination", "signal terminator", "termination signals"],
               "the determinant": ["determinants", "the determinate", "determined", "determinent"],
               "organise": ["organize", "organism", "organised"], "Haemoglobin": ["hemoglobin", "hemoglobins"],
               "colour": ["color", "colours", "colon"], "analyse": ["analyze", "analyst"], "centre": ["center", "central"],
               "oedema": ["edema"], "tumour": ["tumor", "tumours"], "catalogue": ["catalog"], "paralysed": ["paralyzed"],
               "Anaemia": ["anemia", "anemic"], "1984": ["1985", "1 9 8 4"], "Type I": ["type", "Type 1", "I type"]}


def _typos(text: str, rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        chars = list(text)
        for _ in range(rng.choice((1, 1, 2))):
            i = rng.randrange(len(chars))
            op = rng.choice("dsti")
            if op == "d" and len(chars) > 1:
                del chars[i]
            elif op == "s":
                chars[i] = rng.choice("aeioumnrst")
            elif op == "t" and i + 1 < len(chars):
                chars[i], chars[i + 1] = chars[i + 1], chars[i]
            else:
                chars.insert(i, rng.choice("aeioumnrst"))
        out.append("".join(chars))
    return out


def _variants(answer: str, rng: random.Random) -> list[str]:
    plain = "".join(c for c in unicodedata.normalize("NFKD", answer) if not unicodedata.combining(c))
    words = answer.split()
    out = [answer, answer.upper(), answer.lower(), answer.title(), plain, " " + answer + " ", answer + ".",
           "the " + answer, " ".join(reversed(words)), " ".join(reversed(words)).upper(), "", "golgi apparatus",
           answer.replace(" ", ""), answer.replace(" ", "  "), answer + " x", answer + " of", "a " + answer,
           answer[:-1], answer + "s", answer.replace("e", "é", 1)]
    out += _typos(answer, rng, 10) + _typos(" ".join(reversed(words)), rng, 3)
    out += REAL_OTHERS.get(answer, [])
    return out


def _real_near_misses(answer: str, rng: random.Random) -> list[str]:
    """The answer with one word swapped for a real English word (wordfreq's commonest 50,000) at most
    three edits from it and of the same first letter, found here without the page's lexicon."""
    from nltk.metrics.distance import edit_distance
    from wordfreq import top_n_list

    words = answer.split()
    out = []
    for i, word in enumerate(words):
        w = word.lower()
        near = [v for v in top_n_list("en", 50000) if v[:1] == w[:1] and v != w and abs(len(v) - len(w)) <= 2
                and v.isalpha() and edit_distance(v, w, transpositions=True) <= 3]
        for v in rng.sample(near, min(4, len(near))):
            out.append(" ".join(words[:i] + [v] + words[i + 1:]))
    return out


def _cases() -> list[dict]:
    rng = random.Random(15)
    cases = []
    for answers in ANSWERS:
        typed = [t for a in answers for t in _variants(a, rng)]
        typed += [t for a in answers if len(a.split()) <= 3 for t in _real_near_misses(a, rng)]
        typed += ["; ".join(answers), "; ".join(reversed(answers)), ", ".join(answers), answers[0],
                  "; ".join(_typos(a, rng, 1)[0] for a in answers)]
        cases += [{"kind": "grade", "answers": answers, "ordered": False, "typed": t} for t in typed]
    for answers in SEQUENCES:
        typed = ["; ".join(answers), "; ".join(reversed(answers)), "; ".join(answers[:-1]),
                 "; ".join(_typos(a, rng, 1)[0] for a in answers), ", ".join(a.lower() for a in answers)]
        cases += [{"kind": "grade", "answers": answers, "ordered": True, "typed": t} for t in typed]
    for choices, answers in CHOICES:
        for t in ["2", "1", "4", "", "diastole", "Diastol", "systol", "relaxation", "dia"]:
            cases.append({"kind": "choice", "choices": choices, "answers": answers, "typed": t})
    return cases


def _python(case: dict) -> dict:
    if case["kind"] == "choice":
        g = grading.grade_choice(case["typed"], case["choices"], case["answers"])
    else:
        g = grading.grade(case["typed"], case["answers"], ordered=case["ordered"])
    return {"correct": g.correct, "near": g.near, "suggested": g.suggested, "explanation": g.explanation, "diff": g.diff}


@pytest.fixture(scope="module")
def cases() -> list[dict]:
    return _cases()


def _page(tmp_path, cases) -> str:
    cards = [Card(id=f"g{i}", kind="cloze", doc_key="d", key=str(i), subject="S", context="S", front="{{c1::x}}",
                  back="", answers=tuple(c["answers"]), choices=tuple(c.get("choices", ())))
             for i, c in enumerate(cases)]
    path = tmp_path / "deck.html"
    html_exporter.write(cards, str(path), root="Grading")
    return path.as_uri()


_RUN = """
var cases = arguments[0], done = arguments[arguments.length - 1];
GRADING.load(JSON.parse(document.getElementById("qg-lexicon").textContent)).then(function (grader) {
  done(cases.map(function (c) {
    return c.kind === "choice" ? grader.gradeChoice(c.typed, c.choices, c.answers)
      : grader.grade(c.typed, c.answers, c.ordered);
  }));
});
"""


def test_the_page_grades_as_the_terminal_does(browser, tmp_path, cases):
    assert len(cases) > 700
    browser.get(_page(tmp_path, cases))
    browser.set_script_timeout(300)
    page = browser.execute_async_script(_RUN, cases)
    differ = [(c["answers"], c["typed"], _python(c), p) for c, p in zip(cases, page) if _python(c) != p]
    assert not differ, json.dumps(differ[:5], ensure_ascii=False, indent=1) + f"\n{len(differ)} of {len(cases)} differ"


def test_the_cases_cover_every_kind_of_verdict(cases):
    verdicts = [_python(c) for c in cases]
    explanations = " ".join(v["explanation"] for v in verdicts)
    for said in ("ignoring case", "accents", "another word order", "another spelling", "word endings",
                 "Accepted with a typo", "is a different word", "Close, but", "Wrong.", "You recalled", "Correct: 2."):
        assert said in explanations, said
    assert any(v["correct"] and v["suggested"] == grading.HARD for v in verdicts)
    assert any(v["near"] for v in verdicts) and any(not v["correct"] and not v["near"] for v in verdicts)


def test_the_page_stems_as_quizgen_text_does(browser, tmp_path):
    from wordfreq import top_n_list

    rng = random.Random(7)
    vocabulary = [w for w in top_n_list("en", 30000) if w.isalpha()]
    vocabulary += [w[:i] + rng.choice("aeiouy") + w[i + 1:] for w in vocabulary[:5000] for i in [rng.randrange(len(w))]]
    vocabulary += ["Realization", "ghettoization", "generalizations", "communism", "dying", "innings", "skies",
                   "hoping", "agreed", "Café's", "it’s", "naïve", "yelling", "sayings", "organizational"]
    browser.get(_page(tmp_path, [{"answers": ["x"]}]))
    page = browser.execute_script("return arguments[0].map(STEM.stem)", vocabulary)
    differ = [(w, stem(w), p) for w, p in zip(vocabulary, page) if stem(w) != p]
    assert not differ, differ[:20]
