"""attention_core against independent references (explicit loops) and properties."""

from __future__ import annotations

import doctest
import importlib
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from attention_core import (
    AttentionInputError,
    HeadWeights,
    causal_mask,
    context_pull,
    cosine_similarity,
    dot_product,
    multi_head_attention,
    naive_normalize,
    scaled_dot_product_attention,
    similarity_matrix,
    softmax,
    softmax_trace,
)

SEEDS = [0, 1, 2]
SHAPES = [(2, 2, 2), (3, 2, 3), (5, 4, 2), (7, 3, 5)]  # (n words, d_model, d_k = d_v)


# ---------------------------------------------------------------- loop references


def ref_softmax(row: list[float]) -> list[float]:
    top = max(row)
    exps = [math.exp(x - top) for x in row]
    return [e / sum(exps) for e in exps]


def ref_matmul(a, b):
    return [[sum(a[i][k] * b[k][j] for k in range(len(b))) for j in range(len(b[0]))]
            for i in range(len(a))]


def ref_attention(x, wq, wk, wv, mask=None):
    q, k, v = ref_matmul(x, wq), ref_matmul(x, wk), ref_matmul(x, wv)
    n, dk = len(x), len(wq[0])
    weights, out = [], []
    for i in range(n):
        visible = [j for j in range(n) if mask is None or mask[i][j]]
        scores = [sum(q[i][c] * k[j][c] for c in range(dk)) / math.sqrt(dk) for j in visible]
        w = dict(zip(visible, ref_softmax(scores), strict=True))
        row = [w.get(j, 0.0) for j in range(n)]
        weights.append(row)
        out.append([sum(row[j] * v[j][c] for j in range(n)) for c in range(len(v[0]))])
    return weights, out


def random_problem(seed, shape):
    n, d, dk = shape
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(n, d)), rng.normal(size=(d, dk)), rng.normal(size=(d, dk)),
            rng.normal(size=(d, dk)))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "n{}-d{}-dk{}".format(*s))
