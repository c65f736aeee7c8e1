"""Shared fixtures: shipped examples and a way to build a scene once per example."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # for scene_harness

from attention_content.examples import list_examples, load_example  # noqa: E402

SHIPPED = list_examples()
# Not tests, and --doctest-modules (pyproject) would import them: the benchmark and the
# scripts that made the golden data.
collect_ignore = ["benchmarks", "data"]


def pytest_configure(config: pytest.Config) -> None:
    """manim's code as every scene has it (attention_manim/manim_patches/), in every test
    process from the start, collection included: with several pytest workers, two processes
    making the same text through manim's own code (which writes its SVG in place) would read each
    other's half-written file; the patches make each entry once, by one atomic rename. The tests
    that compare with manim's own code remove them and put them back (tests/test_speedups.py)."""
    from attention_manim import manim_patches

    manim_patches.apply()


@pytest.fixture(scope="session", params=SHIPPED)
def example(request: pytest.FixtureRequest):
    """Each shipped example, loaded."""
    return load_example(request.param)


@pytest.fixture(scope="session")
def long_example(tmp_path_factory: pytest.TempPathFactory):
    """A 32-word example (the longest sentences allowed), for layout tests."""
    from long_example import write_long_example

    return load_example(write_long_example(tmp_path_factory.mktemp("long") / "long.toml"))


@pytest.fixture
def fake_storyboard_steps(monkeypatch: pytest.MonkeyPatch):
    """Build no scene in a storyboard: ``fake_storyboard_steps(access=..., problems=...)`` makes
    each step one beat "x" saying "Some words." for 2 s over a black frame ``NN-<module>/00-end-of-x.png``,
    the beat's accessibility line ``access``, the step's problems ``problems(module)``."""
    from collections.abc import Callable

    from PIL import Image

    from attention_explainer import storyboard

    def install(access: str = "", problems: Callable[[str], tuple[str, ...]] = lambda module: ()) -> None:
        def fake_steps(order, example_path, folder, size, workers, writer=None):
            out = []
            for number, step in order:
                frame = f"{number:02d}-{step.module}/00-end-of-x.png"
                (folder / frame).parent.mkdir()
                Image.new("RGB", size).save(folder / frame)
                beat = storyboard.StoryboardBeat("x", "Some words.", 2.0, frame, access)
                out.append((step, storyboard.StoryboardStep(number, step.module, step.title, (beat,), 0.1,
                                                            access=problems(step.module))))
            return out

        monkeypatch.setattr(storyboard, "_run_steps", fake_steps)

    return install
