"""Matrices drawn as heat maps: one image for the cells, numbers only where they can be read.

A :class:`MatrixGrid` costs the same to draw for 4 tokens or 32: its cells are ONE
``ImageMobject`` (a pixel per cell, scaled up without smoothing), and it adds a
``DecimalNumber`` per cell only when cells are big enough to read one. With
``numbers="image"`` the numbers are printed into that one image instead (at the render's
resolution): a grid of 64 numbers then fades or changes as cheaply as a plain heat map.

Cells can be *masked* (``masked=``, e.g. a causal mask): they are drawn in the background
colour with ``masked_text`` (``"–"``, ``"−∞"``) instead of a number, so a hidden cell never
reads as an ordinary ``0.00``.

Cells are square unless ``cell_width=`` says otherwise: a matrix with many columns can keep
its rows level with another grid's rows (``cell`` tall) in less width (``cell_width`` wide).
"""

from __future__ import annotations

import functools
import math
import subprocess
import warnings
from collections.abc import Sequence
from typing import Literal

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    DecimalNumber,
    Group,
    ImageMobject,
    Line,
    ManimColor,
    Text,
    VGroup,
    config,
)
from manim.constants import RESAMPLING_ALGORITHMS
from PIL import Image, ImageDraw, ImageFont

from scenes import style
from scenes.components.captions import below_cap_line, cap_height, word_label

__all__ = ["MatrixGrid", "PixelCrossfade", "cell_colors", "printed_numbers", "signed_colors"]

MIN_CELL_FOR_NUMBERS = 0.42  # scene units: below this a two-decimal number is unreadable
MAX_LABEL_CHARS = 6  # longer words are cut with an ellipsis on crowded edges
MIN_LABEL_SIZE = 10.0  # the smallest font size a row or column label is drawn at
MASKED_COLOR = style.BACKGROUND  # a masked cell: darker than a cell of value 0 (style.GRID)


def _rgb(color: ManimColor) -> np.ndarray:
    return np.array(color.to_rgb())


def cell_colors(values: np.ndarray, high: ManimColor, vmax: float | None = None) -> np.ndarray:
    """Colours of non-negative ``values`` (rows, cols): background at 0 up to ``high`` at
    ``vmax`` (default: the largest value); returns RGB floats, shape (rows, cols, 3)."""
    top = vmax if vmax is not None else float(np.max(values)) or 1.0
    t = np.clip(values / top, 0.0, 1.0)[..., None]
    low = _rgb(style.GRID)
    return low + t * (_rgb(high) - low)


def signed_colors(values: np.ndarray, positive: ManimColor, vmax: float | None = None) -> np.ndarray:
    """Diverging colours: ``positive`` for > 0, style.NEGATIVE for < 0, dark at 0."""
    top = vmax if vmax is not None else float(np.max(np.abs(values))) or 1.0
    t = np.clip(np.abs(values) / top, 0.0, 1.0)[..., None]
    low = _rgb(style.GRID)
    sign = (values >= 0)[..., None]
    return low + t * (np.where(sign, _rgb(positive), _rgb(style.NEGATIVE)) - low)


