"""Every change attention-explainer makes to manim's own code, in one place, behind one switch.

manim is changed only when :func:`apply` is called: by the scene base
(``ExplainerScene.__init__``) and by the render launcher (:mod:`attention_explainer.launcher`),
never as a side effect of importing a module. :func:`apply` leaves manim's code alone

- with ``ATTENTION_SPEEDUPS=0`` (:mod:`attention_manim.settings`): no speedup, the same
  pixels, slower (the launcher's two patches below, which are not speedups, stay); or
- when the installed manim is not the version every patch here was read against and checked
  on (:data:`CHECKED_MANIM`): each replaces a function of that version, and another version's
  function may do something else. One :class:`ManimVersionWarning` names both versions;
  nothing is patched.

By concern, one module each: ``copies`` (glyphs, copies, families, digits), ``svg_cache``
(LaTeX and text turned into SVG once for every process), ``encoder`` (frames to x264, its
options, plain tracebacks, the frames' clock), ``cameras`` (the scenes' cameras), ``renderer``
(the storyboard's renderer) and ``state`` (what they share in a process); this module puts them
in place and takes them away.
``sound`` is not a patch: it takes a spoken scene's sound track off manim's file writer
before manim encodes it (the one place outside these patches that touches the file writer's
state; the scene base calls it in ``tear_down``).

What :func:`apply` replaces (manim 0.21.0; the pixel tests are ``tests/test_speedups.py``):

**Glyphs forget their parsed path** (``VMobjectFromSVGPath.generate_points``). Every ``Text``,
``MathTex`` and ``DecimalNumber`` glyph keeps its parsed ``svgelements.Path`` (hundreds of small
``Point`` and segment objects) as ``path_obj`` after turning it into bezier points, and never
reads it again. Manim deep-copies mobjects at the start of nearly every animation
(FadeTransform four times), so those objects were most of a render: in a profile of a scene,
deepcopy was half the run, and most of what it copied was svgelements ``Point``s.
The replacement calls manim's and then drops ``path_obj``.

**Copies skip what cannot change** (``Mobject.__deepcopy__``). manim's calls
``copy.deepcopy`` on each attribute; two in three of them are numbers, strings, flags and
enums, which deepcopy hands back unchanged after a memo lookup, and most of the rest are float
arrays. :func:`_deepcopy_mobject` keeps those and copies the arrays directly (memo and all),
and deep-copies the rest as before.

**Families are walked once** (``Mobject.get_family``). manim's builds each submobject's family
and removes repeats at every level; the camera asks for the family of everything on screen
every frame. :func:`_get_family` walks the tree once and removes repeats once (keeping the
last, as manim does): the same list.

**Images are blended where they are** (:class:`LeanCamera`, the scenes' camera, replacing
``Camera.display_image_mobject`` in a subclass). manim pastes each transformed image into a
transparent image as large as the frame and alpha-composites that whole frame (with its
conversions, for every image in every frame: costly at 1080p). The lean camera
makes the same transform, cuts it to the frame and composites only that box (outside it the
full-frame composite changed nothing: the source there is transparent), and reuses the patch
while the image's pixels and place stay the same. An image lying pixel for pixel on the frame
(nearest-neighbour, unturned, at whole pixels) is copied: what manim's transform makes of it.

**LaTeX and text are turned into SVG once, for every process** (``tex_to_svg_file`` as
``manim.mobject.text.tex_mobject`` calls it, ``Text._text2svg``, ``MarkupText._text2svg``).
manim keeps the SVG of each formula and text in ``{media_dir}/Tex`` and ``{media_dir}/texts``;
the renderer gives every step its own media dir, so a first render compiled each formula once
per step. While the speedups are on, every process points ``tex_dir`` and ``text_dir`` (when
they are manim's defaults) at one folder, ``Settings.manim_cache_dir``
(``ATTENTION_MANIM_CACHE``, default ``~/.cache/attention-explainer/manim``), shared by every
step, example and quality: the name of each SVG is manim's hash of its whole input (the
LaTeX source with its template; the text with its font, size, colour and spacing), so
a shared entry is the same file any of them would make. manim writes in place (LaTeX's
``.dvi``, then dvisvgm's ``.svg``, Pango's ``.svg``, and it deletes every other file in
``tex_dir`` after a formula): two processes making one entry would read each other's half
files or delete each other's ``.dvi``; and ``SVGMobject.generate_mobject`` writes each SVG it
reads, modified, to ``<name>_.svg`` beside it and deletes it after parsing (one such file for
every process reading the entry): the replacement keeps that copy in memory; ``Text.__init__``
rewrites the entry in place each time (``PangoUtils.remove_last_M``, truncating it first): the
replacement writes it only when the edit changes it, and by a rename. The others run
manim's own function with the folder pointed at a private folder beside the cache and move the
finished SVG into place with one atomic rename, its check beside it
(:mod:`attention_manim.cache_files`: the key it was made for, its SHA-256 and size); an
entry is used only if its check matches and it is a whole SVG (it parses as XML with an
``<svg>`` root), else it is named, removed and made again (a render killed while writing, a
full disk, an entry swapped for another): never drawn half, never another text. The shared
folder is used only when no other user can write it (else a warning naming
``ATTENTION_MANIM_CACHE``, and manim's folders in the media dir). Off
(``ATTENTION_SPEEDUPS=0``): manim's folders and code.

**Digits keep no element groups** (``DecimalNumber._string_to_mob``). manim makes each digit
once per process and gives every number copies of it; the digit keeps a ``VGroup`` for each
element of its SVG (for ``get_part_by_tex``, which a number never calls), and copying those was
most of making a number: the replacement makes the digit without them.

**Frames reach the encoder without copies** (``_PartialMovieEncodeJob._encode_and_write_frame``).
At 1080p60 encoding was nearly all of a render. manim copies every frame into a new
``av.VideoFrame`` (``from_ndarray``, a whole 1080p frame) and converts it to yuv420p once per
frame written, a held frame (a still wait: most of a paced video) once for each of its frames.
The replacement wraps manim's frame (already a copy made for the encoder's queue) and converts a
held frame once: x264 is given the same frames (``tests/test_encoding.py``), for a good deal
less processor time.

The render launcher also applies, in the manim process it starts, two patches that are not
speedups: they carry out a setting, the log's format and the clock, change no drawn pixel, and stay with
the switch off, so that a step's video is encoded the same either way (x264 with one thread
and with several makes different files from the same frames):

**x264 threads** (``SceneFileWriter.open_partial_movie_stream``): with several manim processes
on few cores one encoder thread each saves the threads' overhead (x264's threads would only
contend for the cores the other processes use); manim 0.21 has no option for it.
``ATTENTION_ENCODER_THREADS``.

Every process that applies the patches (the launcher's and every scene's) also gives x264 the
preset ``ATTENTION_ENCODER_PRESET`` (default ``superfast``; manim 0.21 uses ffmpeg's default,
``medium``, and has no option for it), in the same wrapper, switch on or off; a preset other
than ``medium`` keeps its partial movies in ``<scene>-x264-<preset>`` beside manim's folder,
because manim's cache key of a play leaves the preset out and a scene joined from partial
movies of two presets does not decode.

**Plain tracebacks** (``manim.cli.render.commands.error_console.print_exception``): a plain
traceback in the step's log instead of rich's boxes, which the renderer shortens to the error
and the project's lines where it was raised.

**Cached plays keep the frames' clock** (``CairoRenderer.play``). A play manim renders moves its
clock by the frames it writes (``ceil(duration * fps)`` frames, or ``int(duration * fps)`` for a
still wait), a play it takes from its partial-movie cache by the exact duration; so the same
step's subtitles (read off that clock) came out up to tens of ms apart between a fresh and a
re-render (1.466 s vs 1.529 s in a tiny story). The replacement moves the clock of a cached play
by the frames the rendered play writes: the same subtitles either way.

**The scene class rendered** (``manim.cli.render.commands.scene_classes_from_file``, by
:func:`render_scenes_as`): the launcher asked for slides (``--slides``) renders the slide variant of
the class manim found in the file (:func:`attention_manim.slides.slides_of`), which has the same
name. Not a speedup and not checked against a version: the renderer's slides depend on it, with
any manim whose ``render`` command finds its classes with that function.

Not patches, and so not switched: :class:`CrispCamera` (the base of :class:`LeanCamera`, and
the scenes' camera when the switch is off) copies an image that asks for it
(``pixel_for_pixel``, a grid of printed numbers) at the nearest whole pixels when it lies within
half a pixel of one to one: a picture the scenes choose (crisp digits), drawn the same with the
switch on or off. Two classes of the scenes override private methods of manim in their own
subclasses, each saying why: ``LiveNumber._set_submobjects_from_number``
(``scenes/components/readout.py``; its shortcut follows this switch through :func:`active`)
and ``_FlatFade._setup_scene`` (``scenes/components/flat.py``, an animation of our own).
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import manim
from manim import Camera, DecimalNumber, Mobject, config
from manim.mobject.svg.svg_mobject import SVGMobject, VMobjectFromSVGPath
from manim.mobject.text import tex_mobject, text_mobject
from manim.mobject.text.text_mobject import MarkupText, Text
from manim.renderer.cairo_renderer import CairoRenderer
from manim.scene.scene_file_writer import SceneFileWriter, _PartialMovieEncodeJob
from manim.utils import tex_file_writing

from attention_manim import cache_files
from attention_manim.manim_patches.cameras import CrispCamera, LeanCamera, StoryboardCamera
from attention_manim.manim_patches.copies import (
    _deepcopy_mobject,
    _digit_without_groups,
    _generate_points_then_forget_path,
    _get_family,
)
from attention_manim.manim_patches.encoder import (
    _encode_frames_without_copies,
    _keeping_frame_clock,
    _print_plain_traceback,
    _with_encoder_options,
    frames_written,
)
from attention_manim.manim_patches.renderer import StoryboardRenderer
from attention_manim.manim_patches.state import _state, storyboard_on
from attention_manim.manim_patches.svg_cache import (
    _generate_mobject_in_memory,
    _PangoUtilsInPlace,
    _shared_markup2svg,
    _shared_tex_to_svg_file,
    _shared_text2svg,
    whole_svg,
)
from attention_manim.settings import settings

__all__ = ["CHECKED_MANIM", "CrispCamera", "LeanCamera", "ManimVersionWarning", "StoryboardCamera",
           "StoryboardRenderer", "active", "applied", "apply", "camera_class", "frames_written", "remove",
           "render_scenes_as", "storyboard", "storyboard_on", "storyboard_renderer", "whole_svg"]


# The manim release every patch here was read against and checked on (tests/test_speedups.py).
CHECKED_MANIM = "0.21.0"
# manim's own folders for them (config.tex_dir / text_dir, unformatted)
_MANIM_CACHE_DIRS = {"tex_dir": "{media_dir}/Tex", "text_dir": "{media_dir}/texts"}
# manim's own folder for a scene's partial movies, and x264's preset there (config, ffmpeg's default)
_MANIM_PARTIAL_MOVIE_DIR = "{video_dir}/partial_movie_files/{scene_name}"
_MANIM_X264_PRESET = "medium"


class ManimVersionWarning(UserWarning):
    """The installed manim is not the one the patches were checked on; none is applied."""


class _Patch(NamedTuple):
    """One replaced attribute: where, which, manim's own value and ours."""

    owner: Any
    name: str
    original: Any
    replacement: Any




