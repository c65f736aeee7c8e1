"""Lints beyond the story's claims (attention_explainer.lints): silent on the shipped examples,
each one printed on an example made to trip it."""

from __future__ import annotations

from pathlib import Path

import pytest

from attention_content.examples import EXAMPLES_DIR, list_examples, load_example
from attention_content.story import head_favourites
from attention_explainer.check import check
from attention_explainer.lints import (
    _plan,
    _plan_cell,
    grid_warnings,
    head_warnings,
    lint_warnings,
    words_that_fit,
)
from scenes.attention_matrix import LEGIBLE_CELL, legible


def _variant(tmp_path: Path, name: str, *edits: tuple[str, str]) -> Path:
    text = (EXAMPLES_DIR / f"{name}.toml").read_text()
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / f"{name}-variant.toml"
    path.write_text(text)
    return path


LONG = ('text = "buy an orange and apple"',
        'text = "buy the new banana an orange and apple"')  # 8 words, each once


@pytest.mark.parametrize("name", list_examples())
def test_silent_on_the_shipped_examples(name):
    assert lint_warnings(load_example(name)) == []


def test_a_long_first_sentence_is_said_to_print_no_numbers(tmp_path):
    example = load_example(_variant(tmp_path, "apple", LONG))
    lines = grid_warnings(example)
    assert len(lines) == 1
    n = len(example.sentences[0].tokens)
    cell = _plan_cell(example, n)
    assert cell < LEGIBLE_CELL  # independent of the message: the scene's planner
    fit = words_that_fit(example)
    assert fit < n and _plan_cell(example, fit) >= LEGIBLE_CELL > _plan_cell(example, fit + 1)
    assert f'"{example.sentences[0].text}" has {n} words' in lines[0]
    assert f"cells are {cell:.2f} units" in lines[0] and f"{fit} words would fit" in lines[0]


def test_q_k_v_and_a_v_too_narrow_for_their_numbers_are_said(tmp_path):
    """Six words: the n x n grids print their numbers, Q, K^T, V and A V (0.60 a column) do
    not; the lint said nothing of it (issue 32: jam's grids, colour only, unwarned). Seen
    failing before the column lint: grid_warnings was []."""
    example = load_example(_variant(tmp_path, "apple", ('text = "buy an orange and apple"',
                                                        'text = "buy the new orange and apple"')))
    plan = _plan(example, 6)
    assert legible(plan.cell) and not legible(plan.cell, plan.qk_width)  # the scene's planner
    (line,) = grid_warnings(example)
    assert line.startswith('warning: attention_matrix, sentence 1: "buy the new orange and apple": ')
    assert f"Q and K^T ({plan.qk_width:.2f} units a column)" in line and "colour only" in line


def test_head_names_that_promise_what_the_head_does_not_do(tmp_path):
    # apple's heads, names swapped: "grammar" now names the head that looks at heron (the
    # decider), "meaning" the one that looks at a small word
    path = _variant(tmp_path, "apple", ('name = "meaning"', 'name = "@1"'),
                    ('name = "grammar"', 'name = "meaning"'), ('name = "@1"', 'name = "grammar"'))
    example = load_example(path)
    looks = head_favourites(example, 0)
    lines = head_warnings(example)
    assert len(lines) == 2, lines
    assert looks[0].word == "orange" and "'grammar' promises to look at a small word" in lines[0]
    assert f"looks most at 'orange' ({looks[0].value:.2f}" in lines[0]
    assert "'meaning' promises to look at the decider 'orange'" in lines[1]
    assert f"looks most at {looks[1].word!r}" in lines[1]


def test_check_prints_the_lints(tmp_path, capsys):
    path = _variant(tmp_path, "apple", LONG)
    assert check([str(path)]) == 0
    out = capsys.readouterr().out
    assert "warning: attention_matrix, sentence 1:" in out


def test_a_grammar_head_on_a_long_word_that_does_not_decide(tmp_path):
    """The decider named "buy": the head now called grammar looks most at orange, a long word
    (not the decider), which a grammar head does not either."""
    path = _variant(tmp_path, "apple", ('name = "meaning"', 'name = "@1"'),
                    ('name = "grammar"', 'name = "meaning"'), ('name = "@1"', 'name = "grammar"'),
                    ('decider = "orange"', 'decider = "buy"'))
    lines = head_warnings(load_example(path))
    assert any("'grammar' promises to look at a small word" in line and "'orange'" in line for line in lines)


def test_the_storyboard_shows_a_lint_under_its_step(tmp_path, fake_storyboard_steps):
    """The grid lint is on the page under the attention-matrix step and no other (the steps'
    building is faked, as in tests/test_storyboard.py)."""
    import html

    from attention_explainer import storyboard
    fake_storyboard_steps()
    path = _variant(tmp_path, "apple", LONG)
    (line,) = grid_warnings(load_example(path))
    board = storyboard.make_storyboard(str(path), ["cosine_similarity", "attention_matrix", "multi_head"],
                                       tmp_path / "media", log=lambda line: None)
    page = (board / "storyboard.html").read_text()
    at = page.index(html.escape(line))
    assert page.index("The attention matrix") < at < page.index("Multi-head attention")


def test_the_examples_readme_gives_the_shipped_examples_knobs_as_defaults():
    """assets/examples/README.md's example file (its first TOML block) gives each knob the value
    every shipped example uses, and says that is the default (issue 32: it gave pull_strength
    0.8, and a teacher who left it out got a beat they never asked for)."""
    import re
    import tomllib

    readme = (EXAMPLES_DIR / "README.md").read_text()
    block = re.search(r"```toml\n(.*?)```", readme, re.S)
    assert block is not None
    documented = tomllib.loads(block.group(1))["knobs"]
    shipped = [tomllib.loads(p.read_text()).get("knobs", {}) for p in sorted(EXAMPLES_DIR.glob("*.toml"))]
    for name, value in documented.items():
        assert {k[name] for k in shipped} == {value}, name
    assert set(documented) == {"pull_strength", "pull_steps", "temperature"}
    assert "these are the defaults, the values every shipped file uses" in block.group(1)
