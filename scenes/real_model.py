r"""What a real transformer does: all-MiniLM-L6-v2 with the example's sentences.

    A = \mathrm{softmax}\big((X W_Q + b_Q)(X W_K + b_K)^\top / \sqrt{32}\big)
    \quad\text{in each of 6 layers} \times 12 \text{ heads}

The toy example has 2 numbers a word and hand-made maps. A real model
(:mod:`attention_core.real_model`: 384 numbers a word, 6 layers of 12 heads) reads the same
two sentences: the scene finds the head whose weakest look from the focus at its sentence's
decider is strongest (and says it is the exception: most heads give [CLS] and [SEP] more than
half, :func:`~attention_core.real_model.focus_special_shares`), shows the focus's row of that
head in each sentence (a heat-map row with [CLS] and [SEP], then bars without them,
renormalised), and places the focus after the last layer on the example's two axes (cosines,
seen from the words' average; the numbers in a table under the plane) beside where the toy
example's gravity step put it. Layers and heads are counted from 1. The model is an
encoder: no causal mask, every word sees every word (the attention matrix's chapter says
next-word models mask). The last beats say, axis by axis, what the numbers show: how each
sentence moves the focus from where it is alone, which axis separates the sentences most,
and whether the toy moved it the same way (:func:`~scenes.real_model_lines.axis_lines`); the
last beat says what the toy leaves out (word positions, feed-forward layers, layer norm) and
where it agrees (:func:`~scenes.real_model_lines.toy_agrees`). Without the model package the
step says how to install it.

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
    Line,
    Mobject,
    Rectangle,
    SurroundingRectangle,
    VGroup,
    config,
)

from attention_content import story
from attention_core.errors import AttentionInputError
from attention_core.real_model import (
    INSTALL_COMMAND,
    MODEL_NAME,
    ModelMissingError,
    RealComparison,
    compare,
    focus_special_shares,
    load_model,
)
from scenes import style
from scenes.base import ExplainerScene
from scenes.components import WordDot, WordPlane, sentence_caption, word_color, word_label
from scenes.components.bars import WeightBars
from scenes.components.captions import shorten, wrapped_label
from scenes.components.labels import Rung, place
from scenes.components.matrices import MatrixGrid, cell_colors
from scenes.components.words import LABEL_SPOTS, along
from scenes.real_model_lines import axis_lines, order_agrees, separating_axis, toy_agrees
from scenes.story import find_step
from scenes.style import fmt

__all__ = ["RealTransformer", "real_comparison"]

HEAD_CELL = 0.62  # a head's square in the 6 x 12 grid
ROW_CELL = 1.0  # a cell of the focus's heat-map row (numbers printed when it is this wide)
MIN_ROW_CELL = 0.75  # narrower cells drop their printed numbers
CONTENT_WIDTH = config.frame_width - 2 * style.MARGIN
BAR_HEIGHT = 2.2  # scene units of the tallest bar
PLANE_HEIGHT = 4.3  # each of the two planes of the last beats (a table of the real one's points under it)
PLANES_GAP = 1.0  # between the toy's plane and the real one
MIN_PLANE_SHARE = 0.25  # planes too wide for the frame are made shorter, down to this share of PLANE_HEIGHT
SAID_CHARS = 34  # a longer sentence is shortened in the narration
NUMBER_SIZE = 26  # bar numbers: digits at least 24 px tall at 1080p
HEAD_LENGTH = 0.5  # an arrow's head and the gap to its dot: the last this much of the line from dot to dot
HEAD_CLEAR = 0.12  # a tick number keeps this far from the line there (the head is wider than the shaft)
SHAFT_CLEAR = 0.04  # and this far from the rest of the line
NAME_CLEAR = 0.3  # an x-axis name over or under the axis keeps this far right of the y-axis
# The toy panel's chapter: the toy points are where its gravity step put the focus.
TOY_CHAPTER = find_step("gravity_pull").title.split(":")[0]


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
        self.sentence_panels: dict[int, Group] = {}  # per sentence: its panel (row, labels, outlines, bars)
        self.show_model()
        self.show_best_head()
        self.show_most_heads()
        for number in range(len(self.real.runs)):
            self.show_sentence(number)
        self.show_embedding()
        self.show_caveat()

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
                  "6 layers of 12 heads. It is an encoder: no mask, every word sees every word.")
        scores = np.array([s.score for s in sorted(self.real.ranking, key=lambda s: (s.layer, s.head))])
        scores = scores.reshape(6, 12)
        # the title is not drawn (the key under the grid says what it shows): the frame's alt text names it
        self.head_grid = MatrixGrid(scores, cell_colors(scores, style.FOCUS, float(scores.max())), HEAD_CELL,
                                    row_labels=[f"layer {i + 1}" for i in range(6)],
                                    col_labels=[str(h + 1) for h in range(12)], numbers=False,
                                    label_size=style.SMALL_SIZE,
                                    title=f"{self.focus}'s look at its deciding word, by layer and head")
        self.head_grid.remove(self.head_grid.title)
        heading = word_label("head", style.MUTED, style.SMALL_SIZE).next_to(self.head_grid.col_labels, UP,
                                                                              buff=0.15)
        self.head_grid.add(heading)
        self.head_heading = heading
        self.head_grid.to_corner(UP + LEFT, buff=style.MARGIN).shift(0.3 * DOWN)
        deciders = " and ".join(f"on {d} in sentence {k + 1}" for k, d in enumerate(self.real.deciders))
        self.key = wrapped_label(f"brighter: more of {self.focus}'s attention {deciders} "
                                 "(the colour shows the smaller share)", style.MUTED,
                                 self.head_grid.width)
        self.key.next_to(self.head_grid, DOWN, buff=0.35).align_to(self.head_grid, LEFT)
        self.facts = VGroup(*(word_label(line, style.TEXT, style.BODY_SIZE) for line in (
            MODEL_NAME, "384 numbers a word", "6 layers \u00d7 12 heads", "encoder: no mask"))
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        self.facts[-1].set_color(style.MUTED)
        self.facts.next_to(self.head_grid, RIGHT, buff=0.8).align_to(self.head_grid, UP)
        self.play(FadeIn(self.head_grid), FadeIn(self.key), FadeIn(self.facts), run_time=style.BEAT)

    def show_best_head(self) -> None:
        """The head picked, said to be picked (the best of all), and each sentence's number
        said with its sentence."""
        best = self.real.best
        heads = len(self.real.ranking)
        looks = "; ".join(f"in sentence {k + 1}, {self.focus} gives {d} {fmt(w)}" if k == 0 else
                          f"in sentence {k + 1}, {d} {fmt(w)}"
                          for k, (d, w) in enumerate(zip(self.real.deciders, best.weights, strict=True)))
        self.beat("best head", f"We pick the head that looks hardest at the deciding word, the best of "
                  f"{heads}: layer {best.layer + 1}, head {best.head + 1}. {looks[0].upper()}{looks[1:]}.")
        self.best_box = Rectangle(width=HEAD_CELL, height=HEAD_CELL, color=style.TEXT, stroke_width=5)
        self.best_box.move_to(self.head_grid.cell_center(best.layer, best.head))
        lines = [f"best of {heads}: layer {best.layer + 1}, head {best.head + 1}"]
        lines += [f"{self.focus} \u2192 {d}: {fmt(w)}" for d, w in zip(self.real.deciders, best.weights,
                                                                       strict=True)]
        self.best_lines = VGroup(*(word_label(line, style.FOCUS, style.BODY_SIZE) for line in lines)).arrange(
            DOWN, aligned_edge=LEFT, buff=0.3)
        self.best_lines.next_to(self.facts, DOWN, buff=0.7).align_to(self.facts, LEFT)
        self.fit_column(self.best_lines)
        self.play(Create(self.best_box), FadeIn(self.best_lines), run_time=style.BEAT)

    def show_most_heads(self) -> None:
        """Honest about the pick: the grid recoloured by how much of the focus's attention
        [CLS] and [SEP] take in each head, and how many heads give them more than half."""
        shares = focus_special_shares(self.real.runs, self.focus)  # (layers, heads)
        self.special_shares = shares
        most = int((shares > 0.5).sum())
        heads = shares.size
        best = self.real.best
        if most > heads / 2 and shares[best.layer, best.head] <= 0.5:
            line = (f"It is the exception: in {most} of the {heads} heads, [CLS] and [SEP], the start and "
                    f"end marks, take more than half of {self.focus}'s attention.")
        else:
            line = (f"In {most} of the {heads} heads, [CLS] and [SEP], the start and end marks, take more "
                    f"than half of {self.focus}'s attention.")
        self.beat("most heads", line)
        grid = MatrixGrid(shares, cell_colors(shares, style.MUTED, 1.0), HEAD_CELL,
                          row_labels=[f"layer {i + 1}" for i in range(6)],
                          col_labels=[str(h + 1) for h in range(12)], numbers=False,
                          label_size=style.SMALL_SIZE,
                          title=f"[CLS] and [SEP]'s share of {self.focus}'s attention, by layer and head")
        grid.remove(grid.title)
        grid.shift(self.head_grid.image.get_center() - grid.image.get_center())
        self.share_grid = grid
        key = wrapped_label(f"brighter: more of {self.focus}'s attention on [CLS] and [SEP] "
                            "(the mean of the two sentences)", style.MUTED, self.head_grid.width)
        key.move_to(self.key, aligned_edge=UP + LEFT)
        self.share_line = VGroup(*(word_label(text, style.MUTED, style.BODY_SIZE) for text in (
            f"in {most} of {heads} heads,", "[CLS] and [SEP] take", "over half"))).arrange(
            DOWN, aligned_edge=LEFT, buff=0.15)
        self.share_line.next_to(self.best_lines, DOWN, buff=0.45).align_to(self.best_lines, LEFT)
        self.fit_column(self.share_line)
        self.add(grid.image)  # over the first grid's colours, under the best head's box
        self.bring_to_front(self.best_box)
        self.play(FadeOut(self.key), FadeIn(grid.image), FadeIn(key), FadeIn(self.share_line),
                  run_time=style.BEAT)
        self.key = key
        # the grid on screen is now the shares' (its words are where the first grid's were): the
        # first grid leaves, so what reads the frame finds the numbers it shows
        self.remove(self.head_grid, grid.image)
        grid.add(self.head_heading)
        self.add(grid)
        self.bring_to_front(self.best_box)
        self.share_image = grid

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
        old = [m for m in (self.panel, self.head_grid, self.key, self.facts, self.best_box, self.best_lines,
                           getattr(self, "share_image", None), getattr(self, "share_line", None))
               if m is not None and m in self.mobjects]
        self.play(*(FadeOut(m) for m in old), run_time=style.BEAT / 2)
        self.panel = self.sentence_panel(number)
        self.play(FadeIn(self.panel), run_time=style.BEAT)
        self.rows[number], self.bars[number] = self.panel.row, self.panel.bars
        self.sentence_panels[number] = self.panel
        self.rows_notes[number] = self.panel.note

    def show_embedding(self) -> None:
        """The focus after the last layer beside the toy's gravity step; then, an axis a beat
        (the one that separates the sentences most first), what the numbers show, its name framed."""
        x_name, y_name = self.real.axes
        self.beat("embedding", f"After {self.real.runs[0].n_layers} layers, where is {self.focus}, alone and "
                  f"in {'each sentence' if len(self.real.runs) > 1 else 'its sentence'}? By its cosine with "
                  f"\u201c{x_name}\u201d and \u201c{y_name}\u201d, seen from the average word, since all "
                  "the model's vectors share a large common part.")
        self.play(FadeOut(self.panel), run_time=style.BEAT / 2)
        toy, real = self.fitted_planes()
        group = Group(toy, real)
        group.to_edge(UP, buff=style.MARGIN)
        self.toy_panel, self.real_panel = toy, real
        self.play(FadeIn(toy), FadeIn(real), run_time=style.BEAT)
        arrows = [self.arrows(panel) for panel in (toy, real)]
        self.play(*(GrowArrow(a) for group in arrows for a in group), run_time=style.BEAT)
        self.keep(*arrows)
        # under the real plane, the numbers the axis beats say; under the toy, how they are measured
        self.table = self.coordinate_table()
        self.table.next_to(real, DOWN, buff=0.3)
        lines = [f"real model: {self.focus}'s cosine with \u201c{x_name}\u201d and with "
                 f"\u201c{y_name}\u201d, each seen from the average word (the model's vectors share a "
                 "large common part)",
                 *self.real.notes[:2]]
        half = toy.width
        self.notes = VGroup(*(wrapped_label(n, style.MUTED, half) for n in lines)).arrange(
            DOWN, aligned_edge=LEFT, buff=0.15).next_to(toy, DOWN, buff=0.3).align_to(toy, LEFT)
        self.play(FadeIn(self.table), FadeIn(self.notes), run_time=style.BEAT / 2)
        toy_points = self.toy_points()
        self.axis_boxes: list[Rectangle] = []
        if len(self.real.in_context) < 2:  # nothing to compare: where it is
            a = self.real.alone
            where = "; ".join(f"beside {d}, ({fmt(q[0])}, {fmt(q[1])})"
                              for d, q in zip(self.real.deciders, self.real.in_context, strict=False))
            self.beat("axes", f"On the axes {x_name} and {y_name}: {self.focus} alone is at ({fmt(a[0])}, "
                      f"{fmt(a[1])}); {where}.")
            return
        told = axis_lines(self.focus, self.real.axes, self.real.deciders[:2], self.real.alone,
                          self.real.in_context[:2], None if toy_points is None else toy_points[:3])
        for number, (axis, line) in enumerate(told):
            self.beat(("separating axis", "other axis")[number], line)
            name = (real.plane.x_name, real.plane.y_name)[axis]
            column = VGroup(*(row[axis + 1] for row in self.table.cells))
            box = VGroup(SurroundingRectangle(name, color=style.TEXT, buff=0.08),
                         SurroundingRectangle(column, color=style.TEXT, buff=0.1))
            old = self.axis_boxes[-1:]
            self.axis_boxes.append(box)
            self.play(*(FadeOut(b) for b in old), Create(box), run_time=style.BEAT / 2)

    def show_caveat(self) -> None:
        """The chapter ends on what it shows: what the toy leaves out, and where the toy and
        the model agree (axis by axis, as the axis beats compared them), said and written."""
        toy = self.toy_points()
        what = "word positions, feed-forward layers and layer norm"
        same = "the step is the same: each word weighs the others and takes in some of them"
        if toy is None or len(self.real.in_context) < 2:
            line = (f"The toy leaves out what a real model also has: {what}. The step is the same: each "
                    "word weighs the others and takes in some of them.")
            shown = same
        else:
            agree = toy_agrees(self.real.alone, self.real.in_context[:2], toy[:3])
            names = self.real.axes
            first = separating_axis(self.real.in_context[:2])
            if all(agree):
                line = (f"The toy leaves out {what}, and its numbers are set by hand; yet it moves "
                        f"{self.focus} the same way as the real model on both axes.")
                shown = f"yet it moves {self.focus} as the real model does, on both axes"
            elif agree[first]:
                line = (f"The toy leaves out {what}, and its numbers are set by hand, so it need not "
                        f"match in detail: it differs on {names[1 - first]}, and agrees on {names[first]}, "
                        "the axis that tells the sentences apart.")
                shown = (f"toy and model agree on {names[first]}, the axis that tells the sentences apart, "
                         f"and differ on {names[1 - first]}")
            elif any(order := order_agrees(self.real.in_context[:2], toy[:3])):
                p = np.round(self.real.in_context[:2], style.DECIMALS)
                higher = [self.real.deciders[0 if p[0][a] > p[1][a] else 1] for a in (0, 1)]
                more = " and ".join(f"more {names[a]} beside {higher[a]}" for a in (0, 1) if order[a])
                differs = [names[a] for a in (0, 1) if not agree[a]]  # measured from the focus alone
                alone = "it moves otherwise" if len(differs) == 2 else f"it differs on {differs[0]}"
                line = (f"The toy leaves out {what}, and its numbers are set by hand, so it need not match: "
                        f"from {self.focus} alone {alone}. Sentence against sentence they agree: "
                        f"{self.focus} is {more}.")
                shown = f"sentence against sentence, toy and model agree: {self.focus} is {more}"
            else:
                line = (f"The toy leaves out {what}, and its numbers are set by hand, so it need not match: "
                        f"here it moves {self.focus} otherwise. What they share is the step: each word "
                        "weighs the others and takes in some of them.")
                shown = f"here the toy moves {self.focus} otherwise; {same}"
        self.beat("caveat", line)
        caveat = wrapped_label(f"the toy leaves out: {what}; its numbers are set by hand", style.TEXT,
                               CONTENT_WIDTH)
        self.agreement = wrapped_label(shown, style.FOCUS, CONTENT_WIDTH)
        VGroup(caveat, self.agreement).arrange(DOWN, buff=0.25, aligned_edge=LEFT).next_to(
            Group(self.toy_panel, self.real_panel), DOWN, buff=0.45)
        leaving = [m for m in (self.notes, getattr(self, "table", None), *self.axis_boxes)
                   if m is not None and m in self.mobjects]
        self.play(*(FadeOut(m) for m in leaving), FadeIn(caveat), FadeIn(self.agreement), run_time=style.BEAT)
        self.caveat = caveat

    # -- helpers

    def coordinate_table(self) -> VGroup:
        """The real plane's points as numbers: a row per point (the focus alone, then beside each
        decider), a column per axis; ``table.cells[row][col]``, row 0 the header."""
        points = np.vstack([self.real.alone, *self.real.in_context])
        names = [f"{self.focus} alone", *(f"beside {d}" for d in self.real.deciders[: len(points) - 1])]
        colors = [style.FOCUS, *(self.color(d) for d in self.real.deciders[: len(points) - 1])]
        cells = [[word_label("cosine with", style.MUTED, style.LABEL_SIZE),
                  *(word_label(a, style.MUTED, style.LABEL_SIZE) for a in self.real.axes)]]
        cells += [[word_label(name, color, style.LABEL_SIZE),
                   *(word_label(fmt(v), style.TEXT, style.LABEL_SIZE) for v in q)]
                  for name, color, q in zip(names, colors, points, strict=True)]
        table = VGroup(*(cell for row in cells for cell in row))
        table.arrange_in_grid(rows=len(cells), cols=3, buff=(0.6, 0.16), col_alignments="lrr")
        table.cells = cells
        return table

    def fit_column(self, lines: Mobject) -> None:
        """Shrink ``lines`` (in the right column, left-aligned) to end at the right margin."""
        room = config.frame_width / 2 - style.MARGIN - lines.get_left()[0]
        if lines.width > room:
            lines.scale(room / lines.width, about_edge=LEFT)

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
        head = word_label(f"layer {best.layer + 1}, head {best.head + 1}: {self.focus}'s attention",
                          style.MUTED, style.LABEL_SIZE)
        top = VGroup(caption, head).arrange(RIGHT, buff=0.6)
        if top.width > CONTENT_WIDTH:
            top.arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        n = len(shown.labels)
        cell = min(ROW_CELL, CONTENT_WIDTH / n)
        values = shown.weights[f][None, :]  # (1, words + 2): the focus's row, specials included
        row = MatrixGrid(values, cell_colors(values, style.FOCUS, 1.0), cell,
                         numbers="image" if cell >= MIN_ROW_CELL else False,
                         title=f"{self.focus}'s attention, [CLS] and [SEP] included")  # for the alt text
        row.remove(row.title)
        labels = VGroup(*(word_label(w, self.color(w), style.SMALL_SIZE) for w in shown.labels))
        for k, label in enumerate(labels):
            if label.width > 0.95 * cell:
                label.rotate(np.pi / 2).next_to(row.cell_center(0, k), UP, buff=cell / 2 + 0.1)
            else:
                row.seat_column_label(label, k)
        # the marks' outlines go with the row before the panel is arranged and scaled (made after, from
        # the row's unscaled cell size, they missed their cells when a tall label shrank the panel)
        specials = VGroup(*(Rectangle(width=cell, height=cell, color=style.MUTED, stroke_width=3).move_to(
            row.cell_center(0, k)) for k in (0, n - 1)))
        row_group = Group(row, labels, specials)
        share = float(shown.special_share[f])
        weights = dropped.weights[f - 1]
        # each line of notes under the bars takes its height from the bars
        unit = (BAR_HEIGHT - 0.4 * len(run.notes)) / max(float(weights.max()), 1e-9)
        bars = WeightBars(list(dropped.labels), weights, [self.color(w) for w in dropped.labels], unit,
                          width=min(CONTENT_WIDTH - 1.0, 1.1 * len(weights) + 2.0), number_size=NUMBER_SIZE,
                          label_size=style.LABEL_SIZE, label_baseline=True)
        added = sum(float(fmt(w)) for w in weights)  # the bars' numbers as printed
        rounded = "" if fmt(added) == fmt(1.0) else f" (rounded, they add to {fmt(added)})"
        note = VGroup(*(word_label(line, style.MUTED, style.SMALL_SIZE) for line in (
            f"without [CLS] and [SEP] ({fmt(share)}), shared out again: the bars sum to 1{rounded}",
            *run.notes))).arrange(DOWN, buff=0.12)
        if note.width > CONTENT_WIDTH:
            note.scale_to_fit_width(CONTENT_WIDTH)
        panel = Group(top, row_group, bars, note).arrange(DOWN, buff=0.45)
        if panel.height > config.frame_height - 2 * style.MARGIN:
            panel.scale_to_fit_height(config.frame_height - 2 * style.MARGIN)
        panel.move_to(np.zeros(3))
        panel.row, panel.bars, panel.note, panel.specials = row, bars, note, specials
        panel.row_labels = labels
        return panel

    def fitted_planes(self) -> tuple[Group, Group]:
        """The toy's and the real model's planes side by side, as tall as :data:`PLANE_HEIGHT`
        when they fit between the margins; else the real plane (often the wide one: cosines
        spread on one axis), then the toy's, is made shorter, down to :data:`MIN_PLANE_SHARE`
        of that (a plane's width follows its height, its words keep their size); shrunk whole
        only when even that is too wide."""
        toy, real = self.toy_plane(), self.real_plane()
        for which in ("real", "toy"):
            height, panel = PLANE_HEIGHT, real if which == "real" else toy
            make = self.real_plane if which == "real" else self.toy_plane
            for _ in range(4):
                excess = toy.width + PLANES_GAP + real.width - CONTENT_WIDTH
                if excess <= 0 or height <= MIN_PLANE_SHARE * PLANE_HEIGHT or not hasattr(panel, "plane"):
                    break
                height = max(height * (1 - excess / panel.plane.width) - 0.05, MIN_PLANE_SHARE * PLANE_HEIGHT)
                panel = make(height)
                toy, real = (toy, panel) if which == "real" else (panel, real)
        group = Group(toy, real).arrange(RIGHT, buff=PLANES_GAP, aligned_edge=UP)
        if group.width > CONTENT_WIDTH:
            group.scale_to_fit_width(CONTENT_WIDTH)
        return toy, real

    def toy_plane(self, height: float = PLANE_HEIGHT) -> Group:
        """The toy example: the focus alone and after the gravity step in each sentence."""
        title = word_label(f"toy example, from \u201c{TOY_CHAPTER}\u201d", style.TEXT, style.LABEL_SIZE)
        if not self.example.is_planar:
            note = word_label(f"this example has {self.example.dimension} numbers a word: no plane",
                              style.MUTED, style.LABEL_SIZE)
            group = Group(title, note).arrange(DOWN, buff=0.4)
            group.dots = VGroup()
            return group
        return self.plane_panel(title, self.toy_points(), height)

    def toy_points(self) -> np.ndarray | None:
        """The toy focus alone, then after the gravity step in each sentence, shape (1 + s, 2);
        None when the example is not planar."""
        if not self.example.is_planar:
            return None
        moved = [story.gravity(self.example, i).new_embeddings[s.focus_index]
                 for i, s in enumerate(self.example.sentences[:2])]
        return np.vstack([self.example.words[self.focus], *moved])

    def real_plane(self, height: float = PLANE_HEIGHT) -> Group:
        title = word_label(f"real model, after its {self.real.runs[0].n_layers} layers", style.TEXT,
                           style.LABEL_SIZE)
        return self.plane_panel(title, np.vstack([self.real.alone, *self.real.in_context]), height)

    def plane_panel(self, title, points: np.ndarray, height: float = PLANE_HEIGHT,
                    coordinates: bool = False) -> Group:
        """``points`` (the focus alone, then in each sentence) on a plane of the example's axes,
        named (with their coordinates if ``coordinates``) where the names cover no dot, line or
        tick value."""
        plane = WordPlane(points, self.real.axes[0], self.real.axes[1], height=height)
        ticks = self.tick_numbers(plane)
        names = [f"{self.focus} alone", *(f"+ {d}" for d in self.real.deciders[: len(points) - 1])]
        if coordinates:  # the numbers the axis beats say, beside their dots
            names = [f"{name} ({fmt(q[0])}, {fmt(q[1])})" for name, q in zip(names, points, strict=True)]
        colors = [style.FOCUS, *(self.color(d) for d in self.real.deciders[: len(points) - 1])]
        dots = [WordDot(plane, name, q, color) for name, q, color in zip(names, points, colors, strict=True)]
        for dot in dots:
            dot.dot.scale(9 / 7)
        # each name on the far side of its dot from the arrows: the sentences' names beyond the
        # arrows' tips, the focus alone's opposite the arrows' mean direction
        start = dots[0].dot.get_center()
        ends = [d.dot.get_center() for d in dots[1:]]
        on_arrows = [p for end in ends for p in along(Line(start, end), 0.05)]
        ticks.remove(*under_arrows(ticks, start, ends))
        place_x_name(plane, [*(d.dot for d in dots), *on_arrows, *ticks])
        outward = [start - np.mean(ends, axis=0) if ends else DOWN]
        outward += [d.dot.get_center() - start for d in dots[1:]]
        axis_lines = [d for axis in (plane.axes.x_axis, plane.axes.y_axis) for d in along(axis)]
        arrow_lines = [d for end in ends for d in along(Line(start, end))]  # the arrows drawn later
        taken = [*ticks, *axis_lines, *arrow_lines, plane.x_name, plane.y_name, *(d.dot for d in dots)]
        anywhere = Rectangle(width=100.0, height=100.0)  # the panel is placed after its names
        for dot, direction in zip(dots, outward, strict=True):
            way = _compass(direction)
            ladder = (Rung(("taken",), spots=(way, *LABEL_SPOTS), buffs=(0.12,)),)
            if not place([dot], ladder, {"taken": taken}, room=anywhere):  # nowhere free: outward
                dot.label.next_to(dot.dot, way, buff=0.12)
                dot.show_label()
            taken.append(dot.label)
        panel = Group(title, Group(plane, ticks, *dots)).arrange(DOWN, buff=0.3)
        panel.plane, panel.coords, panel.dots = plane, points, VGroup(*(d.dot for d in dots))
        panel.ticks = ticks
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


def place_x_name(plane: WordPlane, obstacles: list[Mobject]) -> None:
    """Put the x-axis name at the axis's positive end, where a reader looks for it: under its
    tick numbers or over the axis, right-aligned with the end, when it stays
    :data:`NAME_CLEAR` right of the y-axis and 0.1 from every obstacle (dots, points along the
    arrows, tick numbers); else just past the end, in line with the axis (an axis that ends
    near the y-axis leaves no room over or under it: a name there reads as the y-axis's)."""
    name, x_axis = plane.x_name, plane.axes.x_axis
    below = name.get_center()  # tick_numbers put it under the numbers, at the end
    above = name.copy().next_to(x_axis, UP, buff=0.1).align_to(x_axis.get_end(), RIGHT).get_center()
    y_x = plane.axes.y_axis.get_x()
    for centre in (below, above):
        name.move_to(centre)
        if name.get_left()[0] >= y_x + NAME_CLEAR and not any(_near(name, m, 0.1) for m in obstacles):
            return
    name.next_to(x_axis.get_end(), RIGHT, buff=0.15)


def under_arrows(ticks: VGroup, start: np.ndarray, ends: list[np.ndarray]) -> list[Mobject]:
    """The tick numbers an arrow from ``start`` to one of ``ends`` would cover: within
    :data:`SHAFT_CLEAR` of its shaft, or :data:`HEAD_CLEAR` of its last :data:`HEAD_LENGTH`
    (where its head is drawn). A value the arrows hide is left out, not printed under them."""
    near_line = [(p, HEAD_CLEAR if float(np.linalg.norm(end - p.get_center())) < HEAD_LENGTH else SHAFT_CLEAR)
                 for end in ends for p in along(Line(start, end), 0.05)]
    return [tick for tick in ticks if any(_near(tick, p, pad) for p, pad in near_line)]


def _compass(direction: np.ndarray) -> np.ndarray:
    """The nearest of the eight compass directions to ``direction`` (RIGHT, UR, UP, ...)."""
    angle = np.arctan2(direction[1], direction[0])
    step = np.round(angle / (np.pi / 4)) * np.pi / 4
    return np.round(np.array([np.cos(step), np.sin(step), 0.0]))


def _near(a: Mobject, b: Mobject, pad: float) -> bool:
    """Whether the bounding boxes of ``a`` and ``b`` come within ``pad`` of each other."""
    a_low, a_high = a.get_corner(DOWN + LEFT)[:2] - pad, a.get_corner(UP + RIGHT)[:2] + pad
    b_low, b_high = b.get_corner(DOWN + LEFT)[:2], b.get_corner(UP + RIGHT)[:2]
    return bool(np.all(a_low < b_high) and np.all(b_low < a_high))
