r"""Every pair of words: the similarity table of a sentence.

    S_{ij} = \vec x_i \cdot \vec x_j          C_{ij} = \cos\theta_{ij}

The table of a sentence fills in cell by cell, the ambiguous word's row first; the scene
names the other word with the largest dot product in that row (and the focus's own entry,
which is not a neighbour). Then the same table with cosines, and its largest other entry.
Back to the dot products, which attention uses, for the other sentence: its row has its own
winner. The scene says that the winner is the word that decides the meaning only when
:mod:`attention_core.story`'s claims hold; otherwise it names the winner and the decider
with their numbers.

Render: ``manim -ql scenes/similarity_table.py SimilarityTable`` (from the repo root).
"""

from __future__ import annotations

from manim import DOWN, UP, DashedVMobject, FadeIn, FadeOut, LaggedStart, Rectangle, ReplacementTransform

from attention_core import SimilarityMatrixTrace, similarity_matrix, story
from attention_core.examples import Sentence
from scenes import style
from scenes.base import ExplainerScene
from scenes.components import sentence_caption, word_color
from scenes.components.captions import shorten
from scenes.components.flat import FlatFadeIn, FlatFadeOut
from scenes.components.matrices import MatrixGrid, printed_numbers, signed_colors
from scenes.style import fmt

__all__ = ["SimilarityTable"]

TABLE_SIDE = 4.4  # scene units of the n x n table, whatever n is
SAID_CHARS = 40  # a longer sentence is shortened in the narration (the caption shows it whole)


class SimilarityTable(ExplainerScene):
    """The dot-product and cosine tables of the example's sentences."""

    title = "The similarity table"

    def construct(self) -> None:
        self.show_title_card()
        first, *rest = self.example.sentences[:2]
        self.fill_table(first)
        self.focus_row(0)
        self.switch_to_cosine(first)
        self.cosine_row(0)
        for sentence in rest:
            self.other_sentence(sentence)
            self.focus_row(1)

    # -- beats

    def fill_table(self, sentence: Sentence) -> None:
        self.beat("dot products", "Every word against every word: the dot products of "
                  f"\u201c{shorten(sentence.text, SAID_CHARS)}\u201d.")
        self.trace: SimilarityMatrixTrace = self.similarities(sentence, "dot")
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
        self.marks: list = []

    def focus_row(self, number: int) -> None:
        """Name the other word with the focus's largest dot product; the decider when the
        claim holds, else the winner and the decider with their numbers."""
        sentence = self.example.sentences[number]
        f = sentence.focus
        top = story.neighbours(self.example, number, "dot")[0]
        line = (f"In {f}'s row, the largest dot product with another word is {top.word}'s, "
                f"{fmt(top.value)}")
        if story.claim(self.example, "top_dot_is_decider", number).holds:
            own = self.trace.matrix[sentence.focus_index, sentence.focus_index]
            line += f" ({f} with itself: {fmt(own)})."
            other = sentence.focus_index
        else:
            decider = story.decider(self.example, number)
            other = sentence.tokens.index(decider)
            line += f"; {decider}'s is {fmt(self.trace.matrix[sentence.focus_index, other])}."
        self.beat("focus row" if number == 0 else "other row", line)
        self.mark(sentence, top.word, other)

    def switch_to_cosine(self, sentence: Sentence) -> None:
        self.beat("cosines", "The same table with cosines, between -1 and 1: only the directions "
                  "count, not the lengths.")
        cosines = self.similarities(sentence, "cosine")
        table = self.table_for(sentence, cosines, "cosines")
        self.play(*(FadeOut(m) for m in self.marks), ReplacementTransform(self.table, table),
                  run_time=style.BEAT)
        self.table, self.trace, self.marks = table, cosines, []

    def cosine_row(self, number: int) -> None:
        sentence = self.example.sentences[number]
        f = sentence.focus
        top = story.neighbours(self.example, number, "cosine")[0]
        decider = story.decider(self.example, number)
        if story.claim(self.example, "top_cosine_is_decider", number).holds:
            too = ", too," if story.claim(self.example, "top_dot_is_decider", number).holds else ""
            line = f"By cosine{too} {decider} is {f}'s most similar other word: {fmt(top.value)}."
            other = None
        else:
            other = sentence.tokens.index(decider)
            line = (f"By cosine, {f}'s most similar other word is {top.word}, {fmt(top.value)}; "
                    f"{decider} has {fmt(self.trace.matrix[sentence.focus_index, other])}.")
        self.beat("cosine row", line)
        self.mark(sentence, top.word, other)

    def other_sentence(self, sentence: Sentence) -> None:
        self.beat("other sentence", "Back to the dot products, which attention uses, for "
                  f"\u201c{shorten(sentence.text, SAID_CHARS)}\u201d.")
        trace = self.similarities(sentence, "dot")
        table = self.table_for(sentence, trace, "dot products")
        caption = sentence_caption(sentence.text)
        caption.move_to(self.caption)
        self.play(FlatFadeOut(self.table), *(FadeOut(m) for m in self.marks),
                  ReplacementTransform(self.caption, caption), run_time=style.BEAT / 2)
        self.play(FlatFadeIn(table), run_time=style.BEAT / 2)
        self.table, self.trace, self.caption, self.marks = table, trace, caption, []

    # -- helpers

    def mark(self, sentence: Sentence, winner: str, other: int | None) -> None:
        """A box on the focus's cell for ``winner`` and a dashed one on column ``other`` (the
        focus itself, or the decider when it is not the winner)."""
        i = sentence.focus_index
        self.box = Rectangle(width=self.table.cell, height=self.table.cell, color=style.FOCUS,
                             stroke_width=4).move_to(self.table.cell_center(i, sentence.tokens.index(winner)))
        self.marks = [self.box]
        if other is not None:
            ring = Rectangle(width=self.table.cell, height=self.table.cell, color=style.TEXT, stroke_width=3)
            self.other_box = DashedVMobject(ring, num_dashes=16).move_to(self.table.cell_center(i, other))
            self.marks.append(self.other_box)
        self.play(*(FadeIn(m) for m in self.marks), run_time=style.BEAT)

    def similarities(self, sentence: Sentence, kind: str) -> SimilarityMatrixTrace:
        e = self.example.embeddings(sentence)
        return similarity_matrix(e, e, kind=kind)  # type: ignore[arg-type]

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
