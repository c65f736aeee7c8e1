"""The story checker: every claim the video narrates, evaluated on one example's numbers.

A scene says things such as "apple's nearest word is orange" or "the head makes apple look
at orange more than the raw embeddings do". Whether that is true depends on the numbers in
the example file, which a teacher may edit. :func:`story_claims` evaluates each such claim
on an :class:`~attention_content.example_types.Example` and returns :class:`Claim` results; the
scenes choose their words from the same results (so the narration never asserts what the
numbers deny), and ``attention-explainer check`` prints each claim that does
not hold as a ``warning:`` line.

The measures, for a focus word ``f`` and another word ``w`` of its sentence:

    distance(f, w) = |f - w|          dot(f, w) = f . w          cosine(f, w) = f.w / (|f| |w|)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from attention_content.example_types import Example
from attention_core.attention import AttentionTrace, causal_mask, scaled_dot_product_attention
from attention_core.context import ContextPullTrace, context_pull
from attention_core.softmax import naive_normalize, softmax

__all__ = [
    "Claim",
    "HeadLook",
    "Measure",
    "Neighbour",
    "REACH_GAP",
    "claim",
    "decider",
    "decider_cosines",
    "focus_attention",
    "focus_update",
    "gravity",
    "gravity_distances",
    "head_favourites",
    "head_looks",
    "look_ahead_sentences",
    "multi_head_cosines",
    "neighbours",
    "plane_points",
    "raw_weights",
    "scaled_raw_weights",
    "story_claims",
]

Measure = Literal["distance", "dot", "cosine"]
_MEASURE_WORDS = {"distance": "nearest (by distance)", "dot": "largest dot product",
                  "cosine": "largest cosine"}
# Two numbers a scene prints with two decimals are visibly different when they differ by this.
VISIBLE = 0.05
# Two reaches along a query (k . q / |q|, scene lengths) this far apart never print alike at two
# decimals, and their feet on the query's line lie apart.
REACH_GAP = VISIBLE / 5
# The most decimals a scene prints each measure with (the words chapter gives distances that
# print alike a third): a decider that prints as its runner-up does not win by that measure.
PLACES: dict[str, int] = {"distance": 3, "dot": 2, "cosine": 2}


@dataclass(frozen=True)
class Neighbour:
    """Another word of a sentence and its similarity to the focus by one measure."""

    word: str
    value: float


@dataclass(frozen=True)
class Claim:
    """One thing a scene says, and whether the example's numbers bear it out.

    Attributes:
        step: the scene module that narrates it (``"gravity_pull"``).
        key: a short name of the claim (``"pull_toward_decider"``).
        sentence: index of the sentence it is about, or None for the whole example.
        says: the claim in words, as the scene would state it.
        holds: True when the numbers bear it out.
        numbers: the figures that decide it, for the warning.
    """

    step: str
    key: str
    sentence: int | None
    says: str
    holds: bool
    numbers: str
    # What the numbers would have to show, what they do show and by how much they miss, for
    # the warning ("the decider 'orange' should be apple's nearest word: its distance 2.00",
    # "nearest is 'buy' at 1.00", margin -1.00). ``margin`` > 0: the claim holds by that much.
    should: str = ""
    does: str = ""
    margin: float | None = None
    # Two numbers the claim ranks that print alike at two decimals ("1.56 and 1.56"): the claim
    # holds, but a student sees a tie.
    printed_tie: str = ""
    short: str = ""  # how far it misses, where a number of its own units would mislead ("2 places")

    @property
    def where(self) -> str:
        """The chapter and the sentence, as a warning names them."""
        return f"{self.step}, sentence {self.sentence + 1}" if self.sentence is not None else self.step

    @property
    def warning(self) -> str:
        """The line the checker prints when the claim does not hold: what should win, what
        does, and by how much it misses (or, when it wins by less than printing shows, the tie)."""
        if self.printed_tie and self.margin is not None and self.margin >= 0:
            return self.tie_warning
        if self.should and self.margin is not None:
            short = self.short or _amount(-self.margin)
            return (f"warning: {self.where}: {self.should}; {self.does}; short by {short}. The video "
                    f"would say \"{self.says}\", so the scene will not say it")
        return (f"warning: {self.where}: the video would say \"{self.says}\", but the numbers deny it "
                f"({self.numbers}); the scene will not say it")

    @property
    def tie_warning(self) -> str:
        """The line the checker prints when the claim holds but its numbers print as a tie."""
        return (f"warning: {self.where}: \"{self.says}\" holds by only {_amount(self.margin or 0.0)}: "
                f"{self.printed_tie}, so a student sees a tie")


def _amount(value: float) -> str:
    """A margin in words: two decimals, more where two decimals would print 0.00."""
    return f"{value:.2f}" if abs(value) >= 0.005 or value == 0 else f"{value:.1g}"


# ------------------------------------------------------------------ facts the scenes use


def decider(example: Example, sentence: int) -> str:
    """The word that decides the focus's meaning in sentence ``sentence``: the file's
    ``decider`` field, or else the other word with the largest dot product with the focus."""
    s = example.sentences[sentence]
    return s.decider or neighbours(example, sentence, "dot")[0].word


def neighbours(example: Example, sentence: int, measure: Measure) -> tuple[Neighbour, ...]:
    """The other words of a sentence, most similar to its focus first, by ``measure``.

    Ties keep sentence order (a stable sort), so the result never depends on chance.
    """
    s = example.sentences[sentence]
    x = example.embeddings(sentence)  # (n, d)
    f = x[s.focus_index]  # (d,)
    if measure == "distance":
        values = np.linalg.norm(x - f, axis=1)  # (n,): smaller is more similar
        order = np.argsort(values, kind="stable")
    elif measure in ("dot", "cosine"):
        values = x @ f  # (n,)
        if measure == "cosine":
            values = values / (np.linalg.norm(x, axis=1) * np.linalg.norm(f))
        order = np.argsort(-values, kind="stable")
    else:
        raise ValueError(f"unknown measure {measure!r}; use distance, dot or cosine")
    return tuple(Neighbour(s.tokens[i], float(values[i])) for i in order if i != s.focus_index)


def plane_points(example: Example) -> np.ndarray:
    """Every point a plane scene draws for ``example``, shape (k, 2) (empty unless planar):
    the words, where gravity moves each focus, the first head's queries, keys and values of
    every sentence word, and each focus after ``x + sum w v``. One plane scale that holds
    them all serves every chapter, so the plane never changes scale between chapters."""
    if not example.is_planar:
        return np.zeros((0, 2))
    points = [np.stack(list(example.words.values()))]
    for i, s in enumerate(example.sentences):
        x = example.embeddings(i)
        points.append(gravity(example, i).new_embeddings[s.focus_index][None])
        head = example.heads[0]
        for matrix in (head.query, head.key, head.value):
            if matrix.shape[1] == 2:
                points.append(x @ matrix)  # (n, 2) @ (2, 2) -> (n, 2)
        if head.value.shape[1] == 2:
            points.append(focus_update(example, i)[None])
    return np.concatenate(points)


def raw_weights(example: Example, sentence: int) -> np.ndarray:
    """How the focus spreads its attention with no maps at all: the softmax of its dot
    products with every word of the sentence over the example's temperature, shape (n,)."""
    s = example.sentences[sentence]
    x = example.embeddings(sentence)
    return softmax(x @ x[s.focus_index], temperature=example.knobs.temperature)


