"""The values scene: value positions, the weights, the residual x + sum w v laid tip to tail
from x's tip, and both sentences' end points are the core's; "x + sum w v turns the focus
toward its decider" is said only when the numbers bear it out.

Expected numbers are computed here with numpy from the example's matrices (the reference),
and compared with what the scene shows and says.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pytest
from manim import MathTex
from plane_reading import seen_on_plane
from scene_harness import (
    BuiltScene,
    build_scene,
    check_keyframes,
    narration_numbers,
    outside_frame,
    overlapping_pairs,
    subtitles,
)

from attention_content import story
from attention_content.examples import load_example
from scenes.components.words import boxes_overlap, plane_scale
from scenes.keys_and_queries import axis_lines, tick_numbers
from scenes.style import fmt
from scenes.value_vectors import SMALL_WEIGHT, ValueVectors, cosine_text

APPLE = Path(__file__).parent.parent / "assets" / "examples" / "apple.toml"


class Checked(ValueVectors):
    """The scene, checking its layout at the end of every beat."""

    def _end_beat(self) -> None:
        if self._open_beat is not None:
            labels = self.labels_on_screen()
            self.layout = getattr(self, "layout", [])
            names = [m for m in labels if m in (self.plane.x_name, self.plane.y_name)]
            crossed = [name.text for name in names for a in self.arrows_on_screen()
                       if any(_inside(p, name) for p in np.linspace(a.get_start(), a.get_end(), 50))]
            beat = self._open_beat[0]
            self.layout.append((beat, overlapping_pairs(labels), outside_frame(labels), crossed))
            on = {id(m) for top in self.mobjects for m in top.get_family()}
            self.ends_shown = getattr(self, "ends_shown", {})
            self.ends_shown[self._open_beat[0]] = [id(d.result) in on and id(d.result_tag) in on
                                                   for d in getattr(self, "drawn", [])]
            if hasattr(self, "grid"):
                self.grid_inside = getattr(self, "grid_inside", []) + [self.grid.inside(self.plane)]
            if hasattr(self, "plane"):
                self.seen = getattr(self, "seen", []) + [seen_on_plane(self, beat)]
                marks = [*axis_lines(self.plane), *tick_numbers(self.plane)]
                self.on_marks = getattr(self, "on_marks", []) + [
                    (beat, d.word) for d in getattr(self, "dots", []) if d.label_shown and id(d.label) in on
                    and any(boxes_overlap(d.label, m) for m in marks)]
                embedding = getattr(self, "decider_embedding", None)
                self.embedding_shown = getattr(self, "embedding_shown", {})
                self.embedding_shown[beat] = embedding is not None and all(
                    id(m) in on for m in (embedding[0], embedding[1].dot, embedding[1].label))
        super()._end_beat()


def _inside(point, mob) -> bool:
    lo, hi = mob.get_corner([-1, -1, 0]), mob.get_corner([1, 1, 0])
    return bool(np.all(point[:2] >= lo[:2]) and np.all(point[:2] <= hi[:2]))


Checked.__name__ = ValueVectors.__name__  # same key frames folder


def build(example, tmp_path) -> BuiltScene:
    return build_scene(Checked, example, tmp_path)


@pytest.fixture(scope="module")
def built(example, tmp_path_factory) -> BuiltScene:
    return build(example, tmp_path_factory.mktemp(example.name))


# -- the reference: numpy on the example's matrices


def reference(example, k):
    """Values, the head's scaled weights and the residual update of sentence k's focus."""
    s, head = example.sentences[k], example.heads[0]
    x = example.embeddings(k)
    f = s.focus_index
    q, key, v = x @ head.query, x @ head.key, x @ head.value  # (n, 2) each
    scores = key @ q[f] / np.sqrt(q.shape[1])  # (n,): q_f . k_j / sqrt(d_k)
    w = np.exp(scores - scores.max())
    w /= w.sum()
    d = story.decider(example, k)
    e = example.words[d]
    update = x[f] + w @ v

    def cos(a):
        return a @ e / (np.linalg.norm(a) * np.linalg.norm(e))

    return dict(f=f, x=x[f], v=v, w=w, update=update, cos=(cos(x[f]), cos(update)),
                order=[j for j in np.argsort(-w, kind="stable") if w[j] >= SMALL_WEIGHT])


def shown(example):
    return range(min(2, len(example.sentences)))


def tex_numbers(tex: str) -> list[float]:
    return [float(x) for x in re.findall(r"-?\d+\.\d+", tex)]


# -- what the scene shows


def test_w_v_is_shown_with_its_subscript(built, example):
    tex = built.scene.w_v.get_tex_string()
    assert tex.startswith("W_{V}")
    np.testing.assert_allclose(tex_numbers(tex), np.round(example.heads[0].value, 2).ravel())


def test_words_sit_at_their_values(built, example):
    k = shown(example)[-1]  # the last sentence shown
    for dot, value in zip(built.scene.dots, reference(example, k)["v"], strict=True):
        np.testing.assert_allclose(dot.dot.get_center(), built.scene.plane.point(value), atol=1e-6)


def test_the_chain_starts_at_x_and_ends_on_the_residual_update(built, example):
    scene = built.scene
    for k in shown(example):
        ref, c, drawn = reference(example, k), scene.chains[k], scene.drawn[k]
        np.testing.assert_allclose(c.points[0], ref["x"])
        np.testing.assert_allclose(c.points[-1], ref["update"], atol=1e-12)
        np.testing.assert_allclose(story.focus_update(example, k), ref["update"], atol=1e-12)
        # the drawn words are the heavy ones, heaviest first; each step is w_j v_j
        assert list(c.terms) == ref["order"]
        for n, j in enumerate(c.terms):
            np.testing.assert_allclose(c.points[n + 1] - c.points[n], ref["w"][j] * ref["v"][j], atol=1e-12)
        # the arrows: the first starts at x's tip, each at the last one's end, the result on x'
        assert drawn.steps, "no step drawn"
        np.testing.assert_allclose(drawn.steps[0].get_start(), scene.plane.point(ref["x"]), atol=1e-6)
        for a, b in zip(drawn.steps, drawn.steps[1:], strict=False):
            np.testing.assert_allclose(b.get_start(), a.get_end(), atol=0.05)
        np.testing.assert_allclose(drawn.result.get_end(), scene.plane.point(ref["update"]), atol=1e-6)
        np.testing.assert_allclose(scene.x_arrow.get_end(), scene.plane.point(ref["x"]), atol=1e-6)


def test_the_weights_shown_are_the_heads_scaled_ones_and_small_ones_are_grouped(built, example):
    for k in shown(example):
        ref, c = reference(example, k), built.scene.chains[k]
        assert set(c.rest) == {j for j in range(len(ref["w"])) if j not in ref["order"]}
        assert c.rest_weight == pytest.approx(sum(ref["w"][j] for j in c.rest))
        np.testing.assert_allclose(c.weights, ref["w"], atol=1e-12)
    lines = built.scene.term_lines(built.scene.chains[0])  # the first sentence's column
    terms = lines[: len(built.scene.chains[0].terms)]
    shown_weights = [tex_numbers(line[0].get_tex_string())[0] for line in terms]
    ref = reference(example, 0)
    assert shown_weights == [float(fmt(ref["w"][j])) for j in ref["order"]]


def test_both_end_points_stay_on_screen_and_differ(built, example):
    scene = built.scene
    assert scene.ends_shown["other sentence"] == [True, False]  # the second end point has a beat of its own
    assert scene.ends_shown["lands 2"] == scene.ends_shown["compare"] == [True, True]
    ends = [scene.drawn[k].result.get_end() for k in shown(example)]
    shown_numbers = [tex_numbers(row[1].get_tex_string()) for row in scene.comparison]
    expected = [[float(fmt(v)) for v in reference(example, k)["update"]] for k in shown(example)]
    assert shown_numbers == expected
    assert np.linalg.norm(ends[0] - ends[1]) > 0.5


def test_every_number_in_the_narration_is_the_traces(built, example):
    r0 = reference(example, 0)
    expected = [[], [], [r0["w"][j] for j in r0["order"][:2]], [], [r0["w"][r0["order"][0]]],
                list(r0["update"]), [], list(r0["cos"])]
    if len(example.sentences) > 1:
        r1 = reference(example, 1)
        expected += [[r1["w"][r1["order"][0]]], list(r1["update"]), []]
    said = [narration_numbers(line) for line in built.scene.narration]
    assert len(said) == len(expected)
    for line, numbers in zip(said, expected, strict=True):
        assert line == [float(cosine_text(x)) for x in numbers]


def test_no_beat_reads_three_numbers_and_each_result_has_its_own_beat(built, example):
    """Issue 30, major 5: at most two numbers a sentence; where the focus lands is said in a
    beat of its own (only the result comes in), and stays on screen to the chapter's end."""
    for name, line, _, _ in built.scene.beats:
        assert len(narration_numbers(line)) <= 2, (name, line)
    said = {name: line for name, line, _, _ in built.scene.beats}
    for k in shown(example):
        update = reference(example, k)["update"]
        assert f"at ({update[0]:.2f}, {update[1]:.2f})" in said[f"lands {k + 1}"]


