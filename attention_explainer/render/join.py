"""Join step videos into one, without re-encoding, and make its subtitles, chapters and stills.

The join is a remux, as manim's own ``SceneFileWriter.combine_files`` does for the partial
movies of a scene: packets are copied from each segment into one container, their
timestamps shifted by the length of the segments before them. Every segment must have
the same codec, size and frame rate (they come from one render). Chapter and subtitle
times are computed from the same shifts, so they match the video to the frame.

Nothing here imports manim: only PyAV, ``srt`` and Pillow.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import srt
from PIL import Image

from attention_manim.audio import (
    AUDIO_RATE,
    copy_sound,
    encode_aac,
    place_tracks,
    read_track,
    write_audio,
)

# The sound track's pieces live apart from the renderer (a spoken scene remuxes its own track
# with them); the join uses them and hands them on.
from attention_manim.cues import CUE_LINE_CHARS, CUE_LINES, lay_out_cue, separate

__all__ = [
    "AUDIO_RATE",
    "CAPTION_FORMATS",
    "add_caption_track",
    "chapters_webvtt",
    "read_caption_track",
    "webvtt",
    "with_caption_track",
    "CUE_LINES",
    "CUE_LINE_CHARS",
    "Chapter",
    "VideoInfo",
    "chapters_text",
    "copy_sound",
    "join_subtitles",
    "join_videos",
    "key_frame",
    "lay_out_cue",
    "lay_out_subtitles",
    "place_tracks",
    "probe",
    "read_track",
    "separate",
    "timestamp",
    "write_audio",
    "write_chapters_json",
]

_CONTAINER_FORMATS = {".mp4": "mp4", ".mov": "mov", ".webm": "webm"}


@dataclass(frozen=True)
class VideoInfo:
    """What the join needs to know about one video file.

    ``duration`` is the presented length: from the first frame's time to the last frame's
    end, in seconds (frames / fps for manim's constant-rate videos).
    """

    path: Path
    frames: int
    start: Fraction
    duration: Fraction
    time_base: Fraction
    codec: str
    width: int
    height: int
    pix_fmt: str | None
    extradata: bytes | None = None  # h264: the SPS/PPS every joined packet is decoded with

    @property
    def seconds(self) -> float:
        return float(self.duration)


@dataclass(frozen=True)
class Chapter:
    """One step's place in the joined video, in seconds."""

    title: str
    start: float
    end: float
    step: str = ""

    def as_dict(self) -> dict[str, float | str]:
        return {"title": self.title, "start": round(self.start, 3), "end": round(self.end, 3),
                "step": self.step}


def probe(path: Path) -> VideoInfo:
    """Read ``path``'s video stream packet by packet (no decoding): frames and duration."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        time_base = Fraction(stream.time_base)
        first: int | None = None
        end = 0
        frames = 0
        for packet in container.demux(stream):
            if packet.pts is None:
                continue
            frames += 1
            first = packet.pts if first is None else min(first, packet.pts)
            end = max(end, packet.pts + (packet.duration or 0))
        if first is None:
            raise ValueError(f"{path}: the video has no frames")
        ctx = stream.codec_context
        return VideoInfo(path, frames, first * time_base, (end - first) * time_base, time_base,
                         ctx.name, ctx.width, ctx.height, ctx.pix_fmt, ctx.extradata)


def join_videos(segments: Sequence[VideoInfo], output: Path, chapters: Sequence[Chapter] = (),
                audio: np.ndarray | None = None, subtitles: Sequence[srt.Subtitle] = ()) -> None:
    """Write ``segments`` one after the other into ``output`` by copying their packets.

    ``chapters`` (from :func:`chapter_times`) are written into the container too
    (mp4/mov chapter track, Matroska chapters). The format comes from ``output``'s suffix.
    ``audio`` (mono samples at :data:`AUDIO_RATE`, from :func:`place_tracks`) is encoded as
    one AAC track beside the copied video, its packets interleaved with the video's.
    ``subtitles`` (an mp4 or a mov) become a soft caption track (:func:`add_caption_track`).
    """
    if not segments:
        raise ValueError("nothing to join")
    _check_compatible(segments)
    fmt = container_format(output)
    with av.open(str(segments[0].path)) as template_container:
        template = template_container.streams.video[0]
        out = av.open(str(output), mode="w", format=fmt)
        try:
            out_stream = out.add_stream_from_template(template=template)
            if segments[0].pix_fmt == "yuva420p":
                out_stream.pix_fmt = "yuva420p"  # VP9 with alpha, as manim's combine does
            out.metadata["comment"] = "attention-explainer: scenes joined without re-encoding"
            if chapters:
                out.set_chapters([
                    {"id": i + 1, "start": round(c.start * 1000), "end": round(c.end * 1000),
                     "time_base": Fraction(1, 1000), "metadata": {"title": c.title}}
                    for i, c in enumerate(chapters)
                ])
            pending = encode_aac(out, audio) if audio is not None else []
            if subtitles and fmt in CAPTION_FORMATS:
                pending = _by_time([*pending, *add_caption_track(out, subtitles)])
            offset = Fraction(0)
            for segment in segments:
                _copy_packets(segment, offset, out, out_stream, pending)
                offset += segment.duration
            for packet in pending:
                out.mux(packet)
        finally:
            out.close()


# Containers that take a soft caption track (mov_text, "tx3g"): what QuickTime, browsers' mp4
# players, VLC and the video sites read. webm would need WebVTT in Matroska: not made.
CAPTION_FORMATS = ("mp4", "mov")
CAPTION_LANGUAGE = "eng"  # ISO 639-2, as mp4 tags a track: the narration is English
_MS = Fraction(1, 1000)


def add_caption_track(out: av.container.OutputContainer, cues: Sequence[srt.Subtitle],
                      language: str = CAPTION_LANGUAGE) -> list[av.Packet]:
    """Add a mov_text caption stream tagged ``language`` to ``out`` (before anything is muxed)
    and return one packet per cue (a 3GPP timed-text sample: the UTF-8 text after its length
    in two bytes), in milliseconds, for the caller to mux in time order. The mp4 muxer fills
    the gaps between cues with empty samples. No encoder is involved (it would want an ASS
    header): the samples are written as they are."""
    stream = out.add_mux_stream("mov_text", time_base=_MS)
    stream.metadata["language"] = language
    packets = []
    for cue in cues:
        data = cue.content.encode("utf-8")[:0xFFFF]
        packet = av.Packet(len(data).to_bytes(2, "big") + data)
        start = round(cue.start.total_seconds() * 1000)
        packet.pts = packet.dts = start
        packet.duration = max(1, round(cue.end.total_seconds() * 1000) - start)
        packet.time_base = _MS
        packet.stream = stream
        packets.append(packet)
    return packets


def read_caption_track(path: Path) -> tuple[str, str, list[srt.Subtitle]]:
    """The first subtitle stream of ``path``: its codec, its language and its cues (the empty
    samples between them left out), for checks and tests."""
    with av.open(str(path)) as container:
        stream = container.streams.subtitles[0]
        base = Fraction(stream.time_base)
        cues = []
        for packet in container.demux(stream):
            if packet.dts is None or packet.pts is None:
                continue
            data = bytes(packet)
            text = data[2:2 + int.from_bytes(data[:2], "big")].decode("utf-8")
            if text:
                start = timedelta(seconds=float(packet.pts * base))
                end = timedelta(seconds=float((packet.pts + (packet.duration or 0)) * base))
                cues.append(srt.Subtitle(len(cues) + 1, start, end, text))
        return stream.codec_context.name, stream.metadata.get("language", ""), cues


def with_caption_track(movie: Path, cues: Sequence[srt.Subtitle], output: Path) -> None:
    """``movie``'s streams (its video and any sound) copied packet by packet into ``output``,
    with ``cues`` as a caption track (:func:`add_caption_track`); not encoded again."""
    with av.open(str(movie)) as source, av.open(str(output), "w", format=container_format(output)) as out:
        copied = [s for s in source.streams if s.type in ("video", "audio")]
        streams = {s.index: out.add_stream_from_template(template=s) for s in copied}
        pending = add_caption_track(out, cues)
        for packet in source.demux(*copied):
            if packet.dts is None:  # the flushing packets demux ends with
                continue
            now = packet.dts * packet.time_base
            while pending and pending[0].pts * pending[0].time_base <= now:
                out.mux(pending.pop(0))
            packet.stream = streams[packet.stream.index]
            out.mux(packet)
        for packet in pending:
            out.mux(packet)


def _by_time(packets: list[av.Packet]) -> list[av.Packet]:
    return sorted(packets, key=lambda p: p.pts * p.time_base)


def webvtt(cues: Sequence[srt.Subtitle]) -> str:
    """``cues`` as a WebVTT file (what HTML5 players and course platforms take).

    >>> print(webvtt([srt.Subtitle(1, timedelta(seconds=1.5), timedelta(seconds=61), "x < y")]), end="")
    WEBVTT
    <BLANKLINE>
    1
    00:00:01.500 --> 00:01:01.000
    x &lt; y
    """
    blocks = ["WEBVTT\n"]
    for number, cue in enumerate(cues, start=1):
        text = cue.content.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        text = "\n".join(line for line in text.split("\n") if line.strip()) or " "
        blocks.append(f"{number}\n{_vtt_time(cue.start)} --> {_vtt_time(cue.end)}\n{text}\n")
    return "\n".join(blocks)


def chapters_webvtt(chapters: Sequence[Chapter]) -> str:
    """``chapters`` as a WebVTT chapters file (``<track kind="chapters">``): one cue a chapter,
    its title as its text."""
    return webvtt([srt.Subtitle(i + 1, timedelta(seconds=c.start), timedelta(seconds=c.end), c.title)
                   for i, c in enumerate(chapters)])


def _vtt_time(moment: timedelta) -> str:
    ms = round(moment.total_seconds() * 1000)
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def container_format(path: Path) -> str:
    """The container format for ``path``, by its suffix (temporary names keep it)."""
    suffix = path.suffix.lower()
    if suffix not in _CONTAINER_FORMATS:
        raise ValueError(f"{path}: cannot join into a {suffix or 'suffix-less'} file "
                         f"(expected one of {', '.join(_CONTAINER_FORMATS)})")
    return _CONTAINER_FORMATS[suffix]


def _check_compatible(segments: Sequence[VideoInfo]) -> None:
    first = segments[0]
    for other in segments[1:]:
        for field in ("codec", "width", "height", "pix_fmt", "time_base", "extradata"):
            ours, theirs = getattr(other, field), getattr(first, field)
            if ours != theirs:
                shown = ("encoder settings (SPS/PPS) differ" if field == "extradata"
                         else f"{field} {ours} differs from {theirs}")
                raise ValueError(f"cannot join {other.path.name} after {first.path.name}: {shown} "
                                 "(all steps must come from one render; try --force)")


def _copy_packets(segment: VideoInfo, offset: Fraction, out: av.container.OutputContainer,
                  out_stream: av.video.stream.VideoStream, audio: list[av.Packet] | None = None) -> None:
    """Copy ``segment``'s packets shifted by ``offset``; before each, mux the ``audio`` (and
    caption) packets, taken from the front of the list, that start no later than it."""
    shift = offset / segment.time_base - segment.start / segment.time_base
    if shift.denominator != 1:
        shift = Fraction(round(shift))
    delta = int(shift)
    with av.open(str(segment.path)) as container:
        stream = container.streams.video[0]
        for packet in container.demux(stream):
            if packet.dts is None:  # the flushing packets demux ends with
                continue
            packet.pts = None if packet.pts is None else packet.pts + delta
            packet.dts = packet.dts + delta
            now = packet.dts * segment.time_base
            while audio and audio[0].pts is not None and audio[0].pts * audio[0].time_base <= now:
                out.mux(audio.pop(0))
            packet.stream = out_stream
            out.mux(packet)


def chapter_times(segments: Sequence[VideoInfo], titles: Sequence[str],
                  steps: Sequence[str] = ()) -> list[Chapter]:
    """Each segment's start and end in the joined video (seconds)."""
    chapters = []
    start = Fraction(0)
    for i, (segment, title) in enumerate(zip(segments, titles, strict=True)):
        end = start + segment.duration
        chapters.append(Chapter(title, float(start), float(end), steps[i] if steps else ""))
        start = end
    return chapters


