"""render: the escaping every source character goes through."""

from __future__ import annotations

import html

from hypothesis import example, given
from hypothesis import strategies as st

from quizgen.render import escape_code


@given(st.text(alphabet=st.sampled_from("&<>\"'{}[]:;#ab x") | st.characters(), max_size=60))
@example("&lt;{{c1::x}}[sound:a.mp3] 'q' \"r\" &")
def test_escape_code_leaves_no_markup_or_anki_syntax_and_reads_back_whole(text):
    out = escape_code(text)
    assert not any(c in out for c in "<>\"'{}[")
    assert "::" not in out
    assert html.unescape(out) == text