@pytest.mark.parametrize("masked", [False, True], ids=["full", "causal"])
def test_attention_matches_loops(seed, shape, masked):
    x, wq, wk, wv = random_problem(seed, shape)
    mask = causal_mask(shape[0]) if masked else None
    trace = scaled_dot_product_attention(x, wq, wk, wv, mask=mask)
    weights, out = ref_attention(x.tolist(), wq.tolist(), wk.tolist(), wv.tolist(),
                                 None if mask is None else mask.tolist())
    np.testing.assert_allclose(trace.weights, weights, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(trace.output, out, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(trace.queries, ref_matmul(x.tolist(), wq.tolist()), rtol=1e-12)
    np.testing.assert_allclose(trace.scores, trace.queries @ trace.keys.T, rtol=1e-12)
    assert trace.scale == pytest.approx(1 / math.sqrt(shape[2]))
    if masked:
        assert np.all(trace.weights[~trace.mask] == 0.0)
        assert np.all(np.isneginf(trace.scaled_scores[~trace.mask]))


@pytest.mark.parametrize("seed", SEEDS)
def test_multi_head_concatenates_in_order_then_maps(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(4, 3))
    heads = [HeadWeights(*(rng.normal(size=(3, 2)) for _ in range(3))) for _ in range(3)]
    w_o = rng.normal(size=(6, 3))
    trace = multi_head_attention(x, heads, w_o)
    for h, head in enumerate(heads):
        _, out = ref_attention(x.tolist(), *(np.asarray(m).tolist() for m in
                                            (head.w_q, head.w_k, head.w_v)))
        np.testing.assert_allclose(trace.concatenated[:, 2 * h:2 * h + 2], out, rtol=1e-10)
    np.testing.assert_allclose(trace.output, ref_matmul(trace.concatenated.tolist(), w_o.tolist()),
                               rtol=1e-10)


def test_dot_and_cosine_closed_forms():
    trace = dot_product([2.0, -1.0, 3.0], [0.5, 4.0, 1.0])
    assert trace.products.tolist() == [1.0, -4.0, 3.0] and trace.dot == 0.0
    for deg_a, deg_b in [(0, 90), (10, 70), (45, 225), (-30, 100)]:
        a = [2 * math.cos(math.radians(deg_a)), 2 * math.sin(math.radians(deg_a))]
        b = [3 * math.cos(math.radians(deg_b)), 3 * math.sin(math.radians(deg_b))]
        c = cosine_similarity(a, b)
        gap = abs((deg_b - deg_a + 180) % 360 - 180)
        assert c.angle_degrees == pytest.approx(gap)
        assert c.cosine == pytest.approx(math.cos(math.radians(gap)))
        assert (c.norm_a, c.norm_b) == (pytest.approx(2.0), pytest.approx(3.0))


@pytest.mark.parametrize("seed", SEEDS)
def test_similarity_matrix_matches_pairwise_traces(seed):
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=(4, 3)), rng.normal(size=(5, 3))
    dots, cosines = similarity_matrix(a, b).matrix, similarity_matrix(a, b, kind="cosine").matrix
    for i in range(4):
        for j in range(5):
            assert dots[i, j] == pytest.approx(dot_product(a[i], b[j]).dot)
            assert cosines[i, j] == pytest.approx(cosine_similarity(a[i], b[j]).cosine)


def test_softmax_trace_and_naive_normalize_closed_forms():
    t = softmax_trace([0.0, math.log(2.0), math.log(5.0)])
    np.testing.assert_allclose(t.exponentials, [1, 2, 5])
    assert t.total == pytest.approx(8.0)
    np.testing.assert_allclose(t.weights, [1 / 8, 2 / 8, 5 / 8])
    assert naive_normalize([1.0, 3.0]).ok and naive_normalize([1.0, 3.0]).weights.tolist() == [0.25, 0.75]
    negative = naive_normalize([4.0, -1.0, 1.0])
    assert not negative.ok and negative.negative_indices == (1,)
    assert negative.weights.tolist() == [1.0, -0.25, 0.25] and "negative" in negative.problems[0]
    zero = naive_normalize([2.0, -3.0, 1.0])
    assert zero.weights is None and "dividing by zero" in zero.problems[0]


def test_context_pull_is_a_weighted_average():
    e = np.array([[0.0, 4.0], [4.0, 0.0], [2.0, 2.0]])
    sims = e @ e.T
    trace = context_pull(e, sims, strength=0.5, steps=4)
    for i in range(3):
        w = ref_softmax(sims[i].tolist())
        target = [sum(w[j] * e[j][c] for j in range(3)) for c in range(2)]
        np.testing.assert_allclose(trace.targets[i], target, rtol=1e-12)
        np.testing.assert_allclose(trace.new_embeddings[i], e[i] + 0.5 * (np.array(target) - e[i]))
    assert trace.trajectory.shape == (5, 3, 2)
    np.testing.assert_allclose(trace.trajectory[0], e)
    np.testing.assert_allclose(trace.trajectory[-1], trace.new_embeddings)
    np.testing.assert_allclose(trace.trajectory[2], (e + trace.new_embeddings) / 2)
    given_weights = context_pull(e, np.full((3, 3), 1 / 3), weights_given=True)
    np.testing.assert_allclose(given_weights.new_embeddings, np.tile(e.mean(axis=0), (3, 1)))


def test_context_pull_is_one_step_of_weighted_pulls():
    """Each word j pulls word i along the arrow e_j - e_i as hard as w_ij; added tip to tail
    the pulls reach the weighted average, because every row of weights sums to 1."""
    e = np.array([[0.0, 4.0], [4.0, 0.0], [2.0, 2.0]])
    trace = context_pull(e, e @ e.T, strength=0.5, steps=4)
    for i in range(3):
        for j in range(3):
            expected = [trace.weights[i][j] * (e[j][c] - e[i][c]) for c in range(2)]
            np.testing.assert_allclose(trace.pulls[i, j], expected, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(trace.pulls[i, i], [0.0, 0.0])  # a word's arrow to itself is nothing
        tip = e[i].copy()
        for j in range(3):
            tip = tip + trace.pulls[i, j]
        np.testing.assert_allclose(tip, trace.targets[i], rtol=1e-12)
        np.testing.assert_allclose(trace.step[i], trace.targets[i] - e[i], atol=1e-12)
    # strength only scales how far the word goes along the step
    np.testing.assert_allclose(trace.new_embeddings, e + 0.5 * trace.step, atol=1e-12)


# --------------------------------------------------------------------- properties

finite = st.floats(-50, 50, allow_nan=False)
rows = arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 8)), elements=finite)
vectors = arrays(np.float64, st.integers(1, 6), elements=st.floats(-10, 10, allow_nan=False))


@settings(max_examples=80, deadline=None)
@given(rows, st.floats(-100, 100))
def test_softmax_rows_are_distributions_and_shift_invariant(x, shift):
    w = softmax(x, axis=1)
    assert np.all(w >= 0) and np.all(w <= 1)
    np.testing.assert_allclose(w.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(softmax(x + shift, axis=1), w, atol=1e-9)


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, st.integers(2, 6), elements=st.floats(-5, 5, allow_nan=False)))
def test_temperature_extremes(x):
    np.testing.assert_allclose(softmax(x, temperature=1e6), np.full(len(x), 1 / len(x)), atol=1e-5)
    if np.sum(x == x.max()) == 1 and np.sort(x)[-1] - np.sort(x)[-2] > 1e-2:
        assert softmax(x, temperature=1e-4)[np.argmax(x)] == pytest.approx(1.0)


def test_softmax_is_stable_for_huge_and_masked_scores():
    w = softmax([1e4, 1e4 - 1.0, -np.inf])
    assert np.all(np.isfinite(w)) and w[2] == 0.0
    np.testing.assert_allclose(w[:2], ref_softmax([1.0, 0.0]))