def join_subtitles(srt_files: Sequence[Path | None], chapters: Sequence[Chapter], gap: float = 0.0) -> str:
    """One subtitle file: each segment's cues shifted by its chapter's start.

    Cues are clipped to their own chapter (a cue never runs into the next scene), an
    overlap with the next cue is cut at the next cue's start (players stack overlapping
    cues), and empty cues are dropped; each is laid out by :func:`lay_out_cue` (2 lines of 42
    characters, at most 7 s), ``gap`` seconds apart (the renderer: 2 frames); the result is
    renumbered from 1.
    """
    cues: list[srt.Subtitle] = []
    for path, chapter in zip(srt_files, chapters, strict=True):
        if path is None or not path.exists():
            continue
        start, end = timedelta(seconds=chapter.start), timedelta(seconds=chapter.end)
        for cue in srt.parse(path.read_text(encoding="utf-8")):
            cue_start = min(start + cue.start, end)
            cue_end = min(start + cue.end, end)
            cues.append(srt.Subtitle(0, cue_start, cue_end, cue.content))
    cues.sort(key=lambda c: c.start)
    for current, following in zip(cues, cues[1:], strict=False):
        current.end = min(current.end, following.start)
    kept = [c for c in cues if c.end > c.start and c.content.strip()]
    laid = [part for c in kept for part in lay_out_cue(c)]
    return srt.compose(separate(laid, gap), reindex=True, start_index=1)