def look_ahead_sentences(example: Example) -> tuple[int, ...]:
    """The sentences whose decider comes after their focus, in order: under a causal mask
    (a model that predicts the next word) the focus cannot use its decider there, though the
    decider still sees the focus."""
    return tuple(i for i, s in enumerate(example.sentences)
                 if s.tokens.index(decider(example, i)) > s.focus_index)


def gravity(example: Example, sentence: int) -> ContextPullTrace:
    """The gravity step of a sentence: every word pulled by softmax(dot / T) weights."""
    x = example.embeddings(sentence)
    return context_pull(x, x @ x.T, strength=example.knobs.pull_strength,
                        steps=example.knobs.pull_steps, temperature=example.knobs.temperature)


def gravity_distances(example: Example, sentence: int, word: str) -> tuple[float, float]:
    """How far the focus is from ``word`` (by distance) before and after the gravity step."""
    s = example.sentences[sentence]
    trace = gravity(example, sentence)
    there = trace.embeddings[s.tokens.index(word)]  # (d,)
    return (float(np.linalg.norm(trace.embeddings[s.focus_index] - there)),
            float(np.linalg.norm(trace.new_embeddings[s.focus_index] - there)))


def focus_attention(example: Example, sentence: int, head: int = 0,
                    masked: bool = False) -> AttentionTrace:
    """Scaled dot-product attention of a sentence through one head (optionally causal)."""
    x = example.embeddings(sentence)
    h = example.heads[head]
    mask = causal_mask(len(x)) if masked else None
    return scaled_dot_product_attention(x, h.query, h.key, h.value, mask=mask)


