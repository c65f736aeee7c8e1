"""The renderer behind ``make video``: join, subtitles, chapters, stills, cache, failures.

Fast on purpose: the join is checked on tiny synthetic videos written with PyAV, and the
renderer end to end on a story of two tiny scenes (a few frames at 160x90) written into a
temporary folder, plus one real step (the cosine scene) at a tiny size.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import json
import os
import re
import signal
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pypdf
import pytest
import srt
from PIL import Image
from tiny_render import FPS, tiny_options, tiny_story, write_example

from attention_content.examples import output_name
from attention_explainer import pdf_fonts
from attention_explainer.axe import run_axe
from attention_explainer.cli import main
from attention_explainer.render import RenderError, join, pack, render
from attention_manim import slide_frames
from scenes import style
from scenes.base import title_card_hold
from scenes.story import STORY, Step, find_step

# ------------------------------------------------------------------- synthetic videos


def write_video(path: Path, colours: list[tuple[int, int, int]], fps: int = FPS, box: bool = True) -> Path:
    """An h264 mp4 (with B-frames, as manim writes) whose frame i is filled with colours[i]
    (with a box in the negative colour in the middle unless ``box`` is false)."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps, options={"crf": "23"})
        stream.width, stream.height, stream.pix_fmt = 64, 36, "yuv420p"
        for colour in colours:
            image = np.zeros((36, 64, 3), np.uint8)
            image[:, :] = colour
            if box:
                image[10:26, 20:44] = 255 - np.array(colour)  # something that is not background
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def decoded_colours(path: Path) -> list[tuple[int, int, int]]:
    with av.open(str(path)) as container:
        return [tuple(int(c) for c in frame.to_ndarray(format="rgb24")[2, 2])
                for frame in container.decode(video=0)]


def write_srt(path: Path, cues: list[tuple[float, float, str]]) -> Path:
    subtitles = [srt.Subtitle(i + 1, srt.timedelta(seconds=a), srt.timedelta(seconds=b), text)
                 for i, (a, b, text) in enumerate(cues)]
    path.write_text(srt.compose(subtitles), encoding="utf-8")
    return path


COLOURS = [(200, 30, 30), (30, 200, 30), (30, 30, 200)]
LENGTHS = [7, 11, 5]


