"""Reading load (issue 30, major 5) in the early chapters: a sentence that says three or more
numbers is said while its figure holds still, so that a student can read the numbers off it."""

from __future__ import annotations

import importlib

import pytest
from manim import Wait
from scene_harness import build_scene, narration_numbers

from attention_content.examples import load_example

EARLY = ["words_in_context:WordsInContext", "cosine_similarity:CosineSimilarity",
         "similarity_table:SimilarityTable", "gravity_pull:GravityPull", "softmax_normalize:SoftmaxNormalize"]
MANY = 3  # a sentence with this many numbers or more is read off a still figure


def moving_beats(scene_class: type, example, workdir) -> tuple[list[str], list[tuple[str, int]]]:
    """Build ``scene_class`` and return the beats with ``MANY`` numbers or more, and for each of
    them how many animations (not waits) ended inside it."""

    class Timed(scene_class):  # type: ignore[misc, valid-type]
        def play(self, *animations, **kwargs) -> None:
            super().play(*animations, **kwargs)
            if not all(isinstance(a, Wait) for a in animations):
                self.moved_at = [*getattr(self, "moved_at", []), self.renderer.time]

    Timed.__name__ = scene_class.__name__
    scene = build_scene(Timed, example, workdir, fresh=True).scene
    crowded = [(name, start, end) for name, line, start, end in scene.beats
               if len(narration_numbers(line)) >= MANY]
    moved = [(name, sum(start + 1e-6 < t <= end + 1e-6 for t in getattr(scene, "moved_at", [])))
             for name, start, end in crowded]
    return [name for name, _, _ in crowded], [(name, n) for name, n in moved if n]


@pytest.mark.parametrize("spec", EARLY, ids=[s.split(":")[0] for s in EARLY])
def test_three_numbers_are_read_off_a_still_figure(spec, tmp_path):
    module, name = spec.split(":")
    scene_class = getattr(importlib.import_module(f"scenes.{module}"), name)
    crowded, moving = moving_beats(scene_class, load_example("apple"), tmp_path)
    assert moving == [], f"figure changes while three or more numbers are said: {moving}"
