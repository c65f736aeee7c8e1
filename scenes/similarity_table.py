r"""Every pair of words: the similarity table of a sentence.

    S_{ij} = \vec x_i \cdot \vec x_j          C_{ij} = \cos\theta_{ij}

The table of a sentence fills in cell by cell, the ambiguous word's row first; then the
same table with cosines. In the other sentence the ambiguous word's row has a different
winner: its neighbours, not the word itself, decide what it means.

Render: ``manim -ql scenes/similarity_table.py SimilarityTable`` (from the repo root).
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, UP, FadeIn, LaggedStart, Rectangle, ReplacementTransform

from attention_core import SimilarityMatrixTrace, similarity_matrix
from attention_core.examples import Sentence
from scenes import style
from scenes.base import ExplainerScene
from scenes.components import sentence_caption, word_color
from scenes.components.flat import FlatFadeIn, FlatFadeOut
from scenes.components.matrices import MatrixGrid, printed_numbers, signed_colors
from scenes.style import fmt

__all__ = ["SimilarityTable"]

TABLE_SIDE = 4.4  # scene units of the n x n table, whatever n is



class SimilarityTable(ExplainerScene):
    """The dot-product and cosine tables of the example's sentences."""

    title = "The similarity table"

    def construct(self) -> None:
        self.show_title_card()
        first, *rest = self.example.sentences[:2]
        self.fill_table(first)
        self.switch_to_cosine(first)
        for sentence in rest:
            self.other_sentence(sentence)
        self.wait(style.BEAT)

    # -- beats

    def fill_table(self, sentence: Sentence) -> None:
        self.trace: SimilarityMatrixTrace = self.similarities(sentence, "dot")
        winner = self.winner(sentence, self.trace)
        self.beat("dot products", f"Every word against every word: the dot products of \"{sentence.text}\". "
                  f"In {sentence.focus}'s row the largest, apart from itself, is {winner} "
                  f"({fmt(self.trace.matrix[sentence.focus_index, sentence.tokens.index(winner)])}).")
        self.table = self.table_for(sentence, self.trace, "dot products")
        self.caption = sentence_caption(sentence.text)
        self.caption.to_edge(UP, buff=style.MARGIN)
        blank = self.table_for(sentence, self.trace, "dot products", numbers=False)
        self.play(FlatFadeIn(self.caption, blank), run_time=style.BEAT)
        # the focus's row cell by cell, then the rest at once
        i = sentence.focus_index
        row = [self.table.cell_image(i, j) for j in range(len(sentence.tokens))]
        self.play(LaggedStart(*(FadeIn(c) for c in row), lag_ratio=0.5), run_time=style.BEAT)
        self.play(FadeIn(self.table.image), run_time=style.BEAT)
        self.remove(blank, *row)
        self.add(self.table)
        self.box = self.winner_box(sentence, self.table, winner)
        self.play(FadeIn(self.box), run_time=style.BEAT)
        self.wait(style.PAUSE)

    def switch_to_cosine(self, sentence: Sentence) -> None:
        cosines = self.similarities(sentence, "cosine")
        winner = self.winner(sentence, cosines)
        self.beat("cosines", f"The same table with cosines, between -1 and 1: lengths no longer count. "
                  f"{sentence.focus}'s closest direction is {winner}.")
        table = self.table_for(sentence, cosines, "cosines")
        box = self.winner_box(sentence, table, winner)
        self.play(ReplacementTransform(self.table, table), ReplacementTransform(self.box, box),
                  run_time=style.BEAT)
        self.table, self.box, self.trace = table, box, cosines
        self.wait(style.PAUSE + style.BEAT)

    def other_sentence(self, sentence: Sentence) -> None:
        trace = self.similarities(sentence, "dot")
        winner = self.winner(sentence, trace)
        self.beat("other sentence", f"In \"{sentence.text}\" the same {sentence.focus} has a different "
                  f"row: now {winner} is the closest, "
                  f"{fmt(trace.matrix[sentence.focus_index, sentence.tokens.index(winner)])}.")
        table = self.table_for(sentence, trace, "dot products")
        caption = sentence_caption(sentence.text)
        caption.move_to(self.caption)
        box = self.winner_box(sentence, table, winner)
        self.play(FlatFadeOut(self.table, self.box), ReplacementTransform(self.caption, caption),
                  run_time=style.BEAT / 2)
        self.play(FlatFadeIn(table), run_time=style.BEAT / 2)
        self.play(FadeIn(box), run_time=style.BEAT)
        self.table, self.box, self.caption, self.trace = table, box, caption, trace
        self.wait(style.PAUSE + style.BEAT)

    # -- helpers

    def similarities(self, sentence: Sentence, kind: str) -> SimilarityMatrixTrace:
        e = self.example.embeddings(sentence)
        return similarity_matrix(e, e, kind=kind)  # type: ignore[arg-type]

    def winner(self, sentence: Sentence, trace: SimilarityMatrixTrace) -> str:
        """The word, other than the focus itself, with the focus's largest similarity."""
        row = trace.matrix[sentence.focus_index].copy()
        row[sentence.focus_index] = -np.inf
        return sentence.tokens[int(np.argmax(row))]

    def table_for(self, sentence: Sentence, trace: SimilarityMatrixTrace, title: str,
                  numbers: bool | None = None) -> MatrixGrid:
        """The table, its numbers printed into its image when the cells can hold them
        (``numbers=False``: the bare heat map)."""
        colors = [word_color(self.example, w) for w in sentence.tokens]
        vmax = 1.0 if trace.kind == "cosine" else None
        cell = TABLE_SIDE / len(sentence.tokens)
        table = MatrixGrid(trace.matrix, signed_colors(trace.matrix, style.POSITIVE, vmax), cell,
                           row_labels=sentence.tokens, col_labels=sentence.tokens, title=title,
                           label_colors=colors, title_below=True,
                           numbers=printed_numbers(cell) if numbers is None else numbers,
                           always_label=[sentence.focus_index])
        table.move_to(0.35 * DOWN)
        return table

    def winner_box(self, sentence: Sentence, table: MatrixGrid, winner: str) -> Rectangle:
        i, j = sentence.focus_index, sentence.tokens.index(winner)
        return Rectangle(width=table.cell, height=table.cell, color=style.FOCUS,
                         stroke_width=4).move_to(table.cell_center(i, j))
