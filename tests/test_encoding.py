"""How the videos are encoded (attention_manim/manim_patches/): the frames reach x264
without manim's copies and come out as the same bytes; x264's preset is a setting
(ATTENTION_ENCODER_PRESET, default superfast) that every partial movie carries, and two presets
never meet in one video."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace

import av
import numpy as np
import pytest
from manim.scene.scene_file_writer import _PartialMovieEncodeJob

from attention_manim import manim_patches

_MANIMS_OWN = manim_patches._PartialMovieEncodeJob.__dict__["_encode_and_write_frame"]
if _MANIMS_OWN is manim_patches._encode_frames_without_copies:  # patched already: manim's own
    _MANIMS_OWN = next(p.original for p in manim_patches._state["applied"]
                       if p.name == "_encode_and_write_frame")


def _frames(width: int, height: int) -> list[tuple[np.ndarray, int]]:
    """A moving picture with holds: (RGBA frame, how many times it is written)."""
    rng = np.random.default_rng(7)
    frames = []
    for index, count in enumerate([1, 1, 4, 1, 7, 1, 1, 3]):
        frame = np.zeros((height, width, 4), np.uint8)
        frame[..., 3] = 255
        frame[:, : width // 3, :3] = rng.integers(0, 255, (height, width // 3, 3), dtype=np.uint8)
        frame[height // 4 + index: height // 2 + index, width // 2:, 0] = 200  # a bar moving down
        frames.append((frame, count))
    return frames


def _what_the_encoder_gets(encode, width: int, height: int) -> list[np.ndarray]:
    """Every frame ``encode`` (a ``_PartialMovieEncodeJob._encode_and_write_frame``) hands the
    stream for :func:`_frames`, as the yuv420p planes x264 is given (the stream's own conversion).
    Not the mp4's bytes: x264 itself writes different bytes for the same frames now and then, at
    sizes not a multiple of 16 (manim's own code, run three times, made two different files)."""
    given: list[np.ndarray] = []

    def record(frame: av.VideoFrame) -> list[av.Packet]:
        given.append(frame.reformat(width, height, "yuv420p").to_ndarray())
        return []

    stream = SimpleNamespace(pix_fmt="yuv420p", width=width, height=height, encode=record)
    job = SimpleNamespace(stream=stream, container=None)
    for frame, count in _frames(width, height):
        encode(job, frame.copy(), count)
    return given


@pytest.mark.parametrize("size", [(1920, 1080), (320, 240), (162, 90)])
def test_frames_without_copies_reach_the_encoder_as_manims_do(size):
    """(162, 90): a height PyAV cannot wrap as yuv420p, so held frames take the RGBA way."""
    ours = _what_the_encoder_gets(manim_patches._encode_frames_without_copies, *size)
    manims = _what_the_encoder_gets(_MANIMS_OWN, *size)
    assert len(ours) == len(manims) == sum(count for _, count in _frames(*size))
    for number, (a, b) in enumerate(zip(ours, manims, strict=True)):
        assert np.array_equal(a, b), f"frame {number}"


def test_frames_without_copies_make_a_video_of_every_frame(tmp_path):
    width, height = 320, 240
    path = tmp_path / "ours.mp4"
    container = av.open(str(path), mode="w")
    stream = container.add_stream("libx264", rate=Fraction(15), options={"an": "1", "crf": "23"})
    stream.pix_fmt, stream.width, stream.height = "yuv420p", width, height
    job = SimpleNamespace(stream=stream, container=container)
    for frame, count in _frames(width, height):
        manim_patches._encode_frames_without_copies(job, frame.copy(), count)
    for packet in stream.encode():
        container.mux(packet)
    container.close()
    with av.open(str(path)) as video:
        decoded = [f.to_ndarray(format="rgb24") for f in video.decode(video=0)]
    expected = [frame[..., :3] for frame, count in _frames(width, height) for _ in range(count)]
    assert len(decoded) == len(expected)
    half = np.s_[:, width // 2:]  # the moving bar, not the noise (4:2:0 chroma blurs noise)
    for number, (got, want) in enumerate(zip(decoded, expected, strict=True)):
        assert np.abs(got[half].astype(int) - want[half]).mean() < 3, f"frame {number}"


def test_the_patch_replaces_manims_encoding_while_the_speedups_are_on():
    assert manim_patches.apply()
    assert _PartialMovieEncodeJob._encode_and_write_frame is manim_patches._encode_frames_without_copies


_TINY_SCENE = '''
from manim import Circle, Scene, Square
class Tiny(Scene):
    def construct(self):
        square = Square()
        self.add(square)
        self.wait(0.5)
        self.play(square.animate.shift([1, 0, 0]), run_time=0.5)
        self.play(square.animate.become(Circle()), run_time={run_time})
        self.wait(0.3)
'''


def _x264_options(video: Path) -> list[dict[str, str]]:
    """The settings x264 wrote into each partial movie's first frame (its SEI), in the file's order."""
    found = re.findall(rb"x264 - core \d+[^\x00]*? options: ([^\x00]*)", video.read_bytes())
    return [dict(item.split("=", 1) for item in text.decode().split() if "=" in item) for text in found]


def _render_tiny(folder: Path, media: Path, preset: str | None, run_time: float = 0.4) -> Path:
    (folder / "tiny_scene.py").write_text(_TINY_SCENE.format(run_time=run_time))
    env = {k: v for k, v in os.environ.items() if k != "ATTENTION_ENCODER_PRESET"}
    if preset:
        env["ATTENTION_ENCODER_PRESET"] = preset
    command = [sys.executable, "-m", "attention_explainer.launcher", "render", "-ql", "-r", "160,96",
               "--fps", "10", "--progress_bar", "none", "--media_dir", str(media),
               str(folder / "tiny_scene.py"), "Tiny"]
    out = subprocess.run(command, env=env, cwd=folder, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
    videos = [p for p in media.rglob("Tiny.mp4") if "partial_movie_files" not in p.parts]
    assert len(videos) == 1
    return videos[0]


def test_every_partial_movie_carries_the_preset_and_presets_never_meet(tmp_path):
    """manim's own preset (medium) first, then the default (superfast) in the same media folder:
    manim's cache key of a play does not hold the preset, so without a folder of partial movies
    per preset the second video would be joined from the first one's (the animations are the
    same) and carry medium's settings."""
    media = tmp_path / "media"
    medium = _render_tiny(tmp_path, media, "medium")
    medium_options = _x264_options(medium)
    assert len(medium_options) == 4  # one per play
    assert {(o["subme"], o["me"], o["ref"]) for o in medium_options} == {("7", "hex", "3")}
    superfast = _render_tiny(tmp_path, media, None)
    assert [(o["subme"], o["me"], o["ref"]) for o in _x264_options(superfast)] == [("1", "dia", "1")] * 4
    partial_folders = sorted(p.name for p in media.rglob("partial_movie_files/*"))
    assert partial_folders == ["Tiny", "Tiny-x264-superfast"]
    with av.open(str(superfast)) as video:  # it decodes, every frame
        assert sum(1 for _ in video.decode(video=0)) == video.streams.video[0].frames > 10
