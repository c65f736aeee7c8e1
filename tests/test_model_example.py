"""An example file from the real model: its words are the model's cosines with the axis words,
a fitted head recovers a known map, the file is a valid example, and the command writes it
whole or not at all."""

from __future__ import annotations

import numpy as np
import pytest

from attention_content.examples import load_example
from attention_core.errors import AttentionInputError
from attention_core.real_model import load_model
from attention_explainer.cli import main
from attention_explainer.model_example import SCALE, example_from_model, fit_head

APPLE = ["buy an orange and apple", "the new apple phone"]


@pytest.fixture(scope="module")
def model():
    return load_model()


def test_words_are_the_models_cosines_with_the_axis_words(model, tmp_path):
    made = example_from_model(model, APPLE, "apple", ("technology", "fruit"), ["orange", "phone"])
    words = ["buy", "an", "orange", "and", "apple", "the", "new", "phone"]
    assert list(made.words) == words

    def alone(word):  # the word on its own: [CLS] word [SEP], last layer
        return model.run(word).hidden_states[-1][1]

    vectors = np.stack([alone(w) for w in words])
    anchors = np.stack([alone("technology"), alone("fruit")])
    centre = np.vstack([vectors, anchors]).mean(axis=0)
    for word, v in zip(words, vectors, strict=True):
        cosines = [(v - centre) @ (a - centre) / np.linalg.norm(v - centre) / np.linalg.norm(a - centre)
                   for a in anchors]
        assert made.words[word] == pytest.approx(np.round(SCALE * np.array(cosines), 2), abs=1e-12)
    path = tmp_path / "real.toml"
    path.write_text(made.toml)
    example = load_example(path)
    assert example.sentences[1].decider == "phone" and example.x_axis == "technology"
    np.testing.assert_allclose(example.words["orange"], made.words["orange"])
    assert made.head is None and made.fit_error is None


def test_a_head_is_fitted_to_a_known_map():
    rng = np.random.default_rng(3)
    m = np.array([[1.2, -0.4], [0.7, 0.3]])
    points = [rng.normal(size=(5, 2)), rng.normal(size=(4, 2))]
    targets = []
    for x in points:
        scores = x @ m @ x.T
        w = np.exp(scores - scores.max(axis=1, keepdims=True))
        targets.append(w / w.sum(axis=1, keepdims=True))
    fitted, error = fit_head(points, targets)
    np.testing.assert_allclose(fitted, m, atol=1e-9)
    assert error < 1e-12


def test_a_head_fitted_to_the_real_one(model):
    made = example_from_model(model, APPLE, "apple", ("technology", "fruit"), head=(5, 5))
    assert made.head == (5, 5) and 0 < made.fit_error < 0.3
    assert "# fitted to all-MiniLM-L6-v2's layer 5, head 5" in made.toml
    assert "key   = [[1, 0], [0, 1]]" in made.toml


@pytest.mark.parametrize(("sentences", "focus", "message"), [
    ([""], "apple", "is empty"),
    (["the cat sat"], "apple", "'apple' is not one of the sentence's words: the, cat, sat"),
    (APPLE + ["a third apple"], "apple", "one or two sentences"),
])
def test_bad_requests_are_refused_with_one_message(model, sentences, focus, message):
    with pytest.raises(AttentionInputError, match=message):
        example_from_model(model, sentences, focus, ("technology", "fruit"))


def test_the_command_writes_a_checked_file_or_nothing(tmp_path, capsys):
    out = tmp_path / "apple_real.toml"
    args = ["example-from-model", "--sentence", APPLE[0], "--sentence", APPLE[1], "--focus", "apple",
            "--axes", "technology", "fruit", "--decider", "orange", "--decider", "phone", "--head", "L5H5",
            "--out", str(out)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "meaning head fitted to layer 5, head 5" in printed and f"ok {out}" in printed
    assert load_example(out).title == "apple: technology or fruit? (real numbers)"
    before = out.read_text()
    assert main(args) == 1  # no --force: left as it is
    assert "exists; pass --force" in capsys.readouterr().err and out.read_text() == before
    bad = tmp_path / "bad.toml"
    assert main(["example-from-model", "--sentence", "the cat sat", "--focus", "apple",
                 "--axes", "technology", "fruit", "--out", str(bad)]) == 1
    assert "not one of the sentence's words" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [out]  # nothing half-written