@pytest.fixture(scope="module")
def segments(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("segments")
    return [write_video(folder / f"s{i}.mp4", [colour] * n)
            for i, (colour, n) in enumerate(zip(COLOURS, LENGTHS, strict=True))]


def test_join_copies_every_frame_in_order_and_durations_add_up(segments: list[Path], tmp_path: Path) -> None:
    infos = [join.probe(s) for s in segments]
    assert [i.frames for i in infos] == LENGTHS
    assert [i.duration for i in infos] == [Fraction(n, FPS) for n in LENGTHS]
    chapters = join.chapter_times(infos, ["One", "Two", "Three"], ["a", "b", "c"])
    out = tmp_path / "full.mp4"
    join.join_videos(infos, out, chapters)

    full = join.probe(out)
    assert full.frames == sum(LENGTHS)
    assert abs(full.duration - sum(i.duration for i in infos)) <= Fraction(1, FPS)
    expected = [c for c, n in zip(COLOURS, LENGTHS, strict=True) for _ in range(n)]
    got = decoded_colours(out)
    assert len(got) == len(expected)
    assert all(np.abs(np.subtract(g, e)).max() < 40 for g, e in zip(got, expected, strict=True)), \
        "frames out of order or re-encoded badly"
    # Not re-encoded: the joined file holds the segments' packets, byte for byte.
    with av.open(str(out)) as joined:
        joined_sizes = [p.size for p in joined.demux(video=0) if p.size]
    segment_sizes = []
    for s in segments:
        with av.open(str(s)) as c:
            segment_sizes += [p.size for p in c.demux(video=0) if p.size]
    assert joined_sizes == segment_sizes


def test_chapters_follow_the_segments_and_are_in_the_container(segments: list[Path], tmp_path: Path) -> None:
    infos = [join.probe(s) for s in segments]
    chapters = join.chapter_times(infos, ["One", "Two", "Three"])
    assert [c.start for c in chapters] == [0.0, 0.7, 1.8]
    assert [c.end for c in chapters] == [0.7, 1.8, 2.3]
    assert all(a.end == b.start for a, b in zip(chapters, chapters[1:], strict=False))
    out = tmp_path / "full.mp4"
    join.join_videos(infos, out, chapters)
    with av.open(str(out)) as container:
        stored = container.chapters()
    assert [c["metadata"].get("title") for c in stored] == ["One", "Two", "Three"]
    assert [float(c["start"] * c["time_base"]) for c in stored] == pytest.approx([0.0, 0.7, 1.8])
    assert join.chapters_text(chapters) == "0:00 One\n0:00 Two\n0:01 Three\n"
    assert join.timestamp(3725.2) == "1:02:05"
    assert join.timestamp(61) == "1:01"


def test_subtitles_are_shifted_clipped_and_well_formed(segments: list[Path], tmp_path: Path) -> None:
    infos = [join.probe(s) for s in segments]
    chapters = join.chapter_times(infos, ["One", "Two", "Three"])
    files = [
        write_srt(tmp_path / "a.srt", [(0.0, 0.5, "first"), (0.4, 0.9, "runs past its scene")]),
        None,  # a step without narration
        write_srt(tmp_path / "c.srt", [(0.1, 0.3, "third")]),
    ]
    cues = list(srt.parse(join.join_subtitles(files, chapters)))
    assert [c.index for c in cues] == [1, 2, 3]
    assert [c.content for c in cues] == ["first", "runs past its scene", "third"]
    seconds = [t for c in cues for t in (c.start.total_seconds(), c.end.total_seconds())]
    assert seconds == pytest.approx([0.0, 0.4, 0.4, 0.7, 1.9, 2.1])  # overlap cut, clipped
    assert seconds == sorted(seconds)


def test_join_refuses_segments_that_do_not_match(segments: list[Path], tmp_path: Path) -> None:
    other = write_video(tmp_path / "fast.mp4", [(9, 9, 9)] * 4, fps=25)
    with pytest.raises(ValueError, match="time_base|differs"):
        join.join_videos([join.probe(segments[0]), join.probe(other)], tmp_path / "x.mp4")


def test_key_frame_is_the_last_frame_that_shows_something(tmp_path: Path) -> None:
    frames = [(200, 30, 30)] * 6 + [(16, 20, 24)] * 50  # content, then 5 s of blank background
    path = tmp_path / "fades.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = 64, 36, "yuv420p"
        for i, colour in enumerate(frames):
            image = np.full((36, 64, 3), (16, 20, 24), np.uint8)
            if i < 6:
                image[10:26, 20:44] = colour
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    still = np.asarray(join.key_frame(path))
    assert np.abs(still[18, 32].astype(int) - (200, 30, 30)).max() < 40


# ------------------------------------------------------------------- a story of tiny scenes
# (tests/tiny_render.py)

@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The tiny story rendered once (cold, 2 jobs); later tests re-render it."""
    folder = tmp_path_factory.mktemp("tiny")
    story = tiny_story(folder, "tiny_square", "tiny_circle")
    example = write_example(folder / "tiny.toml")
    lines: list[str] = []
    result = render(tiny_options(folder / "media", example), story, progress=lines.append)
    return {"folder": folder, "story": story, "example": example, "name": output_name(example),
            "result": result, "lines": lines}


def test_render_joins_the_story_with_subtitles_chapters_and_stills(tiny: dict[str, object]) -> None:
    result = tiny["result"]
    out = result.out_dir
    assert out.parts[-3:] == ("explainer", tiny["name"], "90p10")
    video = out / f"attention-explainer-{tiny['name']}.mp4"
    assert result.video == video and video.exists()
    segments = [join.probe(run.video) for run in result.runs]
    full = join.probe(video)
    assert abs(full.duration - sum(s.duration for s in segments)) <= Fraction(1, FPS)
    assert full.frames == sum(s.frames for s in segments)

    chapters = json.loads((out / f"attention-explainer-{tiny['name']}.chapters.json").read_text())["chapters"]
    assert [c["title"] for c in chapters] == ["The square", "The circle"]
    starts = [c["start"] for c in chapters]
    assert starts == sorted(starts) and starts[0] == 0
    for chapter, segment in zip(chapters, segments, strict=True):
        assert chapter["end"] - chapter["start"] == pytest.approx(float(segment.duration), abs=1e-3)
    assert chapters[-1]["end"] == pytest.approx(float(full.duration), abs=1e-3)
    assert (out / f"attention-explainer-{tiny['name']}.chapters.txt").read_text().splitlines() == [
        "0:00 The square", "0:02 The circle"]

    cues = list(srt.parse((out / f"attention-explainer-{tiny['name']}.srt").read_text()))
    # a title card has no subtitle: the card says it
    assert [c.content for c in cues] == ["A square for Tiny example.", "It fades.", "A circle grows.",
                                         "And rests."]
    assert all(c.start < c.end <= srt.timedelta(seconds=full.seconds) for c in cues)
    assert all(a.end <= b.start for a, b in zip(cues, cues[1:], strict=False))
    circle_cue = cues[2].start.total_seconds()  # after the circle's title card
    card = 2 * style.TITLE_FADE + title_card_hold("Circle", "Tiny example")
    assert circle_cue == pytest.approx(chapters[1]["start"] + card, abs=1.0 / FPS)

    for name in ("01-tiny_square", "02-tiny_circle"):
        assert (out / "stills" / f"{name}.png").exists()
        assert (out / "steps" / f"{name}.mp4").exists()
    manifest = json.loads((out / f"attention-explainer-{tiny['name']}.manifest.json").read_text())
    assert [s["module"] for s in manifest["steps"]] == ["tiny_square", "tiny_circle"]
    # the transcript: chapters as headings, every narrated beat with its frame and alt text
    page = (out / f"attention-explainer-{tiny['name']}.transcript.html").read_text()
    assert re.findall(r"<h2 [^>]*>(.*?)</h2>", page) == ["1. The square", "2. The circle"]
    assert [html.unescape(c) for c in re.findall(r"<figcaption>(.*?)</figcaption>", page)] == [
        c.content for c in cues]
    assert page.count('<img src="data:image/jpeg;base64,') == len(cues)
    text = (out / f"attention-explainer-{tiny['name']}.transcript.txt").read_text()
    assert text.startswith("Tiny example\n") and "2. The circle\n" in text and "And rests." in text
    assert not list(out.rglob(".*partial*"))
    lines = tiny["lines"]
    assert any("done   1/2 tiny_square" in line for line in lines)
    assert any("2 of 2 steps ready" in line for line in lines)


def vtt_cues(path: Path) -> list[tuple[float, float, str]]:
    """A WebVTT file's cues as (start, end, text), read independently of the writer."""
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    assert blocks[0].strip() == "WEBVTT"
    cues = []
    for block in blocks[1:]:
        lines = block.strip().split("\n")
        if not lines or not lines[0]:
            continue
        start, end = (sum(float(x) * 60**k for k, x in enumerate(reversed(t.split(":"))))
                      for t in lines[1].split(" --> "))
        cues.append((start, end, "\n".join(lines[2:])))
    return cues


def test_the_captions_travel_with_the_video(tiny: dict[str, object]) -> None:
    """The joined mp4 and each step's mp4 carry a mov_text track tagged "eng" with the .srt's
    cues (read back with PyAV); a .vtt of the same cues and a .chapters.vtt lie beside."""
    result = tiny["result"]
    out = result.out_dir
    for video in (result.video, out / "steps" / "01-tiny_square.mp4", out / "steps" / "02-tiny_circle.mp4"):
        expected = [(c.start.total_seconds(), c.end.total_seconds(), c.content)
                    for c in srt.parse(video.with_suffix(".srt").read_text(encoding="utf-8"))]
        codec, language, track = join.read_caption_track(video)
        assert (codec, language) == ("mov_text", "eng"), video.name
        assert [(c.start.total_seconds(), c.end.total_seconds(), c.content) for c in track] == expected
        assert vtt_cues(video.with_suffix(".vtt")) == expected
        assert len(expected) >= 2
        with av.open(str(video)) as container:  # the picture is still there, unchanged in length
            assert container.streams.video[0].frames == join.probe(video).frames > 0
    chapters = json.loads((out / f"{result.video.stem}.chapters.json").read_text())["chapters"]
    near = functools.partial(pytest.approx, abs=1e-3)
    assert vtt_cues(out / f"{result.video.stem}.chapters.vtt") == [
        (near(c["start"]), near(c["end"]), c["title"]) for c in chapters]


def test_burned_captions_are_drawn_under_the_picture_while_their_cue_is_up(tiny: dict[str, object]) -> None:
    """--burn-captions: the same frames, the picture scaled into the top 85%, and text in the
    band under it exactly while a cue of the .srt is up (none during the title card)."""
    from attention_explainer.render.burn import PICTURE_SCALE

    options = tiny_options(tiny["folder"] / "media", tiny["example"], burn_captions=True)
    result = render(options, tiny["story"], progress=lambda line: None)
    assert result.out_dir.name == "90p10-captions" and result.video is not None
    plain = tiny["result"].video
    assert join.probe(result.video).frames == join.probe(plain).frames
    cues = [(c.start.total_seconds(), c.end.total_seconds())
            for c in srt.parse(result.video.with_suffix(".srt").read_text(encoding="utf-8"))]
    top = round(90 * PICTURE_SCALE)
    inked, blank = 0, 0
    with av.open(str(result.video)) as container:
        for frame in container.decode(video=0):
            pixels = frame.to_ndarray(format="rgb24").astype(int)
            band = np.abs(pixels[top + 1:] - pixels[0, 0]).max(axis=2) > 60
            up = any(a + 0.05 < frame.time < b - 0.05 for a, b in cues)
            apart = all(frame.time < a - 0.05 or frame.time > b + 0.05 for a, b in cues)
            if up:
                assert band.sum() > 20, f"no caption at {frame.time:.2f} s"
                inked += 1
            elif apart:
                assert band.sum() == 0, f"a caption at {frame.time:.2f} s, between cues"
                blank += 1
    assert inked > 10 and blank > 5  # the title card's frames among them


def test_frames_of_the_joined_video_show_each_scene(tiny: dict[str, object]) -> None:
    """The square scene's frame at 0.5 s is yellow-ish, the circle scene's end is green-ish."""
    result = tiny["result"]
    with av.open(str(result.video)) as container:
        frames = {round(f.time, 1): f.to_ndarray(format="rgb24") for f in container.decode(video=0)}
    square = frames[0.5].reshape(-1, 3).astype(int)
    circle = frames[max(frames)].reshape(-1, 3).astype(int)
    assert (np.abs(square - (255, 209, 102)).max(axis=1) < 60).sum() > 20
    assert (np.abs(circle - (6, 214, 160)).max(axis=1) < 60).sum() > 20


def test_rerun_with_nothing_changed_renders_nothing(tiny: dict[str, object],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """No process is started at all (a manim run, an encoder, a converter): counted, not timed."""
    started: list[object] = []

    def no_process(*args: object, **kwargs: object) -> None:
        started.append(args)
        raise AssertionError(f"a process was started on a rerun: {args}")

    monkeypatch.setattr(subprocess, "Popen", no_process)
    monkeypatch.setattr(subprocess, "run", no_process)
    lines: list[str] = []
    video = tiny["result"].video
    before = video.stat().st_mtime_ns
    result = render(tiny_options(tiny["folder"] / "media", tiny["example"]), tiny["story"],
                    progress=lines.append)
    assert all(run.cached for run in result.runs)
    assert sum("cached" in line for line in lines) == 2
    assert video.stat().st_mtime_ns == before  # not even joined again
    assert started == []


def test_changing_the_example_renders_that_example_only(tiny: dict[str, object], tmp_path: Path) -> None:
    media, square = tiny["folder"] / "media", tiny["story"][:1]  # one step is enough here
    other = write_example(tmp_path / "other.toml", title="Another example")
    first = render(tiny_options(media, other), square, progress=lambda line: None)
    assert not any(run.cached for run in first.runs)
    write_example(tmp_path / "other.toml", title="Another example, changed")
    changed = render(tiny_options(media, other), square, progress=lambda line: None)
    assert not any(run.cached for run in changed.runs)
    assert "changed" in changed.files["subtitles"].read_text()
    again = render(tiny_options(media, tiny["example"]), tiny["story"], progress=lambda line: None)
    assert all(run.cached for run in again.runs)  # the first example was not touched


def test_a_failing_scene_stops_the_run_and_keeps_the_previous_video(tiny: dict[str, object],
                                                                      tmp_path: Path) -> None:
    good = write_example(tmp_path / "flaky.toml")
    media = tiny["folder"] / "media"
    first = render(tiny_options(media, good), tiny["story"], progress=lambda line: None)
    before = {p: p.read_bytes() for p in first.out_dir.rglob("*") if p.is_file()}
    write_example(good, dimensions=3, title="Broken")  # the circle scene needs planar words
    with pytest.raises(RenderError) as failure:
        render(tiny_options(media, good), tiny["story"], progress=lambda line: None)
    message = str(failure.value)
    assert "tiny_circle" in message and "exactly 2 numbers" in message  # the scene's own words
    assert "Traceback" not in message
    after = {p: p.read_bytes() for p in first.out_dir.rglob("*") if p.is_file()}
    assert after == before  # the video, its subtitles, the step clips (hard links): all as they were
    assert not list(first.out_dir.rglob(".*partial*"))
    write_example(good)  # fixed: the next run succeeds
    assert render(tiny_options(media, good), tiny["story"], progress=lambda line: None).video.exists()


def test_a_missing_scene_module_fails_unless_asked_to_skip_it(tmp_path: Path) -> None:
    story = tiny_story(tmp_path, "tiny_square")
    story += (Step("tiny_gone", "TinyGone", "Gone", source=tmp_path / "tiny_gone.py"),)
    options = tiny_options(tmp_path / "media", write_example(tmp_path / "x.toml"))
    with pytest.raises(RenderError, match=r"step 2 tiny_gone:TinyGone: .*tiny_gone.py does not exist"):
        render(options, story, progress=lambda line: None)
    lines: list[str] = []
    options.strict = False
    result = render(options, story, progress=lines.append)
    assert [s.module for s in result.skipped] == ["tiny_gone"]
    assert any("skip   2/2 tiny_gone" in line for line in lines)


def test_every_step_of_the_story_has_its_scene_module() -> None:
    for step in STORY:
        assert step.path.is_file(), step.path
        assert f"class {step.scene}(" in step.path.read_text(), step.spec


def test_a_crashing_scene_is_reported_by_its_error_and_where_in_the_code(tmp_path: Path) -> None:
    story = tiny_story(tmp_path, "tiny_broken")
    with pytest.raises(RenderError) as failure:
        render(tiny_options(tmp_path / "media", write_example(tmp_path / "x.toml")), story,
               progress=lambda line: None)
    message = str(failure.value)
    assert "step 1/1 tiny_broken failed" in message
    assert "ZeroDivisionError: division by zero" in message
    assert "tiny_broken.py:6 in spacing" in message and "in construct" in message
    assert "Traceback" not in message and "site-packages" not in message


def _processes_using(folder: Path) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if str(folder).encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_a_killed_render_leaves_no_partial_file_and_the_next_run_succeeds(tmp_path: Path) -> None:
    story = tiny_story(tmp_path, "tiny_square", "tiny_slow")
    example = write_example(tmp_path / "killed.toml")
    media = tmp_path / "media"
    steps = ", ".join(f"Step({s.module!r}, {s.scene!r}, {s.title!r}, source=Path({str(s.path)!r}))"
                      for s in story)
    code = (f"import sys; from pathlib import Path; from scenes.story import Step; "
            f"from attention_explainer.cli import main; sys.exit(main(sys.argv[1:], story=({steps},)))")
    args = ["render", "--example", str(example), "-q", "l", "-r", "160,90", "--fps", "10",
            "--media-dir", str(media), "--jobs", "2"]
    process = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.DEVNULL)
    name = output_name(example)  # the output folders' name: killed-<hash of its path>
    partials = media / "render" / "tiny_slow" / "videos" / name / "tiny_slow" / "90p10"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(partials.rglob("*.mp4"))) < 3:
        time.sleep(0.05)
    assert process.poll() is None, "the render ended before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    time.sleep(0.5)
    assert _processes_using(media) == [], "manim processes outlived the renderer"
    out = media / "explainer" / name / "90p10"
    assert not (out / f"attention-explainer-{name}.mp4").exists()

    lines: list[str] = []
    result = render(tiny_options(media, example), story, progress=lines.append)
    assert any("unfinished render" in line for line in lines)
    assert result.video.exists()
    assert join.probe(result.video).duration == sum(join.probe(r.video).duration for r in result.runs)


