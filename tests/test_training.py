"""The next-word model: its gradients against finite differences, its forward pass against a
loop-by-loop reference, what training learns on every shipped corpus, the corpus checker,
and the corpus an example names (which probes its training step shows, the checker's warning)."""

from __future__ import annotations

import dataclasses
import json
import math
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pytest

from attention_content.corpus import CORPUS_DIR, Corpus, load_corpus, parse_corpus, spoken_list, training_plan
from attention_content.example_types import ExampleError
from attention_content.examples import load_example
from attention_core.training import (
    ADAM_BETAS,
    ADAM_EPS,
    ModelParams,
    attention_scores,
    attention_weights,
    corpus_loss,
    encode,
    init_params,
    loss_and_gradients,
    next_word_losses,
    next_word_probabilities,
    train,
)
from attention_explainer.cli import main as check_main


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus()


@pytest.fixture(scope="module")
def trace(corpus):
    return train(corpus)


def _mixed_batch(corpus: Corpus):
    """Sentences of different lengths, so padding is exercised."""
    by_length: dict[int, list[tuple[str, ...]]] = {}
    for sentence in corpus.sentences:
        by_length.setdefault(len(sentence), []).append(sentence)
    picked = [s for group in by_length.values() for s in group[:3]]
    assert len(by_length) >= 2, "the corpus should have sentences of several lengths"
    return encode(picked, corpus.vocabulary)


def _sharpened(params: ModelParams) -> ModelParams:
    """Larger query/key/output weights than at init, so attention is far from uniform and
    every term of the gradient matters."""
    return dataclasses.replace(params, w_q=params.w_q * 30, w_k=params.w_k * 30, w_u=params.w_u * 10)


# -- gradients ------------------------------------------------------------------------------


@pytest.mark.parametrize("heads, d_model, d_head, seed", [(1, 3, 2, 0), (2, 3, 2, 1), (3, 2, 3, 2)])
def test_gradients_match_central_finite_differences(corpus, heads, d_model, d_head, seed):
    batch = _mixed_batch(corpus)
    params = _sharpened(init_params(len(corpus.vocabulary), d_model, heads, d_head, seed))
    _, grads = loss_and_gradients(params, batch)
    h = 1e-6
    for name, array in params.arrays().items():
        numeric = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            plus, minus = array.copy(), array.copy()
            plus[index] += h
            minus[index] -= h
            numeric[index] = (corpus_loss(dataclasses.replace(params, **{name: plus}), batch)
                              - corpus_loss(dataclasses.replace(params, **{name: minus}), batch)) / (2 * h)
        analytic = getattr(grads, name)
        assert np.linalg.norm(numeric) > 0 or name == "embeddings"
        error = np.linalg.norm(numeric - analytic) / (np.linalg.norm(numeric) + np.linalg.norm(analytic))
        assert error < 1e-5, f"{name}: relative error {error:.2e}"


def test_words_not_in_any_sentence_get_zero_embedding_gradient(corpus):
    batch = encode([("i", "ate", "my", "apple", "pie")], corpus.vocabulary)
    params = init_params(len(corpus.vocabulary), 4, 1, 2, 0)
    _, grads = loss_and_gradients(params, batch)
    # the last word is only ever a target: its embedding is never read, so its gradient is 0
    used = {corpus.vocabulary.index(w) for w in ("i", "ate", "my", "apple")}
    unused = [i for i in range(len(corpus.vocabulary)) if i not in used]
    assert corpus.vocabulary.index("pie") in unused
    assert np.all(grads.embeddings[unused] == 0.0)
    assert np.all(np.abs(grads.embeddings[sorted(used)]).sum(axis=1) > 0)


def test_next_word_losses_are_minus_the_log_of_each_right_words_chance(corpus, trace):
    probe = corpus.probes[0]
    for params in (trace.snapshots[0].params, trace.final):
        losses = next_word_losses(params, corpus.vocabulary, probe.tokens)
        assert losses.shape == (len(probe.tokens) - 1,)
        for t, loss in enumerate(losses):
            probs = next_word_probabilities(params, corpus.vocabulary, probe.tokens[: t + 1])
            assert loss == pytest.approx(-math.log(probs[corpus.vocabulary.index(probe.tokens[t + 1])]),
                                         rel=1e-12)
        # their mean is the sentence's loss, which is not the corpus's
        batch = encode([probe.tokens], corpus.vocabulary)
        assert losses.mean() == pytest.approx(corpus_loss(params, batch), rel=1e-12)
    assert losses.mean() != pytest.approx(trace.losses[-1], abs=1e-3)


