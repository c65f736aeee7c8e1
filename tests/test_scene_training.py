"""The training scene: the loss curve, the heat maps, the matrices and the guesses it shows
are the trace's numbers; at every moment of the run the counters, the caption, the curve and
the pictures show one snapshot; the update rule shown is the one training uses; the loss
said of one sentence is that sentence's; the model's sizes come from the trace; every beat
can be read; it fits the frame; a broken corpus stops it with a readable message."""

from __future__ import annotations

import dataclasses
import itertools
import math
import os
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from manim import MathTex, Mobject, Text, config, tempconfig
from scene_harness import (
    BuiltScene,
    build_scene,
    check_keyframes,
    layout_problems,
    outside_frame,
    overlapping_pairs,
    pacing_problems,
)

from attention_content.corpus import load_corpus
from attention_content.example_types import CORPUS_DIR
from attention_content.examples import load_example
from attention_core.training import next_word_losses, next_word_probabilities, train
from scenes import style
from scenes.components.matrices import MatrixGrid
from scenes.style import fmt
from scenes.training import Training, probability_text

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Look:
    """What the training picture showed at one moment."""

    step: float  # the step counter
    loss: float  # the loss counter
    caption: str  # under the heat map
    pen_step: float  # where the loss curve ends, in steps
    curve_end: float | None  # the last piece of the curve's end, in steps (None: no piece yet)
    heat: np.ndarray  # the heat map's printed numbers
    matrices: list[np.ndarray]  # W_Q, W_K, W_V's numbers (turned), which their colours show
    matrix_colors: list[np.ndarray]  # and those colours
    heat_maps: int  # how many "attention at step N" heat maps are on screen
    matrix_grids: int  # how many W_ grids are on screen


class Watched(Training):
    """Training that reads back, before and after every play and wait while the run's
    picture is up, what the counters, caption, curve and pictures show. Animations are
    skipped in the harness, so this sees each play's start and end; the run itself
    changes its picture only between plays and waits."""

    def setup(self) -> None:
        super().setup()
        self.looks: list[Look] = []

    def play(self, *args, **kwargs) -> None:
        self.look()
        super().play(*args, **kwargs)
        self.look()

    def wait(self, *args, **kwargs) -> None:
        self.look()
        super().wait(*args, **kwargs)
        self.look()

    def look(self) -> None:
        """Read what is on screen (not what the scene's attributes point at)."""
        counter = getattr(self, "step_readout", None)
        on_screen = [m for top in self.mobjects for m in top.get_family()]
        if counter is None or not any(m is counter.number for m in on_screen):
            return
        grids = [m for m in on_screen if isinstance(m, MatrixGrid)]
        heat_maps = [g for g in grids if shown(g.title).startswith("attention at step ")]
        matrices = {shown(g.title).split(",")[0]: g for g in grids if shown(g.title).startswith("W_")}
        to_step = self.plot.axes.p2c
        pieces = list(self.curve)
        self.looks.append(Look(
            step=counter.number.get_value(), loss=self.loss_readout.number.get_value(),
            caption=heat_maps[0].title.original_text, pen_step=to_step(self.pen.get_center())[0],
            curve_end=to_step(pieces[-1].get_end())[0] if pieces else None,
            heat=heat_maps[0].shown_numbers(), matrices=[matrices[n].values for n in ("W_Q", "W_K", "W_V")],
            matrix_colors=[matrices[n].colors for n in ("W_Q", "W_K", "W_V")],
            heat_maps=len(heat_maps),
            matrix_grids=sum(shown(g.title).startswith("W_") for g in grids)))


Watched.__name__ = "Training"  # its key frames are Training's


def shown(label) -> str:
    """What a label shows: a Text's text, or a MathTex's TeX without braces or spacing
    ("W_{Q},\\ W_{K}" reads "W_Q, W_K")."""
    if isinstance(label, MathTex):
        return label.get_tex_string().replace("{", "").replace("}", "").replace("\\ ", " ")
    return label.original_text


@pytest.fixture(scope="module")
def built(example, tmp_path_factory) -> BuiltScene:
    return build_scene(Watched, example, tmp_path_factory.mktemp(example.name))


TINY_CORPUS = """title = "tiny"
sentences = ["i ate my apple pie", "we ate our apple pie", "i charged my apple phone",
             "we charged our apple phone", "i liked my apple pie", "we liked our apple phone"]
[[probes]]
text = "i ate my apple pie"
focus = "apple"
decides = "ate"
[[probes]]
text = "we charged our apple phone"
focus = "apple"
decides = "charged"
[training]
seed = 1
steps = 12
learning_rate = 0.05
d_model = 8
heads = 2
d_head = 3
snapshots = [0, 3, 7]
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> BuiltScene:
    """The scene on another corpus, with other sizes and snapshots: nothing it says or
    shows may be the shipped corpus's numbers typed in."""
    folder = tmp_path_factory.mktemp("tiny")
    (folder / "tiny.toml").write_text(TINY_CORPUS)
    example = dataclasses.replace(load_example("apple"), corpus=folder / "tiny.toml")
    return build_scene(Watched, example, folder, fresh=True)


