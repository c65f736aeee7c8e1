"""What a scene's manim process and the renderer agree on (attention_manim/contract.py): the
scene's side and the renderer's side read one rule."""

from __future__ import annotations

import types
from pathlib import Path

from manim import config

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


def test_the_scenes_video_folder_is_the_contracts():
    """scenes/base.py points manim's video_dir at the contract's folder for this process's
    settings (ATTENTION_VOICE and ATTENTION_PACE unset here: the plain folder)."""
    import scenes.base  # noqa: F401  (sets config.video_dir on import)

    assert config.video_dir.endswith("/" + contract.video_folder("{module_name}", voice=False, pace="normal")
                                     + "/{quality}")
    assert contract.video_folder("words_in_context", voice=True, pace="slow") == "words_in_context-voice-slow"
