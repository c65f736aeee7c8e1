"""How colours read for viewers with a colour-vision deficiency, and against the background.

Numpy only (no manim): the palette test, the scenes' accessibility check and the storyboard
use it.

- :func:`simulate`: a colour as a dichromat sees it (Machado, Oliveira & Fernandes 2009,
  severity 1.0, applied in linear RGB), for ``"deutan"``, ``"protan"`` and ``"tritan"``
  (``"normal"`` leaves it as it is).
- :func:`lab` and :func:`delta_e`: CIELAB (D65) and the CIE76 difference, the Euclidean
  distance in CIELAB; about 2.3 is just noticeable, below 10 two small marks pass for one.
- :func:`contrast_ratio`: WCAG 2.1's contrast ratio, 1 to 21 (text needs 4.5, meaningful
  graphics 3).

A colour is anything :func:`rgb` takes: ``"#RRGGBB"``, an object with ``to_rgb()`` (a
``ManimColor``) or three floats in [0, 1].

Frames as a colour-blind viewer sees them (a 2 x 2 sheet: normal, deutan / protan, tritan),
written beside each PNG as ``<name>.cvd.png``::

    python -m attention_explainer.accessibility media/storyboard/apple/06-keys_and_queries/*.png

>>> round(contrast_ratio("#FFFFFF", "#000000"), 2)
21.0
>>> round(float(delta_e("#FFFFFF", "#000000")), 1)
100.0
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["DEFICIENCIES", "MACHADO_2009", "PairDifference", "contrast_ratio", "cvd_sheet", "delta_e", "lab",
           "main", "rgb", "simulate", "simulate_image", "smallest_difference"]

# Each deficiency's matrix at severity 1.0 (Machado, Oliveira & Fernandes 2009, Table 1 of the
# authors' supplementary data), acting on linear RGB column vectors.
MACHADO_2009: dict[str, np.ndarray] = {
    "deutan": np.array([[0.367322, 0.860646, -0.227968],
                        [0.280085, 0.672501, 0.047413],
                        [-0.011820, 0.042940, 0.968881]]),
    "protan": np.array([[0.152286, 1.052583, -0.204868],
                        [0.114503, 0.786281, 0.099216],
                        [-0.003882, -0.048116, 1.051998]]),
    "tritan": np.array([[1.255528, -0.076749, -0.178779],
                        [-0.078411, 0.930809, 0.147602],
                        [0.004733, 0.691367, 0.303900]]),
}
# "normal" first: the order reports list them in
DEFICIENCIES = ("normal", "deutan", "protan", "tritan")

# sRGB (D65) linear RGB -> XYZ, and D65's white point (IEC 61966-2-1)
_RGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                        [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])
_WHITE = _RGB_TO_XYZ @ np.ones(3)


def rgb(color: Any) -> np.ndarray:
    """``color`` as sRGB floats in [0, 1], shape (3,): from ``"#RRGGBB"`` (or ``"#RGB"``), an
    object with ``to_rgb()`` or a sequence of three floats."""
    if isinstance(color, str):
        h = color.lstrip("#")
        if len(h) == 3:
            h = "".join(c * 2 for c in h)
        if len(h) not in (6, 8):
            raise ValueError(f"not a colour: {color!r} (expected #RRGGBB)")
        return np.array([int(h[k:k + 2], 16) for k in (0, 2, 4)], dtype=float) / 255
    if hasattr(color, "to_rgb"):
        return np.asarray(color.to_rgb(), dtype=float)[:3]
    return np.asarray(color, dtype=float)[..., :3]


def _linear(srgb: np.ndarray) -> np.ndarray:
    """sRGB in [0, 1] -> linear RGB, elementwise."""
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def _encoded(linear: np.ndarray) -> np.ndarray:
    """Linear RGB -> sRGB in [0, 1] (clipped to the gamut first), elementwise."""
    linear = np.clip(linear, 0.0, 1.0)
    return np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)


def simulate(colors: Any, deficiency: str) -> np.ndarray:
    """``colors`` (one colour, or sRGB floats of shape (..., 3)) as seen with ``deficiency``
    (one of :data:`DEFICIENCIES`); sRGB floats of the same shape."""
    srgb = rgb(colors)
    if deficiency == "normal":
        return srgb
    if deficiency not in MACHADO_2009:
        raise ValueError(f"unknown deficiency {deficiency!r}: one of {', '.join(DEFICIENCIES)}")
    # (..., 3) @ (3, 3)^T -> (..., 3): each colour's linear RGB through the matrix
    return _encoded(_linear(srgb) @ MACHADO_2009[deficiency].T)


def simulate_image(pixels: np.ndarray, deficiency: str) -> np.ndarray:
    """A frame (uint8 RGB or RGBA, shape (h, w, 3 or 4)) as seen with ``deficiency``: uint8
    RGB, shape (h, w, 3), for looking at frames the way a colour-blind viewer sees them."""
    seen = simulate(pixels[..., :3].astype(float) / 255, deficiency)
    return np.rint(seen * 255).astype(np.uint8)


def lab(colors: Any) -> np.ndarray:
    """CIELAB (D65) of ``colors`` (one colour or sRGB floats (..., 3)); shape (..., 3): L in
    [0, 100], a and b."""
    srgb = rgb(colors)
    xyz = (_linear(np.clip(srgb, 0.0, 1.0)) @ _RGB_TO_XYZ.T) / _WHITE  # (..., 3), white -> 1
    e = 216 / 24389
    f = np.where(xyz > e, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])],
                    axis=-1)


def delta_e(a: Any, b: Any, deficiency: str = "normal") -> np.ndarray:
    """CIE76 difference between colours ``a`` and ``b`` (or arrays of them, (..., 3)) as seen
    with ``deficiency``; shape (...) (a 0-d array for two colours)."""
    return np.linalg.norm(lab(simulate(a, deficiency)) - lab(simulate(b, deficiency)), axis=-1)


def relative_luminance(color: Any) -> float:
    """WCAG 2.1's relative luminance of ``color``, 0 (black) to 1 (white)."""
    return float(_linear(rgb(color)) @ np.array([0.2126, 0.7152, 0.0722]))