@pytest.fixture(params=["shipped", "tiny"])
def any_built(request, built, tiny) -> BuiltScene:
    return built if request.param == "shipped" else tiny


@pytest.fixture(scope="module")
def trace(example):
    """Training on the corpus the example names, done here (not by the scene)."""
    return train(load_corpus(example.corpus))


def test_the_probes_are_about_the_examples_ambiguous_word_from_the_corpus_it_names(built, example):
    focus = example.sentences[0].focus
    corpus = load_corpus(example.corpus)
    assert built.scene.corpus.path == corpus.path
    assert built.scene.probes == tuple(p for p in corpus.probes if p.focus == focus)[:2]
    assert [p.focus for p in built.scene.probes] == [focus, focus]
    # the chapter does not say it trained on other words
    assert not any("no sentences about" in line for line in built.scene.narration)


def test_the_loss_curve_is_the_traces_losses(built, trace):
    plot = built.scene.plot
    np.testing.assert_array_equal(plot.losses, trace.losses)
    # the drawn pieces join up into the whole run, from step 0 to the last step, each stretch
    # ending on its snapshot, every corner at a step's loss
    steps = [s.step for s in trace.snapshots]
    pieces = list(built.scene.curve)
    np.testing.assert_allclose(pieces[0].get_start(), plot.point(0), atol=1e-6)
    np.testing.assert_allclose(pieces[-1].get_end(), plot.point(steps[-1]), atol=1e-6)
    for earlier, later in zip(pieces, pieces[1:], strict=False):
        np.testing.assert_allclose(earlier.get_end(), later.get_start(), atol=1e-6)
    y_of = plot.axes.p2c
    assert set(steps[1:]) <= {round(y_of(piece.get_end())[0]) for piece in pieces}
    for piece in pieces:
        for corner in piece.get_anchors():
            step, loss = y_of(corner)[:2]
            assert step == pytest.approx(round(step), abs=1e-6)
            assert loss == pytest.approx(trace.losses[round(step)], abs=1e-6)
    assert built.scene.loss_readout.number.get_value() == pytest.approx(trace.losses[-1])
    assert built.scene.step_readout.number.get_value() == steps[-1]


def weight_colors(trace, snap, field: str) -> np.ndarray:
    """A weight matrix's colours (turned, head 1) as the chapter means to draw them, computed
    here: dark (style.GRID) at 0, up to style.POSITIVE or style.NEGATIVE at the largest |number|
    the matrix reaches in the run, by the square root of |number| over that largest."""
    values = getattr(snap.params, field)[0].T
    top = max(float(np.abs(getattr(s.params, field)[0]).max()) for s in trace.snapshots)
    low, pos, neg = (np.array(c.to_rgb()) for c in (style.GRID, style.POSITIVE, style.NEGATIVE))
    end = np.where((values >= 0)[..., None], pos, neg)
    return low + np.sqrt(np.abs(values) / top)[..., None] * (end - low)


def test_the_heat_map_and_matrices_on_screen_are_the_last_snapshots(built, trace):
    scene, final = built.scene, trace.snapshots[-1]
    k = trace.probes.index(scene.probe)
    np.testing.assert_allclose(scene.heat.values, final.probe_weights[k].mean(axis=0))
    np.testing.assert_allclose(scene.heat.shown_numbers(), final.probe_weights[k].mean(axis=0), atol=0.005)
    for grid, field in zip(scene.matrices, ("w_q", "w_k", "w_v"), strict=True):
        np.testing.assert_allclose(grid.values, getattr(final.params, field)[0].T)
        np.testing.assert_allclose(grid.colors, weight_colors(trace, final, field), atol=1e-9)
        # none of their numbers is said, so none is printed: they are heat maps
        assert grid.printed == [] and len(grid.numbers) == 0


def test_the_matrices_colours_show_their_signs_and_the_small_random_start(trace):
    # the reference itself: positive numbers lean to POSITIVE, negative ones to NEGATIVE, and
    # at step 0 the small random numbers are still visibly coloured (not all dark)
    start = trace.snapshots[0]
    for field in ("w_q", "w_k", "w_v"):
        values, colors = getattr(start.params, field)[0].T, weight_colors(trace, start, field)
        low = np.array(style.GRID.to_rgb())
        toward_pos = (colors - low) @ (np.array(style.POSITIVE.to_rgb()) - np.array(style.NEGATIVE.to_rgb()))
        assert np.all((toward_pos > 0) == (values > 0))
        assert np.abs(colors - low).max() > 0.12  # > 30 of 255 levels (a linear scale gives W_Q ~11)


