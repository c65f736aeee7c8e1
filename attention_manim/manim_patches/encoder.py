"""The encoder and the launcher's patches: frames reach x264 without copies, its preset and
threads, plain tracebacks, cached plays that keep the frames' clock (see the package's docstring)."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

import av
import numpy as np
from manim import config
from manim.renderer.cairo_renderer import CairoRenderer
from manim.scene.scene_file_writer import SceneFileWriter, _PartialMovieEncodeJob


def _with_encoder_options(open_stream: Callable[..., None], preset: str,
                          threads: int | None) -> Callable[..., None]:
    """``SceneFileWriter.open_partial_movie_stream`` of manim 0.21, an x264 stream given
    ``preset`` and (when not 0 or None) ``threads``."""

    def open_partial_movie_stream(self: SceneFileWriter, file_path: Any = None) -> None:
        open_stream(self, file_path)
        context = self._current_encode_job.stream.codec_context
        if context.name == "libx264":  # not webm's vp9 nor a transparent mov's qtrle
            context.options = {**context.options, "preset": preset}
        if threads:
            context.thread_count = threads

    return open_partial_movie_stream


def _encode_frames_without_copies(self: _PartialMovieEncodeJob, frame: np.ndarray, num_frames: int) -> None:
    """``_PartialMovieEncodeJob._encode_and_write_frame`` of manim 0.21 (encode ``frame``, an
    (height, width, 4) uint8 RGBA copy made for the queue, ``num_frames`` times) without its
    copies: the frame is wrapped, not copied into a new one (a whole frame, costly at 1080p), and
    a frame held for several is converted to the stream's yuv420p once, not once per frame. The
    encoder is given the same frames in the same order (not always the same bytes back: x264
    itself varies at sizes not a multiple of 16; at 1080p a step's video came out byte-identical)."""
    stream = self.stream
    # PyAV wraps a yuv420p array as a frame only at a height divisible by 4 (else it miscounts)
    if num_frames > 1 and stream.pix_fmt == "yuv420p" and stream.width % 2 == 0 and stream.height % 4 == 0:
        held = av.VideoFrame.from_numpy_buffer(frame, format="rgba").reformat(
            stream.width, stream.height, "yuv420p").to_ndarray()

        def next_frame() -> av.VideoFrame:
            return av.VideoFrame.from_numpy_buffer(held, format="yuv420p", width=stream.width)
    else:
        def next_frame() -> av.VideoFrame:
            return av.VideoFrame.from_numpy_buffer(frame, format="rgba")
    for _ in range(num_frames):
        for packet in stream.encode(next_frame()):  # a new frame each time, as manim's
            self.container.mux(packet)


def _keeping_frame_clock(play: Callable[..., None]) -> Callable[..., None]:
    """``CairoRenderer.play`` of manim 0.21, a play taken from the cache moving the clock by the
    frames it would have written (:func:`frames_written`) instead of its exact duration."""

    def play_on_frames(self: CairoRenderer, scene: Any, *args: Any, **kwargs: Any) -> None:
        start = self.time
        play(self, scene, *args, **kwargs)
        if self.skip_animations and not self._original_skipping_status:  # taken from the cache
            self.time = start + frames_written(scene) / self.camera.frame_rate

    return play_on_frames


def frames_written(scene: Any) -> int:
    """The frames manim 0.21 writes for the play ``scene`` has just compiled: a still wait is
    frozen for ``int(duration * fps)`` frames, anything else drawn at each of
    ``np.arange(0, duration, 1 / fps)``."""
    dt = 1 / config.frame_rate
    if scene.is_current_animation_frozen_frame():
        return int(scene.duration / dt)
    return len(np.arange(0, scene.duration, dt))


def _print_plain_traceback(*args: Any, **kwargs: Any) -> None:
    """rich's ``Console.print_exception`` as Python's plain traceback (the renderer reads it)."""
    traceback.print_exc()
