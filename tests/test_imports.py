"""The house's import graph (scripts/import_graph.py): no cycle; the core imports neither the
scenes nor the renderer; the scenes use only the settings, the manim patches, the voice and
the slides' kept frames of attention_explainer; scenes/ holds scenes and their shared pieces only."""

from __future__ import annotations

from pathlib import Path

from attention_explainer import import_walk as import_graph

ROOT = Path(__file__).resolve().parents[1]
EDGES = import_graph.graph()
# What the scenes may use of attention_explainer (what a scene needs at render time).
FOR_SCENES = {"attention_explainer", "attention_explainer.settings", "attention_explainer.manim_patches",
              "attention_explainer.voice", "attention_explainer.slide_frames", "attention_explainer.cues"}


def _targets(prefix: str) -> set[str]:
    return {t for module, targets in EDGES.items() if module.split(".")[0] == prefix for t in targets}


def test_no_module_imports_itself_round_a_cycle():
    assert import_graph.cycles(EDGES) == []


def test_a_cycle_is_found():  # the finder itself
    assert import_graph.cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert import_graph.cycles({"a": {"b"}, "b": set()}) == []


def test_the_walker_sees_imports_inside_functions_and_packages_read_while_they_run(tmp_path: Path):
    """A planted cycle through an import inside a function, and one through a package whose
    __init__ imports a module that reads a sibling off the package; TYPE_CHECKING is no import."""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    files = {
        "pkg/__init__.py": "",
        "pkg/a.py": "def later():\n    from pkg import b\n",
        "pkg/b.py": "import pkg.a\n",
        "pkg/c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\n",
        "pkg/sub/__init__.py": "from pkg.sub import one, two\n",
        "pkg/sub/one.py": "",
        "pkg/sub/two.py": "from pkg.sub import one\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    edges = import_graph.graph(tmp_path, ("pkg",))
    assert edges["pkg.a"] == {"pkg", "pkg.b"} and edges["pkg.c"] == set()
    assert edges["pkg.sub.two"] == {"pkg.sub", "pkg.sub.one"}
    assert import_graph.cycles(edges) == [["pkg.a", "pkg.b"], ["pkg.sub", "pkg.sub.two"]]


def test_the_stamps_walker_is_this_walker():
    """A step's stamp hashes every project file its scene imports, as the graph sees them."""
    from attention_explainer.render.jobs import project_imports
    from scenes.story import STORY

    for step in STORY:
        if step.path.exists():
            assert project_imports(step.path) == import_graph.files_imported(step.path), step.module


def test_the_core_imports_only_itself():
    assert {t.split(".")[0] for t in _targets("attention_core")} <= {"attention_core"}


def test_the_scenes_use_only_the_settings_patches_and_voice_of_the_house():
    house = {t for t in _targets("scenes") if t.startswith("attention_explainer")}
    assert house <= FOR_SCENES
    assert "attention_explainer.manim_patches" in house and "attention_explainer.settings" in house


def test_what_the_scenes_use_of_the_house_imports_no_scene_and_no_renderer():
    for module in FOR_SCENES & EDGES.keys():
        assert {t for t in EDGES[module] if t.startswith(("scenes", "attention_explainer.render",
                                                          "attention_explainer.cli"))} == set(), module


def test_scenes_holds_scenes_and_their_shared_pieces_only():
    from scenes.story import STORY

    scenes = {f"scenes.{step.module}" for step in STORY if step.path.exists()}
    reached, todo = set(), list(scenes)
    while todo:
        module = todo.pop()
        if module not in reached:
            reached.add(module)
            todo += [t for t in EDGES.get(module, ()) if t.startswith("scenes")]
    others = {m for m in EDGES if m.startswith("scenes")} - reached
    assert others <= {"scenes", "scenes.story"}  # the package and the list of its steps
    assert not (ROOT / "scenes" / "render").exists() and not (ROOT / "scenes" / "speedups.py").exists()