def test_counters_caption_curve_and_pictures_show_one_snapshot_at_every_moment(any_built):
    scene = any_built.scene
    trace, looks = scene.trace, scene.looks
    snapshots = {s.step: s for s in trace.snapshots}
    k = trace.probes.index(scene.probe)
    assert looks, "the run's picture was never seen"
    for look in looks:
        snap = snapshots.get(round(look.step))
        assert snap is not None and look.step == snap.step, f"the counter shows {look.step}, no snapshot"
        assert look.caption == f"attention at step {snap.step}"  # the heat map named, with its step
        assert look.heat_maps == 1 and look.matrix_grids == 3
        assert look.loss == trace.losses[snap.step] == snap.loss
        assert look.pen_step == pytest.approx(snap.step, abs=1e-6)
        if look.curve_end is None:
            assert snap.step == 0
        else:
            assert look.curve_end == pytest.approx(snap.step, abs=1e-6)
        np.testing.assert_allclose(look.heat, snap.probe_weights[k].mean(axis=0), atol=0.005)
        fields = ("w_q", "w_k", "w_v")
        for shown, colors, field in zip(look.matrices, look.matrix_colors, fields, strict=True):
            np.testing.assert_allclose(shown, getattr(snap.params, field)[0].T)
            np.testing.assert_allclose(colors, weight_colors(trace, snap, field), atol=1e-9)
    # every snapshot is shown, in order, and the run ends on the last
    seen = [round(look.step) for look in looks]
    assert [s for i, s in enumerate(seen) if i == 0 or s != seen[i - 1]] == sorted(snapshots)


def test_the_task_shows_that_sentences_own_loss_and_calls_the_mean_a_mean(any_built):
    scene = any_built.scene
    trace, probe, start = scene.trace, scene.probe, scene.trace.snapshots[0]
    t = min(probe.focus_index, len(probe.tokens) - 2)
    right = probe.tokens[t + 1]
    p = next_word_probabilities(start.params, trace.vocabulary, probe.tokens[: t + 1])[
        trace.vocabulary.index(right)]
    own = next_word_losses(start.params, trace.vocabulary, probe.tokens)[t]
    assert own == pytest.approx(-math.log(p), rel=1e-12)
    assert scene.right_line.word == right and scene.right_line.p == pytest.approx(p)
    assert scene.right_line.original_text.endswith(f"{right}  {probability_text(p)}")
    assert scene.loss_formula.loss == pytest.approx(own)
    shown = scene.loss_formula.tex_string
    assert rf"-\log {probability_text(p)}" in shown and shown.endswith(f"= {fmt(own)}")
    # what is printed can be checked from what is printed
    assert fmt(-math.log(float(probability_text(p)))) == fmt(own)
    said = {line for line in scene.narration if "minus the log" in line}
    assert said == {f"Its loss is minus the log of that: {fmt(own)}."}
    # the corpus loss (what the curve and the loss counter show) is said to be a mean
    sentences = len(scene.corpus.sentences)
    for mean in {fmt(trace.losses[0]), fmt(trace.losses[-1])} - {fmt(own)}:
        lines = [line for line in scene.narration if re.search(rf"(?<![\d.]){re.escape(mean)}\b", line)]
        assert lines
        for line in lines:
            assert f"averaged over all {sentences} sentences" in line or "mean loss" in line, line
    assert r"\text{mean loss}" in scene.loss_readout.label.tex_string


def test_a_printed_probability_gives_the_loss_printed_beside_it():
    # three significant digits, or more when minus their log rounds otherwise than p's
    for p in np.geomspace(1e-4, 0.999, 3000):
        text = probability_text(p)
        assert fmt(-math.log(float(text))) == fmt(-math.log(p)), (p, text)
        assert "e" not in text
    assert [probability_text(p) for p in (0.0143, 0.513, 0.036653)] == ["0.0143", "0.513", "0.03665"]


def test_the_optimiser_is_one_sentence_and_two_lines(any_built):
    """Issue 30 major 7: Adam's full rule (bias correction, epsilon, eta) was never used; the
    chapter now says the gradient and a small step against it, in one beat and two lines."""
    scene = any_built.scene
    shown = " ".join(part.tex_string for line in scene.rule for part in line if isinstance(part, MathTex))
    assert r"g = \frac{\partial\, \text{loss}}{\partial W}" in shown
    assert r"W \leftarrow W - \text{a small step along } g" in shown
    for gone in (r"\hat m", r"\epsilon", r"\eta", r"m \leftarrow", r"s \leftarrow"):
        assert gone not in shown, gone
    notes = [part.original_text for line in scene.rule for part in line if isinstance(part, Text)]
    assert f"the gradient, over all {len(scene.corpus.sentences)} sentences" in notes
    said = {name: line for name, line, *_ in scene.beats}
    assert said["gradient"] == ("The gradient says how the loss changes with each weight; the optimiser, "
                                "Adam, moves every weight a small step against it.")
    assert "adam" not in said and "averages" not in said
    assert re.search(r"\bv\b", said["gradient"]) is None  # v is the value vector elsewhere


