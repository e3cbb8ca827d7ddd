"""The Markdown-note reader: a learner's own notes -> one Document per heading with text under it."""

from __future__ import annotations

import pytest

from quizgen.errors import ParseError
from quizgen.parser import blocks_of, note_blocks, parse, parse_documents, split_tags
from quizgen.render import inlines_html

from .conftest import doc_bytes

NOTE = """\
# Cardiac physiology

The heart pumps about five litres a minute.

## Cardiac cycle

Systole and diastole alternate.

### Systole

The ventricles **contract** and eject blood.

### What closes the AV valves?

Ventricular pressure rising above atrial pressure.

## Heart sounds

## Coronary circulation

The coronary arteries fill in diastole.
"""


def note(text: str, path: str = "notes/cardio.md", **kw):
    return parse_documents(text.encode(), path, **kw)


def by_key(docs):
    return {d.key: d for d in docs}


def texts(doc):
    return [b.text for b in doc.blocks]


def test_each_heading_with_text_is_a_document_asked_by_the_heading():
    docs = note(NOTE, name="cardio/cardio.md")
    assert [(d.key, d.question, texts(d)) for d in docs] == [
        ("cardio/cardio.md", "Cardiac physiology", ["The heart pumps about five litres a minute."]),
        ("cardio/cardio.md#cardiac-cycle", "Cardiac cycle", ["Systole and diastole alternate."]),
        ("cardio/cardio.md#cardiac-cycle/systole", "Cardiac cycle › Systole",
         ["The ventricles contract and eject blood."]),
        ("cardio/cardio.md#cardiac-cycle/what-closes-the-av-valves", "What closes the AV valves?",
         ["Ventricular pressure rising above atrial pressure."]),
        ("cardio/cardio.md#coronary-circulation", "Coronary circulation", ["The coronary arteries fill in diastole."]),
    ]
    assert all(d.format == "markdown" and d.title == "Cardiac physiology" for d in docs)
    assert all(d.subject == "General" and d.deck == "" and d.tags == () for d in docs)


def test_a_parent_heading_answers_with_its_own_text_only():
    """Its children are documents of their own: each fact is in one document and makes its cards once."""
    docs = by_key(note(NOTE))
    cycle = docs["cardio.md#cardiac-cycle"]
    assert texts(cycle) == ["Systole and diastole alternate."]
    assert "contract" not in cycle.answer and cycle.answer.startswith("## Cardiac cycle")
    assert docs["cardio.md#cardiac-cycle/systole"].bold_terms == ("contract",)


def test_the_answer_text_is_the_source_under_the_heading():
    docs = by_key(note(NOTE))
    assert docs["cardio.md#cardiac-cycle/systole"].answer == "### Systole\n\nThe ventricles **contract** and eject blood."


def test_reordering_headings_keeps_every_key_and_its_text():
    swapped = NOTE.replace("## Heart sounds\n\n## Coronary circulation\n\nThe coronary arteries fill in diastole.\n", "")
    swapped = swapped.replace("## Cardiac cycle", "## Coronary circulation\n\nThe coronary arteries fill in diastole.\n\n"
                                                  "## Cardiac cycle")
    before, after = by_key(note(NOTE)), by_key(note(swapped))
    assert [d.key for d in note(NOTE)] != [d.key for d in note(swapped)]
    assert {k: texts(d) for k, d in before.items()} == {k: texts(d) for k, d in after.items()}


def test_a_key_starts_with_the_front_matter_id_and_else_the_file_name():
    with_id = note("---\nid: cardio-1\n---\n" + NOTE)
    assert [d.key for d in with_id][:2] == ["cardio-1", "cardio-1#cardiac-cycle"]
    assert note(NOTE, path="a/b/cardio.md")[0].key == "cardio.md"


def test_sibling_headings_of_the_same_name_get_distinct_keys():
    docs = note("## Causes\n\none\n\n## Causes\n\ntwo\n")
    assert [(d.key, texts(d)) for d in docs] == [("cardio.md#causes", ["one"]), ("cardio.md#causes-2", ["two"])]


