"""Shared fixtures: shipped examples and a way to build a scene once per example."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # for scene_harness

from attention_content.examples import list_examples  # noqa: E402

SHIPPED = list_examples()
# The steps whose tests take longest (the scene harness's builds of every shipped example and
# of the 32-word example), measured per test file (docs/performance.md): scheduled first.
HEAVIEST_FIRST = ("keys_and_queries", "real_model", "training", "gravity_pull", "value_vectors",
                  "attention_matrix", "multi_head", "cosine_similarity", "softmax_normalize")
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


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """``--dist loadgroup`` (``make test``): each worker takes whole groups of tests, a group
    being every test that builds one story step's scene (:func:`scene_harness.group_of`), or else one test
    module (as ``--dist loadfile``), so the scene harness's build of each (step, example)
    serves all its tests in one process (:func:`scene_harness.build_scene`). xdist's own
    loadgroup reads ``xdist_group`` marks by renaming test ids, which pytest 9 no longer
    allows; this scheduler groups by id instead."""
    if config.getoption("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByStep(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            from scene_harness import group_of

            return group_of(nodeid)

    return ByStep(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With ``--dist loadgroup``, the groups whose scenes take longest to build go first, so
    that no worker is left with one at the end (:data:`HEAVIEST_FIRST`)."""
    if not getattr(config.option, "loadgroup", False):  # set by xdist in each worker of --dist loadgroup
        return
    from scene_harness import group_of

    first = {name: k for k, name in enumerate(HEAVIEST_FIRST)}
    items.sort(key=lambda item: first.get(group_of(item.nodeid), len(first)))


@pytest.fixture(scope="session", params=SHIPPED)
def example(request: pytest.FixtureRequest):
    """Each shipped example, loaded once per process (:func:`scene_harness.shipped_example`)."""
    from scene_harness import shipped_example

    return shipped_example(request.param)


@pytest.fixture(scope="session")
def long_example(tmp_path_factory: pytest.TempPathFactory):
    """A 32-word example (the longest sentences allowed), for layout tests."""
    from long_example import write_long_example

    from attention_content.examples import load_example

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