def test_a_real_step_renders(tmp_path: Path) -> None:
    """The cosine scene, rendered tiny through the command line, with its still."""
    code = main(["render", "--only", "cosine_similarity", "-q", "l", "-r", "160,90", "--fps", "5",
                 "--media-dir", str(tmp_path), "--example", "apple"])
    assert code == 0
    out = tmp_path / "explainer" / "apple" / "90p5"
    video = out / "attention-explainer-apple-cosine_similarity.mp4"
    assert join.probe(video).seconds > 10
    assert (out / "stills" / "03-cosine_similarity.png").exists()  # its number in the story
    cues = list(srt.parse((out / "attention-explainer-apple-cosine_similarity.srt").read_text()))
    assert len(cues) >= 5 and "apple" in " ".join(c.content for c in cues[:3])  # a line may span cues


def test_steps_are_found_by_module_class_or_number() -> None:
    assert find_step("cosine_similarity") is find_step("CosineSimilarity") is find_step("3")
    assert [s.module for s in STORY][:3] == ["opening", "words_in_context", "cosine_similarity"]
    assert STORY[-1].module == "recap" and find_step("recap") is find_step(str(len(STORY)))
    with pytest.raises(KeyError, match="no step called"):
        find_step("nope")


def test_bad_options_fail_cleanly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "--only", "nope", "--media-dir", str(tmp_path)]) == 1
    assert "no step called 'nope'" in capsys.readouterr().err
    assert main(["render", "--example", "no-such-example", "--media-dir", str(tmp_path)]) == 1
    assert "no example called" in capsys.readouterr().err
    assert main(["render", "--slides", "--transparent", "--media-dir", str(tmp_path)]) == 1
    assert "--slides needs plain mp4" in capsys.readouterr().err


