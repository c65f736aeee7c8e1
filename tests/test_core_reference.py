"""attention_core against independent references written as explicit Python loops.

Every reference below works on plain lists with ``math.exp``/``math.sqrt`` and sums built
by hand; none of them calls numpy's linear algebra or any helper of the core, so a slip in
the core (a transposed product, a wrong axis, a missing scale) cannot hide in the reference.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from attention_core import (
    AttentionTrace,
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
    with_zero_sum,
)

SEEDS = [0, 1, 7]
RTOL = 1e-12
ATOL = 1e-12  # values here are O(1)-O(10); this only matters where a sum cancels to ~0


def assert_close(actual, expected, *, rtol=RTOL, atol=ATOL):
    np.testing.assert_allclose(np.asarray(actual, dtype=np.float64),
                               np.asarray(expected, dtype=np.float64), rtol=rtol, atol=atol)


# ------------------------------------------------------------------ loop references


def ref_dot(a, b):
    total = 0.0
    for i in range(len(a)):
        total += a[i] * b[i]
    return total


def ref_norm(a):
    return math.sqrt(ref_dot(a, a))


def ref_cosine(a, b):
    return ref_dot(a, b) / (ref_norm(a) * ref_norm(b))


def ref_softmax(row, temperature=1.0):
    """Softmax of a list; ``-inf`` entries get weight 0."""
    top = max(x for x in row if x != -math.inf)
    exps = [0.0 if x == -math.inf else math.exp((x - top) / temperature) for x in row]
    total = 0.0
    for e in exps:
        total += e
    return [e / total for e in exps]


def ref_matmul(a, b):
    rows, inner, cols = len(a), len(b), len(b[0])
    out = [[0.0] * cols for _ in range(rows)]
    for i in range(rows):
        for j in range(cols):
            total = 0.0
            for k in range(inner):
                total += a[i][k] * b[k][j]
            out[i][j] = total
    return out


def ref_transpose(a):
    return [[a[i][j] for i in range(len(a))] for j in range(len(a[0]))]


def ref_attention(x, wq, wk, wv, mask=None):
    """Every field of scaled dot-product attention, from lists, by loops."""
    n, d_k = len(x), len(wq[0])
    q, k, v = ref_matmul(x, wq), ref_matmul(x, wk), ref_matmul(x, wv)
    scores = [[ref_dot(q[i], k[j]) for j in range(n)] for i in range(n)]
    scale = 1.0 / math.sqrt(d_k)
    scaled = [[scores[i][j] * scale if mask is None or mask[i][j] else -math.inf for j in range(n)]
              for i in range(n)]
    weights = [ref_softmax(row) for row in scaled]
    output = [[sum(weights[i][j] * v[j][c] for j in range(n)) for c in range(len(v[0]))]
              for i in range(n)]
    return {"queries": q, "keys": k, "values": v, "scores": scores, "scale": scale,
            "scaled_scores": scaled, "weights": weights, "output": output}


# ---------------------------------------------------------------- dot and cosine

VECTOR_LENGTHS = [1, 2, 5, 16]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"seed{s}")
@pytest.mark.parametrize("d", VECTOR_LENGTHS, ids=lambda d: f"d{d}")
def test_dot_product_matches_loop(seed, d):
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=d), rng.normal(size=d)
    trace = dot_product(a.tolist(), b.tolist())
    assert_close(trace.a, a.tolist(), rtol=0, atol=0)
    assert_close(trace.b, b.tolist(), rtol=0, atol=0)
    assert_close(trace.products, [a[i] * b[i] for i in range(d)], rtol=0, atol=0)
    assert isinstance(trace.dot, float)
    assert trace.dot == pytest.approx(ref_dot(a.tolist(), b.tolist()), rel=RTOL, abs=ATOL)


def test_dot_product_of_integers_is_exact():
    trace = dot_product([2, -1, 3], [5, 4, 1])
    assert trace.products.dtype == np.float64
    assert trace.products.tolist() == [10.0, -4.0, 3.0]
    assert trace.dot == 9.0


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"seed{s}")
@pytest.mark.parametrize("d", VECTOR_LENGTHS[1:], ids=lambda d: f"d{d}")
def test_cosine_similarity_matches_loop(seed, d):
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=d).tolist(), rng.normal(size=d).tolist()
    trace = cosine_similarity(a, b)
    cos = ref_cosine(a, b)
    assert trace.dot == pytest.approx(ref_dot(a, b), rel=RTOL, abs=ATOL)
    assert trace.norm_a == pytest.approx(ref_norm(a), rel=RTOL)
    assert trace.norm_b == pytest.approx(ref_norm(b), rel=RTOL)
    assert trace.cosine == pytest.approx(cos, rel=RTOL, abs=ATOL)
    assert trace.angle_degrees == pytest.approx(math.degrees(math.acos(cos)), abs=1e-9)


def atan2_angle_degrees(a, b):
    """The unsigned angle between two plane vectors, in degrees, from atan2(|cross|, dot)."""
    cross = a[0] * b[1] - a[1] * b[0]
    return math.degrees(math.atan2(abs(cross), a[0] * b[0] + a[1] * b[1]))


PLANE_PAIRS = {
    "parallel": ([3.0, 4.0], [6.0, 8.0], 0.0),
    "anti-parallel": ([3.0, 4.0], [-1.5, -2.0], 180.0),
    "perpendicular": ([3.0, 4.0], [-8.0, 6.0], 90.0),
    "45deg": ([1.0, 0.0], [2.0, 2.0], 45.0),
    "120deg": ([2.0, 0.0], [-0.5, math.sqrt(3) / 2], 120.0),
}


@pytest.mark.parametrize(("a", "b", "angle"), PLANE_PAIRS.values(), ids=PLANE_PAIRS.keys())
def test_cosine_closed_form_angles(a, b, angle):
    trace = cosine_similarity(a, b)
    assert atan2_angle_degrees(a, b) == pytest.approx(angle, abs=1e-12)  # the reference itself
    assert trace.angle_degrees == pytest.approx(angle, abs=1e-9)
    assert trace.cosine == pytest.approx(math.cos(math.radians(angle)), abs=1e-12)


@pytest.mark.parametrize("seed", range(6), ids=lambda s: f"seed{s}")
def test_cosine_angle_matches_atan2(seed):
    rng = np.random.default_rng(seed)
    radius_a, radius_b = rng.uniform(0.1, 10.0, size=2)
    theta_a, theta_b = rng.uniform(-math.pi, math.pi, size=2)
    a = [radius_a * math.cos(theta_a), radius_a * math.sin(theta_a)]
    b = [radius_b * math.cos(theta_b), radius_b * math.sin(theta_b)]
    angle = atan2_angle_degrees(a, b)
    trace = cosine_similarity(a, b)
    assert trace.angle_degrees == pytest.approx(angle, abs=1e-9)
    assert trace.cosine == pytest.approx(math.cos(math.radians(angle)), abs=1e-12)
    assert (trace.norm_a, trace.norm_b) == (pytest.approx(radius_a, rel=RTOL),
                                            pytest.approx(radius_b, rel=RTOL))


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
@pytest.mark.parametrize("scale", [1.0, 1e200, 1e-200], ids=["unit", "huge", "tiny"])
def test_cosine_ignores_the_size_of_finite_vectors(scale):
    """Cosine depends on direction only, for every finite non-zero vector.

    Guards a fixed bug: norms taken as sqrt(sum x^2) overflowed to inf for components
    ~1e200 (cosine and angle came out NaN) and underflowed to 0 for ~1e-200 (a non-zero
    vector was rejected as "the zero vector").
    """
    a, b = [scale, scale], [scale, 0.0]
    trace = cosine_similarity(a, b)
    assert trace.cosine == pytest.approx(1 / math.sqrt(2), rel=1e-12)
    # The reference works on the unscaled directions: its own cross/dot products would
    # underflow for 1e-200 components.
    assert trace.angle_degrees == pytest.approx(atan2_angle_degrees([1.0, 1.0], [1.0, 0.0]), abs=1e-9)
    matrix = similarity_matrix([a], [b], kind="cosine").matrix
    assert matrix[0, 0] == pytest.approx(1 / math.sqrt(2), rel=1e-12)


SIMILARITY_SHAPES = [(1, 1, 1), (2, 3, 2), (4, 5, 3), (6, 2, 8)]  # (n, m, d)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"seed{s}")
@pytest.mark.parametrize("shape", SIMILARITY_SHAPES, ids=lambda s: "n{}-m{}-d{}".format(*s))
@pytest.mark.parametrize("kind", ["dot", "cosine"])
def test_similarity_matrix_matches_loops(kind, shape, seed):
    n, m, d = shape
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=(n, d)).tolist(), rng.normal(size=(m, d)).tolist()
    trace = similarity_matrix(a, b, kind=kind)
    pair = ref_dot if kind == "dot" else ref_cosine
    expected = [[pair(a[i], b[j]) for j in range(m)] for i in range(n)]
    assert trace.kind == kind
    assert trace.matrix.shape == (n, m)
    assert_close(trace.matrix, expected)
    assert_close(trace.a, a, rtol=0, atol=0)
    assert_close(trace.b, b, rtol=0, atol=0)


def test_similarity_matrix_default_kind_is_dot():
    trace = similarity_matrix([[1.0, 2.0]], [[3.0, 4.0], [-1.0, 0.5]])
    assert trace.kind == "dot"
    assert trace.matrix.tolist() == [[11.0, 0.0]]


# ----------------------------------------------------------------------- softmax

TEMPERATURES = [1.0, 0.3, 4.0]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"seed{s}")
@pytest.mark.parametrize("n", [1, 2, 5, 12], ids=lambda n: f"n{n}")
@pytest.mark.parametrize("temperature", TEMPERATURES, ids=lambda t: f"T{t}")
def test_softmax_vector_matches_loop(temperature, n, seed):
    scores = (3.0 * np.random.default_rng(seed).normal(size=n)).tolist()
    weights = softmax(scores, temperature=temperature)
    assert weights.shape == (n,)
    assert_close(weights, ref_softmax(scores, temperature))


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"seed{s}")
@pytest.mark.parametrize("shape", [(1, 1), (2, 5), (4, 3), (6, 6)], ids=lambda s: "{}x{}".format(*s))
@pytest.mark.parametrize("axis", [0, 1, -1], ids=lambda a: f"axis{a}")
@pytest.mark.parametrize("temperature", TEMPERATURES, ids=lambda t: f"T{t}")
def test_softmax_matrix_along_each_axis(temperature, axis, shape, seed):
    rows, cols = shape
    x = (2.0 * np.random.default_rng(seed).normal(size=shape)).tolist()
    weights = softmax(x, axis=axis, temperature=temperature)
    expected = [[0.0] * cols for _ in range(rows)]
    if axis == 0:
        for j in range(cols):
            column = ref_softmax([x[i][j] for i in range(rows)], temperature)
            for i in range(rows):
                expected[i][j] = column[i]
    else:
        expected = [ref_softmax(x[i], temperature) for i in range(rows)]
    assert weights.shape == shape
    assert_close(weights, expected)


def test_softmax_default_axis_is_the_last():
    x = [[0.0, 1.0, 2.0], [5.0, 5.0, -1.0]]
    assert_close(softmax(x), [ref_softmax(x[0]), ref_softmax(x[1])])


def test_softmax_gives_masked_entries_exactly_zero():
    x = [[1.0, -math.inf, 0.5, -math.inf], [-math.inf, -math.inf, -2.0, 3.0]]
    weights = softmax(x, axis=1)
    assert weights[0, 1] == 0.0 and weights[0, 3] == 0.0
    assert weights[1, 0] == 0.0 and weights[1, 1] == 0.0
    assert_close(weights, [ref_softmax(x[0]), ref_softmax(x[1])])
    assert_close(weights[0, [0, 2]], ref_softmax([1.0, 0.5]))


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"seed{s}")
@pytest.mark.parametrize("temperature", TEMPERATURES, ids=lambda t: f"T{t}")
def test_softmax_trace_fields(temperature, seed):
    scores = (2.0 * np.random.default_rng(seed).normal(size=6)).tolist()
    trace = softmax_trace(scores, temperature=temperature)
    exps = [math.exp(s / temperature) for s in scores]
    total = 0.0
    for e in exps:
        total += e
    assert_close(trace.scores, scores, rtol=0, atol=0)
    assert trace.temperature == temperature
    assert_close(trace.exponentials, exps, atol=0)
    assert trace.total == pytest.approx(total, rel=RTOL)
    assert_close(trace.weights, [e / total for e in exps])
    assert_close(trace.weights, ref_softmax(scores, temperature))


def test_softmax_trace_exponentials_may_overflow_but_weights_do_not():
    trace = softmax_trace([1000.0, 999.0, 0.0])
    assert trace.exponentials[0] == math.inf and trace.exponentials[1] == math.inf
    assert trace.exponentials[2] == 1.0
    assert trace.total == math.inf
    assert_close(trace.weights, ref_softmax([1.0, 0.0, -1000.0]))


# ------------------------------------------------------------- naive normalisation


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"seed{s}")
@pytest.mark.parametrize("n", [1, 3, 8], ids=lambda n: f"n{n}")
def test_naive_normalize_positive_scores(n, seed):
    scores = np.random.default_rng(seed).uniform(0.1, 5.0, size=n).tolist()
    trace = naive_normalize(scores)
    total = 0.0
    for s in scores:
        total += s
    assert trace.total == pytest.approx(total, rel=RTOL)
    assert_close(trace.weights, [s / total for s in scores])
    assert trace.ok and trace.problems == () and trace.negative_indices == ()


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"seed{s}")
@pytest.mark.parametrize("n", [2, 4, 9], ids=lambda n: f"n{n}")
def test_naive_normalize_sum_to_zero(n, seed):
    scores = np.random.default_rng(seed).normal(size=n).tolist()
    rest = 0.0
    for s in scores[:-1]:
        rest += s
    scores[-1] = -rest
    trace = naive_normalize(scores)
    assert trace.weights is None
    assert trace.total == 0.0
    assert not trace.ok
    assert trace.negative_indices == ()
    assert len(trace.problems) == 1
    assert "add up to 0" in trace.problems[0] and "dividing by zero" in trace.problems[0]


NEGATIVE_CASES = {
    # scores, total, weights, negative indices, expected problem fragments
    "one negative": ([4.0, -1.0, 1.0], 4.0, [1.0, -0.25, 0.25], (1,), ["1 weight is negative (-0.25)"]),
    "two negatives": ([3.0, -1.0, 2.0, -0.5, 0.5], 4.0, [0.75, -0.25, 0.5, -0.125, 0.125], (1, 3),
                      ["2 weights are negative (-0.25)"]),
    "negative total": ([-2.0, 1.0, -3.0], -4.0, [0.5, -0.25, 0.75], (1,),
                       ["1 weight is negative (-0.25)", "add up to a negative number (-4)"]),
    "small negative total": ([-0.5, 0.25], -0.25, [2.0, -1.0], (1,),
                             ["1 weight is negative (-1.00)", "add up to a negative number (-0.25)"]),
    "zero score is not negative": ([2.0, 0.0, 2.0], 4.0, [0.5, 0.0, 0.5], (), []),
}


@pytest.mark.parametrize(("scores", "total", "weights", "negative", "problems"),
                         NEGATIVE_CASES.values(), ids=NEGATIVE_CASES.keys())
def test_naive_normalize_negative_weights_and_totals(scores, total, weights, negative, problems):
    trace = naive_normalize(scores)
    assert trace.total == total
    assert trace.weights.tolist() == weights
    assert trace.negative_indices == negative
    assert trace.ok == (not problems)
    assert len(trace.problems) == len(problems)
    for found, fragment in zip(trace.problems, problems, strict=True):
        assert fragment in found


@pytest.mark.parametrize("seed", range(5), ids=lambda s: f"seed{s}")
def test_naive_normalize_negative_indices_match_loop(seed):
    scores = np.random.default_rng(seed).normal(loc=0.3, size=7).tolist()
    total = 0.0
    for s in scores:
        total += s
    trace = naive_normalize(scores)
    expected = tuple(i for i in range(len(scores)) if scores[i] / total < 0)
    assert expected  # the seeds are chosen so that some weight is negative
    assert trace.negative_indices == expected
    assert_close(trace.weights, [s / total for s in scores])


def test_naive_normalize_tiny_positive_scores_are_not_a_zero_sum():
    """Positive scores can only add up to a positive number, however small they are.

    Guards a fixed bug: the zero-sum tolerance was ``atol * max(1, max|s|)``, i.e. absolute
    (1e-12) for small scores, so [1e-13, 3e-13] was reported as "adding up to 0".
    """
    trace = naive_normalize([1e-13, 3e-13])
    assert trace.ok, trace.problems
    assert trace.weights.tolist() == pytest.approx([0.25, 0.75], rel=RTOL)


@pytest.mark.parametrize("index", [0, 2, 4])
def test_with_zero_sum(index):
    scores = [3.0, -1.0, 2.0, 0.5, -4.0]
    result = with_zero_sum(scores, index)
    others = 0.0
    for i in range(len(scores)):
        if i != index:
            others += scores[i]
            assert result[i] == scores[i]
    assert result[index] == -others
    assert scores == [3.0, -1.0, 2.0, 0.5, -4.0]  # the input is left alone


# ------------------------------------------------------------------ context pull

PULL_CASES = [  # (n, d, strength, steps, temperature, seed)
    (1, 1, 1.0, 1, 1.0, 0),
    (3, 2, 0.5, 4, 1.0, 1),
    (4, 3, 0.35, 7, 0.5, 2),
    (6, 2, 1.0, 10, 2.0, 3),
    (5, 4, 0.0, 2, 1.0, 4),
]


def ref_targets(weights, e):
    n, d = len(e), len(e[0])
    return [[sum(weights[i][j] * e[j][c] for j in range(n)) for c in range(d)] for i in range(n)]


@pytest.mark.parametrize(("n", "d", "strength", "steps", "temperature", "seed"), PULL_CASES,
                         ids=["n{}-d{}-s{}-steps{}-T{}-seed{}".format(*c) for c in PULL_CASES])
def test_context_pull_matches_loops(n, d, strength, steps, temperature, seed):
    rng = np.random.default_rng(seed)
    e = rng.normal(size=(n, d)).tolist()
    sims = [[ref_dot(e[i], e[j]) for j in range(n)] for i in range(n)]
    trace = context_pull(e, sims, strength=strength, steps=steps, temperature=temperature)

    weights = [ref_softmax(row, temperature) for row in sims]
    targets = ref_targets(weights, e)
    new = [[e[i][c] + strength * (targets[i][c] - e[i][c]) for c in range(d)] for i in range(n)]
    assert_close(trace.embeddings, e, rtol=0, atol=0)
    assert_close(trace.similarities, sims, rtol=0, atol=0)
    assert_close(trace.weights, weights)
    assert_close(trace.targets, targets)
    assert trace.strength == strength
    assert_close(trace.new_embeddings, new)

    assert trace.trajectory.shape == (steps + 1, n, d)
    assert_close(trace.trajectory[0], e, rtol=0, atol=0)
    assert_close(trace.trajectory[-1], new)
    for k in range(steps + 1):
        t = k / steps
        assert_close(trace.trajectory[k], [[e[i][c] + t * (new[i][c] - e[i][c]) for c in range(d)]
                                           for i in range(n)])
    if steps % 2 == 0:
        midpoint = [[(e[i][c] + new[i][c]) / 2 for c in range(d)] for i in range(n)]
        assert_close(trace.trajectory[steps // 2], midpoint)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"seed{s}")
def test_context_pull_with_given_weights(seed):
    rng = np.random.default_rng(seed)
    n, d = 4, 3
    e = rng.normal(size=(n, d)).tolist()
    raw = rng.uniform(0.0, 1.0, size=(n, n)).tolist()
    raw[0] = [0.0, 1.0, 0.0, 0.0]  # one word pulled entirely by another
    weights = []
    for row in raw:
        total = 0.0
        for w in row:
            total += w
        weights.append([w / total for w in row])
    # The temperature must not touch given weights.
    trace = context_pull(e, weights, strength=0.75, steps=3, temperature=0.2, weights_given=True)
    targets = ref_targets(weights, e)
    assert_close(trace.weights, weights, rtol=0, atol=0)
    assert_close(trace.targets, targets)
    assert_close(trace.targets[0], e[1], rtol=0, atol=0)
    assert_close(trace.new_embeddings,
                 [[e[i][c] + 0.75 * (targets[i][c] - e[i][c]) for c in range(d)] for i in range(n)])


@pytest.mark.parametrize(("n", "d", "strength", "steps", "temperature", "seed"), PULL_CASES,
                         ids=["n{}-d{}-s{}-steps{}-T{}-seed{}".format(*c) for c in PULL_CASES])
def test_context_pull_is_one_step_of_weighted_pulls(n, d, strength, steps, temperature, seed):
    """Each word j pulls word i along the arrow e_j - e_i as hard as w_ij; added tip to tail
    the pulls reach the weighted average, because every row of weights sums to 1."""
    rng = np.random.default_rng(seed)
    e = rng.normal(size=(n, d)).tolist()
    sims = [[ref_dot(e[i], e[j]) for j in range(n)] for i in range(n)]
    trace = context_pull(e, sims, strength=strength, steps=steps, temperature=temperature)
    weights = [ref_softmax(row, temperature) for row in sims]
    targets = ref_targets(weights, e)
    for i in range(n):
        tip = list(e[i])
        for j in range(n):
            pull_ij = [weights[i][j] * (e[j][c] - e[i][c]) for c in range(d)]
            assert_close(trace.pulls[i][j], pull_ij)
            tip = [tip[c] + pull_ij[c] for c in range(d)]
        assert_close(trace.pulls[i][i], [0.0] * d, rtol=0, atol=0)  # a word's arrow to itself
        assert_close(tip, targets[i])
        assert_close(trace.step[i], [targets[i][c] - e[i][c] for c in range(d)])
        # strength only scales how far the word goes along the step
        assert_close(trace.new_embeddings[i], [e[i][c] + strength * trace.step[i][c] for c in range(d)])


# -------------------------------------------------------------------- attention

ATTENTION_SHAPES = [(1, 1, 1, 1), (2, 3, 2, 4), (4, 2, 3, 1), (6, 5, 4, 3), (9, 4, 2, 2)]
MASKS = ["none", "causal", "random"]


def random_attention_problem(seed, shape):
    n, d_model, d_k, d_v = shape
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d_model))
    wq, wk = rng.normal(size=(d_model, d_k)), rng.normal(size=(d_model, d_k))
    wv = rng.normal(size=(d_model, d_v))
    return rng, x, wq, wk, wv


def make_mask(kind, n, rng):
    if kind == "none":
        return None
    if kind == "causal":
        return [[j <= i for j in range(n)] for i in range(n)]
    mask = (rng.random((n, n)) < 0.5).tolist()
    for i in range(n):
        mask[i][i] = True  # every word may at least see itself
    return mask


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"seed{s}")
@pytest.mark.parametrize("shape", ATTENTION_SHAPES, ids=lambda s: "n{}-dm{}-dk{}-dv{}".format(*s))
@pytest.mark.parametrize("mask_kind", MASKS)
def test_attention_every_field_matches_loops(mask_kind, shape, seed):
    rng, x, wq, wk, wv = random_attention_problem(seed, shape)
    n = shape[0]
    mask = make_mask(mask_kind, n, rng)
    trace = scaled_dot_product_attention(x, wq, wk, wv, mask=None if mask is None else np.array(mask))
    ref = ref_attention(x.tolist(), wq.tolist(), wk.tolist(), wv.tolist(), mask)

    assert isinstance(trace, AttentionTrace)
    assert_close(trace.inputs, x, rtol=0, atol=0)
    for field in ["queries", "keys", "values", "scores", "weights", "output"]:
        assert_close(getattr(trace, field), ref[field])
    assert trace.scale == pytest.approx(ref["scale"], rel=1e-15)
    # the raw scores ignore the mask; only the scaled ones carry -inf
    assert np.all(np.isfinite(trace.scores))
    assert_close(trace.scaled_scores, ref["scaled_scores"])
    expected_mask = [[True] * n for _ in range(n)] if mask is None else mask
    assert trace.mask.dtype == bool and trace.mask.tolist() == expected_mask
    for i in range(n):
        for j in range(n):
            if expected_mask[i][j]:
                assert trace.weights[i, j] > 0.0
            else:
                assert trace.weights[i, j] == 0.0
                assert trace.scaled_scores[i, j] == -math.inf


@pytest.mark.parametrize("n", [1, 2, 5])
def test_causal_mask_matches_loop(n):
    assert causal_mask(n).dtype == bool
    assert causal_mask(n).tolist() == [[j <= i for j in range(n)] for i in range(n)]


def test_causal_attention_first_word_sees_only_itself():
    _, x, wq, wk, wv = random_attention_problem(3, (5, 3, 2, 3))
    trace = scaled_dot_product_attention(x, wq, wk, wv, mask=causal_mask(5))
    assert trace.weights[0].tolist() == [1.0, 0.0, 0.0, 0.0, 0.0]
    assert_close(trace.output[0], trace.values[0])


MULTI_HEAD_CASES = {  # (n, d_model, ((d_k, d_v) per head), d_out)
    "one-head": (1, 2, ((1, 1),), 3),
    "two-equal-heads": (3, 4, ((2, 2), (2, 2)), 4),
    "three-uneven-heads": (5, 3, ((2, 3), (1, 1), (4, 2)), 2),
}


def random_heads(rng, d_model, dims):
    return [HeadWeights(rng.normal(size=(d_model, d_k)), rng.normal(size=(d_model, d_k)),
                        rng.normal(size=(d_model, d_v))) for d_k, d_v in dims]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"seed{s}")
@pytest.mark.parametrize("case", MULTI_HEAD_CASES.values(), ids=MULTI_HEAD_CASES.keys())
@pytest.mark.parametrize("masked", [False, True], ids=["full", "causal"])
def test_multi_head_matches_loops(masked, case, seed):
    n, d_model, dims, d_out = case
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d_model))
    heads = random_heads(rng, d_model, dims)
    w_o = rng.normal(size=(sum(d_v for _, d_v in dims), d_out))
    mask = [[j <= i for j in range(n)] for i in range(n)] if masked else None
    trace = multi_head_attention(x, heads, w_o, mask=None if mask is None else np.array(mask))

    concatenated = [[] for _ in range(n)]
    for h, head in enumerate(heads):
        ref = ref_attention(x.tolist(), head.w_q.tolist(), head.w_k.tolist(), head.w_v.tolist(), mask)
        assert_close(trace.heads[h].weights, ref["weights"])
        assert_close(trace.heads[h].output, ref["output"])
        for i in range(n):
            concatenated[i].extend(ref["output"][i])
    assert len(trace.heads) == len(heads)
    assert_close(trace.concatenated, concatenated)
    assert_close(trace.w_o, w_o, rtol=0, atol=0)
    assert_close(trace.output, ref_matmul(concatenated, w_o.tolist()))
    assert trace.output.shape == (n, d_out)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"seed{s}")
def test_multi_head_concatenates_in_head_order(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(4, 3))
    heads = random_heads(rng, 3, [(2, 1), (2, 3), (1, 2)])
    w_o = np.eye(6)
    forward = multi_head_attention(x, heads, w_o).concatenated
    backward = multi_head_attention(x, heads[::-1], w_o).concatenated
    # forward columns: head0 [0:1], head1 [1:4], head2 [4:6]; backward: head2, head1, head0
    assert_close(forward[:, 0:1], backward[:, 5:6], rtol=0, atol=0)
    assert_close(forward[:, 1:4], backward[:, 2:5], rtol=0, atol=0)
    assert_close(forward[:, 4:6], backward[:, 0:2], rtol=0, atol=0)
    assert not np.allclose(forward, backward)


def test_multi_head_accepts_plain_tuples():
    rng = np.random.default_rng(11)
    x = rng.normal(size=(3, 2))
    heads = random_heads(rng, 2, [(2, 2), (1, 3)])
    w_o = rng.normal(size=(5, 2))
    as_tuples = [(h.w_q, h.w_k, h.w_v) for h in heads]
    assert_close(multi_head_attention(x, as_tuples, w_o).output,
                 multi_head_attention(x, heads, w_o).output, rtol=0, atol=0)

