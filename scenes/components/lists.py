"""Word lists with numbers: a heading over one row per word, its numbers in right-aligned
columns on the word's baseline (a word's distances, a table row ranked, a word's coordinates).

Words are Pango ``Text`` in their colour; numbers are ``Text`` formatted by :func:`style.fmt`,
so tests read back exactly what is printed (``row[1].text``).
"""

from __future__ import annotations

from collections.abc import Sequence

from manim import LEFT, RIGHT, UP, ManimColor, Rectangle, Text, VGroup

from scenes import style
from scenes.components.words import word_label

__all__ = ["WordValues", "baseline"]

COLUMN_GAP = 0.4  # scene units between a column and the next


def baseline(text: Text) -> float:
    """The y of the line ``text`` sits on: the bottom of its first letter or digit without a
    descender (a minus sign or a comma does not sit on the line); the centre's y if none."""
    glyphs = text.text.replace(" ", "")
    for glyph, char in zip(text.submobjects, glyphs, strict=False):
        if char.isalnum() and char not in "gjpqyQ":
            return float(glyph.get_bottom()[1])
    return float(text.get_center()[1])


class WordValues(VGroup):
    """``heading`` over rows of ``word  1.84  2.15``: each entry is (word, its numbers),
    printed with ``places`` decimals.

    Attributes:
        heading: the muted heading Text.
        columns: the column names' Texts (empty without ``column_names``).
        rows: one VGroup per entry: the word's Text, then one Text per number.
    """

    def __init__(self, heading: str, entries: Sequence[tuple[str, Sequence[float]]],
                 colors: Sequence[ManimColor], column_names: Sequence[str] = (),
                 size: float = style.LABEL_SIZE, places: int = style.DECIMALS) -> None:
        self.heading = word_label(heading, style.MUTED, style.SMALL_SIZE)
        self.columns = VGroup(*(word_label(c, style.MUTED, style.SMALL_SIZE) for c in column_names))
        self.rows = [VGroup(word_label(word, color, size),
                            *(Text(style.fmt(v, places), font=style.FONT, font_size=size, color=style.TEXT)
                              for v in values))
                     for (word, values), color in zip(entries, colors, strict=True)]
        # rows on evenly spaced baselines, words' left edges in line
        pitch = 2.2 * word_label("H", style.TEXT, size).height
        for k, row in enumerate(self.rows):
            row.arrange(RIGHT, buff=COLUMN_GAP)
            row.shift(-row[0].get_left()[0] * RIGHT + (-k * pitch - baseline(row[0])) * UP)
        body = VGroup(*self.rows)
        count = max((len(r) - 1 for r in self.rows), default=0)
        # right edge of each number column, from the left edge of the words
        edge = max((r[0].width for r in self.rows), default=0.0)
        edges = []
        for k in range(count):
            width = max([r[k + 1].width for r in self.rows if len(r) > k + 1]
                        + ([self.columns[k].width] if k < len(self.columns) else []))
            edge += COLUMN_GAP + width
            edges.append(edge)
        left = body.get_left()[0]
        for row in self.rows:
            for k, number in enumerate(row[1:]):
                number.match_y(row[0]).shift((baseline(row[0]) - baseline(number)) * UP)
                number.shift((left + edges[k] - number.get_right()[0]) * RIGHT)
        parts = [self.heading]
        if len(self.columns):
            for k, name in enumerate(self.columns):
                name.next_to(body, UP, buff=0.16).shift((left + edges[k] - name.get_right()[0]) * RIGHT)
            parts.append(self.columns)
        super().__init__(*parts, body)
        self.heading.next_to(self.columns if len(self.columns) else body, UP, buff=0.16).align_to(body, LEFT)

    def box(self, row: int, color: ManimColor = style.FOCUS) -> Rectangle:
        """A frame around row ``row``."""
        target = self.rows[row]
        return Rectangle(width=target.width + 0.25, height=target.height + 0.12, color=color,
                         stroke_width=3).move_to(target)
