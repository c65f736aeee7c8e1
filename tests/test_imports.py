"""The house's import graph (scripts/import_graph.py): no cycle; the core imports neither the
scenes nor the renderer; the scenes use only the settings, the manim patches, the voice and
the slides' kept frames of attention_explainer; scenes/ holds scenes and their shared pieces only."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("import_graph", ROOT / "scripts" / "import_graph.py")
import_graph = importlib.util.module_from_spec(_spec)
sys.modules["import_graph"] = import_graph
_spec.loader.exec_module(import_graph)

EDGES = import_graph.graph()
# What the scenes may use of attention_explainer (what a scene needs at render time).
FOR_SCENES = {"attention_explainer.settings", "attention_explainer.manim_patches",
              "attention_explainer.voice", "attention_explainer.slide_frames", "attention_explainer.cues"}


def _targets(prefix: str) -> set[str]:
    return {t for module, targets in EDGES.items() if module.split(".")[0] == prefix for t in targets}


def test_no_module_imports_itself_round_a_cycle():
    assert import_graph.cycles(EDGES) == []


def test_a_cycle_is_found():  # the finder itself
    assert import_graph.cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert import_graph.cycles({"a": {"b"}, "b": set()}) == []


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


def test_the_renderer_reads_the_story_and_no_scene():  # at import: the storyboard builds scenes later
    renderer = ("attention_explainer.render", "attention_explainer.cli", "attention_explainer.storyboard")
    render = {t for m, targets in EDGES.items() if m.startswith(renderer) for t in targets
              if t.startswith("scenes")}
    assert render <= {"scenes.story"}


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
