"""The smallest change to an example's numbers after which every story claim holds.

``attention-explainer check FILE --suggest OUT.toml`` calls :func:`suggest`. The numbers that
move are the sentence words' embeddings and the heads' W_Q and W_K (and the first head's W_V,
which the values chapter uses); the words, sentences, names and knobs stay. Each claim of
:mod:`attention_content.story` becomes one or more smooth inequalities ``g(numbers) >= 0``, each
with a margin that survives printing (two numbers the story ranks differ by at least
:data:`RANK_GAP`, so they never print as a tie at two decimals), and the change is the smallest
in the least-squares sense:

    minimise |theta - theta_0|^2   subject to   g_c(theta) >= 0 for every claim c,
                                                 sign(x_0) x >= 0.01 for every word component

(a word stays on its side of each axis; where that cannot be, the sides are let go and the
words that cross are named). With scipy, SLSQP solves it; without, a penalty method with
projected gradient steps does. The result is rounded to two decimals and checked again with
the story's own claims; when some claims cannot hold together, :func:`suggest` names them.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from attention_content.example_types import CORPUS_DIR, Example
from attention_content.story import (
    REACH_GAP,
    VISIBLE,
    decider,
    decider_cosines,
    focus_attention,
    gravity_distances,
    head_looks,
    multi_head_cosines,
    scaled_raw_weights,
    story_claims,
)

__all__ = ["RANK_GAP", "Suggestion", "example_toml", "suggest"]

RANK_GAP = 0.03  # two ranked numbers differ by this (> 0.01: never printed alike at 2 decimals)
SLACK = 0.01  # every other claim holds by this much beyond its own threshold
SIDE = 0.01  # a word component stays at least this far on its side of the axis
STRUCTURAL = {"decider_before_focus"}  # claims about word order, which numbers cannot change


@dataclass(frozen=True)
class Parameter:
    """Where one block of numbers lives: its name in words and in the file, and its shape."""

    label: str  # "cat", "meaning W_Q"
    path: tuple[object, ...]  # ("words", "cat"), ("heads", 0, "query")
    shape: tuple[int, ...]


@dataclass(frozen=True)
class Suggestion:
    """What :func:`suggest` found.

    Attributes:
        example: the changed example (every number rounded to two decimals).
        numbers: path in the file -> the new value, for each block that changed.
        changes: each change in words ("cat: (0.20, 2.90) -> (0.45, 2.70)").
        conflicts: the claims that cannot hold together, in words (empty when all hold).
        crossed: the words moved across an axis because no change kept every side.
        largest_change: the largest change of any one number.
    """

    example: Example
    numbers: dict[tuple[object, ...], np.ndarray]
    changes: tuple[str, ...]
    conflicts: tuple[str, ...]
    crossed: tuple[str, ...]
    largest_change: float


# ------------------------------------------------------------------ numbers <-> example


def _parameters(example: Example) -> list[Parameter]:
    used = dict.fromkeys(t for s in example.sentences for t in s.tokens)
    params = [Parameter(w, ("words", w), example.words[w].shape) for w in used]
    for h, head in enumerate(example.heads):
        params.append(Parameter(f"{head.name} W_Q", ("heads", h, "query"), head.query.shape))
        params.append(Parameter(f"{head.name} W_K", ("heads", h, "key"), head.key.shape))
        if h == 0 and head.value.shape[1] == example.dimension:
            params.append(Parameter(f"{head.name} W_V", ("heads", h, "value"), head.value.shape))
    return params


def _values(example: Example, params: list[Parameter]) -> np.ndarray:
    return np.concatenate([np.ravel(_get(example, p.path)) for p in params])


def _get(example: Example, path: tuple[object, ...]) -> np.ndarray:
    if path[0] == "words":
        return example.words[path[1]]  # type: ignore[index]
    return getattr(example.heads[path[1]], str(path[2]))  # type: ignore[index]


def _with(example: Example, params: list[Parameter], theta: np.ndarray) -> Example:
    """``example`` with the numbers ``theta`` in place of the parameters'."""
    words = dict(example.words)
    heads = list(example.heads)
    start = 0
    for p in params:
        size = int(np.prod(p.shape))
        block = theta[start:start + size].reshape(p.shape)
        start += size
        if p.path[0] == "words":
            words[p.path[1]] = block  # type: ignore[index]
        else:
            h = p.path[1]
            heads[h] = dataclasses.replace(heads[h], **{str(p.path[2]): block})  # type: ignore[index]
    return dataclasses.replace(example, words=words, heads=tuple(heads))


# ------------------------------------------------------------------ the claims as inequalities

