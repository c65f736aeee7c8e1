"""Words and sentences as on-screen text: one word, a sentence wrapped when long, or shortened
to fit a legend.

Every word on screen is Pango ``Text`` (:func:`word_label`), never LaTeX. The plane's labels
(``scenes/components/words.py``) build on this module; it imports nothing of theirs.

>>> shorten("one two three four five six seven eight", 24)
'one two … seven eight'
>>> shorten("short enough", 20)
'short enough'
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Sequence

from manim import ManimColor, Text, VGroup

from scenes import style

__all__ = ["below_cap_line", "cap_height", "quoted", "shorten", "word_label", "wrapped_label"]


def quoted(text: str) -> str:
    """``text`` in quotation marks, as words and sentences are quoted on screen and in the
    narration.

    >>> quoted("bank")
    '\u201cbank\u201d'
    """
    return f"\u201c{text}\u201d"


def word_label(word: str, color: ManimColor = style.TEXT, size: float = style.LABEL_SIZE) -> Text:
    """A word as literal text (no markup, no LaTeX): a copy of the one made first in this
    process for that word, colour and size. Pango's SVG and its parse into glyphs are slow, the
    same words come back many times in a chapter (plane, table, caption), and a copy costs a
    small part of that (WordsInContext at -ql built 84 texts for 53 labels)."""
    return _made_once(word, ManimColor(color).to_hex(with_alpha=True), float(size)).copy()


@functools.lru_cache(maxsize=1024)
def _made_once(word: str, color: str, size: float) -> Text:
    text = Text(word, font=style.FONT, font_size=size, color=ManimColor(color))
    # manim keeps a group for every element of the SVG (50 for "its top guesses:", over 14
    # glyphs), which only LaTeX mobjects read after they are made, and every copy copied them:
    # most of a label's copy
    text.id_to_vgroup_dict = {}
    return text


def below_cap_line(word: str, size: float) -> float:
    """How far the top of ``word``'s label lies below the top of a capital H in the same line
    (negative when an accent or a tall glyph rises above it): labels whose tops sit this far
    below one cap line share one baseline ("an" as low as "apple", "buy" no higher)."""
    line = word_label(word + "H", size=size)
    return float(line[-1].get_top()[1] - VGroup(*line[:-1]).get_top()[1])


def cap_height(size: float) -> float:
    """The height of a capital H at font ``size``: from the baseline to the cap line."""
    return float(word_label("H", size=size).height)


def wrapped_label(text: str, color: ManimColor, width: float,
                  sizes: Sequence[tuple[float, int]] = ((style.BODY_SIZE, 1), (style.LABEL_SIZE, 2),
                                                        (style.SMALL_SIZE, 2), (style.SMALL_SIZE, 3))
                  ) -> Text:
    """``text`` at the first (font size, most lines) of ``sizes`` at which it fits ``width``
    scene units, wrapped at spaces; shrunk to ``width`` if even the last does not fit."""
    # A line's width is proportional to its font size (to 1e-4 here): measure it once.
    width_per_size = word_label(text, color, sizes[0][0]).width / sizes[0][0]
    size, lines = sizes[-1]
    for size, lines in sizes:
        if width_per_size * size <= lines * width:
            break
    one_line = word_label(text, color, size)
    if lines == 1 or one_line.width <= width:
        label = one_line
    else:
        chars = max(int(len(text) * width / one_line.width), 8)
        label = word_label("\n".join(textwrap.wrap(text, chars)), color, size)
    if label.width > width:
        label.scale_to_fit_width(width)
    return label


def shorten(text: str, max_chars: int) -> str:
    """``text`` with words from its middle replaced by an ellipsis so that it has at most
    about ``max_chars`` characters; its first and last words stay."""
    if len(text) <= max_chars:
        return text
    words = text.split()
    head, tail = words[:1], words[-1:]
    rest = words[1:-1]
    while rest:  # take words alternately from the front and the back while they fit
        front = len(head) <= len(tail)
        nxt = rest[0] if front else rest[-1]
        if len(" ".join([*head, nxt, "\u2026", *tail])) > max_chars:
            break
        if front:
            head.append(rest.pop(0))
        else:
            tail.insert(0, rest.pop())
    return " ".join([*head, "\u2026", *tail])
