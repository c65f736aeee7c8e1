"""The story checker: every claim the video narrates, evaluated on one example's numbers.

A scene says things such as "apple's nearest word is orange" or "the head makes apple look
at orange more than the raw embeddings do". Whether that is true depends on the numbers in
the example file, which a teacher may edit. :func:`story_claims` evaluates each such claim
on an :class:`~attention_core.examples.Example` and returns :class:`Claim` results; the
scenes choose their words from the same results (so the narration never asserts what the
numbers deny), and ``python -m attention_core.examples check`` prints each claim that does
not hold as a ``warning:`` line.

The measures, for a focus word ``f`` and another word ``w`` of its sentence:

    distance(f, w) = |f - w|          dot(f, w) = f . w          cosine(f, w) = f.w / (|f| |w|)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from attention_core.attention import AttentionTrace, causal_mask, scaled_dot_product_attention
from attention_core.context import ContextPullTrace, context_pull
from attention_core.examples import Example
from attention_core.softmax import naive_normalize, softmax

__all__ = [
    "Claim",
    "Measure",
    "Neighbour",
    "claim",
    "decider",
    "decider_cosines",
    "focus_attention",
    "focus_update",
    "gravity",
    "gravity_distances",
    "head_favourites",
    "look_ahead_sentences",
    "neighbours",
    "plane_points",
    "raw_weights",
    "story_claims",
]

Measure = Literal["distance", "dot", "cosine"]
_MEASURE_WORDS = {"distance": "nearest (by distance)", "dot": "largest dot product",
                  "cosine": "largest cosine"}
# Two numbers a scene prints with two decimals are visibly different when they differ by this.
VISIBLE = 0.05
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

    @property
    def warning(self) -> str:
        """The line the checker prints when the claim does not hold."""
        where = f"{self.step}, sentence {self.sentence + 1}" if self.sentence is not None else self.step
        return (f"warning: {where}: the video would say \"{self.says}\", but the numbers deny it "
                f"({self.numbers}); the scene will not say it")


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


def unscaled_weights(example: Example, sentence: int, head: int = 0) -> np.ndarray:
    """The focus's softmax(q . k / T) over the sentence, before sqrt(d_k) is introduced,
    so that it compares with :func:`raw_weights`; shape (n,)."""
    trace = focus_attention(example, sentence, head)
    i = example.sentences[sentence].focus_index
    return softmax(trace.scores[i], temperature=example.knobs.temperature)


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


def _top_is_decider(example: Example, i: int, measure: Measure, step: str) -> Claim:
    """The decider is first by ``measure``, and prints apart from the runner-up with the
    decimals its scene gives that measure (:data:`PLACES`): a tie on screen is no win."""
    s = example.sentences[i]
    ranked = neighbours(example, i, measure)
    want = decider(example, i)
    places = PLACES[measure]
    apart = len(ranked) < 2 or f"{ranked[0].value:.{places}f}" != f"{ranked[1].value:.{places}f}"
    tie = "" if apart else (f"; {ranked[0].word} and {ranked[1].word} both print "
                            f"{ranked[0].value:.{places}f}")
    return Claim(step, f"top_{measure}_is_decider", i,
                 f"{s.focus}'s {_MEASURE_WORDS[measure]} in \"{s.text}\" is {want}",
                 ranked[0].word == want and apart, f"{measure}: {_ranked(ranked)}{tie}")


def _pull_toward_decider(example: Example, i: int) -> Claim:
    s = example.sentences[i]
    d = s.tokens.index(decider(example, i))
    before, after = gravity_distances(example, i, s.tokens[d])
    return Claim("gravity_pull", "pull_toward_decider", i,
                 f"the pull moves {s.focus} toward {s.tokens[d]}", after < before - VISIBLE,
                 f"distance to {s.tokens[d]} {before:.2f} before, {after:.2f} after")


def _naive_fails(example: Example) -> Claim:
    s = example.sentences[0]
    x = example.embeddings(0)
    trace = naive_normalize(x @ x[s.focus_index])
    shown = ("no weights: the scores add up to 0" if trace.weights is None else "weights " + ", ".join(
        f"{t} {w:.2f}" for t, w in zip(s.tokens, trace.weights, strict=True)))
    return Claim("softmax_normalize", "naive_gives_negative", 0,
                 "dividing the scores by their sum gives a negative weight",
                 bool(trace.negative_indices), shown)


def _distinct_maps(example: Example) -> Claim:
    h = example.heads[0]
    same = h.query.shape == h.key.shape and bool(np.allclose(h.query, h.key))
    return Claim("keys_and_queries", "query_differs_from_key", None,
                 f"head {h.name!r} has two different maps, W_Q and W_K", not same,
                 "W_Q equals W_K" if same else "W_Q differs from W_K")


def _one_sided(example: Example, i: int) -> Claim:
    s = example.sentences[i]
    f, d = s.focus_index, s.tokens.index(decider(example, i))
    scores = focus_attention(example, i).scores
    return Claim("keys_and_queries", "one_sided", i,
                 f"{s.focus} looking at {s.tokens[d]} scores differently from {s.tokens[d]} "
                 f"looking at {s.focus}", abs(scores[f, d] - scores[d, f]) >= VISIBLE,
                 f"{s.focus}->{s.tokens[d]} {scores[f, d]:.2f}, {s.tokens[d]}->{s.focus} "
                 f"{scores[d, f]:.2f}")


def _head_sharpens(example: Example, i: int) -> Claim:
    s = example.sentences[i]
    d = s.tokens.index(decider(example, i))
    raw, head = raw_weights(example, i)[d], unscaled_weights(example, i)[d]
    return Claim("keys_and_queries", "head_sharpens", i,
                 f"head {example.heads[0].name!r} gives {s.tokens[d]} more of {s.focus}'s attention "
                 "than the raw embeddings", head > raw + VISIBLE / 5,
                 f"{s.tokens[d]} {raw:.2f} raw, {head:.2f} through the head")


def _update_toward_decider(example: Example, i: int) -> Claim:
    s = example.sentences[i]
    d = decider(example, i)
    before, after = decider_cosines(example, i)
    return Claim("value_vectors", "update_toward_decider", i,
                 f"x + sum w v turns {s.focus} toward {d}", after > before + VISIBLE / 5,
                 f"cosine with {d} {before:.2f} before, {after:.2f} after")


def _decider_before_focus(example: Example) -> Claim:
    s = example.sentences[0]
    d = s.tokens.index(decider(example, 0))
    return Claim("attention_matrix", "decider_before_focus", 0,
                 f"under the causal mask {s.focus} still sees {s.tokens[d]}, which comes before it",
                 d < s.focus_index, f"{s.tokens[d]} is word {d + 1}, {s.focus} is word "
                                    f"{s.focus_index + 1}")


def _heads_differ(example: Example) -> Claim:
    tops = [nb.word for nb in head_favourites(example, 0)]
    return Claim("multi_head", "heads_look_apart", 0,
                 "the heads look at different words", len(set(tops)) == len(tops) > 1,
                 "each head's most-attended other word: " + ", ".join(
                     f"{h.name} {t}" for h, t in zip(example.heads, tops, strict=True)))


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
        result += [_one_sided(example, i), _head_sharpens(example, i)]
    if all(h.value.shape[1] == example.dimension for h in example.heads[:1]):
        result += [_update_toward_decider(example, i) for i in both]
    result.append(_decider_before_focus(example))
    if len(example.heads) > 1:
        result.append(_heads_differ(example))
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

