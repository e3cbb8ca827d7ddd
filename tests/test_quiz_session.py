"""Study sessions driven by scripted input with hand-made cards, on real SQLite files and fixed times."""

from __future__ import annotations

import re

import os
import signal
import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import click
import pytest
from fsrs import Scheduler

from quizgen.model import Card
from quizgen.quiz.session import format_summary, parse_rating, plan, run, select, to_text, when
from quizgen.quiz.store import Store

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)
ROOT = Path(__file__).resolve().parents[1]


def card(card_id: str, kind: str = "cloze", **fields) -> Card:
    """A card as the generator would make it, with just enough filled in."""
    defaults = {
        "cloze": dict(
            front="The {{c1::mitochondria}} makes {{c2::ATP}} &amp; heat &#123;sic&#125;.",
            back="The <b>mitochondria</b> makes ATP.",
            answers=("mitochondria",),
        ),
        "qa": dict(
            front="<p>What is a cell?</p>", back="<p>The unit of <i>life</i>.</p>", answers=("The unit of life",)
        ),
        "mcq": dict(
            front="Which organelle makes ATP?",
            back="Mitochondria",
            answers=("Mitochondria",),
            choices=("Nucleus", "Mitochondria", "Ribosome"),
        ),
        "step": dict(front="Step 2 of cell division?", back="<b>Metaphase</b>", answers=("Metaphase",)),
    }[kind]
    base = dict(
        id=card_id,
        kind=kind,
        doc_key="doc",
        key=card_id,
        subject="Biology",
        context="<div>Biology &rsaquo; Cells</div>",
    )
    return Card(**{**base, **defaults, **fields})


class Script:
    """Scripted learner: answers prompts from a list (EOF when it runs out), records what was shown."""

    def __init__(self, *lines: str):
        self.lines = list(lines)
        self.prompts: list[str] = []
        self.shown: list[str] = []

    def ask(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if not self.lines:
            raise EOFError
        line = self.lines.pop(0)
        self.shown.append(prompt + line)
        return line

    def say(self, text: str) -> None:
        self.shown.append(click.unstyle(text))

    @property
    def text(self) -> str:
        return "\n".join(self.shown)


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "progress.sqlite3", scheduler=Scheduler(enable_fuzzing=False)) as s:
        yield s


def study(cards, store, script, *, at=T0, **options):
    """One session at a fixed time; learning cards are not re-shown unless asked."""
    options.setdefault("learn_ahead", timedelta(0))
    options.setdefault("seed", 1)
    options.setdefault("ask", script.ask)
    return run(cards, store, say=script.say, now=lambda: at, **options)


def test_cloze_typed_right_takes_the_suggested_good(store):
    script = Script("Mitochondria", "")
    summary = study([card("c1")], store, script)
    assert "The [...] makes ATP & heat {sic}." in script.text
    assert "Biology › Cells" in script.text
    assert "Correct, ignoring case." in script.text
    assert "Rate 1 Again, 2 Hard, 3 Good, 4 Easy [3]: " in script.prompts
    assert (summary.reviewed, summary.new, summary.correct, summary.quit) == (1, 1, 1, False)
    assert store.history("c1")[0].rating == 3
    assert summary.next_due == T0 + timedelta(minutes=10)
    assert "Next due: in 10 minutes" in script.text


def test_wrong_answer_suggests_again_and_shows_the_diff(store):
    script = Script("mitosis", "")
    summary = study([card("c1", front="{{c1::meiosis}}", answers=("meiosis",))], store, script)
    assert "Close, but" in script.text and "Expected: meiosis" in script.text
    assert "you typed: mi[t]osis\n  expected:  m[e]iosis" in script.text
    assert store.history("c1")[0].rating == 1
    assert summary.correct == 0


def test_learner_can_overrule_the_suggestion(store):
    script = Script("mitosis", "9", "good")
    study([card("c1")], store, script)
    assert "Type 1-4" in script.text
    assert store.history("c1")[0].rating == 3


def test_typo_suggests_hard(store):
    study([card("c1")], store, Script("mitocondria", ""))
    assert store.history("c1")[0].rating == 2


def test_several_deletions_need_all_answers(store):
    two = card("c1", front="The {{c1::mitochondria}} makes {{c1::ATP}}.", answers=("mitochondria", "ATP"))
    script = Script("ATP; mitochondria", "")
    study([two], store, script)
    assert "The [...] makes [...]." in script.text
    assert "Your 2 answers, separated by ;" in script.prompts[0]
    assert store.history("c1")[0].rating == 3


