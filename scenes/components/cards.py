"""Title cards."""

from __future__ import annotations

from manim import DOWN, Text, VGroup, config

from scenes import style

__all__ = ["title_card"]


def title_card(title: str, subtitle: str) -> VGroup:
    """A centred title with a muted subtitle under it; a line wider than the frame (a
    60-character title of wide letters is 22 units at its size, the frame 14.2) is scaled down
    to fit between the margins."""
    lines = VGroup(
        Text(title, font=style.FONT, font_size=style.TITLE_SIZE, color=style.TEXT, weight="BOLD"),
        Text(subtitle, font=style.FONT, font_size=style.BODY_SIZE, color=style.MUTED),
    )
    room = config.frame_width - 2 * style.MARGIN
    for line in lines:
        if line.width > room:
            line.scale_to_fit_width(room)
    return lines.arrange(DOWN, buff=0.4)
