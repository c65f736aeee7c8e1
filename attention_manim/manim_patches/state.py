"""What the patches share in a process: the patches in place, the warning given, the storyboard's switch."""

from __future__ import annotations

from typing import Any

_state: dict[str, Any] = {"warned": False, "applied": [], "storyboard": False}


def storyboard_on() -> bool:
    """Whether this process is building a storyboard (:func:`storyboard` on): every play is
    skipped and nothing of it drawn, so what only a play's frames show need not be made."""
    return _state["storyboard"]
