"""Bad input to attention_core raises AttentionInputError with a message a reader can act on.

Each case names the call, and the message must mention what is wrong (and where, when the
core knows): the argument, the offending value or shape, and the rule it breaks.
"""

from __future__ import annotations

import numpy as np
import pytest

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
    with_zero_sum,
)

EYE2 = np.eye(2)
EYE3 = np.eye(3)


def attend(x=EYE2, w_q=EYE2, w_k=EYE2, w_v=EYE2, mask=None):
    return scaled_dot_product_attention(x, w_q, w_k, w_v, mask=mask)


def pull(embeddings=EYE2, similarities=EYE2, **options):
    return context_pull(embeddings, similarities, **options)


BAD_CALLS = {
    # ---- NaN / inf entries
    "dot nan": (lambda: dot_product([1.0, np.nan], [1.0, 2.0]),
                r"the first vector must contain only finite numbers, but has nan at position \(1,\)"),
    "dot inf": (lambda: dot_product([1.0, 2.0], [np.inf, 2.0]),
                r"the second vector must contain only finite numbers, but has inf at position \(0,\)"),
    "cosine -inf": (lambda: cosine_similarity([1.0, -np.inf], [1.0, 2.0]),
                    r"the first vector .*finite.*-inf"),
    "similarity nan": (lambda: similarity_matrix([[1.0, 2.0]], [[0.0, 1.0], [np.nan, 1.0]]),
                       r"the second set of vectors .*finite.* nan at position \(1, 0\)"),
    "softmax nan": (lambda: softmax([0.0, np.nan]), r"finite numbers or -inf \(masked\)"),
    "softmax +inf": (lambda: softmax([[0.0, 1.0], [np.inf, 1.0]]), r"finite numbers or -inf"),
    "softmax_trace -inf": (lambda: softmax_trace([0.0, -np.inf]), r"the scores .*finite.*-inf"),
    "naive nan": (lambda: naive_normalize([1.0, np.nan, 2.0]), r"the scores .*finite.*\(1,\)"),
    "attention X nan": (lambda: attend(x=[[1.0, np.nan], [0.0, 1.0]]),
                        r"the word embeddings X must contain only finite.*\(0, 1\)"),
    "attention W_V inf": (lambda: attend(w_v=[[1.0, 0.0], [0.0, np.inf]]),
                          r"the value matrix W_V .*finite.*inf"),
    "pull similarities nan": (lambda: pull(similarities=[[1.0, np.nan], [0.0, 1.0]]),
                              r"the similarities .*finite"),
    "dot not numbers": (lambda: dot_product(["one", 2.0], [1.0, 2.0]),
                        r"the first vector must contain only numbers"),
    # ---- wrong shapes and mismatched lengths
    "dot matrix": (lambda: dot_product(EYE2, [1.0, 2.0]),
                   r"the first vector must be a non-empty list of numbers \(a vector\), got shape \(2, 2\)"),
    "dot empty": (lambda: dot_product([], []), r"non-empty list of numbers .*got shape \(0,\)"),
    "dot scalar": (lambda: dot_product(3.0, [1.0]), r"\(a vector\), got shape \(\)"),
    "dot lengths": (lambda: dot_product([1, 2], [1, 2, 3]),
                    r"the vectors must have the same number of components, got 2 and 3"),
    "cosine lengths": (lambda: cosine_similarity([1, 2, 3, 4], [1, 2]),
                       r"same number of components, got 4 and 2"),
    "similarity vector": (lambda: similarity_matrix([1.0, 2.0], EYE2),
                          r"the first set of vectors must be a non-empty table of numbers \(a matrix\), "
                          r"got shape \(2,\)"),
    "similarity lengths": (lambda: similarity_matrix(np.ones((2, 3)), np.ones((4, 2)), kind="cosine"),
                           r"same number of components, got 3 and 2"),
    "similarity kind": (lambda: similarity_matrix(EYE2, EYE2, kind="euclid"),
                        r"kind must be \"dot\" or \"cosine\", got 'euclid'"),
    "attention X vector": (lambda: attend(x=[1.0, 2.0]),
                           r"the word embeddings X .*\(a matrix\), got shape \(2,\)"),
    "attention W_Q rows": (lambda: attend(w_q=np.ones((3, 2))),
                           r"the query matrix W_Q must have 2 rows, but has 3"),
    "attention W_K columns": (lambda: attend(w_k=np.ones((2, 3))),
                              r"the key matrix W_K must have 2 columns, but has 3"),
    "attention W_K rows": (lambda: attend(x=EYE3, w_q=np.ones((3, 2)), w_k=np.ones((2, 2)), w_v=EYE3),
                           r"the key matrix W_K must have 3 rows, but has 2"),
    "attention W_V rows": (lambda: attend(w_v=np.ones((1, 2))),
                           r"the value matrix W_V must have 2 rows, but has 1"),
    "pull similarities columns": (lambda: pull(EYE3, np.ones((3, 4))),
                                  r"the similarities must have 3 columns, but has 4"),
    "pull similarities rows": (lambda: pull(EYE3, np.ones((2, 3))),
                               r"the similarities must have 3 rows, but has 2"),
    "multi-head W_O rows": (lambda: multi_head_attention(EYE2, [(EYE2, EYE2, EYE2)] * 2, np.ones((2, 2))),
                            r"the output matrix W_O must have 4 rows, but has 2"),
    # ---- zero vectors
    "cosine zero first": (lambda: cosine_similarity([0.0, 0.0], [1.0, 2.0]),
                          r"^the first vector is the zero vector: it has no direction"),
    "cosine zero second": (lambda: cosine_similarity([1.0, 2.0], [0.0, -0.0]),
                           r"^the second vector is the zero vector"),
    "similarity zero row": (lambda: similarity_matrix(EYE2, [[1.0, 1.0], [0.0, 0.0]], kind="cosine"),
                            r"a vector of the second set \(row 1\) is the zero vector"),
    # ---- empty scores, temperature
    "softmax empty": (lambda: softmax([]), r"softmax needs at least one score"),
    "softmax empty rows": (lambda: softmax(np.empty((3, 0))), r"at least one score"),
    "softmax scalar": (lambda: softmax(2.0), r"at least one score"),
    "softmax_trace empty": (lambda: softmax_trace([]), r"the scores must be a non-empty list"),
    "naive empty": (lambda: naive_normalize([]), r"the scores must be a non-empty list"),
    "temperature zero": (lambda: softmax([1.0, 2.0], temperature=0),
                         r"the softmax temperature must be a positive number, got 0"),
    "temperature negative": (lambda: softmax([1.0, 2.0], temperature=-2.5), r"positive number, got -2.5"),
    "temperature nan": (lambda: softmax([1.0, 2.0], temperature=float("nan")), r"positive number, got nan"),
    "temperature inf": (lambda: softmax([1.0, 2.0], temperature=float("inf")), r"positive number, got inf"),
    "temperature None": (lambda: softmax([1.0, 2.0], temperature=None), r"positive number, got None"),
    "softmax axis": (lambda: softmax([[1.0, 2.0]], axis=5),
                     r"softmax axis 5 does not exist: the scores have 2 dimension\(s\)"),
    "trace temperature": (lambda: softmax_trace([1.0, 2.0], temperature=0.0), r"positive number, got 0.0"),
    "pull temperature": (lambda: pull(temperature=-1.0), r"temperature must be a positive number, got -1.0"),
    # ---- masks
    "softmax row all masked": (lambda: softmax([[0.0, 1.0], [-np.inf, -np.inf]], axis=1),
                               r"every score in a row is masked \(-inf\).*nothing to attend to"),
    "softmax column all masked": (lambda: softmax([[0.0, -np.inf], [1.0, -np.inf]], axis=0),
                                  r"nothing to attend to"),
    "mask row hidden": (lambda: attend(mask=np.array([[True, False], [False, False]])),
                        r"mask row 1 hides every word: that word attends to nothing"),
    "mask last row hidden": (lambda: attend(x=EYE3, w_q=EYE3, w_k=EYE3, w_v=EYE3, mask=~causal_mask(3)),
                              r"mask row 2 hides every word"),
    "mask ints": (lambda: attend(mask=np.ones((2, 2), dtype=int)),
                  r"the mask must hold True/False values \(True = may attend\)"),
    "mask floats": (lambda: attend(mask=[[1.0, 0.0], [1.0, 1.0]]), r"True/False values"),
    "mask shape": (lambda: attend(mask=causal_mask(3)), r"the mask must have shape \(2, 2\), got \(3, 3\)"),
    "multi-head mask": (lambda: multi_head_attention(EYE2, [(EYE2, EYE2, EYE2)], EYE2,
                                                     mask=np.zeros((2, 2), dtype=bool)),
                        r"mask row 0 hides every word"),
    "causal mask zero": (lambda: causal_mask(0), r"a mask needs at least one word, got 0"),
    # ---- context pull options
    "strength above": (lambda: pull(strength=1.5), r"the pull strength must be between 0 and 1, got 1.5"),
    "strength below": (lambda: pull(strength=-0.01), r"between 0 and 1, got -0.01"),
    "strength nan": (lambda: pull(strength=float("nan")), r"between 0 and 1, got nan"),
    "steps zero": (lambda: pull(steps=0), r"the number of steps must be a whole number >= 1, got 0"),
    "steps negative": (lambda: pull(steps=-3), r"whole number >= 1, got -3"),
    "steps fraction": (lambda: pull(steps=2.5), r"whole number >= 1, got 2.5"),
    "steps True": (lambda: pull(steps=True), r"whole number >= 1, got True"),
    "given weights negative": (lambda: pull(similarities=[[1.5, -0.5], [0.5, 0.5]], weights_given=True),
                               r"given weights must be non-negative and each row must sum to 1"),
    "given weights sum": (lambda: pull(similarities=[[0.5, 0.4], [0.5, 0.5]], weights_given=True),
                          r"each row must sum to 1"),
    # ---- heads, indices
    "zero heads": (lambda: multi_head_attention(EYE2, [], EYE2),
                   r"multi-head attention needs at least one head"),
    "two-matrix head": (lambda: multi_head_attention(EYE2, [(EYE2, EYE2)], EYE2),
                        r"each head needs three matrices \(W_Q, W_K, W_V\), got 2"),
    "head W_K shape": (lambda: multi_head_attention(EYE2, [HeadWeights(EYE2, np.ones((2, 1)), EYE2)], EYE2),
                       r"W_K must have 2 columns, but has 1"),
    "zero-sum index": (lambda: with_zero_sum([1.0, 2.0], 2), r"index 2 is outside the 2 scores"),
    "zero-sum negative index": (lambda: with_zero_sum([1.0, 2.0, 3.0], -1),
                                r"index -1 is outside the 3 scores"),
}


