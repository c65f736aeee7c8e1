"""The keys chapter's second half: a head divides its scores by sqrt(d_k) (said once, with its
reason and its assumptions), and the weights under that rule, raw beside through the head, for
each shown sentence."""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, Create, FadeIn, VGroup, config

from attention_content import story as facts
from scenes import style
from scenes.components import word_label
from scenes.components.flat import FlatFadeIn, FlatFadeOut
from scenes.key_bars import BAR_WIDTH, BLOCK_GAP, COLUMN_MATH, NOTE_SIZE, column_left
from scenes.key_formulas import (
    SCALE_IS_A_TEMPERATURE,
    WHY_SCALE,
    quoted,
    scaling_lines,
    temperature_text,
    versus,
)
from scenes.style import fmt

__all__ = ["ScaledWeights"]

SCALE_GAP = 0.3  # between the lines of the scaling's explanation


class ScaledWeights:
    """For :class:`~scenes.keys_and_queries.KeysAndQueries`: the scaling's beats and the
    weights compared under it. The scene provides the plane's views, the rows of bars and
    their titles, the caption, the maps and the score formulas."""

    def scaling_panel(self) -> VGroup:
        """Why a head divides by sqrt(d_k), one line at a time, in the right-hand column under
        the caption: d_k and its root; q . k as a sum of d_k products; the assumptions; the
        variance; the variance after dividing; the temperature."""
        lines = VGroup(*scaling_lines(self.traces[0].keys.shape[1]))
        lines.arrange(DOWN, aligned_edge=LEFT, buff=SCALE_GAP).scale(style.MATH_SCALE * COLUMN_MATH)
        room = self.caption.get_bottom()[1] - BLOCK_GAP - (-config.frame_height / 2 + style.MARGIN)
        lines.scale(min(1.0, BAR_WIDTH / lines.width, room / lines.height))
        lines.next_to(self.caption, DOWN, buff=BLOCK_GAP)
        return lines.shift((column_left() - lines.get_left()[0]) * RIGHT)

    def scale_by_root(self) -> None:
        d_k = self.traces[0].keys.shape[1]
        self.beat("scale", f"A head divides each score by √d_k, where d_k is how many numbers a key holds: "
                  f"here {d_k}, so by {fmt(np.sqrt(d_k))}.")
        self.scaling = self.scaling_panel()
        self.play(FlatFadeOut(self.maps, *self.formulas[0]), run_time=style.BEAT / 2)
        self.play(FlatFadeIn(self.scaling[0]), run_time=style.BEAT / 2)

    def explain_scale(self) -> None:
        self.beat("why scale", WHY_SCALE)
        self.play(FlatFadeIn(*self.scaling[1:4], shift=0.1 * DOWN), run_time=style.BEAT)

    def scale_is_a_temperature(self) -> None:
        self.beat("temperature", SCALE_IS_A_TEMPERATURE)
        self.play(FlatFadeIn(*self.scaling[4:], shift=0.1 * DOWN), run_time=style.BEAT)

    def rescale_raw(self) -> None:
        """The raw row under the rule now in force: divided by sqrt(d_k), as the head's will be,
        with what the first beat showed at the softmax chapter's T (a note under the row, where
        the head's row's title comes next), so the number that changes is said to change, and why."""
        s, d = self.example.sentences[0], self.decider_index(0)
        first, scaled = self.raw(0), self.raw_scaled(0)
        t = temperature_text(self.example.knobs.temperature)
        self.beat("raw scaled", f"The raw row is divided by √d_k too: {s.tokens[d]} gets {fmt(scaled[d])} of "
                  f"{s.focus}'s attention (at T = {t} it was {fmt(first[d])}).")
        self.was_note = word_label(f"{s.tokens[d]} at T = {t}: {fmt(first[d])}", style.MUTED, NOTE_SIZE)
        # where the head's row's title comes next (free until then): the title line's right end
        # may hold the row's rounding note
        self.was_note.scale(self.rows_shrink).move_to(self.after_title, aligned_edge=LEFT)
        self.play(FlatFadeOut(*self.scaling), run_time=style.BEAT / 2)
        self.play(FlatFadeIn(self.scaled_title, *self.row(self.before_bars), self.was_note),
                  run_time=style.BEAT / 2)

    def compare_weights(self) -> None:
        s, d = self.example.sentences[0], self.decider_index(0)
        before, after = self.raw_scaled(0), self.through_head(0)
        if facts.claim(self.example, "head_sharpens", 0).holds:
            said = (f"With √d_k in both rows, {s.tokens[d]} gets {fmt(after[d])} of {s.focus}'s attention "
                    f"through the head, up from {fmt(before[d])} raw.")
        else:
            said = (f"With √d_k in both rows, {s.tokens[d]} gets {fmt(after[d])} through the head, "
                    f"{versus(after[d], before[d])} raw.")
        self.beat("after", said)
        self.play(FlatFadeOut(self.was_note), FadeIn(self.after_title),
                  *(FadeIn(m) for m in self.row(self.after_bars)), run_time=style.BEAT)
        self.say_the_lesson(0)

    def say_the_lesson(self, k: int) -> None:
        """Where the head does not sharpen the focus's look at its decider, what that teaches:
        a head looks where its maps point (named from the numbers), and these were set by hand;
        the figure holds while it is said. Nothing when the head does sharpen it."""
        if facts.claim(self.example, "head_sharpens", k).holds:
            return
        s, d = self.example.sentences[k], self.decider_index(k)
        after = self.through_head(k)
        top = int(np.argmax(after))
        if top == d:
            said = (f"The lesson: a head looks where its maps point. These, set by hand, do not sharpen "
                    f"{s.focus}'s look at {s.tokens[d]}; training learns maps from examples.")
        else:
            on = "itself" if top == s.focus_index else s.tokens[top]
            said = (f"The lesson: a head looks where its maps point, and these, set by hand, point "
                    f"{s.focus} at {on} ({fmt(after[top])}); training learns maps from examples.")
        self.beat("lesson" if k == 0 else f"lesson {k + 1}", said)

    def compare_other_sentence(self, k: int) -> None:
        s, d = self.example.sentences[k], self.decider_index(k)
        before, after = self.raw_scaled(k), self.through_head(k)
        word = s.tokens[d]
        if facts.claim(self.example, "head_sharpens", k).holds:
            said = (f"In {quoted(s.text)}, {word} gets {fmt(after[d])} through the head, "
                    f"up from {fmt(before[d])} raw.")
        else:
            said = (f"In {quoted(s.text)}, {word} gets {fmt(after[d])} through the head, "
                    f"{versus(after[d], before[d])} raw.")
        self.beat("other sentence", said)
        old, new = self.current, self.view(k)
        caption = self.caption_for(s)
        before_bars, after_bars = self.rows[k]
        gone = [self.caption, *self.row(self.before_bars), *self.row(self.after_bars),
                *old.keys, old.focus_query, old.focus_query_label, old.decider_query, old.decider_query_label,
                old.decider_key, old.focus_key, old.query_line, old.reach]
        # the old sentence goes before the new one comes: no numbers or words fade over others
        self.play(FlatFadeOut(*gone), run_time=style.BEAT / 2)
        self.play(FlatFadeIn(caption, *self.row(before_bars), *self.row(after_bars), new.keys),
                  run_time=style.BEAT / 2)
        self.play(Create(new.focus_query), FadeIn(new.focus_query_label), run_time=style.BEAT / 2)
        self.caption, self.before_bars, self.after_bars = caption, before_bars, after_bars
        self.current, self.key_dots = new, new.keys
        self.say_the_lesson(k)
