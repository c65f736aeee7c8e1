"""One sentence through the real model (:class:`RealRun`): its tokens, every head's attention
as an :class:`~attention_core.attention.AttentionTrace`, attention between whole words
(:class:`WordAttention`), hidden states. Made by :meth:`attention_core.real_model.RealModel.run`."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from attention_core.attention import AttentionTrace
from attention_core.errors import AttentionInputError, FloatArray
from attention_core.wordpiece import clean

__all__ = ["MERGE_RULE", "SPECIALS", "RealRun", "Specials", "WordAttention", "index_of"]

SPECIALS = ("[CLS]", "[SEP]")

Specials = Literal["show", "drop"]

# How pieces are merged into words, said once so screens and docs say the same.
MERGE_RULE = ("a word's row is the mean over its query pieces; its column is the sum over its "
              "key pieces")



@dataclass(frozen=True)
class WordAttention:
    """One head's attention between whole words.

    Attributes:
        labels: the rows' and columns' names: the words, with ``[CLS]`` first and ``[SEP]``
            last when ``specials == "show"``.
        weights: shape (len(labels), len(labels)); row i is how word i's attention spreads
            over the words; rows sum to 1.
        specials: ``"show"`` (the specials keep their share) or ``"drop"`` (their columns are
            removed and each row renormalised to sum to 1).
        special_share: shape (len(labels),): the share of each row's attention that went to
            [CLS] and [SEP] before any dropping.
        note: how pieces were merged and specials handled, in words for the screen.
    """

    labels: tuple[str, ...]
    weights: FloatArray
    specials: Specials
    special_share: FloatArray
    note: str

    def row(self, word: str) -> FloatArray:
        """The attention row of ``word`` (the first one if it appears twice)."""
        return self.weights[index_of(self.labels, word)]

    def weight(self, query: str, key: str) -> float:
        """How much of ``query``'s attention goes to ``key``."""
        return float(self.weights[index_of(self.labels, query), index_of(self.labels, key)])


def index_of(labels: Sequence[str], word: str) -> int:
    wanted = clean(word).strip()
    for i, label in enumerate(labels):
        if label == wanted or label == word:
            return i
    raise AttentionInputError(
        f"{word!r} is not one of the sentence's words: {', '.join(labels)}.")


