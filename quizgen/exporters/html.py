"""Study-page exporter: cards -> one self-contained .html (no network: styles, scripts and cards inlined)
that runs the self-test in a browser, scheduled by FSRS (web/fsrs.js, checked against the fsrs package)
with progress in the browser's localStorage. Math is MathML made here (mathml.py), which browsers lay out
themselves."""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Iterable
from importlib import resources

from ..model import Card
from . import atomic_path
from ..quiz.lexicon import page_lexicon
from .mathml import typeset

DEFAULT_TITLE = "QuickTakes"

SCRIPTS = ("fsrs.js", "stem.js", "grading.js", "app.js")
"""The page's scripts, inlined in this order: the scheduler, the stemmer and grader, then the page."""

_BODY = """<main>
<header><h1 id="qg-title"></h1><span id="qg-count" aria-live="polite"></span></header>
<section id="qg-card">
<div id="qg-context"></div>
<div id="qg-front"></div>
<input id="qg-answer" autocomplete="off" autocapitalize="off" spellcheck="false" placeholder="Your answer (Enter to check)">
<button id="qg-check" type="button">Check / reveal</button>
<p id="qg-verdict" role="status"></p>
<pre id="qg-diff" hidden></pre>
<div id="qg-back"></div>
<div id="qg-rate" hidden><button type="button" data-rating="1">Again</button><button type="button" data-rating="2">Hard</button><button type="button" data-rating="3">Good</button><button type="button" data-rating="4">Easy</button></div>
</section>
<p id="qg-empty" hidden>Nothing to study now: come back when cards are due.</p>
</main>"""


def _asset(name: str) -> str:
    return resources.files("quizgen.exporters").joinpath("web", name).read_text(encoding="utf-8")


def _script_json(data: object) -> str:
    """JSON safe inside a <script> element: no '</' or '<!--' can end or bend it."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")


def write(cards: Iterable[Card], path: str, *, root: str = DEFAULT_TITLE, **_) -> int:
    """Write the page atomically; returns the number of cards. The same cards give the same bytes."""
    records = [{"id": c.id, "kind": c.kind, "subject": c.subject, "context": typeset(c.context),
                "front": typeset(c.front), "back": typeset(c.back), "answers": list(c.answers),
                "choices": list(c.choices)} for c in cards]
    key = hashlib.blake2b(root.encode(), digest_size=8).hexdigest()
    deck = {"key": key, "title": root, "cards": records}
    lexicon = page_lexicon()
    page = (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light dark">\n'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "script-src 'unsafe-inline'; img-src data:\">\n"
        f"<title>{html.escape(root)}</title>\n<style>\n{_asset('page.css')}</style>\n</head>\n<body>\n{_BODY}\n"
        f'<script type="application/json" id="qg-deck">{_script_json(deck)}</script>\n'
        f'<script type="application/json" id="qg-lexicon">{_script_json(lexicon)}</script>\n'
        + "".join(f"<script>\n{_asset(name)}</script>\n" for name in SCRIPTS) + "</body>\n</html>\n"
    )
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as out:
        out.write(page)
    return len(records)
