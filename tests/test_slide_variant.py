"""Slides are chosen by class (attention_manim/slides.py): one process builds a scene as a video
and as slides; the launcher's --slides and ATTENTION_SLIDES (the manim command line) both ask
for the slide variant, which keeps the scene's name and module."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from manim import Create, FadeOut, Square, tempconfig
from manim_slides import Slide

from attention_content.examples import load_example
from attention_explainer.render.jobs import launcher_command
from attention_manim import manim_patches
from attention_manim.manim_patches.state import _state
from attention_manim.slides import SlideBeats, slides_of
from scenes.base import ExplainerScene

ROOT = Path(__file__).resolve().parents[1]


class Tiny(ExplainerScene):
    """A title card and two beats."""

    title = "Tiny"

    def construct(self) -> None:
        self.show_title_card()
        self.beat("square", "A square.")
        square = Square()
        self.play(Create(square), run_time=0.5)
        self.beat("fade", "It fades.")
        self.play(FadeOut(square), run_time=0.5)


def _build(scene_class: type[ExplainerScene], tmp_path: Path) -> tuple[ExplainerScene, list[int], list[str]]:
    """``scene_class`` built (animations skipped, nothing written): the scene, how many
    mobjects it shows as each beat after the title starts, and the sections it asked for."""
    shown: list[int] = []
    sections: list[str] = []

    class Counting(scene_class):  # type: ignore[misc, valid-type]
        def beat(self, name: str, narration: str, *args: object, **kwargs: object) -> None:
            if name != "title":
                shown.append(len(self.mobjects))
            super().beat(name, narration, *args, **kwargs)

        def next_section(self, name: str = "unnamed", *args: object, **kwargs: object) -> None:
            sections.append(name)
            super().next_section(name, *args, **kwargs)

    with tempconfig({"dry_run": True, "media_dir": str(tmp_path / "media"), "disable_caching": True,
                     "progress_bar": "none", "verbosity": "WARNING"}):
        where = {"output_folder": tmp_path / "slides"} if issubclass(scene_class, Slide) else {}
        scene = Counting(example=load_example("apple"), skip_animations=True, **where)
        scene.setup()
        scene.construct()
        scene.tear_down()
    return scene, shown, sections


def test_one_process_builds_a_scene_as_a_video_and_as_slides(tmp_path: Path) -> None:
    """The plain class makes sections and fades its title card; its slide variant, in the same
    process, is a manim-slides Slide with a slide per beat (notes: the narration) and keeps the
    card up into the next beat."""
    video, video_shown, video_sections = _build(Tiny, tmp_path)
    slides, slides_shown, slides_sections = _build(slides_of(Tiny), tmp_path)
    assert not isinstance(video, Slide) and not isinstance(video, SlideBeats)
    assert isinstance(slides, Slide) and isinstance(slides, Tiny) and isinstance(slides, SlideBeats)
    assert video_sections == ["title", "square", "fade"] and not hasattr(video, "_slides")
    assert slides_sections == []  # each beat a slide (next_slide), not a section of its own
    # the slides so far, and the last, which manim-slides adds as it saves them
    notes = [s.notes for s in slides._slides] + [slides._base_slide_config.notes]
    assert notes == ["", "A square.", "It fades."]
    assert [b[0] for b in video.beats] == [b[0] for b in slides.beats] == ["title", "square", "fade"]
    # as the square's beat starts: the video faded the card at the end of its beat; the slides
    # keep it up (one more mobject) until that beat fades it
    assert slides_shown[0] == video_shown[0] + 1 and slides_shown[1] == video_shown[1]


def test_the_slide_variant_keeps_the_scenes_name_module_and_order() -> None:
    """Its name and module name the videos, slides and skipped beats; the scene's methods come
    before manim-slides' (render, play), as when ExplainerScene subclassed Slide."""
    variant = slides_of(Tiny)
    assert (variant.__name__, variant.__qualname__, variant.__module__) == ("Tiny", "Tiny", __name__)
    assert slides_of(Tiny) is variant and slides_of(variant) is variant
    order = variant.__mro__
    assert order.index(SlideBeats) < order.index(Tiny) < order.index(ExplainerScene) < order.index(Slide)


def test_the_launchers_slides_renders_the_slide_variant_of_the_class_manim_finds(tmp_path: Path) -> None:
    """``launcher --slides``: manim's render command gets the slide variant of each class it
    finds in the scene file, under the same name."""
    from manim.cli.render import commands

    scene_file = tmp_path / "tiny_scene.py"
    scene_file.write_text(textwrap.dedent('''
        from scenes.base import ExplainerScene

        class TinyScene(ExplainerScene):
            def construct(self):
                self.beat("one", "One.")
    '''))
    assert launcher_command(["render", "x.py"], slides=True)[-3:] == ["--slides", "render", "x.py"]
    assert "--slides" not in launcher_command(["render", "x.py"])
    plain = commands.scene_classes_from_file(scene_file, full_list=True)
    manim_patches.render_scenes_as(slides_of)
    try:
        found = commands.scene_classes_from_file(scene_file, full_list=True)
    finally:
        patch = _state["applied"].pop()  # ours, the last
        setattr(patch.owner, patch.name, patch.original)
    assert [c.__name__ for c in plain] == [c.__name__ for c in found] == ["TinyScene"]
    assert not issubclass(plain[0], Slide)
    assert issubclass(found[0], Slide) and found[0].__mro__[2].__name__ == "TinyScene"


def test_attention_slides_builds_every_scene_as_slides_from_the_manim_command_line(tmp_path: Path) -> None:
    """The manim command line builds the class it finds in the file: with ATTENTION_SLIDES=1 that
    class, instantiated, is its slide variant (read from the settings when built, not at import)."""
    code = textwrap.dedent('''
        from attention_content.examples import load_example
        from scenes.opening import Opening
        scene = Opening(example=load_example("apple"))
        print(type(scene).__name__, [c.__name__ for c in type(scene).__mro__[1:3]], scene._output_folder)
    ''')
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ATTENTION_SLIDES": "1",
           "ATTENTION_SLIDES_DIR": str(tmp_path / "deck")}
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                         check=True).stdout
    assert out.split() == ["Opening", "['SlideBeats',", "'Opening']", str(tmp_path / "deck")]
