"""Which texts the scenes can draw: characters the font has, left to right, all visible.

Every text of an example (title, axis names, words, head names) is drawn by Pango in the
font ``scenes.style.FONT`` (Inter, from the ``fonts-inter`` package). :func:`text_problem`
says why a text cannot be drawn as written, or returns None:

- a control, format or unassigned character (NUL, a line break, the zero-width space
  U+200B, a soft hyphen, a private-use character): Pango fails on some, and the others are
  invisible, so ``cr\u200bane`` would look exactly like ``crane``;
- a right-to-left character (Hebrew, Arabic, ...): the scenes lay text out left to right;
- a character the font has no glyph for (CJK, Devanagari, emoji, ...): it would be drawn as
  a box, or by a fallback font of another size that breaks the layout;
- no visible character at all (only combining marks).

:data:`INTER_RANGES` lists the code points that both Inter Regular and Inter Bold map to a
glyph (printing categories only); ``tests/test_hardening.py`` checks it against the
installed font, and ``python -m attention_core.glyphs`` prints it afresh.
"""

from __future__ import annotations

import bisect
import unicodedata

__all__ = ["INTER_RANGES", "text_problem"]

# (first, last) code point, inclusive, sorted: generated from Inter 4 by main() below.
INTER_RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E), (0x00A0, 0x00AC), (0x00AE, 0x0148), (0x014A, 0x01C3), (0x01C5, 0x031E),
    (0x0321, 0x0377), (0x037A, 0x037F), (0x0384, 0x038A), (0x038C, 0x038C), (0x038E, 0x03A1),
    (0x03A3, 0x03E1), (0x03F0, 0x049D), (0x04A0, 0x04FF), (0x052F, 0x052F), (0x0E3F, 0x0E3F),
    (0x1D43, 0x1D43), (0x1D47, 0x1D49), (0x1D4D, 0x1D4D), (0x1D4F, 0x1D50), (0x1D52, 0x1D52),
    (0x1D56, 0x1D58), (0x1D5B, 0x1D5B), (0x1D62, 0x1D65), (0x1D9C, 0x1D9C), (0x1DA0, 0x1DA0),
    (0x1DBB, 0x1DBB), (0x1DBF, 0x1DF5), (0x1DFC, 0x1F15), (0x1F18, 0x1F1D), (0x1F20, 0x1F45),
    (0x1F48, 0x1F4D), (0x1F50, 0x1F57), (0x1F59, 0x1F59), (0x1F5B, 0x1F5B), (0x1F5D, 0x1F5D),
    (0x1F5F, 0x1F7D), (0x1F80, 0x1FB4), (0x1FB6, 0x1FC4), (0x1FC6, 0x1FD3), (0x1FD6, 0x1FDB),
    (0x1FDD, 0x1FEF), (0x1FF2, 0x1FF4), (0x1FF6, 0x1FFE), (0x2000, 0x200A), (0x2010, 0x2027),
    (0x202F, 0x205F), (0x2070, 0x2071), (0x2074, 0x208E), (0x2090, 0x209C), (0x20A0, 0x20BF),
    (0x20DB, 0x20DE), (0x20E8, 0x20E8), (0x20F0, 0x20F0), (0x2100, 0x2101), (0x2103, 0x2103),
    (0x2105, 0x2106), (0x2109, 0x2109), (0x2113, 0x2113), (0x2116, 0x2117), (0x211E, 0x2123),
    (0x2126, 0x2126), (0x212A, 0x212B), (0x212E, 0x212E), (0x2132, 0x2132), (0x213B, 0x213B),
    (0x214D, 0x214D), (0x214F, 0x214F), (0x2153, 0x2153), (0x215A, 0x2188), (0x2190, 0x2199),
    (0x21A9, 0x21AA), (0x21B0, 0x21B1), (0x21B3, 0x21B5), (0x21BA, 0x21BB), (0x21D0, 0x21D0),
    (0x21D2, 0x21D2), (0x21D4, 0x21D4), (0x21DE, 0x21DF), (0x21E4, 0x21E5), (0x21E7, 0x21E7),
    (0x21EA, 0x21EA), (0x2202, 0x2202), (0x2205, 0x2206), (0x220F, 0x220F), (0x2211, 0x2212),
    (0x221A, 0x221A), (0x221E, 0x221E), (0x222B, 0x222B), (0x2248, 0x2248), (0x2260, 0x2260),
    (0x2264, 0x2265), (0x2303, 0x2303), (0x2305, 0x2305), (0x2318, 0x2318), (0x2325, 0x2327),
    (0x232B, 0x232B), (0x2380, 0x2380), (0x2387, 0x2387), (0x238B, 0x238B), (0x23CE, 0x23CF),
    (0x2423, 0x2423), (0x2460, 0x2468), (0x24B6, 0x24CF), (0x24EA, 0x24EA), (0x25A0, 0x25A2),
    (0x25AA, 0x25AA), (0x25B2, 0x25B3), (0x25B6, 0x25B7), (0x25BA, 0x25BD), (0x25C0, 0x25C1),
    (0x25C4, 0x25C7), (0x25CA, 0x25CB), (0x25CF, 0x25CF), (0x25E6, 0x25E6), (0x25EF, 0x25EF),
    (0x2600, 0x2600), (0x2605, 0x2606), (0x263C, 0x263C), (0x2661, 0x2661), (0x2665, 0x2665),
    (0x26A0, 0x26A0), (0x2713, 0x2713), (0x2717, 0x2717), (0x2756, 0x2756), (0x2764, 0x2764),
    (0x2780, 0x2788), (0x27EF, 0x27EF), (0x27F5, 0x27FA), (0x2B06, 0x2B06), (0x2B12, 0x2B13),
    (0x2B1C, 0x2B1C), (0x2C7C, 0x2C7C), (0x2C7F, 0x2C7F), (0x2DFF, 0x2DFF), (0x2E18, 0x2E18),
    (0xA69F, 0xA69F), (0xA7FF, 0xA7FF), (0xA92E, 0xA92E), (0xFE20, 0xFE2D), (0x1F12F, 0x1F149),
    (0x1F16A, 0x1F16B), (0x1F850, 0x1F850), (0x1F852, 0x1F852)
)
_FIRSTS = [first for first, _ in INTER_RANGES]
_INVISIBLE = {"Cc", "Cf", "Cn", "Co", "Cs", "Zl", "Zp"}
_RIGHT_TO_LEFT = {"R", "AL"}