def test_training_steps_are_adams_as_the_module_and_the_scene_write_it(corpus):
    """m <- b1 m + (1 - b1) g, v <- b2 v + (1 - b2) g^2, W <- W - lr m_hat / (sqrt(v_hat) + eps),
    written out here for three steps, is what train does; plain gradient descent is not."""
    steps, lr = 3, corpus.training.learning_rate
    (b1, b2), batch = ADAM_BETAS, encode(corpus.sentences, corpus.vocabulary)
    settings = corpus.training
    params = init_params(len(corpus.vocabulary), settings.d_model, settings.heads, settings.d_head,
                         settings.seed)
    start = params
    m = {name: np.zeros_like(a) for name, a in params.arrays().items()}
    v = {name: np.zeros_like(a) for name, a in params.arrays().items()}
    for t in range(1, steps + 1):
        _, grads = loss_and_gradients(params, batch)
        new = {}
        for name, w in params.arrays().items():
            g = getattr(grads, name)
            m[name] = b1 * m[name] + (1 - b1) * g
            v[name] = b2 * v[name] + (1 - b2) * g**2
            m_hat, v_hat = m[name] / (1 - b1**t), v[name] / (1 - b2**t)
            new[name] = w - lr * m_hat / (np.sqrt(v_hat) + ADAM_EPS)
        params = ModelParams(**new)
    trained = train(corpus, steps=steps).final
    for name, array in params.arrays().items():
        np.testing.assert_allclose(getattr(trained, name), array, rtol=1e-10, atol=1e-12)
    _, grads = loss_and_gradients(start, batch)
    descent = start.w_q - lr * grads.w_q
    assert not np.allclose(train(corpus, steps=1).final.w_q, descent, atol=1e-3)


# -- the forward pass against loops ---------------------------------------------------------


def _loop_loss(params: ModelParams, vocabulary, sentences) -> float:
    """The model's loss written position by position with Python loops and math.exp."""
    index = {w: i for i, w in enumerate(vocabulary)}
    e, wq, wk, wv, wo, wu, bu = (np.asarray(a).tolist() for a in params.arrays().values())
    d, heads, k = len(e[0]), len(wq), len(wq[0][0])

    def times(row, matrix):
        return [sum(row[a] * matrix[a][b] for a in range(len(row))) for b in range(len(matrix[0]))]

    total, count = 0.0, 0
    for sentence in sentences:
        xs = [e[index[w]] for w in sentence]
        for t in range(len(sentence) - 1):
            z = []
            for h in range(heads):
                q = times(xs[t], wq[h])
                scores = [sum(a * b for a, b in zip(q, times(xs[j], wk[h]), strict=True)) / math.sqrt(k)
                          for j in range(t + 1)]
                top = max(scores)
                exps = [math.exp(s - top) for s in scores]
                weights = [x / sum(exps) for x in exps]
                values = [times(xs[j], wv[h]) for j in range(t + 1)]
                z += [sum(weights[j] * values[j][c] for j in range(t + 1)) for c in range(k)]
            hidden = [xs[t][c] + times(z, wo)[c] for c in range(d)]
            logits = [v + b for v, b in zip(times(hidden, wu), bu, strict=True)]
            top = max(logits)
            log_norm = top + math.log(sum(math.exp(v - top) for v in logits))
            total += log_norm - logits[index[sentence[t + 1]]]
            count += 1
    return total / count


@pytest.mark.parametrize("heads", [1, 2])
def test_loss_equals_a_loop_by_loop_reference(corpus, heads):
    sentences = [corpus.sentences[0], corpus.sentences[-1], ("a", "bat", "flew")]
    params = _sharpened(init_params(len(corpus.vocabulary), 3, heads, 2, 5))
    batch = encode(sentences, corpus.vocabulary)
    assert corpus_loss(params, batch) == pytest.approx(_loop_loss(params, corpus.vocabulary, sentences),
                                                       rel=1e-12)


