"""A story of one tiny scene for the storyboard watcher's tests (tests/test_watch.py,
tests/test_lifetime.py), whose narration says a number of the example, so that each build
takes a second; and a scripted ``sleep`` that drives the watcher."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from scenes.story import Step

ROOT = Path(__file__).resolve().parents[1]
SIZE = (320, 180)

TINY = """
import time
from pathlib import Path

from manim import Create, Square
from scenes.base import ExplainerScene

class TinyNumbers(ExplainerScene):
    def construct(self):
        x = float(self.example.words["apple"][0])
        self.beat("number", f"apple's first number is {x}.")
        if "slow" in self.example.title:  # it says it has started, then waits to be stopped
            Path(__file__).with_name("started").touch()
            time.sleep(600)
        self.play(Create(Square()), run_time=0.4)
"""


def watched_story(folder: Path) -> tuple[Path, tuple[Step, ...]]:
    """A copy of apple's example (apple = [1.5, 1.6]) in ``folder`` and a story of the tiny scene."""
    (folder / "tiny_numbers.py").write_text(TINY)
    toml = folder / "mine.toml"
    toml.write_text((ROOT / "assets" / "examples" / "apple.toml").read_text())
    assert "apple   = [1.5, 1.6]" in toml.read_text()
    return toml, (Step("tiny_numbers", "TinyNumbers", "Numbers", source=folder / "tiny_numbers.py"),)


def scripted_sleep(*actions: Callable[[], None] | None) -> Callable[[float], None]:
    """A ``sleep`` for the watcher: each call does the next action (None: nothing); Ctrl-C
    once they are done."""
    queue = list(actions)

    def sleep(seconds: float) -> None:
        if not queue:
            raise KeyboardInterrupt
        action = queue.pop(0)
        if action is not None:
            action()

    return sleep