def _has_glyph(char: str) -> bool:
    k = bisect.bisect_right(_FIRSTS, ord(char)) - 1
    return k >= 0 and INTER_RANGES[k][0] <= ord(char) <= INTER_RANGES[k][1]


_CONTROL_NAMES = {0x00: "NUL", 0x09: "TAB", 0x0A: "LINE FEED, a line break", 0x0D: "CARRIAGE RETURN",
                  0x1B: "ESCAPE", 0x7F: "DELETE"}


def _named(char: str) -> str:
    name = _CONTROL_NAMES.get(ord(char)) or unicodedata.name(char, "unnamed")
    return f"U+{ord(char):04X} ({name})"


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be drawn as written, in words, or None when it can.

    >>> text_problem("crane") is None
    True
    >>> text_problem("cr\u200bane")
    'contains the invisible character U+200B (ZERO WIDTH SPACE): it would not show on screen'
    """
    for char in text:
        category = unicodedata.category(char)
        if category in _INVISIBLE:
            if category == "Cc":
                return (f"contains the control character {_named(char)}; write it on one line "
                        "with visible characters only")
            return f"contains the invisible character {_named(char)}: it would not show on screen"
        if unicodedata.bidirectional(char) in _RIGHT_TO_LEFT:
            return (f"contains {_named(char)}, written right to left; the scenes lay text out "
                    "left to right only")
        if not _has_glyph(char):
            return (f"contains {_named(char)}, which the font (Inter) has no glyph for; use "
                    "Latin, Greek or Cyrillic letters, digits and common symbols")
    if not any(unicodedata.category(c)[0] in "LNPS" for c in text):
        return "has no visible character"
    return None


def main() -> None:
    """Print INTER_RANGES from the installed font (needs fontTools and fonts-inter)."""
    from fontTools.ttLib import TTFont

    folder = "/usr/share/fonts/opentype/inter/"
    maps = [set(TTFont(folder + name).getBestCmap()) for name in ("Inter-Regular.otf", "Inter-Bold.otf")]
    printable = sorted(c for c in set.intersection(*maps)
                       if unicodedata.category(chr(c)) not in _INVISIBLE)
    ranges: list[tuple[int, int]] = []
    for c in printable:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1] = (ranges[-1][0], c)
        else:
            ranges.append((c, c))
    print(", ".join(f"(0x{a:04X}, 0x{b:04X})" for a, b in ranges))


if __name__ == "__main__":
    main()
