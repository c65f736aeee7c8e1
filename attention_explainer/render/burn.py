"""Captions drawn into the picture (``render --burn-captions``): for players and platforms that
show no caption track.

The joined video's picture is scaled into the top of the frame (by :data:`PICTURE_SCALE`,
centred across) so that a band at the bottom, which no scene draws in, holds the cue shown at
each frame: the scenes' own layout is untouched, and no caption ever covers a label. The
video is encoded again (x264, the renderer's preset), the sound copied.

Nothing here imports manim: PyAV, Pillow and numpy.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import srt
from PIL import Image, ImageDraw, ImageFont

from attention_explainer import pdf_fonts

__all__ = ["PICTURE_SCALE", "burn_captions", "caption_mask"]

# The picture's scale: the band under it is 1 - PICTURE_SCALE of the frame's height (15%).
PICTURE_SCALE = 0.85
TEXT_COLOUR = (236, 239, 244)  # style.TEXT
_LINE_HEIGHTS_IN_BAND = 2.6  # two lines and their spacing fill the band to this many line heights


def caption_mask(width: int, band_height: int, text: str, font_path: Path | None) -> np.ndarray:
    """How much of each pixel of a ``width`` by ``band_height`` band is ``text`` (at most two
    lines, centred): 0 to 1, the font's antialiasing kept."""
    mask = Image.new("L", (width, band_height), 0)
    if text.strip():
        font = _font(font_path, max(8, round(band_height / _LINE_HEIGHTS_IN_BAND * 0.8)))
        ImageDraw.Draw(mask).multiline_text((width / 2, band_height / 2), text, font=font, fill=255,
                                            anchor="mm", align="center", spacing=round(band_height * 0.06))
    return np.asarray(mask, dtype=np.float32) / 255


@functools.lru_cache(maxsize=8)
def _font(path: Path | None, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if path is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(str(path), size)


def burn_captions(video: Path, cues: Sequence[srt.Subtitle], output: Path, preset: str = "superfast",
                  crf: int = 18) -> int:
    """``video`` with ``cues`` drawn into the band under its scaled picture, as ``output`` (the
    same size, frame rate and chapters; its sound copied). Returns the frames written.

    Composed in YUV 4:2:0, as the video is coded: the picture scaled by swscale, the band (drawn
    once per cue with Pillow) converted once, so a frame costs a scale and two copies."""
    font_path = pdf_fonts._fc_match(pdf_fonts._FONT_PATTERN)
    spans = [(c.start.total_seconds(), c.end.total_seconds(), c.content) for c in cues]
    frames = 0
    with av.open(str(video)) as source, av.open(str(output), "w", format=output.suffix.lstrip(".")) as out:
        picture = source.streams.video[0]
        sounds = list(source.streams.audio)
        rate = picture.average_rate or Fraction(picture.codec_context.framerate)
        encoded = out.add_stream("libx264", rate=rate)
        width, height = picture.codec_context.width, picture.codec_context.height
        encoded.width, encoded.height, encoded.pix_fmt = width, height, "yuv420p"
        encoded.options = {"preset": preset, "crf": str(crf)}
        copied = {s.index: out.add_stream_from_template(template=s) for s in sounds}
        chapters = source.chapters()
        if chapters:
            out.set_chapters(chapters)
        scaled = (round(width * PICTURE_SCALE / 2) * 2, round(height * PICTURE_SCALE / 2) * 2)
        left = (width - scaled[0]) // 4 * 2
        bands: dict[str, list[np.ndarray]] = {}
        ink = av.VideoFrame.from_ndarray(np.full((2, 2, 3), TEXT_COLOUR, np.uint8), format="rgb24")
        ink_yuv = [int(p[0, 0]) for p in _planes(ink.reformat(format="yuv420p"))]
        for packet in source.demux(picture, *sounds):
            if packet.stream.index in copied:
                if packet.dts is not None:  # not the flushing packet demux ends with
                    packet.stream = copied[packet.stream.index]
                    out.mux(packet)
                continue
            for frame in packet.decode():
                small = _planes(frame.reformat(width=scaled[0], height=scaled[1], format="yuv420p"))
                text = _shown(spans, frame.time or 0.0)
                background = tuple(int(p[0, 0]) for p in small)  # the picture's corner
                key = f"{background}|{text}"
                if key not in bands:
                    mask = caption_mask(width, height - scaled[1], text, font_path)
                    masks = (mask, mask[::2, ::2], mask[::2, ::2])  # the chroma at half the size
                    bands[key] = [np.round(bg + (colour - bg) * m).astype(np.uint8)
                                  for bg, colour, m in zip(background, ink_yuv, masks, strict=True)]
                whole = []
                for plane, part, fill, half in zip(bands[key], small, background, (1, 2, 2), strict=True):
                    top = np.full((scaled[1] // half, width // half), fill, dtype=np.uint8)
                    top[:, left // half:left // half + part.shape[1]] = part
                    whole.append(np.concatenate([top, plane]).ravel())
                new = av.VideoFrame.from_ndarray(np.concatenate(whole).reshape(-1, width), format="yuv420p")
                new.pts, new.time_base = frames, 1 / Fraction(rate)
                for out_packet in encoded.encode(new):
                    out.mux(out_packet)
                frames += 1
        for out_packet in encoded.encode(None):
            out.mux(out_packet)
    return frames


def _planes(frame: av.VideoFrame) -> list[np.ndarray]:
    """A yuv420p frame's Y, U and V planes (the chroma at half the size)."""
    w, h = frame.width, frame.height
    flat = frame.to_ndarray().ravel()
    y, rest = flat[:w * h].reshape(h, w), flat[w * h:]
    return [y, rest[:w * h // 4].reshape(h // 2, w // 2), rest[w * h // 4:].reshape(h // 2, w // 2)]


def _shown(spans: Sequence[tuple[float, float, str]], time: float) -> str:
    """The text of the cue on screen at ``time`` seconds ('' between cues)."""
    for start, end, text in spans:
        if start <= time + 1e-6 < end:
            return text
    return ""
