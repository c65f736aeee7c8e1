"""An example file from the real model: a teacher starts from real numbers, not invented ones.

    attention-explainer example-from-model --sentence "buy an orange and apple" \\
        --sentence "the new apple phone" --focus apple --axes technology fruit \\
        [--decider orange --decider phone] [--head 5,5] --out my_apple.toml

Every word of the sentences gets two numbers: how far all-MiniLM-L6-v2's vector of the word on
its own (after the last layer) points the way of each axis word, seen from the average of all
these words (:func:`attention_core.real_model.project_on_anchors`, a cosine in [-1, 1]),
times :data:`SCALE` so that the plane reads like the hand-made examples. With ``--head L,H``
the "meaning" head's W_Q is fitted (least squares on the attention logits, W_K = I) so that
the toy head's attention over these 2-D words comes as close as two numbers allow to that real
head's word-level attention (specials dropped); otherwise it is apple.toml's. The second head,
W_O and the knobs are apple.toml's. The file is then checked like any example, and the story
checks say which claims its numbers bear out.
"""

from __future__ import annotations

import errno
import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from attention_content.examples import MAX_MAGNITUDE, parse_example
from attention_core.errors import AttentionInputError
from attention_core.real_model import (
    MODEL_NAME,
    RealModel,
    anchor_vector,
    project_on_anchors,
)
from attention_manim import atomic

__all__ = ["SCALE", "ModelExample", "OutError", "example_from_model", "fit_head", "toml_string", "write_out"]

SCALE = 3.0  # cosines in [-1, 1] -> the hand-made examples' range (about -1 to 3)
DEFAULT_MEANING = {"query": [[1.6, -0.1], [-0.2, 0.9]], "key": [[0.6, 1.4], [1.1, 0.6]],
                   "value": [[0.9, -0.4], [-0.4, 0.9]]}  # apple.toml's heads and W_O
DEFAULT_GRAMMAR = {"query": [[1.0, -0.6], [0.6, -1.0]], "key": [[1.2, 0.0], [0.0, 1.2]],
                   "value": [[0.9, 0.1], [0.1, 0.9]]}
DEFAULT_OUTPUT = [[0.6, 0.0], [0.0, 0.6], [0.4, 0.0], [0.0, 0.4]]


_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
                 "\r": "\\r"}


def toml_string(text: str) -> str:
    r"""``text`` as a TOML basic string: quotes, backslashes and control characters escaped, every
    other character (an emoji, any script) as it is (``json.dumps`` wrote astral characters as
    surrogate pairs, which TOML rejects).

    >>> print(toml_string('say "hi" 🍎\x7f'))
    "say \"hi\" 🍎\u007F"
    """
    def escaped(char: str) -> str:
        if char in _TOML_ESCAPES:
            return _TOML_ESCAPES[char]
        return f"\\u{ord(char):04X}" if ord(char) < 0x20 or ord(char) == 0x7F else char

    return '"' + "".join(map(escaped, text)) + '"'


class OutError(Exception):
    """``--out`` cannot be written; the message says why and names it."""


def write_out(out: Path, text: str) -> None:
    """Write ``text`` to ``out`` whole or not at all (a private ``.part`` file beside it, renamed);
    an :class:`OutError` saying why not (a folder, a missing folder, read-only, full, /proc)."""
    if out.is_dir():
        raise OutError(f"--out {out}: is a folder; give a file name ending in .toml")
    if not out.parent.is_dir():
        raise OutError(f"--out {out}: the folder {out.parent} does not exist")
    try:
        atomic.write_bytes(out, text.encode("utf-8"))
    except (OSError, UnicodeEncodeError) as error:
        if isinstance(error, UnicodeEncodeError):
            raise OutError(f"--out {out}: a word cannot be written as UTF-8 ({error.reason})") from None
        why = {errno.EROFS: "the disk is read-only", errno.ENOSPC: "no space left on the disk",
               errno.EACCES: "permission denied", errno.EPERM: "not allowed there"}.get(
                   error.errno or 0, error.strerror or str(error))
        raise OutError(f"--out {out}: cannot write there: {why}") from None


@dataclass(frozen=True)
class ModelExample:
    """The example's text (TOML) and the numbers it was made from.

    Attributes:
        toml: the file's text.
        words: word -> its two numbers, as written.
        head: ``(layer, head)`` the meaning head was fitted to, or None.
        fit_error: with a head, the root-mean-square difference between the fitted toy head's
            word-level attention and the real head's over every sentence and word.
    """

    toml: str
    words: dict[str, tuple[float, float]]
    head: tuple[int, int] | None
    fit_error: float | None


def fit_head(points: Sequence[np.ndarray], targets: Sequence[np.ndarray]) -> tuple[np.ndarray, float]:
    """The 2x2 ``M`` whose softmax rows ``softmax(x_i M x_j)`` best match ``targets`` (one (n, n)
    row-stochastic matrix per sentence, over that sentence's points (n, 2)), by least squares
    on the logits with each row's mean removed (softmax ignores a row's shift). Returns ``M``
    and the root-mean-square difference of the resulting weights from the targets."""
    rows, values = [], []
    for x, a in zip(points, targets, strict=True):
        logits = np.log(np.clip(a, 1e-9, None))
        for i in range(len(x)):
            features = np.einsum("a,jb->jab", x[i], x).reshape(len(x), 4)  # (n, 4): vec(x_i x_j^T)
            rows.append(features - features.mean(axis=0))
            values.append(logits[i] - logits[i].mean())
    m, *_ = np.linalg.lstsq(np.vstack(rows), np.concatenate(values), rcond=None)
    m = m.reshape(2, 2)
    squares = []
    for x, a in zip(points, targets, strict=True):
        scores = x @ m @ x.T  # (n, 2) @ (2, 2) @ (2, n) -> (n, n)
        weights = np.exp(scores - scores.max(axis=1, keepdims=True))
        weights /= weights.sum(axis=1, keepdims=True)
        squares.append(((weights - a) ** 2).ravel())
    return m, float(np.sqrt(np.concatenate(squares).mean()))


