r"""Multi-head attention: several heads look at the sentence in different ways.

    \mathrm{head}_h = \mathrm{softmax}(Q_h K_h^T / \sqrt{d_k}) V_h
    x' = x + [\mathrm{head}_1, \dots, \mathrm{head}_H]\, W_O

Each head has its own W_Q, W_K, W_V and so its own weights over the sentence. The scene
follows the ambiguous word only: each head's weights row and its output, the outputs side
by side in one long vector, W_O mapping that back to the model's dimension, the residual
adding the result to the word, and what that did to the word (the story's
``multi_head_toward_decider`` claim). Heads are named by what they look at
(:func:`attention_content.story.head_looks`), never by the file's names. Few numbers, all large
enough to read.

Laid out for 1080p (:func:`plan_bands`): the heads' weights rows and outputs take the top
of the frame with cells as large as fit; below them, first each head's own W_Q, W_K and W_V
(what the opening line names), then the concatenation, W_O, the update and the residual.
Numbers are printed only in cells large enough to read (digits of at least 24 px at 1080p);
a long sentence or a wide matrix is a plain heat map.

Render: ``manim -ql scenes/multi_head.py MultiHeadAttention`` (from the repo root).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    Group,
    MathTex,
    Mobject,
    Rectangle,
    SurroundingRectangle,
    VGroup,
    Write,
    config,
)

from attention_content.story import HeadLook, claim, decider, head_looks
from attention_core import MultiHeadTrace, multi_head_attention
from scenes import style
from scenes.attention_matrix import (
    LEGIBLE_CELL,
    MIN_MATH_SCALE,
    legible,
    residual_sum,
    tex_size,
    text_size,
    vector_tex,
)
from scenes.base import ExplainerScene
from scenes.components import word_color, word_label
from scenes.components.flat import FlatFadeIn, FlatFadeOut
from scenes.components.matrices import (
    MAX_LABEL_CHARS,
    MIN_CELL_FOR_NUMBERS,
    MatrixGrid,
    cell_colors,
    signed_colors,
)
from scenes.style import fmt

__all__ = ["LEGIBLE_CELL", "BandPlan", "MultiHeadAttention", "plan_bands"]

MAX_CELL = 1.0  # the largest cell of any grid
GAP = 0.3  # between the pieces of a row
ROW_GAP = 0.3  # between two heads' weights rows
BAND_GAP = 0.45  # between the top band and what is below it
CONCAT_SIDES = (5.0, 4.2, 3.4, 2.6, 1.8)  # the most the concatenation takes, in the order tried
UPDATE_SIDES = (2.4, 1.8, 1.2)  # the most the update takes
W_O_WIDTH = 2.4  # the most W_O takes across its d columns
W_GAP = 0.3  # between a head's W_Q, W_K and W_V
GROUP_GAP = 0.8  # between two heads' groups of matrices
FORMULA_GAP = 0.5  # the whole update's formula under the residual, where the top band has no room
# A head is nearly flat, and is said to spread evenly instead of being named by its top words,
# when no word gets more than this many times the even share 1/n: jam's head 2 (0.21, 0.21,
# 0.09, 0.23, 0.26 over 5 words) gives 1.3 times; the least peaked head named by its words in
# the shipped and teachers' examples, seal's head 2, gives 0.42, 2.1 times, and a word at 1.5
# times its share still gets under a third of the weight among five.
FLAT_SHARE = 1.5


def _grid(values: np.ndarray, colors: np.ndarray, cell: float, **kwargs: object) -> MatrixGrid:
    """A grid whose numbers are printed only when they are legible."""
    numbers = "image" if legible(cell) else False
    return MatrixGrid(values, colors, cell, numbers=numbers, **kwargs)  # type: ignore[arg-type]


def _names(count: int) -> str:
    """``[\\mathrm{head}_1, \\mathrm{head}_2]`` for two heads, with dots for more than three."""
    if count <= 3:
        parts = [rf"\mathrm{{head}}_{{{h + 1}}}" for h in range(count)]
    else:
        parts = [r"\mathrm{head}_{1}", r"\dots", rf"\mathrm{{head}}_{{{count}}}"]
    return "[" + ", ".join(parts) + "]"


@dataclass(frozen=True)
class BandPlan:
    """Cell sizes of the multi-head scene's grids (scene units).

    Attributes:
        strip: the heads' weights rows.
        output: the heads' outputs.
        concat: the concatenation.
        w_o: W_O.
        update: the update.
    """

    strip: float
    output: float
    concat: float
    w_o: float
    update: float


def plan_bands(n: int, heads: int, d_v: int, total_d_v: int, d: int, words: list[str], label_width: float,
               times_width: float, right_room: float) -> BandPlan:
    """Cells with which the top band (``label_width`` of head names, ``heads`` weights rows of
    ``n`` words with their column labels, ``times_width`` of "x V_h =", outputs of ``d_v``) and
    the band below it (the ``total_d_v`` concatenation, "x", W_O, "=", the update of ``d`` and
    ``right_room`` for the residual) fit the frame. Preferred, in this order: weights, outputs
    and an update that print their numbers (the narration says them), then W_O and the
    concatenation that print theirs; then the largest weights.

    >>> plan = plan_bands(5, 2, 2, 4, 2, ["buy", "an", "orange", "and", "apple"], 2.0, 1.3, 2.4)
    >>> all(legible(c) for c in (plan.strip, plan.output, plan.concat, plan.w_o, plan.update))
    True
    """
    width = config.frame_width - 2 * style.MARGIN
    height = config.frame_height - 2 * style.MARGIN
    title = text_size("Hg", style.LABEL_SIZE)[1]
    sizes = {}  # crowded -> each column label's (width, height)
    for crowded in (False, True):
        shown = [w if not crowded or len(w) <= MAX_LABEL_CHARS else w[:MAX_LABEL_CHARS - 1] + "…"
                 for w in words]
        sizes[crowded] = [text_size(w, style.SMALL_SIZE) for w in shown]
    w_o_label = tex_size("W_{O}", style.MATH_SCALE)[1] + 0.15
    signs = sum(tex_size(sign, style.MATH_SCALE)[0] for sign in (r"\times", "="))
    best: tuple[tuple[object, ...], BandPlan] | None = None
    for step in range(int(MAX_CELL * 100), 4, -1):
        strip = step / 100
        crowded = strip < MIN_CELL_FOR_NUMBERS
        labels = max(w if crowded or w > 0.95 * strip else h for w, h in sizes[crowded]) + 0.1
        # the "<focus>'s weights" title stands left of the column labels, over the heads' names
        top = max(title + 0.15, labels) + heads * strip + (heads - 1) * ROW_GAP
        room = width - (label_width + GAP + n * strip + GAP + times_width + GAP)
        if room <= 0.05 * d_v:
            continue
        output = min(MAX_CELL, room / d_v)
        below = height - top - BAND_GAP - w_o_label
        if below <= 0.05 * total_d_v:
            continue
        w_o = min(MAX_CELL, below / total_d_v, W_O_WIDTH / d)
        fixed = 4 * GAP + signs + d * w_o + 2 * GAP + right_room  # "x", "=", their gaps
        for concat_side in CONCAT_SIDES:
            for update_side in UPDATE_SIDES:
                concat, update = min(MAX_CELL, concat_side / total_d_v), min(MAX_CELL, update_side / d)
                if total_d_v * concat + d * update + fixed > width:
                    continue
                key = (legible(strip), legible(output), legible(update), legible(w_o), legible(concat), strip,
                       update, concat)
                if best is None or key > best[0]:
                    best = (key, BandPlan(strip, output, concat, w_o, update))
    if best is None:
        return BandPlan(0.05, 0.05, 0.05, 0.05, 0.05)
    return best[1]


class MultiHeadAttention(ExplainerScene):
    """Each head's weights and output for the focus, their concatenation, W_O, the residual."""

    title = "Multi-head attention"

    def construct(self) -> None:
        self.sentence = self.example.sentences[0]
        self.focus = self.sentence.focus_index
        x = self.example.embeddings(self.sentence)
        self.trace: MultiHeadTrace = multi_head_attention(
            x, [h.weights for h in self.example.heads], self.example.w_o)
        self.names = [h.name for h in self.example.heads]
        # each head named by what it does (the file's names are the teacher's hopes)
        self.looks: list[HeadLook] = [head_looks(self.example, 0, k) for k in range(len(self.names))]
        n = len(self.sentence.tokens)
        self.flat = [_nearly_flat(look, n) for look in self.looks]
        self.does = [_does(look, self.sentence.focus, flat) for look, flat in zip(self.looks, self.flat,
                                                                                   strict=True)]
        self.show_title_card()
        self.show_heads()
        self.compare_heads()
        self.head_outputs()
        self.concatenate()
        self.map_back()
        self.add_residual()

    # -- layout

    def lay_out(self) -> None:
        """Plan every cell (:func:`plan_bands`) and build the top band: the heads' names at the
        left margin, their weights rows for the focus, "x V_h =" and their outputs (placed,
        not shown)."""
        s, i, trace = self.sentence, self.focus, self.trace
        n = len(s.tokens)
        self.labels = VGroup(*(
            VGroup(word_label(f"head {k + 1}", style.TEXT, style.LABEL_SIZE),
                   word_label(self.does[k], style.MUTED, style.SMALL_SIZE))
            .arrange(DOWN, aligned_edge=RIGHT, buff=0.08)
            for k in range(len(self.names))))
        self.weights_title = word_label(f"{s.focus}'s weights", style.FOCUS, style.LABEL_SIZE)
        column = max(self.weights_title.width, max(label.width for label in self.labels))
        self.times = VGroup(*(MathTex(rf"\times\, V_{{{k + 1}}} \;=").scale(style.MATH_SCALE)
                              for k in range(len(self.names))))
        x = trace.heads[0].inputs[i]
        self.residual = residual_sum(s.focus, x, trace.output[i], r"\mathrm{update}")  # shown last
        outputs = [h.output[i] for h in trace.heads]
        self.plan = plan_bands(n, len(outputs), max(len(o) for o in outputs), trace.w_o.shape[0],
                               trace.w_o.shape[1], list(s.tokens), column, self.times.width,
                               self.residual.width * MIN_MATH_SCALE / style.MATH_SCALE)
        colors = [word_color(self.example, w) for w in s.tokens]
        self.strips: list[MatrixGrid] = []
        for k, head in enumerate(trace.heads):
            row = head.weights[i : i + 1]  # (1, n): the focus's weights in this head
            self.strips.append(_grid(row, cell_colors(row, style.FOCUS, 1.0), self.plan.strip,
                                     col_labels=s.tokens if k == 0 else (), label_colors=colors,
                                     always_label=[i], label_size=style.SMALL_SIZE))
        self.rows = Group(*self.strips).arrange(DOWN, buff=ROW_GAP, aligned_edge=LEFT)
        self.rows.to_edge(UP, buff=style.MARGIN)
        left = -config.frame_width / 2 + style.MARGIN + column + GAP
        self.rows.shift((left - self.strips[0].image.get_left()[0]) * RIGHT)
        for label, strip in zip(self.labels, self.strips, strict=True):
            label.next_to(strip.image, LEFT, buff=GAP)
        self.weights_title.next_to(Group(self.strips[0].image, self.labels[0]), UP, buff=0.15)
        self.weights_title.align_to(self.labels, RIGHT)
        # one colour scale for every head's output and their concatenation
        self.value_max = float(np.max(np.abs(trace.concatenated[i]))) or 1.0
        self.outputs: list[MatrixGrid] = []
        for strip, symbol, out in zip(self.strips, self.times, outputs, strict=True):
            symbol.next_to(strip.image, RIGHT, buff=GAP)
            row = out[None, :]  # (1, d_v)
            grid = _grid(row, signed_colors(row, style.VALUE, self.value_max), self.plan.output,
                         title_color=style.VALUE)
            grid.next_to(symbol, RIGHT, buff=GAP)
            self.outputs.append(grid)

    def head_matrices(self) -> Group:
        """Each head's W_Q, W_K and W_V, named under them, the head named above: side by side
        below the top band, as large as the room there allows."""
        heads = self.example.heads
        top = min(m.get_bottom()[1] for m in (*self.strips, *self.labels)) - BAND_GAP
        room_w = config.frame_width - 2 * style.MARGIN
        room_h = top + config.frame_height / 2 - style.MARGIN
        across = 1 if len(heads) == 1 else 2
        down = -(-len(heads) // across)
        heading_h = text_size("Hg", style.LABEL_SIZE)[1] + 0.15
        name_h = tex_size("W_{Q}", style.MATH_SCALE)[1] + 0.15
        columns = max(2 * h.query.shape[1] + h.value.shape[1] for h in heads)
        d = heads[0].query.shape[0]
        cell = min(MAX_CELL,
                   (room_w - (across - 1) * GROUP_GAP) / across / columns - 2 * W_GAP / columns,
                   ((room_h - (down - 1) * ROW_GAP) / down - heading_h - name_h) / d)
        groups = Group()
        for k, head in enumerate(heads):
            grids = Group()
            for matrix, color, name in ((head.query, style.QUERY, "W_{Q}"), (head.key, style.KEY, "W_{K}"),
                                        (head.value, style.VALUE, "W_{V}")):
                grid = _grid(matrix, signed_colors(matrix, color), cell, title_color=color)
                label = MathTex(name, color=color).scale(style.MATH_SCALE)
                label.next_to(grid.image, DOWN, buff=0.15)
                grids.add(Group(grid, label))
            grids.arrange(RIGHT, buff=W_GAP, aligned_edge=UP)
            heading = VGroup(word_label(f"head {k + 1}", style.TEXT, style.LABEL_SIZE),
                             word_label(self.does[k], style.MUTED, style.SMALL_SIZE))
            heading.arrange(RIGHT, buff=0.2, aligned_edge=DOWN)
            heading.next_to(grids, UP, buff=0.15, aligned_edge=LEFT)
            groups.add(Group(heading, grids))
        groups.arrange_in_grid(rows=down, cols=across, buff=(GROUP_GAP, ROW_GAP), aligned_edge=UP)
        groups.move_to([0, top - room_h / 2, 0])
        return groups

    # -- beats

    def show_heads(self) -> None:
        s, i = self.sentence, self.focus
        rows = [head.weights[i] for head in self.trace.heads]  # each (n,): the focus's weights
        sums = [float(np.round(row, style.DECIMALS).sum()) for row in rows]  # as the shown numbers add up
        odd = [k for k, total in enumerate(sums) if abs(total - 1.0) > 0.005]
        self.lay_out()
        rounding = ""
        if odd and self.strips[0].printed:  # the numbers are shown: say why a row adds to 0.99 or 1.01
            rounding = f" (rounded, head {odd[0] + 1}'s add to {fmt(sums[odd[0]])})"
        self.beat("heads", f"Each head has its own W_Q, W_K and W_V, so its own weights for {s.focus}"
                  f"{rounding}.")
        self.matrices = self.head_matrices()
        # the rounded sum the line says, printed right of its row (where the outputs come later)
        self.sum_note = None
        if rounding:
            self.sum_note = word_label(f"adds up to {fmt(sums[odd[0]])} as printed", style.MUTED,
                                       style.LABEL_SIZE).next_to(self.strips[odd[0]].image, RIGHT, buff=GAP)
        self.play(FlatFadeIn(self.matrices), run_time=style.BEAT)
        noted = [self.sum_note] if self.sum_note is not None else []
        self.play(FlatFadeIn(self.rows, self.labels, self.weights_title, *noted), run_time=style.BEAT)

    def compare_heads(self) -> None:
        s = self.sentence
        self.beat("favourites", self.favourites_line())
        boxes = []
        for strip, look, flat in zip(self.strips, self.looks, self.flat, strict=True):
            for nb in () if flat else look.main:  # an even head singles out no word
                box = Rectangle(width=strip.cell, height=strip.cell, color=style.TEXT, stroke_width=4)
                boxes.append(box.move_to(strip.cell_center(0, s.tokens.index(nb.word))))
        self.favourite_boxes = VGroup(*boxes)
        # A row too small to print its numbers gets each head's words and weights beside it,
        # large, until the outputs take that place.
        self.favourite_tags = VGroup()
        if not self.strips[0].printed:
            for strip, look, flat in zip(self.strips, self.looks, self.flat, strict=True):
                tag = VGroup()
                if flat:  # what the line says of it: its largest weight
                    tag.add(word_label("at most", style.MUTED, style.LABEL_SIZE),
                            MathTex(fmt(_largest(look))).scale(style.MATH_SCALE))
                for nb in () if flat else look.main:
                    tag.add(word_label(nb.word, word_color(self.example, nb.word), style.LABEL_SIZE),
                            MathTex(fmt(nb.value)).scale(style.MATH_SCALE))
                self.favourite_tags.add(tag.arrange(RIGHT, buff=0.2).next_to(strip.image, RIGHT, buff=GAP))
        self.play(FadeIn(self.favourite_boxes), FadeIn(self.favourite_tags), run_time=style.BEAT)

    def favourites_line(self) -> str:
        """What each head looks at, of the other words (and the focus itself where it keeps
        the most), a sentence a head so that none says more than two numbers, then why a model
        has several heads, as the numbers allow."""
        f = self.sentence.focus
        said = []
        for k, look in enumerate(self.looks):
            words = " and ".join(f"\u201c{nb.word}\u201d ({fmt(nb.value)})" for nb in look.main)
            if self.flat[k]:  # naming its top words would claim a choice it hardly makes
                said.append(f"Head {k + 1} spreads its weights almost evenly: none gets more than "
                            f"{fmt(_largest(look))}.")
            elif look.mostly_itself:  # issue 32: never "looks most at" beside a row led by the focus
                top = look.main[0]
                said.append(f"Head {k + 1} keeps most on {f} itself ({fmt(look.itself)}); of the other "
                            f"words, it looks most at \u201c{top.word}\u201d ({fmt(top.value)}).")
            elif k == 0:
                said.append(f"Of the other words, head 1 looks most at {words}.")
            else:
                said.append(f"Head {k + 1} looks most at {words}.")
        listed = " ".join(said)
        tops = [look.main[0].word for look in self.looks]
        if any(self.flat) and not all(self.flat):
            return f"{listed} A head that spreads evenly mixes in a little of every word."
        if len(tops) == 1:
            return (f"{listed} This example has one head; with more, {f} could look for several things "
                    "at once.")
        try:
            apart = claim(self.example, "heads_look_apart", 0).holds
        except KeyError:
            apart = False
        if apart:
            count = "Two" if len(tops) == 2 else str(len(tops))
            return f"{listed} {count} heads let {f} look for {count.lower()} things at once."
        if len(set(tops)) == 1:
            return (f"{listed} Several heads let a word look for several things at once; here they all "
                    f"find {tops[0]}, so the second adds to the first, not something new.")
        return (f"{listed} Heads that find the same word add to each other; the others look for "
                "something else.")

    def head_outputs(self) -> None:
        i = self.focus
        outputs = [h.output[i] for h in self.trace.heads]
        sizes = sorted({len(o) for o in outputs})
        each = f"{sizes[0]} numbers" if len(sizes) == 1 else "a few numbers"
        self.beat("head outputs", f"Each head's weights times its own values give that head's output: "
                  f"{each} a head.")
        leaving = [m for m in (self.favourite_tags if len(self.favourite_tags) else None, self.sum_note)
                   if m is not None]
        if leaving:
            self.play(*(FadeOut(m) for m in leaving), run_time=style.BEAT / 2)
        self.play(FlatFadeIn(self.times, *self.outputs), run_time=style.BEAT)

    def concatenate(self) -> None:
        i = self.focus
        row = self.trace.concatenated[i : i + 1]  # (1, H * d_v)
        if len(self.outputs) > 1:
            line = f"Side by side, the heads' outputs make one vector of {row.shape[1]} numbers."
        else:
            line = f"With one head there is nothing to put side by side: {row.shape[1]} numbers."
        self.beat("concatenate", line)
        h_dv = self.trace.w_o.shape[0]
        self.concat = _grid(row, signed_colors(row, style.VALUE, self.value_max), self.plan.concat,
                            title=_plain(len(self.outputs)), title_color=style.VALUE, title_below=True)
        top = min(m.get_bottom()[1] for m in (*self.strips, *self.outputs, self.labels)) - BAND_GAP
        self.band_top = top
        self.concat.to_edge(LEFT, buff=style.MARGIN)
        # level with the middle of W_O (and the residual's "+ update" row), all below ``top``,
        # W_O and its name above the bottom margin
        above = self.residual.get_top()[1] - self.residual[1][0][1].get_y()  # over its "+ update" row
        half = max(h_dv * self.plan.w_o / 2, above)
        lowest = (-config.frame_height / 2 + style.MARGIN + h_dv * self.plan.w_o / 2 + 0.15
                  + tex_size("W_{O}", style.MATH_SCALE)[1])
        self.concat.shift((max(top - half, lowest) - self.concat.image.get_y()) * UP)
        pieces = Group(*(g.copy() for g in self.outputs))
        slots, start = [], self.concat.image.get_left()
        for g in self.outputs:  # each head's output goes to its own cells of the long vector
            width = g.values.shape[1] * self.concat.cell
            slots.append((start + (width / 2) * RIGHT, width))
            start = start + width * RIGHT
        # the heads' matrices have done their part: they leave before the outputs move down
        self.play(FlatFadeOut(self.matrices), run_time=style.BEAT / 2)
        moves = [p.animate.scale_to_fit_width(w).move_to(c) for p, (c, w) in zip(pieces, slots, strict=True)]
        self.play(*moves, run_time=style.BEAT)
        self.remove(*pieces)
        self.play(FlatFadeIn(self.concat), run_time=style.BEAT / 2)

    def map_back(self) -> None:
        i = self.focus
        update = self.trace.output[i]  # (d,)
        self.beat("W_O", f"The output matrix W_O maps those {self.trace.w_o.shape[0]} numbers back to "
                  f"{len(update)}: {self.sentence.focus}'s update, {vector_tex(update)}.")
        w_o = self.trace.w_o
        times = MathTex(r"\times").scale(style.MATH_SCALE).next_to(self.concat.image, RIGHT, buff=GAP)
        self.w_o = _grid(w_o, signed_colors(w_o, style.POSITIVE), self.plan.w_o, title_color=style.TEXT)
        self.w_o.next_to(times, RIGHT, buff=GAP)
        self.w_o.shift((self.concat.image.get_y() - self.w_o.image.get_y()) * UP)
        self.w_o_label = MathTex(r"W_{O}", color=style.TEXT).scale(style.MATH_SCALE)
        self.w_o_label.next_to(self.w_o.image, DOWN, buff=0.15)
        equals = MathTex("=").scale(style.MATH_SCALE).next_to(self.w_o.image, RIGHT, buff=GAP)
        row = update[None, :]
        self.update = _grid(row, signed_colors(row, style.FOCUS), self.plan.update, title="update",
                            title_color=style.FOCUS, title_below=True)
        self.update.next_to(equals, RIGHT, buff=GAP)
        self.update.shift((self.concat.image.get_y() - self.update.image.get_y()) * UP)
        self.symbols = VGroup(times, equals)
        self.place_residual()
        name, (rows, _rule) = self.residual
        self.update_line = VGroup(name, rows[1][0][1], rows[1][1])  # said now; its "+" comes next
        self.play(FlatFadeIn(times, self.w_o, self.w_o_label), run_time=style.BEAT)
        self.play(FlatFadeIn(equals, self.update, self.update_line), run_time=style.BEAT)

    def place_residual(self) -> None:
        """The residual's column sum right of the update, its "+ update" line level with it,
        below the top band and in the frame."""
        name, sum_ = self.residual
        left = self.update.image.get_right()[0] + 0.6
        room = config.frame_width / 2 - style.MARGIN - left
        if sum_.width > room:
            sum_.scale(max(room / sum_.width, MIN_MATH_SCALE / style.MATH_SCALE))
        sum_.move_to([left, 0, 0], aligned_edge=LEFT)
        sum_.shift((self.update.image.get_y() - sum_[0][1][0].get_y()) * UP)  # its "+ update" level
        name.next_to(sum_, UP, buff=0.3, aligned_edge=LEFT)
        # (a vector of many lines stays below the top band and in the frame, with room under it
        # for the whole update's formula when the band's corner has none)
        self.formula, in_corner = self.update_formula()
        under = 0.0 if in_corner else self.formula.height + FORMULA_GAP
        self.residual.shift(min(0.0, self.band_top - self.residual.get_top()[1]) * UP)
        low = -config.frame_height / 2 + style.MARGIN + under - self.residual.get_bottom()[1]
        self.residual.shift(max(0.0, low) * UP)

    def update_formula(self) -> tuple[MathTex, bool]:
        """The whole update at once, x' = x + [heads] W_O, in the top band's right corner, and
        whether it is free there (else it goes under the residual)."""
        formula = MathTex(r"x' = x + " + _names(len(self.outputs)) + r"\, W_{O}").scale(style.MATH_SCALE)
        formula.to_corner(UP + RIGHT, buff=style.MARGIN)
        taken = (*self.outputs, *self.strips, self.weights_title)
        return formula, not any(_overlap(formula, m) for m in taken)

    def add_residual(self) -> None:
        s, i = self.sentence, self.focus
        x, update = self.trace.heads[0].inputs[i], self.trace.output[i]
        self.beat("residual", f"The residual again: {s.focus} keeps itself and adds the update.")
        _name, (rows, rule) = self.residual
        # the whole update at once (placed with the residual): in the top band's corner if it is
        # free, else under the residual
        if not self.update_formula()[1]:
            self.formula.next_to(self.residual, DOWN, buff=FORMULA_GAP, aligned_edge=LEFT)
            over = self.formula.get_right()[0] - (config.frame_width / 2 - style.MARGIN)
            self.formula.shift(max(0.0, over) * LEFT)
        rest = VGroup(rows[0], rows[1][0][0], rule, rows[2])
        self.play(FlatFadeIn(rest, shift=0.1 * UP), Write(self.formula), run_time=style.BEAT)
        self.remove(self.update_line, rest)
        self.add(self.residual)
        self.say_what_it_means(x, x + update)

    def say_what_it_means(self, x: np.ndarray, new: np.ndarray) -> None:
        """What the heads did to the focus: the axis it moved most along, from where to where,
        and whether that turned it toward the word that decides (the story's claim)."""
        s = self.sentence
        d = decider(self.example, 0)
        try:
            toward = claim(self.example, "multi_head_toward_decider", 0)
        except KeyError:
            return
        a = int(np.argmax(np.abs(new - x)))
        if self.example.is_planar:
            axis = (self.example.x_axis, self.example.y_axis)[a]
            moved = f"{'more' if new[a] > x[a] else 'less'} {axis}, {fmt(new[a])} against {fmt(x[a])}"
        else:
            axis = f"number {a + 1}"
            moved = f"number {a + 1} {'up' if new[a] > x[a] else 'down'}, {fmt(new[a])} against {fmt(x[a])}"
        # which of x's numbers the sentence is about, named on screen (the residual's rows show
        # them, but not which is which)
        named = f"number {a + 1}, {axis}" if self.example.is_planar else axis
        change = f"{named}: {fmt(x[a])} \u2192 {fmt(new[a])}"
        self.moved_line = word_label(change, style.FOCUS, style.SMALL_SIZE)
        self.moved_line.next_to(self.formula, DOWN, buff=0.3, aligned_edge=RIGHT)
        if self.moved_line.get_bottom()[1] < -config.frame_height / 2 + style.MARGIN / 2:
            self.moved_line.next_to(self.residual, LEFT, buff=0.4, aligned_edge=DOWN)
        if toward.holds:
            line = (f"So {s.focus} comes out with {moved}: the heads have brought it closer to {d}, "
                    "the word that decides.")
        else:
            line = (f"So {s.focus} comes out with {moved}, but no closer to {d}: these maps are set "
                    "by hand, and nothing made them help; the next chapter shows how a model learns its own.")
        self.beat("meaning", line)
        _name, (rows, _rule) = self.residual
        self.result_box = SurroundingRectangle(rows[2], color=style.FOCUS, buff=0.1)
        self.play(Create(self.result_box), FadeIn(self.moved_line), run_time=style.BEAT / 2)


def _largest(look: HeadLook) -> float:
    """The largest weight a head gives, the focus itself included."""
    return max(look.itself, *(nb.value for nb in look.others))


def _nearly_flat(look: HeadLook, n: int) -> bool:
    """Whether a head spreads the focus's weights almost evenly over the ``n`` words: no word,
    the focus included, gets more than :data:`FLAT_SHARE` times the even share 1/n."""
    return _largest(look) <= FLAT_SHARE / n


def _does(look: HeadLook, focus: str, flat: bool = False) -> str:
    """A head's name from what it does: ``looks at orange``, ``looks at and, buy``; a nearly
    flat head (:func:`_nearly_flat`) ``spreads evenly``."""
    if flat:
        return "spreads evenly"
    words = ", ".join(nb.word for nb in look.main)
    return f"keeps to {focus}, then {words}" if look.mostly_itself else f"looks at {words}"


def _overlap(a: Mobject, b: Mobject, buff: float = 0.1) -> bool:
    """Whether the boxes of ``a`` and ``b`` come within ``buff`` of each other."""
    return bool(np.all(a.get_corner(DOWN + LEFT)[:2] < b.get_corner(UP + RIGHT)[:2] + buff)
                and np.all(b.get_corner(DOWN + LEFT)[:2] < a.get_corner(UP + RIGHT)[:2] + buff))


def _plain(count: int) -> str:
    """The concatenation's caption in plain text: ``[head 1, head 2]``."""
    if count <= 3:
        return "[" + ", ".join(f"head {h + 1}" for h in range(count)) + "]"
    return f"[head 1, …, head {count}]"
