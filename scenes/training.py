r"""Training: where W_Q, W_K and W_V come from.

A model bigger than the 2-D toy of the chapters before (embeddings of ``d_model`` numbers,
one causal attention layer added to the word's own numbers, an output layer scoring every
word of the vocabulary) learns to predict the next word of the sentences in
``assets/corpus/`` with Adam:

    \text{loss} = -\log p(\text{next word}) \qquad
    W \leftarrow W - \eta\, \hat m / (\sqrt{\hat s} + \epsilon)

(m and s running averages of the gradient and of its square, named s because v is the value
vector everywhere else; see :mod:`attention_core.training`). The attention's output goes
through W_O back to the word's size before it is added to the word (``h = x +
attention(x) W_O``), and the sizes table lists W_O with W_Q, W_K and W_V.

The run is shown snapshot by snapshot: at every moment the
step counter, the loss counter, the end of the loss curve, the heat map's caption and the
pictures (the probe's attention and the matrices) are all of one step, a snapshot's. The
attention of a probe sentence sharpens from even to "the ambiguous word looks at the word
that decides it". Every number, on screen and in the narration, comes from
:func:`attention_core.training.train`, the corpus or the example.

Laid out for 1080p: each settled frame uses the frame and no text is under 24 px of cap
height. Walls of numbers are heat maps or bars (the weight matrices, the vocabulary's
chances), with only the numbers the narration says printed large. The optimiser is one
sentence and two lines (the gradient, a small step against it): Adam's full rule above is the
core's, not the lesson's.

The corpus is the one the example names (its ``corpus`` field; default the shipped
``ambiguous`` corpus), and the probes shown are about the example's ambiguous word when the
corpus has probes about it; when it has none, the chapter says so, on screen and aloud, and
shows the corpus's own probes (:func:`attention_content.corpus.training_plan`).

The pictures that hold no state of the scene are in :mod:`scenes.training_pictures`; what
the chapter says about the run (guesses, losses, the moral) in :mod:`scenes.training_reading`.

Render: ``manim -ql scenes/training.py Training`` (from the repo root).
"""

from __future__ import annotations

import functools

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    Dot,
    Group,
    MathTex,
    Mobject,
    Rectangle,
    ReplacementTransform,
    VGroup,
    Write,
    config,
    smooth,
    squish_rate_func,
)

from attention_content.corpus import Corpus, Probe, TrainingPlan, spoken_list, training_plan
from attention_core.training import (
    TrainingSnapshot,
    TrainingTrace,
    train,
)
from scenes import style
from scenes.base import ExplainerScene
from scenes.components import Readout, word_label
from scenes.components.bars import ChanceBars
from scenes.components.curves import LossPlot
from scenes.components.flat import FlatFadeIn, FlatFadeOut, flattened
from scenes.components.matrices import MatrixGrid, cell_colors, signed_colors
from scenes.style import fmt
from scenes.training_pictures import (
    FORMULA_SCALE,
    adam_lines,
    guess_lines,
    heat_label,
    model_formulas,
    probability_text,
    quoted_sentence,
    sign_key,
    size_table,
    typeset_title,
    word_labels,
)
from scenes.training_reading import RunReading

__all__ = ["Training", "probability_text"]

# Seconds each snapshot of the run stays up. A snapshot arrives all at once (pictures,
# caption, counters and the curve up to its step), so they never show different steps.
SNAPSHOT_TIME = 1.2

