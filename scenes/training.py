r"""Training: where W_Q, W_K and W_V come from.

A tiny model (embeddings, one causal attention layer, an output layer) learns to predict
the next word of the sentences in ``assets/corpus/`` by gradient descent:

    \text{loss} = -\log p(\text{next word}) \qquad W \leftarrow W - \eta\, \partial\,\text{loss} / \partial W

The loss curve draws itself while the attention of a probe sentence sharpens from uniform
to "the ambiguous word looks at the word that decides it", and the matrices change. Every
number comes from :func:`attention_core.training.train`.

Render: ``manim -ql scenes/training.py Training`` (from the repo root).
``$ATTENTION_CORPUS`` names another corpus (a name in assets/corpus/ or a path).
"""

from __future__ import annotations

import os

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    Create,
    FadeIn,
    FadeOut,
    Group,
    MathTex,
    Rectangle,
    VGroup,
    Write,
    config,
    linear,
)

from attention_core.corpus import DEFAULT_CORPUS, Corpus, Probe, load_corpus
from attention_core.training import TrainingSnapshot, TrainingTrace, next_word_probabilities, train
from scenes import style
from scenes.base import ExplainerScene
from scenes.components import Readout, word_label
from scenes.components.curves import LossPlot
from scenes.components.flat import FlatFadeIn, FlatFadeOut
from scenes.components.matrices import MatrixGrid, PixelCrossfade, cell_colors, signed_colors
from scenes.components.readout import CountTo
from scenes.style import fmt

__all__ = ["CORPUS_ENV", "Training"]

CORPUS_ENV = "ATTENTION_CORPUS"
MATRIX_CELL = 0.4  # scene units per cell of the (turned) weight matrices
HEAT_SIDE = 2.3  # the probe's attention heat map, at most this wide
SEGMENT_TIME = 1.2  # seconds per stretch of the loss curve between two snapshots
# A stretch's images hold while the curve draws and blend into the next snapshot's in its
# last third, arriving with the curve and the step counter: held, they are drawn once.
BLEND_SHARE = 1 / 3
TOP_GUESSES = 3