# -- training on the shipped corpus ---------------------------------------------------------


def test_loss_falls_well_below_its_start_and_below_guessing(trace):
    assert trace.losses[0] == pytest.approx(trace.uniform_loss, abs=0.1)  # starts near log V
    assert trace.losses[-1] < 0.2 * trace.losses[0]
    assert trace.losses[-1] < trace.uniform_loss - 3
    assert np.all(np.isfinite(trace.losses))


def test_each_ambiguous_word_attends_most_to_the_word_that_decides_it(trace):
    final = trace.snapshots[-1]
    for probe, weights in zip(trace.probes, final.probe_weights, strict=True):
        row = weights.mean(axis=0)[probe.focus_index]  # averaged over heads
        assert int(np.argmax(row)) == probe.decides_index, (probe.text, np.round(row, 2))
        assert row[probe.decides_index] > 0.5, probe.text


def test_attention_starts_near_uniform(trace):
    first = trace.snapshots[0]
    assert first.step == 0
    for probe, weights in zip(trace.probes, first.probe_weights, strict=True):
        row = weights.mean(axis=0)[probe.focus_index][: probe.focus_index + 1]
        assert np.max(np.abs(row - 1 / len(row))) < 0.1, probe.text


def test_the_trained_model_predicts_each_meanings_next_word(trace):
    vocab = trace.vocabulary
    fruit = next_word_probabilities(trace.final, vocab, "he sliced his apple".split())
    phone = next_word_probabilities(trace.final, vocab, "she charged her apple".split())
    undecided = next_word_probabilities(trace.final, vocab, "she liked her apple".split())
    pick = lambda p, words: sum(p[vocab.index(w)] for w in words)  # noqa: E731
    assert pick(fruit, ["pie", "juice", "tree"]) > 0.9
    assert pick(phone, ["phone", "laptop", "watch"]) > 0.9
    # no decider: both meanings stay possible
    assert 0.2 < pick(undecided, ["pie", "juice", "tree"]) < 0.8
    assert fruit.sum() == pytest.approx(1.0)


def test_snapshots_are_ordered_frozen_and_agree_with_the_losses(trace, corpus):
    steps = [s.step for s in trace.snapshots]
    assert steps == sorted(set(corpus.training.snapshots) | {0, corpus.training.steps})
    assert len(trace.losses) == corpus.training.steps + 1
    for snap in trace.snapshots:
        assert snap.loss == trace.losses[snap.step]
        with pytest.raises(ValueError):
            snap.params.w_q[0, 0, 0] = 1.0
        for probe, weights in zip(trace.probes, snap.probe_weights, strict=True):
            n = len(probe.tokens)
            assert weights.shape == (corpus.training.heads, n, n)
            np.testing.assert_allclose(weights.sum(axis=-1), 1.0, rtol=1e-12)
            assert np.all(weights[:, np.triu_indices(n, 1)[0], np.triu_indices(n, 1)[1]] == 0.0)
            np.testing.assert_array_equal(
                weights, attention_weights(snap.params, trace.vocabulary, probe.tokens))
    assert trace.final is trace.snapshots[-1].params
    assert not np.array_equal(trace.snapshots[0].params.w_q, trace.final.w_q)


def test_same_seed_same_numbers_other_seed_other_numbers(corpus, trace):
    again = train(corpus)
    np.testing.assert_array_equal(again.losses, trace.losses)
    for name, array in trace.final.arrays().items():
        np.testing.assert_array_equal(getattr(again.final, name), array)
    other = train(corpus, seed=corpus.training.seed + 1, steps=5)
    assert not np.array_equal(other.losses, trace.losses[:6])


def test_a_learning_rate_that_blows_up_gives_a_readable_error(corpus):
    wild = dataclasses.replace(corpus, training=dataclasses.replace(corpus.training, learning_rate=10.0))
    with pytest.raises(ValueError, match=r"ambiguous.toml: training.learning_rate: training diverged"):
        train(wild, steps=20)


# -- the corpus file ------------------------------------------------------------------------

GOOD = {
    "title": "t",
    "sentences": ["i ate an apple pie", "i charged my apple phone"],
    "probes": [{"text": "i ate an apple pie", "focus": "apple", "decides": "ate"}],
}


