"""The house's one import rule: each package is a layer (``import_walk.PACKAGES``, lowest first:
attention_core, attention_content, attention_manim, scenes, attention_explainer) and imports only
itself and the layers below it, with no cycle. Every import counts, inside functions too."""

from __future__ import annotations

from pathlib import Path

from attention_explainer import import_walk

EDGES = import_walk.graph()


def test_each_layer_imports_only_itself_and_the_layers_below_and_nothing_round_a_cycle():
    assert import_walk.upward(EDGES) == []
    assert import_walk.cycles(EDGES) == []


def test_the_rule_finds_an_upward_import_and_a_cycle(tmp_path: Path):
    """Planted: a low layer importing a high one inside a function, and a cycle within a layer
    through a package whose __init__ imports a module that reads a sibling off the package;
    an import under TYPE_CHECKING is no import."""
    files = {
        "low/__init__.py": "",
        "low/a.py": "def later():\n    from high import b\n",
        "low/c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from high import b\n",
        "high/__init__.py": "",
        "high/b.py": "import low.a\n",
        "high/sub/__init__.py": "from high.sub import one, two\n",
        "high/sub/one.py": "",
        "high/sub/two.py": "from high.sub import one\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    edges = import_walk.graph(tmp_path, ("low", "high"))
    assert edges["low.a"] == {"high", "high.b"} and edges["low.c"] == set()
    assert edges["high.sub.two"] == {"high.sub", "high.sub.one"}
    assert import_walk.upward(edges, ("low", "high")) == [("low.a", "high"), ("low.a", "high.b")]
    assert import_walk.cycles(edges) == [["high.b", "low.a"], ["high.sub", "high.sub.two"]]
    assert import_walk.cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_stamps_walker_is_this_walker():
    """A step's stamp hashes every project file its scene imports, as the graph sees them."""
    from attention_explainer.render.jobs import project_imports
    from scenes.story import STORY

    for step in STORY:
        if step.path.exists():
            assert project_imports(step.path) == import_walk.files_imported(step.path), step.module


# The file writer's sound state (manim 0.21): only attention_manim/manim_patches/ may touch it.
FILE_WRITER_STATE = ("audio_segment", "includes_sound", "add_audio_segment")


def test_only_the_patches_touch_manims_file_writer_sound_state():
    root = Path(__file__).resolve().parents[1]
    touching = sorted(
        str(path.relative_to(root)) for package in import_walk.PACKAGES
        for path in (root / package).rglob("*.py")
        if "manim_patches" not in path.parts
        and any(f".{name}" in path.read_text(encoding="utf-8") for name in FILE_WRITER_STATE))
    assert touching == []
