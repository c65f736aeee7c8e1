"""The narration track through the render pipeline: one AAC track across joined steps
(attention_explainer/render/join.py), the voiced scene base, and ``render --voice``."""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from attention_explainer.render import join

RATE = join.AUDIO_RATE
FPS = 15
PROJECT_DIR = Path(__file__).resolve().parents[1]


def write_silent_video(path: Path, frames: int) -> Path:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=FPS, options={"crf": "30"})
        stream.width, stream.height, stream.pix_fmt = 32, 18, "yuv420p"
        for i in range(frames):
            image = np.full((18, 32, 3), 10 * i % 250, np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def clicks(track: np.ndarray, threshold: float = 0.2) -> list[float]:
    """The times (s) where the track jumps above ``threshold`` after at least 0.1 s below it."""
    loud = np.flatnonzero(np.abs(track) > threshold)
    if len(loud) == 0:
        return []
    starts = loud[np.r_[True, np.diff(loud) > RATE // 10]]
    return [round(s / RATE, 4) for s in starts]


def click_track(seconds: float, at: list[float]) -> np.ndarray:
    track = np.zeros(round(seconds * RATE), np.float32)
    for t in at:
        track[round(t * RATE):round(t * RATE) + 100] = 0.5
    return track


def audio_seconds(path: Path) -> float:
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        return float(stream.duration * stream.time_base)


def test_place_tracks_puts_each_at_its_segment_start_and_fills_the_rest_with_silence() -> None:
    durations = [Fraction(2), Fraction(1, 3), Fraction(3, 2)]
    tracks = [click_track(2.5, [0.5, 2.2]), None, click_track(1.0, [0.25])]
    placed = join.place_tracks(tracks, durations)
    assert len(placed) == round(float(sum(durations)) * RATE)
    # 2.2 s lies past the first segment's end: cut; the third starts at 2 + 1/3 s
    assert clicks(placed) == [0.5, round(2 + 1 / 3 + 0.25, 4)]


def test_joined_video_carries_one_track_aligned_with_every_step(tmp_path: Path) -> None:
    videos = [write_silent_video(tmp_path / f"s{i}.mp4", n) for i, n in enumerate([31, 20, 44])]
    infos = [join.probe(v) for v in videos]
    durations = [info.duration for info in infos]
    assert durations == [Fraction(31, 15), Fraction(20, 15), Fraction(44, 15)]
    tracks = [click_track(2.0, [0.0, 1.0]), None, click_track(4.0, [0.4, 2.95])]  # 2.95 s: past its end
    out = tmp_path / "joined.mp4"
    join.join_videos(infos, out, audio=join.place_tracks(tracks, durations))

    video_seconds = float(join.probe(out).duration)
    assert video_seconds == pytest.approx(95 / 15)
    assert audio_seconds(out) == pytest.approx(video_seconds, abs=1 / FPS)
    decoded = join.read_track(out)
    assert decoded is not None
    assert len(decoded) / RATE == pytest.approx(video_seconds, abs=1 / FPS)
    # each click where it was put, within a millisecond (the AAC encoder's delay is undone)
    expected = [0.0, 1.0, 51 / 15 + 0.4]
    assert clicks(decoded) == pytest.approx(expected, abs=0.001)

    for name in ("narration.m4a", "narration.wav"):
        join.write_audio(join.place_tracks(tracks, durations), tmp_path / name)
        alone = join.read_track(tmp_path / name)
        assert alone is not None and len(alone) / RATE == pytest.approx(video_seconds, abs=0.002)
        assert clicks(alone) == pytest.approx(expected, abs=0.001)
    # the narration as render writes it: the joined video's own packets, sound alone
    join.copy_sound(out, tmp_path / "copied.m4a")
    with av.open(str(tmp_path / "copied.m4a")) as copied:
        assert [s.type for s in copied.streams] == ["audio"]
    copied = join.read_track(tmp_path / "copied.m4a")
    assert copied is not None and np.array_equal(copied, decoded)
    assert clicks(copied) == pytest.approx(expected, abs=0.001)
    assert join.read_track(videos[0]) is None  # a step without sound has no audio stream


def test_the_scene_takes_its_track_from_manim_before_manim_encodes_it(tmp_path: Path) -> None:
    """sound.take_track: manim's sound track written as the WAV beside the movie, and manim left
    with none, so that its combine_to_movie does not encode and remux what mux_scene_track will."""
    from types import SimpleNamespace

    from pydub import AudioSegment

    from attention_manim import voice
    from attention_manim.manim_patches import sound

    clicks_at = [0.25, 1.5]
    samples = np.round(click_track(2.0, clicks_at) * 32767).astype("<i2")
    segment = AudioSegment(samples.tobytes(), frame_rate=RATE, sample_width=2, channels=1)
    writer = SimpleNamespace(includes_sound=True, audio_segment=segment,
                             movie_file_path=tmp_path / "Scene.mp4")
    assert sound.take_track(writer) == tmp_path / "Scene.wav"
    assert writer.includes_sound is False
    track, rate = voice.read_wav(tmp_path / "Scene.wav")
    assert rate == RATE and np.array_equal(np.round(track * 32768).astype("<i2"), samples)
    assert clicks(track) == pytest.approx(clicks_at, abs=0.001)
    (tmp_path / "Scene.wav").unlink()
    assert sound.take_track(writer) is None and not (tmp_path / "Scene.wav").exists()  # no sound left


# ------------------------------------------------------------------- the voiced scene base


def voiced_words_in_context(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache: Path,
                            speaker: type | None = None) -> tuple[object, object]:
    """WordsInContext built by the harness (animations skipped) with the voice on."""
    import dataclasses

    from scene_harness import build_scene

    from attention_manim.settings import settings
    from scenes import base
    from scenes.words_in_context import WordsInContext

    voiced = dataclasses.replace(settings(), voice=True, cache_home=cache)
    monkeypatch.setattr(base, "settings", lambda: voiced)
    if speaker is not None:
        monkeypatch.setattr(base.voice, "Speaker", speaker)
    example = voiced.load_example()
    tmp_path.mkdir(parents=True, exist_ok=True)
    return build_scene(WordsInContext, example, tmp_path, fresh=True), example


def test_each_beat_speaks_from_its_subtitle_start_waits_for_it_and_is_cached(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("piper", reason="the voice extra is not installed")
    from scene_harness import subtitles

    from attention_manim.voice import PAUSE_AFTER, read_wav
    from scenes.style import RESULT_HOLD

    built, _ = voiced_words_in_context(tmp_path / "a", monkeypatch, tmp_path / "cache")
    scene = built.scene
    cues = subtitles(built)
    narrated = [(b, settled) for b, settled in zip(scene.beats, scene.settled, strict=True) if b[1]]
    assert len(narrated) == 6
    # each cue (2 lines of 42 characters) is a clip of its own, spoken from the cue's start
    assert len(scene.voice_clips) == len(cues) > 6
    for (start, end, text), (clip_start, clip) in zip(cues, scene.voice_clips, strict=True):
        samples, rate = read_wav(clip.path)
        assert clip.seconds == pytest.approx(len(samples) / rate)
        assert clip_start == pytest.approx(start, abs=1e-5)  # spoken from the subtitle's start (to its µs)
        assert clip.path == scene._speaker.clip_path(text)  # that cue's words, said alone
        assert end - start >= clip.seconds - 1e-6  # up while it is said
        assert end - start <= max(7.0, clip.seconds) + 1e-6
    for (_, narration, start, end), (settled, holds) in narrated:
        mine = [(a, b, t) for a, b, t in cues if start - 1e-3 <= a < end - 1e-3]
        assert " ".join(t for _, _, t in mine) == narration  # the beat's cues say its line, in order
        spoken = [c for at, c in scene.voice_clips if start - 1e-3 <= at < end - 1e-3]
        speech_end = max(at + c.seconds for at, c in scene.voice_clips if start - 1e-3 <= at < end - 1e-3)
        # the beat waited for its speech: a pause after it, or its result held RESULT_HOLD
        assert end - speech_end >= (RESULT_HOLD if holds else PAUSE_AFTER) - 1e-6
        if holds:
            assert end - max(speech_end, settled) >= RESULT_HOLD - 1e-6
        assert len(spoken) == len(mine)
    # the beat that speaks longest and holds nothing lasts its speech and the pause (to the frame)
    plain = [(b[2], b[3], max(at + c.seconds for at, c in scene.voice_clips
                              if b[2] - 1e-3 <= at < b[3] - 1e-3))
             for b, (_, holds) in narrated if not holds]
    start, end, speech_end = max(plain, key=lambda p: p[2] - p[0])
    assert end - start == pytest.approx(speech_end - start + PAUSE_AFTER, abs=1 / 15)

    made = scene._speaker.synthesised
    files = {p: p.stat().st_mtime_ns for p in (tmp_path / "cache").rglob("*.wav")}
    assert made == len(files) >= len(cues)  # and a cue too long to say in 7 s, said again in two
    again, _ = voiced_words_in_context(tmp_path / "b", monkeypatch, tmp_path / "cache")
    assert again.scene._speaker.synthesised == 0  # a re-render synthesises nothing
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "cache").rglob("*.wav")} == files
    assert again.scene.voice_clips == scene.voice_clips


# ------------------------------------------------------------------------- render --voice


def test_render_voice_gives_every_step_and_the_joined_video_one_aligned_track(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("piper", reason="the voice extra is not installed")
    from attention_explainer.render import RenderOptions, render

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the manim processes' clip cache
    options = RenderOptions(example="apple", quality="l", jobs=1, only=("words_in_context",),
                            media_dir=tmp_path / "media", resolution=(160, 90), fps=5, voice=True)
    result = render(options, progress=lambda line: None)
    assert result.out_dir.name == "90p5-voice" and result.video is not None
    clips = sorted((tmp_path / "cache").rglob("*.wav"))
    assert len(clips) > 6  # one clip a cue (6 beats, some of two cues), the title card says nothing
    check_voiced_render(result, tmp_path / "cache", fps=5)

    # again, every animation from manim's partial-movie cache (manim then skips until the
    # next play, and Scene.add_sound drops what is added meanwhile): the same sound, no synthesis
    options.force = True
    lines: list[str] = []
    again = render(options, progress=lines.append)
    assert any("done   2/" in line for line in lines)  # manim ran (words_in_context is step 2)
    assert {p: p.stat().st_mtime_ns for p in clips} == {p: p.stat().st_mtime_ns for p in
                                                         (tmp_path / "cache").rglob("*.wav")}
    check_voiced_render(again, tmp_path / "cache", fps=5)


def check_voiced_render(result: object, cache: Path, fps: int) -> None:
    """Sound as long as the picture in the step clip, the joined video and the narration; each
    beat's clip found by cross-correlation where its subtitle starts, to 2 ms."""
    import srt

    from attention_manim.voice import Speaker, cache_dir

    step = result.out_dir / "steps" / "02-words_in_context.mp4"
    video_seconds = float(join.probe(step).duration)
    for path in (step, result.video, result.files["narration"]):
        track = join.read_track(path)
        assert track is not None, f"{path.name} has no sound"
        assert audio_seconds(path) == pytest.approx(video_seconds, abs=1 / fps), path.name
        assert len(track) / RATE == pytest.approx(video_seconds, abs=1 / fps), path.name

    track = join.read_track(result.video)
    cues = list(srt.parse(result.video.with_suffix(".srt").read_text(encoding="utf-8")))
    speaker = Speaker(cache_dir(cache))
    # every cue is said by a clip of its own words (no cue is split by its share of characters)
    beats = [srt.Subtitle(c.index, c.start, c.end, c.content.replace("\n", " ")) for c in cues]
    assert all(speaker.clip_path(cue.content).exists() for cue in beats) and len(beats) > 6
    for cue in beats:
        clip = join.read_track(speaker.clip_path(cue.content))
        assert clip is not None
        margin = RATE // 2
        start = round(cue.start.total_seconds() * RATE)
        window = track[start - margin:start + len(clip) + margin]
        assert np.abs(window[margin:margin + len(clip)]).max() > 0.3, f"{cue.content!r} is silent"
        n = len(window) + len(clip)
        scores = np.fft.irfft(np.fft.rfft(window, n) * np.conj(np.fft.rfft(clip, n)), n)
        scores = scores[:len(window) - len(clip)]
        found = (int(np.argmax(scores)) - margin) / RATE
        assert abs(found) < 0.002, f"{cue.content!r} starts {found:+.3f} s from its subtitle"
        # the cue is up while it is said, but for the 2 frames between cues beyond the pause
        # between two clips (a 5 fps test: 0.4 s against 0.3) and manim's rounding to frames
        assert cue.end.total_seconds() - cue.start.total_seconds() >= len(clip) / RATE - 2 / fps
        assert cue.end.total_seconds() - cue.start.total_seconds() <= max(7.0, len(clip) / RATE) + 1e-3


def test_without_voice_nothing_is_spoken_and_the_step_hash_differs(tmp_path: Path) -> None:
    from attention_explainer.render import RenderOptions, _plan
    from scenes.story import STORY, find_step

    example = PROJECT_DIR / "assets" / "examples" / "apple.toml"
    words = find_step("words_in_context")
    silent = _plan(RenderOptions(media_dir=tmp_path), STORY, words, example, "apple")
    spoken = _plan(RenderOptions(media_dir=tmp_path, voice=True), STORY, words, example, "apple")
    assert silent.env["ATTENTION_VOICE"] == "0" and spoken.env["ATTENTION_VOICE"] == "1"
    assert silent.fingerprint != spoken.fingerprint
    assert silent.video.parent.parent.name == "words_in_context"
    assert spoken.video.parent.parent.name == "words_in_context-voice"
    assert RenderOptions(voice=True).variant == "1080p60-voice" and RenderOptions().variant == "1080p60"


def test_render_voice_without_the_extra_fails_at_once_with_the_install_command(tmp_path: Path) -> None:
    code = ("import sys; sys.modules['piper'] = None\n"
            "from attention_explainer.cli import main\n"
            f"sys.exit(main(['render', '--voice', '--only', '1', '--media-dir', {str(tmp_path)!r}]))\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "attention-explainer: --voice needs the optional voice extra (piper-tts not installed). "
        "Install it with: make video VOICE=1  (or: .venv/bin/pip install -e '.[voice]')")
    assert list(tmp_path.iterdir()) == []  # nothing rendered, nothing written


def test_a_scene_speaks_through_the_speech_service_its_class_chooses(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ExplainerScene.speech_service is the one place a voice is chosen: a subclass returning
    another service (here a recorded voice: a silent clip a tenth of a second per word) is asked
    for every cue, in order, and the scene places its clips and waits for them."""
    import dataclasses

    from scene_harness import build_scene, subtitles

    from attention_manim import voice
    from attention_manim.settings import settings
    from scenes import base
    from scenes.words_in_context import WordsInContext

    class Recorded:
        settings = voice.VoiceSettings()

        def __init__(self) -> None:
            self.asked: list[str] = []

        def speak(self, text: str) -> voice.Clip:
            self.asked.append(text)
            seconds = 0.1 * len(text.split())
            path = tmp_path / f"clip-{len(self.asked)}.wav"
            voice.write_wav(path, np.zeros(round(seconds * 8000)), 8000)
            return voice.Clip(path, seconds)

    recorded = Recorded()

    class RecordedWordsInContext(WordsInContext):
        def speech_service(self) -> voice.SpeechService:
            return recorded

    voiced = dataclasses.replace(settings(), voice=True, cache_home=tmp_path / "cache")
    monkeypatch.setattr(base, "settings", lambda: voiced)
    (tmp_path / "built").mkdir()
    built = build_scene(RecordedWordsInContext, voiced.load_example(), tmp_path / "built", fresh=True)
    cues = subtitles(built)
    assert recorded.asked == [text for _, _, text in cues] and len(cues) > 6
    assert [clip.path.name for _, clip in built.scene.voice_clips] == [
        f"clip-{i}.wav" for i in range(1, len(cues) + 1)]
    for (start, end, _), (at, clip) in zip(cues, built.scene.voice_clips, strict=True):
        assert at == pytest.approx(start, abs=1e-5) and end - start >= clip.seconds - 1e-6