def test_multiple_choice_shows_numbered_choices_and_takes_a_number(store):
    script = Script("2", "")
    study([card("m1", "mcq")], store, script)
    assert "1. Nucleus\n2. Mitochondria\n3. Ribosome" in script.text
    assert "Correct: 2. Mitochondria" in script.text
    assert store.history("m1")[0].rating == 3


def test_multiple_choice_listed_on_the_front_is_not_listed_twice(store):
    options = "".join(f"<li>{c}</li>" for c in ("Nucleus", "Mitochondria", "Ribosome"))
    listed = card("m1", "mcq", front=f"Which?<ol class='qg-choices'>{options}</ol>")
    script = Script("mitochondria", "")
    study([listed], store, script)
    assert script.text.count("2. Mitochondria") == 2  # the front, then the verdict
    assert store.history("m1")[0].rating == 3


def test_cloze_answer_side_shows_the_filled_in_front(store):
    script = Script("mitochondria", "")
    study([card("c1", back="")], store, script)
    assert "The mitochondria makes ATP & heat {sic}." in script.text


def test_sequence_must_be_in_order(store):
    front = "Put in order:<ol><li>{{c1::Prophase}}</li><li>{{c1::Metaphase}}</li><li>{{c1::Anaphase}}</li></ol>"
    seq = replace(card("s1", front=front, answers=("Prophase", "Metaphase", "Anaphase")), kind="sequence")
    script = Script("metaphase; prophase; anaphase", "", "prophase; metaphase; anaphase", "")
    study([seq, replace(seq, id="s2")], store, script)
    assert "1. [...]\n2. [...]\n3. [...]" in script.text
    assert "in order, separated by ;" in script.prompts[0]
    assert "not in this order" in script.text
    assert [store.history(i)[0].rating for i in ("s1", "s2")] in ([1, 3], [3, 1])


def test_long_step_answers_are_recalled_not_typed(store):
    body = "Chromosomes line up along the metaphase plate and spindle fibres attach to each centromere."
    step = card("s1", "step", answers=(body,), back=f"<p>{body}</p>")
    script = Script("chromosomes line up on the plate, spindle fibres attach to centromeres", "", "", "")
    study([step, replace(step, id="s2")], store, script)
    assert "Press Enter to show the answer (or type it to compare)" in script.prompts[0]
    assert "key words" in script.text
    assert sorted(store.history(i)[0].rating for i in ("s1", "s2")) == [3, 3]


def test_qa_card_reveals_on_enter_and_defaults_to_good(store):
    script = Script("", "")
    study([card("q1", "qa")], store, script)
    assert "Press Enter to show the answer" in script.prompts[0]
    assert "The unit of life." in script.text
    assert store.history("q1")[0].rating == 3


def test_step_card_is_typed(store):
    study([card("s1", "step")], store, Script("metaphase", ""))
    assert store.history("s1")[0].rating == 3


@pytest.mark.parametrize("at_prompt", [0, 1])
def test_q_quits_and_keeps_what_was_rated(store, at_prompt):
    cards = [card(f"c{i}") for i in range(3)]
    lines = ["mitochondria", "", "mitochondria", ""][: 2 + at_prompt] + ["q"]
    script = Script(*lines)
    summary = study(cards, store, script)
    assert summary.quit and summary.reviewed == 1
    assert sum(len(store.history(c.id)) for c in cards) == 1
    assert "Reviewed 1 (1 new), 1 correct." in script.text


def test_ctrl_c_loses_only_the_card_on_screen(store):
    lines = iter(["mitochondria", "", "mitochondria"])

    def ask(prompt: str) -> str:
        for line in lines:
            return line
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        study([card("c1"), card("c2")], store, Script(), ask=ask)
    assert [len(store.history(i)) for i in ("c1", "c2")] in ([1, 0], [0, 1])


def test_end_of_input_ends_the_session_like_q(store):
    summary = study([card("c1"), card("c2")], store, Script("mitochondria", ""))
    assert summary.quit and summary.reviewed == 1


