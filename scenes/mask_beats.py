"""The attention-matrix chapter's last beats: the mask as a beat of its own, on one sentence,
its weights with the causal mask (next-word models such as GPT) beside its weights with none
(encoders such as BERT), and what the mask costs the example."""

from __future__ import annotations

import numpy as np
from manim import DOWN, RIGHT, UP, FadeIn, Group, MathTex, VGroup, config

from attention_content.story import decider, focus_attention, look_ahead_sentences
from scenes import style
from scenes.components import sentence_caption, word_color, word_label
from scenes.components.flat import FlatFadeIn, FlatFadeOut
from scenes.components.matrices import MatrixGrid, cell_colors
from scenes.matrix_layout import LABEL_GAP, MAX_CELL, TITLE_GAP, lay_labels_flat, legible, text_size
from scenes.style import fmt

__all__ = ["MASK_GAP", "MASK_TITLES", "MaskBeats"]

MASK_GAP = 1.2  # between the causal and the unmasked grid of the mask's own beats
MASK_TITLES = (("causal mask", "next-word models, such as GPT"), ("no mask", "encoders, such as BERT"))


class MaskBeats:
    """For :class:`~scenes.attention_matrix.AttentionMatrix`: the mask's own beats. The scene
    provides ``example``, ``cell_box`` and the grids the first beat fades out."""

    def mask_sentence(self) -> int:
        """The sentence the mask's own beats show: the first whose decider comes after its
        focus (where the mask costs the story something), else the first."""
        later = look_ahead_sentences(self.example)
        return later[0] if later else 0

    def mask_cells(self, k: int) -> list[tuple[bool, int, int]]:
        """The weights the mask's cost names in sentence ``k``, as (masked grid?, row, column):
        with the decider after the focus, the decider's look at the focus (masked) and the
        focus's look at the decider (no mask); else the focus's look at the decider (masked)."""
        s = self.example.sentences[k]
        f, d = s.focus_index, s.tokens.index(decider(self.example, k))
        return [(True, d, f), (False, f, d)] if d > f else [(True, f, d)]

    def mask_pair(self, k: int) -> Group:
        """Sentence ``k`` alone, under its caption: its weights with the causal mask beside
        its weights with no mask, each titled with what uses it; where the cells are too small
        to print numbers, the weights the next beat names as callouts along the bottom. Cells
        as large as the frame allows, never scaled after they are made (made again smaller
        when the first try does not fit)."""
        ex = self.example
        s = ex.sentences[k]
        n = len(s.tokens)
        traces = {m: focus_attention(ex, k, masked=m) for m in (True, False)}
        caption = sentence_caption(s.text, max_width=config.frame_width - 2 * style.MARGIN)
        caption.to_edge(UP, buff=style.MARGIN)
        label_width = max(text_size(w, style.SMALL_SIZE)[0] for w in s.tokens)
        wide = (config.frame_width - 2 * style.MARGIN - MASK_GAP) / 2 - label_width - LABEL_GAP
        tall = caption.get_bottom()[1] - 0.4 - (-config.frame_height / 2 + style.MARGIN)
        cell = max(0.05, min(MAX_CELL, wide / n, tall / (n + 2)))
        colors = [word_color(ex, w) for w in s.tokens]
        for _ in range(12):
            titles = [VGroup(word_label(name, style.TEXT, style.LABEL_SIZE),
                             word_label(who, style.MUTED, style.SMALL_SIZE)).arrange(DOWN, buff=0.1)
                      for name, who in MASK_TITLES]
            grids = [MatrixGrid(t.weights, cell_colors(np.where(t.mask, t.weights, 0.0), style.FOCUS, 1.0),
                                cell, row_labels=list(s.tokens), col_labels=list(s.tokens),
                                label_colors=colors,
                                numbers="image" if legible(cell) else False,
                                masked=~t.mask if masked else None,
                                always_label=[s.focus_index, s.tokens.index(decider(ex, k))],
                                label_size=style.SMALL_SIZE)
                     for masked, t in traces.items()]
            for grid in grids:  # a long word read across where the short ones beside it leave room
                lay_labels_flat(grid, s.tokens, style.SMALL_SIZE)
            for grid, title in zip(grids, titles, strict=True):
                title.next_to(grid.image, DOWN, buff=TITLE_GAP + 0.1)
            pair = Group(*(Group(g, t) for g, t in zip(grids, titles, strict=True)))
            pair.arrange(RIGHT, buff=MASK_GAP, aligned_edge=UP).next_to(caption, DOWN, buff=0.4).set_x(0)
            notes = VGroup()
            if not grids[0].printed:  # the weights the cost names, written out
                notes = VGroup(*(self.mask_callout(s, traces[m].weights[r, c], r, c) for m, r, c in
                                 self.mask_cells(k))).arrange(RIGHT, buff=0.8)
                notes.to_edge(DOWN, buff=style.MARGIN)
            floor = (notes.get_top()[1] + 0.2 if len(notes) else -config.frame_height / 2 + style.MARGIN)
            if pair.get_bottom()[1] >= floor and pair.width <= config.frame_width - 2 * style.MARGIN:
                break
            cell *= min(0.95, (caption.get_bottom()[1] - 0.4 - floor) / pair.height)
        self.mask_grids, self.mask_notes = grids, notes
        return Group(caption, pair)

    def compare_masks(self) -> None:
        """The mask as a beat of its own: one sentence, causal beside none, and who uses which."""
        k = self.mask_sentence()
        self.beat("mask or none", "Next-word models such as GPT use this causal mask; encoders such as "
                  "BERT use none: there every word sees every word.")
        self.mask_shown = self.mask_pair(k)
        gone = [m for m in (self.q, self.kt, self.weights, self.v, self.output, self.residual, self.formula,
                            self.changed_boxes, self.output_box) if m is not None]
        self.play(FlatFadeOut(*gone), run_time=style.BEAT / 2)
        self.play(FlatFadeIn(self.mask_shown), run_time=style.BEAT / 2)

    def say_what_the_mask_costs(self) -> None:
        """What the mask means for the example, on the sentence shown: where the decider comes
        after the focus, the focus cannot see it, the decider still sees the focus, and the
        chapters before used no mask (so their numbers stand)."""
        ex = self.example
        k = self.mask_sentence()
        s = ex.sentences[k]
        f, d = s.focus_index, s.tokens.index(decider(ex, k))
        causal, full = self.mask_grids
        word = s.tokens[d]
        if d > f:
            line = (f"Here {word} comes after {s.focus}: masked, {s.focus} cannot see it, but {word} sees "
                    f"{s.focus} ({fmt(causal.values[d, f])}). Unmasked, as so far, {s.focus} gives {word} "
                    f"{fmt(full.values[f, d])}.")
            boxes = [self.cell_box(causal, f, d, style.NEGATIVE), self.cell_box(causal, d, f),
                     self.cell_box(full, f, d)]
        else:
            masked, unmasked = fmt(causal.values[f, d]), fmt(full.values[f, d])
            if masked == unmasked:
                line = (f"Here {word} comes before {s.focus}: masked or not, {s.focus} sees it "
                        f"({masked} both ways), so the mask costs this example nothing.")
            else:  # the later words it no longer sees share the weight out differently
                line = (f"Here {word} comes before {s.focus}: masked or not, {s.focus} sees it ({masked} "
                        f"masked, {unmasked} not), so the mask does not hide the word that decides.")
            boxes = [self.cell_box(causal, f, d), self.cell_box(full, f, d)]
        self.beat("what the mask costs", line)
        self.mask_boxes = VGroup(*boxes, self.mask_notes)
        self.play(FadeIn(self.mask_boxes), run_time=style.BEAT)

    def mask_callout(self, s: object, weight: float, row: int, col: int) -> VGroup:
        """``word → word  0.50``: a weight of a mask grid too small to print it."""
        words = s.tokens
        value = MathTex(fmt(float(weight))).scale(style.MATH_SCALE)
        group = VGroup(word_label(words[row], word_color(self.example, words[row]), style.BODY_SIZE),
                       word_label("\u2192", style.TEXT, style.BODY_SIZE),
                       word_label(words[col], word_color(self.example, words[col]), style.BODY_SIZE), value)
        return group.arrange(RIGHT, buff=0.2)