# -- layout, laid out for 1080p (scene units; the frame is 14.2 x 8): every text, formula
# and printed number at least 24 px of cap height, and each settled frame using the frame
TABLE_LATER = 0.8  # the table's scale once the formulas join it
PROMPT_SIZE = 44
LEFT_COLUMN = 6.4  # the task's left column (prompt, guesses), at most this wide
GUESS_SIZE = 32
CHART_WIDTH, CHART_HEIGHT = 7.0, 3.6  # the bars of the vocabulary's chances
CHART_BASELINE = -1.25  # where their baseline sits (y)
STACK_CELL, STACK_WIDTH, STACK_HEIGHT = 0.9, 7.8, 5.9  # W_Q, W_K, W_V large, one under the other
ROW_CELL, ROW_GAP = 0.3, 0.35  # and side by side in the run's right column
# The probe's attention during the run, and the gap to the right column. Printed numbers
# need cells of >= 0.72 units for 24 px digits at 1080p (MatrixGrid prints a third of a cell).
RUN_HEAT_CELL, RUN_GAP = 0.8, 0.7
CLOSE_CELL, CLOSE_GAP = 1.0, 0.8  # a probe's trained attention, large, and the gap to its text
CLOSE_TEXT_WIDTH = 5.6
FACT_SIZE = 44  # "apple -> sliced 0.99"
PANEL_SIDE = 4.0  # each of the two final heat maps (colours only)
HEAT_LABEL_SIZE, CLOSE_LABEL_SIZE = 24, 30  # the heat maps' words, during the run and large
PLOT_NUMBER_SIZE = 28  # the loss plot's axis numbers (27 px capitals)


@functools.lru_cache(maxsize=4)
def trained(corpus: Corpus) -> TrainingTrace:
    """``train(corpus)``, once per corpus in a process: a storyboard that watches the example
    builds this step again after every edit, and the corpus rarely changes (the run would
    be paid again on every build). The trace is frozen and its arrays read-only."""
    return train(corpus)


