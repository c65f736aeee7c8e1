"""Title cards."""

from __future__ import annotations

from manim import DOWN, Text, VGroup

from scenes import style

__all__ = ["title_card"]


def title_card(title: str, subtitle: str) -> VGroup:
    """A centred title with a muted subtitle under it."""
    return VGroup(
        Text(title, font=style.FONT, font_size=style.TITLE_SIZE, color=style.TEXT, weight="BOLD"),
        Text(subtitle, font=style.FONT, font_size=style.BODY_SIZE, color=style.MUTED),
    ).arrange(DOWN, buff=0.4)
