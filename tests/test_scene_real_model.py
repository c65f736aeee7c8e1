"""The real-transformer step: the head grid, each sentence's heat-map row and bars, and the two
planes show the real model's numbers (recomputed here from attention_core.real_model's runs,
head by head, not from the scene's comparison), every number said is one shown, and without
the model, or with words the tokenizer cuts up, the step says so instead of crashing."""

from __future__ import annotations

import numpy as np
import pytest
from scene_harness import (
    BuiltScene,
    apple_with,
    build_scene,
    check_keyframes,
    narration_numbers,
    pacing_problems,
)
from test_layout import layout_problems

from attention_core import story
from attention_core.real_model import INSTALL_COMMAND, ModelMissingError, load_model
from scenes import real_model as scene_module
from scenes.real_model import RealTransformer
from scenes.style import fmt


@pytest.fixture(scope="module")
def built(example, tmp_path_factory) -> BuiltScene:
    return build_scene(RealTransformer, example, tmp_path_factory.mktemp(example.name))


def said_by_beat(scene) -> dict[str, str]:
    return {name: narration for name, narration, _, _ in scene.beats}


def expected(example):
    """The numbers the step must show, from the model's runs directly: per head the smaller of
    the focus's two looks at its deciders (all attention, [CLS] and [SEP] included), the best
    head's rows, and the focus on the axes."""
    model = load_model()
    sentences = example.sentences[:2]
    deciders = [story.decider(example, i) for i in range(len(sentences))]
    runs = [model.run(s.text) for s in sentences]
    focus = sentences[0].focus
    scores = np.zeros((6, 12))
    for layer in range(6):
        for head in range(12):
            looks = []
            for run, decider in zip(runs, deciders, strict=True):
                a = run.attention(layer, head).weights  # (tokens, tokens)
                f = [t for t, w in enumerate(run.word_of_token) if w == run.word_index(focus)]
                d = [t for t, w in enumerate(run.word_of_token) if w == run.word_index(decider)]
                looks.append(a[np.ix_(f, d)].sum(axis=1).mean())
            scores[layer, head] = min(looks)
    return scores, runs, deciders, focus


def test_the_head_grid_and_the_best_head_are_the_models(built, example):
    scores, _, deciders, focus = expected(example)
    scene = built.scene
    np.testing.assert_allclose(scene.head_grid.values, scores, atol=1e-12)
    layer, head = np.unravel_index(np.argmax(scores), scores.shape)
    assert (scene.real.best.layer, scene.real.best.head) == (layer, head)
    np.testing.assert_allclose(scene.best_box.get_center(), scene.head_grid.cell_center(layer, head))
    said = said_by_beat(scene)
    assert said["best head"].startswith(f"Layer {layer}, head {head} looks hardest: {focus} gives ")
    numbers = narration_numbers(said["best head"])
    assert len(numbers) == len(deciders)
    assert min(numbers) == pytest.approx(round(scores[layer, head], 2), abs=0.005)


def test_each_sentence_shows_the_focus_row_with_and_without_the_specials(built, example):
    scores, runs, deciders, focus = expected(example)
    layer, head = np.unravel_index(np.argmax(scores), scores.shape)
    scene = built.scene
    said = said_by_beat(scene)
    for number, run in enumerate(runs):
        a = run.attention(layer, head).weights
        f = [t for t, w in enumerate(run.word_of_token) if w == run.word_index(focus)]
        pieces = [[t for t, w in enumerate(run.word_of_token) if w == k] for k in range(len(run.words))]
        groups = [[0], *pieces, [len(run.tokens) - 1]]
        row = np.array([a[np.ix_(f, g)].sum(axis=1).mean() for g in groups])  # [CLS], words, [SEP]
        grid = scene.rows[number]
        assert grid.printed == [fmt(v) for v in row[None, :].ravel()]
        words = row[1:-1] / row[1:-1].sum()
        np.testing.assert_allclose(scene.bars[number].shown_values(), words, atol=1e-12)
        line = said[f"sentence {number + 1}"]
        special = row[0] + row[-1]
        assert f"[CLS] and [SEP] take {fmt(special)} of {focus}'s attention" in line
        decider = run.words.index(deciders[number].lower())
        assert fmt(words[decider]) in line
        top = int(np.argmax(np.where(np.arange(len(words)) == run.word_index(focus), -1, words)))
        if top == decider:
            assert f"of the other words, {deciders[number]} gets the most, {fmt(words[decider])}." in line
        else:
            assert f"{run.words[top]} gets more, {fmt(words[top])}" in line


