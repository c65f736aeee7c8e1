"""A video's sound track as numbers: decode, place, encode (PyAV and numpy only).

Shared by the join (``attention_explainer/render/join.py``: one AAC track for the joined
video) and the spoken scenes (``attention_manim/voice.py``: a scene's track muxed again,
aligned), without the renderer: a scene's render does not depend on the render pipeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

__all__ = ["AUDIO_RATE", "copy_sound", "encode_aac", "place_tracks", "read_track", "remux_with_track",
           "write_audio"]

# The joined video's sound: mono AAC at 48 kHz (manim's own track is 48 kHz AAC too).
AUDIO_RATE = 48000


def read_track(path: Path, rate: int = AUDIO_RATE) -> np.ndarray | None:
    """The first audio stream of ``path`` (a WAV, a video...) as mono float32 samples at
    ``rate``, from its first sample; ``None`` when ``path`` has no audio stream."""
    with av.open(str(path)) as container:
        if not container.streams.audio:
            return None
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        chunks = []
        for frame in container.decode(stream):
            chunks += [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
        chunks += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
        samples = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)
        if stream.duration and stream.time_base:  # the encoder's padding of its last frame
            samples = samples[: round(stream.duration * stream.time_base * rate)]
    return samples


def place_tracks(tracks: Sequence[np.ndarray | None], durations: Sequence[Fraction],
                 rate: int = AUDIO_RATE) -> np.ndarray:
    """One track for segments of ``durations`` played one after the other: each segment's
    track starts at the segment's start, is cut at its end or padded with silence to it
    (``None``: silence throughout). Segment i spans samples round(start * rate) to
    round(end * rate), so the track's length is the joined video's, to a sample."""
    ends = [0]
    for duration in durations:
        ends.append(round((Fraction(ends[-1], rate) + duration) * rate))
    out = np.zeros(ends[-1], dtype=np.float32)
    for track, start, end in zip(tracks, ends, ends[1:], strict=False):
        if track is not None:
            n = min(len(track), end - start)
            out[start:start + n] = track[:n]
    return out


def encode_aac(out: av.container.OutputContainer, samples: np.ndarray,
                rate: int = AUDIO_RATE) -> list[av.Packet]:
    """Add an AAC stream to ``out`` and encode ``samples`` (mono float) into packets for it."""
    stream = out.add_stream("aac", rate=rate, layout="mono")
    stream.bit_rate = 96_000
    packets: list[av.Packet] = []
    step = 1024 * 16
    for start in range(0, len(samples), step):
        chunk = np.ascontiguousarray(samples[start:start + step].reshape(1, -1), dtype=np.float32)
        frame = av.AudioFrame.from_ndarray(chunk, format="flt", layout="mono")
        frame.sample_rate, frame.pts, frame.time_base = rate, start, Fraction(1, rate)
        packets += stream.encode(frame)
    packets += stream.encode(None)
    return packets


def write_audio(samples: np.ndarray, path: Path, rate: int = AUDIO_RATE) -> None:
    """``samples`` (mono float) as an audio file: AAC in ``.m4a``, 16-bit PCM in ``.wav``."""
    if path.suffix.lower() == ".wav":
        with av.open(str(path), "w", format="wav") as out:
            stream = out.add_stream("pcm_s16le", rate=rate, layout="mono")
            pcm = np.clip(np.round(samples * 32767), -32768, 32767).astype(np.int16).reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
            frame.sample_rate = rate
            for packet in [*stream.encode(frame), *stream.encode(None)]:
                out.mux(packet)
        return
    with av.open(str(path), "w", format="mp4") as out:
        for packet in encode_aac(out, samples, rate):
            out.mux(packet)


def copy_sound(movie: Path, output: Path) -> None:
    """``movie``'s sound track alone as ``output`` (an mp4 container: ``.m4a``), its packets
    copied, not encoded again (an AAC encode of the whole narration once more is slow)."""
    with av.open(str(movie)) as source:
        sound = source.streams.audio[0]
        with av.open(str(output), "w", format="mp4") as out:
            stream = out.add_stream_from_template(template=sound)
            for packet in source.demux(sound):
                if packet.dts is None:  # the flushing packets demux ends with
                    continue
                packet.stream = stream
                out.mux(packet)


def remux_with_track(movie: Path, samples: np.ndarray, output: Path, rate: int = AUDIO_RATE) -> None:
    """``movie``'s video packets copied into ``output`` with ``samples`` as its only sound:
    AAC through the mp4 muxer, which records the encoder's delay, so sample 0 plays with
    frame 0; cut or padded with silence to the video's length."""
    with av.open(str(movie)) as source:
        video = source.streams.video[0]
        packets = [p for p in source.demux(video) if p.dts is not None]
        timed = [p for p in packets if p.pts is not None]
        first = min(p.pts for p in timed)
        end = max(p.pts + (p.duration or 0) for p in timed)
        seconds = (end - first) * Fraction(video.time_base)
        track = place_tracks([samples], [seconds], rate)
        with av.open(str(output), mode="w", format=output.suffix.lstrip(".") or "mp4") as out:
            stream = out.add_stream_from_template(template=video)
            pending = encode_aac(out, track, rate)
            for packet in packets:
                while pending and pending[0].pts * pending[0].time_base <= packet.dts * video.time_base:
                    out.mux(pending.pop(0))
                packet.stream = stream
                out.mux(packet)
            for packet in pending:
                out.mux(packet)
