"""text: sentence splitting cuts plain endings itself and must agree with Punkt everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizgen import text
from quizgen.parser import read_file

SEEDS = Path(__file__).parent.parent / "seeds"


def punkt(paragraph: str) -> list[tuple[int, int]]:
    """What sentence_spans gave before it cut plain endings itself: Punkt on every paragraph with an end."""
    if text.MAY_END.search(paragraph):
        return list(text._punkt().span_tokenize(paragraph))
    return text.sentence_spans(paragraph)


WORDS = ["cells", "The", "heart", "pumps", "blood", "Dr", "dr", "e.g", "i.e", "U.S", "etc", "vs", "No", "no",
         "J", "a", "I", "1990", "3.5", "12", "x2", "CO2", "well-known", "pre-op", "(ACh)", "ACh", "nAChRs",
         "“quoted”", '"quoted"', "'single'", "(see", "this)", "[ref]", "{x}", "café", "Ökonomie", "naïve",
         "α-helix", "$x$", "--", "…", "and", "In", "summary", ")", "\"", "”", "»", "'",
         "cost-effectiveness", "18%", "payable)", "min", "pre-no", "x)y", "students'", "don't", "don’t",
         "(-5", "-word", "a,b", "&c", "#1", "`x`", "1990s", "3,000", "-2", ",5", "@home", "x*y", "{z"]
ENDS = ["", ".", "?", "!", "...", ".)", '."', ".”", "?!", ".'", ".]", ":", ";", ","]
SPACES = [" ", "  ", "\n", "\t", "\u00a0", " \u2009"]


@st.composite
def paragraphs(draw) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 12))):
        parts.append(draw(st.sampled_from(WORDS)) + draw(st.sampled_from(ENDS)) + draw(st.sampled_from(SPACES)))
    return draw(st.sampled_from(["", " ", "\n"])) + "".join(parts) + draw(st.sampled_from(["", " ", "\n"]))


@settings(max_examples=3000, deadline=None)
@given(paragraphs())
def test_sentence_spans_agree_with_punkt(paragraph):
    assert text.sentence_spans(paragraph) == punkt(paragraph)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("aB .?!\"')]}“”‘’«»(\n\u00a0eg1"), max_size=60))
def test_sentence_spans_agree_with_punkt_on_any_text(paragraph):
    assert text.sentence_spans(paragraph) == punkt(paragraph)


def test_the_seeds_paragraphs_split_as_punkt_splits_them():
    paragraphs = {b.text for path in SEEDS.glob("*.md") for b in read_file(str(path), 10**6).blocks}
    cut_here = [p for p in paragraphs if text._CANDIDATES.search(p)
                and all(text._decided(p, m) is not None for m in text._CANDIDATES.finditer(p))]
    assert len(cut_here) > 20  # the plain way is the common one, or this would not be worth having
    for paragraph in paragraphs:
        assert text.sentence_spans(paragraph) == punkt(paragraph)


@pytest.mark.parametrize("paragraph, plain", [
    ("Cells divide. The heart pumps.", True),
    ("Is it? Yes! It is.", True),
    ("See Dr. Smith first.", True),  # an abbreviation: never an end
    ("Born in 1990. Then more.", True),  # a number before a capital: an end
    ("Cost-effectiveness rose 18%. However, it fell (ACh). Then it goes.", True),
    ("Named by J. Smith.", False),  # an initial: Punkt decides
    ('He said "stop." Then left.', False),  # a quote closes after the stop
    ("Made in the U.S. Then sold.", False),  # a stop inside the word
    ("Page 12. or so", True),
    ("Page 12. 13 more", False),  # a number before neither case
])
def test_which_endings_are_cut_without_punkt(paragraph, plain):
    assert all(text._decided(paragraph, m) is not None for m in text._CANDIDATES.finditer(paragraph)) is plain
    assert text.sentence_spans(paragraph) == punkt(paragraph)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("aB .?!\"')]}“”‘’«»(\n\u00a0eg1;*:@{[-"), max_size=60))
def test_the_sentence_end_pattern_is_punkts_own(paragraph):
    from nltk.tokenize.punkt import PunktLanguageVars

    theirs = PunktLanguageVars().period_context_re()
    assert [(m.span(), m.groupdict()) for m in text._CANDIDATES.finditer(paragraph)] == \
           [(m.span(), m.groupdict()) for m in theirs.finditer(paragraph)]


# Words chosen for every part of Porter2 where a port could go astray: the special words, Y, the R1
# exceptions, -ization/-ational (where nltk keeps an e Snowball's C code drops), curly apostrophes,
# short words, double consonants, and Snowball 3's changes (-ogist, "organ", "added").
STEM_WORDS = """
a is as us gas news skis skies dying lying tying idly gently ugly early only singly sky howe atlas cosmos
bias andes inning innings outing outings canning cannings herring herrings earring earrings proceed
proceeding exceed exceeded succeed succeeding yes yellow yielding boy boys saying obeyed crying cried ties
generate generation generously communicate communities arsenal arsenic realization realizations
realize realizer organization organizer organizing organic organism ionization quantization
cyclization creolization ghettoization nationalization sensationalism irrationality rationally rational
relational foundational relation rotation activity creativity forgiveness capability possibly
biologists psychologist pathologists emergence emergency evening internal international interval lateral
pastes added adding hopping hoping filing filling fizzed controlled agreed feed bleed plastered
don’t didn’t isn’t i’m you’ve won’t d’amico ’tis 'tis o'clock rock'n'roll café naïve α-helix
hypothalamus-pituitary well-known x-ray co2 1990 3rd nAChRs ACh fibers fiber's muscles' electricity
""".split()


def _vocabulary() -> set[str]:
    vocabulary = {text.fold(w) for w in STEM_WORDS}
    for path in sorted(SEEDS.rglob("*")):
        if path.suffix not in (".md", ".txt"):
            continue
        for _, _, word in text.words(path.read_text(encoding="utf-8")):
            vocabulary.add(text.fold(word))
    return vocabulary | {w[:-2] for w in vocabulary if w.endswith(("'s", "’s"))}


def test_the_compiled_stemmer_stems_as_nltks_snowball_does():
    from nltk.stem.snowball import SnowballStemmer

    nltk_stemmer = SnowballStemmer("english")
    vocabulary = _vocabulary()
    assert len(vocabulary) > 1500  # the seeds' own words, not only the list above
    differ = {w: (text._snowball(w), nltk_stemmer.stem(w)) for w in sorted(vocabulary)
              if text._snowball(w) != nltk_stemmer.stem(w)}
    assert differ == {}


def test_the_corrections_are_needed_and_where_they_apply():
    """Without them, PyStemmer alone differs from nltk on these words; the vocabulary test would miss
    a broken correction only if none of them were in it."""
    import Stemmer
    from nltk.stem.snowball import SnowballStemmer

    raw, nltk_stemmer = Stemmer.Stemmer("english"), SnowballStemmer("english")
    for word in ("realization", "ionization", "sensationalism", "irrationality", "didn’t"):
        assert raw.stemWord(word) != nltk_stemmer.stem(word) == text._snowball(word)
    for word in ("ghettoization", "foundational", "organization", "relation"):  # no e to keep
        assert raw.stemWord(word) == nltk_stemmer.stem(word) == text._snowball(word)


def test_stem_drops_a_possessive_and_folds_case():
    assert text.stem("Fiber's") == text.stem("fibers") == text.stem("fiber") == "fiber"
    assert text.stem("Realizations") == "realize"


def test_importing_text_does_not_import_nltk():
    import subprocess
    import sys

    code = "import sys, quizgen.text as t; t.stem('cells'); t.sentence_spans('A cell. It divides.'); " \
           "print('nltk' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_zipf_reads_the_table_as_wordfreq_does():
    """The plain-letters path looks wordfreq's table up itself; it must round as zipf_frequency does,
    for words in the table, words not in it (Zipf 0) and words it leaves to wordfreq (hyphens, digits)."""
    from wordfreq import get_frequency_dict, zipf_frequency

    table = list(get_frequency_dict("en", "best"))
    vocabulary = _vocabulary() | set(table[:20000]) | set(table[-5000:]) | {"qzxv", "long-term", "co2", "Ångström"}
    vocabulary |= {f"{a}-{b}" for a, b in zip(table[100:3000:7], table[5000:300000:700])} | {"x-qzxv", "self-", "-ion"}
    differ = {w: (text.zipf(w), zipf_frequency(text.fold(w), "en")) for w in sorted(vocabulary)
              if text.zipf(w) != zipf_frequency(text.fold(w), "en")}
    assert differ == {}
    assert text.zipf("qzxv") == 0.0 and text.zipf("the") > 7


def test_the_frequency_table_is_wordfreqs_own():
    from wordfreq import get_frequency_dict

    assert text._table() == get_frequency_dict("en", "best")


def test_the_word_index_holds_the_table_and_a_damaged_one_is_replaced(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZGEN_CACHE_DIR", str(tmp_path))
    text._index.cache_clear()
    try:
        index = text._index()  # made in the cache folder on first need
        files = list(tmp_path.glob("words-*.idx"))
        assert len(files) == 1 and not list(tmp_path.glob("*.tmp"))
        table = text._table()
        assert dict(index.items()) == table  # every word, the same float
        for word in ("the", "acetylcholine", "zeitgebers", "qzxv", "", "zzzzzzzz", "a"):
            assert (word in index) == (word in table) and (word not in table or index[word] == table[word])
        data = files[0].read_bytes()
        for damaged in (data[:-1], data[:20] + bytes([data[20] ^ 1]) + data[21:], b"", b"not an index"):
            assert text.WordIndex.read(damaged) is None
            files[0].write_bytes(damaged)
            text._index.cache_clear()
            assert dict(text._index().items()) == table  # rebuilt, not trusted
        assert files[0].read_bytes() == data
    finally:
        text._index.cache_clear()


def test_without_a_writable_cache_folder_the_table_is_used(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("QUIZGEN_CACHE_DIR", str(blocker / "below"))  # a folder that cannot be made
    text._index.cache_clear()
    try:
        assert text._index() is None
    finally:
        text._index.cache_clear()
