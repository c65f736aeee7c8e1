"""The softmax scene shows the core's numbers: naive weights, the zero-sum case, the
exponentials, the softmax weights (the gravity chapter's pulls) and the temperatures; every
number it says is the core's; it says a naive weight is negative only when the story's claim
holds; and its bars stay legible.

The expected numbers are computed here straight from ``attention_core`` or with numpy (not
from the scene's helpers), and the shown ones are read back from the mobjects.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from manim import RIGHT, FadeIn, FadeOut, MathTex, VGroup
from scene_harness import (
    BuiltScene,
    apple_with,
    build_scene,
    check_keyframes,
    narration_numbers,
    outside_frame,
    subtitles,
)

from attention_content.examples import load_example
from attention_content.story import claim, gravity, raw_weights
from attention_core import naive_normalize, similarity_matrix, softmax_trace, with_zero_sum
from scenes import style
from scenes.components import boxes_overlap
from scenes.components.bars import WeightBars
from scenes.components.captions import shorten
from scenes.components.readout import Recount
from scenes.components.swap import SwapParts
from scenes.softmax_normalize import TEMPERATURES, SoftmaxNormalize
from scenes.style import PRINTABLE

sys.path.insert(0, str(Path(__file__).parent))
from long_example import write_long_example  # noqa: E402

BEATS = ["title", "scores", "divide by the sum", "sum of zero", "no weights", "exponentials", "softmax",
         "pulls", "temperature", "hotter", "this video's T"]


@pytest.fixture(scope="module")
def built(example, tmp_path_factory) -> BuiltScene:
    return build_scene(SoftmaxNormalize, example, tmp_path_factory.mktemp(example.name))


def scores_of(example, k: int) -> np.ndarray:
    s = example.sentences[k]
    e = example.embeddings(s)
    return similarity_matrix(e, e).matrix[s.focus_index]


def expected_sentence(example) -> int:
    """Always the first: the sentence the gravity chapter opened with and the one the
    naive_gives_negative claim is about."""
    return 0



def printed_sum(weights) -> float:
    """What the weights add up to as printed with two decimals."""
    return sum(round(float(w), 2) for w in weights)


def said_numbers(example) -> list[list[float]]:
    """The numbers each beat's line must say, in order, computed here with numpy."""
    s = example.sentences[0]
    x = np.array([example.words[t] for t in s.tokens], dtype=float)
    scores = x @ x[s.focus_index]
    t = example.knobs.temperature
    exps = np.exp(scores / t)
    weights = exps / exps.sum()
    naive = scores / scores.sum()
    low, high = int(np.argmin(scores)), int(np.argmax(scores))
    zero = scores.copy()
    zero[low] = -(scores.sum() - scores[low])
    negative = [i for i in range(len(naive)) if naive[i] < 0]
    top = int(np.argmax(weights))
    other = max((j for j in range(len(s.tokens)) if j != s.focus_index), key=lambda j: (weights[j], -j))
    rounding = [printed_sum(weights)] if f"{printed_sum(weights):.2f}" != "1.00" else []
    tiny: list[float] = []  # "the tiny ones print as zero": no number, the sentence has enough
    cold, hot = (np.exp(scores / c) / np.exp(scores / c).sum() for c in (TEMPERATURES[0], TEMPERATURES[-1]))
    return [
        [scores[low], scores[high]],
        [scores.sum(), *([naive[negative[0]]] if negative else [])],
        [],
        [zero[low], scores[low], 0.0],
        [t, exps[low]],
        [*rounding, *tiny, weights[top]],
        [weights[other]],
        [TEMPERATURES[0], cold[top]],
        [TEMPERATURES[-1], hot[top]],
        [t, weights[top]],
    ]


def total_tex(total: float) -> str:
    """How a sum of exponentials is written in a denominator: 945.03, or 1.13 \\times 10^{6}."""
    if total < PRINTABLE:
        return f"{{{total:.2f}}}"
    mantissa, exponent = f"{total:.2e}".split("e")
    return f"{{{mantissa} \\times 10^{{{int(exponent)}}}}}"


def numbers_in(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"-?\d+\.\d+", text)]


