"""The keys chapter's rows of bars: the focus's weights before a head (raw) and through it,
every shown sentence's rows on the same two baselines in the right-hand column."""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, Mobject, Text, config

from attention_core import keep_heaviest
from scenes import style
from scenes.components import word_color, word_label
from scenes.components.bars import WeightBars
from scenes.style import fmt

__all__ = ["BAR_WIDTH", "BLOCK_GAP", "COLUMN_MATH", "MAX_BARS", "ROW_TEXT", "WeightRows", "column_left"]

BAR_WIDTH = 6.0  # the right-hand column: the frame beside the shared plane
BAR_UNIT = 1.6  # scene units per 1.0 of weight
ROW_GAP = 0.2  # between a row title and the tallest bar, and between the rows
MAX_BARS = 6  # a longer sentence shows its 5 heaviest words and one bar for all the others
NUMBER_SIZE = 28  # a bar's number: 27 px of cap height at 1080p
ROW_TEXT = style.LABEL_SIZE  # a row's title and its words (33 px)
WORD_SIZES = (ROW_TEXT, 22, 20)  # a bar's word, as large as fits upright (33, 30 or 27 px)
NOTE_SIZE = 20  # a row's rounding note (27 px)
NOTE_ROOM = 0.2  # a rounding note on its row's title line keeps this far right of the title
BLOCK_GAP = 0.35  # between the caption, the maps and the formulas of the right-hand column
COLUMN_MATH = 1.2  # the maps and the score formulas of the right-hand column, this much larger


def column_left() -> float:
    """Left edge of the right-hand column (formulas and bars)."""
    return config.frame_width / 2 - style.MARGIN - BAR_WIDTH