def scaled_raw_weights(example: Example, sentence: int, head: int = 0) -> np.ndarray:
    """How the focus spreads its attention with no maps, scaled as a head scales its scores:
    softmax(x . x_focus / sqrt(d_k)), shape (n,). The fair comparison for the head's own
    weights (:func:`focus_attention`), whose rule is the same but for the maps."""
    s = example.sentences[sentence]
    x = example.embeddings(sentence)
    d_k = example.heads[head].key.shape[1]
    return softmax(x @ x[s.focus_index], temperature=float(np.sqrt(d_k)))


def head_favourites(example: Example, sentence: int) -> tuple[Neighbour, ...]:
    """For each head, the other word the focus attends to most (scaled dot-product
    attention, no mask) and its weight; ties go to the earlier word."""
    i = example.sentences[sentence].focus_index
    tokens = example.sentences[sentence].tokens
    result = []
    for h in range(len(example.heads)):
        w = focus_attention(example, sentence, h).weights[i]  # (n,)
        j = max((j for j in range(len(tokens)) if j != i), key=lambda j: (w[j], -j))
        result.append(Neighbour(tokens[j], float(w[j])))
    return tuple(result)


@dataclass(frozen=True)
class HeadLook:
    """What one head does with the focus of a sentence (scaled dot-product attention, no mask).

    Attributes:
        itself: the weight the focus puts on itself.
        others: the other words, most attended first (ties: the earlier word first).
        main: the words the head is named by: the most attended other word, and the next one
            too when it gets at least half as much (and a visible weight).
    """

    itself: float
    others: tuple[Neighbour, ...]
    main: tuple[Neighbour, ...]

    @property
    def mostly_itself(self) -> bool:
        """Whether the focus keeps more of this head's attention than any other word gets."""
        return self.itself > self.others[0].value if self.others else True


def head_looks(example: Example, sentence: int, head: int = 0) -> HeadLook:
    """What head ``head`` looks at from the focus of sentence ``sentence`` (:class:`HeadLook`):
    a head is named by what it does, never by the name the file gives it."""
    s = example.sentences[sentence]
    i = s.focus_index
    w = focus_attention(example, sentence, head).weights[i]  # (n,)
    order = sorted((j for j in range(len(s.tokens)) if j != i), key=lambda j: (-w[j], j))
    others = tuple(Neighbour(s.tokens[j], float(w[j])) for j in order)
    main = others[:1]
    if len(others) > 1 and others[1].value >= max(others[0].value / 2, VISIBLE):
        main = others[:2]
    return HeadLook(float(w[i]), others, main)


