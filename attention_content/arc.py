"""The lesson's arc: the question the opening asks, and every number the recap draws.

The opening asks what the ambiguous word means in each sentence; the answer is the plane's
axis its deciding word leans toward (:func:`meaning`). The recap runs the whole pipeline
once for the focus of the first sentence, and :func:`recap` keeps each step's result:

    q = x W_Q     k_j = x_j W_K     v_j = x_j W_V            (one head, vectors are rows)
    s_j = q . k_j     s_j / sqrt(d_k)     w = softmax(s / sqrt(d_k))
    x' = x + sum_j w_j v_j
    x'' = x + [head_1(x), ..., head_H(x)] W_O                 (every head, side by side)

Every value comes from the traces of :mod:`attention_core.attention`; nothing is typed twice.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from attention_content.example_types import Example
from attention_content.story import decider, focus_attention
from attention_core.attention import multi_head_attention
from attention_core.errors import FloatArray

__all__ = ["Recap", "meaning", "recap"]


def meaning(example: Example, sentence: int) -> str:
    """What the focus means in sentence ``sentence``: the name of the plane's axis (the
    first two numbers of every word) on which its deciding word is largest.

    >>> from attention_content.examples import load_example
    >>> apple = load_example("apple")
    >>> meaning(apple, 0), meaning(apple, 1)
    ('fruit', 'technology')
    """
    there = example.words[decider(example, sentence)]  # (d,)
    return example.x_axis if there[0] >= there[1] else example.y_axis


@dataclass(frozen=True)
class Recap:
    """The pipeline's numbers for the focus of one sentence (the recap draws these).

    Attributes:
        sentence: which sentence (index into ``example.sentences``).
        tokens: its words, n of them.
        focus, decider: the ambiguous word and the word that decides it.
        x: the focus's embedding, shape (d,).
        query: ``q = x W_Q`` of the first head, shape (d_k,).
        key, value: the decider's ``k = x_j W_K`` (d_k,) and ``v = x_j W_V`` (d_v,).
        scores: ``q . k_j`` for every word, shape (n,).
        d_k: the keys' length; ``root_d_k`` its square root.
        scaled: ``scores / sqrt(d_k)``, shape (n,).
        weights: ``softmax(scaled)``, shape (n,); they sum to 1.
        mix: ``sum_j w_j v_j``, shape (d_v,).
        updated: ``x + mix``, shape (d,), or None when d_v differs from d.
        heads: how many heads the example has.
        concatenated: every head's ``mix`` side by side, shape (H * d_v,).
        multi: ``concatenated @ W_O``, shape (d,).
        multi_updated: ``x + multi``, shape (d,).
    """

    sentence: int
    tokens: tuple[str, ...]
    focus: str
    decider: str
    x: FloatArray
    query: FloatArray
    key: FloatArray
    value: FloatArray
    scores: FloatArray
    d_k: int
    root_d_k: float
    scaled: FloatArray
    weights: FloatArray
    mix: FloatArray
    updated: FloatArray | None
    heads: int
    concatenated: FloatArray
    multi: FloatArray
    multi_updated: FloatArray

    def weight_of(self, word: str) -> float:
        """The weight the focus gives ``word`` (its first occurrence)."""
        return float(self.weights[self.tokens.index(word)])

    def score_of(self, word: str) -> float:
        """The score ``q . k`` of ``word`` (its first occurrence)."""
        return float(self.scores[self.tokens.index(word)])

    def scaled_of(self, word: str) -> float:
        """The scaled score of ``word`` (its first occurrence)."""
        return float(self.scaled[self.tokens.index(word)])


def recap(example: Example, sentence: int = 0) -> Recap:
    """Every number of the recap for the focus of ``sentence``, from the first head's
    :class:`~attention_core.attention.AttentionTrace` and the example's
    :class:`~attention_core.attention.MultiHeadTrace` (no mask)."""
    s = example.sentences[sentence]
    i = s.focus_index
    d = s.tokens.index(decider(example, sentence))
    head = focus_attention(example, sentence)
    x = example.embeddings(sentence)  # (n, d)
    multi = multi_head_attention(x, [h.weights for h in example.heads], example.w_o)
    mix = head.output[i]  # (d_v,)
    d_k = head.queries.shape[1]
    return Recap(
        sentence=sentence, tokens=s.tokens, focus=s.focus, decider=s.tokens[d],
        x=head.inputs[i], query=head.queries[i], key=head.keys[d], value=head.values[d],
        scores=head.scores[i], d_k=d_k, root_d_k=float(np.sqrt(d_k)),
        scaled=head.scaled_scores[i], weights=head.weights[i], mix=mix,
        updated=head.inputs[i] + mix if mix.shape == head.inputs[i].shape else None,
        heads=len(example.heads), concatenated=multi.concatenated[i], multi=multi.output[i],
        multi_updated=head.inputs[i] + multi.output[i],
    )
