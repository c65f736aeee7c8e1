"""The example's data types: what an example file holds once read and checked.

:class:`Example` (its words, sentences, heads, knobs), :class:`Sentence`, :class:`Head`,
:class:`Knobs`, and :class:`ExampleError`, the list of every problem of a file. Reading and
checking a file is :mod:`attention_content.examples`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from attention_core.attention import HeadWeights
from attention_core.errors import AttentionInputError, FloatArray

__all__ = ["CORPUS_DIR", "DEFAULT_CORPUS", "Example", "ExampleError", "Head", "Knobs", "Sentence"]

# The training corpora (attention_content.corpus reads them); an example names its own.
CORPUS_DIR = Path(__file__).resolve().parent.parent / "assets" / "corpus"
DEFAULT_CORPUS = "ambiguous"


class ExampleError(AttentionInputError):
    """An example file that cannot be used; ``problems`` lists every fault found."""

    def __init__(self, path: Path | str, problems: Sequence[str]) -> None:
        self.path = Path(path)
        self.problems = tuple(problems)
        count = f"{len(self.problems)} problem" + ("s" if len(self.problems) != 1 else "")
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{self.path}: {count}:\n{lines}")


@dataclass(frozen=True)
class Sentence:
    """A sentence and the ambiguous word whose meaning it decides.

    Attributes:
        tokens: the words in order (n of them).
        focus: the ambiguous word; one of ``tokens``.
        decider: the other word that decides the focus's meaning (the story's answer), or
            None to let :func:`attention_content.story.decider` take the word most similar to
            the focus by dot product.
    """

    tokens: tuple[str, ...]
    focus: str
    decider: str | None = field(default=None, kw_only=True)

    @property
    def focus_index(self) -> int:
        """Position of :attr:`focus` in :attr:`tokens`."""
        return self.tokens.index(self.focus)

    @property
    def text(self) -> str:
        """The sentence as one string."""
        return " ".join(self.tokens)


@dataclass(frozen=True)
class Head:
    """One attention head: ``query``, ``key`` of shape (d, d_k), ``value`` of shape (d, d_v)."""

    name: str
    query: FloatArray
    key: FloatArray
    value: FloatArray

    @property
    def weights(self) -> HeadWeights:
        """The three matrices in the form :func:`~attention_core.multi_head_attention` takes."""
        return HeadWeights(self.query, self.key, self.value)


@dataclass(frozen=True)
class Knobs:
    """Scene-facing settings a user may tweak. The defaults are the values every shipped
    example uses, so leaving a knob out changes nothing in the story (pull_strength below 1
    adds a beat saying the video's setting is not part of attention)."""

    pull_strength: float = 1.0
    pull_steps: int = 12
    temperature: float = 1.0


@dataclass(frozen=True)
class Example:
    """A validated example.

    Attributes:
        name: what output folders and files carry: a shipped example's stem (``apple``),
            another file's stem and a hash of its path (:func:`output_name`).
        path: where it was read from.
        title: shown on title cards.
        x_axis, y_axis: names of the plane's two axes.
        words: word -> embedding, each of shape (d,).
        sentences: one or more sentences.
        heads: one or more heads.
        w_o: the multi-head output matrix, shape (sum of the heads' d_v, d).
        knobs: scene settings.
        corpus: the training corpus file the training step learns from (the ``corpus``
            field: a shipped corpus's name or a path relative to the example file; default
            the shipped ``ambiguous`` corpus). It exists; its contents are checked by
            :func:`attention_content.corpus.load_corpus`.
        skip_beats: beats left out of the video and the deck, as (step, beat) pairs (the
            ``skip_beats`` field: ``["gravity_pull:setting 1"]``, names as the storyboard
            shows them); :func:`skips_beat` says whether a beat is one of them.
    """

    name: str
    path: Path
    title: str
    x_axis: str
    y_axis: str
    words: dict[str, FloatArray]
    sentences: tuple[Sentence, ...]
    heads: tuple[Head, ...]
    w_o: FloatArray
    knobs: Knobs = field(default_factory=Knobs)
    corpus: Path = CORPUS_DIR / f"{DEFAULT_CORPUS}.toml"
    skip_beats: tuple[tuple[str, str], ...] = ()

    @property
    def dimension(self) -> int:
        """d, the number of components of every embedding."""
        return len(next(iter(self.words.values())))

    @property
    def is_planar(self) -> bool:
        """True when the embeddings are 2-D and can be drawn in the plane."""
        return self.dimension == 2

    def embeddings(self, sentence: Sentence | int = 0) -> FloatArray:
        """The embeddings of a sentence's words, one per row: shape (n, d)."""
        s = self.sentences[sentence] if isinstance(sentence, int) else sentence
        return np.stack([self.words[t] for t in s.tokens])

    def require_planar(self, what: str) -> None:
        """Raise a clear error when ``what`` (a scene) needs 2-D embeddings and these are not."""
        if not self.is_planar:
            raise ExampleError(
                self.path,
                [f"words: {what} draws words in the plane, so every embedding needs exactly "
                 f"2 numbers; this example has {self.dimension}. Matrix scenes still work."],
            )