def test_due_cards_come_first_then_new_ones_up_to_the_new_limit(store):
    cards = [card(f"n{i}", front=f"new {i} {{{{c1::x}}}}", answers=("x",)) for i in range(5)]
    old = card("old", front="old {{c1::y}}", answers=("y",))
    store.review("old", 3, T0 - timedelta(days=1))  # due 10 minutes after that
    script = Script(*["y", "", "x", "", "x", ""])
    summary = study(cards + [old], store, script, new=2)
    fronts = [line for line in script.text.splitlines() if line.endswith("[...]")]
    assert fronts[0] == "old [...]" and len(fronts) == 3
    assert (summary.reviewed, summary.new) == (3, 2)
    assert (summary.retained, summary.tested, summary.retention) == (1, 1, 1.0)
    assert "Retention this session: 100% (1 of 1 cards seen before)" in script.text


def test_limit_caps_the_cards_of_a_session(store):
    cards = [card(f"n{i}") for i in range(5)]
    summary = study(cards, store, Script(*["mitochondria", ""] * 5), limit=2)
    assert summary.reviewed == 2 and not summary.quit


def test_seed_gives_a_reproducible_order(tmp_path):
    cards = [card(f"n{i}", front=f"card {i} {{{{c1::x}}}}", answers=("x",)) for i in range(8)]

    def order(seed, name):
        with Store(tmp_path / name, scheduler=Scheduler(enable_fuzzing=False)) as s:
            return [c.id for c in plan(cards, s, T0, seed=seed)]

    assert order(7, "a.db") == order(7, "b.db")
    assert sorted(order(7, "a.db")) == sorted(c.id for c in cards)
    assert {tuple(order(seed, "c.db")) for seed in range(5)} != {tuple(order(7, "a.db"))}


def test_learning_cards_come_back_within_the_session(store):
    script = Script("mitochondria", "", "mitochondria", "")
    summary = run([card("c1")], store, ask=script.ask, say=script.say, now=lambda: T0)
    assert summary.reviewed == 2 and not summary.quit
    assert store.state("c1").state == "review"


def test_again_brings_a_card_back_until_it_is_known(store):
    clock = iter(T0 + timedelta(minutes=m) for m in range(100))
    script = Script("no idea", "", "mitochondria", "", "mitochondria", "")
    summary = run([card("c1")], store, ask=script.ask, say=script.say, now=lambda: next(clock))
    assert [r.rating for r in store.history("c1")] == [1, 3, 3]
    assert summary.reviewed == 3 and not summary.quit


def test_cards_no_longer_loaded_are_kept_but_not_shown(store):
    store.review("gone", 3, T0 - timedelta(days=30))
    script = Script("mitochondria", "")
    study([card("c1")], store, script)
    assert "gone" not in script.text
    assert len(store.history("gone")) == 1
    assert store.stats(T0).learning == 2  # still scheduled, just not in this deck


def test_nothing_to_study(store):
    store.review("c1", 4, T0)
    script = Script()
    summary = study([card("c1")], store, script)
    assert "Nothing to study now" in script.text and summary.reviewed == 0
    assert "Next due: in " in script.text


def test_select_filters_by_subject_deck_and_kind_and_drops_repeated_ids():
    cards = [card("a"), card("b", subject="Medicine"), card("c", "qa"), card("a")]
    assert [c.id for c in select(cards)] == ["a", "b", "c"]
    assert [c.id for c in select(cards, subjects=["medicine"])] == ["b"]
    assert [c.id for c in select(cards, subjects=["QuickTakes::Biology"])] == ["a", "c"]
    assert [c.id for c in select(cards, kinds=["qa"])] == ["c"]


@pytest.mark.parametrize(
    ("html", "hide", "text"),
    [
        ("The {{c1::heart}} pumps {{c2::blood}}.", 1, "The [...] pumps blood."),
        ("The {{c1::heart::organ}} pumps.", 1, "The [organ] pumps."),
        ("The {{c2::heart}} pumps {{c1::blood}}.", 2, "The [...] pumps blood."),
        ("A {{c1::<b>bold</b> term}}.", None, "A bold term."),
        ("x &lt; y &amp;&amp; &#123;a&#125; &nbsp;ok", None, "x < y && {a} ok"),
        ("<p>One</p><p>Two<br>Three</p>", None, "One\nTwo\nThree"),
        ("<ul><li>a</li><li>b <em>c</em></li></ul>", None, "- a\n- b c"),
        ("<script>alert(1)</script>Safe", None, "Safe"),
    ],
)
def test_front_as_terminal_text(html, hide, text):
    assert to_text(html, hide=hide) == text


def test_ratings_by_digit_name_or_initial():
    assert [parse_rating(r) for r in ("1", "Hard", "g", "EASY", "5", "", "x")] == [1, 2, 3, 4, None, None, None]