def contrast_ratio(a: Any, b: Any) -> float:
    """WCAG 2.1's contrast ratio of colours ``a`` and ``b``: (L1 + 0.05) / (L2 + 0.05), the
    lighter over the darker, 1 to 21."""
    la, lb = relative_luminance(a), relative_luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


@dataclass(frozen=True)
class PairDifference:
    """The two named colours that are hardest to tell apart with one deficiency."""

    deficiency: str
    delta_e: float
    first: str
    second: str

    def __str__(self) -> str:
        return f"{self.deficiency}: {self.delta_e:.1f} ({self.first} / {self.second})"


def smallest_difference(colors: Mapping[str, Any] | Sequence[tuple[str, Any]],
                        deficiency: str = "normal") -> PairDifference:
    """The pair of ``colors`` (name -> colour, at least two) closest in CIELAB as seen with
    ``deficiency``."""
    items = list(colors.items()) if isinstance(colors, Mapping) else list(colors)
    if len(items) < 2:
        raise ValueError("need at least two colours to compare")
    best: PairDifference | None = None
    for (name_a, a), (name_b, b) in itertools.combinations(items, 2):
        d = float(delta_e(a, b, deficiency))
        if best is None or d < best.delta_e:
            best = PairDifference(deficiency, d, name_a, name_b)
    assert best is not None
    return best


def cvd_sheet(pixels: np.ndarray) -> np.ndarray:
    """A frame (uint8 RGB(A), (h, w, 3 or 4)) four times as seen with each of
    :data:`DEFICIENCIES`, in a 2 x 2 sheet (normal, deutan / protan, tritan): uint8 (2h, 2w, 3)."""
    seen = [simulate_image(pixels, d) for d in DEFICIENCIES]
    return np.concatenate([np.concatenate(seen[:2], axis=1), np.concatenate(seen[2:], axis=1)], axis=0)


def main(argv: Sequence[str] | None = None) -> int:
    """Write ``<name>.cvd.png`` (:func:`cvd_sheet`) beside each PNG named in ``argv``."""
    import sys

    from PIL import Image

    paths = list(sys.argv[1:] if argv is None else argv)
    if not paths:
        print("usage: python -m attention_explainer.accessibility FRAME.png [...]", file=sys.stderr)
        return 2
    for name in paths:
        try:
            pixels = np.asarray(Image.open(name).convert("RGB"))
        except OSError as error:
            print(f"{name}: not an image ({error})", file=sys.stderr)
            return 1
        out = name[: -len(".png")] if name.endswith(".png") else name
        Image.fromarray(cvd_sheet(pixels)).save(f"{out}.cvd.png")
        print(f"{out}.cvd.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