def test_the_cosine_said_is_never_rounded_to_one():
    """Issue 30 minor: 0.998 is said as 0.998, not 1.00 (a cosine of 1 means the same direction)."""
    assert [cosine_text(c) for c in (0.9976, 0.99951, 1.0, -0.9996, 0.84)] == [
        "0.998", "0.9995", "1.00", "-0.9996", "0.84"]


def test_the_shipped_examples_assert_the_story(built):
    lines = built.scene.narration
    assert any("keeps itself" in line and "x' = x + Σ w v" in line for line in lines)
    assert any("same shape as gravity" in line for line in lines)
    assert any(line.startswith("x + Σ w v turns") for line in lines)
    assert any("toward" in line and line.startswith("One ") for line in lines)


def test_narration_is_written_as_subtitles_and_each_line_is_up_while_its_beat_lasts(built):
    subs = subtitles(built)
    assert built.srt_path.read_text().count("-->") == len(subs) == len(built.scene.narration) - 1 == 10
    for (start, end, text), (next_start, _, _) in zip(subs, subs[1:], strict=False):
        assert end == pytest.approx(next_start) and end - start >= len(text) / 17 - 1e-6
    assert all(len(text) <= 115 for _, _, text in subs)


def test_no_label_overlaps_another_nor_an_arrow_crosses_an_axis_name(built):
    for line, overlaps, outside, crossed in built.scene.layout:
        assert overlaps == [] and outside == [] and crossed == [], line