def test_when_is_relative_then_absolute():
    assert when(T0, T0) == "now"
    assert when(T0 + timedelta(minutes=10), T0) == "in 10 minutes (2024-03-01 09:10)"
    assert when(T0 + timedelta(days=3), T0).startswith("in 3 days")


def test_summary_without_reviews(store):
    text = format_summary(run([], store, ask=Script().ask, say=lambda s: None, now=lambda: T0), T0)
    assert text == "Reviewed 0 (0 new), 0 correct."


KILLED_SESSION = """
import os, signal, sys
from datetime import datetime, timedelta, timezone
from fsrs import Scheduler
from quizgen.model import Card
from quizgen.quiz.session import run
from quizgen.quiz.store import Store

cards = [Card(id=f"c{i}", kind="cloze", doc_key="d", key=str(i), subject="S", context="",
              front="{{c1::x}}", back="x", answers=("x",)) for i in range(5)]
answers = iter(["x", "", "x", "", "x"])

def ask(prompt):
    try:
        return next(answers)
    except StopIteration:  # the learner's terminal dies with the third card's rating prompt on screen
        os.kill(os.getpid(), signal.SIGKILL)

store = Store(sys.argv[1], scheduler=Scheduler(enable_fuzzing=False))
run(cards, store, ask=ask, say=lambda s: None, now=lambda: datetime(2024, 3, 1, tzinfo=timezone.utc), seed=3)
"""


def test_killed_session_keeps_the_cards_already_rated(tmp_path):
    path = tmp_path / "progress.sqlite3"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(KILLED_SESSION), str(path)], env=env, capture_output=True, timeout=120
    )
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()
    with Store(path) as store:
        reviewed = [f"c{i}" for i in range(5) if store.history(f"c{i}")]
        assert len(reviewed) == 2
        assert all(store.state(i).state == "learning" for i in reviewed)
        assert store.stats(T0).new == 3  # the card on screen and the rest stay new


def test_a_notes_image_shows_as_its_alt_text_in_the_terminal():
    html = '<p>The NMJ: <img src="quizgen-0a.png" alt="Axon &amp; end plate"></p><p><img src="quizgen-0b.svg" alt=""></p>'
    assert to_text(html) == "The NMJ: [image: Axon & end plate]\n[image]"


def test_the_first_screen_and_the_counter_agree(store):
    cards = [card(f"c{i}") for i in range(3)]
    script = Script("q")
    study(cards, store, script)
    intro = re.search(r"(\d+) due and (\d+) new cards", script.text)
    total = int(intro.group(1)) + int(intro.group(2))
    assert total == 3 and f"[0 done, {total} left]" in script.text


def test_a_right_multiple_choice_names_the_term_once(store):
    mcq = card("m1", "mcq", front="Which organelle makes ATP?", back="<p><b>Mitochondria</b></p>",
               answers=("Mitochondria",), choices=("Nucleus", "Mitochondria"))
    script = Script("2", "")
    study([mcq], store, script)
    after = script.text.split("Your answer")[-1]
    assert after.count("Mitochondria") == 1


def test_new_is_a_daily_limit_counted_from_the_store(tmp_path):
    """Quit and restart the same day on the same file: no new card past the limit; the next day, more."""
    path = tmp_path / "daily.sqlite3"
    cards = [card(f"c{i}") for i in range(5)]
    morning = T0.replace(hour=8)
    with Store(path) as first:
        done = study(cards, first, Script("mitochondria", "", "mitochondria", ""), at=morning, new=3)
    assert done.new == 2 and done.quit  # input ran out after two of the three
    with Store(path) as again:
        script = Script(*["mitochondria", ""] * 5)
        later = study(cards, again, script, at=morning + timedelta(hours=6), new=3)
    assert later.new == 1  # 3 a day, 2 already begun today
    assert "2 due and 1 new cards now" in script.text  # the two begun this morning are due again
    assert "Left today: 2 due, 1 new (2 of 3 a day studied; 3 new in all)" in script.text
    with Store(path) as third:
        script = Script(*["mitochondria", ""] * 5)
        assert study(cards, third, script, at=morning + timedelta(hours=10), new=3).new == 0
    assert " 0 new cards now" in script.text and "new (3 of 3 a day studied; 2 new in all)" in script.text
    with Store(path) as tomorrow:
        assert study(cards, tomorrow, Script(*["mitochondria", ""] * 5), at=morning + timedelta(days=1), new=3).new == 2
