r"""Keys and queries: two different maps, so attention can be one-sided.

    \vec q_i = \vec x_i W_Q        \vec k_j = \vec x_j W_K
    w_{ij} = \mathrm{softmax}_j(\vec q_i \cdot \vec k_j / \sqrt{d_k})

The raw weights of the softmax chapter come first (softmax of the dot products over T). A head
has two maps, set by hand in this toy and learned in the training chapter: the query matrix W_Q
(what a word looks for) and the key matrix W_K (what a word offers). W_K bends the plane and
every word moves to its key (the axes then say only which number they carry, and a legend what
the dots and arrows are); the ambiguous word gets its query, a different point. In words first:
the query points along one axis more than the other (a dashed line along it), so it asks for
keys that reach far along that line; the decider's key reaches farthest along the query (its
reach k . q / |q|: the foot of its drop on the line is drawn). Then the algebra: the focus
looking at the deciding word scores q_focus . k_decider, the decider looking back scores
q_decider . k_focus, and the two differ: attention can be one-sided. The scaling is introduced
here, once, before the first weight that uses it: q . k is divided by sqrt(d_k), with its reason
and its assumptions (entries independent, mean 0, variance 1: q . k has variance d_k); it is
softmax's temperature T = sqrt(d_k). Softmax of q . k / sqrt(d_k) then gives the head's weights,
the ones the values and attention-matrix chapters reuse, beside the raw weights under the same
rule, softmax(x . x / sqrt(d_k)) (the first beat's raw row, over the softmax chapter's T, is not
compared with a head's). Where the head gives the decider less than the raw embeddings did, a
beat says what that teaches. Words of negligible weight are left unnamed on the plane rather
than named over an axis.

Every statement comes from :mod:`attention_content.story`: the scene asserts a claim only when
it holds, and otherwise says what the numbers show.

Render: ``manim -ql scenes/keys_and_queries.py KeysAndQueries`` (from the repo root).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Create,
    DashedLine,
    FadeIn,
    FadeOut,
    ManimColor,
    Mobject,
    Rectangle,
    ReplacementTransform,
    SurroundingRectangle,
    VGroup,
    config,
)

from attention_content import story as facts
from attention_content.example_types import Sentence
from attention_core import AttentionTrace
from scenes import style
from scenes.base import ExplainerScene
from scenes.components import WordDot, sentence_caption, word_color, word_label
from scenes.components.flat import FlatFadeIn, FlatFadeOut
from scenes.components.labels import Rung, axis_lines, leader_ladder, name_apart, name_with_leader, place
from scenes.components.maps import apply_map, matrix_tex, plane_grid
from scenes.components.words import (
    along,
    dashed,
    is_named,
    shown_labels,
    tick_numbers,
)
from scenes.key_bars import BAR_WIDTH, BLOCK_GAP, COLUMN_MATH, MAX_BARS, ROW_TEXT, WeightRows, column_left
from scenes.key_formulas import (
    AXIS_NAMES,
    SCALE_IS_A_TEMPERATURE,
    WHY_SCALE,
    query_direction,
    quoted,
    scaling_lines,
    score_formula,
    subscripted,
    temperature_text,
    vec_text,
    vector_formula,
    versus,
)
from scenes.key_plane import (
    COLUMN_ROOM,
    LEGEND_GAP,
    TAG_ROOM,
    clear_of_plane,
    legend_in_corner,
    right_of_plane,
    shared_plane,
    unname_over_marks,
)
from scenes.key_weights import ScaledWeights
from scenes.style import fmt

__all__ = ["AXIS_NAMES", "BAR_WIDTH", "MAX_BARS", "KeysAndQueries", "SentenceView", "axis_lines",
           "clear_of_plane", "column_left", "legend_in_corner", "right_of_plane",
           "SCALE_IS_A_TEMPERATURE", "WHY_SCALE", "name_apart", "query_direction", "quoted",
           "scaling_lines", "score_formula", "shared_plane", "subscripted",
           "tick_numbers", "unname_over_marks", "vec_text", "vector_formula", "versus"]

ARROW_Z = 2  # query and key arrows are drawn over the dots, so no dot hides one
FADED = 0.3  # opacity of the first look once the look back is shown
SMALL_WEIGHT = 0.05  # a word of less raw weight is left unnamed on the plane rather than over an axis
QUERY_LINE_OPACITY = 0.85  # the dashed line along the focus's query, under the arrows
REACH_DOT = 0.06  # radius of the dot where the decider's key, dropped square, meets the query's line
LEGEND_ROOM = 0.25  # the legend keeps this far left of the right-hand column
# A query's name: the clearest spot there is, off the axes and apart from the words, or less.
QUERY_TAG = (Rung(("names", "lines", "axes", "ticks", "dots", "padded")),
             Rung(("names", "lines", "ticks", "dots", "padded")),
             Rung(("names", "lines", "ticks", "dots", "labels")),
             Rung(("names", "lines", "dots", "labels")))
# The reach's name: beside its dot off the axes, or across one; else away with a line that may
# cross an arrow, an axis or the decider's dot; else beside it over the arrows.
REACH = (Rung(("names", "lines", "axes", "marks", "dots", "padded"), nearest=True),
         Rung(("names", "lines", "marks", "dots"), nearest=True),
         *leader_ladder(("axes", "lines", "decider"), ("marks", "names", "others")),
         Rung(("names", "marks", "dots"), nearest=True))


@dataclass
class SentenceView:
    """What the plane shows of one sentence: its keys (dots), the focus's and the decider's
    queries (arrows, labelled), and the keys they are scored against (thin arrows)."""

    sentence: Sentence
    trace: AttentionTrace
    focus: int
    decider: int
    keys: VGroup  # WordDot per word, at its key
    focus_query: Arrow
    focus_query_label: WordDot
    decider_query: Arrow
    decider_query_label: WordDot
    decider_key: Arrow  # origin to the decider's key: what the focus's query is scored against
    focus_key: Arrow  # origin to the focus's key: what the decider's query is scored against
    query_line: DashedLine  # along the focus's query, origin to the plane's edge
    reach: VGroup  # the decider's key dropped square onto that line, and the foot


class KeysAndQueries(ScaledWeights, WeightRows, ExplainerScene):
    """W_Q and W_K are two maps; the focus's query meets the keys; attention can be one-sided."""

    title = "Keys and queries"

    def construct(self) -> None:
        self.example.require_planar("the keys and queries scene")
        self.head = self.example.heads[0]
        self.shown = range(min(2, len(self.example.sentences)))
        self.traces = [facts.focus_attention(self.example, k) for k in self.shown]
        self.views: list[SentenceView] = []
        self.show_title_card()
        self.show_raw_weights()
        self.show_maps()
        self.transform_plane_to_keys()
        self.show_query()
        self.say_what_the_query_asks()
        self.say_what_the_keys_offer()
        self.look_at_decider()
        self.look_back()
        self.scale_by_root()
        self.explain_scale()
        self.scale_is_a_temperature()
        self.rescale_raw()
        self.compare_weights()
        if len(self.shown) > 1:
            self.compare_other_sentence(1)
        self.wait(style.BEAT)

    # -- numbers, all from the story module

    def raw(self, k: int) -> np.ndarray:
        """The focus's raw weights, softmax(x . x_focus / T), as the softmax chapter shows them."""
        return facts.raw_weights(self.example, k)

    def raw_scaled(self, k: int) -> np.ndarray:
        """The focus's raw weights under the head's rule, softmax(x . x_focus / sqrt(d_k)): what
        the head's weights are compared with once sqrt(d_k) is in force; shape (n,)."""
        return facts.scaled_raw_weights(self.example, k)

    def through_head(self, k: int) -> np.ndarray:
        """The focus's weights through the head, softmax(q . k / sqrt(d_k)): the head's own,
        which the later chapters reuse; shape (n,)."""
        return self.traces[k].weights[self.example.sentences[k].focus_index]

    def decider_index(self, k: int) -> int:
        sentence = self.example.sentences[k]
        return sentence.tokens.index(facts.decider(self.example, k))

    # -- drawing

    def view(self, k: int) -> SentenceView:
        """Sentence ``k`` on the plane: keys, two queries and two key arrows, labels placed so
        that none covers another, a dot, an arrow or the axis names; the queries' labels keep
        clear of the axes too, and a little apart from the words' labels."""
        sentence, trace = self.example.sentences[k], self.traces[k]
        f, d = sentence.focus_index, self.decider_index(k)

        def arrow(coords: np.ndarray, color: ManimColor, width: float) -> Arrow:
            a = Arrow(self.plane.point((0, 0)), self.plane.point(coords), buff=0, color=color,
                      stroke_width=width, max_tip_length_to_length_ratio=0.12)
            a.coords = np.asarray(coords)
            a.set_z_index(ARROW_Z)
            return a

        queries = [arrow(trace.queries[j], style.QUERY, 5) for j in (f, d)]
        key_arrows = [dashed(arrow(trace.keys[j], style.KEY, 3)) for j in (d, f)]
        query_line, reach = self.query_line(trace.queries[f], trace.keys[d], sentence.tokens[d])
        tags = [self.query_tag(sentence.tokens[j], trace.queries[j]) for j in (f, d)]
        keys = [WordDot(self.plane, w, trace.keys[j], word_color(self.example, w))
                for j, w in enumerate(sentence.tokens)]
        drawn = (*queries, *key_arrows, query_line, reach[0])
        lines = [dot for a in drawn for dot in along(a)] + [self.legend, self.column]
        weights = self.through_head(k)
        order = sorted(range(len(keys)), key=lambda j: (j != f, j != d, -weights[j]))
        name_apart(self.plane, [keys[j] for j in order], lines)
        axes = axis_lines(self.plane)
        ticks = tick_numbers(self.plane)
        dots = [kd.dot for kd in keys]
        self.name_the_bare(keys, [*lines, *ticks])
        labels = shown_labels(keys)
        names = [self.plane.x_name, self.plane.y_name]
        marks = {"names": names, "lines": lines, "axes": axes, "ticks": ticks, "dots": dots, "labels": labels,
                 "padded": [SurroundingRectangle(label, buff=TAG_ROOM) for label in labels]}
        place(tags, QUERY_TAG, marks, self.plane, pad=TAG_ROOM)
        labels = shown_labels([*keys, *tags])
        padded = [SurroundingRectangle(label, buff=TAG_ROOM) for label in labels]
        for tag in tags:
            tag.remove(tag.dot)  # the arrow's tip marks the point; only the name is drawn
        self.name_the_foot(reach[1], d, keys, lines,
                           [*ticks, *labels], padded)
        view = SentenceView(sentence, trace, f, d, VGroup(*keys), queries[0], tags[0], queries[1], tags[1],
                            key_arrows[0], key_arrows[1], query_line, reach)
        self.views.append(view)
        return view

    def name_the_foot(self, foot: WordDot, d: int, keys: Sequence[WordDot], lines: Sequence[Mobject],
                      marks: Sequence[Mobject], padded: Sequence[Mobject]) -> None:
        """Name the dot where the decider's (``keys[d]``) key meets the query's line: beside it,
        off the arrows (``lines``), the axes, ``marks`` and the keys' dots and (``padded``)
        labels; else a little away with a line to it (:data:`REACH`), the line free
        to cross an arrow or the decider's own dot (the foot sits on it when the key lies along
        the query, as bank's river); else beside it over the arrows."""
        dots = [kd.dot for kd in keys]
        others = [kd.dot for kd in keys if kd is not keys[d]]
        sets = {"names": [self.plane.x_name, self.plane.y_name], "lines": lines, "marks": marks, "dots": dots,
                "axes": axis_lines(self.plane), "padded": padded, "others": others, "decider": [keys[d].dot]}
        place([foot], REACH, sets, self.plane, dots)

    def query_line(self, query: np.ndarray, key: np.ndarray, word: str) -> tuple[DashedLine, VGroup]:
        """A dashed line from the origin along ``query`` (shape (2,)) to the plane's edge, and
        ``key`` (``word``'s) dropped square onto it: a dashed segment and a dot at its foot, named
        "``word``'s reach", (k . u) u with u = q / |q| (the plane has one unit on both axes, so
        square on the plane is square)."""
        far = self.edge_along(query)
        line = DashedLine(self.plane.point((0, 0)), self.plane.point(far), color=style.QUERY, stroke_width=3,
                          dash_length=0.12).set_opacity(QUERY_LINE_OPACITY)
        u = np.asarray(query) / np.linalg.norm(query)
        foot = (np.asarray(key) @ u) * u
        drop = DashedLine(self.plane.point(key), self.plane.point(foot), color=style.KEY, stroke_width=3,
                          dash_length=0.08)
        named = WordDot(self.plane, word, foot, style.KEY)
        named.dot.scale(REACH_DOT / named.dot.radius)
        named.relabel(VGroup(word_label(f"{word}'s", style.KEY, style.SMALL_SIZE),  # two short lines,
                             word_label("reach", style.KEY, style.SMALL_SIZE)))  # the foot near the edge
        named.label.arrange(DOWN, aligned_edge=LEFT, buff=0.04)
        reach = VGroup(drop, named)
        reach.foot = foot
        return line, reach

    def name_the_bare(self, words: Sequence[WordDot], marks: Sequence[Mobject]) -> None:
        """Name each of ``words`` left bare (no free spot beside its dot) a little away, with a
        line to it (:func:`name_with_leader`), clear of ``marks``, the axis names, the other
        dots and the labels placed; the label off the axes, its line may cross one."""
        for word in words:
            if is_named(word):
                continue
            others = [w.dot for w in words if w is not word]
            labels = shown_labels(words)
            names = [self.plane.x_name, self.plane.y_name]
            name_with_leader(self.plane, word, [*marks, *names, *others, *labels], others,
                             crossable=axis_lines(self.plane))

    def query_tag(self, word: str, coords: np.ndarray) -> WordDot:
        """The name of ``word``'s query on the plane, as the formulas write it: q with the word
        as its subscript."""
        tag = WordDot(self.plane, word, coords, style.QUERY)
        tag.relabel(subscripted(r"\vec q", word, style.QUERY, word_color(self.example, word)))
        return tag

    # -- beats

    def show_raw_weights(self) -> None:
        s, f = self.example.sentences[0], self.example.sentences[0].focus_index
        d = self.decider_index(0)
        self.before = self.raw(0)
        t = temperature_text(self.example.knobs.temperature)
        self.beat("raw", f"With the raw embeddings, softmax(dot / T) at T = {t} gives {s.tokens[d]} "
                  f"{fmt(self.before[d])} of {s.focus}'s attention.")
        self.plane = shared_plane(self.example)
        self.grid = plane_grid(self.plane)
        self.dots = VGroup(*(WordDot(self.plane, w, self.traces[0].inputs[j], word_color(self.example, w))
                             for j, w in enumerate(s.tokens)))
        order = sorted(range(len(s.tokens)), key=lambda j: (j != f, j != d, -self.before[j]))
        name_apart(self.plane, [self.dots[j] for j in order], [])
        # a word of negligible weight is named by its bar, not over an axis (apple's "buy")
        unname_over_marks(self.plane, [self.dots[j] for j in order[2:] if self.before[j] < SMALL_WEIGHT])
        self.name_the_bare(self.dots, tick_numbers(self.plane))
        self.caption = self.caption_for(s)
        self.build_maps()
        self.formulas = [self.score_rows(k) for k in self.shown]
        self.vectors = self.focus_vectors()
        clear_of_plane(self.plane, [self.maps, *self.formulas, self.vectors])
        self.before_title = word_label(f"raw: softmax(x · x / T), T = {t}", style.MUTED, ROW_TEXT)
        self.scaled_title = word_label("raw: softmax(x·x/√dₖ)", style.MUTED, ROW_TEXT)
        self.after_title = word_label("head: softmax(q·k/√dₖ)", style.QUERY, ROW_TEXT)
        self.bar_width = config.frame_width / 2 - style.MARGIN - right_of_plane(self.plane)
        rows = self.all_bar_rows()
        self.lay_out_rows(rows, self.caption.get_bottom()[1] - BLOCK_GAP)
        self.rows, self.first_raw = rows[:-1], rows[-1][0]  # the softmax chapter's row, for this beat
        self.before_bars, self.after_bars = self.rows[0]
        self.play(Create(self.grid), Create(self.plane), FadeIn(self.caption), run_time=style.BEAT)
        self.play(FlatFadeIn(self.dots, *self.row(self.first_raw), self.before_title), run_time=style.BEAT)

    def scaling_panel(self) -> VGroup:
        """The scaling's lines (:meth:`ScaledWeights.scaling_panel`), clear of the plane's marks."""
        lines = super().scaling_panel()
        clear_of_plane(self.plane, lines)
        return lines

    def caption_for(self, sentence: Sentence) -> Mobject:
        """The sentence, at the top of the right-hand column."""
        caption = sentence_caption(sentence.text, max_width=BAR_WIDTH)
        caption.to_edge(UP, buff=style.MARGIN)
        return caption.shift((column_left() - caption.get_left()[0]) * RIGHT)

    def build_maps(self) -> None:
        """W_Q over W_K, each under what it stands for, below the caption."""
        self.w_q = matrix_tex("W_{Q}", self.head.query, style.QUERY)
        self.w_k = matrix_tex("W_{K}", self.head.key, style.KEY)
        self.w_q.matrix, self.w_k.matrix = self.head.query, self.head.key
        self.q_role = word_label("what a word looks for", style.QUERY, ROW_TEXT)
        self.k_role = word_label("what a word offers", style.KEY, ROW_TEXT)
        blocks = [VGroup(role, tex).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
                  for role, tex in ((self.q_role, self.w_q), (self.k_role, self.w_k))]
        self.maps = VGroup(*blocks).arrange(DOWN, aligned_edge=LEFT, buff=BLOCK_GAP / COLUMN_MATH)
        self.maps.scale(COLUMN_MATH)
        if self.maps.width > BAR_WIDTH:
            self.maps.scale_to_fit_width(BAR_WIDTH)
        self.maps.next_to(self.caption, DOWN, buff=BLOCK_GAP)
        self.maps.shift((column_left() - self.maps.get_left()[0]) * RIGHT)

    def score_rows(self, k: int) -> VGroup:
        """The two scores of sentence ``k`` as formulas, under the maps: the focus looking at
        the decider, and the decider looking back."""
        s, t = self.example.sentences[k], self.traces[k]
        f, d = s.focus_index, self.decider_index(k)
        rows = VGroup(score_formula(self.example, s.focus, s.tokens[d], t.scores[f, d]),
                      score_formula(self.example, s.tokens[d], s.focus, t.scores[d, f]))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        rows.scale(COLUMN_MATH)
        if rows.width > BAR_WIDTH:
            rows.scale_to_fit_width(BAR_WIDTH)
        rows.next_to(self.maps, DOWN, buff=BLOCK_GAP + 0.1)
        rows.shift((column_left() - rows.get_left()[0]) * RIGHT)
        return rows

    def focus_vectors(self) -> VGroup:
        """The first sentence's focus: its query and its key, where the scores will be."""
        s, t = self.example.sentences[0], self.traces[0]
        f = s.focus_index
        lines = VGroup(vector_formula(self.example, r"\vec q", style.QUERY, s.focus, t.queries[f]),
                       vector_formula(self.example, r"\vec k", style.KEY, s.focus, t.keys[f]))
        lines.arrange(DOWN, aligned_edge=LEFT, buff=0.3).scale(COLUMN_MATH)
        if lines.width > BAR_WIDTH:
            lines.scale_to_fit_width(BAR_WIDTH)
        return lines.move_to(self.formulas[0], aligned_edge=UP + LEFT)

    def show_maps(self) -> None:
        self.beat("maps", "A head has two maps, W_Q (what a word looks for) and W_K (what it offers): "
                  "set by hand here, learned in training.")
        self.play(FlatFadeOut(*self.row(self.first_raw), self.before_title), run_time=style.BEAT / 2)
        self.play(FadeIn(self.maps), run_time=style.BEAT)

    def build_legend(self) -> VGroup:
        """What the plane shows once it no longer shows the embeddings: the dots are keys,
        the thick arrows queries; in a corner of the plane that no point of the chapter covers."""
        legend = VGroup(word_label("dots: keys, k = x W_K", style.KEY, style.SMALL_SIZE),
                        word_label("arrows: queries, q = x W_Q", style.QUERY, style.SMALL_SIZE))
        legend.arrange(DOWN, aligned_edge=LEFT, buff=LEGEND_GAP)
        points = [p for t in self.traces for p in (*t.inputs, *t.queries, *t.keys)]
        points += [p for k in self.shown for p in self.drawn_lines(k)]
        return legend_in_corner(self.plane, legend, np.array(points), right=column_left() - LEGEND_ROOM)

    def drawn_lines(self, k: int) -> list[np.ndarray]:
        """Points (each shape (2,)) along every line the plane draws for sentence ``k``: the two
        queries' and the two keys' arrows, and the focus's query's dashed line to the edge."""
        s, t = self.example.sentences[k], self.traces[k]
        f, d = s.focus_index, self.decider_index(k)
        tips = [t.queries[f], t.queries[d], t.keys[d], t.keys[f], self.edge_along(t.queries[f])]
        return [u * tip for tip in tips for u in np.linspace(0, 1, 25)]

    def edge_along(self, query: np.ndarray) -> np.ndarray:
        """Where the line from the origin along ``query`` (shape (2,)) leaves the plane, or
        meets the right-hand column first (a wide plane reaches into it): the dashed line's far
        end, in the plane's coordinates, shape (2,)."""
        scale = self.plane.scale_used
        ends = [hi / c if c > 0 else lo / c for c, (lo, hi, _) in zip(query, (scale.x_range, scale.y_range),
                                                                         strict=True) if c != 0]
        origin, unit = self.plane.point((0, 0))[0], self.plane.point((1, 0))[0] - self.plane.point((0, 0))[0]
        if query[0] > 0:  # the column starts this many units right of the origin
            ends.append((column_left() - COLUMN_ROOM - origin) / unit / query[0])
        return min(ends) * np.asarray(query)

    def transform_plane_to_keys(self) -> None:
        self.beat("keys", "W_K is a linear map: it moves the whole plane, and every word lands on its key.")
        old_names = self.plane.rename_axes(*AXIS_NAMES)
        self.add(*old_names)
        self.legend = self.build_legend()
        # the right-hand column, where a wide plane's names must not go (seal's q_walrus did)
        self.column = Rectangle(width=config.frame_width / 2 - column_left(), height=config.frame_height)
        self.column.move_to([column_left(), 0, 0], aligned_edge=LEFT)
        self.current = self.view(0)
        self.play(apply_map(self.grid, self.head.key, self.plane),
                  *(ReplacementTransform(d, t) for d, t in zip(self.dots, self.current.keys, strict=True)),
                  FadeOut(*old_names), FadeIn(self.plane.x_name, self.plane.y_name, self.legend[0]),
                  run_time=style.SLOW)
        self.key_dots = self.current.keys

    def show_query(self) -> None:
        v = self.current
        q, k = v.trace.queries[v.focus], v.trace.keys[v.focus]
        focus = v.sentence.focus
        distinct = facts.claim(self.example, "query_differs_from_key").holds
        if distinct and vec_text(q) != vec_text(k):
            said = f"W_Q gives {focus} its query, {vec_text(q)}: not its key, as the maps differ."
        elif distinct:
            said = f"W_Q gives {focus} its query, {vec_text(q)}: for {focus} it lands on its key."
        else:
            said = f"Here W_Q equals W_K, so {focus}'s query, {vec_text(q)}, is its own key."
        self.beat("query", said)
        self.play(Create(v.focus_query), FadeIn(v.focus_query_label), FadeIn(self.vectors),
                  FadeIn(self.legend[1]), run_time=style.BEAT)

    def say_what_the_query_asks(self) -> None:
        v = self.current
        focus = v.sentence.focus
        way = query_direction(v.trace.queries[v.focus])
        self.beat("asks", f"{focus}'s query, the dashed line, points {way}: it asks for keys reaching far "
                  "along it.")
        self.play(Create(v.query_line), run_time=style.BEAT)

    def say_what_the_keys_offer(self) -> None:
        """Which key reaches farthest along the focus's query (k . q / |q|, the foot of its drop
        on the dashed line): the decider's when the story's claim holds."""
        v = self.current
        focus, decider = v.sentence.focus, v.sentence.tokens[v.decider]
        if facts.claim(self.example, "decider_key_fits", 0).holds:
            said = (f"{decider}'s key reaches farthest along {focus}'s query, the farthest reach on the "
                    f"dashed line: what {focus} asks for.")
        else:
            q = v.trace.queries[v.focus]
            reach = v.trace.keys @ q  # the keys' order along the query (each reach times |q|)
            best = int(np.argmax(reach))
            rival = int(np.argmax(np.where(np.arange(len(reach)) == v.decider, -np.inf, reach)))
            on = {v.focus: f"{focus}'s own"}.get(best, f"{v.sentence.tokens[best]}'s")
            if best == v.decider:  # ahead by less than a student can see
                said = (f"{decider}'s key and {v.sentence.tokens[rival]}'s reach about as far along "
                        f"{focus}'s query: the dashed line hardly tells them apart.")
            else:
                said = (f"{decider}'s key is not the one that reaches farthest along {focus}'s query: {on} "
                        f"is. This query asks for something else than {decider} offers.")
        self.beat("offers", said)
        self.play(Create(v.decider_key), Create(v.reach[0]), FadeIn(v.reach[1]), run_time=style.BEAT)

    def look_at_decider(self) -> None:
        v = self.current
        focus, decider = v.sentence.focus, v.sentence.tokens[v.decider]
        self.beat("look", f"{focus} looking at {decider}: its query times {decider}'s key, "
                  f"q · k = {fmt(v.trace.scores[v.focus, v.decider])}.")
        self.play(FlatFadeOut(self.vectors), run_time=style.BEAT / 2)  # the scores take their place
        self.play(FadeIn(self.formulas[0][0]), run_time=style.BEAT)

    def look_back(self) -> None:
        v = self.current
        focus, decider = v.sentence.focus, v.sentence.tokens[v.decider]
        back = v.trace.scores[v.decider, v.focus]
        if facts.claim(self.example, "one_sided", 0).holds:
            said = (f"{decider} looking at {focus}: its query times {focus}'s key, {fmt(back)}. "
                    "Attention can be one-sided.")
        elif not facts.claim(self.example, "query_differs_from_key").holds:
            said = (f"{decider} looking at {focus} scores {fmt(back)} too: with W_Q equal to W_K "
                    "it is symmetric.")
        else:
            said = f"{decider} looking at {focus} scores {fmt(back)}, about the same: here they look alike."
        self.beat("look back", said)
        first_look = (v.focus_query, v.focus_query_label, v.decider_key, v.query_line, v.reach)
        self.play(*(m.animate.set_opacity(FADED) for m in first_look),
                  Create(v.decider_query), FadeIn(v.decider_query_label), Create(v.focus_key),
                  FadeIn(self.formulas[0][1]), run_time=style.BEAT)

    # -- for tests

    def word_dots_on_screen(self) -> list[WordDot]:
        """The words' dots now on screen (embeddings, then keys)."""
        on = {id(x) for m in self.mobjects for x in m.get_family()}
        dots = list(self.current.keys) if hasattr(self, "current") else list(getattr(self, "dots", []))
        return [d for d in dots if id(d.dot) in on]

    def labels_on_screen(self) -> list[Mobject]:
        """Every label, formula and block of text now on screen, each as one box."""
        if not hasattr(self, "plane"):  # the title card
            return []
        on = set()
        for m in self.mobjects:
            on.update(id(x) for x in m.get_family())
        v = self.current if hasattr(self, "current") else None
        candidates: list[Mobject] = [self.plane.x_name, self.plane.y_name, self.caption]
        candidates += list(getattr(self, "legend", []))
        candidates += list(getattr(self, "scaling", []))
        for name in ("maps", "before_title", "scaled_title", "after_title", "was_note"):
            if hasattr(self, name):
                candidates.append(getattr(self, name))
        candidates += [*self.formulas[0], *self.vectors] + [f for pair in self.rows for bars in pair
                                             for f in (bars.rounding_note,) if f is not None]
        candidates += [bars for pair in self.rows for bars in pair] + self.row(self.first_raw)
        if v is not None:
            candidates += shown_labels(v.keys)
            candidates += shown_labels([v.focus_query_label, v.decider_query_label, v.reach[1]])
        else:
            candidates += shown_labels(self.dots)
        return [m for m in candidates if id(m) in on]