def active() -> bool:
    """True when the speedups may change manim here: the switch is on (``ATTENTION_SPEEDUPS``,
    default on) and manim is :data:`CHECKED_MANIM` (else a :class:`ManimVersionWarning`, once)."""
    return settings().speedups and _checked_manim()


def _checked_manim() -> bool:
    """True when manim is :data:`CHECKED_MANIM`; else a :class:`ManimVersionWarning`, once."""
    if manim.__version__ != CHECKED_MANIM:
        if not _state["warned"]:
            _state["warned"] = True
            warnings.warn(
                f"attention-explainer: manim {manim.__version__} is installed, but its speedups were "
                f"checked on manim {CHECKED_MANIM} only; rendering with manim's own code (the same "
                "pictures, slower). Install manim " + CHECKED_MANIM + " for the speedups.",
                ManimVersionWarning, stacklevel=3)
        return False
    return True


def applied() -> bool:
    """True when the scene patches (glyphs, copies, families) are in place."""
    return VMobjectFromSVGPath.generate_points is _generate_points_then_forget_path


def apply(*, encoder_threads: int | None = None, plain_tracebacks: bool = False,
          frame_clock: bool = False) -> bool:
    """Put the speedups in place unless the switch is off or manim is another version; True if
    they are (idempotent). The render launcher adds ``encoder_threads`` (x264 threads per
    process, 0 or None: the encoder's choice), ``plain_tracebacks`` and ``frame_clock``: those
    carry out a setting, the log's format and the clock, change no drawn pixel and are not
    speedups, so they stay with
    the switch off (the video is then encoded exactly as with it on); only another manim
    version refuses them too."""
    if not _checked_manim():
        return False
    speedups = settings().speedups
    patches = []
    if speedups:
        patches += [(VMobjectFromSVGPath, "generate_points", _generate_points_then_forget_path),
                    (Mobject, "__deepcopy__", _deepcopy_mobject),
                    (Mobject, "get_family", _get_family),
                    (tex_mobject, "tex_to_svg_file", _shared_tex_to_svg_file),
                    (tex_file_writing, "tex_to_svg_file", _shared_tex_to_svg_file),
                    (Text, "_text2svg", _shared_text2svg),
                    (MarkupText, "_text2svg", _shared_markup2svg),
                    (SVGMobject, "generate_mobject", _generate_mobject_in_memory),
                    (text_mobject, "PangoUtils", _PangoUtilsInPlace),
                    (_PartialMovieEncodeJob, "_encode_and_write_frame", _encode_frames_without_copies),
                    (DecimalNumber, "_string_to_mob", _digit_without_groups)]
    preset = settings().encoder_preset
    if encoder_threads or preset != _MANIM_X264_PRESET:
        patches.append((SceneFileWriter, "open_partial_movie_stream",
                        _with_encoder_options(SceneFileWriter.open_partial_movie_stream, preset,
                                              encoder_threads)))
    if plain_tracebacks:
        from manim.cli.render import commands

        patches.append((commands.error_console, "print_exception", _print_plain_traceback))
    if frame_clock:
        patches.append((CairoRenderer, "play", _keeping_frame_clock(CairoRenderer.play)))
    for owner, name, replacement in patches:
        if any(p.owner is owner and p.name == name for p in _state["applied"]):
            continue
        _state["applied"].append(_Patch(owner, name, getattr(owner, name), replacement))
        setattr(owner, name, replacement)
    if speedups:
        _use_shared_cache()
    _partial_movies_by_preset(preset)
    return speedups


