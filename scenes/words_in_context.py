r"""Words as vectors, and why context matters.

    \text{word} \mapsto \vec x = (x_1, x_2)

Every word of the example is a point in a plane whose axes are meanings; similar words sit
close together; the ambiguous word sits between its meanings. Two sentences light up
different neighbours: the same point has to mean different things.

Render: ``manim -ql scenes/words_in_context.py WordsInContext`` (from the repo root).
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Circle,
    Create,
    FadeIn,
    FadeOut,
    LaggedStart,
    VGroup,
)

from attention_core import cosine_similarity, dot_product
from scenes import style
from scenes.base import ExplainerScene
from scenes.components import WordDot, WordPlane, sentence_caption, word_color, word_label
from scenes.components.words import name_on_plane
from scenes.style import fmt

__all__ = ["WordsInContext"]



class WordsInContext(ExplainerScene):
    """The example's words in the plane, then each sentence's neighbours around the focus."""

    title = "Words as vectors"

    def construct(self) -> None:
        self.example.require_planar("the words-as-vectors scene")
        self.focus = self.example.sentences[0].focus
        self.show_title_card()
        self.show_axes()
        self.show_words()
        self.show_ambiguous_word()
        for number, sentence in enumerate(self.example.sentences[:2]):
            self.show_sentence(sentence, number)
        self.wait(style.BEAT)

    def show_axes(self) -> None:
        self.beat("axes", f"Give every word numbers: how much it is about {self.example.x_axis}, and "
                  f"how much about {self.example.y_axis}.")
        points = np.stack(list(self.example.words.values()))
        self.plane = WordPlane(points, self.example.x_axis, self.example.y_axis)
        self.plane.to_edge(LEFT, buff=3 * style.MARGIN)
        self.play(Create(self.plane), run_time=style.BEAT)
        self.wait(style.PAUSE)

    def show_words(self) -> None:
        self.beat("words", f"Each word becomes a point. Similar words sit close together; "
                  f"{len(self.example.words)} words here.")
        self.dots = {w: WordDot(self.plane, w, v, word_color(self.example, w))
                     for w, v in self.example.words.items()}
        name_on_plane(self.plane, [self.dots[w] for w in self.naming_order()])
        self.play(LaggedStart(*(FadeIn(d) for d in self.dots.values()), lag_ratio=0.1),
                  run_time=style.BEAT)
        self.wait(style.PAUSE)

    def show_ambiguous_word(self) -> None:
        x = self.example.words[self.focus]
        sides = [s.tokens[self.decider(s)] for s in self.example.sentences[:2]]
        cosines = [cosine_similarity(x, self.example.words[w]).cosine for w in sides]
        near = " and ".join(f"{w} (cosine {fmt(c)})" for w, c in zip(sides, cosines, strict=True))
        self.beat("ambiguous", f"{self.focus} sits at ({fmt(x[0])}, {fmt(x[1])}), near {near}. "
                  "Which does it mean?")
        self.ring = Circle(radius=0.25, color=style.FOCUS).move_to(self.dots[self.focus].dot)
        # An example may have one sentence: then the question has one side.
        self.question = word_label(f"{self.focus}: {' or '.join(dict.fromkeys(sides))}?", style.FOCUS,
                                   style.BODY_SIZE)
        if self.question.width > 6.8:
            self.question.scale_to_fit_width(6.8)
        self.question.to_corner(UP + RIGHT, buff=style.MARGIN)
        self.cosines = cosines
        self.play(Create(self.ring), FadeIn(self.question), run_time=style.BEAT)
        self.wait(2 * style.PAUSE)

    def naming_order(self) -> list[str]:
        """The words whose labels matter most first: the ambiguous word, the words that decide
        it, then the others from the farthest from the origin (the crowd there is named last)."""
        first = [self.focus] + [s.tokens[self.decider(s)] for s in self.example.sentences[:2]]
        rest = sorted(self.example.words, key=lambda w: -float(np.linalg.norm(self.example.words[w])))
        return list(dict.fromkeys(first + rest))

    def decider(self, sentence) -> int:
        """Index of the word in ``sentence`` with the largest dot product with the focus."""
        x = self.example.words[sentence.focus]
        scores = [dot_product(x, self.example.words[w]).dot if w != sentence.focus else -np.inf
                  for w in sentence.tokens]
        return int(np.argmax(scores))

    def show_sentence(self, sentence, number: int) -> None:
        decider = sentence.tokens[self.decider(sentence)]
        self.beat(f"sentence {number + 1}", f"In \"{sentence.text}\", {sentence.focus} is closest in"
                  f" meaning to {decider}: here it means {decider}'s kind of thing.")
        caption = sentence_caption(sentence.text)
        caption.next_to(self.question, DOWN, buff=0.4).align_to(self.question, RIGHT)
        words = VGroup(*(self.dots[w] for w in sentence.tokens))
        others = VGroup(*(d for w, d in self.dots.items() if w not in sentence.tokens))
        self.play(FadeIn(caption), others.animate.set_opacity(0.2), words.animate.set_opacity(1),
                  run_time=style.BEAT)
        link = self.dots[decider].dot.copy().scale(2).set_fill(opacity=0).set_stroke(
            word_color(self.example, decider), width=3)
        self.play(Create(link), run_time=style.BEAT / 2)
        self.wait(2 * style.PAUSE - style.BEAT / 2)
        self.play(FadeOut(caption), FadeOut(link), run_time=style.BEAT / 2)
        self.shown_sentence = sentence
        self.decider_word = decider


