"""Assembly: the rendered steps joined into the outputs beside the full video (the video,
subtitles, chapters, stills, step clips, sections, slide decks, the manifest), each file written
whole (:mod:`attention_manim.atomic`). :func:`write_outputs` is what
:func:`attention_explainer.render.assemble` runs, the media folder's lock held."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import srt

import attention_explainer.render.burn as burn
import attention_explainer.render.join as join
import attention_explainer.render.pack as pack
from attention_content.examples import load_example
from attention_explainer.render.jobs import Progress, StepRun
from attention_explainer.render.options import RenderError, RenderOptions, RenderResult
from attention_manim import atomic, cues
from attention_manim.settings import settings

__all__ = ["write_outputs"]


def write_outputs(options: RenderOptions, runs: list[StepRun], out_dir: Path, stem: str, example: str,
                  say: Progress) -> RenderResult:
    """Join the step videos and write every file beside the full video.

    When the manifest says these very step videos were joined before and every output is
    still there, nothing is written again.
    """
    infos = [join.probe(run.video) for run in runs]
    titles = [run.step.title for run in runs]
    chapters = join.chapter_times(infos, titles, [run.step.module for run in runs])
    names = [f"{run.number:02d}-{run.step.module}" for run in runs]
    files = _output_files(options, out_dir, stem, names)
    video = files.get("video")
    manifest = files["manifest"]
    signature = _signature(options, runs)
    if _read_json(manifest).get("signature") == signature and all(p.exists() for p in files.values()):
        say("  unchanged: the joined video and the pack are up to date")
        return RenderResult(out_dir, video, files, runs, chapters, [], 0.0)

    for run, name in zip(runs, names, strict=True):
        _write_step(options, run, out_dir / "steps", name)
        still = files[f"still {name}"]
        if not still.exists() or still.stat().st_mtime_ns < run.video.stat().st_mtime_ns:
            still.parent.mkdir(parents=True, exist_ok=True)
            with atomic.replacing(still) as tmp:
                join.key_frame(run.video).save(tmp)
        if options.save_sections:
            _copy_sections(run, out_dir / "sections" / name)

    if video is None:
        say("  (gif: one animated gif per step in steps/, no joined video)")
    else:
        _write_full_video(runs, infos, chapters, video, say, files.get("narration"), _cue_gap(options),
                          burn_captions=options.burn_captions)

    if options.slides:
        say(f"  slides: converting {len(runs)} steps to HTML, PDF and PPTX")
        try:
            revealjs: Path | None = pack.ensure_revealjs(pack.cache_dir())
        except pack.RevealUnavailableError as why:
            revealjs = None
            say(f"  note: {why}, so the HTML deck loads reveal.js from a CDN "
                "(it needs a network; the PDF and PPTX do not)")
        assert runs[0].slides_dir is not None
        title = f"{load_example(options.example).title} – attention-explainer"  # the PDF's title
        scenes = [r.step.scene for r in runs]
        staging = atomic.partial_path(out_dir / f"{stem}.voiced-slides")
        try:
            deck_dir = runs[0].slides_dir
            if options.voice:  # each slide of the HTML and PPTX decks plays its beat's voice
                from attention_explainer.render.narrated_slides import narrate_slides

                say("  slides: giving each slide its beat's voice")
                deck_dir = narrate_slides(runs[0].slides_dir, scenes, [r.video for r in runs], staging)
            pack.convert_slides(deck_dir, scenes, out_dir, stem, revealjs, title=title,
                                chapters=[r.step.title for r in runs], handout_dir=runs[0].slides_dir)
        except RuntimeError as error:
            raise RenderError(str(error)) from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    _write_json(manifest, {
        "example": example, "variant": options.variant, "video": video.name if video else None,
        "steps": [{"number": run.number, "module": run.step.module, "scene": run.step.scene,
                   "title": run.step.title, "start": round(c.start, 3), "end": round(c.end, 3),
                   "duration": round(c.end - c.start, 3), "frames": info.frames,
                   "render_seconds": None if run.cached else round(run.seconds, 2),
                   "still": f"stills/{name}.png", "clip": f"steps/{name}{run.video.suffix}"}
                  for run, c, info, name in zip(runs, chapters, infos, names, strict=True)],
        "signature": signature,
    })
    return RenderResult(out_dir, video, files, runs, chapters, [], 0.0)


def _output_files(options: RenderOptions, out_dir: Path, stem: str, names: list[str]) -> dict[str, Path]:
    """Every file or folder a render leaves in ``out_dir``, by label."""
    files = {f"still {name}": out_dir / "stills" / f"{name}.png" for name in names}
    files["steps"] = out_dir / "steps"
    if options.save_sections:
        files["sections"] = out_dir / "sections"
    if options.format != "gif":
        video = out_dir / f"{stem}{options.extension}"
        files |= {"video": video, "subtitles": video.with_suffix(".srt"),
                  "captions (vtt)": video.with_suffix(".vtt"),
                  "chapters": out_dir / f"{stem}.chapters.json",
                  "chapter list": out_dir / f"{stem}.chapters.txt",
                  "chapters (vtt)": out_dir / f"{stem}.chapters.vtt"}
        if options.voice:
            files["narration"] = out_dir / f"{stem}.narration.m4a"
    if options.slides:
        files |= {f"slides ({fmt})": out_dir / f"{stem}.slides.{fmt}" for fmt in pack.DECK_FORMATS}
    files["manifest"] = out_dir / f"{stem}.manifest.json"
    return files


def _signature(options: RenderOptions, runs: list[StepRun]) -> list[object]:
    """What the outputs are made from: the step videos (as files), their chapter titles and
    the pack's options."""
    videos = [[str(run.video), run.video.stat().st_size, run.video.stat().st_mtime_ns, run.step.title]
              for run in runs]
    return [options.save_sections, options.slides, options.voice, options.burn_captions, *videos]