def test_a_note_without_headings_is_asked_by_its_file_name_or_title():
    plain = note("Aspirin irreversibly inhibits **COX-1**.\n", path="x/aspirin_and-platelets.md")
    assert [(d.key, d.question, d.title) for d in plain] == [
        ("aspirin_and-platelets.md", "aspirin and platelets", "aspirin and platelets")]
    titled = note("---\ntitle: Antiplatelets\n---\nAspirin irreversibly inhibits **COX-1**.\n")
    assert [(d.question, d.bold_terms) for d in titled] == [("Antiplatelets", ("COX-1",))]


def test_several_top_headings_are_questions_of_their_own():
    docs = note("# Aspirin\n\nInhibits COX.\n\n# Clopidogrel\n\nBlocks P2Y12.\n")
    assert [(d.key, d.question, d.title) for d in docs] == [
        ("cardio.md#aspirin", "Aspirin", "Aspirin"), ("cardio.md#clopidogrel", "Clopidogrel", "Aspirin")]


def test_front_matter_names_tags_deck_subject_and_title():
    docs = note("---\ntitle: My cardio\nsubject: medicine\ndeck: 'Block 2 :: Cardio'\ntags: [cardio, heart failure, '#exam']\n"
                "---\nText.\n")
    (doc,) = docs
    assert (doc.question, doc.title, doc.subject, doc.deck, doc.tags) == (
        "My cardio", "My cardio", "Medicine", "Block 2::Cardio", ("cardio", "heart_failure", "exam"))
    (by_deck,) = note("---\ndeck: Renal\n---\nText.\n")
    assert (by_deck.deck, by_deck.subject) == ("Renal", "Renal")


def test_tags_as_comma_text_and_bad_tags():
    assert split_tags("renal, acid base,renal") == ("renal", "acid_base")
    assert split_tags(None) == ()
    with pytest.raises(ParseError, match="'tags' must be a list"):
        note("---\ntags: {a: b}\n---\nText.\n")


def test_format_auto_tells_quicktakes_from_notes():
    data = doc_bytes()
    assert parse_documents(data, "q.md") == [parse(data, "q.md")]
    assert parse_documents(data, "q.txt") == [parse(data, "q.txt")]
    with pytest.raises(ParseError, match="no YAML front matter"):
        parse_documents(b"# Note\n\ntext\n", "n.txt")
    assert parse_documents(b"# Note\n\ntext\n", "n.txt", fmt="markdown")[0].question == "Note"
    with pytest.raises(ParseError, match="no YAML front matter"):
        parse_documents(b"# Note\n\ntext\n", "n.md", fmt="quicktakes")
    (as_note,) = parse_documents(b"---\ntitle: x\nanswer: y\n---\nBody text.\n", "n.md", fmt="markdown")
    assert texts(as_note) == ["Body text."]


def test_a_note_with_nothing_to_ask_is_refused_in_one_line():
    for text in ("---\ntitle: x\n---\n", "# Only\n\n## Headings\n"):
        with pytest.raises(ParseError, match="no text to make cards from"):
            note(text)
    with pytest.raises(ParseError, match="YAML error"):
        note("---\ntitle: [\n---\ntext\n")


def test_highlights_become_marked_runs():
    (block,) = note_blocks("The ==end plate== has **==nicotinic== receptors**; ==a **b** c==.")
    runs = [(i.text, i.mark, i.strong) for i in block.inlines]
    assert runs == [("The ", False, False), ("end plate", True, False), (" has ", False, False),
                    ("nicotinic", True, True), (" receptors", False, True), ("; ", False, False),
                    ("a ", True, False), ("b", True, True), (" c", True, False), (".", False, False)]


def test_what_is_not_a_highlight_stays_text():
    for source in ("if a == b then", "`x ==y==` code", "$a == b$ and ==  spaced ==", "a ===b==="):
        (block,) = note_blocks(source)
        assert not any(i.mark for i in block.inlines), source
        assert "".join(i.text for i in block.inlines).count("=") == source.count("="), source


def test_quicktakes_answers_keep_highlights_as_text():
    (block,) = blocks_of("The ==end plate==.")
    assert block.text == "The ==end plate==." and not any(i.mark for i in block.inlines)


def test_anki_syntax_typed_in_a_note_stays_literal():
    (doc,) = note("The {{c1::end plate}} and {{Front}}.\n")
    assert doc.blocks[0].text == "The {{c1::end plate}} and {{Front}}."
    html = inlines_html(doc.blocks[0].inlines)
    assert "{{" not in html and "&#123;&#123;c1:&#58;end plate&#125;&#125;" in html


