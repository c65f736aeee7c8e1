"""`attention-explainer check FILE --suggest OUT.toml`: the smallest change to the numbers
after which every story claim holds, written into the teacher's own file (comments kept); and
the claims named when they cannot all hold."""

from __future__ import annotations

import math
import tomllib

import numpy as np
import pytest
from scene_harness import SHIPPED_APPLE

from attention_content.suggest import _penalty_search
from attention_content.toml_numbers import number_tokens, replace_numbers
from attention_explainer.cli import main


def _numbers(data, path=()):
    """Every number of a parsed TOML document: path -> value."""
    if isinstance(data, dict):
        return {k: v for key, value in data.items() for k, v in _numbers(value, (*path, key)).items()}
    if isinstance(data, list):
        return {k: v for i, value in enumerate(data) for k, v in _numbers(value, (*path, i)).items()}
    return {path: float(data)} if isinstance(data, int | float) and not isinstance(data, bool) else {}


def test_a_broken_apple_gets_a_close_suggestion_that_checks_clean(tmp_path, capsys):
    text = SHIPPED_APPLE.read_text()
    broken = tmp_path / "broken.toml"
    broken.write_text(text.replace("orange  = [0.6, 3.2]", "orange  = [0.3, 4.5]"))  # the decider far away
    assert main(["check", str(broken)]) == 0
    assert "short by 0.99" in capsys.readouterr().out
    out = tmp_path / "fixed.toml"
    assert main(["check", str(broken), "--suggest", str(out)]) == 0
    said = capsys.readouterr().out
    assert "suggest: every claim holds" in said and "orange: (0.30, 4.50) -> (" in said
    assert main(["check", str(out)]) == 0
    assert "warning" not in capsys.readouterr().out  # checks clean, no tie either
    before, after = _numbers(tomllib.loads(broken.read_text())), _numbers(tomllib.loads(out.read_text()))
    assert before.keys() == after.keys()
    largest = max(abs(after[k] - before[k]) for k in before)
    assert 0.05 < largest <= 0.5, largest  # measured: 0.39 (apple's fruit number)
    # every word stays on its side of each axis, and only words and heads' maps move
    for path in before:
        assert before[path] * after[path] > 0 or before[path] == after[path] == 0, path
        if before[path] != after[path]:
            assert path[0] in ("words", "heads"), path
    # the teacher's comments and layout: every line without a changed number is the same
    changed_lines = [old for old, new in zip(broken.read_text().splitlines(), out.read_text().splitlines(),
                                             strict=True) if old != new]
    assert 1 <= len(changed_lines) <= 8
    assert all(line.split("=")[0].strip() in ("apple", "orange", "buy", "an", "and", "new", "the", "query",
                                              "key", "value") for line in changed_lines)
    assert "# small words are about neither: short, and pointing away from apple" in out.read_text()
    # a comment after a changed number keeps its column
    comment = [line for line in out.read_text().splitlines() if "the ambiguous word" in line][0]
    assert comment.index("#") == text.splitlines()[[i for i, line in enumerate(text.splitlines())
                                                   if "the ambiguous word" in line][0]].index("#")


def test_claims_that_contradict_each_other_exit_1_naming_the_conflict(tmp_path, capsys):
    # both sentences hold apple, orange and phone: orange cannot be nearer to apple than
    # phone and phone nearer than orange
    text = SHIPPED_APPLE.read_text().replace('text = "buy an orange and apple"',
                                             'text = "buy orange phone apple"')
    text = text.replace('text = "the new apple phone"', 'text = "the apple orange phone"')
    path = tmp_path / "contradiction.toml"
    path.write_text(text)
    out = tmp_path / "out.toml"
    assert main(["check", str(path), "--suggest", str(out)]) == 1
    err = capsys.readouterr().err
    assert "these claims cannot all hold at once" in err
    nearest = [line for line in err.splitlines() if "nearest (by distance)" in line]
    assert len(nearest) == 1 and "cannot both hold" in nearest[0]
    assert "is orange\" (sentence 1)" in nearest[0] and "is phone\" (sentence 2)" in nearest[0]


