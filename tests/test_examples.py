"""Example files: bad ones are refused with every problem named; good ones tell the story."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from attention_content.example_types import ExampleError
from attention_content.examples import (
    MAX_WORD_EMS,
    MIN_LENGTH_RATIO,
    MIN_SHOWN,
    list_examples,
    load_example,
    parse_example,
)
from attention_content.glyphs import text_width
from attention_content.story import story_claims
from attention_core import (
    causal_mask,
    context_pull,
    multi_head_attention,
    naive_normalize,
    scaled_dot_product_attention,
    similarity_matrix,
    softmax_trace,
)
from attention_explainer.check import check
from attention_explainer.cli import main

ROOT = Path(__file__).resolve().parents[1]
GOOD = (ROOT / "assets/examples/apple.toml").read_text()


def broken(tmp_path: Path, old: str, new: str, name: str = "broken.toml") -> Path:
    """apple.toml with ``old`` replaced by ``new`` (``old`` must be there)."""
    assert old in GOOD, old
    path = tmp_path / name
    path.write_text(GOOD.replace(old, new, 1))
    return path


# (id, text replaced, replacement, words the message must contain)
FAULTS = [
    ("syntax", 'title = "Apple', 'title = Apple', ["not valid TOML", "line 7"]),
    ("duplicate word", "orange  = [0.6, 3.2]", "orange  = [0.6, 3.2]\norange = [1, 2]",
     ["written twice", "line"]),
    ("unknown field", "[knobs]", "[knobs]\ntemprature = 2.0", ["knobs.temprature", "unknown field"]),
    ("unknown top field", 'title = "', 'colour = "red"\ntitle = "', ["colour: unknown field"]),
    ("missing title", 'title = "Apple: fruit or phone?"', "", ["title: is missing"]),
    ("missing word", 'text = "buy an orange and apple"', 'text = "buy an orange and pear"',
     ["sentences[1].text", "no embedding", "'pear'"]),
    ("focus not in sentence", 'focus = "apple"', 'focus = "orange2"', ["sentences[1].focus", "orange2"]),
    ("nan", "orange  = [0.6, 3.2]", "orange  = [nan, 3.2]", ["words.orange[0]", "finite"]),
    ("inf", "phone   = [3.2, 0.6]", "phone   = [3.2, inf]", ["words.phone[1]", "finite"]),
    ("text number", "banana  = [0.3, 2.7]", 'banana  = [0.3, "2.7"]', ["words.banana[1]", "a number"]),
    ("zero vector", "banana  = [0.3, 2.7]", "banana  = [0.0, 0.0]", ["words.banana", "zero vector"]),
    ("wrong dimension", "banana  = [0.3, 2.7]", "banana  = [0.3, 2.7, 1.0]",
     ["every embedding needs the same number of components"]),
    ("absurd magnitude", "laptop  = [2.8, 0.2]", "laptop  = [2.8e6, 0.2]",
     ["words.laptop[0]", "between -100 and 100"]),
    ("empty sentence", 'text = "the new apple phone"', 'text = ""', ["sentences[2].text", "non-empty"]),
    ("one-word sentence", 'text = "the new apple phone"', 'text = "apple"', ["at least two words"]),
    ("too many tokens", 'text = "the new apple phone"',
     'text = "' + " ".join(["apple"] + [f"w{i}" for i in range(199)]) + '"',
     ["sentences[2].text", "200 words", "at most 32"]),
    ("repeated token", 'text = "the new apple phone"', 'text = "the new apple the phone"',
     ["'the' appears twice"]),
    ("query rows", "query = [[1.6, -0.1], [-0.2, 0.9]]", "query = [[1.6, -0.1]]",
     ["heads[1].query", "1 rows but needs 2"]),
    ("key shape", "key   = [[0.6, 1.4], [1.1, 0.6]]", "key   = [[0.6], [1.1]]",
     ["heads[1].key", "same shape as query"]),
    ("ragged matrix", "value = [[0.9, -0.4], [-0.4, 0.9]]", "value = [[0.9, -0.4], [-0.4]]",
     ["heads[1].value", "different lengths"]),
    ("output rows", "output = [[0.6, 0.0], [0.0, 0.6], [0.4, 0.0], [0.0, 0.4]]",
     "output = [[0.6, 0.0], [0.0, 0.6]]", ["multi_head.output", "2 rows", "4 columns"]),
    ("temperature", "temperature = 1.0 ", "temperature = 0.0 ", ["knobs.temperature", "between"]),
    ("steps type", "pull_steps = 12 ", "pull_steps = 1.5 ", ["knobs.pull_steps", "whole number"]),
    ("word with space", "orange  = [0.6, 3.2]", '"or ange" = [0.6, 3.2]', ["no spaces"]),
    ("case duplicate", "orange  = [0.6, 3.2]", "orange  = [0.6, 3.2]\nOrange = [0.5, 3.0]",
     ["words.Orange", "upper/lower case"]),
]


@pytest.mark.parametrize(("old", "new", "expected"), [f[1:] for f in FAULTS], ids=[f[0] for f in FAULTS])
def test_bad_file_names_file_and_field(tmp_path, old, new, expected):
    path = broken(tmp_path, old, new)
    with pytest.raises(ExampleError) as caught:
        load_example(path)
    message = str(caught.value)
    assert message.startswith(str(path.resolve()))
    for words in expected:
        assert words in message


def test_every_problem_is_reported_at_once(tmp_path):
    text = GOOD.replace("orange  = [0.6, 3.2]", "orange  = [nan, 3.2]").replace(
        'focus = "apple"', 'focus = "pear"', 1).replace("temperature = 1.0 ", "temperature = -1 ")
    path = tmp_path / "many.toml"
    path.write_text(text)
    with pytest.raises(ExampleError) as caught:
        load_example(path)
    assert len(caught.value.problems) == 3
    assert "3 problems" in str(caught.value)


@pytest.mark.parametrize("target", ["no-such-example", "/no/such/file.toml"])
def test_missing_example_says_what_exists(target):
    with pytest.raises(ExampleError, match="apple"if target == "no-such-example" else "does not exist"):
        load_example(target)


def test_unreadable_and_empty_files(tmp_path):
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"title = \"\xff\xfe\"\n")
    with pytest.raises(ExampleError, match="not valid TOML|cannot be read"):
        load_example(binary)
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    with pytest.raises(ExampleError, match="title: is missing"):
        load_example(empty)


# (Words in scripts the font has no glyphs for, such as "日本", are refused: test_hardening.py.)
SPECIALS = ["R&D", "100%", "$5", "#1", "a_b", "{x}", "~y", "x^2", "back\\slash", "café", "Ωμέγα"]


def test_latex_special_words_load_and_are_drawn_literally(tmp_path):
    from scene_harness import build_scene

    from scenes.cosine_similarity import CosineSimilarity

    # TOML literal strings ('...') keep backslashes as they are.
    lines = GOOD.replace('text = "buy an orange and apple"', "text = '" + " ".join(
        ["apple", *SPECIALS]) + "'").replace('decider = "orange"\n', "", 1)
    extra = "\n".join(f"'{w}' = [{0.3 + i * 0.1:.1f}, 1.0]" for i, w in enumerate(SPECIALS))
    path = tmp_path / "special.toml"
    path.write_text(lines.replace("[words]", "[words]\n" + extra, 1))
    example = load_example(path)
    assert set(SPECIALS) <= set(example.words)
    built = build_scene(CosineSimilarity, example, tmp_path)
    shown = {built.scene.word_left[1].text, built.scene.legend[1][1].text}  # the word stays, named
    assert built.scene.b_word in SPECIALS and built.scene.b_word in shown


# ------------------------------------------------------------------ round trips

words_st = st.lists(st.text("abcdefghijklmnopqrstuvwxyz&%$#_{}~^é", min_size=1, max_size=8),
                    min_size=2, max_size=8, unique_by=str.casefold)
coordinate = st.floats(-50, 50, allow_nan=False).filter(lambda x: abs(x) >= MIN_SHOWN)


@settings(max_examples=40, deadline=None)
@given(words_st, st.data())
def test_generated_examples_round_trip(words, data):
    vectors = {w: [data.draw(coordinate), data.draw(coordinate)] for w in words}
    lengths = [np.hypot(*v) for v in vectors.values()]
    assume(min(lengths) >= MIN_LENGTH_RATIO * max(lengths))  # shorter ones are refused: too small to see
    assume(all(text_width(w) <= MAX_WORD_EMS for w in words))  # wider ones are refused: too wide to draw
    matrix = [[data.draw(coordinate) for _ in range(2)] for _ in range(2)]
    raw = {
        "title": "generated", "plane": {"x_axis": "x", "y_axis": "y"}, "words": vectors,
        "sentences": [{"text": " ".join(words), "focus": words[-1]}],
        "heads": [{"name": "h", "query": matrix, "key": matrix, "value": matrix}],
        "multi_head": {"output": matrix},
    }
    example = parse_example(raw)
    assert list(example.words) == words
    for w in words:
        np.testing.assert_array_equal(example.words[w], vectors[w])
    assert example.sentences[0].tokens == tuple(words)
    assert example.sentences[0].focus_index == len(words) - 1
    np.testing.assert_array_equal(example.heads[0].query, matrix)


# ----------------------------------------------------------- the shipped examples


@pytest.mark.parametrize("name", list_examples())
def test_shipped_example_passes_every_core_step(name):
    example = load_example(name)
    for sentence in example.sentences:
        e = example.embeddings(sentence)
        n = len(sentence.tokens)
        for kind in ("dot", "cosine"):
            assert similarity_matrix(e, e, kind=kind).matrix.shape == (n, n)
        scores = similarity_matrix(e, e).matrix[sentence.focus_index]
        assert softmax_trace(scores, example.knobs.temperature).weights.sum() == pytest.approx(1)
        naive_normalize(scores)
        pull = context_pull(e, similarity_matrix(e, e).matrix, strength=example.knobs.pull_strength,
                            steps=example.knobs.pull_steps, temperature=example.knobs.temperature)
        assert pull.trajectory.shape == (example.knobs.pull_steps + 1, n, example.dimension)
        for head in example.heads:
            for mask in (None, causal_mask(n)):
                scaled_dot_product_attention(e, head.query, head.key, head.value, mask=mask)
        out = multi_head_attention(e, [h.weights for h in example.heads], example.w_o).output
        assert out.shape == (n, example.dimension)


@pytest.mark.parametrize("name", list_examples())
def test_shipped_example_tells_the_story(name):
    """Every claim the scenes narrate holds on each shipped example (tests/test_story.py
    checks the claims themselves); and the values do real work."""
    example = load_example(name)
    assert [c.warning for c in story_claims(example) if not c.holds] == []
    assert len(example.sentences) >= 2 and example.is_planar
    assert all(s.decider for s in example.sentences)  # shipped files name their deciders
    head = example.heads[0]

    def focus_outputs(value: np.ndarray) -> np.ndarray:
        return np.array([scaled_dot_product_attention(example.embeddings(i), head.query, head.key,
                                                      value).output[s.focus_index]
                         for i, s in enumerate(example.sentences[:2])])

    # head 1's value map moves the two meanings' outputs further apart than plain values do
    with_values, plain = focus_outputs(head.value), focus_outputs(np.eye(2))
    assert np.linalg.norm(with_values[0] - with_values[1]) > 1.2 * np.linalg.norm(plain[0] - plain[1])


def test_check_command(capsys, tmp_path):
    assert main(["check", "apple", "bank"]) == 0
    out = capsys.readouterr().out
    assert out.count("ok ") == 2 and "Bank: river or money?" in out
    bad = broken(tmp_path, "orange  = [0.6, 3.2]", "orange  = [nan, 3.2]")
    assert main(["check", str(bad)]) == 1
    assert "words.orange[0]" in capsys.readouterr().err
    assert check([]) == 2


def test_broken_example_renders_nothing_and_says_why(tmp_path):
    bad = broken(tmp_path, "orange  = [0.6, 3.2]", "orange  = [nan, 3.2]", name="brokenfruit.toml")
    media = tmp_path / "media"
    result = subprocess.run(
        [str(Path(sys.executable).parent / "manim"), "render", "-ql", "--media_dir", str(media),
         "scenes/cosine_similarity.py", "CosineSimilarity"],
        cwd=ROOT, env={"ATTENTION_EXAMPLE": str(bad), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "words.orange[0]" in result.stderr and "Traceback" not in result.stderr + result.stdout
    assert not list(media.rglob("*.mp4"))
