"""The font of the PDFs (the slide deck's handout, the storyboard): Inter where fontconfig has it,
a fallback font for the characters it lacks, every other character spelled readably.

Shared by :mod:`attention_explainer.render.pack` and :mod:`attention_explainer.storyboard`.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpdf import FPDF  # imported where a PDF is built: it is slow to import

__all__ = ["PdfFont", "choose_font"]

PAGE_WIDTH = 960.0  # points: a 16:9 slide 960 pt wide (PowerPoint's widescreen size)
MARGIN = 36.0
_FONT_FAMILY = "deck"  # the family name fpdf2 knows the system font by
_FONT_PATTERN = "Inter:style=Regular"  # fonts-inter, as scenes/style.py uses (see scripts/setup.sh)
# How a character no chosen font has is written when its NFKC form is no better (the core
# font only has Latin-1).
_ASCII = {"\u2014": "-", "\u2013": "-", "\u2212": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"',
          "\u201d": '"', "\u2192": "->", "\u2190": "<-", "\u2248": "~", "\u221a": "sqrt",
          "\u221e": "inf", "\u2211": "sum", "\u2264": "<=", "\u2265": ">=", "\u2260": "!=",
          "\u2026": "..."}


@dataclass(frozen=True)
class PdfFont:
    """The deck's text font: the family to set, the files behind it (none: a core font), and
    what to pass text through so that every character it keeps can be shown."""

    family: str
    files: tuple[Path, ...]
    clean: Callable[[str], str]

    def new_pdf(self, page_width: float = PAGE_WIDTH, margin: float = MARGIN) -> FPDF:
        from fpdf import FPDF

        pdf = FPDF(unit="pt", format=(page_width, page_width))
        pdf.set_auto_page_break(False)
        pdf.set_margins(margin, margin)
        pdf.c_margin = 0
        for number, path in enumerate(self.files):
            pdf.add_font(self.family if number == 0 else f"{self.family}{number}", "", str(path))
        if len(self.files) > 1:
            pdf.set_fallback_fonts([f"{self.family}{n}" for n in range(1, len(self.files))])
        return pdf


def choose_font(text: str) -> PdfFont:
    """The font file fontconfig gives for Inter (Inter itself where fonts-inter is installed),
    with the one it gives for the characters of ``text`` that font lacks; without fontconfig
    or an outline font, the PDF core font Helvetica. Characters no chosen font has are
    replaced readably: NFKC, an ASCII spelling, or '?'."""
    needed = {c for c in text if not c.isspace()}
    primary = _fc_match(_FONT_PATTERN)
    if primary is None:
        return PdfFont("helvetica", (), lambda s: _replace(s, _latin1))
    files, covered = [primary], _cmap(primary)
    missing = {c for c in needed if ord(c) not in covered}
    if missing:
        charset = " ".join(f"{ord(c):x}" for c in sorted(missing))
        fallback = _fc_match(f"sans-serif:charset={charset}")
        if fallback is not None and fallback != primary:
            files.append(fallback)
            covered |= _cmap(fallback)
    return PdfFont(_FONT_FAMILY, tuple(files),
                 lambda s: _replace(s, lambda c: c.isspace() or ord(c) in covered))


def _fc_match(pattern: str) -> Path | None:
    """The outline font file fontconfig gives for ``pattern``, or None."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        result = subprocess.run([fc_match, "-f", "%{file}", pattern], capture_output=True, text=True,
                                timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    path = Path(result.stdout.strip())
    if result.returncode != 0 or path.suffix.lower() not in (".ttf", ".otf") or not path.is_file():
        return None
    return path


def _cmap(path: Path) -> set[int]:
    """The code points ``path``'s font has glyphs for."""
    from fontTools.ttLib import TTFont  # fpdf2's dependency

    font = TTFont(path, lazy=True)
    try:
        return set(font.getBestCmap() or {})
    finally:
        font.close()


def _latin1(char: str) -> bool:
    return char.isspace() or 32 <= ord(char) < 127 or 160 <= ord(char) < 256


def _replace(text: str, supported: Callable[[str], bool]) -> str:
    """``text`` with each character ``supported`` rejects spelled otherwise: its NFKC form
    (Kᵀ -> KT, dₖ -> dk), an ASCII spelling (— -> -, → -> ->), or '?'."""
    out = []
    for char in text:
        if supported(char):
            out.append(char)
            continue
        for candidate in (unicodedata.normalize("NFKC", char), _ASCII.get(char, "?")):
            if candidate and all(supported(c) for c in candidate):
                out.append(candidate)
                break
        else:
            out.append("?")
    return "".join(out)