def test_gallery_makes_thumbnails_and_the_readme_table(tiny: dict[str, object], tmp_path: Path) -> None:
    from attention_explainer.render.gallery import make_gallery

    result = tiny["result"]
    markdown = make_gallery(result.out_dir, f"attention-explainer-{tiny['name']}",
                            tmp_path / "assets" / "gallery", story=tiny["story"])
    # measured beats: the square's first line needs 26 / 17 = 1.53 s of reading, its second 0.9 s
    # of animation (2.4 s); the circle 3.0 s of title card (its fades and 2 s up), 0.9 s and 0.7 s (4.6 s)
    assert "| 1 | `scenes/tiny_square.py` | `TinySquare` | The square | 0:02 |" in markdown
    assert "| 2 | `scenes/tiny_circle.py` | `TinyCircle` | The circle | 0:04 |" in markdown
    assert "**0:07**"  # 2.4 + 4.6 s in markdown
    thumbnail = tmp_path / "assets" / "gallery" / "02-tiny_circle.png"
    assert 'src="assets/gallery/02-tiny_circle.png"' in markdown
    assert thumbnail.exists()


def test_lecture_pack_has_a_clip_and_a_slide_per_beat(tiny: dict[str, object], tmp_path: Path) -> None:
    """The same tiny scenes as slides (notes = narration) and as per-beat clips."""
    options = tiny_options(tiny["folder"] / "media", tiny["example"], slides=True, save_sections=True)
    subtitles = (tiny["result"].out_dir / f"attention-explainer-{tiny['name']}.srt").read_text()
    result = render(options, tiny["story"], progress=lambda line: None)
    out, stem = result.out_dir, f"attention-explainer-{tiny['name']}"
    assert not any(run.cached for run in result.runs)  # rendered again, as slides
    # The same narration (not the same times: as slides, a title card stays up until the next
    # beat fades it, and beats end on their reading time rather than on a frame).
    slide_cues = list(srt.parse((out / f"attention-explainer-{tiny['name']}.srt").read_text()))
    assert [c.content for c in slide_cues] == [c.content for c in srt.parse(subtitles)]
    # The title card stays up to the end of its slide (the video fades it before the next beat).
    title_slide = json.loads((result.runs[1].slides_dir / "TinyCircle.json").read_text())["slides"][0]
    with av.open(title_slide["file"]) as container:
        last = list(container.decode(video=0))[-1]
    assert join._has_content(last)
    for fmt in ("html", "pdf", "pptx"):
        assert (out / f"{stem}.slides.{fmt}").stat().st_size > 0
    slides_dir = result.runs[0].slides_dir
    notes = [[s["notes"] for s in json.loads((slides_dir / f"{scene}.json").read_text())["slides"]]
             for scene in ("TinySquare", "TinyCircle")]
    assert notes == [["A square for Tiny example.", "It fades."],
                     ["", "A circle grows.", "And rests."]]  # a title card has no narration
    clips = sorted(p.name for p in (out / "sections" / "01-tiny_square").glob("*.mp4"))
    assert clips == ["TinySquare_0000_square.mp4", "TinySquare_0001_fade.mp4"]
    # The PDF: a page per slide (none is blank here: the title card shows the chapter title,
    # the faded square's slide has notes), its notes as text, the example's title, a bookmark
    # per step on its first page, and each page's picture the slide's last frame.
    reader = pypdf.PdfReader(out / f"{stem}.slides.pdf")
    assert reader.metadata.title == "Tiny example – attention-explainer"
    assert [item.title for item in reader.outline] == ["The square", "The circle"]
    assert [reader.get_destination_page_number(item) for item in reader.outline] == [0, 2]
    slides = [slide for scene in ("TinySquare", "TinyCircle")
              for slide in json.loads((slides_dir / f"{scene}.json").read_text())["slides"]]
    assert len(reader.pages) == len(slides) == 5
    for page, slide in zip(reader.pages, slides, strict=True):
        assert slide["notes"] in page.extract_text()
        assert_same_picture(page_picture(page), last_frame(Path(slide["file"])))
    html = (out / f"{stem}.slides.html").read_text()
    assert html.count("data-background-video=") == 5
    local = f"{stem}.slides_assets/revealjs/dist/reveal.js"
    assert local in html or "cdn.jsdelivr.net" in html
    if local in html:
        assert (out / local).exists()
    # The deck passes the same accessibility check as the transcript (WCAG 2.1 A/AA, axe-core).
    findings = run_axe(out / f"{stem}.slides.html")
    assert [f for f in findings if f.impact in ("serious", "critical")] == [], "\n".join(map(str, findings))
    # Slides and clips are extras: the plain video render that follows renders nothing.
    plain = render(tiny_options(tiny["folder"] / "media", tiny["example"]), tiny["story"],
                   progress=lambda line: None)
    assert all(run.cached for run in plain.runs)