class Training(ExplainerScene):
    """The loss falling, attention sharpening, the matrices changing, and what was learned."""

    title = "Training the weights"

    def construct(self) -> None:
        self.corpus: Corpus = load_corpus(os.environ.get(CORPUS_ENV) or DEFAULT_CORPUS)
        self.trace: TrainingTrace = train(self.corpus)
        self.probes: tuple[Probe, ...] = self.corpus.probe_for(self.example.sentences[0].focus)[:2]
        self.probe = self.probes[0]
        self.show_title_card()
        self.show_the_task()
        self.show_the_update_rule()
        self.train_on_screen()
        self.show_what_it_learned()
        self.wait(style.BEAT)

    # -- beats

    def show_the_task(self) -> None:
        start = self.trace.snapshots[0]
        guesses = self.guesses(start, self.probe)
        self.beat("task", f"The model reads \u201c{self.prompt_text(self.probe)}\u201d and guesses the "
                  f"next word. Untrained, it spreads its bets over all {len(self.trace.vocabulary)} "
                  f"words: {self.said(guesses)}. The loss, minus the log of the chance it gave the "
                  f"right word, starts at {fmt(start.loss)}.", duration=3 * style.BEAT + 2 * style.PAUSE)
        self.prompt = word_label(f"\u201c{self.prompt_text(self.probe)} ___\u201d", style.TEXT,
                                 style.HEADING_SIZE).to_edge(UP, buff=1.0)
        self.guess_list = self.guess_lines(guesses).next_to(self.prompt, DOWN, buff=0.5)
        self.loss_formula = MathTex(r"\text{loss} = -\log p(\text{next word})").scale(style.MATH_SCALE)
        self.loss_formula.next_to(self.guess_list, DOWN, buff=0.6)
        self.play(FlatFadeIn(self.prompt), run_time=style.BEAT)
        self.play(FlatFadeIn(self.guess_list, shift=0.2 * DOWN), run_time=style.BEAT)
        self.play(Write(self.loss_formula), run_time=style.BEAT)
        self.wait(2 * style.PAUSE)

    def show_the_update_rule(self) -> None:
        settings = self.corpus.training
        self.beat("gradient", f"Training nudges every number against the gradient of the loss, "
                  f"averaged over {len(self.corpus.sentences)} sentences: W becomes W minus "
                  f"{settings.learning_rate:g} times the slope (Adam keeps a running average of it). "
                  f"These are W_Q, W_K and W_V at step 0: random.", duration=3 * style.BEAT + style.PAUSE)
        rule = MathTex(r"W \leftarrow W - \eta\, \frac{\partial\, \text{loss}}{\partial W}",
                       rf"\qquad \eta = {settings.learning_rate:g}").scale(style.MATH_SCALE)
        rule.next_to(self.loss_formula, DOWN, buff=0.5)
        self.play(Write(rule), run_time=style.BEAT)
        self.wait(style.PAUSE)
        self.play(FlatFadeOut(self.prompt, self.guess_list, self.loss_formula, rule), run_time=style.BEAT)
        self.matrices = self.matrix_column(self.trace.snapshots[0])
        self.play(FlatFadeIn(self.matrices), run_time=style.BEAT)
        self.wait(style.BEAT)

    def train_on_screen(self) -> None:
        snaps, last = self.trace.snapshots, self.trace.snapshots[-1]
        self.beat("training", f"Step by step the loss falls from {fmt(snaps[0].loss)} to {fmt(last.loss)}. "
                  f"Watch row \u201c{self.probe.focus}\u201d of the attention: it starts even and ends "
                  f"on \u201c{self.probe.decides}\u201d, the word that decides its meaning.",
                  duration=len(snaps) * SEGMENT_TIME + 2 * style.PAUSE)
        self.heat = self.heat_map(snaps[0], self.probe)
        self.plot = LossPlot(self.trace.losses, self.trace.uniform_loss, width=5.0, height=1.9)
        self.step_readout = Readout(r"\text{step}", 0, decimals=0)
        self.loss_readout = Readout(r"\text{loss}", snaps[0].loss, color=style.FOCUS)
        readouts = VGroup(self.step_readout, self.loss_readout).arrange(RIGHT, buff=0.6)
        right = Group(readouts, self.heat, self.plot).arrange(DOWN, buff=0.3)
        room = config.frame_height - 2 * style.MARGIN
        if right.height > room:  # a long probe sentence stands its labels up taller
            right.scale_to_fit_height(room)
        right.to_edge(RIGHT, buff=style.MARGIN + 0.2).to_edge(UP, buff=style.MARGIN)
        self.readouts = readouts
        self.play(FlatFadeIn(readouts, self.heat, self.plot), run_time=style.BEAT)
        self.curve = VGroup()
        for before, snap in zip(snaps, snaps[1:], strict=False):
            self.advance(before, snap)
        self.wait(2 * style.PAUSE - style.BEAT)

    def show_what_it_learned(self) -> None:
        final = self.trace.snapshots[-1]
        said = "; ".join(
            f"in \u201c{p.text}\u201d {p.focus} looks at {p.decides} ({fmt(self.decider_weight(final, p))})"
            f" and the model guesses {self.guesses(final, p)[0][0]}"
            for p in self.probes)
        self.beat("learned", f"What it learned: {said}. Nobody told it which word decides: predicting the "
                  "next word was enough.", duration=3 * style.BEAT + 2 * style.PAUSE)
        self.play(FlatFadeOut(self.matrices, self.readouts, self.plot, self.curve, self.heat),
                  run_time=style.BEAT)
        self.finals = Group(*(self.learned_panel(final, p) for p in self.probes))
        self.finals.arrange(RIGHT, buff=1.2)
        top = self.finals[0].grid.image.get_top()[1]
        for panel in self.finals[1:]:  # the heat maps level, whatever the height of their labels
            panel.shift((top - panel.grid.image.get_top()[1]) * UP)
        self.finals.move_to(0.2 * DOWN)
        self.play(FlatFadeIn(self.finals), run_time=style.BEAT)
        self.wait(2 * style.PAUSE + style.BEAT)

    # -- drawing helpers

    def advance(self, before: TrainingSnapshot, snap: TrainingSnapshot) -> None:
        """One stretch of training: the curve, the step counter and the loss run on to
        ``snap``; in the last third the heat map and matrices blend into ``snap``'s."""
        heat, matrices = self.heat_map(snap, self.probe).move_to(self.heat), self.matrix_column(snap)
        blends, leaving, arriving, still, on_top = [], [], [], [], []
        for old_grid, new_grid in [(self.heat, heat), *zip(self.matrices, matrices, strict=True)]:
            blends.append(PixelCrossfade(old_grid.image, new_grid.image.pixel_array))
            if old_grid.title.text != new_grid.title.text:
                leaving.append(old_grid.title)
                arriving.append(new_grid.title)
            edges = [new_grid.border, *([new_grid.focus_box] if new_grid is heat else [])]
            on_top += edges
            still += [m for m in new_grid.submobjects
                      if m is not new_grid.image and m not in arriving and m not in edges]
        # manim redraws, every frame, each mobject from the first one that moves on: what
        # stays goes first (drawn once), then the images and titles, then on top the lines
        # that edge the images and the two counters.
        self.clear()
        self.add(self.plot, self.curve, self.step_readout.label, self.loss_readout.label, *still,
                 *(blend.mobject for blend in blends), *leaving)
        self.add_foreground_mobjects(*on_top, self.step_readout.number, self.loss_readout.number)
        middle = before.step + round((1 - BLEND_SHARE) * (snap.step - before.step))
        self.run_curve(before.step, middle, (1 - BLEND_SHARE) * SEGMENT_TIME)
        self.run_curve(middle, snap.step, BLEND_SHARE * SEGMENT_TIME,
                       *blends, *map(FadeOut, leaving), *map(FadeIn, arriving))
        self.clear()
        self.add(self.readouts, self.plot, self.curve, heat, matrices)
        self.heat, self.matrices = heat, matrices

    def run_curve(self, start: int, stop: int, run_time: float, *changes: Animation) -> None:
        """Draw the loss curve from step ``start`` to ``stop`` at an even pace, the step
        counter and the loss (the trace's, at each step) with it, and play ``changes``."""
        piece = self.plot.segment(start, stop)
        self.play(Create(piece, rate_func=linear), CountTo(self.step_readout, stop, rate_func=linear),
                  CountTo(self.loss_readout, self.trace.losses[stop], rate_func=linear), *changes,
                  run_time=run_time)
        self.curve.add(piece)

    def matrix_column(self, snap: TrainingSnapshot) -> Group:
        """W_Q, W_K, W_V of head 1, turned (one row per query/key/value number), stacked on
        the left; all three share one colour scale across the run so changes show."""
        names = (("W_Q", "w_q", style.QUERY), ("W_K", "w_k", style.KEY), ("W_V", "w_v", style.VALUE))
        grids = Group()
        for title, field, color in names:
            values = getattr(snap.params, field)[0].T  # (d_head, d_model)
            top = self.matrix_scale(field)
            grids.add(MatrixGrid(values, signed_colors(values, color, top), MATRIX_CELL,
                                 title=f"{title}, turned: {values.shape[0]} \u00d7 {values.shape[1]}",
                                 title_color=color, numbers="image"))
        grids.arrange(DOWN, buff=0.25, aligned_edge=LEFT).to_edge(LEFT, buff=style.MARGIN).shift(0.1 * DOWN)
        return grids

    def matrix_scale(self, field: str) -> float:
        """The largest |number| a matrix reaches over the snapshots (its colour scale)."""
        return max(float(np.max(np.abs(getattr(s.params, field)[0]))) for s in self.trace.snapshots)

    def heat_map(self, snap: TrainingSnapshot, probe: Probe, side: float = HEAT_SIDE) -> MatrixGrid:
        """``probe``'s attention weights (head average) at ``snap``, the focus row boxed."""
        weights = self.attention(snap, probe)
        n = len(probe.tokens)
        grid = MatrixGrid(weights, cell_colors(weights, style.FOCUS, 1.0), side / n,
                          row_labels=probe.tokens, col_labels=probe.tokens,
                          title=f"step {snap.step}", title_below=True, numbers="image")
        box = Rectangle(width=grid.cell * n, height=grid.cell, color=style.FOCUS, stroke_width=3)
        grid.focus_box = box.move_to(grid.row_box(probe.focus_index).mean(axis=0))
        grid.add(box)
        return grid

    def learned_panel(self, snap: TrainingSnapshot, probe: Probe) -> Group:
        """A probe's final heat map, the decider's cell ringed, and the model's next-word guesses."""
        grid = self.heat_map(snap, probe, side=3.0)
        ring = Rectangle(width=grid.cell, height=grid.cell, color=style.KEY, stroke_width=5)
        grid.decider_ring = ring.move_to(grid.cell_center(probe.focus_index, probe.decides_index))
        grid.add(ring)
        grid.title.become(word_label(f"\u201c{probe.text}\u201d", style.TEXT, style.SMALL_SIZE)
                          .next_to(grid.image, DOWN, buff=0.15))
        header = f"after \u201c{self.prompt_text(probe)}\u201d:"
        guesses = self.guess_lines(self.guesses(snap, probe), header=header)
        guesses.next_to(grid, DOWN, buff=0.35)
        panel = Group(grid, guesses)
        panel.grid, panel.guess_list = grid, guesses
        return panel

    def attention(self, snap: TrainingSnapshot, probe: Probe) -> np.ndarray:
        """``probe``'s attention weights at ``snap``, averaged over heads, shape (n, n)."""
        return snap.probe_weights[self.trace.probes.index(probe)].mean(axis=0)

    def decider_weight(self, snap: TrainingSnapshot, probe: Probe) -> float:
        """How much ``probe``'s ambiguous word attends to its decider at ``snap``."""
        return float(self.attention(snap, probe)[probe.focus_index, probe.decides_index])

    def guesses(self, snap: TrainingSnapshot, probe: Probe) -> list[tuple[str, float]]:
        """The model's top next words after the probe's focus word, with their chances."""
        probs = next_word_probabilities(snap.params, self.trace.vocabulary,
                                        probe.tokens[: probe.focus_index + 1])
        order = np.argsort(probs)[::-1][:TOP_GUESSES]
        return [(self.trace.vocabulary[i], float(probs[i])) for i in order]

    @staticmethod
    def guess_lines(guesses: list[tuple[str, float]], header: str = "") -> VGroup:
        lines = VGroup(*(word_label(f"{word}  {fmt(p)}", style.TEXT, style.LABEL_SIZE)
                         for word, p in guesses))
        if header:
            lines.add_to_back(word_label(header, style.MUTED, style.SMALL_SIZE))
        lines.arrange(DOWN, buff=0.15)
        lines.guesses = guesses
        return lines

    @staticmethod
    def prompt_text(probe: Probe) -> str:
        return " ".join(probe.tokens[: probe.focus_index + 1])

    @staticmethod
    def said(guesses: list[tuple[str, float]]) -> str:
        return ", ".join(f"{w} {fmt(p)}" for w, p in guesses)