def render_scenes_as(variant: Callable[[type], type]) -> None:
    """Make manim's ``render`` command render ``variant(cls)`` for each scene class ``cls`` it
    finds in the file (the launcher's ``--slides``: the slide variant, of the same name); put
    back by :func:`remove`."""
    from manim.cli.render import commands

    found = commands.scene_classes_from_file
    if any(p.owner is commands and p.name == "scene_classes_from_file" for p in _state["applied"]):
        raise RuntimeError("manim's scene classes are already rendered as a variant")

    @functools.wraps(found)
    def variants(file_path: Path, require_single_scene: bool = False, full_list: bool = False) -> Any:
        classes = found(file_path, require_single_scene, full_list)
        return variant(classes) if require_single_scene else [variant(c) for c in classes]

    _state["applied"].append(_Patch(commands, "scene_classes_from_file", found, variants))
    commands.scene_classes_from_file = variants


def _use_shared_cache() -> None:
    """Point manim's LaTeX and text folders at the shared cache, unless the user chose others
    (each call: ``tempconfig`` puts manim's config back after a test's build) or the shared
    folder cannot be trusted (others can write it, it is a file, read-only: a warning naming
    ``ATTENTION_MANIM_CACHE``, and manim's folders in the media dir are used)."""
    shared = settings().manim_cache_dir
    if not _shared_cache_usable(shared):
        return
    for key, folder in (("tex_dir", shared / "Tex"), ("text_dir", shared / "texts")):
        if config[key] == _MANIM_CACHE_DIRS[key]:
            config[key] = str(folder)