def multi_head_cosines(example: Example, sentence: int = 0) -> tuple[float, float]:
    """The cosine between the decider's embedding and the focus, before (``x``) and after
    all the heads, concatenated and mapped back by W_O (``x + [heads] W_O``): how far the
    multi-head update turns the focus toward the decider."""
    s = example.sentences[sentence]
    x = example.embeddings(sentence)  # (n, d)
    heads = [focus_attention(example, sentence, h).output for h in range(len(example.heads))]
    update = np.concatenate(heads, axis=1) @ example.w_o  # (n, H d_v) @ (H d_v, d) -> (n, d)
    there = example.words[decider(example, sentence)]  # (d,)

    def cos(a: np.ndarray) -> float:
        return float(a @ there / (np.linalg.norm(a) * np.linalg.norm(there)))

    return cos(x[s.focus_index]), cos(x[s.focus_index] + update[s.focus_index])


def focus_update(example: Example, sentence: int, head: int = 0) -> np.ndarray:
    """The focus after one head with the residual: ``x + sum_j w_j v_j``, shape (d,).

    Only defined when values have the embeddings' dimension (d_v == d)."""
    trace = focus_attention(example, sentence, head)
    i = example.sentences[sentence].focus_index
    return trace.inputs[i] + trace.output[i]


def decider_cosines(example: Example, sentence: int, head: int = 0) -> tuple[float, float]:
    """The cosine between the decider's embedding and the focus, before (``x``) and after
    (:func:`focus_update`, ``x + sum_j w_j v_j``) one head: how far the update turns the
    focus toward the decider."""
    s = example.sentences[sentence]
    there = example.words[decider(example, sentence)]  # (d,)

    def cos(a: np.ndarray) -> float:
        return float(a @ there / (np.linalg.norm(a) * np.linalg.norm(there)))

    return cos(example.embeddings(sentence)[s.focus_index]), cos(focus_update(example, sentence, head))


# ----------------------------------------------------------------------------- claims


def _ranked(items: tuple[Neighbour, ...], n: int = 3) -> str:
    return ", ".join(f"{nb.word} {nb.value:.2f}" for nb in items[:n])


_MEASURE_TOP = {"distance": "nearest", "dot": "largest dot product", "cosine": "largest cosine"}


def _top_is_decider(example: Example, i: int, measure: Measure, step: str) -> Claim:
    """The decider is first by ``measure``, and prints apart from the runner-up with the
    decimals its scene gives that measure (:data:`PLACES`): a tie on screen is no win."""
    s = example.sentences[i]
    ranked = neighbours(example, i, measure)
    want = decider(example, i)
    mine = next(nb for nb in ranked if nb.word == want)
    rival = next(nb for nb in ranked if nb.word != want)  # the best of the others
    sign = -1.0 if measure == "distance" else 1.0
    margin = sign * (mine.value - rival.value)
    places = PLACES[measure]
    apart = len(ranked) < 2 or f"{ranked[0].value:.{places}f}" != f"{ranked[1].value:.{places}f}"
    tie = "" if apart else (f"; {ranked[0].word} and {ranked[1].word} both print "
                            f"{ranked[0].value:.{places}f}")
    top = ranked[0] if ranked[0].word != want else rival
    printed_tie = f"{mine.value:.{places}f}" == f"{rival.value:.{places}f}"
    return Claim(step, f"top_{measure}_is_decider", i,
                 f"{s.focus}'s {_MEASURE_WORDS[measure]} in \"{s.text}\" is {want}",
                 ranked[0].word == want and apart, f"{measure}: {_ranked(ranked)}{tie}",
                 should=f"the decider {want!r} should be {s.focus}'s {_MEASURE_WORDS[measure]}: its "
                        f"{measure} {mine.value:.{places}f}",
                 does=(f"{_MEASURE_TOP[measure]} is {top.word!r} at {top.value:.{places}f}"
                       if ranked[0].word != want else f"next is {rival.word!r} at {rival.value:.{places}f}"),
                 margin=margin,
                 printed_tie=(f"{want} {mine.value:.{places}f} and {rival.word} {rival.value:.{places}f}"
                              if printed_tie else ""))