def test_the_plane_is_the_shared_one_and_its_bent_grid_stays_inside(built, example):
    scene = built.scene
    assert scene.plane.scale_used == plane_scale(example)
    assert len(scene.plane.axes.x_axis.numbers) and len(scene.plane.axes.y_axis.numbers)
    assert scene.grid_inside and all(scene.grid_inside)
    assert np.allclose(scene.grid.matrix, example.heads[0].value)


def test_key_frames_match_control_data(built):
    assert check_keyframes(built) == []


# -- examples whose numbers deny a claim: the scene says what is true instead


def test_values_that_turn_away_are_not_said_to_turn_toward(tmp_path):
    text = APPLE.read_text()
    old = "value = [[0.9, -0.4], [-0.4, 0.9]]"
    assert old in text
    path = tmp_path / "reversed.toml"
    path.write_text(text.replace(old, "value = [[-1.0, 0.0], [0.0, -1.0]]", 1))
    reversed_values = load_example(path)
    assert not any(story.claim(reversed_values, "update_toward_decider", k).holds for k in (0, 1))
    built = build(reversed_values, tmp_path)
    lines = built.scene.narration
    assert not any("turns" in line for line in lines) and not any(" toward " in line and
                                                                   line.startswith("One ") for line in lines)
    r0 = reference(reversed_values, 0)
    turn = next(line for line in lines if "cosine" in line)
    assert "no clear turn" in turn and narration_numbers(turn) == [float(cosine_text(c)) for c in r0["cos"]]


def test_one_sentence_still_closes_the_scene(tmp_path):
    apple = load_example("apple")
    single = dataclasses.replace(apple, sentences=apple.sentences[:1])
    built = build(single, tmp_path)
    assert len(built.scene.narration) == 8 and "cosine" in built.scene.narration[-1]


def test_a_32_word_sentence_keeps_its_labels_apart(long_example, tmp_path):
    scene = build(long_example, tmp_path).scene
    for line, overlaps, outside, crossed in scene.layout:
        assert overlaps == [] and outside == [] and crossed == [], line
    labels = [d.label for d in scene.dots if d.label_shown]
    assert len(labels) >= 7  # named as values (v_word, wider than the word), each nearest its own dot
    sentence = long_example.sentences[1]
    assert scene.dots[sentence.focus_index].label_shown
    ref = reference(long_example, 1)
    for dot, value in zip(scene.dots, ref["v"], strict=True):
        np.testing.assert_allclose(dot.dot.get_center(), scene.plane.point(value), atol=1e-6)
    np.testing.assert_allclose(scene.drawn[1].result.get_end(), scene.plane.point(ref["update"]), atol=1e-6)


# -- the plane says what it shows (review M2, M3, M6, M8)


def test_the_weights_are_the_keys_chapters_and_nothing_is_retracted(built, example):
    """Issue 30, major 2: the weights are the keys chapter's own (softmax(q . k / sqrt(d_k)), the
    very numbers its head row showed), said as such; no number of an earlier chapter is unsaid."""
    line = built.scene.narration[2]
    c = built.scene.chains[0]
    named = ", ".join(f"{c.sentence.tokens[j]} {c.weights[j]:.2f}" for j in c.terms[:2])
    assert line == f"The weights are the keys chapter's, softmax of q · k / √d_k: {named}."
    assert not any(", not " in said or "not by T" in said for said in built.scene.narration)
    f = example.sentences[0].focus_index
    np.testing.assert_allclose(c.weights, story.focus_attention(example, 0).weights[f], atol=1e-12)


