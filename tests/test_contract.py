"""What a scene's manim process and the renderer agree on (attention_manim/contract.py): the
scene's side and the renderer's side read one rule."""

from __future__ import annotations

import importlib
import types
from pathlib import Path

import pytest
from manim import config, tempconfig

from attention_explainer.render import jobs
from attention_manim import contract


def test_the_renderer_keeps_a_scenes_clean_message_whole(tmp_path: Path):
    """The scene's refusal, as the scene prints it, amid manim's log: the renderer reports it
    from its first line to the end, and nothing of the log before it."""
    log = tmp_path / "step.log"
    message = contract.cannot_render("SoftmaxNormalize", "apple.toml: 1 problem:\n  - words.orange[0]: nan")
    log.write_text("Manim Community v0.21.0\n[12/07/26 07:00:00] INFO  Animation 0 ...\n" + message + "\n")
    run = types.SimpleNamespace(log=log, video=tmp_path / "SoftmaxNormalize.mp4")
    assert jobs._failure_message(run, 1) == message.strip()


@pytest.mark.parametrize("pace", ["normal", "slow"])
def test_a_scene_writes_its_video_where_the_renderer_looks(tmp_path: Path, monkeypatch, pace: str):
    """A step's scene, set up as the renderer's manim process sets it up (its media folder, its
    file, -o, the size), writes its video at the path the renderer planned for it; importing
    scenes.base changes nothing in manim's config, and setting a scene up leaves manim's own
    video_dir for the next one."""
    from attention_content.examples import load_example
    from attention_explainer.render import RenderOptions, _plan
    from attention_manim.settings import Settings
    from scenes import base
    from scenes.story import STORY, find_step

    assert config.video_dir == contract.MANIM_VIDEO_DIR
    monkeypatch.setattr(base, "settings", lambda: Settings(pace=pace))  # ATTENTION_PACE
    step = find_step("opening", STORY)
    options = RenderOptions(example="apple", quality="l", media_dir=tmp_path, resolution=(320, 180), fps=10,
                            pace=pace)
    planned = _plan(options, STORY, step, Path("assets/examples/apple.toml"), "apple").video
    scene_class = getattr(importlib.import_module(f"scenes.{step.module}"), step.scene)
    with tempconfig({"media_dir": str(tmp_path / "render" / step.module), "input_file": str(step.path),
                     "output_file": step.scene, "pixel_width": 320, "pixel_height": 180, "frame_rate": 10,
                     "write_to_movie": True}):
        scene = scene_class(example=load_example("apple"))
        assert config.video_dir == contract.MANIM_VIDEO_DIR
    assert scene.renderer.file_writer.movie_file_path == planned
    assert planned.parent.name == "180p10" and planned.parent.parent.name == (
        "opening-slow" if pace == "slow" else "opening")
    assert contract.video_folder("words_in_context", voice=True, pace="slow") == "words_in_context-voice-slow"