def squash(text: str) -> str:
    """Manim's Text.text drops whitespace; compare texts without it."""
    return re.sub(r"\s+", "", text)


# -- the scene, for every shipped example

def test_the_sentence_is_the_first_the_one_gravity_opened_with(built, example):
    k = expected_sentence(example)
    assert built.scene.sentence == example.sentences[k]
    tokens = example.sentences[k].tokens
    assert [label.text for label in built.scene.bars.labels] == [squash(t) for t in tokens]


def test_scores_shown_are_the_dot_products(built, example):
    shown = built.scene.shown["scores"]
    np.testing.assert_allclose(shown.values, scores_of(example, expected_sentence(example)))


def test_naive_weights_and_their_problem_come_from_the_core(built, example):
    naive = naive_normalize(scores_of(example, expected_sentence(example)))
    shown = built.scene.shown["divide by the sum"]
    assert f"{{{naive.total:.2f}}}" in shown.formula
    if naive.weights is not None:
        np.testing.assert_allclose(shown.values, naive.weights)
        # the naive weights' sum, from their source: 1.00 even where the printed ones show 0.99
        assert shown.readouts == pytest.approx((naive.total, 1.0))
    else:
        assert shown.readouts == pytest.approx((naive.total,))
    if naive.problems:
        assert squash(naive.problems[0]) in shown.note
    else:  # no failure in this example: the screen says so
        assert "happenstowork" in shown.note


def test_every_shipped_example_really_shows_a_negative_weight(built, example):
    """The examples are tuned so that the naive way visibly fails, and the scene says so."""
    assert claim(example, "naive_gives_negative", 0).holds
    line = built.scene.narration[BEATS.index("divide by the sum")]
    assert "cannot pull by a negative amount" in line
    shown = built.scene.shown["divide by the sum"]
    assert (shown.values < 0).any()
    negative = [i for i, v in enumerate(shown.values) if v < 0]
    bars = built.scene.bars
    assert len(built.scene.marks) == len(negative)
    for mark, i in zip(built.scene.marks, negative, strict=True):  # each negative bar is boxed
        bar = bars.bars[i]
        assert mark.get_left()[0] <= bar.get_left()[0] and mark.get_right()[0] >= bar.get_right()[0]


def test_zero_sum_case_is_made_from_the_examples_numbers(built, example):
    scores = scores_of(example, expected_sentence(example))
    index = int(np.argmin(scores))
    zero = with_zero_sum(scores, index)
    shown = built.scene.shown["sum of zero"]
    np.testing.assert_allclose(shown.values, zero)
    assert naive_normalize(zero).weights is None
    assert shown.readouts == (0.0,)
    assert r"\frac{s_j}{0.00}" in shown.formula
    word = example.sentences[expected_sentence(example)].tokens[index]
    assert "made-up" in shown.note  # said honestly: this case is constructed
    assert squash(word) in shown.note
    assert numbers_in(shown.note)[:2] == pytest.approx([zero[index], scores[index]], abs=0.005)


def test_exponentials_and_their_sum(built, example):
    trace = softmax_trace(scores_of(example, expected_sentence(example)), example.knobs.temperature)
    shown = built.scene.shown["exponentials"]
    np.testing.assert_allclose(shown.values, trace.exponentials)
    assert shown.readouts == pytest.approx((trace.total, trace.temperature))
    assert (shown.values > 0).all()
    assert "temperature" in built.scene.temperature.label.get_tex_string()  # T is named on screen


def test_softmax_bars_are_positive_and_sum_to_one(built, example):
    trace = softmax_trace(scores_of(example, expected_sentence(example)), example.knobs.temperature)
    shown = built.scene.shown["softmax"]
    np.testing.assert_allclose(shown.values, trace.weights)
    assert total_tex(trace.total) in shown.formula
    assert shown.readouts == pytest.approx((1.0, trace.temperature))
    bars = built.scene.bars
    base = bars.baseline.get_center()[1]
    assert all(bar.get_bottom()[1] == pytest.approx(base, abs=1e-6) for bar in bars.bars)


