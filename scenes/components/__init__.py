"""Shared visual pieces, one module each; every builder returns a mobject (or an
animation) and the scene decides what to play. Words are always drawn as Pango ``Text``
(never LaTeX), so any Unicode or LaTeX special character in an example shows literally.
"""

from scenes.components.cards import title_card
from scenes.components.labels import place_labels
from scenes.components.readout import Readout
from scenes.components.words import (
    WordDot,
    WordPlane,
    WordVector,
    boxes_overlap,
    sentence_caption,
    word_color,
    word_label,
)

__all__ = ["Readout", "WordDot", "WordPlane", "WordVector", "boxes_overlap", "place_labels",
           "sentence_caption", "title_card", "word_color", "word_label"]