class WeightRows:
    """For :class:`~scenes.keys_and_queries.KeysAndQueries`: its rows of bars, built and laid
    out. The scene provides ``example``, ``shown``, ``raw``, ``raw_scaled``, ``through_head``
    and the rows' titles (``before_title``, ``scaled_title``, ``after_title``); ``bar_width``,
    if it sets one, is the rows' width (:data:`BAR_WIDTH` otherwise)."""

    def all_bar_rows(self) -> list[tuple[WeightBars, WeightBars]]:
        """Every shown sentence's rows, their words at one size: the largest of
        :data:`WORD_SIZES` at which no row's words must lean to fit (the smallest if none)."""
        for size in WORD_SIZES:
            rows = [self.bar_rows(k, size) for k in self.shown] + [self.bar_rows(0, size, self.raw(0))]
            if not any(bars.labels_lean for pair in rows for bars in pair):
                break
        return rows


    def bar_rows(self, k: int, word_size: float = ROW_TEXT,
                 before: np.ndarray | None = None) -> tuple[WeightBars, WeightBars]:
        """Before and after rows of bars (not yet placed), over the same words: every word, or
        for a long sentence the heaviest and one "+N others" bar holding the rest's total.
        Before is the raw weights under the head's rule (:meth:`raw_scaled`) unless ``before``
        (shape (n,)) is given."""
        sentence = self.example.sentences[k]
        words = list(sentence.tokens)
        colors = [word_color(self.example, w) for w in words]
        before = self.raw_scaled(k) if before is None else before
        rows = np.vstack([before, self.through_head(k)])
        if len(words) > MAX_BARS:
            kept = keep_heaviest(rows, MAX_BARS - 1)
            words = [words[j] for j in kept.indices] + [f"+{kept.rest_count} others"]
            colors = [colors[j] for j in kept.indices] + [style.MUTED]
            rows = np.hstack([kept.kept, kept.rest[:, None]])
        width = getattr(self, "bar_width", BAR_WIDTH)  # narrower beside a plane that reaches into the column
        pair = tuple(WeightBars(words, row, colors, unit=BAR_UNIT, width=width, number_size=NUMBER_SIZE,
                                label_size=word_size, label_baseline=True) for row in rows)
        for bars, total in zip(pair, (before.sum(), self.through_head(k).sum()), strict=True):
            bars.rounding_note = self.rounding_note(bars, total)
        return pair

    @staticmethod
    def rounding_note(bars: WeightBars, total: float) -> Text | None:
        """A note beside a row whose printed numbers visibly do not add up to the weights' sum
        (rounding), saying what they add up to before rounding; None when they do add up."""
        printed = sum(float(fmt(v)) for v in bars.shown_values())
        if fmt(printed) == fmt(total):
            return None
        return word_label(f"rounded; sum {fmt(total)}", style.MUTED, NOTE_SIZE)

    def lay_out_rows(self, rows: list[tuple[WeightBars, WeightBars]], top: float) -> None:
        """Stack the titles and the before/after rows below ``top``, every sentence's rows
        on the same two baselines, each baseline low enough for the tallest bar of any
        sentence and the rows apart by the deepest labels of any; all shrunk together if
        that does not fit above the bottom of the frame. A row's rounding note goes at the
        right of its title's line, or under the row where the title leaves no room."""
        # the tallest bar with its number
        peak = max(bars.top() - bars.baseline.get_center()[1] for pair in rows for bars in pair)
        above = self.before_title.height + ROW_GAP + peak
        depth = max(bars.label_depth() for pair in rows for bars in pair)
        needed = 2 * (above + depth) + 2 * ROW_GAP
        room = top - (-config.frame_height / 2 + style.MARGIN)
        shrink = min(1.0, room / needed)
        self.rows_shrink = shrink
        right = config.frame_width / 2 - style.MARGIN
        baselines = (top - shrink * above, top - shrink * (2 * above + depth + 2 * ROW_GAP))
        for pair in rows:
            for bars, y in zip(pair, baselines, strict=True):
                bars.scale(shrink)
                bars.shift([right - bars.baseline.get_right()[0], y - bars.baseline.get_center()[1], 0])
                if bars.rounding_note is not None:  # on the row's title line, at the right
                    bars.rounding_note.scale(shrink).move_to(
                        [0, y + shrink * (above - self.before_title.height / 2), 0]).align_to(
                        bars.baseline, RIGHT)
        for title, y in zip((self.before_title, self.after_title), baselines, strict=True):
            title.scale(shrink).move_to([0, y + shrink * (above - self.before_title.height / 2), 0])
            title.align_to(rows[0][0].baseline, LEFT)
        self.scaled_title.scale(shrink).move_to(self.before_title, aligned_edge=LEFT)
        # a note its title leaves no room for: the titles move left, to the column's edge; if that
        # is not enough, the note goes under the row's words (where nothing is: the first raw row,
        # shown alone, and the bottom rows)
        tops = [(pair[0], self.scaled_title, False) for pair in rows[:-1]]
        tops.append((rows[-1][0], self.before_title, True))
        for bars, title, alone in tops + [(pair[1], self.after_title, True) for pair in rows[:-1]]:
            note = bars.rounding_note
            if note is None or not _crowded(note, title):
                continue
            for moved in (self.before_title, self.scaled_title, self.after_title):  # all, aligned
                moved.shift((min(column_left(), moved.get_left()[0]) - moved.get_left()[0]) * RIGHT)
            if _crowded(note, title) and alone:
                note.next_to(bars, DOWN, buff=shrink * ROW_GAP).align_to(bars.baseline, RIGHT)

    def row(self, bars: WeightBars) -> list[Mobject]:
        """A row of bars and its rounding note, if it has one."""
        return [bars] + ([bars.rounding_note] if bars.rounding_note is not None else [])


def _crowded(note: Mobject, title: Mobject) -> bool:
    """Whether a rounding note on its row's title line comes closer than :data:`NOTE_ROOM` to
    the title (or lies across it)."""
    return note.get_left()[0] < title.get_right()[0] + NOTE_ROOM
