"""A tiny next-word model, trained with hand-derived gradients: where W_Q, W_K, W_V come from.

The model reads a sentence of n words and, at every position, guesses the next word:

    X      = E[words]                                   (n, d)      embeddings
    A_h    = softmax(mask(X Wq_h (X Wk_h)^T / sqrt(k)))  (n, n)      causal attention, head h
    Z      = [A_1 X Wv_1, ..., A_H X Wv_H]               (n, H k)    heads side by side
    Hid    = X + Z W_O                                   (n, d)      residual stream
    logits = Hid W_U + b                                 (n, V)      a score per vocabulary word
    loss   = mean over positions t < n-1 of -log softmax(logits[t])[word t+1]

Training is full-batch Adam on the corpus (sentences padded on the right; padding is never
attended to, because attention is causal, and never scored): at step t, with g the gradient
of the loss above (averaged over every scored word of every sentence),

    m <- b1 m + (1 - b1) g          s <- b2 s + (1 - b2) g^2          (both start at 0)
    W <- W - lr * m_hat / (sqrt(s_hat) + eps),   m_hat = m / (1 - b1^t),  s_hat = s / (1 - b2^t)

with (b1, b2) = ADAM_BETAS and eps = ADAM_EPS. Everything is float64 and deterministic given
the seed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING

import numpy as np

from attention_core.errors import AttentionInputError, FloatArray

if TYPE_CHECKING:  # the corpus file's types only: the core runs no code of the content above it
    from attention_content.corpus import Corpus, Probe

__all__ = [
    "ADAM_BETAS",
    "ADAM_EPS",
    "Batch",
    "ModelParams",
    "TrainingSnapshot",
    "TrainingTrace",
    "attention_scores",
    "attention_weights",
    "corpus_loss",
    "encode",
    "init_params",
    "loss_and_gradients",
    "next_word_losses",
    "next_word_probabilities",
    "train",
]

IntArray = np.ndarray
ADAM_BETAS = (0.9, 0.999)  # decay rates of the running averages m and s (s: v is the value vector)
ADAM_EPS = 1e-8


@dataclass(frozen=True)
class ModelParams:
    """Every learned number of the model (H heads of size k, d model dims, V words).

    Attributes:
        embeddings: ``E``, shape (V, d); row i is vocabulary word i.
        w_q, w_k, w_v: shape (H, d, k); head h maps a word row ``x`` to ``x @ w_q[h]``.
        w_o: shape (H k, d): the heads' outputs side by side, back to the model's d.
        w_u: shape (d, V): the output layer, a score per vocabulary word.
        b_u: shape (V,): the output layer's bias.
    """

    embeddings: FloatArray
    w_q: FloatArray
    w_k: FloatArray
    w_v: FloatArray
    w_o: FloatArray
    w_u: FloatArray
    b_u: FloatArray

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The parameters' field names, in a fixed order."""
        return tuple(f.name for f in fields(cls))

    def arrays(self) -> dict[str, FloatArray]:
        """Name -> array, in :meth:`names` order."""
        return {name: getattr(self, name) for name in self.names()}

    def frozen(self) -> ModelParams:
        """A read-only copy (snapshots must not change when training goes on)."""
        copies = {}
        for name, array in self.arrays().items():
            copy = np.array(array, dtype=np.float64)
            copy.setflags(write=False)
            copies[name] = copy
        return ModelParams(**copies)

    @property
    def heads(self) -> int:
        """H, the number of attention heads."""
        return int(self.w_q.shape[0])


@dataclass(frozen=True)
class Batch:
    """Sentences as word indices, padded on the right.

    Attributes:
        tokens: shape (B, T), vocabulary indices; padding holds index 0.
        lengths: shape (B,), each sentence's real length (2..T).
    """

    tokens: IntArray
    lengths: IntArray

    @property
    def targets_mask(self) -> np.ndarray:
        """Shape (B, T) booleans: True where position t has a next word to predict."""
        positions = np.arange(self.tokens.shape[1])
        return positions[None, :] < (self.lengths[:, None] - 1)


