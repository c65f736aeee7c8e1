"""Shared fixtures: shipped examples and a way to build a scene once per example."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # for scene_harness

from attention_core.examples import list_examples, load_example  # noqa: E402

SHIPPED = list_examples()
# Not tests, and --doctest-modules (pyproject) would import them: the benchmark and the
# scripts that made the golden data.
collect_ignore = ["benchmarks", "data"]


@pytest.fixture(scope="session", params=SHIPPED)
def example(request: pytest.FixtureRequest):
    """Each shipped example, loaded."""
    return load_example(request.param)


@pytest.fixture(scope="session")
def long_example(tmp_path_factory: pytest.TempPathFactory):
    """A 32-word example (the longest sentences allowed), for layout tests."""
    from long_example import write_long_example

    return load_example(write_long_example(tmp_path_factory.mktemp("long") / "long.toml"))
