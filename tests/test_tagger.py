"""The part-of-speech tagger: the same tags as nltk's own perceptron given the same weights, a model
file that is not the tested one refused, and noun phrases read from the tags."""

import io
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nltk.tag.perceptron import PerceptronTagger

from quizgen import tagger
from quizgen.errors import QuizgenError

SENTENCES = [
    "The neuromuscular junction is the synapse between a motor neuron and a skeletal muscle fiber .",
    "In 1958 , Meselson and Stahl showed that DNA replication is semiconservative .",
    "Bronchodilators relax and widen the airways , making breathing easier for 24-hour periods .",
    "She said it wasn't the well-known 3.5 % rate that mattered , but the 1,100 crore fund .",
    "Run the `show ipv6 route` command to verify the route !",
]
VOCABULARY = sorted({w for s in SENTENCES for w in s.split()} | {"-", "--", "'s", "1999", "x-ray", "Hsp70s"})


@pytest.fixture(scope="module")
def nltk_tagger():
    weights, tagdict, classes = tagger.load_model(tagger.model_path())
    t = PerceptronTagger(load=False)
    t.model.weights, t.tagdict, t.classes, t.model.classes = weights, tagdict, set(classes), set(classes)
    return t


@pytest.mark.parametrize("sentence", SENTENCES)
def test_tags_are_nltks_for_real_sentences(sentence, nltk_tagger):
    words = sentence.split()
    assert tagger.tag(words) == [t for _, t in nltk_tagger.tag(words)]


@settings(max_examples=300, deadline=None)
@given(words=st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=25))
def test_tags_are_nltks_for_any_word_sequence(words, nltk_tagger):
    assert tagger.tag(words) == [t for _, t in nltk_tagger.tag(words)]


def test_tags_read_as_english():
    words = "The model is trained on a labeled dataset .".split()
    assert tagger.tag(words) == ["DT", "NN", "VBZ", "VBN", "IN", "DT", "JJ", "NN", "."]


def test_a_model_file_that_is_not_the_tested_one_is_refused(tmp_path):
    swapped = tmp_path / tagger.MODEL
    swapped.write_bytes(pickle.dumps(({}, {}, set())))
    with pytest.raises(QuizgenError, match="not the part-of-speech model quizgen was tested with"):
        tagger.load_model(str(swapped))
    with pytest.raises(QuizgenError, match="part-of-speech model is missing"):
        tagger.load_model(str(tmp_path / "nothing-here.pickle"))


class Anything:
    """Not data: unpickling it would import and build an object."""


def test_the_weights_are_read_as_data_only():
    with pytest.raises(pickle.UnpicklingError, match="is not data"):
        tagger._DataOnly(io.BytesIO(pickle.dumps(Anything))).load()
    with pytest.raises(pickle.UnpicklingError, match="is not data"):
        tagger._DataOnly(io.BytesIO(pickle.dumps(print))).load()
    assert tagger._DataOnly(io.BytesIO(pickle.dumps(({"a": {"NN": 1.0}}, {"the": "DT"}, {"NN"})))).load() \
        == ({"a": {"NN": 1.0}}, {"the": "DT"}, {"NN"})


@pytest.mark.parametrize("text, phrases", [
    ("The primary measurement is the frequency and duration of acid reflux episodes .",
     ["primary measurement", "frequency and duration of acid reflux episodes"]),
    ("In supervised learning, the model is trained on a labeled dataset.",
     ["supervised learning", "model", "labeled dataset"]),
    ("The legacies of slavery have created significant disparities.",
     ["legacies of slavery", "significant disparities"]),
])
def test_noun_phrases_leave_out_determiners_and_verbs(text, phrases):
    assert [text[p.start:p.end] for p in tagger.noun_phrases(text)] == phrases


def test_noun_phrases_near_a_word_are_those_of_the_whole_sentence_there():
    text = "In 1958 the primary measurement of the trial was the frequency and duration of acid reflux episodes ."
    near = [text.index("reflux")]
    whole = {(p.start, p.end) for p in tagger.noun_phrases(text)}
    found = {(p.start, p.end) for p in tagger.noun_phrases(text, near)}
    assert (text.index("frequency"), text.index(" .")) in found and found <= whole
    assert (text.index("primary"), text.index(" of the trial")) not in found  # outside the window: not tagged