def test_the_softmax_weights_are_the_gravity_chapters_pulls(built, example):
    """Issue 2: the weights this chapter computes for the focus ARE the pulls of the gravity
    chapter: story.raw_weights = softmax(dot / T) = the gravity trace's row of the focus."""
    s = example.sentences[0]
    shown = built.scene.shown["softmax"].values
    np.testing.assert_allclose(shown, raw_weights(example, 0))
    np.testing.assert_allclose(shown, gravity(example, 0).weights[s.focus_index])
    line = built.scene.narration[BEATS.index("pulls")]
    assert "pulls of the gravity chapter" in line
    assert squash("Context as gravity") in built.scene.shown["pulls"].note


def test_every_number_said_is_the_cores(built, example):
    lines = built.scene.narration
    assert len(lines) == len(BEATS) and lines[0] == ""
    for name, line, numbers in zip(BEATS[1:], lines[1:], said_numbers(example), strict=True):
        assert narration_numbers(line) == pytest.approx([round(float(v), 2) for v in numbers], abs=1e-9), name


def test_weights_that_print_to_099_are_said_to_round(built, example):
    trace = softmax_trace(scores_of(example, 0), example.knobs.temperature)
    printed = printed_sum(trace.weights)
    line = built.scene.narration[BEATS.index("softmax")]
    if f"{printed:.2f}" != "1.00":
        assert f"add up to 1 ({printed:.2f} here because of rounding)" in line
    else:
        assert "rounding" not in line
    assert built.scene.shown["softmax"].readouts[0] == pytest.approx(1.0)  # the sum from the source


def test_a_rounded_sum_said_is_printed_as_the_bars_add_up(built, example):
    """Issue 32's minor: "(0.99 here because of rounding)" was said while no 0.99 was printed
    (bat; seal and jam too): the frame showed the bars and their sum, 1.00. The rounded sum
    is now printed under the bars, as the bars' own printed numbers add up (read back from
    them), and leaves with the next beat. Seen failing on the old code for bat: the softmax
    moment's note was empty."""
    shown = built.scene.shown["softmax"]
    printed = sum(round(float(v), 2) for v in shown.values)  # the bars' numbers at that moment
    if f"{printed:.2f}" == "1.00":
        assert shown.note == ""
        return
    assert shown.note == squash(f"the bars as printed add up to {printed:.2f}")
    note = built.scene.rounding_note
    assert not boxes_overlap(note, built.scene.bars)
    assert note not in built.scene.mobjects  # gone with the next beats


def test_each_temperature_shows_the_cores_weights(built, example):
    scores = scores_of(example, expected_sentence(example))
    moments = [m for m in built.scene.shown if m.startswith("T = ")]
    temperatures = [*TEMPERATURES, example.knobs.temperature]
    assert len(moments) == len(temperatures)
    for moment, t in zip(moments, temperatures, strict=True):
        trace = softmax_trace(scores, t)
        shown = built.scene.shown[moment]
        np.testing.assert_allclose(shown.values, trace.weights)
        assert shown.readouts == pytest.approx((1.0, t))
        # the general formula: no number in it to fade out and in (review: an empty denominator)
        assert shown.formula.replace(" ", "") == r"w_j=\frac{e^{s_j/T}}{\sum_ke^{s_k/T}}"
    cold, hot = (softmax_trace(scores, t).weights.max() for t in (min(TEMPERATURES), max(TEMPERATURES)))
    assert cold > hot  # the story the beat tells


def test_narration_is_written_as_subtitles_one_per_beat_back_to_back(built):
    text = built.srt_path.read_text()
    assert len(built.scene.narration) == len(BEATS)
    assert [t for _, _, t in subtitles(built)] == built.scene.narration[1:]  # the title card has none
    assert text.count("-->") == len(BEATS) - 1
    assert f"{built.scene.naive.total:.2f}" in text
    times = [tuple(_seconds(t) for t in line.split(" --> ")) for line in text.splitlines() if "-->" in line]
    for (_, end), (start, _) in zip(times, times[1:], strict=False):
        assert start == pytest.approx(end, abs=0.05)  # each subtitle lasts exactly its beat
    assert times[-1][1] <= built.scene.renderer.time + 0.05


def test_key_frames_match_control_data(built):
    assert check_keyframes(built) == []