def test_each_slide_keeps_its_last_frame_unless_its_last_play_came_from_the_cache(
        tiny: dict[str, object]) -> None:
    """Rendered as slides from scratch, every slide's scene keeps the frame it ended on, and the
    PDF shows it: the video's last frame, undecoded. Re-rendered with --force, every play comes
    from manim's partial-movie cache and nothing is drawn (the camera still holds an old frame):
    no frame is kept and the deck decodes the videos."""
    options = tiny_options(tiny["folder"] / "media-slides", tiny["example"], slides=True)
    first = render(options, tiny["story"], progress=lambda line: None)
    deck = first.out_dir / f"attention-explainer-{tiny['name']}.slides.pdf"
    slides_dir = first.runs[0].slides_dir
    files = [Path(slide["file"]) for scene in ("TinySquare", "TinyCircle")
             for slide in json.loads((slides_dir / f"{scene}.json").read_text())["slides"]]
    pages = pypdf.PdfReader(deck).pages
    assert len(pages) == len(files) == 5
    for page, file in zip(pages, files, strict=True):
        kept = np.asarray(slide_frames.kept(file))
        assert np.array_equal(page_picture(page), kept)
        assert np.abs(kept.astype(int) - last_frame(file)).mean() < 2  # the decoded one, compressed
        slide_frames.frame_file(file).unlink()
    options.force = True
    again = render(options, tiny["story"], progress=lambda line: None)
    assert not any(run.cached for run in again.runs)
    assert [slide_frames.frame_file(file).exists() for file in files] == [False] * len(files)
    pages = pypdf.PdfReader(deck).pages
    assert len(pages) == len(files)
    for page, file in zip(pages, files, strict=True):
        assert_same_picture(page_picture(page), last_frame(file))