def _pull_toward_decider(example: Example, i: int) -> Claim:
    s = example.sentences[i]
    d = s.tokens.index(decider(example, i))
    before, after = gravity_distances(example, i, s.tokens[d])
    return Claim("gravity_pull", "pull_toward_decider", i,
                 f"the pull moves {s.focus} toward {s.tokens[d]}", after < before - VISIBLE,
                 f"distance to {s.tokens[d]} {before:.2f} before, {after:.2f} after",
                 should=f"the pull should bring {s.focus} at least {VISIBLE:.2f} nearer to {s.tokens[d]!r}",
                 does=f"its distance goes from {before:.2f} to {after:.2f}",
                 margin=before - after - VISIBLE)


def _naive_fails(example: Example) -> Claim:
    s = example.sentences[0]
    x = example.embeddings(0)
    trace = naive_normalize(x @ x[s.focus_index])
    shown = ("no weights: the scores add up to 0" if trace.weights is None else "weights " + ", ".join(
        f"{t} {w:.2f}" for t, w in zip(s.tokens, trace.weights, strict=True)))
    lowest = 0.0 if trace.weights is None else float(np.min(trace.weights))
    low_word = s.tokens[0] if trace.weights is None else s.tokens[int(np.argmin(trace.weights))]
    return Claim("softmax_normalize", "naive_gives_negative", 0,
                 "dividing the scores by their sum gives a negative weight",
                 bool(trace.negative_indices), shown,
                 should="one word's score divided by the sum should be negative",
                 does=("the scores add up to 0" if trace.weights is None
                       else f"the smallest is {low_word!r} at {lowest:.2f}"),
                 margin=-lowest)


def _distinct_maps(example: Example) -> Claim:
    h = example.heads[0]
    same = h.query.shape == h.key.shape and bool(np.allclose(h.query, h.key))
    gap = float(np.max(np.abs(h.query - h.key))) if h.query.shape == h.key.shape else 1.0
    return Claim("keys_and_queries", "query_differs_from_key", None,
                 f"head {h.name!r} has two different maps, W_Q and W_K", not same,
                 "W_Q equals W_K" if same else "W_Q differs from W_K",
                 should=f"head {h.name!r}'s W_Q should differ from its W_K",
                 does=f"their largest difference is {gap:.2f}", margin=gap if not same else 0.0)


def _one_sided(example: Example, i: int) -> Claim:
    s = example.sentences[i]
    f, d = s.focus_index, s.tokens.index(decider(example, i))
    scores = focus_attention(example, i).scores
    gap = float(abs(scores[f, d] - scores[d, f]))
    return Claim("keys_and_queries", "one_sided", i,
                 f"{s.focus} looking at {s.tokens[d]} scores differently from {s.tokens[d]} "
                 f"looking at {s.focus}", gap >= VISIBLE,
                 f"{s.focus}->{s.tokens[d]} {scores[f, d]:.2f}, {s.tokens[d]}->{s.focus} "
                 f"{scores[d, f]:.2f}",
                 should=f"{s.focus}->{s.tokens[d]} and {s.tokens[d]}->{s.focus} should score at least "
                        f"{VISIBLE:.2f} apart",
                 does=f"they score {scores[f, d]:.2f} and {scores[d, f]:.2f}", margin=gap - VISIBLE)


