r"""The opening: the question the video answers, why a model needs attention, the road ahead.

    \text{“apple”} \mapsto \vec x \text{ (the same in every sentence)}
    \qquad \text{meaning} = \text{what the words around it say}

Built from the example: its ambiguous word in its (at most two) sentences, what the word
means in each (:func:`attention_content.arc.meaning`: the axis its deciding word leans toward),
the credit to the talk the video retells (:data:`TALK`), said and shown, and last the chapters
of :data:`scenes.story.STORY` as a road, each by the short name the narration says
(:func:`chapter_name`), up as long as its line and its names take to read.

Render: ``manim -ql scenes/opening.py Opening`` (from the repo root).
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    ArcBetweenPoints,
    Circle,
    Create,
    FadeIn,
    FadeOut,
    LaggedStart,
    Line,
    Text,
    VGroup,
    config,
)

from attention_content import story
from attention_content.arc import meaning
from scenes import style
from scenes.base import ExplainerScene
from scenes.components import word_color, word_label
from scenes.components.captions import quoted
from scenes.components.lists import baseline
from scenes.story import STORY
from scenes.style import fmt

__all__ = ["TALK", "Opening", "Talk", "chapter_name", "chapter_road", "road_name", "sentence_row"]

ROW_WIDTH = 12.4  # the most a sentence's row of words takes, in scene units
WORD_GAP = 0.28  # between two words of a row
ROW_GAP = 1.9  # between the two sentences' rows
ROW_SIZE = 52  # the sentences' words (71 px of cap height at 1080p)
ROAD_SIZE = 30  # the chapters' names on the road (41 px of cap height at 1080p)
ROAD_ROWS = 7  # chapters in the road's first column
STOP_RADIUS = 0.24  # a road stop's ring, at least
STOP_PAD = 0.1  # from a stop's number to its ring, at least, either side
STOP_GAP = 0.25  # from a stop's ring to its chapter's name


class Talk:
    """The talk the video retells, as the opening and the end card credit it."""

    speaker = "Luis Serrano"
    channel = "Serrano.Academy"
    title = "The math behind Attention: Keys, Queries, and Values matrices"


TALK = Talk()


def sentence_row(example, sentence: int, size: float = ROW_SIZE) -> VGroup:
    """The words of a sentence side by side, the focus in its colour and the others in
    muted text; shrunk to :data:`ROW_WIDTH` when long. ``row.words`` is the list of words."""
    s = example.sentences[sentence]
    words = [word_label(t, style.FOCUS if i == s.focus_index else style.TEXT, size)
             for i, t in enumerate(s.tokens)]
    row = VGroup(*words).arrange(RIGHT, buff=WORD_GAP)
    line = baseline(words[0])
    for word in words[1:]:  # on one line, as printed text sits (not bottoms or centres aligned)
        word.shift((line - baseline(word)) * UP)
    if row.width > ROW_WIDTH:
        row.scale_to_fit_width(ROW_WIDTH)
    row.words = words
    return row


def chapter_road() -> VGroup:
    """The story's chapters as a road: numbered stops joined by a line, in two columns,
    each stop with its chapter's name (:func:`road_name`: what the narration says, not the
    whole title). Every stop alike: the line reads the road ahead, no chapter is singled out.
    Every ring is as wide as the widest number needs (13 as well as 1), and a name starts
    :data:`STOP_GAP` right of its ring, on its number's baseline. ``road.stops`` and
    ``road.titles`` are in story order."""
    numbers = [Text(str(n + 1), font=style.FONT, font_size=ROAD_SIZE, color=style.TEXT)
               for n in range(len(STORY))]
    radius = max(STOP_RADIUS, max(n.width for n in numbers) / 2 + STOP_PAD)
    stops, titles, items = [], [], []
    for number, step in zip(numbers, STORY, strict=True):
        ring = Circle(radius=radius, color=style.TEXT, stroke_width=3)
        stop = VGroup(ring, number.move_to(ring))
        title = word_label(road_name(step.title), style.TEXT, ROAD_SIZE)
        title.next_to(ring, RIGHT, buff=STOP_GAP)
        title.shift((baseline(number) - baseline(title)) * UP)  # on the number's line, as printed text
        items.append(VGroup(stop, title))
        stops.append(stop)
        titles.append(title)
    first = VGroup(*items[:ROAD_ROWS]).arrange(DOWN, aligned_edge=LEFT, buff=0.28)
    second = VGroup(*items[ROAD_ROWS:]).arrange(DOWN, aligned_edge=LEFT, buff=0.28)
    second.next_to(first, RIGHT, buff=0.8).align_to(first, UP)
    links = VGroup(*(Line(a.get_bottom(), b.get_top(), color=style.MUTED, stroke_width=2)
                     for a, b in zip(stops, stops[1:], strict=False)
                     if a.get_center()[0] == b.get_center()[0]))
    road = VGroup(links, *items).move_to(ORIGIN)
    room = config.frame_width - 2 * style.MARGIN
    if road.width > room:
        road.scale_to_fit_width(room)
    road.stops, road.titles, road.links = stops, titles, links
    return road


def chapter_name(title: str) -> str:
    """What the road's narration calls a chapter: its title up to a colon or comma, lower case.

    >>> chapter_name("Softmax: from scores to weights"), chapter_name("Keys and queries")
    ('softmax', 'keys and queries')
    """
    name = title.split(":")[0].split(",")[0].strip()
    return name[:1].lower() + name[1:]


def road_name(title: str) -> str:
    """A chapter's name on the road: :func:`chapter_name` with a capital.

    >>> road_name("Context as gravity: words pull each other")
    'Context as gravity'
    """
    name = chapter_name(title)
    return name[:1].upper() + name[1:]


def talk_credit(size: float = style.BODY_SIZE) -> VGroup:
    """The talk's title in quotes over its speaker and channel."""
    lines = VGroup(
        word_label(quoted(TALK.title), style.TEXT, size),
        word_label(f"{TALK.speaker} \u00b7 {TALK.channel}", style.FOCUS, size),
    ).arrange(DOWN, buff=0.2)
    room = config.frame_width - 2 * style.MARGIN
    if lines.width > room:
        lines.scale_to_fit_width(room)
    return lines