# ------------------------------------------------------------------- the PDF deck


def last_frame(video: Path) -> np.ndarray:
    """The frame shown last, from decoding the whole file (not the deck's seek)."""
    with av.open(str(video)) as container:
        frames = list(container.decode(video=0))
    return max(frames, key=lambda frame: frame.pts).to_ndarray(format="rgb24")


def page_picture(page: pypdf.PageObject) -> np.ndarray:
    (image,) = page.images
    return np.asarray(image.image.convert("RGB"))


def assert_same_picture(picture: np.ndarray, frame: np.ndarray) -> None:
    """Equal within tolerance, compared as 16x9 thumbnails (a page may hold a scaled copy)."""
    small = [np.asarray(Image.fromarray(a).resize((16, 9), Image.Resampling.BOX)).astype(int)
             for a in (picture, frame)]
    assert np.abs(small[0] - small[1]).max() <= 12


def write_slides(folder: Path, scene: str, slides: list[tuple[str, Path]]) -> None:
    """``<folder>/<scene>.json`` as manim-slides writes it (with its own config model)."""
    from manim_slides.config import PresentationConfig, SlideConfig

    config = PresentationConfig(slides=[SlideConfig(file=video, rev_file=video, notes=notes)
                                        for notes, video in slides])
    config.to_file(folder / f"{scene}.json")


