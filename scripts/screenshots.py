"""Remake the README's screenshots of the study page: the seeds built to one page, studied in headless
Chromium at phone (390 px) and desktop (1280 px) widths, light and dark, saved as docs/page-*.png.

    .venv/bin/python scripts/screenshots.py [--out docs]

Needs the test extras (selenium) and Debian's chromium + chromium-driver. Nothing is fetched."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from quizgen.exporters import html as html_exporter
from quizgen.pipeline import load_cards

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"phone": (390, 844), "desktop": (1280, 800)}
FIRST = "the determinant"
"""The card studied first: a cloze with math in it, answered with a typo."""
TYPED = "determnant"


def driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--force-device-scale-factor=1"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs"))
    args = parser.parse_args(argv)
    from selenium.webdriver.support.ui import WebDriverWait

    cards = load_cards([str(ROOT / "seeds")])
    cards.sort(key=lambda c: c.answers != (FIRST,))  # stable: the rest keep their order
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "seeds.html"
        html_exporter.write(cards, str(page), root="Seeds")
        browser = driver()
        try:
            for size, (width, height) in SIZES.items():
                for scheme in ("light", "dark"):
                    browser.execute_cdp_cmd("Emulation.setEmulatedMedia",
                                            {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
                    browser.set_window_size(width, height)
                    browser.get(page.as_uri())
                    browser.execute_script("localStorage.clear()")
                    browser.refresh()
                    browser.find_element("id", "qg-answer").send_keys(TYPED + "\n")
                    WebDriverWait(browser, 30).until(lambda d: d.find_element("id", "qg-verdict").text)
                    shot = out / f"page-{size}-{scheme}.png"
                    browser.save_screenshot(str(shot))
                    print(f"{shot.relative_to(ROOT) if shot.is_relative_to(ROOT) else shot}: "
                          f"{shot.stat().st_size // 1024} kB")
        finally:
            browser.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