def test_number_tokens_follow_paths_and_keep_everything_else():
    text = ('# top\nname = "a = [1]"  # 2\n[words]\n"R&D" = [1.5, -2]   # c\n[[heads]]\nq = [[1, 2],\n'
            '     [3, 4.25]]\n[[heads]]\nq = [[5, 6], [7, 8]]\n[knobs]\nsteps = 12\n')
    tokens = {path: text[a:b] for a, b, path in number_tokens(text)}
    assert tokens == {("words", "R&D", 0): "1.5", ("words", "R&D", 1): "-2",
                      ("heads", 0, "q", 0, 0): "1",
                      ("heads", 0, "q", 0, 1): "2", ("heads", 0, "q", 1, 0): "3",
                      ("heads", 0, "q", 1, 1): "4.25", ("heads", 1, "q", 0, 0): "5",
                      ("heads", 1, "q", 0, 1): "6", ("heads", 1, "q", 1, 0): "7",
                      ("heads", 1, "q", 1, 1): "8",
                      ("knobs", "steps"): "12"}
    new = replace_numbers(text, {("words", "R&D"): np.array([1.5, -2.25]),
                                 ("heads", 1, "q"): np.array([[5, 6], [7.5, 8]])})
    assert new == text.replace("[1.5, -2]   # c", "[1.5, -2.25] # c").replace("[7, 8]", "[7.50, 8]")
    assert replace_numbers("a = { x = 1 }\n", {("a", "x"): np.array(2.0)}) is None  # not followed: rewrite


def test_without_scipy_the_penalty_search_finds_the_nearest_point():
    # the nearest point to (0, 0) with x + y >= 1 and x staying positive: (0.5, 0.5)
    found = _penalty_search(np.zeros(2), lambda t: np.array([t[0] + t[1] - 1.0]), np.array([1.0, 0.0]))
    assert found == pytest.approx([0.5, 0.5], abs=0.02)
    assert math.isclose(found.sum(), 1.0, abs_tol=0.02)


def test_a_word_order_claim_is_named_as_one_numbers_cannot_fix(tmp_path, capsys):
    text = SHIPPED_APPLE.read_text()
    first, second = text.index("[[sentences]]"), text.rindex("[[sentences]]")
    heads = text.index("# Each head")
    # "the new apple phone" first: its decider comes after its focus
    swapped = text[:first] + text[second:heads] + text[first:second] + text[heads:]
    path, out = tmp_path / "swapped.toml", tmp_path / "out.toml"
    path.write_text(swapped)
    assert main(["check", str(path)]) == 0
    said = capsys.readouterr().out
    assert ("the decider 'phone' should come before apple in sentence 1 (a word order, not a number: "
            "move it); it is word 4, apple is word 3; short by 1 place.") in said
    assert main(["check", str(path), "--suggest", str(out)]) == 1
    err = capsys.readouterr().err
    assert "cannot all hold at once" in err and "a word order, not a number" in err
    assert main(["check", str(out)]) == 0
    left = [w for w in capsys.readouterr().out.splitlines() if w.startswith("warning")]
    assert len(left) == 1 and left[0].startswith("warning: attention_matrix")  # every other claim holds


def test_a_file_the_scanner_does_not_follow_is_written_afresh_and_checks_clean(tmp_path, capsys):
    text = SHIPPED_APPLE.read_text().replace("orange  = [0.6, 3.2]", "orange  = [0.3, 4.5]")
    plane = text[text.index("[plane]"):text.index("[words]")]
    text = text.replace(plane, "")
    text = text.replace("title = ", 'plane = { x_axis = "technology", y_axis = "fruit" }\ntitle = ', 1)
    path, out = tmp_path / "inline.toml", tmp_path / "out.toml"
    path.write_text(text)
    assert main(["check", str(path), "--suggest", str(out)]) == 0
    assert "a fresh file (comments not kept)" in capsys.readouterr().out
    assert main(["check", str(out)]) == 0
    assert "warning" not in capsys.readouterr().out
    written = tomllib.loads(out.read_text())
    assert written["plane"] == {"x_axis": "technology", "y_axis": "fruit"}
    assert written["corpus"] == "ambiguous"
    assert written["knobs"] == {"pull_strength": 1, "pull_steps": 12, "temperature": 1}
    assert [s["text"] for s in written["sentences"]] == ["buy an orange and apple", "the new apple phone"]


@pytest.mark.parametrize("name", ["apple", "crane"])
def test_every_claim_the_video_narrates_is_a_constraint(name):
    """A claim --suggest does not hold can fail after it (jam's first draft: "cars's key
    reaches farthest along jam's query" was no constraint, and its rounded suggestion left
    it failing, exit 1). Every number claim of the story is one, for every sentence."""
    from attention_content.examples import load_example
    from attention_content.story import story_claims
    from attention_content.suggest import STRUCTURAL, _constraints

    example = load_example(name)
    said = {(c.key, c.sentence) for c in story_claims(example) if c.key not in STRUCTURAL}
    held = {c[0] for c in _constraints(example)}
    assert {key for key, _ in said} <= held
    assert len(_constraints(example)) == len(said)
