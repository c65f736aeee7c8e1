"""A spoken render's slide decks speak: every slide of the HTML deck and the PPTX plays its beat's
voice from the slide's first frame; the slides together play the step's whole track."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from attention_explainer.render import RenderOptions, join, render
from attention_manim import audio
from attention_manim.cues import cue_texts

RATE = audio.AUDIO_RATE


def offset_of(clip: np.ndarray, track: np.ndarray, margin: int) -> float:
    """Where ``clip`` best matches ``track`` (padded with ``margin`` samples of silence before),
    in seconds from ``track``'s start (cross-correlation)."""
    window = np.concatenate([np.zeros(margin, np.float32), track[:len(clip) + margin]])
    n = len(window) + len(clip)
    scores = np.fft.irfft(np.fft.rfft(window, n) * np.conj(np.fft.rfft(clip, n)), n)[:len(window) - len(clip)]
    return (int(np.argmax(scores)) - margin) / RATE


@pytest.fixture(scope="module")
def spoken_deck(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    pytest.importorskip("piper", reason="the voice extra is not installed")
    folder = tmp_path_factory.mktemp("narrated")
    cache = folder / "cache"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(cache))  # the manim processes' clip cache
        options = RenderOptions(example="apple", quality="l", jobs=1, only=("words_in_context",),
                                media_dir=folder / "media", resolution=(160, 90), fps=5, voice=True,
                                slides=True, transcript=False)
        result = render(options, progress=lambda line: None)
    return {"result": result, "cache": cache}


def test_every_slide_of_the_html_deck_speaks_its_beat_from_its_start(spoken_deck: dict[str, object]) -> None:
    from attention_manim.voice import Speaker, cache_dir

    result = spoken_deck["result"]
    stem = result.video.stem
    slides_dir = result.runs[0].slides_dir
    slides = json.loads((slides_dir / f"{result.runs[0].step.scene}.json").read_text())["slides"]
    page = (result.out_dir / f"{stem}.slides.html").read_text()
    assets = [result.out_dir / name for name in
              __import__("re").findall(r'data-background-video="([^"]+)"', page)]
    assert len(assets) == len(slides) == 7
    speaker = Speaker(cache_dir(spoken_deck["cache"]))
    tracks = []
    for slide, asset in zip(slides, assets, strict=True):
        track = audio.read_track(asset)
        assert track is not None, f"{asset.name} is silent"
        assert len(track) / RATE == pytest.approx(float(join.probe(asset).duration), abs=0.2)
        tracks.append(track)
        if slide["notes"]:
            # a beat's line is said cue by cue (cues.cue_texts), each a clip: its first starts the slide
            first = cue_texts(slide["notes"])[0].replace("\n", " ")
            clip = audio.read_track(speaker.clip_path(first))
            assert clip is not None, first
            # the slides' boundaries are whole frames of the render (5 fps here): within one frame
            assert abs(offset_of(clip, track, RATE // 2)) < 1 / 5, slide["notes"]
        else:  # the title card says nothing
            assert np.abs(track).max() < 0.01
    # played one after another, the slides play the step's own track
    step_track = audio.read_track(next((result.out_dir / "steps").glob("*-words_in_context.mp4")))
    joined = np.concatenate(tracks)
    assert len(joined) == pytest.approx(len(step_track), abs=RATE // 10)
    n = min(len(joined), len(step_track))
    assert np.sqrt(np.mean((joined[:n] - step_track[:n]) ** 2)) < 0.01


def test_the_pptx_embeds_the_voiced_slides_and_the_pdf_stays_silent(spoken_deck: dict[str, object],
                                                                     tmp_path: Path) -> None:
    result = spoken_deck["result"]
    stem = result.video.stem
    with zipfile.ZipFile(result.out_dir / f"{stem}.slides.pptx") as deck:
        movies = sorted(n for n in deck.namelist() if n.startswith("ppt/media/") and n.endswith(".mp4"))
        assert len(movies) == 7
        loud = 0
        for name in movies:
            target = tmp_path / Path(name).name
            target.write_bytes(deck.read(name))
            track = audio.read_track(target)
            assert track is not None, name
            loud += np.abs(track).max() > 0.3
    assert loud == 6  # every slide but the title card's
    # the silent slides are left as manim-slides wrote them (the PDF handout reads those)
    silent = json.loads((result.runs[0].slides_dir / f"{result.runs[0].step.scene}.json").read_text())
    assert all(audio.read_track(Path(s["file"]) if Path(s["file"]).is_absolute()
                                else result.runs[0].slides_dir / s["file"]) is None for s in silent["slides"])
    assert not list(result.out_dir.glob(".*voiced-slides*"))
