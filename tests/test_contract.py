"""What a scene's manim process and the renderer agree on (attention_manim/contract.py): the
scene's side and the renderer's side read one rule."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from manim import config, tempconfig

from attention_core.errors import AttentionInputError
from attention_explainer.render import jobs, ray_backend
from attention_explainer.render.jobs import PROJECT_DIR, StepRun
from attention_manim import contract
from scenes.story import Step

PROBLEMS = "apple.toml: 1 problem:\n  - words.orange[0]: nan"
# manim's lines, and a traceback-like line after them: none of it is the scene's refusal
NOISE = ('Manim Community v0.21.0\n[12/07/26 07:00:00] INFO  Animation 0 ...\n'
         'Traceback (most recent call last):\n'
         '  File "/x/scenes/softmax_normalize.py", line 3, in construct\nValueError: not the message\n')


def _run(tmp_path: Path) -> StepRun:
    log = tmp_path / "media" / "logs" / "apple-480p15.log"
    log.parent.mkdir(parents=True)
    log.write_text(NOISE)
    return StepRun(number=1, total=1, step=Step("softmax_normalize", "SoftmaxNormalize", "Softmax"),
                   work_dir=tmp_path / "media", video=tmp_path / "media" / "SoftmaxNormalize.mp4",
                   slides_dir=None, command=[], env={}, fingerprint="x", log=log)


def test_the_renderer_words_a_scenes_refusal_from_the_file_the_scene_wrote(tmp_path: Path):
    """The scene writes why it refuses its example to the file the renderer named: the renderer
    reports the message the scene printed, whatever its log holds; no file, no such message."""
    run = _run(tmp_path)
    assert "cannot render" not in jobs._failure_message(run, 1)  # the log's error instead
    contract.write_refusal(run.refusal, "SoftmaxNormalize", AttentionInputError(PROBLEMS))
    assert jobs._failure_message(run, 1) == contract.cannot_render("SoftmaxNormalize", PROBLEMS).strip()
    assert json.loads(run.refusal.read_text()) == {"scene": "SoftmaxNormalize", "problems": PROBLEMS}


def test_the_ray_driver_words_a_workers_refusal_as_the_local_backend(tmp_path: Path):
    run = _run(tmp_path)
    refusal = json.dumps({"scene": "SoftmaxNormalize", "problems": "<task>/apple.toml: 1 problem"})
    failure = ray_backend._receive(run, {"ok": False, "returncode": 1, "log": NOISE, "refusal": refusal})
    assert failure is not None
    said = f"attention-explainer: cannot render SoftmaxNormalize:\n{PROJECT_DIR}/apple.toml: 1 problem"
    assert failure.message == said  # the worker's folder turned back into the project's
    again = ray_backend._receive(run, {"ok": False, "returncode": 1, "log": NOISE})  # a worker without one
    assert again is not None and "cannot render" not in again.message


def test_a_scene_that_refuses_its_example_writes_why_where_the_renderer_said(tmp_path: Path):
    """The scene's manim process: its clean message on stderr, and the same in the file named by
    ATTENTION_REFUSAL_FILE; exit code 1, no traceback."""
    bad = tmp_path / "bad.toml"
    bad.write_text('title = "Bad"\n')
    refusal = tmp_path / "logs" / "bad.refusal.json"
    refusal.parent.mkdir()
    code = "from scenes.opening import Opening\nOpening().render()\n"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR), "ATTENTION_EXAMPLE": str(bad),
           "ATTENTION_REFUSAL_FILE": str(refusal)}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    said = contract.read_refusal(refusal)
    assert said is not None and said.startswith(f"attention-explainer: cannot render Opening:\n{bad}")
    assert said in done.stderr


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
