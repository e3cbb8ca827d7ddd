"""The study page's FSRS scheduler (JavaScript, ours) against the `fsrs` package: the same review
histories must give the same states, steps, due dates, stabilities and difficulties."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from fsrs import Card, Rating, Scheduler

SCRIPT = Path(__file__).resolve().parents[1] / "quizgen" / "exporters" / "web" / "fsrs.js"
T0 = datetime(2025, 1, 6, 8, 0, tzinfo=timezone.utc)
GAPS = [timedelta(seconds=30), timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=5), timedelta(hours=23),
        timedelta(days=1), timedelta(days=3), timedelta(days=12), timedelta(days=45), timedelta(days=400)]


def _histories(n: int, seed: int) -> list[list[tuple[int, int]]]:
    """Review histories as (rating, milliseconds since T0), made by a seeded generator: varied on purpose."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        at, history = T0, []
        for _ in range(rng.randint(1, 12)):
            at += rng.choice(GAPS) if history else timedelta(0)
            history.append((rng.randint(1, 4), int((at - T0).total_seconds() * 1000)))
        out.append(history)
    return out


def _python(history: list[tuple[int, int]]) -> list[dict]:
    scheduler, card, out = Scheduler(enable_fuzzing=False), Card(card_id=1), []
    for rating, ms in history:
        card, _ = scheduler.review_card(card, Rating(rating), T0 + timedelta(milliseconds=ms))
        out.append({"state": int(card.state), "step": card.step, "stability": card.stability,
                    "difficulty": card.difficulty, "due": int((card.due - T0).total_seconds() * 1000)})
    return out


def _javascript(histories: list) -> list[list[dict]]:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("no node here to run the page's scheduler")
    program = f"""
    const FSRS = require({json.dumps(str(SCRIPT))});
    const histories = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(JSON.stringify(histories.map(h => {{
      let card = FSRS.newCard(); const out = [];
      for (const [rating, ms] of h) {{
        card = FSRS.review(card, rating, ms);
        out.push({{state: card.state, step: card.step, stability: card.stability, difficulty: card.difficulty,
                  due: card.due}});
      }}
      return out;
    }})));
    """
    done = subprocess.run([node, "-e", program], input=json.dumps(histories), capture_output=True, text=True,
                          timeout=60, check=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_page_schedules_as_the_fsrs_package_does(seed):
    histories = _histories(300, seed)
    for history, got in zip(histories, _javascript(histories), strict=True):
        want = _python(history)
        for g, w in zip(got, want, strict=True):
            assert (g["state"], g["step"], g["due"]) == (w["state"], w["step"], w["due"]), (history, g, w)
            assert g["stability"] == pytest.approx(w["stability"], rel=1e-12)
            assert g["difficulty"] == pytest.approx(w["difficulty"], rel=1e-12)


def test_the_histories_reach_every_state_and_rating():
    seen = {(step["state"], rating) for h in _histories(300, 1) for (rating, _), step in zip(h, _python(h))}
    assert {s for s, _ in seen} == {1, 2, 3} and {r for _, r in seen} == {1, 2, 3, 4}
