"""ExplainerScene's manim hooks reach the classes after it in the method resolution order."""

from __future__ import annotations

from manim import Scene

from attention_content.examples import load_example
from scenes.base import ExplainerScene


class RecordsTearDown(Scene):
    """A mixin placed after ExplainerScene: notes that manim's tear_down reached it."""

    def tear_down(self) -> None:
        self.torn_down = getattr(self, "torn_down", 0) + 1
        super().tear_down()


class Probe(ExplainerScene, RecordsTearDown):
    """A scene of the story with the recording mixin after it."""


def test_tear_down_calls_the_next_class_in_the_mro():
    order = Probe.__mro__
    assert order.index(ExplainerScene) < order.index(RecordsTearDown) < order.index(Scene)
    scene = Probe(example=load_example("apple"))
    scene.setup()
    scene.tear_down()
    assert scene.torn_down == 1