@dataclass(frozen=True)
class TrainingSnapshot:
    """The model at one step of training.

    Attributes:
        step: how many updates had been made (0 = the random start).
        loss: the corpus loss at this step.
        params: the model's numbers, read-only.
        probe_weights: per probe, shape (H, n, n): each head's attention weights on it.
    """

    step: int
    loss: float
    params: ModelParams
    probe_weights: tuple[FloatArray, ...]


@dataclass(frozen=True)
class TrainingTrace:
    """What training did.

    Attributes:
        vocabulary: the V words, in the order of the embedding rows.
        probes: the corpus's probe sentences.
        losses: shape (steps + 1,): the corpus loss after 0, 1, ..., steps updates.
        uniform_loss: log V, the loss of guessing every word equally (a reference line).
        snapshots: the model at each snapshot step, in order; the last is at ``steps``.
        final: the trained model (= ``snapshots[-1].params``).
    """

    vocabulary: tuple[str, ...]
    probes: tuple[Probe, ...]
    losses: FloatArray
    uniform_loss: float
    snapshots: tuple[TrainingSnapshot, ...]
    final: ModelParams

    def probe_index(self, focus: str) -> int:
        """Index of the first probe about ``focus`` (0 if none is)."""
        return next((i for i, p in enumerate(self.probes) if p.focus == focus), 0)


def init_params(vocab_size: int, d_model: int, heads: int, d_head: int, seed: int) -> ModelParams:
    """Small random starting weights, drawn from ``seed`` (scaled so attention starts near
    uniform and the first guesses are near log V)."""
    rng = np.random.default_rng(seed)

    def draw(*shape: int, fan_in: int) -> FloatArray:
        return rng.normal(0.0, 1.0 / np.sqrt(fan_in), size=shape)

    return ModelParams(
        embeddings=draw(vocab_size, d_model, fan_in=1),
        w_q=draw(heads, d_model, d_head, fan_in=d_model) * 0.1,
        w_k=draw(heads, d_model, d_head, fan_in=d_model) * 0.1,
        w_v=draw(heads, d_model, d_head, fan_in=d_model),
        w_o=draw(heads * d_head, d_model, fan_in=heads * d_head),
        w_u=draw(d_model, vocab_size, fan_in=d_model) * 0.1,
        b_u=np.zeros(vocab_size),
    )


def encode(sentences: Sequence[Sequence[str]], vocabulary: Sequence[str]) -> Batch:
    """Sentences of words -> a right-padded :class:`Batch` of vocabulary indices."""
    index = {word: i for i, word in enumerate(vocabulary)}
    missing = sorted({w for s in sentences for w in s if w not in index})
    if missing:
        raise AttentionInputError(f"words not in the vocabulary: {', '.join(missing)}")
    lengths = np.array([len(s) for s in sentences], dtype=np.int64)
    tokens = np.zeros((len(sentences), int(lengths.max())), dtype=np.int64)
    for row, sentence in enumerate(sentences):
        tokens[row, : len(sentence)] = [index[w] for w in sentence]
    return Batch(tokens, lengths)


def _causal_softmax(scores: FloatArray) -> FloatArray:
    """Row softmax of (..., T, T) scores over keys j <= i (the rest get weight 0)."""
    t = scores.shape[-1]
    allowed = np.tril(np.ones((t, t), dtype=bool))
    shifted = np.where(allowed, scores, -np.inf)
    shifted = shifted - shifted.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)


@dataclass(frozen=True)
class _Forward:
    """Intermediate arrays of one forward pass (B sentences, T positions, H heads)."""

    x: FloatArray  # (B, T, d)
    q: FloatArray  # (B, H, T, k)
    k: FloatArray  # (B, H, T, k)
    v: FloatArray  # (B, H, T, k)
    weights: FloatArray  # (B, H, T, T)
    z: FloatArray  # (B, T, H k)
    hidden: FloatArray  # (B, T, d)
    probs: FloatArray  # (B, T, V)