@functools.cache
def _shared_cache_usable(shared: Path) -> bool:
    """True when the shared cache and its two folders are this user's and no one else can write them."""
    instead = "LaTeX and text SVGs are made in each step's media folder (manim's own)"
    return all(cache_files.usable_folder(folder, "ATTENTION_MANIM_CACHE", instead)
               for folder in (shared, shared / "Tex", shared / "texts"))


def _partial_movies_by_preset(preset: str) -> None:
    """Keep each x264 preset's partial movies in a folder of their own (unless the user chose the
    folder): manim's cache key of a play does not hold the preset, and one scene joined from
    partial movies of two presets (different SPS/PPS) does not decode."""
    if preset != _MANIM_X264_PRESET and config.partial_movie_dir == _MANIM_PARTIAL_MOVIE_DIR:
        config.partial_movie_dir = f"{_MANIM_PARTIAL_MOVIE_DIR}-x264-{preset}"


def remove() -> None:
    """Put manim's own code back (tests compare the two)."""
    for patch in reversed(_state["applied"]):
        setattr(patch.owner, patch.name, patch.original)
    _state["applied"].clear()
    shared = settings().manim_cache_dir
    for key, folder in (("tex_dir", shared / "Tex"), ("text_dir", shared / "texts")):
        if config[key] == str(folder):
            config[key] = _MANIM_CACHE_DIRS[key]
    if config.partial_movie_dir.startswith(f"{_MANIM_PARTIAL_MOVIE_DIR}-x264-"):
        config.partial_movie_dir = _MANIM_PARTIAL_MOVIE_DIR