def _head_sharpens(example: Example, i: int) -> Claim:
    s = example.sentences[i]
    d = s.tokens.index(decider(example, i))
    # the head's own weights, softmax(q . k / sqrt(d_k)), against the raw ones under the same rule
    raw, head = scaled_raw_weights(example, i)[d], focus_attention(example, i).weights[s.focus_index, d]
    return Claim("keys_and_queries", "head_sharpens", i,
                 f"head {example.heads[0].name!r} gives {s.tokens[d]} more of {s.focus}'s attention "
                 "than the raw embeddings (both divided by sqrt(d_k))", head > raw + VISIBLE / 5,
                 f"{s.tokens[d]} {raw:.2f} raw, {head:.2f} through the head",
                 should=f"through head {example.heads[0].name!r}, {s.tokens[d]!r} should get at least "
                        f"{VISIBLE / 5:.2f} more of {s.focus}'s attention than its raw {raw:.2f}",
                 does=f"it gets {head:.2f}", margin=float(head - raw - VISIBLE / 5))


def _decider_key_fits(example: Example, i: int) -> Claim:
    """The decider's key reaches farthest along the focus's query: its reach, the length of its
    key dropped square onto the query's line, k . q / |q| (the dashed line's foot on screen, the
    same order as q . k), beats every other key's, the focus's own included, by :data:`REACH_GAP`
    (so the two never print alike at two decimals)."""
    s = example.sentences[i]
    d = s.tokens.index(decider(example, i))
    trace = focus_attention(example, i)
    q = trace.queries[s.focus_index]
    row = trace.keys @ q / np.linalg.norm(q)  # (n,): each key's reach along the focus's query
    rest = np.delete(row, d)
    best = s.tokens[int(np.argmax(row))]
    rival = s.tokens[int(np.argmax(np.where(np.arange(len(row)) == d, -np.inf, row)))]
    return Claim("keys_and_queries", "decider_key_fits", i,
                 f"{s.tokens[d]}'s key reaches farthest along {s.focus}'s query",
                 bool(row[d] > rest.max() + REACH_GAP),
                 f"reach along q_{s.focus}: {s.tokens[d]} {row[d]:.2f}, the farthest {best} {row.max():.2f}"
                 if best != s.tokens[d] else f"reach along q_{s.focus}: {s.tokens[d]} {row[d]:.2f}, next "
                 f"{rest.max():.2f}",
                 should=f"the decider {s.tokens[d]!r} should reach farthest along {s.focus}'s query "
                        f"(k . q_{s.focus} / |q_{s.focus}|), by at least {REACH_GAP:.2f}: its reach "
                        f"{row[d]:.2f}",
                 does=f"the next is {rival!r} at {rest.max():.2f}" if rival != s.focus
                      else f"the next is {s.focus} itself at {rest.max():.2f}",
                 margin=float(row[d] - rest.max() - REACH_GAP))


def _update_toward_decider(example: Example, i: int) -> Claim:
    s = example.sentences[i]
    d = decider(example, i)
    before, after = decider_cosines(example, i)
    return Claim("value_vectors", "update_toward_decider", i,
                 f"x + sum w v turns {s.focus} toward {d}", after > before + VISIBLE / 5,
                 f"cosine with {d} {before:.2f} before, {after:.2f} after",
                 should=f"x + sum w v should raise {s.focus}'s cosine with {d!r} by at least "
                        f"{VISIBLE / 5:.2f}",
                 does=f"it goes from {before:.2f} to {after:.2f}", margin=after - before - VISIBLE / 5)


def _decider_before_focus(example: Example) -> Claim:
    s = example.sentences[0]
    d = s.tokens.index(decider(example, 0))
    return Claim("attention_matrix", "decider_before_focus", 0,
                 f"under the causal mask {s.focus} still sees {s.tokens[d]}, which comes before it",
                 d < s.focus_index, f"{s.tokens[d]} is word {d + 1}, {s.focus} is word "
                                    f"{s.focus_index + 1}",
                 should=f"the decider {s.tokens[d]!r} should come before {s.focus} in sentence 1 "
                        "(a word order, not a number: move it)",
                 does=f"it is word {d + 1}, {s.focus} is word {s.focus_index + 1}",
                 margin=float(s.focus_index - d),
                 short=f"{d - s.focus_index} place" + ("s" if d - s.focus_index > 1 else ""))


