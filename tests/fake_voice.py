"""A speaker that needs no voice model: each sentence 'said' as a tone (tests/test_voice.py,
tests/test_caches.py)."""

from __future__ import annotations

import numpy as np

from attention_manim.voice import Speaker

RATE = 22050


def tone(seconds: float, amplitude: float, rate: int = RATE) -> np.ndarray:
    """A 220 Hz sine of ``amplitude``, ``seconds`` long: shape (round(seconds * rate),)."""
    t = np.arange(round(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


class FakeVoice(Speaker):
    """A speaker whose 'synthesis' is a tone per sentence, at a level that varies."""

    def _synthesise(self, spoken: str) -> tuple[list[np.ndarray], int]:
        sentences = [s for s in spoken.split(". ") if s]
        return [tone(0.1 * len(s.split()), 0.05 * (i + 1)) for i, s in enumerate(sentences)], RATE