class MatrixGrid(Group):
    """A (rows, cols) matrix as a heat map with optional labels and numbers.

    Attributes: ``values`` (the array drawn, shape (rows, cols)), ``colors`` (RGB floats,
    (rows, cols, 3)), ``image`` (the cells), ``numbers`` (a DecimalNumber per cell, row
    by row, or empty when cells are too small), ``row_labels``, ``col_labels``, ``title``,
    ``masked`` (booleans (rows, cols), True where a cell is masked; all False by default)
    and ``number_height`` (the height of a digit of the cells' numbers in scene units,
    measured from the font; 0 when no numbers are shown). ``cell`` is a cell's height and
    ``cell_width`` its width as drawn now (the same unless ``cell_width=`` is given; a scaled
    grid's cells scale with it). ``label_size`` fixes
    the font size of the row and column labels (default: by the cell, at most
    style.SMALL_SIZE); labels that would overlap at that size are left out, every
    ``step``-th one kept.
    With numbers printed into the image, ``cell`` is rounded to whole frame pixels (when the
    render is large enough to print them sharp) and the image is drawn pixel for pixel.
    """

    def __init__(self, values: np.ndarray, colors: np.ndarray, cell: float,
                 row_labels: Sequence[str] = (), col_labels: Sequence[str] = (),
                 title: str = "", title_color: ManimColor = style.TEXT,
                 label_colors: Sequence[ManimColor] | None = None,
                 numbers: bool | Literal["image"] | None = None, title_below: bool = False,
                 always_label: Sequence[int] = (), masked: np.ndarray | None = None,
                 masked_text: str = "\u2013", cell_width: float | None = None,
                 label_size: float | None = None) -> None:
        self.values = np.asarray(values, dtype=float)
        self.colors = np.asarray(colors, dtype=float).copy()
        square = cell_width is None
        width = cell if cell_width is None else cell_width
        self.label_size = label_size
        rows, cols = self.values.shape
        self.masked = np.zeros((rows, cols), dtype=bool) if masked is None else np.asarray(masked, dtype=bool)
        self.masked_text = masked_text
        self.colors[self.masked] = _rgb(MASKED_COLOR)
        self.number_height = 0.0
        # The texts printed into the image (numbers="image"), row by row; tests read them.
        self.printed: list[str] = []
        if numbers == "image":
            self.printed = [masked_text if m else style.fmt(v)
                            for v, m in zip(self.values.ravel(), self.masked.ravel(), strict=True)]
            px, px_w = _pixels_per_cell(cell), _pixels_per_cell(width)
            self.image = ImageMobject(_printed_cells(self.colors, self.printed, px, self.masked, px_w))
            self.number_height = _digit_pixels(self.printed, px, px_w) / px * cell
            self.image.set_resampling_algorithm(RESAMPLING_ALGORITHMS["bilinear"])
            if px == round(cell * _pixels_per_unit()) and px_w == round(width * _pixels_per_unit()):
                # a cell of whole pixels on the frame (moves its edges < half a pixel):
                self.number_height *= px / _pixels_per_unit() / cell
                cell = px / _pixels_per_unit()
                width = cell if square else px_w / _pixels_per_unit()
                self.image.pixel_for_pixel = True  # the lean camera copies it, crisp and cheap
        else:
            pixels = (np.clip(self.colors, 0, 1) * 255).astype(np.uint8)
            alpha = np.full((rows, cols, 1), 255, dtype=np.uint8)
            self.image = ImageMobject(np.concatenate([pixels, alpha], axis=2))
            self.image.set_resampling_algorithm(RESAMPLING_ALGORITHMS["nearest"])
        self.image.stretch_to_fit_width(cols * width).stretch_to_fit_height(rows * cell)
        show = min(cell, width) >= MIN_CELL_FOR_NUMBERS if numbers is None else numbers is True
        self.numbers = VGroup()
        if show:
            size = min(style.SMALL_SIZE, 30 * min(cell, width))
            for r in range(rows):
                for c in range(cols):
                    if self.masked[r, c]:
                        number = word_label(masked_text, style.MUTED, size)
                    else:
                        number = DecimalNumber(self.values[r, c], num_decimal_places=style.DECIMALS,
                                               font_size=size,
                                               color=_ink(self.colors[r, c]))
                    number.move_to(self.cell_center(r, c))
                    self.numbers.add(number)
            self.number_height = min((n.height for n, m in zip(self.numbers, self.masked.ravel(),
                                                                strict=True) if not m), default=0.0)
        self.border = VGroup(*(
            Line(self.image.get_corner(a), self.image.get_corner(b), color=title_color, stroke_width=2)
            for a, b in ((UP + LEFT, UP + RIGHT), (UP + RIGHT, DOWN + RIGHT),
                         (DOWN + RIGHT, DOWN + LEFT), (DOWN + LEFT, UP + LEFT))
        ))
        colors_for = label_colors or [style.MUTED] * max(rows, cols)
        self.always_label = set(always_label)
        self.labelled: list[int] = []  # set by _labels when there are labels
        self.row_labels = self._labels(row_labels, colors_for, vertical=True)
        self.col_labels = self._labels(col_labels, colors_for, vertical=False)
        self.title = word_label(title, title_color, style.LABEL_SIZE)
        if title_below:
            self.title.next_to(self.image, DOWN, buff=0.12)
        else:
            self.title.next_to(self.col_labels if len(col_labels) else self.image, UP, buff=0.12)
        super().__init__(self.image, self.border, self.numbers, self.row_labels, self.col_labels,
                         self.title)

    @property
    def cell(self) -> float:
        """A cell's height in scene units, as drawn now (a scaled grid's cells scale with it)."""
        return self.image.height / self.values.shape[0]

    @property
    def cell_width(self) -> float:
        """A cell's width in scene units, as drawn now."""
        return self.image.width / self.values.shape[1]

    def cell_center(self, row: int, col: int) -> np.ndarray:
        """Scene position of the centre of cell (row, col), wherever and however large the
        grid is now."""
        corner = self.image.get_corner(UP + LEFT)
        return corner + np.array([(col + 0.5) * self.cell_width, -(row + 0.5) * self.cell, 0.0])

    def row_box(self, row: int) -> np.ndarray:
        """Corners (top-left, bottom-right) of row ``row``."""
        left = self.image.get_corner(UP + LEFT) + np.array([0.0, -row * self.cell, 0.0])
        return np.array([left, left + np.array([self.values.shape[1] * self.cell_width, -self.cell, 0.0])])

    def cell_image(self, row: int, col: int) -> ImageMobject:
        """Cell (row, col) of the image as an image of its own, over that cell: the same
        pixels (colour and printed number), to bring cells in one at a time."""
        rows, cols = self.values.shape
        pixels = self.image.pixel_array
        h, w = pixels.shape[0] // rows, pixels.shape[1] // cols
        piece = ImageMobject(pixels[row * h:(row + 1) * h, col * w:(col + 1) * w].copy())
        piece.set_resampling_algorithm(self.image.resampling_algorithm)
        piece.stretch_to_fit_width(self.cell_width).stretch_to_fit_height(self.cell)
        return piece.move_to(self.cell_center(row, col))

    def shown_numbers(self) -> np.ndarray:
        """The values the cell numbers display, shape (rows, cols), NaN in masked cells
        (tests read these)."""
        hidden = self.masked.ravel()
        if self.printed:
            shown = [np.nan if m else float(t) for t, m in zip(self.printed, hidden, strict=True)]
        else:
            shown = [np.nan if m else n.get_value() for n, m in zip(self.numbers, hidden, strict=True)]
        return np.array(shown).reshape(self.values.shape)

    def _labels(self, words: Sequence[str], colors: Sequence[ManimColor], vertical: bool) -> VGroup:
        """One label per row or column, or when the cells are thinner than a line of the
        smallest legible text, every ``step``-th one (and those in ``always_label``), so that
        labels never overlap; ``self.labelled`` holds the indices that got one."""
        group = VGroup()
        if not words:
            return group
        along = self.cell if vertical else self.cell_width  # the room a label has along the edge
        size = self.label_size or min(style.SMALL_SIZE, max(MIN_LABEL_SIZE, 40 * along))
        crowded = along < MIN_CELL_FOR_NUMBERS
        step = max(1, math.ceil(word_label("Hg", style.TEXT, size).height / (0.95 * along)))
        self.labelled = labelled_indices(len(words), step, self.always_label)
        for k, word in enumerate(words):
            if k not in self.labelled:
                continue
            shown = word if not crowded or len(word) <= MAX_LABEL_CHARS else word[:MAX_LABEL_CHARS - 1] + "…"
            label = word_label(shown, colors[k], size)
            if vertical:
                label.next_to(self.cell_center(k, 0), LEFT, buff=self.cell_width / 2 + 0.1)
            else:
                if crowded or label.width > 0.95 * along:  # too wide for its column: stand it up
                    label.rotate(np.pi / 2)
                    label.next_to(self.cell_center(0, k), UP, buff=self.cell / 2 + 0.1)
                else:
                    self.seat_column_label(label, k)
            group.add(label)
        return group


    def seat_column_label(self, label: Text, col: int, gap: float = 0.1) -> None:
        """Put ``label`` (a word reading across) over column ``col``, its baseline ``gap`` above
        the grid: every such label on one baseline ("an" as low as "apple", "buy" no higher),
        as a line of text sets them."""
        top = self.cell_center(0, col)[1] + self.cell / 2 + gap + cap_height(label.font_size)
        label.move_to([self.cell_center(0, col)[0], top - below_cap_line(label.text, label.font_size), 0],
                      aligned_edge=UP)