def lay_out_subtitles(text: str, gap: float = 0.0) -> str:
    """A .srt file's ``text`` with every cue laid out by :func:`lay_out_cue`, ``gap`` seconds
    between cues (:func:`separate`), renumbered from 1 (a step's own subtitles, as manim wrote
    them, for the pack's ``steps/`` folder)."""
    cues = [part for cue in srt.parse(text) for part in lay_out_cue(cue)]
    return srt.compose(separate(cues, gap), reindex=True, start_index=1)


def timestamp(seconds: float) -> str:
    """``M:SS`` (``H:MM:SS`` from an hour on), the form video sites read chapters in."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def chapters_text(chapters: Sequence[Chapter]) -> str:
    """``0:00 Title`` lines, one per chapter, for a video description."""
    return "".join(f"{timestamp(c.start)} {c.title}\n" for c in chapters)


def write_chapters_json(chapters: Sequence[Chapter], path: Path, video: str) -> None:
    data = {"video": video, "chapters": [c.as_dict() for c in chapters]}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# ------------------------------------------------------------------------- key frames

# A frame "has content" when more than this fraction of its pixels differ from the
# background (the colour of its corners): a frame after everything faded out has none.
_CONTENT_FRACTION = 0.004
_WINDOW_SECONDS = 4.0


def key_frame(path: Path) -> Image.Image:
    """The step's key frame: its last frame that shows something (not a blank end card).

    Decodes only the last few seconds (seeking further back, a window at a time, while
    those are blank), so it stays cheap on long 1080p60 videos.
    """
    info = probe(path)
    window_end = float(info.start + info.duration) + 1.0
    fallback: Image.Image | None = None
    while window_end > float(info.start):
        window_start = max(float(info.start), window_end - _WINDOW_SECONDS)
        found, last = _last_frames(path, window_start, window_end)
        if found is not None:
            return found
        fallback = fallback or last
        window_end = window_start
    if fallback is None:
        raise ValueError(f"{path}: no frame could be decoded")
    return fallback


def _last_frames(path: Path, start: float, end: float) -> tuple[Image.Image | None, Image.Image | None]:
    """(the last frame with content, the last frame) among those shown in [start, end)."""
    with_content: av.VideoFrame | None = None
    last: av.VideoFrame | None = None
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        if start > 0:
            container.seek(int(start / stream.time_base), stream=stream, backward=True)
        for frame in container.decode(stream):
            if frame.time is None or frame.time < start - 1e-6:
                continue
            if frame.time >= end:
                break
            last = frame
            if _has_content(frame):
                with_content = frame
    return _to_image(with_content), _to_image(last)


def _to_image(frame: av.VideoFrame | None) -> Image.Image | None:
    if frame is None:
        return None
    alpha = frame.format.name.startswith(("yuva", "argb", "rgba", "bgra", "abgr"))
    if alpha:  # to_image() would drop the alpha channel
        return Image.fromarray(frame.to_ndarray(format="rgba"), "RGBA")
    return frame.to_image()


def _has_content(frame: av.VideoFrame) -> bool:
    """Whether a small copy of ``frame`` differs from its background (its corners' colour)."""
    small = _to_image(frame.reformat(width=160, height=90))
    assert small is not None
    pixels = np.asarray(small).astype(np.int16)
    if pixels.shape[-1] == 4:
        return bool((pixels[..., 3] > 24).mean() > _CONTENT_FRACTION)
    corners = np.stack([pixels[0, 0], pixels[0, -1], pixels[-1, 0], pixels[-1, -1]])
    background = np.median(corners, axis=0)
    differs = np.abs(pixels - background).max(axis=-1) > 24
    return bool(differs.mean() > _CONTENT_FRACTION)

