r"""Words as vectors, and why context matters.

    \text{word} \mapsto \vec x = (x_1, x_2)          \text{distance}(\vec a, \vec b) = |\vec a - \vec b|

Every word of the example is a point in a plane whose axes are meanings; similar words sit
close together, so the distance between two points says how alike two words are. The
ambiguous word sits somewhere between its meanings; in each sentence the scene names its
nearest word by distance (from :mod:`attention_content.story`) and says that it is the word
that decides the meaning only when the numbers bear it out. Where they do not (the decider
is not the nearest, or ties with another word), the scene names both with their distances
and a beat of its own draws the lesson: distance alone does not find the word that decides.
Distances that print alike get a third decimal (:func:`places_apart`), or are said to tie:
two numbers that look the same are never ranked in words.

Render: ``manim -ql scenes/words_in_context.py WordsInContext`` (from the repo root).
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    BackgroundRectangle,
    Circle,
    Create,
    DashedLine,
    DashedVMobject,
    Dot,
    FadeIn,
    FadeOut,
    LaggedStart,
    MathTex,
    Rectangle,
    VGroup,
)

from attention_content import story
from scenes import style
from scenes.base import ExplainerScene
from scenes.components import WordDot, WordPlane, sentence_caption, word_color, word_label
from scenes.components.captions import shorten
from scenes.components.labels import Rung, place
from scenes.components.lists import WordValues
from scenes.components.words import LABEL_SPOTS, along, plane_scale, tick_numbers
from scenes.style import fmt

__all__ = ["WordsInContext", "distance_list", "places_apart"]

COLUMN_WIDTH = 6.8  # scene units the right-hand column (question, captions, lists) may take
MAX_ROWS = 5  # a distance list shows at most this many words
MAX_NUMBER_ROWS = 10  # the table of every word's numbers shows at most this many words
NAME_ROOM = 0.2  # where there is room, a name keeps this far (scene units) from another word's dot centre
# farther out (3 and 6 times), straight above or below the dot first
FAR_SPOTS = tuple(k * s for k in (3, 6) for s in (UP, DOWN, *(s for s in LABEL_SPOTS if s[0])))
LABEL_PATCH = 0.02  # the background behind a name reaches this far past its letters
RING_RADIUS = 0.25  # the ring around the focus's dot
# A word's name: off the axis lines, a little apart from the other dots, then nearer them, then a
# little farther out (nearer its own dot than any other); only then across an axis line.
NAMES = (Rung(("names", "ticks", "axes", "apart", "placed")),
         Rung(("names", "ticks", "axes", "others", "placed")),
         Rung(("names", "ticks", "axes", "others", "placed"), spots=FAR_SPOTS, nearest=True),
         Rung(("names", "ticks", "apart", "placed")), Rung(("names", "ticks", "others", "placed")))
SAID_CHARS = 40  # a longer sentence is shortened in the narration (the caption shows it whole)
MOST_PLACES = 3  # distances that print alike get up to this many decimals before they are said to tie


def name_words(plane: WordPlane, words: list[WordDot], ringed: WordDot | None = None) -> list[WordDot]:
    """Name ``words`` (most important first) on ``plane``, never over a tick value, an axis
    name, another dot or a name placed before; where there is room, also off the axis lines and
    a little apart from the other dots (so a name is not read as its neighbour's). The
    ``ringed`` word's name sits outside a ring of :data:`RING_RADIUS` around its dot, and other
    names keep off that ring. A name that fits nowhere is left out. Each name gets a patch of
    the background behind it, so that an axis or a dashed line it must cross runs under it, not
    through its letters. Returns the words named."""
    ticks = tick_numbers(plane)
    axes = [dot for axis in (plane.axes.x_axis, plane.axes.y_axis) for dot in along(axis)]

    def room(word: WordDot, radius: float) -> Dot:
        return Dot(word.dot.get_center(), radius=radius).set_opacity(0)

    ring = room(ringed, RING_RADIUS + 0.03) if ringed is not None else None
    named: list[WordDot] = []
    for word in words:
        # the ringed word's name is placed around its ring, as if the ring were its dot
        spot = _AroundRing(ring, word) if word is ringed else word
        others = [ring if w is ringed else w.dot for w in words if w is not word]
        apart = [ring if w is ringed else room(w, NAME_ROOM) for w in words if w is not word]
        sets = {"names": [plane.x_name, plane.y_name], "ticks": ticks, "axes": axes, "apart": apart,
                "others": others, "placed": [w.label for w in named]}
        if place([spot], NAMES, sets, plane, [w.dot for w in words if w is not word]):
            named.append(word)
    for word in named:  # a line under a name (an axis, a dashed distance) stops at its edge
        patch = BackgroundRectangle(word.label, color=style.BACKGROUND, fill_opacity=1.0, buff=LABEL_PATCH)
        word.submobjects.insert(word.submobjects.index(word.label), patch)
        word.patch = patch
    return named


class _AroundRing:
    """A word seen by the label placer (:func:`~scenes.components.labels.place`) as its ring:
    labels go around the ring, not the dot."""

    def __init__(self, ring: Dot, word: WordDot) -> None:
        self.dot, self.label, self.word = ring, word.label, word

    def show_label(self) -> None:
        self.word.show_label()

    def hide_label(self) -> None:
        self.word.hide_label()


def distance_list(example, focus: str, entries: list[tuple[str, float]],
                  places: int = style.DECIMALS) -> WordValues:
    """``distance from apple`` over one row per word: the word and its distance (``1.84``,
    with ``places`` decimals)."""
    return WordValues(f"distance from {focus}", [(w, [d]) for w, d in entries],
                      [word_color(example, w) for w, _ in entries], places=places)


def places_apart(values: list[float], most: int = MOST_PLACES) -> int:
    """The fewest decimals, from :data:`style.DECIMALS` up to ``most``, at which the first of
    ``values`` (the smallest, sorted) prints apart from the next: the nearest word is never
    ranked above another that prints the same. Values still alike at ``most`` places tie.

    >>> places_apart([1.556, 1.562, 2.0]), places_apart([1.84, 2.15]), places_apart([1.0, 1.0])
    (3, 2, 2)
    """
    for places in range(style.DECIMALS, most + 1):
        if len(values) < 2 or fmt(values[0], places) != fmt(values[1], places):
            return places
    return style.DECIMALS


class WordsInContext(ExplainerScene):
    """The example's words in the plane, then each sentence's nearest words to the focus."""

    title = "Words as vectors"

    def construct(self) -> None:
        self.example.require_planar("the words-as-vectors scene")
        self.focus = self.example.sentences[0].focus
        self.sentences = self.example.sentences[:2]
        self.show_title_card()
        self.show_words()
        self.show_focus_point()
        self.show_distances()
        for number in range(len(self.sentences)):
            self.show_sentence(number)
        self.show_context_decides()

    # -- beats

    def show_words(self) -> None:
        self.beat("numbers", f"Give every word numbers: how much it is about {self.example.x_axis}, "
                  f"and how much about {self.example.y_axis}.")
        points = np.stack(list(self.example.words.values()))
        # the scale every chapter of this example shares, so the plane never changes between them
        self.plane = WordPlane(points, self.example.x_axis, self.example.y_axis,
                               scale=plane_scale(self.example), numbers=True)
        self.plane.to_edge(LEFT, buff=3 * style.MARGIN)
        self.dots = {w: WordDot(self.plane, w, v, word_color(self.example, w))
                     for w, v in self.example.words.items()}
        name_words(self.plane, [self.dots[w] for w in self.naming_order()], ringed=self.dots[self.focus])
        self.numbers = self.numbers_table()
        # the words arrive, with their numbers, while the line that gives them numbers is up
        self.play(Create(self.plane), run_time=style.BEAT / 2)
        self.play(LaggedStart(*(FadeIn(d) for d in self.dots.values()), lag_ratio=0.1),
                  FadeIn(self.numbers), run_time=style.BEAT)

    def numbers_table(self) -> VGroup:
        """Every word's two numbers (at most :data:`MAX_NUMBER_ROWS` words: the focus, its
        deciders and the farthest from the origin, then how many more there are)."""
        words = list(self.example.words)
        if len(words) > MAX_NUMBER_ROWS:
            shown = set(self.naming_order()[:MAX_NUMBER_ROWS - 1])
            words = [w for w in words if w in shown]
        table = WordValues("every word's numbers", [(w, list(self.example.words[w])) for w in words],
                           [word_color(self.example, w) for w in words],
                           column_names=[self.example.x_axis, self.example.y_axis])
        self.number_rows = dict(zip(words, table.rows, strict=True))
        more = len(self.example.words) - len(words)
        group = VGroup(table)
        if more:
            group.add(word_label(f"and {more} more", style.MUTED, style.SMALL_SIZE).next_to(
                table, DOWN, buff=0.2).align_to(table, LEFT))
        if group.width > COLUMN_WIDTH:
            group.scale_to_fit_width(COLUMN_WIDTH)
        return group.to_corner(UP + RIGHT, buff=style.MARGIN)

    def show_focus_point(self) -> None:
        x = self.example.words[self.focus]
        self.beat("points", f"Each word becomes a point: {self.focus} is ({fmt(x[0])}, {fmt(x[1])}). "
                  "Similar words sit close together.")
        dot = self.dots[self.focus].dot
        self.ring = Circle(radius=RING_RADIUS, color=style.FOCUS).move_to(dot)
        self.projections = VGroup(
            DashedLine(dot.get_center(), self.plane.point((x[0], 0.0)), color=style.FOCUS, stroke_width=2),
            DashedLine(dot.get_center(), self.plane.point((0.0, x[1])), color=style.FOCUS, stroke_width=2),
        ).set_opacity(0.6)
        row = self.number_rows[self.focus]
        self.focus_row = Rectangle(width=row.width + 0.25, height=row.height + 0.16, color=style.FOCUS,
                                   stroke_width=3).move_to(row)
        self.play(Create(self.ring), Create(self.projections), Create(self.focus_row), run_time=style.BEAT)

    def show_distances(self) -> None:
        focus = self.focus
        sides = list(dict.fromkeys(story.decider(self.example, i) for i in range(len(self.sentences))))
        away = [float(np.linalg.norm(self.example.words[w] - self.example.words[focus])) for w in sides]
        said = " and ".join(f"{fmt(d)} from {w}" for w, d in zip(sides, away, strict=True))
        self.beat("distance", f"Distance measures how alike two words are: {focus} is {said}. "
                  "Which does it mean?")
        self.question = word_label(f"{focus}: {' or '.join(sides)}?", style.FOCUS, style.BODY_SIZE)
        if self.question.width > COLUMN_WIDTH:
            self.question.scale_to_fit_width(COLUMN_WIDTH)
        self.question.to_corner(UP + RIGHT, buff=style.MARGIN)
        self.lines = self.distance_lines(focus, sides)
        self.list = distance_list(self.example, focus, list(zip(sides, away, strict=True)))
        self.list.next_to(self.question, DOWN, buff=0.5).align_to(self.question, LEFT)
        self.play(FadeOut(self.numbers), FadeOut(self.focus_row), FadeOut(self.projections),
                  run_time=style.BEAT / 2)
        self.play(FadeIn(self.question), run_time=style.BEAT / 2)
        self.play(Create(self.lines), FadeIn(self.list), run_time=style.BEAT)

    def show_sentence(self, number: int) -> None:
        sentence = self.sentences[number]
        ranked = story.neighbours(self.example, number, "distance")
        decider = story.decider(self.example, number)
        shown = list(ranked[:MAX_ROWS])
        if decider not in [n.word for n in shown]:
            shown[-1] = next(n for n in ranked if n.word == decider)
        places = places_apart([n.value for n in shown])
        nearest = ranked[0]
        tied = [n.word for n in ranked if fmt(n.value, places) == fmt(nearest.value, places)]
        holds = story.claim(self.example, "top_distance_is_decider", number).holds and len(tied) == 1
        self.beat(f"sentence {number + 1}", self.sentence_line(number, ranked, places, tied))
        caption = sentence_caption(sentence.text, max_width=COLUMN_WIDTH)
        caption.next_to(self.question, DOWN, buff=0.4).align_to(self.question, RIGHT)
        ranked_list = distance_list(self.example, sentence.focus, [(n.word, n.value) for n in shown], places)
        ranked_list.next_to(caption, DOWN, buff=0.4).align_to(caption, RIGHT)
        words_shown = [n.word for n in shown]
        box = VGroup(*(ranked_list.box(words_shown.index(w)) for w in tied))
        if not holds:  # the word that decides, dashed, beside the nearest
            frame = ranked_list.box(words_shown.index(decider), color=style.TEXT)
            box.add(DashedVMobject(frame, num_dashes=24))
        lines = self.distance_lines(sentence.focus, words_shown, strong=nearest.word)
        words = VGroup(*(self.dots[w] for w in dict.fromkeys(sentence.tokens)))
        others = VGroup(*(d for w, d in self.dots.items() if w not in sentence.tokens))
        old = [m for m in (self.lines, self.list, getattr(self, "caption", None), getattr(self, "box", None))
               if m is not None]
        self.play(*(FadeOut(m) for m in old), run_time=style.BEAT / 2)
        self.play(FadeIn(caption), others.animate.set_opacity(0.2), words.animate.set_opacity(1),
                  run_time=style.BEAT / 2)
        self.play(Create(lines), FadeIn(ranked_list), run_time=style.BEAT)
        self.play(Create(box), run_time=style.BEAT / 2)
        self.caption, self.lines, self.list, self.box = caption, lines, ranked_list, box
        self.shown_sentence, self.nearest_word = sentence, nearest.word
        if not holds:
            self.beat(f"lesson {number + 1}", self.lesson_line(number, tied))

    def sentence_line(self, number: int, ranked: tuple[story.Neighbour, ...], places: int,
                      tied: list[str]) -> str:
        """What the distances of a sentence show: its nearest word (or the words that tie as
        nearest), and the decider's distance when it is not the nearest; every number with
        ``places`` decimals, so that no two numbers that print alike are ranked."""
        sentence = self.sentences[number]
        decider = story.decider(self.example, number)
        quoted = f"\u201c{shorten(sentence.text, SAID_CHARS)}\u201d"
        nearest = ranked[0]
        if len(tied) > 1:
            names = ", ".join(tied[:-1]) + f" and {tied[-1]}"
            line = (f"In {quoted}, {names} tie as the words nearest {sentence.focus} by distance, "
                    f"{fmt(nearest.value, places)} away")
            if decider in tied:
                return line + "."
        else:
            line = (f"In {quoted}, the word nearest {sentence.focus} by distance is {nearest.word}, "
                    f"{fmt(nearest.value, places)}")
            if nearest.word == decider:
                return line + " away."
        distance = next(n.value for n in ranked if n.word == decider)
        farthest = ", the farthest" if ranked[-1].word == decider and len(ranked) > 2 else ""
        return f"{line}; {decider}, which decides it, is {fmt(distance, places)}{farthest}."

    def lesson_line(self, number: int, tied: list[str]) -> str:
        """The lesson of a sentence whose decider distance does not single out: distance alone
        does not find the word that decides (the dot product, ahead, does when the story's
        ``top_dot_is_decider`` claim holds)."""
        names = " and ".join(tied)
        nearest = f"{names} tie as nearest" if len(tied) > 1 else f"{names} is nearest"
        dot = story.claim(self.example, "top_dot_is_decider", number).holds
        ahead = "the next chapters show what does." if dot else "the chapters ahead look for what does."
        return f"By distance, {nearest}: distance alone does not find the deciding word; {ahead}"

    def show_context_decides(self) -> None:
        where = "in both sentences" if len(self.sentences) > 1 else "in every sentence"
        self.beat("context", f"Same point {where}: only the words around {self.focus} can tell "
                  "which meaning is meant.")
        self.play(FadeOut(self.lines), FadeOut(self.list), FadeOut(self.box), FadeOut(self.caption),
                  run_time=style.BEAT / 2)
        captions = VGroup()
        for number, sentence in enumerate(self.sentences):
            decider = story.decider(self.example, number)
            captions.add(VGroup(
                sentence_caption(shorten(sentence.text, 32), max_width=COLUMN_WIDTH - 2.0),
                MathTex(r"\rightarrow", color=style.MUTED).scale(style.MATH_SCALE),
                word_label(decider, word_color(self.example, decider), style.BODY_SIZE),
            ).arrange(RIGHT, buff=0.2))
        captions.arrange(DOWN, aligned_edge=RIGHT, buff=0.3)
        captions.next_to(self.question, DOWN, buff=0.4).align_to(self.question, RIGHT)
        self.play(VGroup(*self.dots.values()).animate.set_opacity(1), FadeIn(captions),
                  self.ring.animate.scale(1.4), run_time=style.BEAT)
        self.play(self.ring.animate.scale(1 / 1.4), run_time=style.BEAT / 2)
        self.captions = captions

    # -- helpers

    def distance_lines(self, focus: str, words: list[str], strong: str | None = None) -> VGroup:
        """Dashed lines from the focus's dot to each of ``words``' dots (``strong`` thicker)."""
        start = self.dots[focus].dot.get_center()
        lines = VGroup(*(
            DashedLine(start, self.dots[w].dot.get_center(), color=word_color(self.example, w),
                       stroke_width=4 if w == strong else 2, dash_length=0.08)
            for w in dict.fromkeys(words) if w != focus))
        return lines.set_z_index(-1)  # under the dots and their names

    def naming_order(self) -> list[str]:
        """The words whose labels matter most first: the ambiguous word, the words that decide
        it, then the others from the farthest from the origin (the crowd there is named last)."""
        first = [self.focus] + [story.decider(self.example, i) for i in range(len(self.sentences))]
        rest = sorted(self.example.words, key=lambda w: -float(np.linalg.norm(self.example.words[w])))
        return list(dict.fromkeys(first + rest))