def _read_json(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_step(options: RenderOptions, run: StepRun, folder: Path, name: str) -> None:
    """The step's video in ``folder`` (a link to it, or, with subtitles, a copy of its packets
    with a caption track) and its subtitles, laid out as the joined video's are (cues of 2
    lines of 42 characters, at most 7 s, 2 frames apart), as ``.srt`` and ``.vtt``."""
    clip = folder / f"{name}{run.video.suffix}"
    if not run.srt.exists():
        pack.link_or_copy(run.video, clip)
        return
    laid = join.lay_out_subtitles(run.srt.read_text(encoding="utf-8"), _cue_gap(options))
    shown = list(srt.parse(laid))
    written = {folder / f"{name}.srt": laid, folder / f"{name}.vtt": join.webvtt(shown)}
    folder.mkdir(parents=True, exist_ok=True)
    for path, text in written.items():
        atomic.write_text(path, text)  # replaces a link to the step's own file, never writes through it
    if clip.suffix.lower().lstrip(".") not in join.CAPTION_FORMATS:  # a gif, a webm: as it is
        pack.link_or_copy(run.video, clip)
        return
    with atomic.replacing(clip) as tmp:
        join.with_caption_track(run.video, shown, tmp)


def _cue_gap(options: RenderOptions) -> float:
    """Seconds between two subtitle cues (:func:`cues.cue_gap`: 2 frames, of the render and of the
    caption rules' 30 fps, whichever is longer)."""
    return cues.cue_gap(options.size[2])


def _write_full_video(runs: list[StepRun], infos: list[join.VideoInfo], chapters: list[join.Chapter],
                      video: Path, say: Progress, narration: Path | None = None, gap: float = 0.0,
                      burn_captions: bool = False) -> None:
    """Join, then write subtitles and chapters; every file appears only when complete.

    With ``narration`` (``--voice``), each step's sound is decoded and placed at the step's
    start (silence where a step has none) as one AAC track, also written to ``narration``.
    """
    subtitles = video.with_suffix(".srt")
    chapters_json = video.with_name(f"{video.stem}.chapters.json")
    chapters_txt = video.with_name(f"{video.stem}.chapters.txt")
    captions = video.with_suffix(".vtt")
    chapters_vtt = video.with_name(f"{video.stem}.chapters.vtt")
    outputs = [video, subtitles, captions, chapters_json, chapters_txt, chapters_vtt,
               *([narration] if narration else [])]
    with atomic.replacing_all(outputs) as tmps:  # each renamed at the end, one right after the other
        audio = None
        if narration is not None:
            say(f"  sound  {len(infos)} step tracks -> one AAC track and {narration.name}")
            audio = join.place_tracks([join.read_track(run.video) for run in runs],
                                      [info.duration for info in infos])
        cue_text = join.join_subtitles([r.srt for r in runs], chapters, gap)
        shown = list(srt.parse(cue_text))
        say(f"  join   {len(infos)} step videos -> {video.name} (no re-encoding), {len(shown)} captions")
        join.join_videos(infos, tmps[video], chapters, audio=audio, subtitles=shown)
        if burn_captions:  # the picture scaled into the top, the captions drawn under it: encoded again
            with atomic.replacing(tmps[video]) as burnt:
                say(f"  burn   {len(shown)} captions into {video.name} (encoded again)")
                burn.burn_captions(tmps[video], shown, burnt, settings().encoder_preset)
        if narration is not None:  # the joined video's track, copied: encoded once
            join.copy_sound(tmps[video], tmps[narration])
        tmps[subtitles].write_text(cue_text, encoding="utf-8")
        tmps[captions].write_text(join.webvtt(shown), encoding="utf-8")
        tmps[chapters_vtt].write_text(join.chapters_webvtt(chapters), encoding="utf-8")
        join.write_chapters_json(chapters, tmps[chapters_json], video.name)
        tmps[chapters_txt].write_text(join.chapters_text(chapters), encoding="utf-8")


def _copy_sections(run: StepRun, target: Path) -> None:
    """The step's per-beat clips and manim's index of them."""
    index = run.sections_dir / f"{run.step.scene}.json"
    sections = json.loads(index.read_text())
    for section in sections:
        pack.link_or_copy(run.sections_dir / section["video"], target / section["video"])
    pack.link_or_copy(index, target / index.name)


def _write_json(path: Path, data: object) -> None:
    atomic.write_text(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")