class PixelCrossfade(Animation):
    """Blend an image's pixels into ``target`` (the same shape, e.g. the next snapshot's
    heat map): one image drawn per frame instead of a fading-out and a fading-in one, and
    nothing recomputed once the rate function has arrived (the camera then reuses the
    drawn image)."""

    def __init__(self, image: ImageMobject, target: np.ndarray, **kwargs) -> None:
        if target.shape != image.pixel_array.shape:
            raise ValueError(f"cannot crossfade pixels {image.pixel_array.shape} into {target.shape}")
        self.start = image.pixel_array.astype(np.float32)
        self.change = target.astype(np.float32) - self.start
        self.shown: float | None = None
        super().__init__(image, **kwargs)

    def interpolate_mobject(self, alpha: float) -> None:
        weight = self.rate_func(alpha)
        if weight != self.shown:
            self.shown = weight
            self.mobject.pixel_array = np.rint(self.start + weight * self.change).astype(np.uint8)


def labelled_indices(count: int, step: int, always: set[int]) -> list[int]:
    """Which of ``count`` rows get a label when only every ``step``-th has room: each of
    ``always``, and every ``step``-th other one that is at least ``step`` away from them."""
    if step <= 1:
        return list(range(count))
    chosen = sorted(k for k in always if 0 <= k < count)
    for k in range(0, count, step):
        if all(abs(k - a) >= step for a in chosen):
            chosen.append(k)
    return sorted(chosen)