def test_the_bars_are_the_untrained_models_chance_for_every_word(any_built):
    scene = any_built.scene
    trace, probe, start = scene.trace, scene.probe, scene.trace.snapshots[0]
    t = min(probe.focus_index, len(probe.tokens) - 2)
    chances = next_word_probabilities(start.params, trace.vocabulary, probe.tokens[: t + 1])
    chart = scene.chances
    assert len(chart.bars) == len(trace.vocabulary)
    assert f"each of the {len(trace.vocabulary)} words" in chart.caption.original_text
    ranked = np.sort(chances)[::-1]
    heights = np.array([bar.height for bar in chart.bars])
    np.testing.assert_allclose(heights / heights[0], ranked / ranked[0], atol=1e-3)
    assert all(abs(bar.get_bottom()[1] - chart.baseline.get_y()) < 1e-6 for bar in chart.bars)
    # the guesses listed are the first bars, lit; the right word's bar is lit where it ranks
    listed = [word for word, _ in scene.guess_list.guesses]
    assert listed == [trace.vocabulary[i] for i in np.argsort(-chances, kind="stable")[:len(listed)]]
    for lit, bar in zip(scene.top_bars, chart.bars, strict=False):
        np.testing.assert_allclose(lit.get_center(), bar.get_center(), atol=1e-6)
    rank = int(np.sum(chances > chances[trace.vocabulary.index(scene.right_line.word)]))
    np.testing.assert_allclose(scene.right_bar.get_center(), chart.bars[rank].get_center(), atol=1e-6)


def test_a_close_up_prints_the_decider_weight_it_says(built, trace):
    for close, probe in zip(built.scene.close_ups, built.scene.probes, strict=True):
        weights = trace.snapshots[-1].probe_weights[trace.probes.index(probe)].mean(axis=0)
        weight = weights[probe.focus_index, probe.decides_index]
        assert close.fact.weight == pytest.approx(weight)
        shown = [part.original_text for part in close.fact]
        assert shown == [probe.focus, "\u2192", probe.decides, fmt(weight)]
        np.testing.assert_allclose(close.grid.values, weights)
        np.testing.assert_allclose(close.grid.decider_ring.get_center(),
                                   close.grid.cell_center(probe.focus_index, probe.decides_index), atol=1e-6)
        assert close.grid.shown_numbers()[probe.focus_index, probe.decides_index] == float(fmt(weight))


def test_printed_cell_numbers_are_at_least_24_px_at_1080p(built):
    # the harness measures at key-frame size, where MatrixGrid rounds its print; check at 1080p
    cells = [built.scene.heat.cell] + [close.grid.cell for close in built.scene.close_ups]
    with tempconfig({"pixel_width": 1920, "pixel_height": 1080}):
        for cell in cells:
            grid = MatrixGrid(np.full((2, 2), 0.25), np.zeros((2, 2, 3)), cell, numbers="image")
            assert grid.number_height * 1080 / config.frame_height >= 24, cell


def test_the_model_is_said_to_be_bigger_than_the_toy_with_the_traces_sizes(any_built):
    scene = any_built.scene
    final, example = scene.trace.final, scene.example
    d, words, heads, k = (final.embeddings.shape[1], len(scene.trace.vocabulary), final.w_q.shape[0],
                          final.w_q.shape[2])
    assert final.w_o.shape == (heads * k, d)  # the heads' outputs side by side, back to d
    cells = [[shown(cell) for cell in row] for row in scene.model_table.cells]
    toy_shapes = " / ".join(f"{r} \u00d7 {c}" for r, c in sorted({h.query.shape for h in example.heads}))
    assert cells[1:] == [["numbers per word", str(example.dimension), str(d)],
                         ["words", str(len(example.words)), str(words)],
                         ["attention heads", str(len(example.heads)), str(heads)],
                         ["W_Q, W_K, W_V", toy_shapes, f"{d} \u00d7 {k}"],
                         ["W_O", "{} \u00d7 {}".format(*example.w_o.shape), f"{heads * k} \u00d7 {d}"]]
    assert f"bigger than the {example.dimension}-D toy" in scene.narration[1]
    assert scene.narration[2].startswith(f"{d} numbers a word, {words} words, ")
    assert scene.narration[2].endswith(f"of {d} \u00d7 {k}.")
    tex = [line[0].tex_string for line in scene.model_lines]
    assert tex == [r"h = x + \text{attention}(x)\,W_O", r"p = \text{softmax}(h\,W_U + b)"]
    assert scene.model_lines[0][1].original_text == f"{heads * k} numbers back to {d}; x keeps its own"
    assert scene.model_lines[1][1].original_text == f"output layer: a score for each of the {words} words"
    said = {name: line for name, line, *_ in scene.beats}
    assert said["residual"] == (f"W_O turns attention\u2019s {heads * k} numbers a word back into {d}, added "
                                "to the word\u2019s own: x + attention times W_O.")
    assert any(f"output layer then scores each of the {words} words" in line for line in scene.narration)


