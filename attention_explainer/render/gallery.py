"""The README's gallery and table of steps, made from a finished render's manifest.

``attention-explainer gallery`` copies each step's still, scaled to 640 px wide, into
``assets/gallery/`` and prints the Markdown for the README: the table of steps with their
durations and the gallery of stills.
"""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from attention_explainer.render import join
from scenes.story import STORY, Step

__all__ = ["GALLERY_DIR", "make_gallery"]

GALLERY_DIR = Path(__file__).resolve().parents[2] / "assets" / "gallery"
THUMBNAIL_WIDTH = 640


def make_gallery(out_dir: Path, stem: str, target: Path = GALLERY_DIR,
                 story: tuple[Step, ...] = STORY) -> str:
    """Write the thumbnails of the render in ``out_dir`` to ``target``; return the Markdown."""
    manifest = json.loads((out_dir / f"{stem}.manifest.json").read_text(encoding="utf-8"))
    steps = {step["module"]: step for step in manifest["steps"]}
    target.mkdir(parents=True, exist_ok=True)
    rows = ["| # | step | scene | chapter | length |", "|---|---|---|---|---|"]
    pictures = []
    for number, step in enumerate(story, start=1):
        rendered = steps.get(step.module)
        length = join.timestamp(rendered["duration"]) if rendered else "not yet"
        rows.append(f"| {number} | `scenes/{step.module}.py` | `{step.scene}` | {step.title} | {length} |")
        if rendered is None:
            continue
        still = Image.open(out_dir / rendered["still"])
        height = round(still.height * THUMBNAIL_WIDTH / still.width)
        thumbnail = target / Path(rendered["still"]).name
        still.resize((THUMBNAIL_WIDTH, height), Image.LANCZOS).save(thumbnail, optimize=True)
        relative = thumbnail.relative_to(target.parents[1]).as_posix()
        pictures.append(f'<img src="{relative}" width="280" alt="{number}. {step.title}">')
    total = sum(s["duration"] for s in steps.values())
    rows.append(f"| | | | **the full video** | **{join.timestamp(total)}** |")
    return "\n".join(rows) + "\n\n" + "\n".join(pictures) + "\n"