@settings(max_examples=80, deadline=None)
@given(vectors, st.data())
def test_cosine_bounds_scale_invariance_and_sign(a, data):
    b = data.draw(arrays(np.float64, len(a), elements=st.floats(-10, 10, allow_nan=False)))
    if np.linalg.norm(a) < 1e-3 or np.linalg.norm(b) < 1e-3:
        return
    c = cosine_similarity(a, b).cosine
    assert -1.0 <= c <= 1.0
    k = data.draw(st.floats(0.01, 100))
    assert cosine_similarity(k * a, b).cosine == pytest.approx(c, abs=1e-9)
    assert cosine_similarity(-a, b).cosine == pytest.approx(-c, abs=1e-9)
    assert dot_product(a, b).dot == pytest.approx(dot_product(b, a).dot)


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 4)), elements=finite))
def test_equal_scores_average_the_values(v):
    n, d = v.shape
    x = np.ones((n, d))  # every word the same: every score equal
    trace = scaled_dot_product_attention(x, np.eye(d), np.eye(d), v[:d] if n >= d else np.eye(d))
    np.testing.assert_allclose(trace.weights, np.full((n, n), 1 / n))
    np.testing.assert_allclose(trace.output, np.tile(trace.values.mean(axis=0), (n, 1)), atol=1e-9)


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 6), st.integers(1, 4))
def test_attention_rows_sum_to_one_and_outputs_stay_in_the_hull(seed, n, d):
    x, wq, wk, wv = random_problem(seed, (n, d, d))
    t = scaled_dot_product_attention(x, wq, wk, wv)
    np.testing.assert_allclose(t.weights.sum(axis=1), 1.0)
    assert np.all(t.output <= t.values.max(axis=0) + 1e-9)
    assert np.all(t.output >= t.values.min(axis=0) - 1e-9)
    single = multi_head_attention(x, [(wq, wk, wv)], np.eye(d))
    np.testing.assert_allclose(single.output, t.output)


# --------------------------------------------------------------------------- errors

BAD_CALLS = [
    ("nan", lambda: dot_product([1.0, np.nan], [1.0, 2.0]), "finite"),
    ("lengths", lambda: dot_product([1, 2], [1, 2, 3]), "same number of components"),
    ("zero vector", lambda: cosine_similarity([0, 0], [1, 2]), "zero vector"),
    ("empty", lambda: softmax([]), "at least one score"),
    ("temperature", lambda: softmax([1, 2], temperature=0), "positive"),
    ("kind", lambda: similarity_matrix([[1.0]], [[1.0]], kind="euclid"), "dot.*cosine"),
    ("all masked", lambda: softmax([-np.inf, -np.inf]), "nothing to attend"),
    ("mask dtype", lambda: scaled_dot_product_attention(np.eye(2), np.eye(2), np.eye(2), np.eye(2),
                                                        mask=np.ones((2, 2))), "True/False"),
    ("mask row", lambda: scaled_dot_product_attention(np.eye(2), np.eye(2), np.eye(2), np.eye(2),
                                                      mask=np.array([[1, 0], [0, 0]], bool)), "row 1"),
    ("W_K shape", lambda: scaled_dot_product_attention(np.eye(2), np.eye(2), np.ones((2, 3)),
                                                       np.eye(2)), "W_K must have 2 columns"),
    ("W_Q rows", lambda: scaled_dot_product_attention(np.eye(2), np.ones((3, 2)), np.eye(2),
                                                      np.eye(2)), "W_Q must have 2 rows"),
    ("strength", lambda: context_pull(np.eye(2), np.eye(2), strength=1.5), "between 0 and 1"),
    ("steps", lambda: context_pull(np.eye(2), np.eye(2), steps=0), "steps"),
    ("no heads", lambda: multi_head_attention(np.eye(2), [], np.eye(2)), "at least one head"),
    ("W_O rows", lambda: multi_head_attention(np.eye(2), [(np.eye(2),) * 3], np.eye(3)),
     "W_O must have 2 rows"),
]


@pytest.mark.parametrize(("call", "message"), [c[1:] for c in BAD_CALLS], ids=[c[0] for c in BAD_CALLS])
def test_bad_input_gets_a_readable_error(call, message):
    with pytest.raises(AttentionInputError, match=message):
        call()


def test_errors_are_value_errors():
    assert issubclass(AttentionInputError, ValueError)


@pytest.mark.parametrize("module", ["similarity", "softmax", "attention"])
def test_doctests(module):
    result = doctest.testmod(importlib.import_module(f"attention_core.{module}"))
    assert result.attempted > 0 and result.failed == 0


MORE_BAD_CALLS = [
    ("steps=True", lambda: context_pull(np.eye(2), np.eye(2), steps=True), "steps"),
    ("temperature None", lambda: softmax([1.0, 2.0], temperature=None), "temperature"),
    ("axis", lambda: softmax([[1.0, 2.0]], axis=5), "axis 5"),
    ("two-matrix head", lambda: multi_head_attention(np.eye(2), [(np.eye(2), np.eye(2))], np.eye(2)),
     "three matrices"),
]


@pytest.mark.parametrize(("call", "message"), [c[1:] for c in MORE_BAD_CALLS],
                         ids=[c[0] for c in MORE_BAD_CALLS])
def test_more_bad_input_gets_a_readable_error(call, message):
    with pytest.raises(AttentionInputError, match=message):
        call()