@pytest.mark.parametrize("change, field, words", [
    ({"sentences": []}, "sentences", "missing"),
    ({"sentences": ["apple"]}, "sentences[0]", "has 1 words"),
    ({"sentences": ["a " * 40]}, "sentences[0]", "has 40 words"),
    ({"sentences": ["i ate an extraordinarilylongword"]}, "sentences[0]", "longer than"),
    ({"probes": [{"text": "i ate an apple pie", "focus": "apple", "decides": "pie"}]},
     "probes[0].decides", "must come before"),
    ({"probes": [{"text": "i ate a pear", "focus": "pear", "decides": "ate"}]},
     "probes[0].text", "'a' never appears"),
    ({"probes": [{"text": "i ate an apple pie", "focus": "banana", "decides": "ate"}]},
     "probes[0].focus", "not a word"),
    ({"training": {"stepz": 3}}, "training.stepz", "not a training setting"),
    ({"training": {"steps": 0}}, "training.steps", "between 1"),
    ({"training": {"learning_rate": "fast"}}, "training.learning_rate", "must be a number"),
    ({"training": {"steps": 10, "snapshots": [0, 20]}}, "training.snapshots", "0 to steps (10)"),
    ({"extra": 1}, "extra", "not a corpus field"),
])
def test_a_broken_corpus_names_the_file_and_the_field(change, field, words):
    with pytest.raises(ExampleError) as caught:
        parse_corpus({**GOOD, **change}, Path("my_corpus.toml"))
    message = str(caught.value)
    assert message.startswith("my_corpus.toml:")
    assert f"{field}: " in message and words in message, message


def test_every_problem_is_reported_at_once():
    with pytest.raises(ExampleError) as caught:
        parse_corpus({"sentences": ["x"], "probes": [], "training": {"heads": 0}}, "c.toml")
    assert len(caught.value.problems) == 4  # title, sentences[0], probes, training.heads


def test_a_missing_corpus_file_is_named(tmp_path):
    with pytest.raises(ExampleError, match="does not exist"):
        load_corpus(tmp_path / "nope.toml")
    with pytest.raises(ExampleError, match="no corpus called 'nope'; shipped: ambiguous"):
        load_corpus("nope")


def test_the_shipped_corpus_has_what_the_scene_and_examples_need(corpus):
    """Two probes (two meanings) for each shipped example's ambiguous word; each probe's
    decider appears before that word in some training sentence; the word is followed by
    several different words, so there is something to predict."""
    assert 100 <= len(corpus.sentences) <= 200 and len(corpus.vocabulary) < 100
    for focus in ("apple", "bank", "bat"):
        probes = corpus.probe_for(focus)
        assert len(probes) == 2 and all(p.focus == focus for p in probes)
        for probe in probes:
            assert any(probe.decides in s[: s.index(focus)] for s in corpus.sentences if focus in s)
        nexts = {s[s.index(focus) + 1] for s in corpus.sentences if focus in s}
        assert len(nexts) >= 4, focus


# -- every shipped corpus, trained as the scene trains it -----------------------------------

SHIPPED_CORPORA = sorted(p.stem for p in CORPUS_DIR.glob("*.toml"))


@pytest.fixture(scope="module", params=SHIPPED_CORPORA)
def shipped(request):
    corpus = load_corpus(request.param)
    return corpus, train(corpus)


def entropy_floor(corpus: Corpus) -> float:
    """The lowest mean loss any next-word model can reach on ``corpus``, counted here: at each
    position the model knows at most the words so far, and on the corpus the best guess for
    a prefix is how often each word follows that prefix (the conditional entropy)."""
    follows: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for sentence in corpus.sentences:
        for t in range(len(sentence) - 1):
            follows[sentence[: t + 1]][sentence[t + 1]] += 1
    total = sum(len(s) - 1 for s in corpus.sentences)
    return -sum(k * math.log(k / sum(nexts.values())) for nexts in follows.values()
                for k in nexts.values()) / total