Constraint = Callable[[Example], np.ndarray]


def _rank(example: Example, i: int, measure: str) -> np.ndarray:
    """The decider beats every other word by RANK_GAP: (n - 2,) values, each >= 0 when it does."""
    s = example.sentences[i]
    x = example.embeddings(i)
    f = x[s.focus_index]
    d = s.tokens.index(decider(example, i))
    others = [j for j in range(len(s.tokens)) if j not in (d, s.focus_index)]
    if measure == "distance":
        v = np.linalg.norm(x - f, axis=1)
        return v[others] - v[d] - RANK_GAP
    v = x @ f
    if measure == "cosine":
        v = v / (np.linalg.norm(x, axis=1) * np.linalg.norm(f))
    return v[d] - v[others] - RANK_GAP


def _constraints(example: Example, names: bool = False) -> list[tuple[str, str, Constraint]]:
    """(claim key, the claim in words, inequality) for every claim the numbers can decide;
    ``names``: also keep each head's word out of the other heads' names (see :func:`_apart`)."""
    found: list[tuple[str, str, Constraint]] = []
    said = {(c.key, c.sentence): c.says for c in story_claims(example)}
    both = range(min(2, len(example.sentences)))

    def add(key: str, sentence: int | None, g: Constraint) -> None:
        if (key, sentence) in said:
            where = "" if sentence is None else f" (sentence {sentence + 1})"
            found.append((key, f"\"{said[key, sentence]}\"{where}", g))

    for i in both:
        for measure in ("distance", "dot", "cosine"):
            add(f"top_{measure}_is_decider", i, lambda e, i=i, m=measure: _rank(e, i, m))

        def pull(e: Example, i: int = i) -> np.ndarray:
            before, after = gravity_distances(e, i, decider(e, i))
            return np.array([before - after - VISIBLE - SLACK])

        add("pull_toward_decider", i, pull)
    add("naive_gives_negative", 0, _naive(example))
    head = example.heads[0]
    if head.query.shape == head.key.shape:  # W_Q and W_K stay (or become) apart somewhere
        k = np.unravel_index(int(np.argmax(np.abs(head.query - head.key))), head.query.shape)
        way = 1.0 if head.query[k] >= head.key[k] else -1.0  # smooth: the gap keeps its sign
        add("query_differs_from_key", None,
            lambda e: np.array([way * (e.heads[0].query[k] - e.heads[0].key[k]) - 0.1]))
    for i in both:
        s = example.sentences[i]
        f, d = s.focus_index, s.tokens.index(decider(example, i))
        scores = focus_attention(example, i).scores
        sign = 1.0 if scores[f, d] >= scores[d, f] else -1.0

        def one_sided(e: Example, f: int = f, d: int = d, sign: float = sign, i: int = i) -> np.ndarray:
            sc = focus_attention(e, i).scores
            return np.array([sign * (sc[f, d] - sc[d, f]) - VISIBLE - SLACK])

        def sharpens(e: Example, f: int = f, d: int = d, i: int = i) -> np.ndarray:
            head = focus_attention(e, i).weights[f, d]  # the claim's own measure (story._head_sharpens)
            return np.array([head - scaled_raw_weights(e, i)[d] - VISIBLE / 5 - SLACK])

        def key_fits(e: Example, f: int = f, d: int = d, i: int = i) -> np.ndarray:
            # the claim's own test (story._decider_key_fits: reaches k . q / |q| apart by REACH_GAP),
            # times |q| > 0: the same examples pass, on q_focus . k_j as the other score claims are
            t = focus_attention(e, i)
            row, size = t.scores[f], np.linalg.norm(t.queries[f])  # (n,): q_focus . k_j; |q_focus|
            return row[d] - np.delete(row, d) - (REACH_GAP + SLACK) * size

        add("decider_key_fits", i, key_fits)
        add("one_sided", i, one_sided)
        add("head_sharpens", i, sharpens)
    for i in both:
        def turns(e: Example, i: int = i) -> np.ndarray:
            before, after = decider_cosines(e, i)
            return np.array([after - before - VISIBLE / 5 - SLACK])

        add("update_toward_decider", i, turns)
    if len(example.heads) > 1:
        add("heads_look_apart", 0, _apart(example, names))

    def together(e: Example) -> np.ndarray:
        before, after = multi_head_cosines(e, 0)
        return np.array([after - before - VISIBLE / 5 - SLACK])

    add("multi_head_toward_decider", 0, together)
    return found


