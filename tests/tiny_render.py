"""A story of tiny scenes, a tiny example file and render options for them (160x90, 10 fps):
what the renderer's tests (test_render, test_backends, test_batch, test_hardening,
test_stale_stamp, test_training_stamp) render, in seconds."""

from __future__ import annotations

import textwrap
from pathlib import Path

from attention_explainer.render import RenderOptions
from scenes.story import Step

FPS = 10
SIZE = (160, 90)

TINY_SCENES = {
    "tiny_square": '''
        from manim import Create, FadeOut, Square
        from scenes.base import ExplainerScene

        class TinySquare(ExplainerScene):
            def construct(self):
                self.beat("square", f"A square for {self.example.title}.")
                square = Square(color="#FFD166", fill_opacity=1)
                self.play(Create(square), run_time=0.6)
                self.beat("fade", "It fades.")
                self.play(FadeOut(square), run_time=0.4)
                self.wait(0.5)
    ''',
    "tiny_circle": '''
        from manim import Circle, GrowFromCenter
        from scenes.base import ExplainerScene

        class TinyCircle(ExplainerScene):
            title = "Circle"

            def construct(self):
                self.example.require_planar("the tiny circle scene")
                self.show_title_card()
                self.beat("circle", "A circle grows.")
                self.play(GrowFromCenter(Circle(color="#06D6A0", fill_opacity=1)), run_time=0.8)
                self.beat("rest", "And rests.")
                self.wait(0.7)
    ''',
    "tiny_broken": '''
        from manim import Create, Square
        from scenes.base import ExplainerScene

        def spacing(count):
            return 1 / count

        class TinyBroken(ExplainerScene):
            def construct(self):
                self.play(Create(Square()), run_time=0.2)
                spacing(0)
    ''',
    "tiny_slow": '''
        from manim import Square, Rotate
        from scenes.base import ExplainerScene

        class TinySlow(ExplainerScene):
            def construct(self):
                self.beat("turns", "A square turns many times.")
                square = Square()
                for _ in range(40):
                    self.play(Rotate(square, 0.3), run_time=0.5)
    ''',
}


def tiny_story(folder: Path, *modules: str) -> tuple[Step, ...]:
    steps = []
    for module in modules:
        path = folder / f"{module}.py"
        path.write_text(textwrap.dedent(TINY_SCENES[module]))
        scene = "".join(part.title() for part in module.split("_"))
        steps.append(Step(module, scene, f"The {module.split('_')[1]}", source=path))
    return tuple(steps)


def write_example(path: Path, dimensions: int = 2, title: str = "Tiny example") -> Path:
    """A valid example file with ``dimensions`` numbers per word."""
    words = {"cat": 1.0, "dog": 2.0, "sat": 3.0}
    rows = [[1.0 if i == j else 0.0 for j in range(dimensions)] for i in range(dimensions)]
    path.write_text(textwrap.dedent(f'''
        title = "{title}"
        [plane]
        x_axis = "a"
        y_axis = "b"
        [words]
        {chr(10).join(f"{w} = {[v + k for k in range(dimensions)]}" for w, v in words.items())}
        [[sentences]]
        text = "cat sat dog"
        focus = "cat"
        [[heads]]
        name = "only"
        query = {rows}
        key = {rows}
        value = {rows}
        [multi_head]
        output = {rows}
    '''))
    return path


def tiny_options(media: Path, example: Path, **overrides: object) -> RenderOptions:
    options = RenderOptions(example=str(example), quality="l", jobs=2, media_dir=media,
                            resolution=SIZE, fps=FPS)
    for key, value in overrides.items():
        setattr(options, key, value)
    return options