@pytest.mark.parametrize(("call", "message"), BAD_CALLS.values(), ids=BAD_CALLS.keys())
def test_bad_input_raises_a_readable_error(call, message):
    with pytest.raises(AttentionInputError, match=message) as caught:
        call()
    text = str(caught.value)
    assert text.endswith("."), "messages are whole sentences"
    assert "Traceback" not in text and "ufunc" not in text


def test_attention_input_error_is_a_value_error():
    assert issubclass(AttentionInputError, ValueError)
    with pytest.raises(ValueError, match="zero vector"):
        cosine_similarity([0.0], [1.0])


def test_softmax_rejects_non_numbers_with_its_own_error():
    """Every other core function turns "not a number" into AttentionInputError.

    Guards a fixed inconsistency: softmax converted with np.asarray directly, so text scores
    escaped as numpy's bare ValueError ("could not convert string to float").
    """
    with pytest.raises(AttentionInputError, match="scores.*numbers"):
        softmax(["high", 1.0])


def test_errors_leave_the_inputs_untouched():
    scores = np.array([1.0, np.nan])
    with pytest.raises(AttentionInputError):
        naive_normalize(scores)
    assert scores[0] == 1.0 and np.isnan(scores[1])
    mask = np.array([[True, False], [False, False]])
    with pytest.raises(AttentionInputError):
        attend(mask=mask)
    assert mask.tolist() == [[True, False], [False, False]]
