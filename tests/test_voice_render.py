"""The narration track through the render pipeline: one AAC track across joined steps
(attention_explainer/render/join.py), the voiced scene base, and ``render --voice``."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from attention_explainer.render import join

RATE = join.AUDIO_RATE
FPS = 15


def write_silent_video(path: Path, frames: int) -> Path:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=FPS, options={"crf": "30"})
        stream.width, stream.height, stream.pix_fmt = 32, 18, "yuv420p"
        for i in range(frames):
            image = np.full((18, 32, 3), 10 * i % 250, np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def clicks(track: np.ndarray, threshold: float = 0.2) -> list[float]:
    """The times (s) where the track jumps above ``threshold`` after at least 0.1 s below it."""
    loud = np.flatnonzero(np.abs(track) > threshold)
    if len(loud) == 0:
        return []
    starts = loud[np.r_[True, np.diff(loud) > RATE // 10]]
    return [round(s / RATE, 4) for s in starts]


def click_track(seconds: float, at: list[float]) -> np.ndarray:
    track = np.zeros(round(seconds * RATE), np.float32)
    for t in at:
        track[round(t * RATE):round(t * RATE) + 100] = 0.5
    return track


def audio_seconds(path: Path) -> float:
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        return float(stream.duration * stream.time_base)


def test_place_tracks_puts_each_at_its_segment_start_and_fills_the_rest_with_silence() -> None:
    durations = [Fraction(2), Fraction(1, 3), Fraction(3, 2)]
    tracks = [click_track(2.5, [0.5, 2.2]), None, click_track(1.0, [0.25])]
    placed = join.place_tracks(tracks, durations)
    assert len(placed) == round(float(sum(durations)) * RATE)
    # 2.2 s lies past the first segment's end: cut; the third starts at 2 + 1/3 s
    assert clicks(placed) == [0.5, round(2 + 1 / 3 + 0.25, 4)]


def test_joined_video_carries_one_track_aligned_with_every_step(tmp_path: Path) -> None:
    videos = [write_silent_video(tmp_path / f"s{i}.mp4", n) for i, n in enumerate([31, 20, 44])]
    infos = [join.probe(v) for v in videos]
    durations = [info.duration for info in infos]
    assert durations == [Fraction(31, 15), Fraction(20, 15), Fraction(44, 15)]
    tracks = [click_track(2.0, [0.0, 1.0]), None, click_track(4.0, [0.4, 2.95])]  # 2.95 s: past its end
    out = tmp_path / "joined.mp4"
    join.join_videos(infos, out, audio=join.place_tracks(tracks, durations))

    video_seconds = float(join.probe(out).duration)
    assert video_seconds == pytest.approx(95 / 15)
    assert audio_seconds(out) == pytest.approx(video_seconds, abs=1 / FPS)
    decoded = join.read_track(out)
    assert decoded is not None
    assert len(decoded) / RATE == pytest.approx(video_seconds, abs=1 / FPS)
    # each click where it was put, within a millisecond (the AAC encoder's delay is undone)
    expected = [0.0, 1.0, 51 / 15 + 0.4]
    assert clicks(decoded) == pytest.approx(expected, abs=0.001)

    for name in ("narration.m4a", "narration.wav"):
        join.write_audio(join.place_tracks(tracks, durations), tmp_path / name)
        alone = join.read_track(tmp_path / name)
        assert alone is not None and len(alone) / RATE == pytest.approx(video_seconds, abs=0.002)
        assert clicks(alone) == pytest.approx(expected, abs=0.001)
    assert join.read_track(videos[0]) is None  # a step without sound has no audio stream
