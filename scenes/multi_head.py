r"""Multi-head attention: several heads look at the sentence in different ways.

    \mathrm{head}_h = \mathrm{softmax}(Q_h K_h^T / \sqrt{d_k}) V_h
    \mathrm{MultiHead}(X) = [\mathrm{head}_1, \dots, \mathrm{head}_H]\, W_O

Each head has its own W_Q, W_K, W_V and so its own attention picture of the sentence; the
ambiguous word's outputs from all heads are put side by side into one long vector, and W_O
maps that back to the model's dimension.

Render: ``manim -ql scenes/multi_head.py MultiHeadAttention`` (from the repo root).
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, FadeIn, Group, MathTex, Rectangle, Write

from attention_core import MultiHeadTrace, multi_head_attention
from scenes import style
from scenes.base import ExplainerScene
from scenes.components import sentence_caption, word_color
from scenes.components.flat import FlatFadeIn
from scenes.components.matrices import MatrixGrid, cell_colors, printed_numbers, signed_colors
from scenes.style import fmt

__all__ = ["MultiHeadAttention"]

HEADS_WIDTH = 11.0  # scene units shared by the heads' heat maps
MAX_GRID = 2.4  # the largest side of one head's heat map
VECTOR_CELL = 0.55  # cell size of the concatenated vector, W_O and the output


class MultiHeadAttention(ExplainerScene):
    """Each head's weights, the focus's concatenated outputs, and W_O."""

    title = "Multi-head attention"

    def construct(self) -> None:
        self.sentence = self.example.sentences[0]
        x = self.example.embeddings(self.sentence)
        self.trace: MultiHeadTrace = multi_head_attention(
            x, [h.weights for h in self.example.heads], self.example.w_o)
        self.show_title_card()
        self.show_heads()
        self.concatenate()
        self.map_back()
        self.wait(style.BEAT)

    # -- beats

    def show_heads(self) -> None:
        s, i = self.sentence, self.sentence.focus_index
        favourites = [s.tokens[int(np.argmax(h.weights[i]))] for h in self.trace.heads]
        names = [h.name for h in self.example.heads]
        said = "; ".join(f"head \"{n}\" looks most at {w} ({fmt(float(np.max(h.weights[i])))})"
                         for n, w, h in zip(names, favourites, self.trace.heads, strict=True))
        self.beat("heads", f"In \"{s.text}\", each head has its own queries, keys and values, so its "
                  f"own picture of the sentence: {said}.")
        self.caption = sentence_caption(s.text)
        self.caption.to_edge(UP, buff=style.MARGIN)
        count, n = len(self.trace.heads), len(s.tokens)
        side = min(MAX_GRID, (HEADS_WIDTH - 0.9 * count) / count)
        colors = [word_color(self.example, w) for w in s.tokens]
        self.grids = Group()
        for name, head in zip(names, self.trace.heads, strict=True):
            grid = MatrixGrid(head.weights, cell_colors(head.weights, style.FOCUS, 1.0), side / n,
                              row_labels=s.tokens, col_labels=s.tokens, title=f"head \u201c{name}\u201d",
                              label_colors=colors, title_below=True, numbers=printed_numbers(side / n),
                              always_label=[s.focus_index])
            self.grids.add(grid)
        self.grids.arrange(RIGHT, buff=0.9).next_to(self.caption, DOWN, buff=0.4)
        self.focus_boxes = Group(*(
            Rectangle(width=g.cell * n, height=g.cell, color=style.FOCUS, stroke_width=3)
            .move_to(g.row_box(i).mean(axis=0)) for g in self.grids))
        self.play(FlatFadeIn(self.caption, self.grids), run_time=style.BEAT)
        self.play(FadeIn(self.focus_boxes), run_time=style.BEAT)
        self.wait(2 * style.PAUSE)

    def concatenate(self) -> None:
        i = self.sentence.focus_index
        row = self.trace.concatenated[i : i + 1]  # (1, H * d_v)
        self.beat("concatenate", f"{self.sentence.focus}'s output from every head, side by side: one "
                  f"vector of {row.shape[1]} numbers.")
        self.concat = MatrixGrid(row, signed_colors(row, style.VALUE), VECTOR_CELL, title="concat",
                                 title_color=style.VALUE, title_below=True, numbers="image")
        self.concat.to_edge(DOWN, buff=1.3).shift(3.5 * LEFT)
        pieces = Group(*(Rectangle(width=g.cell * len(self.sentence.tokens), height=g.cell,
                                   color=style.VALUE, stroke_width=3).move_to(g.row_box(i).mean(axis=0))
                         for g in self.grids))
        self.play(FadeIn(pieces), run_time=style.BEAT / 2)
        self.play(*(p.animate.move_to(self.concat.image) for p in pieces), FadeIn(self.concat),
                  run_time=style.BEAT)
        self.remove(*pieces)
        self.wait(style.PAUSE + style.BEAT / 2)

    def map_back(self) -> None:
        i = self.sentence.focus_index
        out = self.trace.output[i : i + 1]  # (1, d)
        self.beat("W_O", f"W_O maps the long vector back to {out.shape[1]} numbers: "
                  f"{self.sentence.focus} becomes ({', '.join(fmt(v) for v in out[0])}).")
        w_o = self.trace.w_o
        self.w_o = MatrixGrid(w_o, signed_colors(w_o, style.KEY), VECTOR_CELL * 0.8, title="W_O",
                              title_color=style.KEY, title_below=True, numbers="image")
        self.output = MatrixGrid(out, signed_colors(out, style.FOCUS), VECTOR_CELL, title="output",
                                 title_color=style.FOCUS, title_below=True, numbers="image")
        times = MathTex(r"\times").next_to(self.concat.image, RIGHT, buff=0.3)
        self.w_o.next_to(times, RIGHT, buff=0.3)
        equals = MathTex("=").next_to(self.w_o.image, RIGHT, buff=0.3)
        self.output.next_to(equals, RIGHT, buff=0.3)
        self.formula = MathTex(r"\mathrm{MultiHead}(X) = [\mathrm{head}_1, \dots, \mathrm{head}_H]\, W_O")
        self.formula.scale(style.MATH_SCALE).to_corner(DOWN + RIGHT, buff=style.MARGIN)
        self.play(FadeIn(times), FadeIn(self.w_o), run_time=style.BEAT)
        self.play(FadeIn(equals), FadeIn(self.output), Write(self.formula), run_time=style.BEAT)
        self.wait(2 * style.PAUSE)