def test_no_word_of_the_rest_is_named_over_an_axis_or_a_tick_value(built):
    """Issue 30 minor: apple's v_buy sat on the x axis over the tick "1"; a word of "the rest"
    (weight under 0.05) is left unnamed rather than named there."""
    rest = {c.sentence.tokens[j] for c in built.scene.chains for j in c.rest}
    assert [(beat, word) for beat, word in built.scene.on_marks if word in rest] == []


def test_value_dots_are_named_as_values_and_labels_sit_by_their_own_dots(built):
    scene = built.scene
    for dot in scene.dots:
        assert isinstance(dot.label[0], MathTex), f"{dot.word}'s value is named as the word"
        assert dot.label[0].get_tex_string() == r"\vec v"  # v with the word as subscript
        assert dot.label[1].text == dot.word.replace(" ", "")
    for s in scene.seen:
        wrong = {w: n for w, n in s["nearest"].items() if w != n}
        assert wrong == {}, f"{s['beat']}: label -> nearest dot {wrong}"
    # (apple's values of "buy" and "and", 0.1 apart under the x axis, leave one name across it)


def test_the_axes_are_renamed_when_the_dots_become_values(built, example):
    scene = built.scene
    seen = {s["beat"]: s for s in scene.seen}
    for beat, s in seen.items():
        assert s["names"] == ("1stnumber", "2ndnumber"), beat
        assert s["legend"] == ("dots:values,v=xW_V",), beat


def test_the_deciders_embedding_is_drawn_while_its_cosine_is_said(built, example):
    scene = built.scene
    turn = next(i for i, line in enumerate(scene.narration) if "cosine" in line)
    beat = scene.beats[turn][0]
    assert beat == "turn"
    assert {b for b, shown in scene.embedding_shown.items() if shown} == {"turn"}
    ray, dot = scene.decider_embedding
    there = example.words[story.decider(example, 0)]
    np.testing.assert_allclose(dot.dot.get_center(), scene.plane.point(there), atol=1e-6)
    np.testing.assert_allclose(ray.get_end(), scene.plane.point(there), atol=1e-6)
    np.testing.assert_allclose(ray.get_start(), scene.plane.point((0, 0)), atol=1e-6)
    assert dot.label_shown and dot.label[0].get_tex_string() == r"\vec x"


def test_every_value_dot_is_named_and_the_focus_clear_of_the_arrows(built):
    """Issue 30, m19: apple's v_buy was bare (no spot beside it off the axes and "and"'s dot),
    and in the second sentence v_apple's name lay across the x arrow. Every dot is named at every
    beat, a name set away with a line to its dot; the focus's name covers no arrow. Seen failing
    before the leader lines: bare dots ['buy'] at 'values', and v_apple over 3 points of x."""
    scene = built.scene
    for s in scene.seen:
        assert s["bare"] == [], f"{s['beat']}: bare dots {s['bare']}"
    focus = scene.dots[scene.chains[-1].sentence.focus_index]
    assert not any(boxes_overlap(focus.label, p) for p in scene.drawn[-1].lines)


class Columned(ValueVectors):
    """The scene, noting at the end of every beat the texts of the right-hand column and the
    legend that overlap each other or a tick value of the plane (the words' own labels aside:
    other tests place them)."""

    def _end_beat(self) -> None:
        if self._open_beat is not None and hasattr(self, "plane"):
            on = {id(m) for top in self.mobjects for m in top.get_family()}
            names = {id(d.label) for d in self.word_dots_on_screen()}
            texts = [m for m in self.labels_on_screen() if id(m) not in names]
            ticks = [t for t in tick_numbers(self.plane) if id(t) in on]
            pairs = overlapping_pairs(texts) + [pair for t in texts for tick in ticks
                                                for pair in overlapping_pairs([t, tick])]
            self.column_clashes = getattr(self, "column_clashes", []) + [(self._open_beat[0], pairs)]
        super()._end_beat()


Columned.__name__ = ValueVectors.__name__  # same key frames folder (none is compared here)


@pytest.mark.parametrize("word", ["seal", "bark", "jam"])
def test_a_wide_plane_keeps_the_column_and_legend_clear(word, tmp_path):
    """Issue 32 (seal, chapter 8): seal's plane reaches into the right-hand column; the legend
    ran into "v_j = x_j W_V" and "x'_1 = (3.42, 1.36)" lay on the "6" tick and "1st number".
    The column now starts right of the plane's marks, the legend left of it."""
    example = load_example(Path(__file__).parent / "data" / "teachers" / f"{word}.toml")
    built = build_scene(Columned, example, tmp_path)
    clashes = [(beat, pairs) for beat, pairs in built.scene.column_clashes if pairs]
    assert clashes == [], "\n".join(map(str, clashes))