class Training(RunReading, ExplainerScene):
    """The model, the task, Adam, the loss falling as attention sharpens, what was learned."""

    title = "Training the weights"

    def construct(self) -> None:
        self.plan: TrainingPlan = training_plan(self.example)
        self.corpus: Corpus = self.plan.corpus
        self.trace: TrainingTrace = trained(self.corpus)
        self.probes: tuple[Probe, ...] = self.plan.probes
        self.probe = self.probes[0]
        self.leaving: list[Mobject] = []  # what is up until the next section fades it
        self.show_title_card()
        self.show_the_model()
        self.show_the_task()
        self.show_the_update_rule()
        self.train_on_screen()
        self.show_what_it_learned()

    # -- beats

    def show_the_model(self) -> None:
        """A table, the toy's sizes beside this model's, large; then it moves up to make room
        for the two formulas around the attention: the residual connection and the output layer."""
        size = self.model_size()
        heads = ("W_Q, W_K and W_V" if size["heads"] == 1
                 else f"{size['heads']} heads, each with W_Q, W_K, W_V")
        self.beat("model", f"This model is bigger than the {self.example.dimension}-D toy of the "
                  "chapters before.")
        self.heading = word_label("The model that trains", style.TEXT, style.HEADING_SIZE)
        self.model_table = size_table(self.toy_size(), size)
        self.model_lines = model_formulas(size)
        # when the corpus is not about the example's word, a line under the table says so
        self.corpus_note = self.corpus_note_line()
        sheet = Group(self.heading, self.model_table, *self.corpus_note).arrange(DOWN, buff=0.5)
        room = config.frame_height - 2 * style.MARGIN
        if sheet.height > room:  # with the two lines of the corpus note: closer together
            sheet.arrange(DOWN, buff=max(0.2, 0.5 - (sheet.height - room) / 2))
        sheet.move_to(ORIGIN)
        # where the sheet goes when the formulas come: smaller, on top, the formulas under it
        later = sheet.copy().scale(TABLE_LATER)
        Group(later, self.model_lines).arrange(DOWN, buff=0.55).move_to(ORIGIN)
        self.play(FlatFadeIn(self.heading, self.model_table), run_time=style.BEAT)
        self.beat("sizes", f"{size['d']} numbers a word, {size['words']} words, {heads} of "
                  f"{size['d']} \u00d7 {size['k']}.")
        if not self.plan.covered:
            self.beat("corpus", self.corpus_line())
            self.play(FlatFadeIn(*self.corpus_note), run_time=style.BEAT)
            self.beat("own corpus", f"To train on {self.plan.word}, a teacher writes its own sentences, as "
                      "assets/corpus/README.md explains, and names them in the example.")
        self.beat("residual", f"W_O turns attention\u2019s {size['heads'] * size['k']} numbers a word back "
                  f"into {size['d']}, added to the word\u2019s own: x + attention times W_O.")
        self.move_flat(sheet, later)
        self.play(FlatFadeIn(self.model_lines[0]), run_time=style.BEAT)
        self.beat("output", f"An output layer then scores each of the {size['words']} words.")
        self.play(FlatFadeIn(self.model_lines[1]), run_time=style.BEAT)
        self.leaving = [self.heading, self.model_table, *self.corpus_note, *self.model_lines]

    def show_the_task(self) -> None:
        """The prompt on the left, the untrained model's chance for every word of the
        vocabulary as bars on the right; its top guesses, the right word and that one
        guess's loss join them."""
        start, vocab = self.trace.snapshots[0], len(self.trace.vocabulary)
        guesses = self.guesses(start, self.probe)
        right, p_right, loss = self.right_word(start, self.probe)
        self.beat("task", f"It reads \u201c{self.prompt_text(self.probe)}\u201d and guesses the next word.")
        self.prompt = word_label(f"\u201c{self.prompt_text(self.probe)} ___\u201d", style.TEXT, PROMPT_SIZE)
        if self.prompt.width > LEFT_COLUMN:
            self.prompt.scale_to_fit_width(LEFT_COLUMN)
        self.prompt.to_corner(UP + LEFT, buff=style.MARGIN + 0.1)
        self.chances = self.chance_chart(self.chances_after_prompt(start, self.probe))
        self.chances.to_edge(RIGHT, buff=style.MARGIN + 0.1).shift(
            (CHART_BASELINE - self.chances.baseline.get_y()) * UP)
        self.crossfade(self.prompt, self.chances)

        self.beat("guesses", f"Untrained, it spreads its bets over all {vocab} words.")
        self.guess_list = guess_lines(guesses, header="its top guesses:", size=GUESS_SIZE)
        self.guess_list.next_to(self.prompt, DOWN, buff=0.6, aligned_edge=LEFT)
        self.top_bars = self.chances.highlight(range(len(guesses)), style.TEXT)  # the guesses' bars
        self.play(FlatFadeIn(self.guess_list, self.top_bars, shift=0.2 * DOWN), run_time=style.BEAT)

        self.beat("right word", f"The right word, \u201c{right}\u201d, gets {probability_text(p_right)}.")
        self.right_line = word_label(f"right word: {right}  {probability_text(p_right)}", style.FOCUS,
                                     style.BODY_SIZE).next_to(self.guess_list, DOWN, buff=0.55,
                                                              aligned_edge=LEFT)
        self.right_line.word, self.right_line.p = right, p_right
        rank = self.chances.rank(self.trace.vocabulary.index(right))
        self.right_bar = self.chances.highlight([rank], style.FOCUS)
        bar_name = word_label(right, style.FOCUS, style.BODY_SIZE).next_to(self.right_bar, UP, buff=0.15)
        self.play(FlatFadeIn(self.right_line, self.right_bar, bar_name), run_time=style.BEAT)

        self.beat("loss", f"Its loss is minus the log of that: {fmt(loss)}.")
        self.loss_formula = MathTex(r"\text{loss} = -\log p(\text{right word})",
                                    rf"= -\log {probability_text(p_right)}", rf"= {fmt(loss)}")
        self.loss_formula.scale(FORMULA_SCALE).to_edge(DOWN, buff=style.MARGIN + 0.2)
        self.loss_formula.loss = loss
        self.play(Write(self.loss_formula), run_time=style.BEAT)
        self.leaving = [self.prompt, self.chances, self.guess_list, self.top_bars, self.right_line,
                        self.right_bar, bar_name, self.loss_formula]

    def show_the_update_rule(self) -> None:
        """How a weight changes, in one sentence: the gradient, and Adam's small step against
        it (Adam's full rule, with its running averages and their corrections, is in
        :mod:`attention_core.training`: no later beat uses it)."""
        self.beat("gradient", "The gradient says how the loss changes with each weight; the optimiser, "
                  "Adam, moves every weight a small step against it.")
        self.rule = adam_lines(len(self.corpus.sentences))
        self.crossfade(*self.rule)
        self.leaving = [*self.rule]

        whose = "" if self.trace.final.heads == 1 else "head 1\u2019s "
        self.beat("start", f"These are {whose}W_Q, W_K and W_V at step 0: random.")
        self.matrices, shapes = self.matrix_stack(self.trace.snapshots[0])
        # under them, what the beat says of them (step 0: random) and what their colours mean
        said = word_label(f"step {self.trace.snapshots[0].step}: random", style.TEXT, style.LABEL_SIZE)
        key = VGroup(said, sign_key()).arrange(RIGHT, buff=0.9)
        self.matrix_key = VGroup(shapes, key.next_to(self.matrices, DOWN, buff=0.35))
        Group(self.matrices, self.matrix_key).move_to(ORIGIN)
        self.crossfade(self.matrices, self.matrix_key)

    def train_on_screen(self) -> None:
        """The run: the probe's attention large on the left; on the right the counters, the
        loss curve and the matrices in a row under it; all of one snapshot at a time."""
        snaps, last = self.trace.snapshots, self.trace.snapshots[-1]
        self.beat("curve", f"The loss, averaged over all {len(self.corpus.sentences)} sentences, "
                  f"starts at {fmt(snaps[0].loss)}.")
        self.heat = self.heat_map(snaps[0], self.probe, cell=self.run_cell())
        self.heat.to_corner(UP + LEFT, buff=style.MARGIN)
        # the right column: the counters, the loss curve, the matrices in a row at the bottom
        left = self.heat.get_right()[0] + RUN_GAP
        self.strip_box = (left, config.frame_width / 2 - style.MARGIN - left)  # its left edge, width
        strip = self.matrix_row(snaps[0])
        self.step_readout = Readout(r"\text{step}", snaps[0].step, decimals=0)
        self.loss_readout = Readout(r"\text{mean loss}", snaps[0].loss, color=style.FOCUS)
        readouts = VGroup(self.step_readout, self.loss_readout).arrange(RIGHT, buff=0.8)
        readouts.to_corner(UP + RIGHT, buff=style.MARGIN)
        # the plot between them, its numbers and names included (measured on a first try)
        trial = LossPlot(self.trace.losses, self.trace.uniform_loss, width=4.0, height=3.0,
                         number_size=PLOT_NUMBER_SIZE, label_size=style.LABEL_SIZE)
        extra_w, extra_h = trial.width - trial.axes.x_length, trial.height - trial.axes.y_length
        self.plot = LossPlot(self.trace.losses, self.trace.uniform_loss,
                             width=strip.get_right()[0] - left - extra_w - 0.2,
                             height=readouts.get_bottom()[1] - strip.get_top()[1] - extra_h - 0.8,
                             number_size=PLOT_NUMBER_SIZE, label_size=style.LABEL_SIZE)
        self.plot.next_to(strip, UP, buff=0.4).align_to(strip, RIGHT)
        self.readouts = readouts
        self.curve = VGroup()  # the loss curve, a piece per snapshot, up to the shown step
        self.pen = Dot(self.plot.point(snaps[0].step), radius=0.08, color=style.FOCUS)  # its end
        self.shown = snaps[0]
        # one after the other: the key goes, the matrices move into their row (over an empty
        # frame), the rest of the run's picture comes in
        self.play(FlatFadeOut(self.matrix_key), run_time=0.7 * style.BEAT)
        self.play(ReplacementTransform(self.matrices, strip), run_time=0.9 * style.BEAT)
        self.play(FlatFadeIn(readouts, self.heat, self.plot, self.pen), run_time=0.8 * style.BEAT)
        self.matrices = strip
        self.add(self.curve)

        row = self.attention(snaps[0], self.probe)[self.probe.focus_index, : self.probe.focus_index + 1]
        even = (f"{fmt(row[0])} on each word up to it" if fmt(row.min()) == fmt(row.max())
                else f"{fmt(row.min())} to {fmt(row.max())} on the words up to it")
        self.beat("even", f"Row \u201c{self.probe.focus}\u201d starts even: {even}."
                  + self.why_even(snaps[0]))
        self.wait(style.BEAT)

        start_row, last_row = (self.attention(s, self.probe)[self.probe.focus_index]
                               for s in (snaps[0], last))
        falls = "falls" if last.loss < snaps[0].loss else "does not fall"
        sharpens = "sharpens" if last_row.max() > start_row.max() else "does not sharpen"
        self.beat("training", f"Step by step, the loss {falls} and the attention {sharpens}.")
        for snap in snaps[1:]:
            self.show_snapshot(snap)

        self.beat("trained", f"By step {last.step} the mean loss is {fmt(last.loss)}, and "
                  f"\u201c{self.probe.focus}\u201d {self.looks_at(last, self.probe, quoted=True)}.")
        self.leaving = [self.matrices, self.readouts, self.plot, self.curve, self.pen, self.heat]

    def show_what_it_learned(self) -> None:
        """Each probe in turn, large: its trained heat map, the decider's weight and the
        model's guesses; then both side by side."""
        final = self.trace.snapshots[-1]
        self.finals = Group(*(self.learned_panel(final, p) for p in self.probes))
        self.finals.arrange(RIGHT, buff=1.2)
        top = self.finals[0].grid.image.get_top()[1]
        for panel in self.finals[1:]:  # the heat maps level, whatever the height of their labels
            panel.shift((top - panel.grid.image.get_top()[1]) * UP)
        self.finals.move_to(ORIGIN)
        self.close_ups = [self.close_up(final, p) for p in self.probes]
        for k, (probe, close) in enumerate(zip(self.probes, self.close_ups, strict=True)):
            self.beat("learned" if k == 0 else f"learned {k + 1}",
                      f"In \u201c{probe.text}\u201d, {self.seen_in_training(probe)}, {probe.focus} "
                      f"{self.looks_at(final, probe)} ({fmt(self.decider_weight(final, probe))}).")
            self.crossfade(close.grid, close.sentence, close.fact)
            self.beat("guessed" if k == 0 else f"guessed {k + 1}",
                      f"After \u201c{self.prompt_text(probe)}\u201d, it guesses "
                      f"{self.top_guess(final, probe)}.")
            self.play(FlatFadeIn(close.guess_list), run_time=style.BEAT)
            self.leaving = [close.grid, close.sentence, close.fact, close.guess_list]
        self.beat("moral", self.moral())
        self.crossfade(*(part for panel in self.finals for part in panel.submobjects))
        self.wait(style.PAUSE)

    # -- pacing

    def crossfade(self, *arriving: Mobject) -> None:
        """Fade out what the last section left up (``self.leaving``), then fade in
        ``arriving``: a section's picture stays whole until the next section's first line
        is up, and that line's picture arrives within the first second."""
        leaving, self.leaving = self.leaving, []
        if not leaving:
            self.play(FlatFadeIn(*arriving), run_time=style.BEAT)
            return
        # one after the other in one play, so the two pictures never overlap
        self.play(FlatFadeOut(*leaving, rate_func=squish_rate_func(smooth, 0, 0.5)),
                  FlatFadeIn(*arriving, rate_func=squish_rate_func(smooth, 0.5, 1)), run_time=style.BEAT)

    def move_flat(self, group: Mobject, target: Mobject) -> None:
        """Move and scale ``group`` onto ``target`` (a scaled copy of it placed where it goes)
        as one picture: its image moves, then the group itself takes its new place."""
        picture, factor = flattened(group), target.width / group.width
        group.scale(factor).move_to(target)
        if picture is None:
            return
        self.remove(group)
        self.add(picture)
        self.play(picture.animate.scale(factor).move_to(group), run_time=style.BEAT)
        self.remove(picture)
        self.add(group)

    # -- the run

    def show_snapshot(self, snap: TrainingSnapshot) -> None:
        """Show ``snap`` at once: its heat map and matrices, the caption, both counters and
        the loss curve from the shown step up to ``snap``'s; then hold it."""
        heat = self.heat_map(snap, self.probe, cell=self.heat.cell)
        heat.shift(self.heat.image.get_center() - heat.image.get_center())
        matrices = self.matrix_row(snap)
        piece = self.plot.segment(self.shown.step, snap.step)
        self.remove(self.heat, self.matrices)
        self.add(heat, matrices)
        self.curve.add(piece)
        self.pen.move_to(self.plot.point(snap.step))
        self.step_readout.set_value(snap.step)
        self.loss_readout.set_value(self.trace.losses[snap.step])
        self.heat, self.matrices, self.shown = heat, matrices, snap
        self.wait(SNAPSHOT_TIME)

    # -- drawing helpers

    def corpus_note_line(self) -> list[Mobject]:
        """Two lines when the corpus has no probes about the example's word: which sentences
        it trains on and which word is watched; how a teacher adds a corpus. Else ``[]``."""
        if self.plan.covered:
            return []
        about, word = spoken_list(self.corpus.focus_words), self.plan.word
        where = self.corpus.path.name if self.has_own_corpus() else "the shipped sentences"
        lines = [word_label(f"no sentences about {word}: trained on {where}, about {about}", style.FOCUS,
                            style.BODY_SIZE),
                 word_label(f"to train on {word}: write a corpus (assets/corpus/README.md)", style.MUTED,
                            style.LABEL_SIZE)]
        for line in lines:
            if line.width > config.frame_width - 2 * style.MARGIN:
                line.scale_to_fit_width(config.frame_width - 2 * style.MARGIN)
        return [VGroup(*lines).arrange(DOWN, buff=0.2)]

    def weight_grids(self, snap: TrainingSnapshot, cell: float) -> Group:
        """W_Q, W_K, W_V of head 1 as heat maps, transposed (one row per query/key/value number):
        no numbers (none of them is said), one diverging colour scale per matrix over the
        whole run so that changes show; the title names the matrix in its colour.
        (``grid.values`` are the numbers, ``grid.colors`` their colours.)"""
        names = (("W_Q", "w_q", style.QUERY), ("W_K", "w_k", style.KEY), ("W_V", "w_v", style.VALUE))
        grids = Group()
        for title, field, color in names:
            values = getattr(snap.params, field)[0].T  # (d_head, d_model)
            # colour by the square root of |value| on the run's scale: monotonic, and the small
            # random start still shows
            shade = np.sign(values) * np.sqrt(np.abs(values) / self.matrix_scale(field))
            grid = MatrixGrid(values, signed_colors(shade, style.POSITIVE, 1.0), cell, title=title,
                              title_color=color, numbers=False)
            typeset_title(grid, title, color)
            grids.add(grid)
        return grids

    def matrix_stack(self, snap: TrainingSnapshot) -> tuple[Group, VGroup]:
        """The three matrices large, one under the other, each named on its left with its
        shape as shown (transposed) under the name; returns the grids and the shapes."""
        rows, cols = snap.params.w_q[0].T.shape
        cell = min(STACK_CELL, STACK_WIDTH / cols, STACK_HEIGHT / (3 * rows))
        grids = self.weight_grids(snap, cell)
        shapes = VGroup()
        for grid in grids:
            grid.title.scale(style.HEADING_SIZE / style.LABEL_SIZE)
            shape = word_label(f"transposed: {rows} \u00d7 {cols}", style.MUTED, style.LABEL_SIZE)
            names = VGroup(grid.title, shape).arrange(DOWN, buff=0.12, aligned_edge=RIGHT)
            names.next_to(grid.image, LEFT, buff=0.4)
            shapes.add(shape)
        rows_of = [Group(grid, shape) for grid, shape in zip(grids, shapes, strict=True)]
        Group(*rows_of).arrange(DOWN, buff=0.35, aligned_edge=RIGHT)
        return grids, shapes

    def matrix_row(self, snap: TrainingSnapshot) -> Group:
        """The three matrices side by side at the bottom of the run's right column
        (``self.strip_box``), titled with their names only."""
        rows, cols = snap.params.w_q[0].T.shape
        left, width = self.strip_box
        grids = self.weight_grids(snap, min(ROW_CELL, (width - 2 * ROW_GAP) / (3 * cols)))
        for grid in grids:
            grid.title.next_to(grid.image, UP, buff=0.12).align_to(grid.image, LEFT)
        grids.arrange(RIGHT, buff=ROW_GAP, aligned_edge=DOWN)
        return grids.to_edge(DOWN, buff=style.MARGIN).align_to(left * RIGHT, LEFT)

    def matrix_scale(self, field: str) -> float:
        """The largest |number| a matrix reaches over the snapshots (its colour scale)."""
        return max(float(np.max(np.abs(getattr(s.params, field)[0]))) for s in self.trace.snapshots)

    def run_cell(self) -> float:
        """The heat map's cell during the run: the frame's height less its words and caption,
        at most RUN_HEAT_CELL."""
        n = len(self.probe.tokens)
        # a column's word upright
        standing = max(heat_label(w, HEAT_LABEL_SIZE).width for w in self.probe.tokens)
        room = config.frame_height - 2 * style.MARGIN - standing - 0.9  # 0.9: the caption and gaps
        return min(RUN_HEAT_CELL, room / n)

    def heat_map(self, snap: TrainingSnapshot, probe: Probe, cell: float,
                 label_size: float = HEAT_LABEL_SIZE, numbers: bool = True) -> MatrixGrid:
        """``probe``'s attention weights (head average) at ``snap``, the focus row boxed;
        the weights printed in the cells unless ``numbers`` is False."""
        weights = self.attention(snap, probe)
        n = len(probe.tokens)
        grid = MatrixGrid(weights, cell_colors(weights, style.FOCUS, 1.0), cell,
                          title=f"attention at step {snap.step}", title_below=True,
                          numbers="image" if numbers else False)
        grid.word_labels = word_labels(grid, probe.tokens, label_size)
        grid.add(grid.word_labels)
        box = Rectangle(width=grid.cell * n, height=grid.cell, color=style.FOCUS, stroke_width=4)
        grid.focus_box = box.move_to(grid.row_box(probe.focus_index).mean(axis=0))
        grid.add(box)
        return grid

    def ringed_heat_map(self, snap: TrainingSnapshot, probe: Probe, cell: float,
                        label_size: float = HEAT_LABEL_SIZE, numbers: bool = True) -> MatrixGrid:
        """:meth:`heat_map` with the decider's cell in the focus row ringed, uncaptioned."""
        grid = self.heat_map(snap, probe, cell, label_size, numbers)
        grid.remove(grid.title)
        ring = Rectangle(width=grid.cell, height=grid.cell, color=style.KEY, stroke_width=6)
        grid.decider_ring = ring.move_to(grid.cell_center(probe.focus_index, probe.decides_index))
        grid.add(ring)
        return grid

    def learned_panel(self, snap: TrainingSnapshot, probe: Probe) -> Group:
        """A probe's final heat map (colours only: its numbers were shown large a beat
        before), the decider's cell ringed, the sentence under it and the model's top guess
        after the prompt (every guess tied with it, as said): the two panels the chapter ends on."""
        grid = self.ringed_heat_map(snap, probe, PANEL_SIDE / len(probe.tokens), numbers=False)
        caption = quoted_sentence(probe.text, CLOSE_TEXT_WIDTH)
        caption.next_to(grid.image, DOWN, buff=0.25)
        header = f"after \u201c{self.prompt_text(probe)}\u201d:"
        ranked = self.guesses(snap, probe)
        tied = [(w, p) for w, p in ranked if fmt(p) == fmt(ranked[0][1])]  # the top guess, or all tied for it
        guesses = guess_lines(tied, header=header, size=style.BODY_SIZE)
        guesses.next_to(caption, DOWN, buff=0.3)
        panel = Group(grid, caption, guesses)
        panel.grid, panel.caption, panel.guess_list = grid, caption, guesses
        return panel

    def close_up(self, snap: TrainingSnapshot, probe: Probe) -> Group:
        """One probe large: its final heat map on the left (the decider's cell ringed); on the
        right the sentence, the weight the ambiguous word puts on its decider, and (shown a
        beat later) the model's guesses after the prompt. The heat map takes what room the
        text column leaves."""
        sentence = quoted_sentence(probe.text, CLOSE_TEXT_WIDTH)
        seen = self.seen_in_training(probe)
        if seen.startswith("close to"):  # said in the beat: shown under the sentence, on two lines
            head, _, quoted = seen.partition(" \u201c")
            lines = (head, "\u201c" + quoted)
            note = VGroup(*(word_label(text, style.MUTED, style.LABEL_SIZE) for text in lines))
            note.arrange(DOWN, buff=0.1, aligned_edge=LEFT)
            if note.width > CLOSE_TEXT_WIDTH:
                note.scale_to_fit_width(CLOSE_TEXT_WIDTH)
            sentence = VGroup(sentence, note).arrange(DOWN, buff=0.2, aligned_edge=LEFT)
        weight = self.decider_weight(snap, probe)
        fact = VGroup(*(word_label(text, color, FACT_SIZE) for text, color in (
            (probe.focus, style.FOCUS), ("\u2192", style.MUTED), (probe.decides, style.KEY),
            (fmt(weight), style.TEXT))))
        fact.arrange(RIGHT, buff=0.3)
        if fact.width > CLOSE_TEXT_WIDTH:  # a long pair of words: smaller, never below BODY_SIZE
            fact.scale(max(CLOSE_TEXT_WIDTH / fact.width, style.BODY_SIZE / FACT_SIZE))
        fact.weight = weight
        header = f"after \u201c{self.prompt_text(probe)}\u201d:"
        guesses = guess_lines(self.guesses(snap, probe), header=header, size=GUESS_SIZE)
        column = VGroup(sentence, fact, guesses).arrange(DOWN, buff=0.6, aligned_edge=LEFT)
        n = len(probe.tokens)
        # a row's word, a column's upright
        widest = max(heat_label(w, CLOSE_LABEL_SIZE).width for w in probe.tokens)
        room_w = config.frame_width - 2 * style.MARGIN - column.width - CLOSE_GAP - widest - 0.2
        room_h = config.frame_height - 2 * style.MARGIN - widest - 0.2
        grid = self.ringed_heat_map(snap, probe, min(CLOSE_CELL, room_w / n, room_h / n), CLOSE_LABEL_SIZE)
        column.next_to(grid, RIGHT, buff=CLOSE_GAP).match_y(grid.image)
        Group(grid, column).move_to(ORIGIN)
        panel = Group(grid, sentence, fact, guesses)
        panel.grid, panel.sentence, panel.fact, panel.guess_list = grid, sentence, fact, guesses
        return panel

    def chance_chart(self, chances: np.ndarray) -> ChanceBars:
        """``chances`` (shape (V,)) as bars, captioned with how many words they are."""
        vocab = len(chances)
        caption = word_label(f"its chance for each of the {vocab} words, most likely first", style.MUTED,
                             style.LABEL_SIZE)
        return ChanceBars(chances, CHART_WIDTH, CHART_HEIGHT, caption)