def _naive(example: Example) -> Constraint:
    """The first sentence's most negative score stays negative enough, and the scores' sum
    positive, so that one weight is at most -RANK_GAP."""
    s = example.sentences[0]
    scores = example.embeddings(0) @ example.embeddings(0)[s.focus_index]
    j = int(np.argmin(scores))

    def g(e: Example) -> np.ndarray:
        sc = e.embeddings(0) @ e.embeddings(0)[s.focus_index]
        total = sc.sum()
        return np.array([total - 0.1, -sc[j] - RANK_GAP * total])

    return g


def _apart(example: Example, names: bool = False) -> Constraint:
    """Each head looks most at its own word, by RANK_GAP of its weight over every other word;
    with ``names``, it also gives another head's word less than half of it (so the video does
    not name it by that word too).
    The first head's word is the decider (the keys-and-queries chapter has it give the decider
    more attention); the others' words are given out so that they lose the least weight getting
    there (a head keeps its favourite where it can)."""
    s = example.sentences[0]
    i, d = s.focus_index, s.tokens.index(decider(example, 0))
    w = np.stack([focus_attention(example, 0, h).weights[i] for h in range(len(example.heads))])  # (h, n)
    others = [j for j in range(len(s.tokens)) if j not in (i, d)]
    lost = w.max(axis=1, where=np.arange(len(s.tokens)) != i, initial=0.0)[:, None] - w  # (h, n)
    rest = min(itertools.permutations(others, len(example.heads) - 1),
               key=lambda chosen: sum(lost[h, j] for h, j in enumerate(chosen, start=1)))
    targets = (d, *rest)

    def g(e: Example) -> np.ndarray:
        rows = []
        for h, t in enumerate(targets):
            w = focus_attention(e, 0, h).weights[i]
            rows += [w[t] - w[j] - RANK_GAP for j in range(len(w)) if j not in (i, t)]
            # another head's word stays out of this head's name (story.head_looks names a head by
            # a second word that gets half its first's weight): "looks at swim, walrus" for a
            # head beside one that "looks at walrus" loses the chapter's two things at once
            rows += [w[t] / 2 - w[u] - SLACK for u in targets if u != t and names]
        return np.array(rows)

    return g


# ------------------------------------------------------------------ solving


def _solve(theta0: np.ndarray, g: Callable[[np.ndarray], np.ndarray], sides: np.ndarray | None) -> np.ndarray:
    """The theta nearest theta0 with g(theta) >= 0 (and sides * theta >= SIDE where sides != 0)."""
    try:
        from scipy.optimize import minimize
    except ImportError:
        return _penalty_search(theta0, g, sides)
    constraints = [{"type": "ineq", "fun": g}]
    if sides is not None:
        constraints.append({"type": "ineq", "fun": lambda t: (sides * t - SIDE)[sides != 0]})
    result = minimize(lambda t: float(np.sum((t - theta0) ** 2)), theta0, jac=lambda t: 2 * (t - theta0),
                      method="SLSQP", constraints=constraints, options={"maxiter": 300, "ftol": 1e-10})
    return np.asarray(result.x)


