"""The base class of every explainer scene: the example, title card, beats and narration."""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator
from typing import Any, ClassVar

from manim import UP, Animation, Mobject, Scene, Wait, config

from attention_content.example_types import Example
from attention_content.examples import skips_beat
from attention_core.errors import AttentionInputError
from attention_manim import contract, cues, manim_patches, slides, voice
from attention_manim.manim_patches import sound
from attention_manim.settings import settings
from scenes import style
from scenes.components import title_card
from scenes.components.flat import FlatFadeIn, FlatFadeOut

__all__ = ["ExplainerScene", "is_dense", "reading_rates", "reading_seconds", "says_a_result", "sentences",
           "title_card_hold"]

# A number as a sentence says it: "0.90", "-0.48", "16" (never a digit inside a name such as
# W_Q1 or x_1); a decimal number is a result (a beat saying one holds it: see beat()).
_NUMBER = re.compile(r"(?<![\w.])[-−]?\d+(?:\.\d+)?(?![\w])")
_RESULT = re.compile(r"(?<![\w.])[-−]?\d+\.\d+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def sentences(narration: str) -> list[str]:
    """``narration`` cut after each ``.``, ``!`` or ``?`` that a space follows (a decimal
    point never is).

    >>> sentences("Orange gets 0.90. Phone: 0.10! Done")
    ['Orange gets 0.90.', 'Phone: 0.10!', 'Done']
    """
    return [part for part in _SENTENCE_END.split(narration.strip()) if part]


def reading_seconds(narration: str) -> float:
    """How long ``narration`` must stay up to be read: each sentence at
    :data:`style.READING_RATE` characters a second, or at :data:`style.DENSE_READING_RATE`
    when it carries :data:`style.DENSE_NUMBERS` numbers or more (the spaces between sentences
    count at the plain rate); slower at the slow pace (:func:`reading_rates`).

    >>> reading_seconds("x" * 34)
    2.0
    >>> reading_seconds("(1.50, 1.60) + (-0.48, 2.32) = (1.02, 3.92)")  # 43 characters, 6 numbers
    3.3076923076923075
    """
    plain_rate, dense_rate = reading_rates()
    dense = sum(len(s) for s in sentences(narration) if is_dense(s))
    return dense / dense_rate + (len(narration) - dense) / plain_rate


def reading_rates() -> tuple[float, float]:
    """Characters a second for plain sentences and for sentences of many numbers, at this
    render's pace (``ATTENTION_PACE``: ``slow`` reads at :data:`style.SLOW_READING_RATE`)."""
    if settings().pace == "slow":
        return style.SLOW_READING_RATE, style.SLOW_DENSE_READING_RATE
    return style.READING_RATE, style.DENSE_READING_RATE


def is_dense(sentence: str) -> bool:
    """Whether ``sentence`` carries :data:`style.DENSE_NUMBERS` numbers or more."""
    return len(_NUMBER.findall(sentence)) >= style.DENSE_NUMBERS


def says_a_result(narration: str) -> bool:
    """Whether ``narration`` says a decimal number: a result its beat holds on screen.

    >>> says_a_result("orange gets 0.90"), says_a_result("in 12 steps, W_Q learns")
    (True, False)
    """
    return bool(_RESULT.search(narration))


@contextlib.contextmanager
def example_video_dir() -> Iterator[None]:
    """While inside (a scene being set up: manim's file writer takes its folders from the
    config then), manim writes videos to the folder :func:`attention_manim.contract.video_dir`
    names for this process's example, voice and pace, unless the user chose a ``video_dir`` of
    their own; manim's own folder again after, for the next scene."""
    if config.video_dir != contract.MANIM_VIDEO_DIR:
        yield
        return
    s = settings()
    config.video_dir = contract.video_dir("{media_dir}", s.example_name, "{module_name}", "{quality}",
                                          voice=s.voice, pace=s.pace)
    try:
        yield
    finally:
        config.video_dir = contract.MANIM_VIDEO_DIR


def title_card_hold(title: str, subtitle: str) -> float:
    """How long a title card stays fully up: long enough to read its two lines, and at least
    :data:`style.TITLE_HOLD`.

    >>> title_card_hold("Softmax", "x" * 61)  # 7 + 1 + 61 characters at 17 a second
    4.0588235294117645
    """
    return max(style.TITLE_HOLD, reading_seconds(f"{title} {subtitle}"))


class ExplainerScene(Scene):
    """A scene of the story, drawn from one :class:`Example`.

    Subclasses set :attr:`title` and :attr:`subtitle` and write ``construct`` as a
    storyboard of :meth:`beat` calls and named helpers. Pass ``example=`` to build a scene
    for an example object (tests do); otherwise ``$ATTENTION_EXAMPLE`` chooses it.

    Each beat starts a part of the video (a manim section). The scene's slide variant,
    :func:`attention_manim.slides.slides_of`, makes each beat a manim-slides slide whose
    presenter notes are the beat's narration; with ``$ATTENTION_SLIDES=1`` (the manim command
    line) every scene is built as its slide variant.
    """

    title: str = "attention-explainer"
    subtitle: str = ""
    # a slide variant keeps the title card up until the next beat (attention_manim.slides)
    title_card_stays: ClassVar[bool] = False

    def __new__(cls, *args: Any, **kwargs: Any) -> ExplainerScene:
        """The scene, or with ``ATTENTION_SLIDES=1`` its slide variant (for the manim command
        line, which builds the class it finds in the file; the renderer asks its launcher)."""
        if settings().slides:
            cls = slides.slides_of(cls)
        return super().__new__(cls)

    def __init__(self, example: Example | None = None, **kwargs: Any) -> None:
        # manim's code made faster, the same pixels, unless ATTENTION_SPEEDUPS=0 (or another manim)
        manim_patches.apply()
        kwargs.setdefault("camera_class", manim_patches.camera_class())
        self._given_example = example
        self.example: Example
        self.narration: list[str] = []
        self._title_to_fade: Mobject | None = None
        self._open_beat: tuple[str, str, float] | None = None  # name, narration, start time
        self._cut_from: float | None = None  # the start of a beat the example leaves out
        # ATTENTION_VOICE=1: each beat's narration is spoken, and the beat lasts until it ends.
        self._speaker = self.speech_service()
        self._spoken_seconds = 0.0  # the open beat's speech and the pause after it
        self._speech_seconds = 0.0  # the open beat's speech alone
        self._holds = False  # whether the open beat holds its result (beat())
        self._cues: list[tuple[float, str]] = []  # the open beat's spoken cues: (offset, text)
        self._last_change = 0.0  # when the last animation that is not a wait ended (seconds)
        # Every spoken clip: (start in seconds of the scene, clip).
        self.voice_clips: list[tuple[float, voice.Clip]] = []
        # Every beat once it has ended: (name, narration, start, end) in seconds of the scene.
        self.beats: list[tuple[str, str, float, float]] = []
        # For each beat of self.beats: when its picture settled (its last animation that is not
        # a wait ended; its start if none) and whether it holds its result (see beat()).
        self.settled: list[tuple[float, bool]] = []
        with example_video_dir():  # the folder of this example's videos (the renderer's too)
            super().__init__(**kwargs)

    def speech_service(self) -> voice.SpeechService | None:
        """The voice that says this scene's narration, or None (a silent video): Piper
        (:class:`voice.Speaker`) when ``ATTENTION_VOICE`` is on. Another voice is a subclass
        returning another :class:`voice.SpeechService`."""
        if not settings().voice:
            return None
        return voice.Speaker(voice.cache_dir(settings().cache_home), voice.voice_settings(settings().pace))

    def setup(self) -> None:
        """Load and check the example before anything is drawn or written."""
        self.example = self._given_example or settings().load_example()

    def render(self, preview: bool = False) -> Any:
        """Render; a bad example ends the run with its message and writes no video."""
        try:
            result = super().render(preview)
            self._rendered()
            if self._speaker is not None and self.voice_clips:
                voice.mux_scene_track(getattr(self.renderer.file_writer, "movie_file_path", None))
            return result
        except AttentionInputError as error:
            print(contract.cannot_render(type(self).__name__, error), file=sys.stderr)
            if settings().refusal_file is not None:  # the renderer reports it (its message again)
                contract.write_refusal(settings().refusal_file, type(self).__name__, error)
            raise SystemExit(1) from None

    def beat(self, name: str, narration: str, spoken: str | None = None, hold: bool | None = None) -> None:
        """Start a beat: a section called ``name`` whose subtitle is ``narration``.

        A beat is measured, not declared: it lasts from this call to the next beat (or the
        end of the scene), and its subtitle spans exactly that. It lasts at least the time
        it takes to read ``narration`` (:func:`reading_seconds`): when its animations are
        shorter, the picture holds at the end of the beat. Rendered as slides, the beat
        starts a slide with ``narration`` as presenter notes.

        A beat whose narration says a decimal number (:func:`says_a_result`) exists to show a
        result: its settled picture then stays, unchanged, :data:`style.RESULT_HOLD` seconds
        after its sentence ends (read or spoken) and after its last animation. ``hold`` says
        otherwise where the numbers are not the point (False) or a result has none (True).

        With ``ATTENTION_VOICE=1`` the narration is also spoken from the beat's start (as
        :func:`voice.spoken_form` prepares it, or ``spoken`` where it must differ), and the
        beat lasts at least the speech and a short pause (or the hold after the speech).
        """
        self._end_beat()
        if self._cut(name):
            return
        self._start_part(name, notes=narration)
        self.narration.append(narration)
        self._open_beat = (name, narration, self.renderer.time)
        self._holds = says_a_result(narration) if hold is None else hold
        self._spoken_seconds = 0.0
        self._speech_seconds = 0.0
        self._cues = []
        if self._speaker is not None and (spoken or narration):
            self._speak(narration, spoken)
        card, self._title_to_fade = self._title_to_fade, None
        if card is not None:
            # The title card left up by show_title_card (slides) fades as this slide starts.
            self.play(FlatFadeOut(card), run_time=style.TITLE_FADE)

    def _cut(self, name: str) -> bool:
        """Start beat ``name`` unseen when the example leaves it out (``skip_beats``): its
        animations still run, so the next beat starts from their end, but nothing is written;
        no subtitle, slide or narration; its time is given back as it ends (:meth:`_end_beat`)."""
        steps = (type(self).__name__, type(self).__module__.rpartition(".")[2])  # class, module
        if not skips_beat(self.example, steps, name):
            return False
        self._start_part(name, skip=True)
        self._cut_from = self.renderer.time
        return True

    def play(self, *animations: Any, **kwargs: Any) -> None:
        """manim's ``play``, noting when the picture last changed (a ``wait`` does not)."""
        super().play(*animations, **kwargs)
        if not all(isinstance(a, Wait) for a in animations if isinstance(a, Animation)):
            self._last_change = self.renderer.time

    def _speak(self, narration: str, spoken: str | None) -> None:
        """Say the open beat's narration from now: each of its subtitle cues (2 lines of 42
        characters, :func:`cues.cue_texts`) as a clip of its own, the voice's sentence pause
        apart, so that each cue is shown while it is said (``spoken``, when given, is one clip)."""
        assert self._speaker is not None
        pause = self._speaker.settings.sentence_pause
        said = self._cue_clips(narration) if not spoken else [(spoken, self._speaker.speak(spoken))]
        offset = 0.0
        for k, (text, clip) in enumerate(said):
            if k:
                offset += pause
            at = self.renderer.time + offset
            self.voice_clips.append((at, clip))
            if not self._skipping_the_scene():
                # not self.add_sound: it drops the clip whenever the last animation came from
                # manim's partial-movie cache (the renderer then skips until the next play)
                self.renderer.file_writer.add_sound(str(clip.path), at)
            if not spoken:
                self._cues.append((offset, text))
            offset += clip.seconds
        self._speech_seconds = offset
        self._spoken_seconds = offset + voice.PAUSE_AFTER

    def _cue_clips(self, narration: str) -> list[tuple[str, voice.Clip]]:
        """``narration``'s cues (the fewest of 2 lines of 42 characters whose speech lasts
        less than :data:`cues.MAX_CUE_SECONDS`), each with its clip."""
        assert self._speaker is not None
        longest = cues.MAX_CUE_SECONDS - self._speaker.settings.sentence_pause
        texts = [t.replace("\n", " ") for t in cues.cue_texts(narration)]
        while True:
            said = [(text, self._speaker.speak(text)) for text in texts]
            if max(clip.seconds for _, clip in said) <= longest or len(texts) >= len(narration.split()):
                return said
            texts = [t.replace("\n", " ") for t in cues.cue_texts(narration, at_least=len(texts) + 1)]

    def _end_beat(self) -> None:
        """Close the open beat: hold until its narration could be read (and its result seen,
        see :meth:`beat`), then lay its subtitle over exactly the time it took."""
        if self._cut_from is not None:  # a beat left out: as if it had never played
            self.renderer.time, self._cut_from = self._cut_from, None
            return
        if self._open_beat is None:
            return
        name, narration, start = self._open_beat
        self._open_beat = None
        animated = max(0.0, self._last_change - start)  # until the picture settled
        short = self._beat_seconds(narration, animated) - (self.renderer.time - start)
        if short > 1e-6:
            self.wait(short)
        length = self.renderer.time - start
        self.beats.append((name, narration, start, start + length))
        self.settled.append((start + animated, self._holds))
        if narration and length > 0:
            self._add_subtitles(narration, length)

    def _add_subtitles(self, narration: str, length: float) -> None:
        """The beat just ended (``length`` seconds long, up to now): its narration as one
        subtitle over the beat, or, spoken, each of its cues from its own speech's start to
        the next one's (the last to the beat's end, or :data:`cues.MAX_CUE_SECONDS`
        after its start when that is sooner)."""
        if not self._cues:
            self.add_subcaption(narration, duration=length, offset=-length)
            return
        starts = [offset for offset, _ in self._cues]
        for (offset, text), end in zip(self._cues, [*starts[1:], length], strict=True):
            if end == length:
                end = min(end, max(offset + cues.MAX_CUE_SECONDS, self._speech_seconds))
            self.add_subcaption(text, duration=end - offset, offset=offset - length)

    def _beat_seconds(self, narration: str, animated: float) -> float:
        """How long a beat saying ``narration`` must last at least, its animations having
        taken ``animated`` seconds: until it is read and spoken (and the pause after the
        speech), or, for a beat that holds its result, :data:`style.RESULT_HOLD` after the
        later of its sentence's end and its last animation's end."""
        if not self._holds:
            return max(reading_seconds(narration), self._spoken_seconds)
        said = max(reading_seconds(narration), self._speech_seconds)
        return max(said, animated) + style.RESULT_HOLD

    def tear_down(self) -> None:
        """End the last beat before the scene ends (the sound track too, when spoken)."""
        self._end_beat()
        self._end_parts()
        if self.voice_clips and not self._skipping_the_scene():
            sound.pad_track(self.renderer.file_writer, self.renderer.time)
            sound.take_track(self.renderer.file_writer)  # encoded once, by render() below
        super().tear_down()

    def _start_part(self, name: str, notes: str = "", skip: bool = False) -> None:
        """Start the part of the video a beat called ``name`` is (a manim section; ``skip``: a
        beat the example leaves out, not written). The slide variant starts a slide whose
        presenter notes are ``notes`` (:class:`attention_manim.slides.SlideBeats`)."""
        self.next_section(name, skip_animations=skip)

    def _end_parts(self) -> None:
        """The scene ends, its last beat ended: nothing more for a video (the slide variant
        notes its last slide's frame)."""

    def _rendered(self) -> None:
        """The scene is rendered: nothing more for a video (the slide variant keeps each slide's
        last frame beside the slide's video)."""

    def _skipping_the_scene(self) -> bool:
        """Whether the whole scene is built without writing video (the tests' harness, -s)."""
        return bool(getattr(self.renderer, "_original_skipping_status", self.renderer.skip_animations))

    def keep(self, *groups: Mobject) -> None:
        """Make ``groups`` scene members in place of their parts, which an animation such as
        ``GrowArrow(group.arrow)`` added one by one, so that updaters on a group run."""
        for group in groups:
            self.remove(*group.submobjects)
            self.add(group)

    def show_title_card(self) -> None:
        """Open on the scene's title and the example's title."""
        subtitle = self.subtitle or self.example.title
        card = title_card(self.title, subtitle)
        self.beat("title", "")  # the card says it: no subtitle, and the first cue comes after it
        self.play(FlatFadeIn(card, shift=0.2 * UP), run_time=style.TITLE_FADE)
        self.wait(title_card_hold(self.title, subtitle))
        if self.title_card_stays:  # a slide keeps the card up until the presenter moves on
            self._title_to_fade = card
            return
        self.play(FlatFadeOut(card), run_time=style.TITLE_FADE)

