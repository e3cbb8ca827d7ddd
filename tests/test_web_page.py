"""The study page (`build -o deck.html`) in a real headless Chromium: answer, rate, reload, progress kept;
phone width without sideways scrolling; dark mode; nothing fetched from the network."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quizgen.exporters import html as html_exporter
from quizgen.model import Card
from quizgen.quiz import grading


def _cards() -> list[Card]:
    def cloze(i: int, word: str) -> Card:
        return Card(id=f"c{i}", kind="cloze", doc_key="d", key=str(i), subject="Biology", context="Biology",
                    front=f"Card {i}: the {{{{c1::{word}}}}} is &lt;here&gt;.", back="", answers=(word,))

    return [cloze(1, "mitochondria"), cloze(2, "nucleus"), cloze(3, "ribosome")]


@pytest.fixture
def page(tmp_path) -> Path:
    path = tmp_path / "deck.html"
    assert html_exporter.write(_cards(), str(path), root="Test deck") == 3
    return path


def _text(driver, element_id: str) -> str:
    return driver.find_element("id", element_id).text


def _answer(driver, typed: str) -> str:
    """Type an answer and press Enter; the verdict, once the page has graded it (its word list is unpacked
    as the page opens, so the first check may wait for it)."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.find_element("id", "qg-answer").send_keys(typed + "\n")
    return WebDriverWait(driver, 30).until(lambda d: _text(d, "qg-verdict"))


def test_the_page_is_self_contained_and_the_same_every_time(tmp_path, page):
    text = page.read_text(encoding="utf-8")
    assert "http://" not in text and "https://" not in text and "<link" not in text and " src=" not in text
    again = tmp_path / "again.html"
    html_exporter.write(_cards(), str(again), root="Test deck")
    assert again.read_bytes() == page.read_bytes()


def test_study_rate_reload_and_progress_is_kept(browser, page):
    browser.get(page.as_uri())
    assert "3 left" in _text(browser, "qg-count")
    assert "[...]" in _text(browser, "qg-front") and "<here>" in _text(browser, "qg-front")  # escaped text shown
    front = _text(browser, "qg-front")
    answer = {"Card 1": "Mitochondria", "Card 2": "nucleus", "Card 3": "ribosome"}[front.split(":")[0]]
    assert _answer(browser, answer).startswith("Correct")
    browser.find_element("css selector", '#qg-rate button[data-rating="4"]').click()  # Easy: due in days
    assert _text(browser, "qg-count").startswith("1 done, 2 left")
    browser.refresh()
    assert "2 left" in _text(browser, "qg-count")
    assert not _text(browser, "qg-front").startswith(front.split(":")[0] + ":")  # the rated card is not due
    stored = json.loads(browser.execute_script("return localStorage.getItem(Object.keys(localStorage)[0])"))
    (card_id, state), = stored["cards"].items()
    assert state["state"] == 2 and state["due"] - state["last_review"] >= 86400000  # in review, due in a day or more


def test_a_wrong_answer_suggests_again_and_shows_the_expected(browser, page):
    browser.get(page.as_uri())
    assert "Expected:" in _answer(browser, "golgi")
    suggested = browser.find_element("css selector", "#qg-rate .qg-suggested")
    assert suggested.get_attribute("data-rating") == "1"


def test_a_typo_is_accepted_as_hard_and_its_letters_shown_on_two_labelled_lines(browser, page):
    browser.get(page.as_uri())
    answer = {"Card 1": "mitochondria", "Card 2": "nucleus", "Card 3": "ribosome"}[_text(browser, "qg-front").split(":")[0]]
    typo = answer[:3] + answer[4] + answer[3] + answer[5:]  # two letters swapped
    verdict = _answer(browser, typo)
    expected = grading.grade(typo, [answer])
    assert verdict == expected.explanation and verdict.startswith("Accepted with a typo")
    assert _text(browser, "qg-diff") == expected.diff and _text(browser, "qg-diff").startswith("you typed:")
    suggested = browser.find_element("css selector", "#qg-rate .qg-suggested")
    assert suggested.get_attribute("data-rating") == str(grading.HARD)


def test_phone_width_has_no_sideways_scrolling(browser, page, tmp_path):
    browser.set_window_size(390, 844)
    browser.get(page.as_uri())
    widths = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths
    browser.save_screenshot(str(tmp_path / "phone.png"))
    assert (tmp_path / "phone.png").stat().st_size > 0


def test_dark_mode_follows_the_system(browser, page):
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    browser.get(page.as_uri())
    dark = browser.execute_script("return getComputedStyle(document.body).backgroundColor")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "light"}]})
    light = browser.execute_script("return getComputedStyle(document.body).backgroundColor")
    assert dark == "rgb(30, 30, 30)" and light == "rgb(253, 253, 253)"


def test_build_writes_the_page_from_documents(tmp_path):
    from click.testing import CliRunner

    from quizgen.cli import cli

    from .conftest import write_doc

    write_doc(tmp_path / "docs", "nmj.md")
    out = tmp_path / "deck.html"
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "docs"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    deck = out.read_text(encoding="utf-8").split('id="qg-deck">')[1].split("</script>")[0]
    cards = json.loads(deck)["cards"]
    assert cards and f"{len(cards)} cards" in result.output