def _elastic(theta0: np.ndarray, g: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """The numbers that break the fewest claims by the least (sum of shortfalls, which tends to
    leave a few claims failing rather than many a little): where the conflict is."""
    try:
        from scipy.optimize import minimize
    except ImportError:
        return _penalty_search(theta0, g, None)
    n, m = len(theta0), len(g(theta0))
    start = np.concatenate([theta0, np.maximum(-g(theta0), 0.0)])
    result = minimize(lambda v: float(100 * v[n:].sum() + np.sum((v[:n] - theta0) ** 2)), start,
                      jac=lambda v: np.concatenate([2 * (v[:n] - theta0), np.full(m, 100.0)]),
                      method="SLSQP", bounds=[(None, None)] * n + [(0, None)] * m,
                      constraints=[{"type": "ineq", "fun": lambda v: g(v[:n]) + v[n:]}],
                      options={"maxiter": 300, "ftol": 1e-10})
    return np.asarray(result.x[:n])


def _penalty_search(theta0: np.ndarray, g: Callable[[np.ndarray], np.ndarray],
                    sides: np.ndarray | None) -> np.ndarray:
    """Without scipy: gradient steps on |theta - theta0|^2 + mu * sum(min(g, 0)^2), mu growing,
    each step projected back onto the words' sides."""
    theta = theta0.copy()

    def loss(t: np.ndarray, mu: float) -> float:
        return float(np.sum((t - theta0) ** 2) + mu * np.sum(np.minimum(g(t), 0.0) ** 2))

    for mu in (10.0, 100.0, 1000.0, 10000.0):
        step = 0.1 / mu
        for _ in range(200):
            base = loss(theta, mu)
            grad = np.array([(loss(theta + e, mu) - base) / 1e-6 for e in np.eye(len(theta)) * 1e-6])
            theta = theta - step * grad
            if sides is not None:
                keep = sides != 0
                theta[keep] = sides[keep] * np.maximum(sides[keep] * theta[keep], SIDE)
            if np.all(g(theta) >= 0) and np.linalg.norm(grad) < 1e-4:
                break
    return theta


def _snap_back(theta: np.ndarray, theta0: np.ndarray, g: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Give each moved number its old value back, the smallest moves first, wherever every
    claim still holds without the move: fewer changes for the teacher to read."""
    theta = theta.copy()
    for k in sorted(np.flatnonzero(theta != theta0), key=lambda k: abs(theta[k] - theta0[k])):
        moved, theta[k] = theta[k], theta0[k]
        if not np.all(g(theta) >= 0):
            theta[k] = moved
    return theta


def _round(theta: np.ndarray, theta0: np.ndarray) -> np.ndarray:
    """Two decimals, as the file shows them; numbers that did not move keep their own value."""
    rounded = np.round(theta, 2)
    return np.where(np.abs(theta - theta0) < 0.005, theta0, rounded)


def _holding(example: Example) -> list[str]:
    """The claims that fail or print as a tie, by key and sentence."""
    return [f"{c.key}:{c.sentence}" for c in story_claims(example) if not c.holds or c.printed_tie]


def suggest(example: Example) -> Suggestion:
    """The smallest change to ``example``'s numbers after which every claim holds (with a
    margin that survives printing), or the claims that cannot hold together."""
    # a sentence without a decider field takes the top dot product's word: keep the word it is
    # now, or moving the numbers would move the goal
    example = dataclasses.replace(example, sentences=tuple(
        dataclasses.replace(s, decider=decider(example, i)) for i, s in enumerate(example.sentences)))
    params = _parameters(example)
    theta0 = _values(example, params)
    constraints = _constraints(example)
    conflicts = [f"{c.should}; {c.does}" for c in story_claims(example)
                 if c.key in STRUCTURAL and not c.holds]

    def g_of(chosen: list[tuple[str, str, Constraint]]) -> Callable[[np.ndarray], np.ndarray]:
        def g(theta: np.ndarray) -> np.ndarray:
            e = _with(example, params, theta)
            return np.concatenate([c(e) for _, _, c in chosen]) if chosen else np.zeros(0)
        return g

    sides = np.where(np.abs(theta0) >= SIDE, np.sign(theta0), 0.0)
    sides[_word_count(params):] = 0.0  # only the words keep their sides

    def feasible(chosen: list[tuple[str, str, Constraint]], side: np.ndarray | None) -> np.ndarray | None:
        """The rounded solution for ``chosen``, or None when the solver finds none: solved for
        a little more than each claim needs, so that rounding to two decimals keeps it."""
        g = g_of(chosen)
        for boost in (0.01, 0.02, 0.04):
            found = _solve(theta0, lambda t, b=boost: g(t) - b, side)
            if np.any(g(found) < -1e-6):
                return None
            theta = _round(found, theta0)
            if np.all(g(theta) >= 0):
                return _snap_back(theta, theta0, g)
        return None

    theta, crossed = feasible(constraints, sides), ()
    if theta is not None and _shared_names(_with(example, params, theta)):
        # a head named by another head's word too ("looks at swim, walrus" beside "looks at
        # walrus"): hold the names apart as well, where that too can hold with the sides kept
        named = _constraints(example, names=True)
        apart = feasible(named, sides)
        if apart is not None:
            theta, constraints = apart, named
    if theta is None:
        theta = feasible(constraints, None)
        if theta is not None:
            crossed = tuple(_crossed(params, theta0, theta))
    if theta is None:  # some claims cannot hold together: the ones the nearest try leaves failing
        tried = _with(example, params, _elastic(theta0, g_of(constraints)))
        failing = [c for c in constraints if np.any(c[2](tried) < -1e-4)] or constraints[-1:]
        named: set[tuple[str, str]] = set()
        for claim in failing:
            if feasible([claim], None) is None:
                conflicts.append(f"{claim[1]} cannot hold for any numbers")
                continue
            # its partner: the same claim about the other sentence first, then the others
            others = sorted((c for c in constraints if c is not claim), key=lambda c: c[0] != claim[0])
            partner = next((c for c in others[:8] if feasible([c, claim], None) is None), None)
            if partner is None:
                conflicts.append(f"{claim[1]} cannot hold together with all the other claims")
            elif (partner[1], claim[1]) not in named:
                named.add((claim[1], partner[1]))
                conflicts.append(f"{claim[1]} and {partner[1]} cannot both hold")
        theta = feasible([c for c in constraints if c not in failing], None)
        theta = theta0 if theta is None else theta
    changed = _with(example, params, theta)
    left = [k for k in _holding(changed) if k.split(":")[0] not in STRUCTURAL]
    if left and not conflicts:
        conflicts.append("after rounding to two decimals, these claims still fail or tie: " + ", ".join(left))
    return Suggestion(changed, _numbers(params, theta0, theta), tuple(_changes(params, theta0, theta)),
                      tuple(conflicts), crossed, float(np.max(np.abs(theta - theta0), initial=0.0)))


def _shared_names(example: Example) -> bool:
    """Whether a word names two heads of the first sentence (story.head_looks' ``main``)."""
    if len(example.heads) < 2:
        return False
    mains = [{n.word for n in head_looks(example, 0, h).main} for h in range(len(example.heads))]
    return any(a & b for k, a in enumerate(mains) for b in mains[k + 1:])


def _word_count(params: list[Parameter]) -> int:
    return sum(int(np.prod(p.shape)) for p in params if p.path[0] == "words")


def _blocks(params: list[Parameter], *thetas: np.ndarray):  # type: ignore[no-untyped-def]
    start = 0
    for p in params:
        size = int(np.prod(p.shape))
        yield p, *(t[start:start + size].reshape(p.shape) for t in thetas)
        start += size


def _numbers(params: list[Parameter], theta0: np.ndarray,
             theta: np.ndarray) -> dict[tuple[object, ...], np.ndarray]:
    return {p.path: new for p, old, new in _blocks(params, theta0, theta) if not np.array_equal(old, new)}


def _shown(block: np.ndarray) -> str:
    if block.ndim == 1:
        return "(" + ", ".join(f"{v:.2f}" for v in block) + ")"
    return "[" + "; ".join(", ".join(f"{v:.2f}" for v in row) for row in block) + "]"


def _changes(params: list[Parameter], theta0: np.ndarray, theta: np.ndarray) -> list[str]:
    return [f"{p.label}: {_shown(old)} -> {_shown(new)}"
            for p, old, new in _blocks(params, theta0, theta) if not np.array_equal(old, new)]


def _crossed(params: list[Parameter], theta0: np.ndarray, theta: np.ndarray) -> list[str]:
    found = []
    for p, old, new in _blocks(params, theta0, theta):
        if p.path[0] == "words":
            axes = [k for k, (a, b) in enumerate(zip(old, new, strict=True)) if a * b < 0]
            found += [f"{p.label} crosses axis {k + 1}" for k in axes]
    return found



def example_toml(example: Example) -> str:
    """``example`` as a fresh TOML file (when the teacher's file cannot be edited in place)."""

    def q(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def row(values: np.ndarray) -> str:
        return "[" + ", ".join(f"{v:.2f}" for v in values) + "]"

    def matrix(values: np.ndarray) -> str:
        return "[" + ", ".join(row(r) for r in values) + "]"

    corpus = example.corpus.stem if example.corpus.parent == CORPUS_DIR else str(example.corpus)
    lines = [f"title = {q(example.title)}", f"corpus = {q(corpus)}"]  # a shipped corpus by its name
    if example.skip_beats:
        lines.append("skip_beats = [" + ", ".join(q(f"{a}:{b}") for a, b in example.skip_beats) + "]")
    lines += ["", "[plane]", f"x_axis = {q(example.x_axis)}", f"y_axis = {q(example.y_axis)}", "", "[words]"]
    lines += [f"{q(w)} = {row(v)}" for w, v in example.words.items()]
    for s in example.sentences:
        lines += ["", "[[sentences]]", f"text = {q(s.text)}", f"focus = {q(s.focus)}"]
        lines += [f"decider = {q(s.decider)}"] if s.decider else []
    for h in example.heads:
        lines += ["", "[[heads]]", f"name = {q(h.name)}", f"query = {matrix(h.query)}",
                  f"key = {matrix(h.key)}", f"value = {matrix(h.value)}"]
    k = example.knobs
    lines += ["", "[multi_head]", f"output = {matrix(example.w_o)}", "", "[knobs]",
              f"pull_strength = {k.pull_strength:g}", f"pull_steps = {k.pull_steps}",
              f"temperature = {k.temperature:g}"]
    return "\n".join(lines) + "\n"