def _heads_differ(example: Example) -> Claim:
    favourites = head_favourites(example, 0)
    tops = [nb.word for nb in favourites]
    s = example.sentences[0]
    i = s.focus_index
    # each head's next other word after its favourite, and how much less it gets
    runners = []
    for h in range(len(example.heads)):
        w = focus_attention(example, 0, h).weights[i]  # (n,)
        order = [j for j in np.argsort(-w, kind="stable") if j != i]
        runners.append(Neighbour(s.tokens[order[1]], float(w[order[1]])) if len(order) > 1 else favourites[h])
    gaps = [f.value - r.value for f, r in zip(favourites, runners, strict=True)]
    holds = len(set(tops)) == len(tops) > 1
    shared = [h for h in range(1, len(tops)) if tops[h] in tops[:h]]
    margin = min(gaps) if holds else -min(gaps[h] for h in shared) if shared else 0.0
    does = ", ".join(f"{hd.name} looks most at {f.word!r} ({f.value:.2f})"
                     for hd, f in zip(example.heads, favourites, strict=True))
    if shared:
        h = min(shared, key=lambda h: gaps[h])
        does += f"; {example.heads[h].name}'s next is {runners[h].word!r} at {runners[h].value:.2f}"
    return Claim("multi_head", "heads_look_apart", 0,
                 "the heads look at different words", holds,
                 "each head's most-attended other word: " + ", ".join(
                     f"{h.name} {t}" for h, t in zip(example.heads, tops, strict=True)),
                 should="each head should look most at a different other word",
                 does=does, margin=margin)


def _multi_head_toward_decider(example: Example) -> Claim:
    s = example.sentences[0]
    d = decider(example, 0)
    before, after = multi_head_cosines(example, 0)
    return Claim("multi_head", "multi_head_toward_decider", 0,
                 f"the heads together turn {s.focus} toward {d}", after > before + VISIBLE / 5,
                 f"cosine with {d} {before:.2f} before, {after:.2f} after")


def _claims(example: Example) -> tuple[Claim, ...]:
    result: list[Claim] = []
    both = range(min(2, len(example.sentences)))
    for i in both:
        result.append(_top_is_decider(example, i, "distance", "words_in_context"))
    for i in both:
        result.append(_top_is_decider(example, i, "dot", "similarity_table"))
        result.append(_top_is_decider(example, i, "cosine", "similarity_table"))
    for i in both:
        # (gravity's hardest pull is the largest dot product's by construction: no claim)
        result.append(_pull_toward_decider(example, i))
    result.append(_naive_fails(example))
    result.append(_distinct_maps(example))
    for i in both:
        result += [_decider_key_fits(example, i), _one_sided(example, i), _head_sharpens(example, i)]
    if all(h.value.shape[1] == example.dimension for h in example.heads[:1]):
        result += [_update_toward_decider(example, i) for i in both]
    result.append(_decider_before_focus(example))
    if len(example.heads) > 1:
        result.append(_heads_differ(example))
    if example.w_o.shape[1] == example.dimension:
        result.append(_multi_head_toward_decider(example))
    return tuple(result)


def story_claims(example: Example) -> tuple[Claim, ...]:
    """Every claim the scenes narrate for ``example``, evaluated on its numbers."""
    return _claims(example)


def claim(example: Example, key: str, sentence: int | None = None) -> Claim:
    """The claim called ``key`` (about sentence ``sentence``), for a scene to choose its words."""
    for c in _claims(example):
        if c.key == key and c.sentence == sentence:
            return c
    raise KeyError(f"no claim {key!r} for sentence {sentence}")