def storyboard(on: bool = True) -> bool:
    """Turn the storyboard's fast paths on (or off) in this process; True when they are on.

    Only :func:`attention_explainer.storyboard.build_beats` turns them on, for scenes it
    builds with every animation skipped and a frame drawn only at the end of a beat; a
    video render never does. On, while the speedups are :func:`active` and :func:`apply`'d:
    parsed SVGs are kept in memory, parsed once per process (:func:`_parsed_in_memory`), and
    :func:`storyboard_renderer` gives the renderer that draws nothing a skipped play
    would throw away (:class:`StoryboardRenderer`), whose camera draws each outline it has
    drawn before from the path it made then (:class:`StoryboardCamera`)."""
    _state["storyboard"] = bool(on) and active()
    if _state["storyboard"]:
        apply()
    return _state["storyboard"]


def storyboard_renderer() -> CairoRenderer | None:
    """A :class:`StoryboardRenderer` (animations skipped, the :class:`StoryboardCamera`) while
    :func:`storyboard` is on, else None (manim makes its own)."""
    if not _state["storyboard"]:
        return None
    return StoryboardRenderer(camera_class=StoryboardCamera, skip_animations=True)


def camera_class() -> type[Camera]:
    """The scenes' camera: :class:`LeanCamera` while the speedups are :func:`active`, else
    :class:`CrispCamera` (manim's own drawing, but for images asking to be copied)."""
    return LeanCamera if active() else CrispCamera