# -- transitions: parts that stay glide, the others fade out before the new ones come

class ProbedSoftmaxNormalize(SoftmaxNormalize):
    """The scene, with every SwapParts and Recount it plays recorded with its beat."""

    def setup(self) -> None:
        super().setup()
        self.changes: list[tuple[str, SwapParts | Recount]] = []
        self._probe_beat = ""

    def beat(self, name: str, narration: str) -> None:
        self._probe_beat = name
        super().beat(name, narration)

    def play(self, *animations, **kwargs) -> None:
        self.changes += [(self._probe_beat, a) for a in animations if isinstance(a, SwapParts | Recount)]
        super().play(*animations, **kwargs)


def texts(keys) -> set[str]:
    return {text for text, _ in keys}


def test_formulas_change_part_by_part_and_readouts_count(tmp_path):
    apple = load_example("apple")
    scene = build_scene(ProbedSoftmaxNormalize, apple, tmp_path, fresh=True).scene
    swaps = [(beat, a) for beat, a in scene.changes if isinstance(a, SwapParts)]
    assert swaps
    for _, swap in swaps:  # what goes is gone half way; what comes, comes after
        for animation in swap.animations:
            if isinstance(animation, FadeOut):
                assert animation.rate_func(0.5) == pytest.approx(1.0)
            elif isinstance(animation, FadeIn):
                assert animation.rate_func(0.5) == pytest.approx(0.0)
    formulas = {beat: [s for b, s in swaps if b == beat and isinstance(s.new, MathTex) and len(s.new) > 3]
                for beat in BEATS}
    # s_j glides into the numerator, then into the exponent; e^{s_j / T} into softmax's numerator
    assert ("s_j", 1) in formulas["divide by the sum"][0].kept
    assert ("s_j", 1) in formulas["exponentials"][-1].kept
    assert {("e^{", 1), ("s_j", 1), ("/ T}", 1), ("e^{", 2), ("s_j", 2)} <= set(formulas["softmax"][0].kept)
    # the temperatures: the formula turns general once (its numbers go, nothing comes, so no
    # part of it is ever empty); then T and the sum of the weights count to their new values,
    # one temperature per beat, and no formula or readout is swapped
    temperatures = [*TEMPERATURES, apple.knobs.temperature]
    sweep = ["temperature", "hotter", "this video's T"]
    (general,) = [s for b, s in swaps if b in sweep]
    assert general in formulas["temperature"] and general.added == []
    assert {"w_j", "e^{", "s_j", "/ T}", r"\sum_k e^{s_k / T}"} <= texts(general.kept)
    counted = [(b, a) for b, a in scene.changes if b in sweep and isinstance(a, Recount)]
    assert [(b, a.end) for b, a in counted[::2]] == list(zip(sweep, temperatures, strict=True))


class _Stage:
    """What an animation's clean-up needs of a scene."""

    def __init__(self, *mobjects) -> None:
        self.mobjects = list(mobjects)

    def add(self, *mobjects) -> None:
        self.mobjects += [m for m in mobjects if m not in self.mobjects]

    def remove(self, *mobjects) -> None:
        self.mobjects = [m for m in self.mobjects if all(m is not r for r in mobjects)]


def _opacity(m) -> float:
    return max((float(np.max(f.get_fill_opacities(), initial=0.0)) for f in m.family_members_with_points()),
               default=0.0)


def test_swap_parts_never_shows_an_old_part_with_a_new_one():
    old = MathTex("w_j", "=", r"\frac{e^{s_j / ", "1", "}}{", "537.65", "}")
    new = MathTex("w_j", "=", r"\frac{e^{s_j / ", "0.5", "}}{", "184463.84", "}").shift(RIGHT)
    swap = SwapParts(old, new)
    assert texts(swap.gone) == {"1", "537.65"} and texts(swap.added) == {"0.5", "184463.84"}
    assert texts(swap.kept) == {"w_j", "=", r"\frac{e^{s_j /", "}}{"}  # (a lone "}" draws nothing)
    swap.begin()
    leaving = VGroup(old[3], old[5])
    for alpha in np.linspace(0, 1, 41):
        swap.interpolate(alpha)
        assert _opacity(leaving) < 0.01 or _opacity(swap.coming) < 0.01, alpha
    swap.interpolate(0.5)  # half way: the old value gone, the new one not there yet
    assert _opacity(leaving) < 0.01 and _opacity(swap.coming) < 0.01
    swap.interpolate(1.0)  # the parts that stay have glided to their new places
    np.testing.assert_allclose(old[0].get_center(), new[0].get_center(), atol=1e-6)
    assert _opacity(swap.coming) == pytest.approx(1.0)
    stage = _Stage(old)
    swap.clean_up_from_scene(stage)
    assert stage.mobjects == [new]


