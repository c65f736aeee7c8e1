"""`attention-explainer check`: one command line (the module command forwards to it without
runpy's warning), and warnings that say what should win, what does and by how much."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

from scene_harness import apple_with

from attention_explainer.cli import main

ROOT = Path(__file__).resolve().parents[1]
FAR_ORANGE = ("orange  = [0.6, 3.2]", "orange  = [0.3, 4.5]")  # the decider far from apple


def test_the_module_command_forwards_once_without_runpys_warning():
    result = subprocess.run([sys.executable, "-W", "error::RuntimeWarning", "-m",
                             "attention_content.examples", "check", "apple"],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "RuntimeWarning" not in result.stderr and "found in sys.modules" not in result.stderr
    assert result.stdout.startswith("ok ") and "apple.toml" in result.stdout


def test_a_warning_names_what_should_win_what_does_and_the_margin(tmp_path, capsys):
    example = apple_with(tmp_path, FAR_ORANGE)
    assert main(["check", str(example.path)]) == 0  # a warning does not fail the check
    out = capsys.readouterr().out
    line = next(w for w in out.splitlines() if w.startswith("warning: words_in_context, sentence 1"))
    apple, orange, buy = (1.5, 1.6), (0.3, 4.5), (0.5, -0.3)  # independent of the code: the file's numbers
    mine, nearest = math.dist(apple, orange), math.dist(apple, buy)
    # distances are printed to 3 places (story.PLACES: the words chapter tells 1.835 from 1.836)
    assert f"the decider 'orange' should be apple's nearest (by distance): its distance {mine:.3f}" in line
    assert f"nearest is 'buy' at {nearest:.3f}" in line
    assert f"short by {mine - nearest:.2f}" in line
    assert "warning: similarity_table, sentence 1" not in out  # by dot product orange still wins


def test_a_claim_that_holds_by_less_than_printing_shows_is_a_warning(tmp_path, capsys):
    # "an" moved so that its distance to apple is a hair above orange's: 1.836 and 1.836 (distances
    # are printed to 3 places, story.PLACES)
    orange = math.dist((1.5, 1.6), (0.6, 3.2))
    example = apple_with(tmp_path, ("an      = [-0.3, 0.4]", f"an      = [{1.5 - orange - 0.0002:.5f}, 1.6]"))
    assert main(["check", str(example.path)]) == 0
    out = capsys.readouterr().out
    assert "warning: words_in_context, sentence 1: \"apple's nearest (by distance)" in out
    assert f"orange {orange:.3f} and an {orange:.3f}" in out and "a student sees a tie" in out


def test_a_knob_left_out_takes_the_shipped_examples_value(tmp_path):
    import tomllib

    from attention_content.examples import EXAMPLES_DIR

    shipped = [tomllib.loads(p.read_text())["knobs"] for p in sorted(EXAMPLES_DIR.glob("*.toml"))]
    no_knobs = apple_with(tmp_path, ("pull_strength = 1.0", ""), ("pull_steps = 12", ""),
                          ("temperature = 1.0", ""))
    for name in ("pull_strength", "pull_steps", "temperature"):
        assert {k[name] for k in shipped} == {getattr(no_knobs.knobs, name)}, name


def test_a_knob_at_a_value_no_shipped_example_uses_is_a_warning(tmp_path, capsys):
    example = apple_with(tmp_path, ("pull_strength = 1.0", "pull_strength = 0.8"),
                         ("temperature = 1.0", "temperature = 0.5"))
    assert main(["check", str(example.path)]) == 0
    lines = [w for w in capsys.readouterr().out.splitlines() if w.startswith("warning: knobs.")]
    assert [w.split(":")[1].strip() for w in lines] == ["knobs.pull_strength", "knobs.temperature"]
    assert "0.8 is a value no shipped example uses (they use 1)" in lines[0]
    assert "adds a beat" in lines[0]
    assert main(["check", "apple"]) == 0 and "knobs" not in capsys.readouterr().out


def test_the_storyboard_shows_a_knob_lint_and_a_printed_tie_beside_their_chapters(tmp_path,
                                                                                    fake_storyboard_steps):
    import html

    from attention_explainer import storyboard

    orange = math.dist((1.5, 1.6), (0.6, 3.2))
    example = apple_with(tmp_path, ("pull_strength = 1.0", "pull_strength = 0.8"),
                         ("an      = [-0.3, 0.4]", f"an      = [{1.5 - orange - 0.0002:.5f}, 1.6]"))
    fake_storyboard_steps()  # no scene is built
    board = storyboard.make_storyboard(str(example.path), ["words_in_context", "gravity_pull", "multi_head"],
                                       tmp_path / "media", log=lambda line: None)
    page = (board / "storyboard.html").read_text()
    knob, tie = page.index(html.escape("knobs.pull_strength: 0.8")), page.index("a student sees a tie")
    assert page.index("Words as vectors") < tie < page.index("Context as gravity") < knob
    assert knob < page.index("Multi-head attention")


def test_the_heads_warning_gives_each_favourite_its_weight_and_the_margin(tmp_path, capsys):
    example = apple_with(tmp_path, ("orange  = [0.6, 3.2]", "orange  = [3.0, 0.2]"))
    assert main(["check", str(example.path)]) == 0
    line = next(w for w in capsys.readouterr().out.splitlines() if w.startswith("warning: multi_head"))
    s = example.sentences[0]
    x = [example.words[t] for t in s.tokens]
    weights = {}
    for head in example.heads:  # softmax(q_apple . k_j / sqrt(2)) with plain loops
        q = [sum(x[s.focus_index][r] * head.query[r][c] for r in range(2)) for c in range(2)]
        scores = [sum(q[c] * sum(w[r] * head.key[r][c] for r in range(2)) for c in range(2)) / math.sqrt(2)
                  for w in x]
        total = sum(math.exp(v) for v in scores)
        weights[head.name] = {t: math.exp(v) / total for t, v in zip(s.tokens, scores, strict=True)}
    meaning, grammar = weights["meaning"], weights["grammar"]
    assert f"meaning looks most at 'orange' ({meaning['orange']:.2f})" in line
    assert f"grammar looks most at 'orange' ({grammar['orange']:.2f})" in line
    runner = max((t for t in s.tokens if t not in ("apple", "orange")), key=grammar.__getitem__)
    assert f"grammar's next is '{runner}' at {grammar[runner]:.2f}" in line
    assert f"short by {grammar['orange'] - grammar[runner]:.2f}" in line


def test_check_accessibility_prints_the_measures_beside_the_story_check(monkeypatch, capsys):
    """check --accessibility builds the steps and prints the accessibility check's lines (one step
    here, to keep the test short); without the flag nothing is built."""
    from attention_explainer import access_check

    built = []
    whole = access_check.check_example

    def one_step(example, only=(), **kwargs):
        built.append(example.name)
        return whole(example, ("words_in_context",), **kwargs)

    monkeypatch.setattr(access_check, "check_example", one_step)
    assert main(["check", "apple"]) == 0
    assert built == [] and "accessibility" not in capsys.readouterr().out
    assert main(["check", "apple", "--accessibility"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert built == ["apple"]
    assert out[0].startswith("ok ") and out[1].startswith("accessibility: smallest colour difference")
    assert "accessibility: no problems" in out
