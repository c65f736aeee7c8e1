r"""What a real transformer does: all-MiniLM-L6-v2 with the example's sentences.

    A = \mathrm{softmax}\big((X W_Q + b_Q)(X W_K + b_K)^\top / \sqrt{32}\big)
    \quad\text{in each of 6 layers} \times 12 \text{ heads}

The toy example has 2 numbers a word and hand-made maps. A real model
(:mod:`attention_core.real_model`: 384 numbers a word, 6 layers of 12 heads) reads the same
two sentences: the scene finds the head whose weakest look from the focus at its sentence's
decider is strongest, shows the focus's row of that head in each sentence (a heat-map row
with [CLS] and [SEP], then bars without them, renormalised), and places the focus after the
last layer on the example's two axes (cosines, seen from the words' average) beside where the
toy example's gravity step put it. Without the model package the step says how to install it.

Render: ``manim -ql scenes/real_model.py RealTransformer`` (from the repo root).
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Create,
    FadeIn,
    FadeOut,
    Group,
    GrowArrow,
    Rectangle,
    VGroup,
    config,
)

from attention_core import story
from attention_core.errors import AttentionInputError
from attention_core.real_model import (
    INSTALL_COMMAND,
    MODEL_NAME,
    ModelMissingError,
    RealComparison,
    compare,
    load_model,
)
from scenes import style
from scenes.base import ExplainerScene
from scenes.components import WordDot, WordPlane, sentence_caption, word_color, word_label
from scenes.components.bars import WeightBars
from scenes.components.captions import shorten, wrapped_label
from scenes.components.matrices import MatrixGrid, cell_colors
from scenes.components.words import LABEL_SPOTS, along, boxes_overlap
from scenes.style import fmt

__all__ = ["RealTransformer", "real_comparison"]

HEAD_CELL = 0.62  # a head's square in the 6 x 12 grid
ROW_CELL = 1.0  # a cell of the focus's heat-map row (numbers printed when it is this wide)
MIN_ROW_CELL = 0.75  # narrower cells drop their printed numbers
CONTENT_WIDTH = config.frame_width - 2 * style.MARGIN
BAR_HEIGHT = 2.2  # scene units of the tallest bar
PLANE_HEIGHT = 5.0  # each of the two planes of the last beat
SAID_CHARS = 34  # a longer sentence is shortened in the narration
NUMBER_SIZE = 26  # bar numbers: digits at least 24 px tall at 1080p


def real_comparison(example) -> RealComparison:
    """The real model's numbers for ``example``'s first two sentences (see
    :func:`attention_core.real_model.compare`)."""
    sentences = example.sentences[:2]
    deciders = [story.decider(example, i) for i in range(len(sentences))]
    return compare(load_model(), [s.text for s in sentences], sentences[0].focus, deciders,
                   (example.x_axis, example.y_axis))


class RealTransformer(ExplainerScene):
    """The example's sentences through all-MiniLM-L6-v2: the best head, then the focus's place."""

    title = "What a real transformer does"

    def construct(self) -> None:
        self.focus = self.example.sentences[0].focus
        self.show_title_card()
        try:
            self.real = real_comparison(self.example)
        except ModelMissingError as error:
            self.show_cannot("The real model is not installed, so this step is left out.", str(error),
                             f"To show it: {INSTALL_COMMAND}")
            return
        except AttentionInputError as error:
            self.show_cannot(f"The real model cannot read this example's sentences: {error}",
                             "The other steps of the video use the example as it is.", "")
            return
        self.panel = None
        self.rows: dict[int, MatrixGrid] = {}  # per sentence: the focus's heat-map row (specials shown)
        self.bars: dict[int, WeightBars] = {}  # per sentence: its bars (specials dropped, renormalised)
        self.rows_notes: dict[int, VGroup] = {}  # per sentence: the lines under its bars
        self.show_model()
        self.show_best_head()
        for number in range(len(self.real.runs)):
            self.show_sentence(number)
        self.show_embedding()

    # -- beats

    def show_cannot(self, narration: str, detail: str, how: str) -> None:
        """A card that says why the step cannot be shown (the rest of the video is unchanged)."""
        self.beat("no model", narration)
        lines = VGroup(wrapped_label(narration, style.TEXT, CONTENT_WIDTH - 1.0),
                       wrapped_label(detail, style.MUTED, CONTENT_WIDTH - 1.0))
        if how:
            lines.add(wrapped_label(how, style.FOCUS, CONTENT_WIDTH - 1.0))
        lines.arrange(DOWN, buff=0.5)
        frame = Rectangle(width=CONTENT_WIDTH, height=max(lines.height + 1.0, 5.0), color=style.MUTED)
        self.cannot = VGroup(frame, lines.move_to(frame))
        self.play(FadeIn(self.cannot), run_time=style.BEAT)

    def show_model(self) -> None:
        self.beat("model", f"A real model, {MODEL_NAME}, reads the same sentences: 384 numbers a word, "
                  "not 2, and 6 layers of 12 heads.")
        scores = np.array([s.score for s in sorted(self.real.ranking, key=lambda s: (s.layer, s.head))])
        scores = scores.reshape(6, 12)
        self.head_grid = MatrixGrid(scores, cell_colors(scores, style.FOCUS, float(scores.max())), HEAD_CELL,
                                    row_labels=[f"layer {i}" for i in range(6)],
                                    col_labels=[str(h) for h in range(12)], numbers=False,
                                    label_size=style.SMALL_SIZE)
        self.head_grid.remove(self.head_grid.title)
        heading = word_label("head", style.MUTED, style.SMALL_SIZE).next_to(self.head_grid.col_labels, UP,
                                                                              buff=0.15)
        self.head_grid.add(heading)
        self.head_grid.to_corner(UP + LEFT, buff=style.MARGIN).shift(0.3 * DOWN)
        deciders = " and ".join(dict.fromkeys(self.real.deciders))
        self.key = wrapped_label(f"brighter: more of {self.focus}'s attention on {deciders}, each in its "
                                 "own sentence (the smaller of the two)", style.MUTED,
                                 self.head_grid.width)
        self.key.next_to(self.head_grid, DOWN, buff=0.35).align_to(self.head_grid, LEFT)
        self.facts = VGroup(*(word_label(line, style.TEXT, style.BODY_SIZE) for line in (
            MODEL_NAME, "384 numbers a word", "6 layers \u00d7 12 heads", "weights: Apache-2.0"))
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        self.facts[-1].set_color(style.MUTED)
        self.facts.next_to(self.head_grid, RIGHT, buff=0.8).align_to(self.head_grid, UP)
        self.play(FadeIn(self.head_grid), FadeIn(self.key), FadeIn(self.facts), run_time=style.BEAT)

    def show_best_head(self) -> None:
        best = self.real.best
        looks = " and ".join(f"{d} {fmt(w)}" for d, w in zip(self.real.deciders, best.weights, strict=True))
        self.beat("best head", f"Layer {best.layer}, head {best.head} looks hardest: {self.focus} gives "
                  f"{looks} of all its attention.")
        self.best_box = Rectangle(width=HEAD_CELL, height=HEAD_CELL, color=style.TEXT, stroke_width=5)
        self.best_box.move_to(self.head_grid.cell_center(best.layer, best.head))
        lines = [f"best: layer {best.layer}, head {best.head}"]
        lines += [f"{self.focus} \u2192 {d}: {fmt(w)}" for d, w in zip(self.real.deciders, best.weights,
                                                                       strict=True)]
        self.best_lines = VGroup(*(word_label(line, style.FOCUS, style.BODY_SIZE) for line in lines)).arrange(
            DOWN, aligned_edge=LEFT, buff=0.3)
        self.best_lines.next_to(self.facts, DOWN, buff=0.7).align_to(self.facts, LEFT)
        self.play(Create(self.best_box), FadeIn(self.best_lines), run_time=style.BEAT)

    def show_sentence(self, number: int) -> None:
        run, shown, dropped = self.real.runs[number], self.real.shown[number], self.real.dropped[number]
        decider = self.real.deciders[number]
        f = shown.labels.index(self.focus_label(run))
        special = float(shown.special_share[f])
        weight = dropped.weight(self.focus, decider)
        others = [(w, dropped.weights[f - 1, j]) for j, w in enumerate(dropped.labels) if j != f - 1]
        top_word, top_weight = max(others, key=lambda item: item[1])
        quoted = f"\u201c{shorten(run.text, SAID_CHARS)}\u201d"
        if top_word == run.words[run.word_index(decider)]:
            said = f"of the other words, {decider} gets the most, {fmt(weight)}."
        else:
            said = f"{decider} gets {fmt(weight)}; {top_word} gets more, {fmt(top_weight)}."
        self.beat(f"sentence {number + 1}", f"In {quoted}, [CLS] and [SEP] take {fmt(special)} of "
                  f"{self.focus}'s attention. Share out the rest: {said}")
        old = [m for m in (self.panel, self.head_grid, self.key, self.facts,
                           self.best_box, self.best_lines) if m is not None and m in self.mobjects]
        self.play(*(FadeOut(m) for m in old), run_time=style.BEAT / 2)
        self.panel = self.sentence_panel(number)
        self.play(FadeIn(self.panel), run_time=style.BEAT)
        self.rows[number], self.bars[number] = self.panel.row, self.panel.bars
        self.rows_notes[number] = self.panel.note

    def show_embedding(self) -> None:
        moves = self.moves()
        self.beat("embedding", self.embedding_line(moves))
        self.play(FadeOut(self.panel), run_time=style.BEAT / 2)
        toy = self.toy_plane()
        real = self.real_plane()
        group = Group(toy, real).arrange(RIGHT, buff=1.0, aligned_edge=UP)
        group.to_edge(UP, buff=style.MARGIN)
        self.toy_panel, self.real_panel = toy, real
        self.play(FadeIn(toy), FadeIn(real), run_time=style.BEAT)
        arrows = [self.arrows(panel) for panel in (toy, real)]
        self.play(*(GrowArrow(a) for group in arrows for a in group), run_time=style.BEAT)
        self.keep(*arrows)
        x_name, y_name = self.real.axes
        lines = [f"real model: cosines of {self.focus} (alone, or in each sentence) with "
                 f"\u201c{x_name}\u201d and \u201c{y_name}\u201d (each on its own), "
                 "seen from the average word",
                 *self.real.notes[:2]]
        self.notes = VGroup(*(wrapped_label(n, style.MUTED, CONTENT_WIDTH) for n in lines)).arrange(
            DOWN, aligned_edge=LEFT, buff=0.15).next_to(group, DOWN, buff=0.35)
        self.play(FadeIn(self.notes), run_time=style.BEAT / 2)

    # -- helpers

    def focus_label(self, run) -> str:
        return run.words[run.word_index(self.focus)]

    def color(self, word: str):
        """The word's colour in this example (a word the example does not list, or a special, is muted)."""
        for known in self.example.words:
            if known.lower() == word:
                return word_color(self.example, known)
        return style.MUTED

    def sentence_panel(self, number: int) -> Group:
        run, shown, dropped = self.real.runs[number], self.real.shown[number], self.real.dropped[number]
        best = self.real.best
        f = shown.labels.index(self.focus_label(run))
        caption = sentence_caption(run.text, max_width=CONTENT_WIDTH - 4.5)
        head = word_label(f"layer {best.layer}, head {best.head}: {self.focus}'s attention", style.MUTED,
                          style.LABEL_SIZE)
        top = VGroup(caption, head).arrange(RIGHT, buff=0.6)
        if top.width > CONTENT_WIDTH:
            top.arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        n = len(shown.labels)
        cell = min(ROW_CELL, CONTENT_WIDTH / n)
        values = shown.weights[f][None, :]  # (1, words + 2): the focus's row, specials included
        row = MatrixGrid(values, cell_colors(values, style.FOCUS, 1.0), cell,
                         numbers="image" if cell >= MIN_ROW_CELL else False)
        row.remove(row.title)
        labels = VGroup(*(word_label(w, self.color(w), style.SMALL_SIZE) for w in shown.labels))
        for k, label in enumerate(labels):
            if label.width > 0.95 * cell:
                label.rotate(np.pi / 2)
            label.next_to(row.cell_center(0, k), UP, buff=cell / 2 + 0.1)
        row_group = Group(row, labels)
        share = float(shown.special_share[f])
        weights = dropped.weights[f - 1]
        # each line of notes under the bars takes its height from the bars
        unit = (BAR_HEIGHT - 0.4 * len(run.notes)) / max(float(weights.max()), 1e-9)
        bars = WeightBars(list(dropped.labels), weights, [self.color(w) for w in dropped.labels], unit,
                          width=min(CONTENT_WIDTH - 1.0, 1.1 * len(weights) + 2.0), number_size=NUMBER_SIZE,
                          label_size=style.LABEL_SIZE, label_baseline=True)
        note = VGroup(*(word_label(line, style.MUTED, style.SMALL_SIZE) for line in (
            f"without [CLS] and [SEP] ({fmt(share)}), shared out again: the bars sum to 1", *run.notes)
        )).arrange(DOWN, buff=0.12)
        if note.width > CONTENT_WIDTH:
            note.scale_to_fit_width(CONTENT_WIDTH)
        panel = Group(top, row_group, bars, note).arrange(DOWN, buff=0.45)
        if panel.height > config.frame_height - 2 * style.MARGIN:
            panel.scale_to_fit_height(config.frame_height - 2 * style.MARGIN)
        panel.move_to(np.zeros(3))
        specials = VGroup(*(Rectangle(width=cell, height=cell, color=style.MUTED, stroke_width=3).move_to(
            row.cell_center(0, k)) for k in (0, n - 1)))
        panel.add(specials)
        panel.row, panel.bars, panel.note = row, bars, note
        return panel

    def moves(self) -> dict[str, object]:
        """Which axis each sentence's decider stands for (the larger of its own two toy numbers),
        and on which of them the focus sits further that way in its decider's sentence than in
        the other, as the numbers on screen show it (to 2 decimals), for the real model and
        the toy. The beat says only what holds."""
        axes = []
        for decider in self.real.deciders[:2]:
            vector = self.example.words.get(decider)
            axes.append(int(np.argmax(vector)) if vector is not None and len(vector) == 2 else None)
        if len(self.real.in_context) < 2 or None in axes or axes[0] == axes[1]:
            return {"axes": None}

        def leans(points: np.ndarray) -> tuple[bool, bool]:
            p = np.round(points, style.DECIMALS)
            return bool(p[0][axes[0]] > p[1][axes[0]]), bool(p[1][axes[1]] > p[0][axes[1]])

        toy = self.toy_points()
        return {"axes": axes, "real": leans(self.real.in_context),
                "toy": leans(toy[1:]) if toy is not None else (False, False)}

    def embedding_line(self, moves: dict[str, object]) -> str:
        p = self.real.in_context
        names = self.real.axes
        if moves["axes"] is None:
            where = "; ".join(f"beside {d}, ({fmt(q[0])}, {fmt(q[1])})"
                              for d, q in zip(self.real.deciders, p, strict=False))
            return f"After 6 layers, on the axes {names[0]} and {names[1]}: {self.focus} {where}."
        a, b = moves["axes"]
        d0, d1 = self.real.deciders[:2]
        first, second = moves["real"]
        toy = ", as in the toy example" if all(moves["toy"]) else ""  # its gravity step leans both ways
        start = f"After 6 layers, {self.focus} beside {d0}"
        more = f"more {names[a]} than beside {d1} ({fmt(p[0][a])} against {fmt(p[1][a])})"
        less = f"less {names[b]} than beside {d1} ({fmt(p[0][b])} against {fmt(p[1][b])})"
        if first and second:
            return f"{start} is {more}, and {less.replace(f' than beside {d1}', '')}{toy}."
        if first:
            return (f"{start} is {more}{toy}; on {names[b]} the two hardly differ "
                    f"({fmt(p[0][b])}, {fmt(p[1][b])}).")
        if second:
            return f"{start} is {less}{toy}; on {names[a]} it is not more ({fmt(p[0][a])}, {fmt(p[1][a])})."
        return (f"After 6 layers, {self.focus} beside {d0} is at ({fmt(p[0][0])}, {fmt(p[0][1])}), "
                f"beside {d1} at ({fmt(p[1][0])}, {fmt(p[1][1])}).")

    def toy_plane(self) -> Group:
        """The toy example: the focus alone and after the gravity step in each sentence."""
        title = word_label("toy example: 2 numbers a word", style.TEXT, style.LABEL_SIZE)
        if not self.example.is_planar:
            note = word_label(f"this example has {self.example.dimension} numbers a word: no plane",
                              style.MUTED, style.LABEL_SIZE)
            group = Group(title, note).arrange(DOWN, buff=0.4)
            group.dots = VGroup()
            return group
        return self.plane_panel(title, self.toy_points())

    def toy_points(self) -> np.ndarray | None:
        """The toy focus alone, then after the gravity step in each sentence, shape (1 + s, 2);
        None when the example is not planar."""
        if not self.example.is_planar:
            return None
        moved = [story.gravity(self.example, i).new_embeddings[s.focus_index]
                 for i, s in enumerate(self.example.sentences[:2])]
        return np.vstack([self.example.words[self.focus], *moved])

    def real_plane(self) -> Group:
        title = word_label("real model: cosines, after the last layer", style.TEXT, style.LABEL_SIZE)
        return self.plane_panel(title, np.vstack([self.real.alone, *self.real.in_context]))

    def plane_panel(self, title, points: np.ndarray) -> Group:
        """``points`` (the focus alone, then in each sentence) on a plane of the example's axes,
        named where the names cover no dot, line or tick value."""
        plane = WordPlane(points, self.real.axes[0], self.real.axes[1], height=PLANE_HEIGHT)
        ticks = self.tick_numbers(plane)
        names = [f"{self.focus} alone", *(f"+ {d}" for d in self.real.deciders[: len(points) - 1])]
        colors = [style.FOCUS, *(self.color(d) for d in self.real.deciders[: len(points) - 1])]
        dots = [WordDot(plane, name, q, color) for name, q, color in zip(names, points, colors, strict=True)]
        for dot in dots:
            dot.dot.scale(9 / 7)
        # each name on the far side of its dot from the arrows: the sentences' names beyond the
        # arrows' tips, the focus alone's opposite the arrows' mean direction
        start = dots[0].dot.get_center()
        ends = [d.dot.get_center() for d in dots[1:]]
        outward = [start - np.mean(ends, axis=0) if ends else DOWN]
        outward += [d.dot.get_center() - start for d in dots[1:]]
        axis_lines = [d for axis in (plane.axes.x_axis, plane.axes.y_axis) for d in along(axis)]
        taken = [*ticks, *axis_lines, plane.x_name, plane.y_name, *(d.dot for d in dots)]
        for dot, direction in zip(dots, outward, strict=True):
            for spot in (_compass(direction), *LABEL_SPOTS):
                dot.label.next_to(dot.dot, spot, buff=0.12)
                if not any(boxes_overlap(dot.label, other) for other in taken if other is not dot.dot):
                    break
            else:
                dot.label.next_to(dot.dot, _compass(direction), buff=0.12)
            taken.append(dot.label)
        panel = Group(title, Group(plane, ticks, *dots)).arrange(DOWN, buff=0.3)
        panel.plane, panel.coords, panel.dots = plane, points, VGroup(*(d.dot for d in dots))
        return panel

    @staticmethod
    def tick_numbers(plane: WordPlane) -> VGroup:
        """Tick values at round steps (0.1 for cosines, 1 for the toy), with as many decimals
        as the step needs: WordPlane's own numbers take one decimal, too few for cosines."""
        numbers, x_numbers = VGroup(), VGroup()
        for axis, (low, high, step) in ((plane.axes.x_axis, plane.scale_used.x_range),
                                        (plane.axes.y_axis, plane.scale_used.y_range)):
            decimals = next(d for d in range(6) if abs(round(step, d) - step) < 1e-9)  # 0.05 -> 2
            # every tick where they fit, else every other one (with as few decimals as it needs)
            every = step if step * plane.scale_used.unit >= 0.9 else 2 * step
            decimals = next(d for d in range(decimals + 1) if abs(round(every, d) - every) < 1e-9)
            first, last = int(np.ceil(low / every - 1e-9)), int(np.floor(high / every + 1e-9))
            values = [k * every for k in range(first, last + 1) if k != 0]
            axis.add_numbers(values, font_size=style.TICK_SIZE, num_decimal_places=decimals, buff=0.12,
                             color=style.MUTED)
            numbers.add(*axis.numbers)
            if axis is plane.axes.x_axis:
                x_numbers.add(*axis.numbers)
            axis.remove(axis.numbers)
        below = x_numbers if len(x_numbers) else plane.axes.x_axis
        plane.x_name.next_to(below, DOWN, buff=0.1).align_to(plane.axes.x_axis.get_end(), RIGHT)
        return numbers

    def arrows(self, panel: Group) -> VGroup:
        """Arrows from the focus alone to the focus in each sentence, where ``panel`` now is."""
        dots = panel.dots
        return VGroup(*(Arrow(dots[0].get_center(), dot.get_center(), buff=0.1, color=dot.get_color(),
                              stroke_width=4, max_tip_length_to_length_ratio=0.25) for dot in dots[1:]))


def _compass(direction: np.ndarray) -> np.ndarray:
    """The nearest of the eight compass directions to ``direction`` (RIGHT, UR, UP, ...)."""
    angle = np.arctan2(direction[1], direction[0])
    step = np.round(angle / (np.pi / 4)) * np.pi / 4
    return np.round(np.array([np.cos(step), np.sin(step), 0.0]))