def test_the_planes_show_the_toy_and_the_real_focus(built, example):
    _, runs, deciders, focus = expected(example)
    scene = built.scene
    model = load_model()
    # the real plane: cosines with the axis words (alone), seen from the mean of the sentences'
    # word tokens and the two axis words, after the last layer
    anchors = [model.run(w).hidden_states[-1][1:-1].mean(axis=0) for w in (example.x_axis, example.y_axis)]
    tokens = [run.hidden_states[-1][1:-1] for run in runs]
    centre = np.vstack([*tokens, np.stack(anchors)]).mean(axis=0)

    def place(v):
        return [float((v - centre) @ (a - centre) / np.linalg.norm(v - centre) / np.linalg.norm(a - centre))
                for a in anchors]

    alone = model.run(focus).hidden_states[-1][1:-1].mean(axis=0)
    in_context = [run.hidden_states[-1][np.asarray(run.word_of_token) == run.word_index(focus)].mean(axis=0)
                  for run in runs]
    expected_real = np.array([place(alone), *(place(v) for v in in_context)])
    panel = scene.real_panel
    np.testing.assert_allclose(panel.coords, expected_real, atol=1e-9)
    for dot, coords in zip(panel.dots, expected_real, strict=True):
        np.testing.assert_allclose(panel.plane.axes.p2c(dot.get_center()), coords, atol=1e-6)
    toy = scene.toy_panel
    gravity = [story.gravity(example, i).new_embeddings[s.focus_index]
               for i, s in enumerate(example.sentences[:2])]
    np.testing.assert_allclose(toy.coords, [example.words[focus], *gravity])
    # what the last beat says is what the real plane shows
    said = said_by_beat(scene)["embedding"]
    shown = {fmt(v) for v in expected_real[1:].ravel()}
    assert set(f"{x:.2f}" for x in narration_numbers(said)) <= shown


def test_the_step_is_paced_and_laid_out(built):
    assert pacing_problems(built) == []
    assert layout_problems(built.layouts) == []


def test_without_the_model_the_step_says_how_to_install_it(tmp_path, monkeypatch):
    def missing():
        raise ModelMissingError(f"real-model mode needs the weights: run `{INSTALL_COMMAND}`.")

    monkeypatch.setattr(scene_module, "load_model", missing)
    example = apple_with(tmp_path)
    built = build_scene(RealTransformer, example, tmp_path, fresh=True)
    assert [b[0] for b in built.scene.beats] == ["title", "no model"]
    assert built.scene.beats[1][1] == "The real model is not installed, so this step is left out."
    shown = " ".join(t.text for t in built.scene.cannot[1])
    assert INSTALL_COMMAND.replace(" ", "") in shown.replace(" ", "")
    assert pacing_problems(built) == [] and layout_problems(built.layouts) == []


def test_a_word_the_tokenizer_splits_is_merged_and_noted(tmp_path):
    # "tokenizer" is two WordPiece pieces (token ##izer), the rest are single tokens
    example = apple_with(tmp_path, ("laptop  = [2.8, 0.2]", "tokenizer = [2.8, 0.2]"),
                         ('text = "the new apple phone"', 'text = "the new apple tokenizer"'),
                         ('decider = "phone"', 'decider = "tokenizer"'))
    built = build_scene(RealTransformer, example, tmp_path, fresh=True)
    scene = built.scene
    assert scene.real.runs[1].tokens[-3:] == ("token", "##izer", "[SEP]")
    assert "tokenizer" in scene.bars[1].words  # one bar for the whole word
    for notes in (scene.notes, scene.rows_notes[1]):  # under the sentence's bars and under the planes
        assert "'tokenizer'issplitintotoken##izer" in " ".join(t.text for t in notes).replace(" ", "")
    assert len(scene.rows_notes[0]) == 1  # the first sentence has no split word: only the specials' line
    assert pacing_problems(built) == [] and layout_problems(built.layouts) == []


def test_a_sentence_the_model_cannot_read_gets_a_card(tmp_path):
    # a focus the basic tokenizer splits at its apostrophe is not one word to the model
    example = apple_with(tmp_path, ("apple   = [1.5, 1.6]", "\"apple's\" = [1.5, 1.6]"),
                         ('text = "buy an orange and apple"', 'text = "buy an orange and apple\'s"'),
                         ('text = "the new apple phone"', 'text = "the new apple\'s phone"'),
                         ('focus = "apple"', 'focus = "apple\'s"'), ('focus = "apple"', 'focus = "apple\'s"'))
    built = build_scene(RealTransformer, example, tmp_path, fresh=True)
    assert [b[0] for b in built.scene.beats] == ["title", "no model"]
    line = built.scene.beats[1][1]
    assert "apple's" in line and "is not one of the sentence's words" in line


def test_key_frames_match_control_data(built):
    assert check_keyframes(built) == []