def test_every_number_said_is_one_the_scene_reads_from_the_trace_corpus_or_example(any_built):
    scene = any_built.scene
    trace, corpus, example, probe = scene.trace, scene.corpus, scene.example, scene.probe
    first, last = trace.snapshots[0], trace.snapshots[-1]
    final = trace.final
    t = min(probe.focus_index, len(probe.tokens) - 2)
    p = next_word_probabilities(first.params, trace.vocabulary, probe.tokens[: t + 1])[
        trace.vocabulary.index(probe.tokens[t + 1])]
    row = first.probe_weights[trace.probes.index(probe)].mean(axis=0)[probe.focus_index,
                                                                       : probe.focus_index + 1]
    x = first.params.embeddings[[trace.vocabulary.index(w) for w in probe.tokens]]  # (n, d)
    i = probe.focus_index
    scores = np.stack([(x @ q) @ (x @ k).T / math.sqrt(q.shape[1])  # (n, k) @ (k, n) per head
                       for q, k in zip(first.params.w_q, first.params.w_k, strict=True)])[:, i, : i + 1]
    allowed = {str(example.dimension), str(final.embeddings.shape[1]), str(len(trace.vocabulary)),
               str(final.w_q.shape[2]), probability_text(p),
               fmt(next_word_losses(first.params, trace.vocabulary, probe.tokens)[t]),
               str(len(corpus.sentences)), fmt(first.loss), fmt(row.min()), fmt(row.max()),
               str(last.step), fmt(last.loss), str(final.heads), str(final.w_q.shape[0] * final.w_q.shape[2]),
               "0", fmt(np.abs(scores).max())}  # "0": m and s start at 0; step 0; scores near 0
    if final.heads > 1:
        allowed.add("1")  # head 1's matrices are shown
    allowed |= {fmt(last.probe_weights[trace.probes.index(q)].mean(axis=0)[q.focus_index, q.decides_index])
                for q in scene.probes}
    allowed |= {fmt(next_word_probabilities(final, trace.vocabulary, q.tokens[: q.focus_index + 1]).max())
                for q in scene.probes}  # the top guess's chance
    said = [(number, line) for line in scene.narration
            for number in re.findall(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.]*\w)", line)]
    assert [(n, line) for n, line in said if n not in allowed] == []


def near_sentence(sentence: list[str], probe) -> bool:
    """Whether a training sentence differs from ``probe`` in at most 2 words, neither the
    focus nor its decider: words changed in place, or words left out of one of the two
    (tried every way, with itertools)."""
    words, keep = list(probe.tokens), (probe.focus_index, probe.decides_index)
    if len(sentence) == len(words):
        return (sum(a != b for a, b in zip(sentence, words, strict=True)) <= 2
                and all(sentence[j] == words[j] for j in keep))
    longer, shorter = (sentence, words) if len(sentence) > len(words) else (words, sentence)
    extra = len(longer) - len(shorter)
    return extra <= 2 and any(
        [w for k, w in enumerate(longer) if k not in out] == shorter
        and (longer is sentence or not set(out) & set(keep))
        for out in itertools.combinations(range(len(longer)), extra))


def test_each_probe_is_said_to_be_a_training_sentence_or_one_it_never_saw(any_built):
    """Review minor 11: apple's probes are not in its corpus (what the model does there is not
    memory); bank's, bat's and the tiny corpus's are, and the line says so."""
    scene = any_built.scene
    trained_on = list(dict.fromkeys(" ".join(s.split()) for s in   # in the file's order
                                    tomllib.loads(scene.corpus.path.read_text())["sentences"]))
    said = {name: line for name, line, *_ in scene.beats}
    for k, probe in enumerate(scene.probes):
        line = said["learned" if k == 0 else f"learned {k + 1}"]
        # a training sentence that differs in at most 2 words, neither the focus nor its decider
        near = [t for t in trained_on if near_sentence(t.split(), probe)]
        where = ("one of its training sentences" if probe.text in trained_on
                 else f"close to its training sentence \u201c{near[0]}\u201d" if near
                 else "a sentence it never trained on")
        assert line.startswith(f"In \u201c{probe.text}\u201d, {where}, {probe.focus} looks"), line
    if scene.example.name == "apple" and scene.corpus.path.name == "ambiguous.toml":
        # "he sliced his apple pie" is held out, but "i sliced my apple pie" is not (issue 30);
        # said, and shown under the sentence in the close-up
        assert "close to its training sentence \u201ci sliced my apple pie\u201d" in said["learned"]
        note = scene.close_ups[0].sentence[1]
        assert [t.original_text for t in note] == ["close to its training sentence",
                                                    "\u201ci sliced my apple pie\u201d"]