def test_the_floor_is_a_floor():
    # a corpus where every next word is certain has floor 0; one coin flip in four guesses, log 2 / 4
    probes = [{"text": "a b c", "focus": "c", "decides": "a"}]
    certain = parse_corpus({**GOOD, "sentences": ["a b c", "d e f"], "probes": probes}, "c.toml")
    assert entropy_floor(certain) == 0.0
    coin = parse_corpus({**GOOD, "sentences": ["a b c", "a d c"], "probes": probes}, "c.toml")
    assert entropy_floor(coin) == pytest.approx(math.log(2) / 2)


def test_every_shipped_corpus_trains_from_guessing_to_near_its_floor(shipped):
    corpus, trace = shipped
    floor = entropy_floor(corpus)
    assert trace.losses[0] == pytest.approx(trace.uniform_loss, abs=0.1)  # starts near log V
    assert np.all(trace.losses >= floor - 1e-9)  # no model beats the corpus's own statistics
    assert trace.losses[-1] < floor + 0.15, (corpus.name, trace.losses[-1], floor)


def test_in_every_shipped_corpus_each_probe_attends_most_to_its_decider(shipped):
    corpus, trace = shipped
    first, final = trace.snapshots[0], trace.snapshots[-1]
    for k, probe in enumerate(trace.probes):
        start = first.probe_weights[k].mean(axis=0)[probe.focus_index][: probe.focus_index + 1]
        assert np.max(np.abs(start - 1 / len(start))) < 0.1, probe.text  # near even at first
        row = final.probe_weights[k].mean(axis=0)[probe.focus_index]
        assert int(np.argmax(row)) == probe.decides_index, (probe.text, np.round(row, 2))
        assert row[probe.decides_index] > 0.9, probe.text


def test_the_crane_corpus_teaches_both_meanings_and_leaves_the_undecided_open():
    trace = train(load_corpus("crane"))
    vocab = trace.vocabulary
    bird = next_word_probabilities(trace.final, vocab, "the marsh crane".split())
    machine = next_word_probabilities(trace.final, vocab, "a tower crane".split())
    undecided = next_word_probabilities(trace.final, vocab, "the big crane".split())
    pick = lambda p, words: sum(p[vocab.index(w)] for w in words)  # noqa: E731
    assert pick(bird, ["caught", "laid", "called"]) > 0.9
    assert pick(machine, ["lifted", "moved", "needed"]) > 0.9
    assert 0.2 < pick(undecided, ["caught", "laid", "called"]) < 0.8


# -- an example names its corpus ----------------------------------------------------------

APPLE = (CORPUS_DIR.parent / "examples" / "apple.toml").read_text()


def _example_naming(folder: Path, corpus: object, name: str = "mine.toml") -> Path:
    line = "" if corpus is None else f"corpus = {json.dumps(corpus)}\n"
    path = folder / name
    path.write_text(line + APPLE)
    return path


def test_an_example_names_a_shipped_corpus_or_one_beside_it(tmp_path, monkeypatch):
    assert load_example("apple").corpus == CORPUS_DIR / "ambiguous.toml"  # the default
    assert load_example(_example_naming(tmp_path, "crane")).corpus == CORPUS_DIR / "crane.toml"
    (tmp_path / "corpora").mkdir()
    (tmp_path / "corpora" / "mine.toml").write_text("")
    monkeypatch.chdir(CORPUS_DIR)  # a path is from the example's folder, not the working one
    named = load_example(_example_naming(tmp_path, "corpora/mine.toml"))
    assert named.corpus == tmp_path / "corpora" / "mine.toml"


@pytest.mark.parametrize("value, words", [
    ("gone.toml", "the corpus file 'gone.toml' does not exist (looked for {folder}/gone.toml;"),
    ("nope", "there is no corpus called 'nope'; shipped: ambiguous, crane"),
    ("corpora/", "the corpus file 'corpora/' is not a file"),
    (3, "must be a corpus's name in quotes (ambiguous, crane) or a path to a .toml file, got 3"),
    ("", "must be a corpus's name in quotes"),
])
def test_a_bad_corpus_field_names_the_example_file_and_the_field(tmp_path, value, words):
    (tmp_path / "corpora").mkdir()
    path = _example_naming(tmp_path, value)
    with pytest.raises(ExampleError) as caught:
        load_example(path)
    assert caught.value.problems == tuple(p for p in caught.value.problems if p.startswith("corpus: "))
    assert str(caught.value).startswith(f"{path}: 1 problem:")
    assert words.format(folder=tmp_path) in str(caught.value)


