"""The lecture pack: per-beat clips, and the slide deck as HTML, PDF and PPTX.

Slides come from the same scene classes rendered with ``ATTENTION_SLIDES=1`` (see
``scenes/base.py``): one slide per beat, the beat's narration as presenter notes.
``manim-slides convert`` turns the rendered slides of every step, in story order, into one
deck. Its HTML loads reveal.js from a CDN; for a deck that works offline the renderer
takes reveal.js once from the npm registry (``npm pack``) into ``~/.cache/attention-explainer``
and points the HTML at a copy beside it. Without npm the HTML falls back to the CDN (PDF and PPTX
never need a network).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from pathlib import Path

__all__ = ["REVEAL_VERSION", "cache_dir", "convert_slides", "ensure_revealjs", "link_or_copy"]

# The reveal.js release manim-slides 5.7.0's HTML template is written for.
REVEAL_VERSION = "6.0.1"
DECK_FORMATS = ("html", "pdf", "pptx")
# What manim-slides' HTML template loads from reveal.js (with the black theme it asks for).
_REVEAL_FILES = ("reveal.css", "reveal.js", "theme/black.css", "plugin/highlight/zenburn.css",
                 "plugin/notes.js", "plugin/markdown.js")


def link_or_copy(source: Path, target: Path) -> None:
    """Put ``source`` at ``target`` atomically: a hard link when possible, else a copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and os.path.samefile(source, target):
        return  # already linked (rename() of two links to one file would do nothing)
    tmp = target.with_name(f".{target.name}.partial-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    try:
        os.link(source, tmp)
    except OSError:
        shutil.copy2(source, tmp)
    os.replace(tmp, target)


def cache_dir() -> Path:
    """Where downloads the renderer keeps between runs: ``$XDG_CACHE_HOME/attention-explainer``."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "attention-explainer"


def ensure_revealjs(cache_root: Path) -> Path | None:
    """reveal.js's ``dist`` folder, fetched once with ``npm pack``; None without npm."""
    dist = cache_root / f"reveal.js-{REVEAL_VERSION}" / "dist"
    if (dist / "reveal.js").exists():
        return dist
    npm = shutil.which("npm")
    if npm is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(
            [npm, "pack", f"reveal.js@{REVEAL_VERSION}", "--pack-destination", tmp, "--silent"],
            capture_output=True, text=True, timeout=300, check=False)
        tarballs = list(Path(tmp).glob("reveal.js-*.tgz"))
        if result.returncode != 0 or not tarballs:
            return None
        unpacked = Path(tmp) / "unpacked"
        with tarfile.open(tarballs[0]) as tar:
            members = [m for m in tar.getmembers()
                       if m.name.startswith("package/dist/") and (m.isfile() or m.isdir())]
            tar.extractall(unpacked, members=members, filter="data")
        target = dist.parent
        staging = target.with_name(f".{target.name}.partial-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        shutil.move(str(unpacked / "package" / "dist"), staging / "dist")
        shutil.rmtree(target, ignore_errors=True)
        os.replace(staging, target)
    return dist


def convert_slides(slides_dir: Path, scenes: Sequence[str], out_dir: Path, stem: str,
                   revealjs: Path | None, formats: Sequence[str] = DECK_FORMATS) -> dict[str, Path]:
    """Convert the rendered slides of ``scenes`` (in order) into one deck per format.

    Returns format -> file. Each deck is written under a temporary name and renamed when
    complete; the three conversions run at the same time.
    """
    decks = {fmt: out_dir / f"{stem}.slides.{fmt}" for fmt in formats}
    processes = {}
    for fmt, deck in decks.items():
        tmp = deck.with_name(f".{deck.stem}.partial-{os.getpid()}{deck.suffix}")
        options = []
        if fmt == "html":
            settings = [f"assets_dir={stem}.slides_assets", f"reveal_version={REVEAL_VERSION}",
                        "reveal_theme=black", "controls=true", "progress=true", "slide_number=true"]
            options = [arg for setting in settings for arg in ("-c", setting)]
            if revealjs is not None:
                local = out_dir / f"{stem}.slides_assets" / "revealjs"
                _copy_tree(revealjs, local / "dist")
                options += ["-c", f"cdn_url={local.relative_to(out_dir).as_posix()}"]
        command = [sys.executable, "-m", "manim_slides", "convert", "--folder", str(slides_dir),
                   "--to", fmt, *options, "-v", "WARNING", *scenes, str(tmp)]
        processes[fmt] = (subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                           text=True), tmp)
    failures = []
    for fmt, (process, tmp) in processes.items():
        output, _ = process.communicate()
        if process.returncode != 0 or not tmp.exists():
            failures.append(f"manim-slides convert --to {fmt} failed:\n{output.strip()}")
            tmp.unlink(missing_ok=True)
        else:
            os.replace(tmp, decks[fmt])
    if failures:
        raise RuntimeError("\n".join(failures))
    return decks


def _copy_tree(source: Path, target: Path) -> None:
    """The few reveal.js files the deck loads (about 300 kB), not the whole package."""
    for name in _REVEAL_FILES:
        if not (target / name).exists():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / name, target / name)
