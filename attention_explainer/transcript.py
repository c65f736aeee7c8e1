"""The transcript: the lesson as text, for readers, screen readers and search (WCAG 1.2.3/1.2.8).

``….transcript.html``: the example's title, a table of contents, then each chapter as a
heading and each beat as its narration beside its settled frame, whose alt text says what is
drawn and which values (:mod:`attention_explainer.describe`), and every matrix or row of bars
as a real HTML table. The frames are embedded (JPEG data URIs): one file that works offline,
uploaded or mailed as it is. ``….transcript.txt``: the same text without pictures.

Made from a storyboard (:func:`attention_explainer.storyboard.make_storyboard`), whose build
records each beat's frame and description.
"""

from __future__ import annotations

import base64
import html
import io
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from attention_explainer.describe import Table
from attention_manim import atomic

if TYPE_CHECKING:
    from attention_explainer.storyboard import StoryboardStep

__all__ = ["transcript_html", "transcript_text", "write_transcript"]

FRAME_WIDTH = 640  # pixels of an embedded frame (the storyboard's are 854 wide)
_STYLE = """
body { font-family: Inter, system-ui, sans-serif; max-width: 54rem; margin: 2rem auto; padding: 0 1rem;
       color: #1b1f24; background: #ffffff; line-height: 1.5; }
h1 { font-size: 1.8rem; } h2 { font-size: 1.35rem; margin-top: 2.5rem; border-top: 1px solid #c9ced6;
       padding-top: 1rem; }
figure { margin: 1.5rem 0; } figure img { width: 100%; max-width: 40rem; height: auto; display: block; }
figcaption { margin-top: .5rem; font-size: 1.05rem; }
table { border-collapse: collapse; margin: .75rem 0; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding-bottom: .25rem; }
th, td { border: 1px solid #8a929e; padding: .2rem .5rem; text-align: right; }
th { background: #eef1f5; }
.alt { color: #3d4450; font-size: .95rem; }
a { color: #0b57b0; }
"""


def write_transcript(steps: Sequence[StoryboardStep], frames: Path, html_target: Path,
                     text_target: Path, title: str) -> None:
    """Write both transcripts of ``steps`` (their frames under the storyboard folder ``frames``),
    each under a temporary name renamed when complete."""
    for target, text in ((html_target, transcript_html(steps, frames, title)),
                         (text_target, transcript_text(steps, title))):
        atomic.write_text(target, text)


def transcript_html(steps: Sequence[StoryboardStep], frames: Path, title: str) -> str:
    """The HTML transcript (one self-contained page)."""
    e = html.escape
    toc = "\n".join(f'<li><a href="#step-{s.number}">{e(s.title)}</a></li>' for s in steps)
    body = []
    for step in steps:
        body.append(f'<section aria-labelledby="step-{step.number}">\n'
                    f'<h2 id="step-{step.number}">{step.number}. {e(step.title)}</h2>')
        for beat in step.beats:
            if not beat.narration:  # a title card: the heading above says it
                continue
            picture = _data_uri(frames / beat.frame) if (frames / beat.frame).exists() else ""
            alt = beat.alt or "A frame of the video."
            parts = ['<figure>']
            if picture:
                parts.append(f'<img src="{picture}" alt="{e(alt)}" width="{FRAME_WIDTH}" '
                             f'height="{FRAME_WIDTH * 9 // 16}">')
            parts.append(f"<figcaption>{e(beat.narration)}</figcaption></figure>")
            parts += [_table_html(table) for table in beat.tables]
            body.append("\n".join(parts))
        body.append("</section>")
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{e(title)}: transcript</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
            f"<header><h1>{e(title)}</h1>\n<p>The narration of every beat of the video, each beside "
            "the picture it ends on; every matrix and row of bars is also given as a table.</p>\n"
            f'<nav aria-label="Chapters"><ol>\n{toc}\n</ol></nav></header>\n<main>\n'
            + "\n".join(body) + "\n</main>\n</body>\n</html>\n")


def transcript_text(steps: Sequence[StoryboardStep], title: str) -> str:
    """The plain-text transcript: chapters as headings, each beat's narration."""
    lines = [title, "=" * len(title), ""]
    for step in steps:
        heading = f"{step.number}. {step.title}"
        lines += [heading, "-" * len(heading), ""]
        for beat in step.beats:
            if beat.narration:
                lines += [*textwrap.wrap(beat.narration, 88), ""]
    return "\n".join(lines).rstrip() + "\n"


def _table_html(table: Table) -> str:
    e = html.escape
    rows = []
    if table.col_labels:
        corner = "<td></td>" if table.row_labels else ""
        rows.append("<tr>" + corner + "".join(f'<th scope="col">{e(c) or "&nbsp;"}</th>'
                                              for c in table.col_labels) + "</tr>")
    for index, cells in enumerate(table.cells):
        head = (f'<th scope="row">{e(table.row_labels[index]) or "&nbsp;"}</th>'
                if index < len(table.row_labels) else "")
        rows.append("<tr>" + head + "".join(f"<td>{e(c)}</td>" for c in cells) + "</tr>")
    return (f"<table>\n<caption>{e(table.caption or 'Values')}</caption>\n" + "\n".join(rows)
            + "\n</table>")


def _data_uri(png: Path) -> str:
    """The frame as a JPEG data URI, :data:`FRAME_WIDTH` pixels wide."""
    from PIL import Image

    with Image.open(png) as picture:
        rgb = picture.convert("RGB")
        if rgb.width > FRAME_WIDTH:
            rgb = rgb.resize((FRAME_WIDTH, round(rgb.height * FRAME_WIDTH / rgb.width)), Image.LANCZOS)
        buffer = io.BytesIO()
        rgb.save(buffer, format="JPEG", quality=85)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
