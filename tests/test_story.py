"""The story checker: each claim holds on the shipped examples, fails on an example made to
break it (and the checker then prints a warning), and its facts match loop references."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scene_harness import apple_with

from attention_content.example_types import ExampleError
from attention_content.examples import load_example
from attention_content.story import (
    claim,
    decider,
    focus_update,
    neighbours,
    raw_weights,
    scaled_raw_weights,
    story_claims,
)
from attention_explainer.cli import main

MEANING_QUERY = "query = [[1.6, -0.1], [-0.2, 0.9]]"
MEANING_KEY = "key   = [[0.6, 1.4], [1.1, 0.6]]"

# (id, edits, claims (key, sentence) that must fail, claims that must still hold)
BREAKS = [
    ("buy next to apple", [("buy     = [0.5, -0.3]", "buy     = [1.4, 1.4]")],
     [("top_distance_is_decider", 0), ("top_cosine_is_decider", 0)],
     [("top_dot_is_decider", 0), ("pull_toward_decider", 0)]),
    ("a long 'an'", [("an      = [-0.3, 0.4]", "an      = [3.0, 3.2]")],
     [("top_dot_is_decider", 0)], [("top_distance_is_decider", 0)]),
    ("no pull", [("pull_strength = 1.0", "pull_strength = 0.0")],
     [("pull_toward_decider", 0), ("pull_toward_decider", 1)], [("top_dot_is_decider", 0)]),
    ("no negative score", [("and     = [0.4, -0.5]", "and     = [0.4, 0.5]")],
     [("naive_gives_negative", 0)], [("top_dot_is_decider", 0)]),
    ("key equals query", [(MEANING_KEY, MEANING_QUERY.replace("query", "key  "))],
     [("query_differs_from_key", None), ("one_sided", 0), ("one_sided", 1)], []),
    ("flat head", [(MEANING_QUERY, "query = [[1.0, 0.0], [0.0, 1.0]]"),
                   (MEANING_KEY, "key   = [[0.3, 0.0], [0.0, 0.3]]")],
     [("head_sharpens", 0), ("head_sharpens", 1)], [("query_differs_from_key", None)]),
    ("values reversed", [("value = [[0.9, -0.4], [-0.4, 0.9]]", "value = [[-1.0, 0.0], [0.0, -1.0]]")],
     [("update_toward_decider", 0), ("update_toward_decider", 1)], [("head_sharpens", 0)]),
    ("decider last", [('text = "buy an orange and apple"', 'text = "buy an apple and orange"')],
     [("decider_before_focus", 0)], [("top_dot_is_decider", 0)]),
    ("twin heads", [('query = [[1.0, -0.6], [0.6, -1.0]]', MEANING_QUERY),
                    ('key   = [[1.2, 0.0], [0.0, 1.2]]', MEANING_KEY)],
     [("heads_look_apart", 0)], [("one_sided", 0)]),
    ("W_O reversed", [("output = [[0.6, 0.0], [0.0, 0.6], [0.4, 0.0], [0.0, 0.4]]",
                       "output = [[-0.6, 0.0], [0.0, -0.6], [-0.4, 0.0], [0.0, -0.4]]")],
     [("multi_head_toward_decider", 0)], [("heads_look_apart", 0), ("update_toward_decider", 0)]),
]


@pytest.mark.parametrize("name", ["apple", "bank", "bat", "crane"])
def test_every_claim_holds_on_the_shipped_examples(name):
    claims = story_claims(load_example(name))
    assert len(claims) >= 18  # (gravity's "nearest pulls hardest" is no longer said)
    assert [c.warning for c in claims if not c.holds] == []


@pytest.mark.parametrize(("edits", "broken", "kept"), [b[1:] for b in BREAKS], ids=[b[0] for b in BREAKS])
def test_a_claim_fails_on_an_example_made_to_break_it(tmp_path, capsys, edits, broken, kept):
    example = apple_with(tmp_path, *edits)
    for key, sentence in broken:
        assert not claim(example, key, sentence).holds, key
    for key, sentence in kept:
        assert claim(example, key, sentence).holds, key
    assert main(["check", str(example.path)]) == 0  # warnings do not fail the check
    printed = capsys.readouterr().out.splitlines()
    warnings = [c.warning for c in story_claims(example) if not c.holds]  # the claims' own lines
    assert all(w in printed for w in warnings)
    assert len(warnings) >= len(broken)
    for key, sentence in broken:
        said = claim(example, key, sentence)
        assert any(said.says in w and said.step in w for w in warnings), said.says


def test_neighbours_match_a_loop_reference(example):
    for i, sentence in enumerate(example.sentences):
        f = example.words[sentence.focus]
        others = [t for t in sentence.tokens if t != sentence.focus]

        def dot(w: str, f=f) -> float:
            return sum(a * b for a, b in zip(f, example.words[w], strict=True))

        def length(v) -> float:
            return math.sqrt(sum(a * a for a in v))

        reference = {
            "distance": sorted(others, key=lambda w: length([a - b for a, b in zip(f, example.words[w],
                                                                                    strict=True)])),
            "dot": sorted(others, key=lambda w: -dot(w)),
            "cosine": sorted(others, key=lambda w: -dot(w) / (length(f) * length(example.words[w]))),
        }
        for measure, words in reference.items():
            assert [nb.word for nb in neighbours(example, i, measure)] == words, measure


def test_raw_and_head_weights_match_a_loop_reference(example):
    t = example.knobs.temperature
    for i, sentence in enumerate(example.sentences):
        x = example.embeddings(i)
        f = x[sentence.focus_index]
        raw = [math.exp(float(f @ e) / t) for e in x]
        np.testing.assert_allclose(raw_weights(example, i), np.array(raw) / sum(raw), rtol=1e-12)
        head = example.heads[0]
        q = f @ head.query
        d_k = head.query.shape[1]
        # the raw weights under a head's rule, / sqrt(d_k), that the keys chapter compares with the head's
        scaled = [math.exp(float(f @ e) / math.sqrt(d_k)) for e in x]
        np.testing.assert_allclose(scaled_raw_weights(example, i), np.array(scaled) / sum(scaled), rtol=1e-12)
        # the residual update, with the sqrt(d_k) of scaled dot-product attention
        w = np.array([math.exp(float(q @ (e @ head.key)) / math.sqrt(d_k)) for e in x])
        w /= w.sum()
        np.testing.assert_allclose(focus_update(example, i), f + w @ (x @ head.value), rtol=1e-12)


def test_decider_is_the_file_field_or_the_top_dot_product(tmp_path):
    shipped = load_example("apple")
    assert [decider(shipped, i) for i in range(2)] == ["orange", "phone"]
    unnamed = apple_with(tmp_path, ('decider = "orange"\n', ""), ('decider = "phone"\n', ""))
    assert [decider(unnamed, i) for i in range(2)] == ["orange", "phone"]
    named = apple_with(tmp_path, ('decider = "orange"', 'decider = "buy"'))
    assert decider(named, 0) == "buy"
    assert not claim(named, "top_dot_is_decider", 0).holds


@pytest.mark.parametrize("bad", ['decider = "pear"', 'decider = "apple"', "decider = 3"])
def test_a_decider_outside_the_sentence_is_refused(tmp_path, bad):
    with pytest.raises(ExampleError, match=r"sentences\[1\]\.decider"):
        apple_with(tmp_path, ('decider = "orange"', bad))


def test_head_favourites_match_a_loop_reference(example):
    """Chapter 9's fact: each head's most-attended other word of the focus, and its weight,
    computed again with loops (scores q . k / sqrt(d_k), softmax, the largest other word)."""
    from attention_content.story import head_favourites

    for i, sentence in enumerate(example.sentences):
        x = example.embeddings(i)
        f = sentence.focus_index
        expected = []
        for head in example.heads:
            q = x[f] @ head.query
            scores = [float(q @ (e @ head.key)) / math.sqrt(head.query.shape[1]) for e in x]
            exps = [math.exp(s - max(scores)) for s in scores]
            weights = [e / sum(exps) for e in exps]
            best = max((j for j in range(len(x)) if j != f), key=lambda j: weights[j])
            expected.append((sentence.tokens[best], weights[best]))
        got = head_favourites(example, i)
        assert [nb.word for nb in got] == [w for w, _ in expected]
        np.testing.assert_allclose([nb.value for nb in got], [v for _, v in expected], rtol=1e-9)


# -- gravity_distances (gravity scene)

def test_gravity_distances_match_a_loop_reference(example):
    """Before: |x - x_w|; after: |x' - x_w| with x' = x + s * sum_j w_j (x_j - x), by loops."""
    from attention_content.story import gravity_distances

    for k, s in enumerate(example.sentences[:2]):
        x = [list(map(float, example.words[t])) for t in s.tokens]
        f = s.focus_index
        scores = [sum(a * b for a, b in zip(x[f], x[j], strict=True)) / example.knobs.temperature
                  for j in range(len(x))]
        exps = [math.exp(v - max(scores)) for v in scores]
        w = [e / sum(exps) for e in exps]
        strength = example.knobs.pull_strength
        moved = [x[f][c] + strength * sum(w[j] * (x[j][c] - x[f][c]) for j in range(len(x)))
                 for c in range(len(x[f]))]
        for word in s.tokens:
            there = x[s.tokens.index(word)]
            before, after = gravity_distances(example, k, word)
            assert before == pytest.approx(math.dist(x[f], there), abs=1e-9)
            assert after == pytest.approx(math.dist(moved, there), abs=1e-9)


# -- decider_cosines (values scene)

def test_decider_cosines_match_a_loop_reference(example):
    """Before: cos(x, e_decider); after: cos(x + sum_j w_j x_j W_V, e_decider), w the head's
    softmax(q . k / sqrt(d_k)), all by loops."""
    from attention_content.story import decider_cosines

    head = example.heads[0]
    d_k = head.query.shape[1]

    def times(v, m):  # row vector times matrix
        return [sum(v[r] * m[r][c] for r in range(len(v))) for c in range(len(m[0]))]

    def cos(a, b):
        return sum(p * q for p, q in zip(a, b, strict=True)) / (math.hypot(*a) * math.hypot(*b))

    for k, s in enumerate(example.sentences[:2]):
        x = [list(map(float, example.words[t])) for t in s.tokens]
        f = s.focus_index
        q = times(x[f], head.query.tolist())
        scores = [sum(a * b for a, b in zip(q, times(e, head.key.tolist()), strict=True)) / math.sqrt(d_k)
                  for e in x]
        exps = [math.exp(v - max(scores)) for v in scores]
        w = [e / sum(exps) for e in exps]
        values = [times(e, head.value.tolist()) for e in x]
        new = [x[f][c] + sum(w[j] * values[j][c] for j in range(len(x))) for c in range(len(x[f]))]
        there = list(map(float, example.words[decider(example, k)]))
        before, after = decider_cosines(example, k)
        assert before == pytest.approx(cos(x[f], there), abs=1e-9)
        assert after == pytest.approx(cos(new, there), abs=1e-9)


def test_head_looks_and_multi_head_cosines_match_a_loop_reference(example):
    """Each head's row for the focus and the heads' update, computed here with loops."""
    from attention_content.story import head_looks, multi_head_cosines

    s = example.sentences[0]
    x = example.embeddings(0)
    i = s.focus_index
    update = np.zeros(x.shape[1])
    offset = 0
    for h, head in enumerate(example.heads):
        q, k, v = x @ head.query, x @ head.key, x @ head.value
        scores = [float(np.dot(q[i], k[j])) / math.sqrt(k.shape[1]) for j in range(len(x))]
        top = max(scores)
        e = [math.exp(a - top) for a in scores]
        w = [a / sum(e) for a in e]
        look = head_looks(example, 0, h)
        assert look.itself == pytest.approx(w[i])
        others = sorted((w[j] for j in range(len(x)) if j != i), reverse=True)
        assert [nb.value for nb in look.others] == pytest.approx(others)
        out = sum(w[j] * v[j] for j in range(len(x)))
        update += out @ example.w_o[offset:offset + len(out)]
        offset += len(out)
    d = example.words[decider(example, 0)]

    def cos(a):
        return float(np.dot(a, d) / (np.linalg.norm(a) * np.linalg.norm(d)))

    assert multi_head_cosines(example, 0) == pytest.approx((cos(x[i]), cos(x[i] + update)))