def test_swap_parts_moves_no_part_across_another():
    # s_j = ... -> w_j = s_j / ...: "=" would pass over s_j on its way; s_j glides, "=" fades
    swap = SwapParts(MathTex("s_j", "=", r"\vec x"), MathTex("w_j", "=", r"\frac{", "s_j", "}{", "2", "}"))
    assert swap.kept == [("s_j", 1)]
    assert SwapParts(MathTex("a", "=", "1"), MathTex("b", "=", "2")).kept == []  # no lone "=" gliding


# -- examples that are not shipped

def test_an_example_without_a_naive_failure_says_so(tmp_path):
    # "and" turned positive: no negative score in sentence 1, so no negative naive weight
    positive = apple_with(tmp_path, ("and     = [0.4, -0.5]", "and     = [0.4, 0.5]"))
    assert not claim(positive, "naive_gives_negative", 0).holds
    built = build_scene(SoftmaxNormalize, positive, tmp_path, fresh=True)
    shown, lines = built.scene.shown, built.scene.narration
    assert not (shown["divide by the sum"].values < 0).any()
    assert "happenstowork" in shown["divide by the sum"].note
    divide = lines[BEATS.index("divide by the sum")]
    assert "with no negative score it works" in divide
    assert "gets" not in divide and "cannot pull" not in divide
    assert "made-up" in shown["sum of zero"].note  # the constructed case is still shown
    assert "still fail" in lines[BEATS.index("sum of zero")]
    for name, line, numbers in zip(BEATS[1:], lines[1:], said_numbers(positive), strict=True):
        assert narration_numbers(line) == pytest.approx([round(float(v), 2) for v in numbers], abs=1e-9), name


@pytest.mark.parametrize("factor", [3, 12], ids=["e^60", "overflow"])
def test_huge_scores_are_written_not_drawn(tmp_path, factor):
    apple = load_example("apple")
    words = {w: v * factor for w, v in apple.words.items()}
    big = dataclasses.replace(apple, name=f"big{factor}", words=words)
    built = build_scene(SoftmaxNormalize, big, tmp_path)
    scores = scores_of(big, expected_sentence(big))
    trace = softmax_trace(scores, big.knobs.temperature)
    shown = built.scene.shown
    np.testing.assert_allclose(shown["exponentials"].values, scores)  # the bars keep the scores
    assert "toolargetodraw" in shown["exponentials"].note
    assert shown["exponentials"].readouts[0] == trace.total  # inf when it overflows
    expected = r"> 10^{308}" if np.isinf(trace.total) else rf"\times 10^{{{int(np.log10(trace.total))}}}"
    assert expected in shown["softmax"].formula
    np.testing.assert_allclose(shown["softmax"].values, trace.weights)


def test_a_32_word_sentence_stays_legible(tmp_path):
    long = load_example(write_long_example(tmp_path / "long.toml"))
    built = build_scene(SoftmaxNormalize, long, tmp_path)
    bars = built.scene.bars
    assert len(bars.bars) == 32 and bars.labels_lean and bars.numbers_upright
    _assert_no_overlaps(bars.numbers)
    assert outside_frame(built.scene.mobjects) == []
    np.testing.assert_allclose(built.scene.shown["scores"].values, scores_of(long, expected_sentence(long)))


# -- the bars component

