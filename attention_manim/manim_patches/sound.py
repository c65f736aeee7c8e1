"""A spoken scene's sound track, taken from manim's file writer before manim encodes it.

manim 0.21 keeps a scene's sounds in ``SceneFileWriter.audio_segment`` (a pydub segment, only
while ``includes_sound``) and, in ``combine_to_movie``, exports it as a WAV, encodes that to a
raw AAC stream and remuxes the movie with it. :func:`attention_manim.voice.mux_scene_track`
does that step itself, aligned (the raw stream plays late by the encoder's delay), so the scene
base pads the track to the scene's end (:func:`pad_track`) and takes it (:func:`take_track`)
in ``tear_down``, before manim's ``render`` combines the movie. Both read and write the file
writer's own attributes: the only place outside the patches where the project touches them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["pad_track", "take_track"]


def pad_track(file_writer: Any, seconds: float) -> None:
    """Extend manim's sound track (``SceneFileWriter.audio_segment``) with silence to
    ``seconds``: manim's track stops at its last sound, not at the scene's end."""
    from pydub import AudioSegment

    if getattr(file_writer, "includes_sound", False):
        file_writer.add_audio_segment(AudioSegment.silent(0), time=seconds)


def take_track(file_writer: Any) -> Path | None:
    """Write manim's sound track (padded by :func:`pad_track`) as the WAV
    :func:`attention_manim.voice.mux_scene_track` reads beside the scene's movie, and leave
    manim none, so that ``combine_to_movie`` neither encodes nor remuxes it. Returns the WAV
    (None: no sound, or no movie)."""
    movie = getattr(file_writer, "movie_file_path", None)
    if not getattr(file_writer, "includes_sound", False) or movie is None:
        return None
    track = Path(movie).with_suffix(".wav")
    file_writer.audio_segment.export(str(track), format="wav")
    file_writer.includes_sound = False
    return track