def example_from_model(model: RealModel, sentences: Sequence[str], focus: str, axes: tuple[str, str],
                       deciders: Sequence[str] | None = None, head: tuple[int, int] | None = None,
                       title: str | None = None) -> ModelExample:
    """An example file's text for ``sentences`` (one or two), ``focus`` and the two axis words.

    Raises :class:`AttentionInputError` with one readable message when the model cannot be
    used that way (an empty sentence, a focus or decider missing from a sentence, a head that
    does not exist) or the result is not a valid example.
    """
    if not 1 <= len(sentences) <= 2:
        raise AttentionInputError(f"give one or two sentences (--sentence), got {len(sentences)}.")
    if deciders is not None and len(deciders) != len(sentences):
        raise AttentionInputError(
            f"give one decider per sentence (--decider), got {len(deciders)} for {len(sentences)} sentences.")
    runs = [model.run(text) for text in sentences]
    focus_word = runs[0].words[runs[0].word_index(focus)]
    for k, run in enumerate(runs):
        run.word_index(focus_word)  # the focus must be a word of every sentence
        if deciders is not None:
            run.word_index(deciders[k])  # and each decider a word of its own sentence
    words = list(dict.fromkeys(w for run in runs for w in run.words))
    alone = np.stack([model.run(w).word_vector(w) for w in words])  # (m, 384), each word on its own
    anchors = np.stack([anchor_vector(model, a) for a in axes])
    projection = project_on_anchors(alone, anchors, axes)
    points = {w: np.round(SCALE * p, 2) for w, p in zip(words, projection.points, strict=True)}

    meaning = {key: np.array(value) for key, value in DEFAULT_MEANING.items()}
    fit_error = None
    if head is not None:
        layer, index = head
        targets = [run.word_attention(layer, index, "drop").weights for run in runs]
        xs = [np.stack([points[w] for w in run.words]) for run in runs]
        m, fit_error = fit_head(xs, targets)
        meaning["query"] = np.round(m * math.sqrt(2.0), 2)  # scores / sqrt(d_k) with d_k = 2
        meaning["key"] = np.eye(2)
        if np.abs(meaning["query"]).max() > MAX_MAGNITUDE:
            raise AttentionInputError(
                f"the fitted W_Q reaches {np.abs(meaning['query']).max():.0f}, beyond the examples' "
                f"limit of {MAX_MAGNITUDE:.0f}: head L{layer}H{index} cannot be drawn with these two axes.")

    def matrix(values: np.ndarray | list) -> str:
        return "[" + ", ".join("[" + ", ".join(f"{float(v):g}" for v in row) + "]" for row in values) + "]"

    fitted = f"fitted to {MODEL_NAME}'s layer {head[0]}, head {head[1]}" if head else "apple.toml's"
    lines = [
        f"# Made by `attention-explainer example-from-model` from {MODEL_NAME} (Apache-2.0, see",
        "# assets/models/NOTICE): each word's numbers are the cosines of the model's vector of the",
        "# word on its own (last layer) with the two axis words', seen from the average of all these",
        f"# words, times {SCALE:g}. Edit freely, then: python -m attention_content.examples check FILE",
        f"title = {toml_string(title or f'{focus_word}: {axes[0]} or {axes[1]}? (real numbers)')}",
        "",
        "[plane]",
        f"x_axis = {toml_string(axes[0])}",
        f"y_axis = {toml_string(axes[1])}",
        "",
        f"[words]                 # word = [{axes[0]}, {axes[1]}]",
        *(f"{toml_string(w)} = [{p[0]:g}, {p[1]:g}]" for w, p in points.items()),
    ]
    for k, run in enumerate(runs):
        lines += ["", "[[sentences]]", f"text = {toml_string(' '.join(run.words))}",
                  f"focus = {toml_string(focus_word)}"]
        if deciders is not None:
            lines.append(f"decider = {toml_string(deciders[k].lower())}")
    lines += ["", f"[[heads]]               # {fitted}", 'name = "meaning"',
              *(f"{key:<5} = {matrix(meaning[key])}" for key in ("query", "key", "value")),
              "", "[[heads]]               # apple.toml's", 'name = "grammar"',
              *(f"{key:<5} = {matrix(DEFAULT_GRAMMAR[key])}" for key in ("query", "key", "value")),
              "", "[multi_head]", f"output = {matrix(DEFAULT_OUTPUT)}", ""]
    text = "\n".join(lines)
    parse_example(tomllib.loads(text), "<example from the model>")  # raises ExampleError listing problems
    return ModelExample(text, {w: (float(p[0]), float(p[1])) for w, p in points.items()}, head, fit_error)