@dataclass(frozen=True)
class RealRun:
    """One sentence through the model.

    Attributes:
        text: the sentence as given.
        words: the basic tokenizer's words (lower case, punctuation split off).
        tokens: the WordPiece tokens with ``[CLS]`` first and ``[SEP]`` last (n of them).
        ids: shape (n,), the tokens' vocabulary ids.
        word_of_token: shape (n,), which word each token is a piece of (-1 for the specials).
        hidden_states: n_layers + 1 arrays of shape (n, 384): the embeddings, then each
            layer's output.
    """

    text: str
    words: tuple[str, ...]
    tokens: tuple[str, ...]
    ids: np.ndarray
    word_of_token: np.ndarray
    hidden_states: tuple[FloatArray, ...]
    _inputs: tuple[FloatArray, ...]
    _queries: tuple[FloatArray, ...]
    _keys: tuple[FloatArray, ...]
    _values: tuple[FloatArray, ...]
    _weights: tuple[FloatArray, ...]  # per layer (heads, n, n)
    n_heads: int

    @property
    def n_layers(self) -> int:
        return len(self._weights)

    def _check(self, layer: int, head: int) -> None:
        if not 0 <= layer < self.n_layers:
            raise AttentionInputError(f"layer {layer} does not exist: layers count 0-{self.n_layers - 1}.")
        if not 0 <= head < self.n_heads:
            raise AttentionInputError(f"head {head} does not exist: heads count 0-{self.n_heads - 1}.")

    def attention(self, layer: int, head: int) -> AttentionTrace:
        """Head ``head`` of layer ``layer`` over all tokens, biases included (counted from 0)."""
        self._check(layer, head)
        n = len(self.tokens)
        d = self._queries[layer].shape[1] // self.n_heads
        cols = slice(head * d, (head + 1) * d)
        queries = self._queries[layer][:, cols]  # (n, 32): X W_Q + b_Q, this head's columns
        keys = self._keys[layer][:, cols]
        values = self._values[layer][:, cols]
        scores = queries @ keys.T  # (n, 32) @ (32, n) -> (n, n)
        scale = 1.0 / math.sqrt(d)
        weights = self._weights[layer][head]  # the softmax the forward pass used
        return AttentionTrace(
            inputs=self._inputs[layer], queries=queries, keys=keys, values=values, scores=scores,
            scale=scale, scaled_scores=scores * scale, mask=np.ones((n, n), dtype=bool),
            weights=weights, output=weights @ values,
        )

    def attention_weights(self, layer: int) -> FloatArray:
        """Every head's weights in ``layer``, shape (heads, n, n)."""
        self._check(layer, 0)
        return self._weights[layer]

    @property
    def split_words(self) -> dict[str, tuple[str, ...]]:
        """Words the vocabulary cuts into several pieces: ``{'tokenizer': ('token', '##izer')}``."""
        out = {}
        for w, word in enumerate(self.words):
            pieces = tuple(t for t, owner in zip(self.tokens, self.word_of_token, strict=True) if owner == w)
            if len(pieces) > 1:
                out[word] = pieces
        return out

    @property
    def unknown_words(self) -> tuple[str, ...]:
        """Words the model reads as ``[UNK]`` (no piece of the vocabulary spells them)."""
        return tuple(word for w, word in enumerate(self.words)
                     if any(t == "[UNK]" for t, owner in zip(self.tokens, self.word_of_token, strict=True)
                            if owner == w))

    @property
    def notes(self) -> tuple[str, ...]:
        """What a viewer should be told about this sentence's tokens, one line each."""
        notes = []
        for word, pieces in self.split_words.items():
            notes.append(f"'{word}' is split into {' '.join(pieces)}; its pieces are merged")
        for word in self.unknown_words:
            notes.append(f"'{word}' is not in the model's vocabulary: it reads [UNK]")
        return tuple(notes)

    def word_index(self, word: str) -> int:
        """Position of ``word`` among :attr:`words` (compared as the tokenizer writes it)."""
        return index_of(self.words, word)

    def word_attention(self, layer: int, head: int, specials: Specials = "drop") -> WordAttention:
        """Head ``head``'s attention between whole words; see :class:`WordAttention`.

        A word's query row is the mean of its pieces' rows (each piece is a reader of its
        own); a word's key column is the sum of its pieces' columns (attention given to any
        piece is given to the word), so rows still sum to 1.
        """
        if specials not in ("show", "drop"):
            raise AttentionInputError(f"specials must be 'show' or 'drop', got {specials!r}.")
        self._check(layer, head)
        a = self._weights[layer][head]  # (n, n) over tokens
        owner = self.word_of_token
        n_words = len(self.words)
        # Groups: [CLS], the words, [SEP]; merge matrix M (groups, n) with M[g, t] = 1 if t is in g.
        groups = np.zeros((n_words + 2, len(self.tokens)))
        groups[0, 0] = 1.0
        groups[-1, -1] = 1.0
        for t, w in enumerate(owner):
            if w >= 0:
                groups[w + 1, t] = 1.0
        mean_rows = groups / groups.sum(axis=1, keepdims=True)
        merged = mean_rows @ a @ groups.T  # (g, n) @ (n, n) @ (n, g) -> (g, g)
        special_share = merged[:, 0] + merged[:, -1]
        labels = ("[CLS]", *self.words, "[SEP]")
        if specials == "show":
            note = f"[CLS] and [SEP] shown; {MERGE_RULE}"
            return WordAttention(labels, merged, "show", special_share, note)
        inner = merged[1:-1, 1:-1]
        inner = inner / inner.sum(axis=1, keepdims=True)
        note = f"[CLS] and [SEP] dropped, each row renormalised to sum to 1; {MERGE_RULE}"
        return WordAttention(tuple(self.words), inner, "drop", special_share[1:-1], note)

    def word_vector(self, word: str, layer: int = -1) -> FloatArray:
        """``word``'s contextual vector after ``layer`` (-1 = the last; 0 = the embeddings),
        the mean of its pieces', shape (384,)."""
        w = self.word_index(word)
        return self.hidden_states[layer][self.word_of_token == w].mean(axis=0)
