r"""Every pair of words: the similarity table of a sentence.

    S_{ij} = \vec x_i \cdot \vec x_j          C_{ij} = \cos\theta_{ij}

The table of a sentence fills in cell by cell, the ambiguous word's row first; the scene
names the other word with the largest dot product in that row (and the focus's own entry,
which is not a neighbour). Then the same table with cosines, and its largest other entry.
Back to the dot products, which attention uses, for the other sentence: its row has its own
winner. The scene says that the winner is the word that decides the meaning only when
:mod:`attention_content.story`'s claims hold; otherwise it names the winner and the decider
with their numbers.

Render: ``manim -ql scenes/similarity_table.py SimilarityTable`` (from the repo root).
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    DashedVMobject,
    FadeIn,
    FadeOut,
    LaggedStart,
    MathTex,
    Rectangle,
    VGroup,
    config,
)

from attention_content import story
from attention_content.example_types import Sentence
from attention_core import SimilarityMatrixTrace, similarity_matrix
from scenes import style
from scenes.base import ExplainerScene
from scenes.components import sentence_caption, word_color, word_label
from scenes.components.captions import shorten
from scenes.components.flat import FlatFadeIn, FlatFadeOut
from scenes.components.lists import WordValues
from scenes.components.matrices import MatrixGrid, PixelCrossfade, printed_numbers, signed_colors
from scenes.style import fmt

__all__ = ["SimilarityTable", "and_list", "tied_at_top"]

TABLE_SIDE = 4.8  # scene units of the n x n table, whatever n is
SAID_CHARS = 40  # a longer sentence is shortened in the narration (the caption shows it whole)
TABLE_CENTER = 0.2 * LEFT + 0.55 * DOWN  # room for the formula on its left, the ranked row on its right
RANKED_ROWS = 6  # the focus's row, ranked beside the table, shows at most this many entries


def tied_at_top(ranked: tuple[story.Neighbour, ...]) -> list[str]:
    """The words whose value prints as the first's (two decimals): they tie as far as a
    student can see, and are never ranked in words.

    >>> tied_at_top((story.Neighbour("a", 6.021), story.Neighbour("b", 6.018), story.Neighbour("c", 1.0)))
    ['a', 'b']
    """
    return [n.word for n in ranked if fmt(n.value) == fmt(ranked[0].value)]


def and_list(words: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" and {words[-1]}"


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
        self.formula = self.formula_for("dot")
        blank = self.table_for(sentence, self.trace, "dot products", numbers=False)
        self.play(FlatFadeIn(self.caption, blank), FadeIn(self.formula), run_time=style.BEAT)
        # the focus's row cell by cell, then the rest at once
        i = sentence.focus_index
        row = [self.table.cell_image(i, j) for j in range(len(sentence.tokens))]
        self.play(LaggedStart(*(FadeIn(c) for c in row), lag_ratio=0.5), run_time=style.BEAT)
        self.play(FadeIn(self.table.image), run_time=style.BEAT)
        self.remove(blank, *row, self.table.image)  # the image once, as a part of its table
        self.add(self.table)
        self.marks: list = []

    def focus_row(self, number: int) -> None:
        """Name the other word with the focus's largest dot product; the decider when the
        claim holds, else the winner and the decider with their numbers. Words whose dot
        products print alike are said to tie, never ranked."""
        sentence = self.example.sentences[number]
        f = sentence.focus
        ranked = story.neighbours(self.example, number, "dot")
        top, tied = ranked[0], tied_at_top(ranked)
        decider = story.decider(self.example, number)
        if len(tied) > 1:
            line = (f"In {f}'s row, {and_list(tied)} tie for the largest dot product with another word, "
                    f"{fmt(top.value)}")
        else:
            line = (f"In {f}'s row, the largest dot product with another word is {top.word}'s, "
                    f"{fmt(top.value)}")
        if story.claim(self.example, "top_dot_is_decider", number).holds and len(tied) == 1:
            own = self.trace.matrix[sentence.focus_index, sentence.focus_index]
            line += f" ({f} with itself: {fmt(own)})."
            other = sentence.focus_index
        elif decider in tied:  # the top boxed, the decider dashed: the two that tie
            line += "."
            other = sentence.tokens.index(decider if decider != top.word else tied[1])
        else:
            other = sentence.tokens.index(decider)
            line += f"; {decider}'s is {fmt(self.trace.matrix[sentence.focus_index, other])}."
        self.beat("focus row" if number == 0 else "other row", line)
        self.mark(sentence, top.word, other)
        if not story.claim(self.example, "top_dot_is_decider", number).holds:
            self.draw_the_lesson(number)

    def draw_the_lesson(self, number: int) -> None:
        """Where the raw dot products do not single out the decider, a beat of its own says
        what that shows, the table held: keys and queries help when the story's
        ``head_sharpens`` claim holds."""
        sentence = self.example.sentences[number]
        decider = story.decider(self.example, number)
        helps = story.claim(self.example, "head_sharpens", number).holds
        ahead = "keys and queries, later, help." if helps else "later chapters look for what does."
        self.beat(f"lesson {number + 1}", f"Raw dot products do not single out {decider}, the word that "
                  f"decides {sentence.focus} here; {ahead}")

    def switch_to_cosine(self, sentence: Sentence) -> None:
        self.beat("cosines", "The same table with cosines, between -1 and 1: only the directions "
                  "count, not the lengths.")
        cosines = self.similarities(sentence, "cosine")
        table = self.table_for(sentence, cosines, "cosines")
        formula = self.formula_for("cosine")
        # The dot products' numbers fade out as the cells take the cosines' colours, and only
        # then do the cosines' numbers fade in: never one number over another. The labels stay.
        old = self.table
        self.play(*(FadeOut(m) for m in self.marks), FadeOut(self.formula), old.title.animate.set_opacity(0),
                  PixelCrossfade(old.image, self.bare_pixels(table)), run_time=0.75 * style.BEAT)
        self.play(PixelCrossfade(old.image, table.image.pixel_array), FadeIn(table.title), FadeIn(formula),
                  run_time=0.75 * style.BEAT)
        self.remove(old, table.title)
        self.add(table)  # what the old table shows now, with its own numbers and title
        self.formula = formula
        self.table, self.trace, self.marks = table, cosines, []

    def cosine_row(self, number: int) -> None:
        sentence = self.example.sentences[number]
        f = sentence.focus
        ranked = story.neighbours(self.example, number, "cosine")
        top, tied = ranked[0], tied_at_top(ranked)
        decider = story.decider(self.example, number)
        if len(tied) > 1:
            line = f"By cosine, {and_list(tied)} tie as {f}'s most similar other words: {fmt(top.value)}"
            other = None if decider in tied else sentence.tokens.index(decider)
            if other is not None:
                line += f"; {decider} has {fmt(self.trace.matrix[sentence.focus_index, other])}"
            line += "."
        elif story.claim(self.example, "top_cosine_is_decider", number).holds:
            dot_tied = len(tied_at_top(story.neighbours(self.example, number, "dot"))) > 1
            dot_holds = story.claim(self.example, "top_dot_is_decider", number).holds and not dot_tied
            too = ", too," if dot_holds else ""
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
        formula = self.formula_for("dot")
        # Everything goes before the next sentence's caption, table and formula come.
        self.play(FlatFadeOut(self.table, *self.marks, self.caption, self.formula), run_time=style.BEAT / 2)
        self.play(FlatFadeIn(table, caption, formula), run_time=style.BEAT / 2)
        self.table, self.trace, self.caption, self.marks, self.formula = table, trace, caption, [], formula

    # -- helpers

    def mark(self, sentence: Sentence, winner: str, other: int | None) -> None:
        """A box on the focus's cell for ``winner`` and a dashed one on column ``other`` (the
        focus itself, or the decider when it is not the winner); beside the table, the focus's
        row ranked, largest first, with the same marks."""
        i = sentence.focus_index
        self.box = self.cell_box(self.table.cell_center(i, sentence.tokens.index(winner)), self.table.cell)
        self.marks = [self.box]
        if other is not None:
            self.other_box = self.cell_box(self.table.cell_center(i, other), self.table.cell, dashed=True)
            self.marks.append(self.other_box)
        self.ranking = self.ranking_for(sentence, winner, other)
        self.marks.append(self.ranking)
        self.play(*(FadeIn(m) for m in self.marks), run_time=style.BEAT)

    def ranking_for(self, sentence: Sentence, winner: str, other: int | None) -> VGroup:
        """The focus's row, largest first (at most :data:`RANKED_ROWS` entries, always the
        winner and ``other``), the focus's own entry called "itself", the winner boxed."""
        i = sentence.focus_index
        row = self.trace.matrix[i]
        order = sorted(range(len(row)), key=lambda j: -row[j])
        shown = order[:RANKED_ROWS]
        for must in (sentence.tokens.index(winner), other):
            if must is not None and must not in shown:
                shown[-1] = must
        shown.sort(key=lambda j: -row[j])
        names = [f"{w} (itself)" if j == i else w for j, w in ((j, sentence.tokens[j]) for j in shown)]
        ranking = WordValues(f"{sentence.focus}'s row, largest first",
                             [(name, [row[j]]) for name, j in zip(names, shown, strict=True)],
                             [word_color(self.example, sentence.tokens[j]) for j in shown])
        ranking.next_to(self.table, RIGHT, buff=0.5).match_y(self.table.image)
        room = config.frame_width / 2 - style.MARGIN - ranking.get_left()[0]
        if ranking.width > room:  # long words: shrink to the room beside the table
            ranking.scale_to_fit_width(room).align_to(self.table, RIGHT).shift(
                (self.table.get_right()[0] + 0.5 - ranking.get_left()[0]) * RIGHT)
        self.ranked_box = ranking.box(shown.index(sentence.tokens.index(winner)))
        return VGroup(ranking, self.ranked_box)

    @staticmethod
    def bare_pixels(table: MatrixGrid) -> np.ndarray:
        """``table``'s image without the numbers printed into it: each cell its colour, at the
        same size (RGBA, as ``table.image.pixel_array``)."""
        rows, cols = table.values.shape
        height, width = table.image.pixel_array.shape[:2]
        rgb = (np.clip(table.colors, 0, 1) * 255).astype(np.uint8)
        cells = np.concatenate([rgb, np.full((rows, cols, 1), 255, dtype=np.uint8)], axis=2)
        return np.repeat(np.repeat(cells, height // rows, axis=0), width // cols, axis=1)

    @staticmethod
    def cell_box(center, cell: float, dashed: bool = False) -> Rectangle | DashedVMobject:
        """A frame around a cell: solid in the focus colour, or dashed."""
        if not dashed:
            return Rectangle(width=cell, height=cell, color=style.FOCUS, stroke_width=4).move_to(center)
        frame = Rectangle(width=cell, height=cell, color=style.TEXT, stroke_width=3)
        return DashedVMobject(frame, num_dashes=16).move_to(center)

    def formula_for(self, kind: str) -> VGroup:
        """What a cell holds, on the left of the table, and what i and j are (no symbol
        undefined): ``[formula, note]``."""
        tex = (r"S_{ij} = \vec x_i \cdot \vec x_j" if kind == "dot" else
               r"C_{ij} = \frac{\vec x_i \cdot \vec x_j}{|\vec x_i|\,|\vec x_j|}")
        formula = MathTex(tex).scale(style.MATH_SCALE)
        note = word_label("row i, column j", style.MUTED, style.SMALL_SIZE)
        group = VGroup(formula, note).arrange(DOWN, buff=0.25, aligned_edge=LEFT)
        return group.to_edge(LEFT, buff=style.MARGIN).match_y(self.table.image)

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
        table.move_to(TABLE_CENTER)
        return table