def test_a_probe_that_is_a_training_sentence_less_a_word_is_said_to_be_close(tmp_path):
    """Issue 32's minor: bark's probe "puppy and bark (dog)" is its training sentence "the
    puppy and bark (dog)" without "the", and the chapter said "a sentence it never trained
    on" (an overclaim). It now says, aloud and under the sentence, which training sentence it
    is close to. Seen failing on the old code: the line said "a sentence it never trained on"
    and the close-up's note was missing."""
    example = load_example(REPO / "tests" / "data" / "teachers" / "bark.toml")
    scene = build_scene(Training, example, tmp_path).scene
    trained_on = [" ".join(s) for s in scene.corpus.sentences]
    said = {name: line for name, line, *_ in scene.beats}
    for k, probe in enumerate(scene.probes):
        close = "the " + probe.text
        assert close in trained_on and probe.text not in trained_on
        line = said["learned" if k == 0 else f"learned {k + 1}"]
        assert f"close to its training sentence \u201c{close}\u201d" in line, line
        assert "never trained on" not in line
        note = scene.close_ups[k].sentence[1]
        assert [t.original_text for t in note] == ["close to its training sentence", f"\u201c{close}\u201d"]
    assert said["moral"].endswith(", in sentences like its training ones.")


def test_the_moral_claims_no_more_than_the_run_shows(any_built):
    """Issue 30: "nobody told it which word decides" overclaimed for a corpus written so the next
    word needs the decider and probes that are (near) training sentences: the line says so."""
    scene = any_built.scene
    final = scene.trace.snapshots[-1]
    found = all(int(np.argmax(final.probe_weights[scene.trace.probes.index(p)].mean(axis=0)[p.focus_index]))
                == p.decides_index for p in scene.probes)
    moral = {name: line for name, line, *_ in scene.beats}["moral"]
    if not found:
        assert moral == "Here predicting the next word was not enough to find the word that decides."
        return
    assert moral.startswith("Nobody marked the deciding word: the sentences were written so the next word "
                            "needs it, and predicting that word was enough")
    assert "Nobody told it" not in moral
    if scene.example.name == "apple" and scene.corpus.path.name == "ambiguous.toml":
        assert moral.endswith(", in sentences like its training ones.")


def test_the_even_start_is_put_down_to_small_w_q_and_w_k(any_built):
    """Review minor 10: random weights yet even attention; the line says why: the focus row's
    scores at step 0 (computed here from the snapshot's matrices) are all near 0. Issue 30's
    watch: "its scores are at most 0.01 from 0" was said while only the weights were on
    screen; the line now says no number of its own and names what is on screen, W_Q and W_K
    at the bottom. Seen failing on the old code: the line ended "its scores are at most
    0.01 from 0." (apple) and "its scores all round to 0.00." (tiny)."""
    scene = any_built.scene
    first, probe = scene.trace.snapshots[0], scene.probe
    x = first.params.embeddings[[scene.trace.vocabulary.index(w) for w in probe.tokens]]
    i = probe.focus_index
    top = max(float(np.abs((x @ q)[i] @ (x @ k)[: i + 1].T).max()) / math.sqrt(q.shape[1])
              for q, k in zip(first.params.w_q, first.params.w_k, strict=True))
    assert top < 0.1
    said = {name: line for name, line, *_ in scene.beats}["even"]
    assert said.endswith(" W_Q and W_K, at the bottom, start small, so its scores all start near 0.")
    row = scene.attention(first, probe)[i, : i + 1]
    assert set(re.findall(r"\d+\.\d+", said)) <= {fmt(row.min()), fmt(row.max())}  # the weights only
    names = [shown(g.title) for g in scene.matrices]
    assert names[:2] == ["W_Q", "W_K"]
    for grid in scene.matrices[:2]:  # the run's strip, where it stood at the even beat
        assert grid.image.get_top()[1] < 0 and grid.get_bottom()[1] < -config.frame_height / 2 + 1.0


def test_every_beat_can_be_read_while_its_picture_is_up(built):
    assert pacing_problems(built) == []
    subs = built.scene.renderer.file_writer.subcaptions
    assert len(subs) == len([n for n in built.scene.narration if n])
    for sub in subs:
        seconds = (sub.end - sub.start).total_seconds() + 0.001  # subtitles are timed to the ms
        assert len(sub.content) / seconds <= style.READING_RATE, sub.content