INK_DARK, INK_LIGHT = ManimColor("#000000"), ManimColor("#FFFFFF")  # 21:1 apart


def _ink(cell_color: np.ndarray) -> ManimColor:
    """The colour of a number on a cell of RGB ``cell_color``: black or white, whichever has
    the larger WCAG 2.1 contrast with the cell, so at least sqrt(21) = 4.58:1 on any cell (the
    text colours TEXT and BACKGROUND are 16:1 apart: 4.0:1 on a cell between them)."""
    linear = np.where(cell_color <= 0.04045, cell_color / 12.92, ((cell_color + 0.055) / 1.055) ** 2.4)
    luminance = float(linear[:3] @ np.array([0.2126, 0.7152, 0.0722]))
    # contrast with black (L + 0.05) / 0.05 against white 1.05 / (L + 0.05)
    return INK_DARK if (luminance + 0.05) ** 2 > 1.05 * 0.05 else INK_LIGHT


def printed_numbers(cell: float) -> Literal["image"] | bool:
    """``numbers=`` for a grid of ``cell``-sized cells: printed into its image when a number
    fits a cell (MIN_CELL_FOR_NUMBERS), else none."""
    return "image" if cell >= MIN_CELL_FOR_NUMBERS else False


def _pixels_per_unit() -> float:
    """Frame pixels per scene unit at this render's size."""
    return config.pixel_width / config.frame_width