def test_local_images_are_resolved_and_remote_ones_stay_links():
    asked = []

    def resolve(src):
        asked.append(src)
        return ("quizgen-abc.png", "img/" + src.rsplit("/", 1)[-1]) if src != "gone.png" else ("", "")

    docs = note("Intro.\n\n## Anatomy\n\n![The *NMJ*](img/nmj.png) ![w](https://example.org/w.png) ![](gone.png)\n",
                resolve=resolve)
    assert asked == ["img/nmj.png", "gone.png"]
    intro, anatomy = docs
    assert intro.images == () and anatomy.images == (("quizgen-abc.png", "img/nmj.png"),)
    image, _, remote, _, missing = anatomy.blocks[0].inlines
    assert (image.kind, image.text, image.src) == ("image", "The NMJ", "quizgen-abc.png")
    assert (remote.kind, remote.text, remote.href) == ("text", "w", "https://example.org/w.png")
    assert (missing.kind, missing.src) == ("image", "")
    html = inlines_html(anatomy.blocks[0].inlines)
    assert '<img src="quizgen-abc.png" alt="The NMJ">' in html
    assert '<a href="https://example.org/w.png">w</a>' in html and html.count("<img") == 1


def test_without_a_resolver_no_image_is_packed():
    (doc,) = note("![alt text](img/a.png)\n")
    assert doc.images == () and doc.blocks[0].inlines[0].src == ""
    assert "<img" not in inlines_html(doc.blocks[0].inlines)


def test_a_heading_keeps_its_math_for_the_question():
    (doc,) = note("## The $K_a$ of `HCO3`\n\ntext\n")
    assert doc.question == "The $K_a$ of `HCO3`" and doc.key == "cardio.md#the-k_a-of-hco3"


def test_non_ascii_text_splits_at_the_right_place():
    docs = note("## Ödem\n\nFlüssigkeit im Gewebe.\n\n## Ätiologie\n\nHerzinsuffizienz.\n")
    assert [d.answer for d in docs] == ["## Ödem\n\nFlüssigkeit im Gewebe.", "## Ätiologie\n\nHerzinsuffizienz."]
    assert [d.key for d in docs] == ["cardio.md#ödem", "cardio.md#ätiologie"]


def test_a_heading_named_like_a_numbered_twin_still_gets_its_own_key():
    docs = note("## Causes\n\none\n\n## Causes 2\n\ntwo\n\n## Causes\n\nthree\n")
    assert [d.key for d in docs] == ["cardio.md#causes", "cardio.md#causes-2", "cardio.md#causes-3"]


def test_many_highlights_headings_and_images_read_in_linear_time():
    """Hostile sizes: quadratic work here would take minutes, not a fraction of a second."""
    import time

    start = time.perf_counter()
    (doc,) = note("==a== " * 40_000)
    assert sum(i.mark for i in doc.blocks[0].inlines) == 40_000
    docs = note("".join(f"## H{n}\n\n![x](i{n}.png)\n\n" for n in range(5_000)), resolve=lambda s: (s, s))
    assert len(docs) == 5_000 and all(len(d.images) == 1 for d in docs)
    assert time.perf_counter() - start < 20


def test_obsidian_links_show_their_text_and_embeds_are_images():
    asked = []
    (doc,) = note("See [[Cardiac cycle]] and [[Heart|the heart]]. ![[ecg.png]] ![[img/a b.png|300]] ![[c.png|Lead II]]\n",
                  resolve=lambda src: asked.append(src) or (f"m-{len(asked)}.png", src))
    inlines = doc.blocks[0].inlines
    assert "".join(i.text for i in inlines if i.kind == "text") == "See Cardiac cycle and the heart.   "
    assert not any(i.href for i in inlines)
    assert [(i.text, i.src) for i in inlines if i.kind == "image"] == [("", "m-1.png"), ("", "m-2.png"),
                                                                       ("Lead II", "m-3.png")]
    assert asked == ["ecg.png", "img/a b.png", "c.png"]


def test_quicktakes_answers_keep_double_brackets_as_text():
    (block,) = blocks_of("See [[Cardiac cycle]].")
    assert block.text == "See [[Cardiac cycle]]."