class Opening(ExplainerScene):
    """The example's question, why attention answers it, the credit, the chapters ahead."""

    title = "The math behind attention"

    def construct(self) -> None:
        self.sentences = self.example.sentences[:2]
        self.focus = self.sentences[0].focus
        self.show_title_card()
        self.ask()
        self.answer()
        self.why_attention()
        self.credit()
        self.road_ahead()

    # -- beats

    def ask(self) -> None:
        many = len(self.sentences) > 1
        senses = f"{self.example.x_axis} or {self.example.y_axis}"
        where, same = ("in each sentence", "in both") if many else ("here", "in every sentence")
        self.beat("question", f"{quoted(self.focus)} can mean {senses}: which is it {where}? Its numbers are "
                  f"the same {same}.")
        asked = f"What does {quoted(self.focus)} mean here?"
        self.question = word_label(asked, style.FOCUS, style.TITLE_SIZE)
        self.question.to_edge(UP, buff=style.MARGIN)
        self.rows = VGroup(*(sentence_row(self.example, i) for i in range(len(self.sentences))))
        self.rows.arrange(DOWN, buff=ROW_GAP).next_to(self.question, DOWN, buff=1.3)
        self.marks = VGroup(*(
            word_label("?", style.FOCUS, style.HEADING_SIZE).next_to(row.words[s.focus_index], UP, buff=0.2)
            for row, s in zip(self.rows, self.sentences, strict=True)))
        x = ", ".join(fmt(v) for v in self.example.words[self.focus])
        self.note = word_label(f"{self.focus} = ({x}) {'in both' if many else 'in every sentence'}",
                               style.MUTED, style.BODY_SIZE)
        self.note.next_to(self.rows, DOWN, buff=1.0 if many else 2.2)  # one row: the frame still used
        self.play(FadeIn(self.question, shift=0.2 * DOWN), run_time=style.BEAT / 2)
        self.play(LaggedStart(*(FadeIn(r) for r in self.rows), lag_ratio=0.4), run_time=style.BEAT)
        self.play(FadeIn(self.marks), FadeIn(self.note), run_time=style.BEAT / 2)

    def answer(self) -> None:
        meanings = [meaning(self.example, i) for i in range(len(self.sentences))]
        deciders = [story.decider(self.example, i) for i in range(len(self.sentences))]
        if len(self.sentences) > 1:
            said = (f"Here {self.focus} is about {meanings[0]}, there about {meanings[1]}: "
                    f"{' and '.join(dict.fromkeys(deciders))} decide.")
        else:
            said = (f"Here {self.focus} is about {meanings[0]}: {deciders[0]} decides, not "
                    f"{self.focus}'s own numbers.")
        self.beat("meanings", said)
        self.arcs, self.answers = VGroup(), VGroup()
        for row, s, word, sense in zip(self.rows, self.sentences, deciders, meanings, strict=True):
            focus, there = row.words[s.focus_index], row.words[s.tokens.index(word)]
            below = row.get_bottom()[1] - 0.12  # under every word's descenders
            start = np.array([there.get_center()[0], below, 0.0])
            end = np.array([focus.get_center()[0], below, 0.0])
            arc = ArcBetweenPoints(start, end, angle=0.9 if start[0] < end[0] else -0.9,
                                   color=word_color(self.example, word), stroke_width=4)
            self.arcs.add(arc)
            there.set_color(word_color(self.example, word))
            self.answers.add(word_label(sense, style.FOCUS, style.HEADING_SIZE))
        for answer, mark in zip(self.answers, self.marks, strict=True):
            answer.move_to(mark)
        self.play(LaggedStart(*(Create(a) for a in self.arcs), lag_ratio=0.3), run_time=style.BEAT)
        self.play(FadeOut(self.marks), run_time=style.BEAT / 4)
        self.play(FadeIn(self.answers), run_time=style.BEAT / 2)

    def why_attention(self) -> None:
        self.beat("attention", "A model gives a word one vector. Attention lets it look at the others and "
                  "move toward what they say.")
        arcs = self.arcs
        self.play(*(a.animate.set_stroke(width=8) for a in arcs), run_time=style.BEAT / 2)
        self.play(*(a.animate.set_stroke(width=4) for a in arcs), run_time=style.BEAT / 2)

    def credit(self) -> None:
        line = f"It retells {TALK.speaker}'s talk {quoted(TALK.title)} ({TALK.channel})."
        self.beat("credit", line, spoken=line.replace(TALK.channel, "Serrano Academy"))
        self.play(FadeOut(VGroup(self.question, self.rows, self.arcs, self.answers, self.note)),
                  run_time=style.BEAT / 2)
        self.credit_lines = talk_credit()
        label = word_label("Retold from the talk", style.MUTED, style.BODY_SIZE)
        self.talk = VGroup(label, self.credit_lines).arrange(DOWN, buff=0.25).move_to(ORIGIN)
        self.play(FadeIn(self.talk, shift=0.2 * UP), run_time=style.BEAT)

    def road_ahead(self) -> None:
        names = [chapter_name(step.title) for step in STORY[1:]]
        self.beat("road", f"The road ahead: {', '.join(names[:-1])}, and {names[-1]}.")
        self.play(FadeOut(self.talk), run_time=style.BEAT / 2)
        self.road = chapter_road()
        self.road_shown = self.renderer.time
        self.play(LaggedStart(*(FadeIn(item) for item in self.road[1:]), lag_ratio=0.08),
                  Create(self.road.links), run_time=style.SLOW / 2)
        # up long enough to read its names too, should they take longer than the line
        short = sum(len(t.original_text) for t in self.road.titles) / style.READING_RATE
        short -= self.renderer.time - self.road_shown
        if short > 0:
            self.wait(short)
