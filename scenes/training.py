r"""Training: where W_Q, W_K and W_V come from.

A model bigger than the 2-D toy of the chapters before (embeddings of ``d_model`` numbers,
one causal attention layer added to the word's own numbers, an output layer scoring every
word of the vocabulary) learns to predict the next word of the sentences in
``assets/corpus/`` with Adam:

    \text{loss} = -\log p(\text{next word}) \qquad
    W \leftarrow W - \eta\, \hat m / (\sqrt{\hat v} + \epsilon)

(m and v running averages of the gradient and of its square; see
:mod:`attention_core.training`). The run is shown snapshot by snapshot: at every moment the
step counter, the loss counter, the end of the loss curve, the heat map's caption and the
pictures (the probe's attention and the matrices) are all of one step, a snapshot's. The
attention of a probe sentence sharpens from even to "the ambiguous word looks at the word
that decides it". Every number, on screen and in the narration, comes from
:func:`attention_core.training.train`, the corpus or the example.

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
    Dot,
    Group,
    MathTex,
    Mobject,
    Rectangle,
    VGroup,
    Write,
    config,
    smooth,
    squish_rate_func,
)

from attention_core.corpus import DEFAULT_CORPUS, Corpus, Probe, load_corpus
from attention_core.training import (
    ADAM_BETAS,
    ADAM_EPS,
    TrainingSnapshot,
    TrainingTrace,
    next_word_losses,
    next_word_probabilities,
    train,
)
from scenes import style
from scenes.base import ExplainerScene
from scenes.components import Readout, word_label
from scenes.components.curves import LossPlot
from scenes.components.flat import FlatFadeIn, FlatFadeOut
from scenes.components.matrices import MatrixGrid, cell_colors, signed_colors
from scenes.style import fmt

__all__ = ["CORPUS_ENV", "Training", "probability_text"]

CORPUS_ENV = "ATTENTION_CORPUS"
MATRIX_CELL = 0.4  # scene units per cell of the (turned) weight matrices
HEAT_SIDE = 2.3  # the probe's attention heat map, at most this wide
# Seconds each snapshot of the run stays up. A snapshot arrives all at once (pictures,
# caption, counters and the curve up to its step), so they never show different steps.
SNAPSHOT_TIME = 1.2
TOP_GUESSES = 3


def probability_text(p: float) -> str:
    """A probability to three significant digits, never in e-notation (``0.0143``, ``0.513``),
    so that minus its log, printed beside it, can be checked from what is printed."""
    return np.format_float_positional(p, precision=3, unique=False, fractional=False, trim="-")


def _tex_number(x: float) -> str:
    """``x`` for MathTex: ``0.9``, ``0.001``, and ``10^{-8}`` for a small power of ten."""
    exponent = np.log10(x) if x > 0 else 0.0
    if x < 1e-3 and exponent == round(exponent):
        return f"10^{{{round(exponent)}}}"
    return f"{x:g}"


class Training(ExplainerScene):
    """The model, the task, Adam, the loss falling as attention sharpens, what was learned."""

    title = "Training the weights"

    def construct(self) -> None:
        self.corpus: Corpus = load_corpus(os.environ.get(CORPUS_ENV) or DEFAULT_CORPUS)
        self.trace: TrainingTrace = train(self.corpus)
        self.probes: tuple[Probe, ...] = self.corpus.probe_for(self.example.sentences[0].focus)[:2]
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
        """A table, the toy's sizes beside this model's, then the two formulas around its
        attention: the residual connection and the output layer."""
        size = self.model_size()
        heads = ("W_Q, W_K and W_V" if size["heads"] == 1
                 else f"{size['heads']} heads, each with W_Q, W_K, W_V")
        self.beat("model", f"This model is bigger than the {self.example.dimension}-D toy of the "
                  "chapters before.")
        self.heading = word_label("The model that trains", style.TEXT, style.HEADING_SIZE)
        self.model_table = self.size_table(size)
        self.model_lines = self.model_formulas(size["words"])
        Group(self.heading, self.model_table, self.model_lines).arrange(DOWN, buff=0.45)
        self.play(FlatFadeIn(self.heading, self.model_table), run_time=style.BEAT)
        self.beat("sizes", f"{size['d']} numbers a word, {size['words']} words, {heads} of "
                  f"{size['d']} \u00d7 {size['k']}.")
        self.beat("residual", "Attention is added to the word\u2019s own numbers: x + attention.")
        self.play(FlatFadeIn(self.model_lines[0]), run_time=style.BEAT)
        self.beat("output", f"An output layer then scores each of the {size['words']} words.")
        self.play(FlatFadeIn(self.model_lines[1]), run_time=style.BEAT)
        self.leaving = [self.heading, self.model_table, *self.model_lines]

    def show_the_task(self) -> None:
        start, vocab = self.trace.snapshots[0], len(self.trace.vocabulary)
        guesses = self.guesses(start, self.probe)
        right, p_right, loss = self.right_word(start, self.probe)
        self.beat("task", f"It reads \u201c{self.prompt_text(self.probe)}\u201d and guesses the next word.")
        self.prompt = word_label(f"\u201c{self.prompt_text(self.probe)} ___\u201d", style.TEXT,
                                 style.HEADING_SIZE).to_edge(UP, buff=1.0)
        self.crossfade(self.prompt)

        self.beat("guesses", f"Untrained, it spreads its bets over all {vocab} words.")
        self.guess_list = self.guess_lines(guesses)
        self.guess_list.add(word_label(f"\u2026 and {vocab - len(guesses)} more words", style.MUTED,
                                       style.SMALL_SIZE))
        self.guess_list.arrange(DOWN, buff=0.15).next_to(self.prompt, DOWN, buff=0.45)
        self.play(FlatFadeIn(self.guess_list, shift=0.2 * DOWN), run_time=style.BEAT)

        self.beat("right word", f"The right word, \u201c{right}\u201d, gets {probability_text(p_right)}.")
        self.right_line = word_label(f"right word: {right}  {probability_text(p_right)}", style.FOCUS,
                                     style.LABEL_SIZE).next_to(self.guess_list, DOWN, buff=0.4)
        self.right_line.word, self.right_line.p = right, p_right
        self.play(FlatFadeIn(self.right_line), run_time=style.BEAT)

        self.beat("loss", f"Its loss is minus the log of that: {fmt(loss)}.")
        self.loss_formula = MathTex(r"\text{loss} = -\log p(\text{right word})",
                                    rf"= -\log {probability_text(p_right)}", rf"= {fmt(loss)}")
        self.loss_formula.scale(style.MATH_SCALE).next_to(self.right_line, DOWN, buff=0.45)
        self.loss_formula.loss = loss
        self.play(Write(self.loss_formula), run_time=style.BEAT)
        self.leaving = [self.prompt, self.guess_list, self.right_line, self.loss_formula]

    def show_the_update_rule(self) -> None:
        """The rule :func:`attention_core.training.train` uses: Adam, its numbers from the
        core and the corpus."""
        sentences = len(self.corpus.sentences)
        self.beat("gradient", f"g is the gradient of the loss, averaged over all {sentences} sentences.")
        self.rule = self.adam_lines()
        self.crossfade(self.rule[0])
        self.beat("adam", "Adam: a step against a running average of the gradient.")
        self.play(FlatFadeIn(*self.rule[1:]), run_time=style.BEAT)  # the heading and Adam's lines
        self.beat("averages", "m averages the gradient, v its square; both start at 0.")
        self.leaving = [*self.rule]

        whose = "" if self.trace.final.heads == 1 else "head 1\u2019s "
        self.beat("start", f"These are {whose}W_Q, W_K and W_V at step 0: random.")
        self.matrices = self.matrix_column(self.trace.snapshots[0])
        self.crossfade(self.matrices)

    def train_on_screen(self) -> None:
        snaps, last = self.trace.snapshots, self.trace.snapshots[-1]
        self.beat("curve", f"The loss, averaged over all {len(self.corpus.sentences)} sentences, "
                  f"starts at {fmt(snaps[0].loss)}.")
        self.heat = self.heat_map(snaps[0], self.probe)
        self.plot = LossPlot(self.trace.losses, self.trace.uniform_loss, width=5.0, height=1.9)
        self.step_readout = Readout(r"\text{step}", snaps[0].step, decimals=0)
        self.loss_readout = Readout(r"\text{mean loss}", snaps[0].loss, color=style.FOCUS)
        readouts = VGroup(self.step_readout, self.loss_readout).arrange(RIGHT, buff=0.6)
        right = Group(readouts, self.heat, self.plot).arrange(DOWN, buff=0.3)
        room = config.frame_height - 2 * style.MARGIN
        if right.height > room:  # a long probe sentence stands its labels up taller
            right.scale_to_fit_height(room)
        right.to_edge(RIGHT, buff=style.MARGIN + 0.2).to_edge(UP, buff=style.MARGIN)
        self.readouts = readouts
        self.curve = VGroup()  # the loss curve, a piece per snapshot, up to the shown step
        self.pen = Dot(self.plot.point(snaps[0].step), radius=0.06, color=style.FOCUS)  # its end
        self.shown = snaps[0]
        self.play(FlatFadeIn(readouts, self.heat, self.plot, self.pen), run_time=style.BEAT)
        self.add(self.curve)

        row = self.attention(snaps[0], self.probe)[self.probe.focus_index, : self.probe.focus_index + 1]
        even = (f"{fmt(row[0])} on each word up to it" if fmt(row.min()) == fmt(row.max())
                else f"{fmt(row.min())} to {fmt(row.max())} on the words up to it")
        self.beat("even", f"Row \u201c{self.probe.focus}\u201d starts even: {even}.")
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
        final = self.trace.snapshots[-1]
        self.finals = Group(*(self.learned_panel(final, p) for p in self.probes))
        self.finals.arrange(RIGHT, buff=1.2)
        top = self.finals[0].grid.image.get_top()[1]
        for panel in self.finals[1:]:  # the heat maps level, whatever the height of their labels
            panel.shift((top - panel.grid.image.get_top()[1]) * UP)
        self.finals.move_to(0.2 * DOWN)
        for k, (panel, probe) in enumerate(zip(self.finals, self.probes, strict=True)):
            self.beat("learned" if k == 0 else f"learned {k + 1}",
                      f"In \u201c{probe.text}\u201d, {probe.focus} {self.looks_at(final, probe)} "
                      f"({fmt(self.decider_weight(final, probe))}).")
            self.crossfade(panel.grid)
            self.beat("guessed" if k == 0 else f"guessed {k + 1}",
                      f"After \u201c{self.prompt_text(probe)}\u201d, it guesses "
                      f"{self.top_guess(final, probe)}.")
            self.play(FlatFadeIn(panel.guess_list), run_time=style.BEAT)
        if all(self.attends_most_to_decider(final, p) for p in self.probes):
            self.beat("moral", "Nobody told it which word decides: predicting the next word was enough.")
        else:
            self.beat("moral", "Here predicting the next word was not enough to find the word that decides.")
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

    # -- the run

    def show_snapshot(self, snap: TrainingSnapshot) -> None:
        """Show ``snap`` at once: its heat map and matrices, the caption, both counters and
        the loss curve from the shown step up to ``snap``'s; then hold it."""
        heat = self.heat_map(snap, self.probe)
        heat.shift(self.heat.image.get_center() - heat.image.get_center())
        matrices = self.matrix_column(snap)
        piece = self.plot.segment(self.shown.step, snap.step)
        self.remove(self.heat, self.matrices)
        self.add(heat, matrices)
        self.curve.add(piece)
        self.pen.move_to(self.plot.point(snap.step))
        self.step_readout.set_value(snap.step)
        self.loss_readout.set_value(self.trace.losses[snap.step])
        self.heat, self.matrices, self.shown = heat, matrices, snap
        self.wait(SNAPSHOT_TIME)

    # -- what the scene says, from the trace, the corpus and the example

    def model_size(self) -> dict[str, int]:
        """This model's sizes, read from the trained numbers."""
        final = self.trace.final
        return {"d": int(final.embeddings.shape[1]), "words": len(self.trace.vocabulary),
                "heads": final.heads, "k": int(final.w_q.shape[2])}

    def toy_size(self) -> dict[str, object]:
        """The same sizes for the example of the chapters before."""
        shapes = sorted({h.query.shape for h in self.example.heads})
        return {"d": self.example.dimension, "words": len(self.example.words),
                "heads": len(self.example.heads),
                "matrices": " / ".join(f"{r} \u00d7 {c}" for r, c in shapes)}

    def right_word(self, snap: TrainingSnapshot, probe: Probe) -> tuple[str, float, float]:
        """The word that follows the prompt in ``probe``, the chance the model gives it at
        ``snap`` and the loss of that guess (``-log`` of the chance, from the core)."""
        t = self.prompt_end(probe)
        right = probe.tokens[t + 1]
        p = float(next_word_probabilities(snap.params, self.trace.vocabulary, probe.tokens[: t + 1])
                  [self.trace.vocabulary.index(right)])
        loss = float(next_word_losses(snap.params, self.trace.vocabulary, probe.tokens)[t])
        return right, p, loss

    # -- drawing helpers

    def size_table(self, size: dict[str, int]) -> VGroup:
        """Rows: what is counted, the toy's number, this model's; ``table.cells[row][col]``."""
        toy = self.toy_size()
        rows = [("", "the toy (before)", "this model"),
                ("numbers per word", str(toy["d"]), str(size["d"])),
                ("words", str(toy["words"]), str(size["words"])),
                ("attention heads", str(toy["heads"]), str(size["heads"])),
                ("W_Q, W_K, W_V", str(toy["matrices"]), f"{size['d']} \u00d7 {size['k']}")]
        colors = (style.MUTED, style.TEXT, style.FOCUS)  # what is counted, the toy, this model
        cells = [[word_label(text, style.MUTED if r == 0 else colors[c],
                             style.LABEL_SIZE if r == 0 else style.BODY_SIZE)
                  for c, text in enumerate(row)] for r, row in enumerate(rows)]
        table = VGroup(*(cell for row in cells for cell in row))
        table.arrange_in_grid(rows=len(rows), cols=3, buff=(0.7, 0.25), col_alignments="lcc")
        table.cells = cells
        return table

    def model_formulas(self, words: int) -> VGroup:
        """The residual connection and the output layer, each with a note."""
        lines = VGroup()
        for tex, note in ((r"h = x + \text{attention}(x)", "residual: each word keeps its own numbers"),
                          (r"p = \text{softmax}(h\,W_U + b)",
                           f"output layer: a score for each of the {words} words")):
            formula = MathTex(tex).scale(style.MATH_SCALE)
            lines.add(VGroup(formula, word_label(note, style.MUTED, style.SMALL_SIZE)
                             ).arrange(RIGHT, buff=0.4))
        return lines.arrange(DOWN, buff=0.3, aligned_edge=LEFT)

    def adam_lines(self) -> VGroup:
        """g, m, v, the step and the bias correction, each line with a note; the numbers
        are Adam's in :mod:`attention_core.training` and the corpus's learning rate."""
        beta1, beta2 = ADAM_BETAS
        b1, b2, eta = _tex_number(beta1), _tex_number(beta2), _tex_number(self.corpus.training.learning_rate)
        sentences = len(self.corpus.sentences)
        rows = [
            (r"g = \frac{\partial\, \text{loss}}{\partial W}",
             f"the loss averaged over all {sentences} sentences"),
            (rf"m \leftarrow {b1}\, m + {_tex_number(1 - beta1)}\, g", "running average of the gradient"),
            (rf"v \leftarrow {b2}\, v + {_tex_number(1 - beta2)}\, g^2", "running average of its square"),
            (r"W \leftarrow W - \eta\, \frac{\hat m}{\sqrt{\hat v} + \epsilon}", f"\u03b7 = {eta}"),
            (rf"\hat m = \frac{{m}}{{1 - {b1}^{{t}}}},\quad \hat v = \frac{{v}}{{1 - {b2}^{{t}}}},"
             rf"\quad \epsilon = {_tex_number(ADAM_EPS)}", "m, v start at 0; t is the step"),
        ]
        lines = VGroup()
        for tex, note in rows:
            lines.add(VGroup(MathTex(tex).scale(style.MATH_SCALE),
                             word_label(note, style.MUTED, style.SMALL_SIZE)))
        *steps, correction = lines
        formulas = VGroup(*(line[0] for line in steps)).arrange(DOWN, buff=0.35, aligned_edge=LEFT)
        for line in steps:  # the notes in a column right of the formulas
            line[1].next_to(formulas, RIGHT, buff=0.6).match_y(line[0])
        correction[0].scale(0.8).next_to(formulas, DOWN, buff=0.45, aligned_edge=LEFT)
        correction[1].next_to(correction[0], RIGHT, buff=0.4)
        lines.move_to(0.3 * DOWN)
        heading = word_label("The update rule: Adam", style.TEXT, style.HEADING_SIZE)
        lines.insert(1, heading.next_to(lines, UP, buff=0.5))
        return lines

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

    def attends_most_to_decider(self, snap: TrainingSnapshot, probe: Probe) -> bool:
        """Whether ``probe``'s ambiguous word attends most to its decider at ``snap``."""
        return int(np.argmax(self.attention(snap, probe)[probe.focus_index])) == probe.decides_index

    def looks_at(self, snap: TrainingSnapshot, probe: Probe, quoted: bool = False) -> str:
        """``looks at DECIDER``, or, when another word gets more of the ambiguous word's
        attention, ``looks most at OTHER, not at DECIDER``."""
        def q(word: str) -> str:
            return f"\u201c{word}\u201d" if quoted else word
        if self.attends_most_to_decider(snap, probe):
            return f"looks at {q(probe.decides)}"
        top = probe.tokens[int(np.argmax(self.attention(snap, probe)[probe.focus_index]))]
        return f"looks most at {q(top)}, not at {q(probe.decides)}"

    def guesses(self, snap: TrainingSnapshot, probe: Probe) -> list[tuple[str, float]]:
        """The model's top next words after the prompt, with their chances."""
        probs = next_word_probabilities(snap.params, self.trace.vocabulary,
                                        probe.tokens[: self.prompt_end(probe) + 1])
        order = np.argsort(probs)[::-1][:TOP_GUESSES]
        return [(self.trace.vocabulary[i], float(probs[i])) for i in order]

    def top_guess(self, snap: TrainingSnapshot, probe: Probe) -> str:
        """The model's guess as said: ``pie (1.00)``, or ``approved or lent (0.50 each)``
        when the next guesses show the same chance."""
        guesses = self.guesses(snap, probe)
        tied = [word for word, p in guesses if fmt(p) == fmt(guesses[0][1])]
        if len(tied) == 1:
            return f"{tied[0]} ({fmt(guesses[0][1])})"
        return f"{', '.join(tied[:-1])} or {tied[-1]} ({fmt(guesses[0][1])} each)"

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
    def prompt_end(probe: Probe) -> int:
        """The position of the prompt's last word: the focus, or the word before it when the
        focus ends the sentence (a prompt needs a next word to be right about)."""
        return min(probe.focus_index, len(probe.tokens) - 2)

    @classmethod
    def prompt_text(cls, probe: Probe) -> str:
        return " ".join(probe.tokens[: cls.prompt_end(probe) + 1])
