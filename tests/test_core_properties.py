"""Hypothesis properties of attention_core: laws that hold for every (bounded, finite) input.

Each property is checked on a modest number of generated examples so the file runs in a
few seconds; inputs are kept to magnitudes where the stated tolerances are meaningful.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from attention_core import (
    context_pull,
    cosine_similarity,
    dot_product,
    keep_heaviest,
    multi_head_attention,
    scaled_dot_product_attention,
    softmax,
)

FEW = settings(max_examples=60, deadline=None)
SOME = settings(max_examples=100, deadline=None)


def floats(bound: float) -> st.SearchStrategy[float]:
    return st.floats(-bound, bound, allow_nan=False, allow_infinity=False)


def matrices(bound: float = 100.0, max_side: int = 8):
    return arrays(np.float64, array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=max_side),
                  elements=floats(bound))


def vectors(size, bound: float = 1e3):
    return arrays(np.float64, size, elements=floats(bound))


# ----------------------------------------------------------------------- softmax


@SOME
@given(matrices())
def test_softmax_rows_are_positive_and_sum_to_one(x):
    w = softmax(x, axis=1)
    assert w.shape == x.shape
    assert np.all(w > 0.0) and np.all(w <= 1.0)
    np.testing.assert_allclose(w.sum(axis=1), 1.0, rtol=0, atol=1e-12)


@SOME
@given(matrices(), st.data())
def test_softmax_is_invariant_to_shifting_a_row(x, data):
    shifts = data.draw(arrays(np.float64, (x.shape[0], 1), elements=floats(1e3)), label="shifts")
    np.testing.assert_allclose(softmax(x + shifts, axis=1), softmax(x, axis=1), rtol=1e-9, atol=0)


@FEW
@given(vectors(st.integers(2, 8), bound=100.0), st.floats(1e7, 1e9))
def test_high_temperature_makes_weights_uniform(x, temperature):
    n = len(x)
    w = softmax(x, temperature=temperature)
    spread = (x.max() - x.min()) / temperature  # log of the largest weight ratio
    np.testing.assert_allclose(w, 1.0 / n, rtol=2 * spread + 1e-12, atol=0)


@FEW
@given(vectors(st.integers(2, 8), bound=100.0), st.floats(1e-6, 0.02))
def test_low_temperature_makes_weights_one_hot_at_the_argmax(x, fraction):
    top = np.sort(x)[-2:]
    gap = top[1] - top[0]
    assume(gap > 1e-3)
    temperature = gap * fraction  # every other weight is at most exp(-50)
    w = softmax(x, temperature=temperature)
    winner = int(np.argmax(x))
    assert w[winner] == pytest.approx(1.0, abs=1e-15)
    others = np.delete(w, winner)
    assert np.all(others <= math.exp(-1 / fraction) * 1.0001)


@FEW
@given(vectors(st.integers(1, 8), bound=50.0), st.sampled_from([1e4, -1e4, 1e5]))
def test_softmax_does_not_overflow_for_huge_scores(offset_scores, offset):
    w = softmax(offset_scores + offset)
    assert np.all(np.isfinite(w))
    np.testing.assert_allclose(w, softmax(offset_scores), rtol=1e-9, atol=0)
    np.testing.assert_allclose(w.sum(), 1.0, atol=1e-12)


@SOME
@given(matrices(), st.data())
def test_softmax_masked_entries_get_zero_and_no_nan(x, data):
    hidden = data.draw(arrays(bool, x.shape), label="hidden")
    hidden[np.arange(x.shape[0]), data.draw(st.integers(0, x.shape[1] - 1), label="kept")] = False
    masked = np.where(hidden, -np.inf, x)
    w = softmax(masked, axis=1)
    assert not np.any(np.isnan(w))
    assert np.all(w[hidden] == 0.0)
    for i in range(x.shape[0]):
        visible = ~hidden[i]
        np.testing.assert_allclose(w[i, visible], softmax(x[i, visible]), rtol=1e-12, atol=0)


# ---------------------------------------------------------------- dot and cosine

pairs = st.integers(1, 8).flatmap(lambda d: st.tuples(vectors(d), vectors(d)))
triples = st.integers(1, 8).flatmap(lambda d: st.tuples(vectors(d, 100.0), vectors(d, 100.0),
                                                        vectors(d, 100.0)))


@SOME
@given(pairs, st.floats(1e-3, 1e3), st.floats(1e-3, 1e3))
def test_cosine_is_bounded_scale_invariant_and_odd(pair, k_a, k_b):
    a, b = pair
    assume(np.linalg.norm(a) > 1e-3 and np.linalg.norm(b) > 1e-3)
    c = cosine_similarity(a, b)
    assert -1.0 <= c.cosine <= 1.0
    assert 0.0 <= c.angle_degrees <= 180.0
    assert cosine_similarity(b, a).cosine == pytest.approx(c.cosine, abs=1e-12)
    assert cosine_similarity(k_a * a, b).cosine == pytest.approx(c.cosine, abs=1e-12)
    assert cosine_similarity(a, k_b * b).cosine == pytest.approx(c.cosine, abs=1e-12)
    assert cosine_similarity(k_a * a, k_b * b).cosine == pytest.approx(c.cosine, abs=1e-12)
    flipped = cosine_similarity(-a, b)
    assert flipped.cosine == -c.cosine
    assert cosine_similarity(a, -b).cosine == -c.cosine
    assert flipped.angle_degrees == pytest.approx(180.0 - c.angle_degrees, abs=1e-9)


@SOME
@given(vectors(st.integers(1, 8)))
def test_cosine_of_a_vector_with_itself_is_one(a):
    assume(np.linalg.norm(a) > 1e-3)
    assert cosine_similarity(a, a).cosine == pytest.approx(1.0, abs=1e-12)
    assert cosine_similarity(a, -a).cosine == pytest.approx(-1.0, abs=1e-12)


@SOME
@given(triples, floats(10.0), floats(10.0))
def test_dot_product_is_symmetric_and_bilinear(vecs, alpha, beta):
    a, b, c = vecs
    assert dot_product(a, b).dot == dot_product(b, a).dot
    combined = dot_product(alpha * a + beta * c, b).dot
    expected = alpha * dot_product(a, b).dot + beta * dot_product(c, b).dot
    size = np.sum(np.abs(alpha * a * b)) + np.sum(np.abs(beta * c * b))
    assert combined == pytest.approx(expected, rel=0, abs=1e-12 * size + 1e-300)
    right = dot_product(b, alpha * a + beta * c).dot
    assert right == pytest.approx(expected, rel=0, abs=1e-12 * size + 1e-300)


# -------------------------------------------------------------------- attention


@st.composite
def attention_problems(draw, max_n=6, max_d=4, bound=3.0):
    n, d_model, d_k, d_v = (draw(st.integers(1, m)) for m in (max_n, max_d, max_d, max_d))
    x = draw(arrays(np.float64, (n, d_model), elements=floats(bound)))
    wq = draw(arrays(np.float64, (d_model, d_k), elements=floats(bound)))
    wk = draw(arrays(np.float64, (d_model, d_k), elements=floats(bound)))
    wv = draw(arrays(np.float64, (d_model, d_v), elements=floats(bound)))
    return x, wq, wk, wv


@FEW
@given(arrays(np.float64, st.integers(1, 5), elements=floats(100.0)), st.integers(1, 7))
def test_identical_words_with_identity_maps_average_the_values(row, n):
    d = len(row)
    x = np.tile(row, (n, 1))  # every word the same: every score the same
    trace = scaled_dot_product_attention(x, np.eye(d), np.eye(d), np.eye(d))
    np.testing.assert_allclose(trace.weights, 1.0 / n, rtol=1e-15, atol=0)
    np.testing.assert_allclose(trace.output, np.tile(trace.values.mean(axis=0), (n, 1)),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(trace.output, x, rtol=1e-12, atol=1e-12)


@FEW
@given(matrices(bound=100.0, max_side=6))
def test_equal_scores_average_distinct_values(x):
    d = x.shape[1]
    # W_K = 0 makes every score 0 whatever the words, so each output row is the mean word.
    trace = scaled_dot_product_attention(x, np.eye(d), np.zeros((d, d)), np.eye(d))
    n = x.shape[0]
    np.testing.assert_allclose(trace.weights, 1.0 / n, rtol=1e-15, atol=0)
    np.testing.assert_allclose(trace.output, np.tile(x.mean(axis=0), (n, 1)), rtol=1e-12, atol=1e-11)


@SOME
@given(attention_problems(), st.booleans())
def test_attention_rows_sum_to_one_and_outputs_stay_in_the_hull(problem, causal):
    x, wq, wk, wv = problem
    n = x.shape[0]
    mask = np.tril(np.ones((n, n), dtype=bool)) if causal else None
    t = scaled_dot_product_attention(x, wq, wk, wv, mask=mask)
    assert np.all(t.weights >= 0.0)
    np.testing.assert_allclose(t.weights.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    slack = 1e-12 * (1.0 + np.abs(t.values).max())
    assert np.all(t.output <= t.values.max(axis=0) + slack)
    assert np.all(t.output >= t.values.min(axis=0) - slack)


@FEW
@given(attention_problems())
def test_an_all_true_mask_changes_nothing(problem):
    x, wq, wk, wv = problem
    n = x.shape[0]
    plain = scaled_dot_product_attention(x, wq, wk, wv)
    masked = scaled_dot_product_attention(x, wq, wk, wv, mask=np.ones((n, n), dtype=bool))
    np.testing.assert_array_equal(masked.weights, plain.weights)
    np.testing.assert_array_equal(masked.output, plain.output)


@FEW
@given(attention_problems(), st.randoms(use_true_random=False))
def test_attention_without_mask_commutes_with_reordering_words(problem, random):
    x, wq, wk, wv = problem
    order = list(range(x.shape[0]))
    random.shuffle(order)
    plain = scaled_dot_product_attention(x, wq, wk, wv)
    shuffled = scaled_dot_product_attention(x[order], wq, wk, wv)
    np.testing.assert_allclose(shuffled.weights, plain.weights[np.ix_(order, order)],
                               rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(shuffled.output, plain.output[order], rtol=1e-9, atol=1e-9)


@FEW
@given(attention_problems(), st.booleans())
def test_one_head_with_identity_output_map_is_single_head_attention(problem, causal):
    x, wq, wk, wv = problem
    n, d_v = x.shape[0], wv.shape[1]
    mask = np.tril(np.ones((n, n), dtype=bool)) if causal else None
    single = scaled_dot_product_attention(x, wq, wk, wv, mask=mask)
    multi = multi_head_attention(x, [(wq, wk, wv)], np.eye(d_v), mask=mask)
    np.testing.assert_allclose(multi.concatenated, single.output, rtol=1e-15, atol=0)
    np.testing.assert_allclose(multi.output, single.output, rtol=1e-14, atol=0)


# ------------------------------------------------------------------ context pull


@st.composite
def pull_problems(draw):
    n, d = draw(st.integers(1, 6)), draw(st.integers(1, 4))
    e = draw(arrays(np.float64, (n, d), elements=floats(100.0)))
    sims = draw(arrays(np.float64, (n, n), elements=floats(20.0)))
    return e, sims


@SOME
@given(pull_problems(), st.floats(0.0, 1.0), st.integers(1, 12), st.floats(0.1, 10.0))
def test_context_pull_moves_each_word_between_start_and_target(problem, strength, steps, temperature):
    e, sims = problem
    t = context_pull(e, sims, strength=strength, steps=steps, temperature=temperature)
    slack = 1e-12 * (1.0 + np.abs(e).max())
    low, high = np.minimum(e, t.targets), np.maximum(e, t.targets)
    assert np.all(t.new_embeddings >= low - slack) and np.all(t.new_embeddings <= high + slack)
    np.testing.assert_allclose(t.new_embeddings - e, strength * (t.targets - e), rtol=0, atol=slack)
    # targets are weighted averages, so they stay inside the words' bounding box
    assert np.all(t.targets >= e.min(axis=0) - slack) and np.all(t.targets <= e.max(axis=0) + slack)
    # every trajectory frame lies on the way from the start to the new position
    lo, hi = np.minimum(e, t.new_embeddings), np.maximum(e, t.new_embeddings)
    assert np.all(t.trajectory >= lo - slack) and np.all(t.trajectory <= hi + slack)


# -- keeping the heaviest words (long sentences draw only those)

@FEW
@given(matrices(bound=1.0, max_side=12), st.integers(1, 14))
def test_keep_heaviest_matches_a_loop_and_keeps_every_row_total(weights, keep):
    t = keep_heaviest(weights, keep)
    r, n = weights.shape
    # a loop: repeatedly take the word with the largest weight in any row (earliest on ties)
    left = list(range(n))
    chosen = []
    for _ in range(min(keep, n)):
        best = max(left, key=lambda j: (max(weights[i, j] for i in range(r)), -j))
        chosen.append(best)
        left.remove(best)
    assert t.indices.tolist() == sorted(chosen)
    assert t.rest_count == n - len(chosen)
    np.testing.assert_array_equal(t.kept, weights[:, sorted(chosen)])
    np.testing.assert_allclose(t.kept.sum(axis=1) + t.rest, weights.sum(axis=1), atol=1e-12)
    assert not t.kept.flags.writeable


def test_keep_heaviest_of_one_row_and_bad_keep():
    t = keep_heaviest([0.1, 0.6, 0.2, 0.1], keep=2)
    assert t.indices.tolist() == [1, 2] and t.rest.tolist() == pytest.approx([0.2])
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="keep must be"):
            keep_heaviest([0.5, 0.5], keep=bad)