def _forward(params: ModelParams, tokens: IntArray) -> _Forward:
    x = params.embeddings[tokens]
    q = np.einsum("btd,hdk->bhtk", x, params.w_q)
    k = np.einsum("btd,hdk->bhtk", x, params.w_k)
    v = np.einsum("btd,hdk->bhtk", x, params.w_v)
    weights = _causal_softmax(q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1]))
    heads_out = weights @ v  # (B, H, T, k)
    b, h, t, d_head = heads_out.shape
    z = np.transpose(heads_out, (0, 2, 1, 3)).reshape(b, t, h * d_head)
    hidden = x + z @ params.w_o
    logits = hidden @ params.w_u + params.b_u
    logits = logits - logits.max(axis=-1, keepdims=True)
    probs = np.exp(logits)
    probs /= probs.sum(axis=-1, keepdims=True)
    return _Forward(x, q, k, v, weights, z, hidden, probs)


def _loss(fwd: _Forward, batch: Batch) -> float:
    mask = batch.targets_mask
    targets = np.roll(batch.tokens, -1, axis=1)
    picked = np.take_along_axis(fwd.probs, targets[..., None], axis=-1)[..., 0]
    return float(-np.log(picked[mask]).sum() / mask.sum())


def loss_and_gradients(params: ModelParams, batch: Batch) -> tuple[float, ModelParams]:
    """The mean next-word cross-entropy on ``batch`` and its gradient for every parameter.

    The gradients are derived by hand (backpropagation through the formulas in the module
    docstring); the tests check them against central finite differences.
    """
    fwd = _forward(params, batch.tokens)
    mask = batch.targets_mask
    count = mask.sum()
    targets = np.roll(batch.tokens, -1, axis=1)

    d_logits = fwd.probs.copy()  # d loss / d logits = (p - onehot(target)) / count
    np.put_along_axis(d_logits, targets[..., None],
                      np.take_along_axis(d_logits, targets[..., None], axis=-1) - 1.0, axis=-1)
    d_logits *= mask[..., None] / count

    d_w_u = np.einsum("btd,btv->dv", fwd.hidden, d_logits)
    d_b_u = d_logits.sum(axis=(0, 1))
    d_hidden = d_logits @ params.w_u.T
    d_w_o = np.einsum("btz,btd->zd", fwd.z, d_hidden)
    d_z = d_hidden @ params.w_o.T
    b, h, t, d_head = fwd.v.shape
    d_heads = np.transpose(d_z.reshape(b, t, h, d_head), (0, 2, 1, 3))  # (B, H, T, k)

    d_weights = d_heads @ np.swapaxes(fwd.v, -1, -2)
    d_v = np.swapaxes(fwd.weights, -1, -2) @ d_heads
    # softmax backward, row by row: dS = A * (dA - sum_j dA_j A_j); masked entries have A = 0.
    d_scores = fwd.weights * (d_weights - (d_weights * fwd.weights).sum(axis=-1, keepdims=True))
    d_scores /= np.sqrt(d_head)
    d_q = d_scores @ fwd.k
    d_k = np.swapaxes(d_scores, -1, -2) @ fwd.q

    d_x = d_hidden.copy()  # the residual path
    grads: dict[str, FloatArray] = {}
    for name, d_proj in (("w_q", d_q), ("w_k", d_k), ("w_v", d_v)):
        grads[name] = np.einsum("btd,bhtk->hdk", fwd.x, d_proj)
        d_x += np.einsum("bhtk,hdk->btd", d_proj, getattr(params, name))
    d_embeddings = np.zeros_like(params.embeddings)
    real = np.arange(t)[None, :] < batch.lengths[:, None]
    np.add.at(d_embeddings, batch.tokens[real], d_x[real])

    loss = _loss(fwd, batch)
    return loss, ModelParams(embeddings=d_embeddings, w_o=d_w_o, w_u=d_w_u, b_u=d_b_u, **grads)


def corpus_loss(params: ModelParams, batch: Batch) -> float:
    """The mean next-word cross-entropy of ``params`` on ``batch`` (no gradients)."""
    return _loss(_forward(params, batch.tokens), batch)


def attention_scores(params: ModelParams, vocabulary: Sequence[str],
                     words: Sequence[str]) -> FloatArray:
    """Each head's scores ``q_i . k_j / sqrt(k)`` on one sentence, before the causal mask and
    the softmax, shape (H, n, n)."""
    batch = encode([list(words)], vocabulary)
    fwd = _forward(params, batch.tokens)
    return (fwd.q @ np.swapaxes(fwd.k, -1, -2))[0] / np.sqrt(fwd.q.shape[-1])  # (H, n, k) @ (H, k, n)