RED, BLUE, BACKGROUND = (200, 30, 30), (30, 30, 200), (16, 20, 24)
MATH_NOTES = "Scores: Q Kᵀ / √dₖ − “the largest” → weight ≈ 1."


@pytest.fixture
def deck_folder(tmp_path: Path) -> Path:
    """Two scenes' slides: a title card, a slide that changes colour, a blank slide without
    notes (left out), a blank one with notes (kept); then a slide and a blank end."""
    folder = tmp_path / "slides"
    (folder / "files").mkdir(parents=True)

    def video(name: str, colours: list[tuple[int, int, int]], box: bool = True) -> Path:
        return write_video(folder / "files" / f"{name}.mp4", colours, box=box)

    write_slides(folder, "SceneA", [
        ("", video("card", [BACKGROUND] * 4)),
        (MATH_NOTES, video("change", [RED] * 5 + [BLUE] * 5)),
        ("", video("silent", [BACKGROUND] * 4, box=False)),
        ("   It   fades.\n", video("spoken", [BACKGROUND] * 4, box=False)),
    ])
    write_slides(folder, "SceneB", [
        ("Second chapter.", video("second", [BLUE] * 3 + [RED] * 3)),
        ("", video("end", [BACKGROUND] * 3, box=False)),
    ])
    return folder


