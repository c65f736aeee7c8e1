"""The training scene: the loss curve, the heat maps, the matrices and the guesses it shows
are the trace's numbers; it fits the frame; a broken corpus stops it with a readable message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from manim import Text, config
from scene_harness import BuiltScene, build_scene, check_keyframes

from attention_core.corpus import load_corpus
from attention_core.training import next_word_probabilities, train
from scenes.training import Training

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built(example, tmp_path_factory) -> BuiltScene:
    return build_scene(Training, example, tmp_path_factory.mktemp(example.name))


@pytest.fixture(scope="module")
def trace():
    return train(load_corpus())


def test_the_probes_are_about_the_examples_ambiguous_word(built, example):
    focus = example.sentences[0].focus
    assert [p.focus for p in built.scene.probes] == [focus, focus]


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


def test_the_heat_map_and_matrices_on_screen_are_the_last_snapshots(built, trace):
    scene, final = built.scene, trace.snapshots[-1]
    k = trace.probes.index(scene.probe)
    np.testing.assert_allclose(scene.heat.values, final.probe_weights[k].mean(axis=0))
    shown = [g.shown_numbers() for g in scene.matrices]
    for numbers, field in zip(shown, ("w_q", "w_k", "w_v"), strict=True):
        np.testing.assert_allclose(numbers, getattr(final.params, field)[0].T, atol=0.005)


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
        assert f"looks at {probe.decides} ({weight:.2f})" in built.scene.narration[-1]
    tops = [panel.grid.image.get_top()[1] for panel in built.scene.finals]
    assert max(tops) - min(tops) < 1e-6  # the heat maps stand level


def test_everything_fits_in_the_frame_and_the_columns_do_not_overlap(built):
    scene = built.scene
    half_w, half_h = config.frame_width / 2, config.frame_height / 2
    for group in (scene.readouts, scene.heat, scene.plot, scene.matrices, scene.finals):
        assert -half_w <= group.get_left()[0] and group.get_right()[0] <= half_w
        assert group.get_top()[1] <= half_h and group.get_bottom()[1] >= -half_h
    right_column = min(g.get_left()[0] for g in (scene.readouts, scene.heat, scene.plot))
    assert scene.matrices.get_right()[0] < right_column
    assert scene.readouts.get_bottom()[1] > scene.heat.get_top()[1]
    assert scene.heat.get_bottom()[1] > scene.plot.get_top()[1]


def test_narration_is_written_as_subtitles(built):
    assert built.srt_path.read_text().count("-->") == len(built.scene.narration) == 5


def test_key_frames_match_control_data(built):
    assert check_keyframes(built) == []


def test_a_broken_corpus_stops_the_render_with_the_field_named(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('title = "x"\nsentences = ["i ate an apple pie"]\n'
                   '[[probes]]\ntext = "i ate an apple pie"\nfocus = "apple"\ndecides = "pie"\n')
    env = {**os.environ, "ATTENTION_CORPUS": str(bad), "ATTENTION_EXAMPLE": "apple"}
    run = subprocess.run([sys.executable, "-m", "manim", "-ql", "--media_dir", str(tmp_path / "media"),
                          "scenes/training.py", "Training"], cwd=REPO, env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 1
    assert "bad.toml" in run.stderr and "probes[0].decides" in run.stderr
    assert "Traceback" not in run.stderr + run.stdout
    assert not list((tmp_path / "media").rglob("*.mp4"))


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