def test_the_probes_are_the_examples_word_when_the_corpus_has_it_else_the_corpus_says_whose():
    crane = load_example("crane")
    plan = training_plan(crane)
    assert plan.covered and plan.note is None and plan.warning(crane) is None
    assert [p.text for p in plan.probes] == ["the marsh crane caught fish", "a tower crane lifted steel"]
    elsewhere = training_plan(crane, load_corpus("ambiguous"))
    assert not elsewhere.covered
    assert elsewhere.probes == load_corpus("ambiguous").probes[:2]
    assert elsewhere.note == ("This corpus has no sentences about crane: the model is trained on "
                              "sentences about apple, bank and bat.")
    for name in ("apple", "bank", "bat", "crane"):  # every shipped example trains on its word
        assert training_plan(load_example(name)).covered, name
    assert spoken_list(("apple",)) == "apple" and spoken_list(("a", "b")) == "a and b"


def test_the_checker_warns_when_the_corpus_is_not_about_the_examples_word(tmp_path, capsys):
    path = tmp_path / "crane_elsewhere.toml"
    path.write_text((CORPUS_DIR.parent / "examples" / "crane.toml").read_text()
                    .replace('corpus = "crane"', 'corpus = "ambiguous"'))
    assert check_main(["check", str(path)]) == 0  # a warning, not a failure
    out = capsys.readouterr().out
    warnings = [line for line in out.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: training: the corpus ambiguous.toml has no sentences about 'crane', so the "
        "training step shows sentences about apple, bank and bat instead (and says so); to train "
        "on 'crane', write a corpus for it as assets/corpus/README.md explains and name it in "
        "crane_elsewhere.toml: corpus = \"crane\" for assets/corpus/crane.toml, or a path from "
        "the example's folder"]
    assert check_main(["check", "crane"]) == 0
    out = capsys.readouterr().out
    assert "warning" not in out and out.rstrip().endswith("trained on crane.toml")


def test_the_checker_fails_on_a_broken_corpus_the_example_names(tmp_path, capsys):
    (tmp_path / "bad.toml").write_text('title = "x"\nsentences = ["a b"]\n')
    path = _example_naming(tmp_path, "bad.toml")
    assert check_main(["check", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}: corpus: the corpus it names has problems:" in err
    assert f"{tmp_path / 'bad.toml'}: 1 problem:" in err and "probes: is missing" in err


def test_attention_scores_are_each_heads_q_dot_k_over_root_k_and_give_the_weights(trace):
    """Loop by loop: score[h, i, j] = sum_c q[h, i, c] k[h, j, c] / sqrt(k); their causal
    softmax is attention_weights; at step 0 W_Q and W_K are small, so every score is near 0."""
    probe = trace.probes[0]
    for snap in (trace.snapshots[0], trace.snapshots[-1]):
        p = snap.params
        x = [p.embeddings[trace.vocabulary.index(w)] for w in probe.tokens]
        heads, d, k = p.w_q.shape
        n = len(x)
        expected = np.zeros((heads, n, n))
        for h in range(heads):
            q = [sum(x[i][c] * p.w_q[h, c, :] for c in range(d)) for i in range(n)]
            key = [sum(x[j][c] * p.w_k[h, c, :] for c in range(d)) for j in range(n)]
            for i in range(n):
                for j in range(n):
                    expected[h, i, j] = sum(q[i][c] * key[j][c] for c in range(k)) / math.sqrt(k)
        scores = attention_scores(p, trace.vocabulary, probe.tokens)
        np.testing.assert_allclose(scores, expected, rtol=1e-10, atol=1e-12)
        masked = np.where(np.tril(np.ones((n, n), dtype=bool)), expected, -np.inf)
        e = np.exp(masked - masked.max(axis=-1, keepdims=True))
        np.testing.assert_allclose(e / e.sum(axis=-1, keepdims=True),
                                   attention_weights(p, trace.vocabulary, probe.tokens), rtol=1e-10)
    assert np.abs(attention_scores(trace.snapshots[0].params, trace.vocabulary, probe.tokens)).max() < 0.1