def test_the_pdf_deck_is_a_page_per_slide_with_its_notes_as_text(deck_folder: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "deck.slides.pdf"
    pack.build_pdf(deck_folder, ["SceneA", "SceneB"], target,
                   title="Bank: river or money? – attention-explainer",
                   chapters=["Chapter A: “first”", "Chapter B"])
    assert [p.name for p in target.parent.iterdir()] == ["deck.slides.pdf"]  # no partial file left
    reader = pypdf.PdfReader(target)
    assert reader.metadata.title == "Bank: river or money? – attention-explainer"
    assert [item.title for item in reader.outline] == ["Chapter A: “first”", "Chapter B"]
    assert [reader.get_destination_page_number(item) for item in reader.outline] == [0, 3]
    kept = [("", "card"), (MATH_NOTES, "change"), ("It fades.", "spoken"), ("Second chapter.", "second")]
    assert len(reader.pages) == len(kept)
    texts = [page.extract_text() for page in reader.pages]
    for page, text, (notes, name) in zip(reader.pages, texts, kept, strict=True):
        assert_same_picture(page_picture(page), last_frame(deck_folder / "files" / f"{name}.mp4"))
        # Inter lacks ᵀ: a system fallback font shows it, or (none has it) its NFKC form.
        assert notes in text or notes.replace("ᵀ", "T") in text
    assert "Chapter A: “first”" in texts[0]  # the title card's page names its chapter
    assert np.asarray(page_picture(reader.pages[1]))[2, 2, 2] > 150  # the last frame: blue, not red
    assert len({page.mediabox[3] for page in reader.pages}) == 1  # one page size


def test_the_pdf_deck_without_a_system_font_spells_what_helvetica_lacks(
        deck_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_fonts, "_fc_match", lambda pattern: None)  # no fontconfig, no Inter
    target = tmp_path / "deck.pdf"
    pack.build_pdf(deck_folder, ["SceneA", "SceneB"], target, title="Apple: fruit or phone?")
    reader = pypdf.PdfReader(target)
    assert 'Scores: Q KT / sqrtdk - "the largest" -> weight ~ 1.' in reader.pages[1].extract_text()
    assert [item.title for item in reader.outline] == ["SceneA", "SceneB"]  # no chapters given


def test_a_pdf_deck_that_cannot_be_built_says_why_and_leaves_nothing(deck_folder: Path,
                                                                     tmp_path: Path) -> None:
    target = tmp_path / "out" / "deck.slides.pdf"
    (deck_folder / "files" / "change.mp4").write_bytes(b"not a video")
    with pytest.raises(RuntimeError) as failure:
        pack.build_pdf(deck_folder, ["SceneA", "SceneB"], target, title="t")
    message = str(failure.value)
    assert message.startswith("building the PDF deck deck.slides.pdf failed: cannot decode the last frame "
                              "of slide 2 of SceneA (")
    assert "change.mp4" in message and "\n" not in message
    assert not target.parent.exists() or not any(target.parent.iterdir())
    with pytest.raises(RuntimeError, match=r"SceneC.json does not exist \(was SceneC rendered as slides\?\)"):
        pack.build_pdf(deck_folder, ["SceneC"], target, title="t")


def test_a_pdf_deck_that_fails_while_writing_keeps_the_previous_one(
        deck_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fpdf

    target = tmp_path / "deck.slides.pdf"
    target.write_bytes(b"the previous deck")

    def half_written(self: fpdf.FPDF, name: str) -> None:
        Path(name).write_bytes(b"%PDF-1.3 half")
        raise OSError("No space left on device")

    monkeypatch.setattr(fpdf.FPDF, "output", half_written)
    with pytest.raises(RuntimeError, match=r"^building the PDF deck deck.slides.pdf failed: OSError: No sp"):
        pack.build_pdf(deck_folder, ["SceneA"], target, title="t")
    assert target.read_bytes() == b"the previous deck"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_editing_one_scene_renders_that_step_only(tiny: dict[str, object]) -> None:
    media = tiny["folder"] / "media"
    circle = tiny["story"][1].path
    circle.write_text(circle.read_text() + "\n# an edit\n")
    lines: list[str] = []
    result = render(tiny_options(media, tiny["example"]), tiny["story"], progress=lines.append)
    assert [run.cached for run in result.runs] == [True, False]
    assert any("done   2/2 tiny_circle" in line and "[2 of 2 steps ready]" in line for line in lines)


def test_a_step_depends_on_the_project_modules_it_imports() -> None:
    from attention_explainer.render.jobs import PROJECT_DIR, project_imports

    cosine = find_step("cosine_similarity").path
    files = {p.relative_to(PROJECT_DIR).as_posix() for p in project_imports(cosine)}
    assert {"scenes/cosine_similarity.py", "scenes/base.py", "scenes/style.py",
            "attention_core/similarity.py", "attention_content/examples.py"} <= files
    # the command line is not a scene's input; the render package is only through the voice,
    # which remuxes a spoken step's sound with render/join.py
    assert not {"attention_explainer/cli.py", "attention_explainer/render/gallery.py"} & files
    assert "attention_manim/voice.py" in files or not any(f.startswith("attention_explainer/render")
                                                              for f in files)
    others = {f"scenes/{step.module}.py" for step in STORY if step.module != "cosine_similarity"}
    assert not files & others


def test_a_new_render_of_a_step_leaves_the_linked_step_clip_alone(tiny: dict[str, object]) -> None:
    """manim rewrites its files in place; the output folder's step clips must not follow (a
    step with subtitles is a copy of its packets with a caption track, not a link)."""
    result = render(tiny_options(tiny["folder"] / "media", tiny["example"]), tiny["story"],
                    progress=lambda line: None)
    run, clip = result.runs[0], result.out_dir / "steps" / "01-tiny_square.mp4"
    before = clip.read_bytes()
    assert not os.path.samefile(run.video, clip) and join.probe(clip).frames == join.probe(run.video).frames
    run.detach_outputs()  # what the renderer does before manim starts on the step
    assert not run.video.exists() and not run.srt.exists()
    assert clip.read_bytes() == before
    again = render(tiny_options(tiny["folder"] / "media", tiny["example"]), tiny["story"],
                   progress=lambda line: None)
    assert [r.cached for r in again.runs] == [False, True]
    assert run.video.exists() and join.read_caption_track(clip)[2]


def test_a_fresh_machine_starts_the_step_known_to_be_longest(tiny: dict[str, object], tmp_path: Path) -> None:
    square, circle = tiny["story"]
    story = (square, dataclasses.replace(circle, typical_seconds=99.0))  # no render history here
    lines: list[str] = []
    render(tiny_options(tmp_path / "media", tiny["example"], jobs=1), story, progress=lines.append)
    starts = [line for line in lines if line.lstrip().startswith("start")]
    assert "tiny_circle" in starts[0] and "tiny_square" in starts[1]
