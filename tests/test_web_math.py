"""Math on the study page: TeX becomes MathML at build time (exporters/mathml.py), built only from the
allowlist, so a hostile formula cannot carry markup, links or styles; Chromium lays it out at phone and
desktop widths."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizgen.exporters import html as html_exporter
from quizgen.exporters.mathml import ATTRIBUTES, ELEMENTS, MAX_TEX, to_mathml, typeset
from quizgen.model import Card
from quizgen.render import math


def _allowlisted(mathml: str) -> None:
    """Every element and attribute is on the allowlist, and no text can start markup or Anki syntax."""
    root = ET.fromstring(mathml)
    for node in root.iter():
        assert node.tag in ELEMENTS, node.tag
        assert set(node.attrib) <= ATTRIBUTES, node.attrib
        assert all(":" not in v and "(" not in v for v in node.attrib.values())
    for bad in ("javascript:", "{", "}", "::", "["):
        assert bad not in mathml, bad


def test_a_formula_becomes_mathml():
    out = typeset(math(r"\frac{a}{b} = E"))
    assert out.startswith('<math display="inline">') and "<mfrac>" in out
    assert typeset(math(r"x^2", display=True)).startswith('<math display="block">')


@pytest.mark.parametrize("tex", [
    r"\href{javascript:alert(1)}{x}",
    r"\style{color:red}{x}",
    r"\text{<b>bold</b>}",
    r"\text{<script>alert(1)</script>}",
    r"\text{<img src=x onerror=alert(1)>}",
    r"\class{x}{y}",
    r"\mathrm{\"onload=x}",
    r"x_{",
    r"\color{red}{x}",
])
def test_a_hostile_or_broken_formula_is_never_markup(tex):
    out = to_mathml(tex)
    if out is not None:
        _allowlisted(out)
        assert "<b>" not in out and "script" not in out.replace("<mi>s</mi><mi>c</mi>", "")
    card = typeset("\\(" + tex.replace("<", "&lt;").replace(">", "&gt;") + "\\)")
    assert "<b>" not in card and "<script" not in card and "<img" not in card and "href=" not in card
    assert "style=" not in card and "{{" not in card


def test_what_the_converter_refuses_is_shown_as_escaped_source():
    assert typeset("\\(\\text{&lt;b&gt;x&lt;/b&gt;}\\)") == "<code>\\(\\text&#123;&lt;b&gt;x&lt;/b&gt;&#125;\\)</code>"
    long = "x+" * MAX_TEX
    assert to_mathml(long) is None and typeset("\\(" + long + "\\)").startswith("<code>")


def test_anki_syntax_and_source_text_stay_literal():
    out = typeset(math(r"\text{{{c1::x}}} + {{Front}}"))
    assert "{{" not in out and "::" not in out
    text = "a \\\u2060(not math\\\u2060) here"  # render.escape's WORD JOINER after a source '\('
    assert typeset(text) == text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("<>&\"'=:/{}[]()\\^_ xab1") + [
    "\\href", "\\style", "\\text", "\\frac", "javascript:", "\\mathrm", "\\begin{matrix}", "\\end{matrix}",
    "\\color", "\\sqrt", "&lt;", "onload"]), max_size=30).map("".join))
def test_any_formula_gives_allowlisted_mathml_or_nothing(tex):
    out = to_mathml(tex)
    if out is not None:
        _allowlisted(out)


def test_the_page_lays_out_math_at_phone_and_desktop_widths(browser, tmp_path):
    card = Card(id="m1", kind="cloze", doc_key="d", key="1", subject="Physics", context="Physics",
                front="Photon energy: " + math(r"E = \frac{hc}{\lambda}") + " is {{c1::Planck}}'s relation.",
                back="", answers=("Planck",))
    path = tmp_path / "deck.html"
    html_exporter.write([card], str(path), root="Math")
    for width in (390, 1280):
        browser.set_window_size(width, 900)
        browser.get(path.as_uri())
        box = browser.execute_script(
            "var m = document.querySelector('#qg-front math'), f = m && m.querySelector('mfrac');"
            "if (!m || !f) return null; var r = m.getBoundingClientRect(), q = f.getBoundingClientRect();"
            "return [r.width, r.height, q.width, q.height, f.namespaceURI,"
            " document.documentElement.scrollWidth, window.innerWidth];")
        assert box is not None, "no <math> with an <mfrac> in the card"
        math_w, math_h, frac_w, frac_h, ns, scroll, inner = box
        assert ns == "http://www.w3.org/1998/Math/MathML"
        assert math_w > 0 and frac_w > 0 and frac_h > 0
        # laid out as a fraction: the fraction is taller than one line of the card's text
        line = browser.execute_script("return parseFloat(getComputedStyle(document.getElementById('qg-front')).fontSize)")
        assert frac_h > line
        assert scroll <= inner


def test_a_wide_formula_scrolls_by_itself_on_a_phone(browser, tmp_path):
    wide = " + ".join(f"\\frac{{x_{{{i}}}}}{{y_{{{i}}}}}" for i in range(40))
    card = Card(id="m2", kind="cloze", doc_key="d", key="2", subject="Maths", context="Maths",
                front="The sum " + math(wide, display=True) + " is {{c1::long}}.", back="", answers=("long",))
    path = tmp_path / "deck.html"
    html_exporter.write([card], str(path), root="Math")
    browser.set_window_size(390, 844)
    browser.get(path.as_uri())
    scroll, inner, inside = browser.execute_script(
        "var m = document.querySelector('#qg-front math[display=block]');"
        "return [document.documentElement.scrollWidth, window.innerWidth, m.scrollWidth > m.clientWidth];")
    assert scroll <= inner and inside