def attention_weights(params: ModelParams, vocabulary: Sequence[str],
                      words: Sequence[str]) -> FloatArray:
    """Each head's causal attention weights on one sentence, shape (H, n, n); rows sum to 1."""
    batch = encode([list(words)], vocabulary)
    return _forward(params, batch.tokens).weights[0]


def next_word_probabilities(params: ModelParams, vocabulary: Sequence[str],
                            words: Sequence[str]) -> FloatArray:
    """The model's guess for the word after ``words``, shape (V,), summing to 1."""
    batch = encode([list(words)], vocabulary)
    return _forward(params, batch.tokens).probs[0, -1]


def next_word_losses(params: ModelParams, vocabulary: Sequence[str],
                     words: Sequence[str]) -> FloatArray:
    """The loss of each guess the model makes on one sentence, shape (n - 1,): entry t is
    ``-log p(words[t + 1])`` after reading ``words[: t + 1]``. Their mean is the sentence's
    loss (the corpus loss of a batch of that one sentence)."""
    batch = encode([list(words)], vocabulary)
    probs = _forward(params, batch.tokens).probs[0, :-1]  # (n - 1, V)
    picked = probs[np.arange(len(words) - 1), batch.tokens[0, 1:]]
    return -np.log(picked)


def _adam_step(params: ModelParams, grads: ModelParams, moments: dict[str, tuple[FloatArray, FloatArray]],
               step: int, learning_rate: float) -> ModelParams:
    beta1, beta2 = ADAM_BETAS
    updated = {}
    for name, value in params.arrays().items():
        grad = getattr(grads, name)
        m, s = moments.get(name, (np.zeros_like(value), np.zeros_like(value)))
        m = beta1 * m + (1 - beta1) * grad
        s = beta2 * s + (1 - beta2) * grad**2
        moments[name] = (m, s)
        m_hat, s_hat = m / (1 - beta1**step), s / (1 - beta2**step)
        updated[name] = value - learning_rate * m_hat / (np.sqrt(s_hat) + ADAM_EPS)
    return replace(params, **updated)


def train(corpus: Corpus, *, steps: int | None = None, seed: int | None = None,
          snapshots: Sequence[int] | None = None) -> TrainingTrace:
    """Train the model on ``corpus`` with its ``[training]`` settings (``steps``, ``seed``
    and ``snapshots`` override them) and return the :class:`TrainingTrace`."""
    settings = corpus.training
    steps = settings.steps if steps is None else steps
    if steps < 1:
        raise AttentionInputError(f"steps must be at least 1, got {steps}")
    seed = settings.seed if seed is None else seed
    wanted = sorted({s for s in (settings.snapshots if snapshots is None else snapshots) if s <= steps}
                    | {0, steps})
    batch = encode(corpus.sentences, corpus.vocabulary)
    params = init_params(len(corpus.vocabulary), settings.d_model, settings.heads,
                         settings.d_head, seed)
    moments: dict[str, tuple[FloatArray, FloatArray]] = {}
    losses = np.empty(steps + 1)
    taken: list[TrainingSnapshot] = []
    for step in range(steps + 1):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            loss, grads = loss_and_gradients(params, batch)
        if not np.isfinite(loss):
            raise AttentionInputError(
                f"{corpus.path}: training.learning_rate: training diverged at step {step} (the loss "
                f"became {loss}); try a smaller learning_rate than {settings.learning_rate:g}")
        losses[step] = loss
        if step in wanted:
            taken.append(_snapshot(step, loss, params, corpus))
        if step < steps:
            params = _adam_step(params, grads, moments, step + 1, settings.learning_rate)
    losses.setflags(write=False)
    return TrainingTrace(corpus.vocabulary, corpus.probes, losses, float(np.log(len(corpus.vocabulary))),
                         tuple(taken), taken[-1].params)


def _snapshot(step: int, loss: float, params: ModelParams, corpus: Corpus) -> TrainingSnapshot:
    frozen = params.frozen()
    weights = []
    for probe in corpus.probes:
        w = attention_weights(frozen, corpus.vocabulary, probe.tokens)
        w.setflags(write=False)
        weights.append(w)
    return TrainingSnapshot(step, loss, frozen, tuple(weights))