def test_the_learned_panels_ring_the_decider_and_list_the_models_guesses(built, trace):
    for panel, probe in zip(built.scene.finals, built.scene.probes, strict=True):
        grid = panel.grid
        np.testing.assert_allclose(grid.decider_ring.get_center(),
                                   grid.cell_center(probe.focus_index, probe.decides_index), atol=1e-6)
        probs = next_word_probabilities(trace.final, trace.vocabulary, probe.tokens[: probe.focus_index + 1])
        top_word, top_p = panel.guess_list.guesses[0]
        assert top_word == trace.vocabulary[int(np.argmax(probs))]
        assert top_p == pytest.approx(float(probs.max()))
        # the narration names the same decider weight the heat map shows
        weight = grid.values[probe.focus_index, probe.decides_index]
        assert any(f"looks at {probe.decides} ({weight:.2f})" in line for line in built.scene.narration)
    tops = [panel.grid.image.get_top()[1] for panel in built.scene.finals]
    assert max(tops) - min(tops) < 1e-6  # the heat maps stand level


def test_everything_fits_in_the_frame_and_the_columns_do_not_overlap(built):
    scene = built.scene
    half_w, half_h = config.frame_width / 2, config.frame_height / 2
    for group in (scene.readouts, scene.heat, scene.plot, scene.matrices, scene.finals):
        assert -half_w <= group.get_left()[0] and group.get_right()[0] <= half_w
        assert group.get_top()[1] <= half_h and group.get_bottom()[1] >= -half_h
    assert outside_frame([scene.heading, scene.model_table, *scene.model_lines, scene.prompt, scene.chances,
                          scene.guess_list, scene.right_line, scene.loss_formula, *scene.rule,
                          *scene.close_ups]) == []
    # the run: the heat map on the left; right of it the counters over the curve over the matrices
    right_column = min(g.get_left()[0] for g in (scene.readouts, scene.plot, scene.matrices))
    assert scene.heat.get_right()[0] < right_column
    assert scene.readouts.get_bottom()[1] > scene.plot.get_top()[1]
    assert scene.plot.get_bottom()[1] > scene.matrices.get_top()[1]
    # the task: the prompt, the guesses and the right word left of the bars, the loss under all
    left_column = (scene.prompt, scene.guess_list, scene.right_line)
    assert max(m.get_right()[0] for m in left_column[1:]) < scene.chances.bars.get_left()[0]
    assert overlapping_pairs([*left_column, scene.chances.bars, scene.loss_formula]) == []
    # a close-up: the heat map left of its text
    for close in scene.close_ups:
        assert close.grid.get_right()[0] < min(m.get_left()[0] for m in (close.sentence, close.fact,
                                                                          close.guess_list))


def test_narration_is_written_as_subtitles(built):
    said = [line for line in built.scene.narration if line]  # the title card says nothing
    assert built.srt_path.read_text().count("-->") == len(said) >= 15


def test_key_frames_match_control_data(built):
    assert check_keyframes(built) == []


def _render_training(example_file: Path, media: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ATTENTION_EXAMPLE": str(example_file)}
    return subprocess.run([sys.executable, "-m", "manim", "-ql", "--media_dir", str(media),
                           "scenes/training.py", "Training"], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=300)


def test_a_broken_corpus_stops_the_render_with_the_field_named(tmp_path):
    # the example names the corpus by a path from its own folder; the render runs elsewhere
    (tmp_path / "corpora").mkdir()
    (tmp_path / "corpora" / "bad.toml").write_text(
        'title = "x"\nsentences = ["i ate an apple pie"]\n'
        '[[probes]]\ntext = "i ate an apple pie"\nfocus = "apple"\ndecides = "pie"\n')
    example = tmp_path / "mine.toml"
    example.write_text((CORPUS_DIR.parent / "examples" / "apple.toml").read_text()
                       .replace('title = "Apple: fruit or phone?"',
                                'title = "Apple: fruit or phone?"\ncorpus = "corpora/bad.toml"'))
    run = _render_training(example, tmp_path / "media")
    assert run.returncode == 1
    assert "bad.toml" in run.stderr and "probes[0].decides" in run.stderr
    assert "Traceback" not in run.stderr + run.stdout
    assert not list((tmp_path / "media").rglob("*.mp4"))


def test_a_missing_corpus_stops_the_render_naming_the_example_file_and_field(tmp_path):
    example = tmp_path / "mine.toml"
    example.write_text((CORPUS_DIR.parent / "examples" / "apple.toml").read_text()
                       .replace('title = "Apple: fruit or phone?"',
                                'title = "Apple: fruit or phone?"\ncorpus = "gone.toml"'))
    run = _render_training(example, tmp_path / "media")
    assert run.returncode == 1
    assert f"{example}: 1 problem:" in run.stderr
    assert "corpus: the corpus file 'gone.toml' does not exist" in run.stderr
    assert str(tmp_path / "gone.toml") in run.stderr
    assert "Traceback" not in run.stderr + run.stdout
    assert not list((tmp_path / "media").rglob("*.mp4"))


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory) -> BuiltScene:
    """The crane example trained on the shipped apple/bank/bat corpus: no probe is about crane."""
    example = dataclasses.replace(load_example("crane"), corpus=CORPUS_DIR / "ambiguous.toml")
    return build_scene(Training, example, tmp_path_factory.mktemp("elsewhere"), fresh=True)


