"""A scene as slides: the mixin that makes each beat a manim-slides slide, chosen by class.

A scene of the story (``scenes.base.ExplainerScene``) renders a video; its slide variant,
``slides_of(SceneClass)``, renders the same beats as a manim-slides deck as well: each beat starts
a slide whose presenter notes are its narration, the title card stays up until the presenter
moves on, and each slide's last frame is kept beside its video for the PDF deck
(:mod:`attention_manim.slide_frames`). The variant is a class of its own, so one process can build
both; the renderer's launcher asks for it (``--slides``), and ``ATTENTION_SLIDES=1`` asks for it
when the manim command line renders a scene file (``ExplainerScene.__new__``).

The variant is ``type(name, (SlideBeats, SceneClass, Slide), ...)``: the scene's own methods come
before manim-slides' (``render``, ``play``), exactly as when the scene subclassed ``Slide``, and
it keeps the scene's name and module, which name its videos, slides and skipped beats.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, ClassVar

from manim import config

from attention_manim import slide_frames
from attention_manim.settings import settings

__all__ = ["SlideBeats", "slides_of"]


class SlideBeats:
    """The slide half of a scene's slide variant (:func:`slides_of`): placed before the scene's
    class, it turns the scene's parts (``_start_part``, ``_end_parts``, ``_rendered``) into
    slides, and writes them to ``ATTENTION_SLIDES_DIR`` unless ``output_folder=`` says where."""

    # the title card stays up until the presenter moves on (the next beat fades it)
    title_card_stays: ClassVar[bool] = True
    # manim-slides: no reversed clips (the deck plays forward; reversing costs a decode)
    skip_reversing: ClassVar[bool] = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("output_folder", settings().slides_dir)
        # the last frame of every slide so far, None where it was not drawn (cached)
        self._slide_frames: list[Any] = []
        super().__init__(*args, **kwargs)

    def _start_part(self, name: str, notes: str = "", skip: bool = False) -> None:
        """Start a slide called ``name`` with presenter notes ``notes`` (``skip``: a beat the
        example leaves out, no slide), after noting the last frame of the one ending."""
        self._slide_ends()
        scene: Any = self  # a Slide (see slides_of)
        scene.next_slide(name, notes=notes, skip_animations=skip)

    def _end_parts(self) -> None:
        """The scene ends: note the last slide's last frame."""
        self._slide_ends()

    def _rendered(self) -> None:
        """manim-slides has written the slides: keep each one's last frame beside its video."""
        self._keep_slide_frames()

    def _slide_ends(self) -> None:
        """Note the frame the slide now ending shows last (the PDF deck's picture of it) when
        manim-slides will make a slide of it (it does when the slide has animations: its
        ``next_slide`` and ``_add_last_slide`` of 5.7 test the same counters); None when that
        frame was not drawn (the last play came from manim's cache, or nothing is written)."""
        scene: Any = self
        if scene._current_animation > scene._start_animation:
            drawn = not scene.renderer.skip_animations and not config.transparent
            self._slide_frames.append(scene.renderer.get_frame() if drawn else None)

    def _keep_slide_frames(self) -> None:
        """Write each slide's noted last frame beside the video manim-slides made of it, when
        there is one noted frame per slide in the config it wrote (else the deck decodes)."""
        scene: Any = self
        config_file = Path(scene._output_folder) / f"{type(self).__name__}.json"
        try:
            slides = json.loads(config_file.read_text())["slides"]
        except (OSError, ValueError, KeyError):
            return
        if len(slides) == len(self._slide_frames):
            for slide, frame in zip(slides, self._slide_frames, strict=True):
                if frame is not None and slide.get("file"):
                    slide_frames.keep(config_file.parent / slide["file"], frame)  # a relative file: there
        self._slide_frames = []


@functools.cache
def slides_of(scene_class: type) -> type:
    """The slide variant of ``scene_class`` (a scene of the story): the same beats, each a
    slide (:class:`SlideBeats`), with the scene's name, module and docstring; the same class
    each time it is asked, and ``scene_class`` itself when it is one already.

    >>> from manim import Scene
    >>> Chapter = type("Chapter", (Scene,), {"__doc__": "One chapter."})
    >>> Slides = slides_of(Chapter)
    >>> Slides.__name__, Slides.__doc__, slides_of(Slides) is Slides is slides_of(Chapter)
    ('Chapter', 'One chapter.', True)
    >>> [c.__name__ for c in Slides.__mro__]
    ['Chapter', 'SlideBeats', 'Chapter', 'Slide', 'BaseSlide', 'Scene', 'object']
    """
    if issubclass(scene_class, SlideBeats):
        return scene_class
    from manim_slides import Slide  # imported when asked: pydantic and Qt helpers are slow to load

    return type(scene_class.__name__, (SlideBeats, scene_class, Slide), {
        "__module__": scene_class.__module__, "__qualname__": scene_class.__qualname__,
        "__doc__": scene_class.__doc__})