def test_bars_draw_negative_values_down_in_the_negative_colour():
    bars = WeightBars(["a", "b", "c"], [0.5, -0.25, 0.0], [style.TEXT] * 3, unit=2.0)
    base = bars.baseline.get_center()[1]
    assert bars.bars[0].get_bottom()[1] == pytest.approx(base) and bars.bars[0].height == pytest.approx(1.0)
    assert bars.bars[1].get_top()[1] == pytest.approx(base) and bars.bars[1].height == pytest.approx(0.5)
    assert bars.bars[1].get_fill_color().to_hex() == style.NEGATIVE.to_hex()
    assert bars.numbers[0].get_bottom()[1] > bars.bars[0].get_top()[1]  # above a positive bar
    assert bars.numbers[1].get_top()[1] < bars.bars[1].get_bottom()[1]  # below a negative one
    assert bars.labels.get_top()[1] < bars.numbers[1].get_bottom()[1]  # labels under it all
    assert [label.text for label in bars.labels] == ["a", "b", "c"]


def test_bars_animate_to_new_values_and_end_exactly_there():
    bars = WeightBars(["a", "b"], [0.5, -0.25], [style.TEXT] * 2, unit=2.0, room_below=0.5)
    labels_before = bars.labels.get_center().copy()
    animation = bars.change_values([0.125, 0.75])
    animation.begin()
    animation.interpolate(0.5)
    assert 0.125 < bars.bars[1].get_top()[1] - bars.baseline.get_center()[1] < 1.5
    animation.finish()
    np.testing.assert_allclose(bars.shown_values(), [0.125, 0.75])
    np.testing.assert_allclose([b.height for b in bars.bars], [0.25, 1.5])
    np.testing.assert_allclose(bars.labels.get_center(), labels_before)  # the labels stay put
    moved = bars.change_values([0.5, 0.5], room_below=0.0)
    moved.begin()
    moved.finish()
    assert bars.labels.get_center()[1] > labels_before[1]  # asked to, the labels move up


def test_crowded_bars_stand_their_numbers_up_and_lean_their_labels():
    words = [f"word{k}" for k in range(32)]
    bars = WeightBars(words, np.linspace(-1, 1, 32), [style.TEXT] * 32, unit=1.0, width=12.8,
                      number_size=style.LABEL_SIZE, label_size=style.LABEL_SIZE)
    assert bars.numbers_upright and bars.labels_lean
    _assert_no_overlaps(bars.numbers)
    few = WeightBars(["a", "b"], [0.1, 0.2], [style.TEXT] * 2, unit=1.0)
    assert not few.numbers_upright and not few.labels_lean


def test_long_sentences_are_shortened_from_the_middle():
    text = "my old friend from the village bought one crisp red apple"
    short = shorten(text, 30)
    assert len(short) <= 30 and short.startswith("my") and short.endswith("apple") and "\u2026" in short


# -- helpers

def _seconds(stamp: str) -> float:
    h, m, s = stamp.strip().replace(",", ".").split(":")
    return 3600 * int(h) + 60 * int(m) + float(s)


def _assert_no_overlaps(group) -> None:
    boxes = sorted((m.get_left()[0], m.get_right()[0]) for m in group)
    for (_, right), (left, _) in zip(boxes, boxes[1:], strict=False):
        assert left >= right - 1e-6, "two numbers overlap"


def test_weights_are_never_called_positive_over_a_bar_that_prints_zero(built, example):
    """Review minor (3:25): "positive weights" was read over bars showing 0.00."""
    shown = built.scene.shown["softmax"]
    printed = [f"{v:.2f}" for v in shown.values]
    line = built.scene.narration[BEATS.index("softmax")]
    if "0.00" in printed:
        assert "positive" not in line and "the tiny ones print as zero" in line
    else:
        assert "all positive" in line


def test_the_made_up_case_is_said_once_its_picture_is_still(tmp_path):
    """Reading load: its three numbers come in a beat of their own, after the bars dropped."""
    apple = load_example("apple")
    scene = build_scene(ProbedSoftmaxNormalize, apple, tmp_path, fresh=True).scene
    assert narration_numbers(scene.narration[BEATS.index("sum of zero")]) == []
    assert len(narration_numbers(scene.narration[BEATS.index("no weights")])) == 3
    assert not [a for b, a in scene.changes if b == "no weights"]