def test_a_corpus_without_the_examples_word_is_said_to_be_about_other_words(elsewhere):
    scene = elsewhere.scene
    ambiguous = load_corpus("ambiguous")
    assert scene.probes == ambiguous.probes[:2]  # its own first two: about apple
    assert "crane" not in ambiguous.vocabulary
    said = {name: line for name, line, *_ in scene.beats}
    # issue 32: why apple arrives, and how a teacher gives crane its own corpus
    assert said["corpus"] == ("This example has no training sentences of its own, so the model learns the "
                              "shipped ones, about apple, bank and bat, and we watch apple.")
    assert said["own corpus"] == ("To train on crane, a teacher writes its own sentences, as "
                                  "assets/corpus/README.md explains, and names them in the example.")
    # on screen while it is said: the note, in the key frame at the end of that beat
    note = scene.corpus_note
    assert [line.original_text for line in note[0]] == [
        "no sentences about crane: trained on the shipped sentences, about apple, bank and bat",
        "to train on crane: write a corpus (assets/corpus/README.md)"]
    beat = next(name for name in elsewhere.layouts if name.endswith("-end-of-corpus"))
    assert layout_problems(elsewhere.layouts) == []  # the note too: >= 24 px in every beat
    assert outside_frame([scene.heading, scene.model_table, *note, *scene.model_lines]) == []
    assert overlapping_pairs([scene.heading, scene.model_table, *note, *scene.model_lines]) == []
    assert pacing_problems(elsewhere) == []
    # the note is drawn where it is: its picture differs from the beat before's
    frames = list(elsewhere.keyframes)
    before = frames[frames.index(beat) - 1]
    assert np.abs(elsewhere.keyframes[beat].astype(int) - elsewhere.keyframes[before].astype(int)).max() > 100


def test_nothing_is_left_behind_drawn_twice(built):
    # the training beat swaps only images and titles; every label must be on screen once
    seen = {}
    for mob in built.scene.mobjects:
        for part in mob.get_family():
            if isinstance(part, Text):
                key = (part.text, *np.round(part.get_center()[:2], 3))
                seen[key] = seen.get(key, 0) + 1
    assert [k for k, count in seen.items() if count > 1] == []
    assert built.scene.foreground_mobjects == []


def test_the_chapter_ends_on_the_learned_panels_alone(built):
    # every section takes its picture with it: what is left is the panels
    scene = built.scene
    # (manim's wait leaves an empty Mobject behind: it draws nothing)
    left = {id(m) for top in scene.mobjects for m in top.get_family() if type(m) is not Mobject}
    panels = {id(m) for panel in scene.finals for part in panel.submobjects for m in part.get_family()}
    assert left == panels


def test_a_corpus_is_trained_once_a_process_and_an_edited_one_again() -> None:
    """The scene's run (``trained``) is the core's ``train`` of the corpus, made once per corpus
    in a process (a watched storyboard builds the step after every edit): the same corpus read
    twice is the same run; one with other settings is trained anew, and is that corpus's run."""
    from scenes.training import trained

    corpus = load_corpus(CORPUS_DIR / "ambiguous.toml")
    first = trained(corpus)
    assert trained(load_corpus(CORPUS_DIR / "ambiguous.toml")) is first
    np.testing.assert_array_equal(first.losses, train(corpus).losses)
    shorter = dataclasses.replace(corpus, training=dataclasses.replace(corpus.training, steps=7))
    again = trained(shorter)
    assert again is not first and len(again.losses) == 8
    np.testing.assert_array_equal(again.losses, train(shorter).losses)


def test_a_corpus_the_example_names_without_its_word_is_named(tmp_path):
    """apple naming the crane corpus (issue 32's path, from apple's side): the line names the
    file and the word watched instead (seen failing: with has_own_corpus returning False it
    says "no training sentences of its own")."""
    from scene_harness import apple_with

    example = apple_with(tmp_path, ('title = "Apple: fruit or phone?"',
                                    'title = "Apple: fruit or phone?"\ncorpus = "crane"'))
    built = build_scene(Training, example, tmp_path, fresh=True)
    said = {name: line for name, line, *_ in built.scene.beats}
    assert said["corpus"] == ("The corpus this example names, crane.toml, has no sentences about apple, so "
                              "the model learns its sentences about crane, and we watch crane.")
    note = built.scene.corpus_note[0][0].original_text
    assert note.startswith("no sentences about apple: trained on crane.toml")
    assert pacing_problems(built) == []


def test_the_start_beat_shows_the_step_and_that_the_matrices_are_random(any_built):
    """The line "These are W_Q, W_K and W_V at step 0: random." is written under them, beside their
    colours' key (seen failing before: the frame said neither)."""
    start = next(texts for key, texts in any_built.texts.items() if key.endswith("-end-of-start"))
    assert "step 0: random" in start and {"negative", "near zero", "positive"} <= set(start)