def _pixels_per_cell(cell: float) -> int:
    """Image pixels per cell so that the printed numbers are sharp at this render's size."""
    return int(np.clip(round(cell * _pixels_per_unit()), 16, 160))


class FontFallbackWarning(UserWarning):
    """The numbers printed into grids are not in the scenes' font (it is not installed)."""


@functools.cache
def _font_file() -> str | None:
    """The scenes' font (style.FONT) as a file, found by fontconfig. When fontconfig has no
    such family (it then answers with another font) or cannot be asked, a
    :class:`FontFallbackWarning` says which font the grids' numbers are printed in instead:
    that other font, or None for PIL's own."""
    try:
        answer = subprocess.run(["fc-match", "-f", "%{family}\n%{file}", style.FONT], capture_output=True,
                                text=True, timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError) as error:
        answer, asked = "", f"fc-match failed: {error}"
    else:
        asked = f"fc-match {style.FONT!r} answered {answer.strip()!r}"
    family, _, file = (part.strip() for part in answer.partition("\n"))
    if file and style.FONT in family.split(","):
        return file
    instead = f"{family.split(',')[0]} ({file})" if file else "PIL's default font"
    warnings.warn(f"the numbers in grids are printed in {instead}: fontconfig has no {style.FONT!r} "
                  f"({asked}); run scripts/setup.sh, which installs fonts-inter", FontFallbackWarning,
                  stacklevel=2)
    return file or None


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    font_file = _font_file()
    return ImageFont.truetype(font_file, size) if font_file else ImageFont.load_default(size)


def _cell_font(texts: Sequence[str], px: int,
               px_w: int | None = None) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The font the numbers of ``px``-pixel cells (``px_w`` wide, default ``px``) are printed
    in: a third of the cell's height, smaller if the longest text would not fit its width."""
    px_w = px if px_w is None else px_w
    font = _font(max(6, round(min(px, px_w) * 0.34)))
    widest = max((font.getlength(t) for t in texts), default=0.0)
    if widest > 0.88 * px_w:  # shrink so the longest number still fits its cell
        font = _font(max(6, int(font.size * 0.88 * px_w / widest)))
    return font


def _digit_pixels(texts: Sequence[str], px: int, px_w: int | None = None) -> float:
    """The height in image pixels of a digit printed in ``px``-pixel cells."""
    box = _cell_font(texts, px, px_w).getbbox("0")
    return float(box[3] - box[1])


def _printed_cells(colors: np.ndarray, texts: Sequence[str], px: int,
                   masked: np.ndarray | None = None, px_w: int | None = None) -> np.ndarray:
    """An RGBA image (rows * px, cols * px_w, 4; ``px_w`` defaults to ``px``): each cell its
    colour with its text centred, dark on bright cells and light on dark ones (muted in
    ``masked`` cells)."""
    px_w = px if px_w is None else px_w
    rows, cols = colors.shape[:2]
    rgb = (np.clip(colors, 0, 1) * 255).astype(np.uint8)
    image = Image.fromarray(np.repeat(np.repeat(rgb, px, axis=0), px_w, axis=1), "RGB")
    draw = ImageDraw.Draw(image)
    font = _cell_font(texts, px, px_w)
    for index, text in enumerate(texts):
        r, c = divmod(index, cols)
        ink = style.MUTED if masked is not None and masked[r, c] else _ink(colors[r, c])
        fill = tuple(int(v) for v in (_rgb(ink) * 255).astype(int))
        draw.text(((c + 0.5) * px_w, (r + 0.5) * px), text, fill=fill, font=font, anchor="mm")
    pixels = np.asarray(image)
    alpha = np.full(pixels.shape[:2] + (1,), 255, dtype=np.uint8)
    return np.concatenate([pixels, alpha], axis=2)
