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

What :func:`apply` replaces (manim 0.21.0; the pixel tests are ``tests/test_speedups.py``):

**Glyphs forget their parsed path** (``VMobjectFromSVGPath.generate_points``). Every ``Text``,
``MathTex`` and ``DecimalNumber`` glyph keeps its parsed ``svgelements.Path`` (hundreds of small
``Point`` and segment objects) as ``path_obj`` after turning it into bezier points, and never
reads it again. Manim deep-copies mobjects at the start of nearly every animation
(FadeTransform four times), so those objects were most of a render: cProfile of the softmax
scene at -ql had deepcopy at half the run, 80% of the objects copied svgelements ``Point``s.
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
transparent image as large as the frame and alpha-composites that whole frame (3.1 ms a time
at 1080p here, plus 2.4 ms of conversions, for every image in every frame). The lean camera
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
60% of making a number (4.5 ms): the replacement makes the digit without them.

**Frames reach the encoder without copies** (``_PartialMovieEncodeJob._encode_and_write_frame``).
At 1080p60 encoding was nearly all of a render (similarity table, voiced: 91 s of processor time,
12 s with encoding switched off). manim copies every frame into a new ``av.VideoFrame``
(``from_ndarray``: 10.9 ms at 1080p) and converts it to yuv420p once per frame written, a held
frame (a still wait: most of a paced video) once for each of its frames (6 ms a time). The
replacement wraps manim's frame (already a copy made for the encoder's queue) and converts a held
frame once: x264 is given the same frames (``tests/test_encoding.py``), 28% less processor time.

The render launcher also applies, in the manim process it starts, two patches that are not
speedups: they carry out a setting, the log's format and the clock, change no drawn pixel, and stay with
the switch off, so that a step's video is encoded the same either way (x264 with one thread
and with several makes different files from the same frames):

**x264 threads** (``SceneFileWriter.open_partial_movie_stream``): with several manim processes
on few cores one encoder thread each saves the threads' overhead (about 8% of the wall time
with 2 jobs on 2 cores); manim 0.21 has no option for it. ``ATTENTION_ENCODER_THREADS``.

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

import atexit
import contextlib
import copy
import enum
import functools
import re
import shutil
import tempfile
import traceback
import warnings
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple
from xml.etree import ElementTree

import av
import manim
import numpy as np
from manim import Camera, DecimalNumber, ManimColor, Mobject, config
from manim.mobject.svg.svg_mobject import SVGMobject, VMobjectFromSVGPath
from manim.mobject.text import numbers, tex_mobject, text_mobject
from manim.mobject.text.text_mobject import MarkupText, Text
from manim.mobject.types.image_mobject import AbstractImageMobject
from manim.renderer.cairo_renderer import CairoRenderer
from manim.scene.scene_file_writer import SceneFileWriter, _PartialMovieEncodeJob
from manim.utils import tex_file_writing
from manim.utils.tex_file_writing import tex_hash
from PIL import Image

from attention_manim import cache_files
from attention_manim.settings import settings

__all__ = ["CHECKED_MANIM", "CrispCamera", "LeanCamera", "ManimVersionWarning", "StoryboardCamera", "active",
           "applied", "apply",
           "camera_class", "remove", "whole_svg"]

# The manim release every patch here was read against and checked on (tests/test_speedups.py).
CHECKED_MANIM = "0.21.0"
# An image with ``pixel_for_pixel = True`` whose corners all lie within this many pixels of one
# to one is copied at the nearest whole pixel instead of resampled (a printed grid of numbers).
SNAP_TOLERANCE = 0.5
# Types copy.deepcopy returns as they are (its _deepcopy_atomic); each Enum type met joins them.
_KEPT_AS_THEY_ARE = frozenset({type(None), int, float, bool, complex, str, bytes})
# manim's own functions, as imported (nothing patches manim before this module does).
_MANIM_GENERATE_POINTS = VMobjectFromSVGPath.generate_points
_MANIM_DEEPCOPY = Mobject.__deepcopy__
_MANIM_GET_FAMILY = Mobject.get_family
_MANIM_TEX_TO_SVG = tex_file_writing.tex_to_svg_file
_MANIM_TEXT2SVG = Text._text2svg
_MANIM_MARKUP2SVG = MarkupText._text2svg
_MANIM_STRING_TO_MOB = DecimalNumber._string_to_mob
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


_state: dict[str, Any] = {"warned": False, "applied": [], "storyboard": False}


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


# ------------------------------------------------------------------------- the replacements


def _generate_points_then_forget_path(self: VMobjectFromSVGPath) -> VMobjectFromSVGPath:
    """manim's ``generate_points``, then ``path_obj`` dropped."""
    _MANIM_GENERATE_POINTS(self)
    self.path_obj = None  # read only by generate_points, which manim calls once, at init
    return self


def _deepcopy_mobject(self: Mobject, memo: dict[int, Any]) -> Mobject:
    """``Mobject.__deepcopy__`` of manim 0.21 without a deepcopy call per plain attribute."""
    result = self.__class__.__new__(self.__class__)
    memo[id(self)] = result
    result.__dict__.update({key: value if type(value) in _KEPT_AS_THEY_ARE else _copied(value, memo)
                            for key, value in self.__dict__.items()})
    result.original_id = str(id(self))
    return result


def _copied(value: Any, memo: dict[int, Any]) -> Any:
    """``copy.deepcopy(value, memo)``, the common kinds of a mobject's attributes made directly."""
    kind = type(value)
    if kind in _KEPT_AS_THEY_ARE:
        return value
    if isinstance(value, enum.Enum):
        return value
    if kind is np.ndarray and value.dtype != object or kind is ManimColor:
        copied = memo.get(id(value))
        if copied is None:  # the original is alive (self holds it): its id stays its own
            if kind is np.ndarray:
                copied = value.copy(order="K")
            else:  # a colour is one small array
                copied = object.__new__(ManimColor)
                copied.__dict__.update({k: _copied(v, memo) for k, v in value.__dict__.items()})
            memo[id(value)] = copied
        return copied
    return copy.deepcopy(value, memo)


def _get_family(self: Mobject, recurse: bool = True) -> list[Mobject]:
    """``Mobject.get_family``: self and every submobject, depth first, each once (its last
    place kept), from one walk of the tree instead of one list per level."""
    members: list[Mobject] = []

    def walk(mobject: Mobject) -> None:
        if type(mobject).get_family is not _get_family:  # a subclass with its own family
            members.extend(mobject.get_family())
            return
        members.append(mobject)
        for sub in mobject.submobjects:
            walk(sub)

    walk(self)
    if len(set(map(id, members))) == len(members):
        return members
    seen: set[int] = set()
    last_first = [m for m in reversed(members) if not (id(m) in seen or seen.add(id(m)))]
    return last_first[::-1]


def whole_svg(path: Path) -> bool:
    """True when ``path`` is a complete SVG file (it parses as XML with an ``<svg>`` root)."""
    try:
        return ElementTree.parse(path).getroot().tag.rpartition("}")[2] == "svg"
    except (OSError, ElementTree.ParseError):
        return False


def _into_cache(final: Path, folder_key: str, make: Callable[[], Any],
                edit: Callable[[str], str] | None = None) -> Path:
    """Run ``make`` (manim's function, writing into ``config[folder_key]``) with that folder
    pointed at a private folder beside ``final``, then put the SVG it made (``edit``-ed) at
    ``final`` with its check (:func:`attention_manim.cache_files.write_entry`): another
    process sees the whole entry or none. When the cache cannot be written (full, read-only),
    the SVG is used from a private folder of this process and the cache's variable is named."""
    private = _private_folder(final.parent)
    chosen = config[folder_key]
    try:
        config[folder_key] = str(private)
        made = Path(make())
        data = made.read_bytes()
        if edit is not None:
            data = edit(data.decode("utf-8")).encode("utf-8")
        if not _whole_svg_bytes(data):
            raise ValueError(f"manim made an incomplete SVG for {final.name} ({made})")
        try:
            cache_files.write_entry(final, final.stem, data)
        except OSError as error:
            cache_files.note(f"cannot write {final} ({_cache_variable(final)}): "
                             f"{error.strerror or error}; using the SVG uncached")
            final = _uncached_folder() / final.name
            final.write_bytes(data)
    finally:
        config[folder_key] = chosen
        shutil.rmtree(private, ignore_errors=True)
    return final


def _private_folder(beside: Path) -> Path:
    """A new folder of this process only (0o700) beside the cache's folder, or in the system's
    temporary folder when that cannot be written."""
    with contextlib.suppress(OSError):
        beside.mkdir(mode=0o700, parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=".making-", dir=beside))
    return Path(tempfile.mkdtemp(prefix="attention-making-"))


@functools.cache
def _uncached_folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="attention-svg-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def _cache_variable(path: Path) -> str:
    shared = settings().manim_cache_dir
    if path.is_relative_to(shared):
        return f"ATTENTION_MANIM_CACHE={shared}"
    return "manim's media folder"


def _whole_svg_bytes(data: bytes) -> bool:
    try:
        return ElementTree.fromstring(data).tag.rpartition("}")[2] == "svg"
    except ElementTree.ParseError:
        return False


def _cached(final: Path) -> bool:
    """True when ``final`` is a usable cache entry: its check matches its name and bytes, and it
    is a whole SVG; a damaged one is named, removed (and made again)."""
    data = cache_files.read_entry(final, final.stem)
    if data is None:
        return False
    if not _whole_svg_bytes(data):
        cache_files.damaged(final, "it is not a whole SVG")
        return False
    return True


def _shared_tex_to_svg_file(expression: str, environment: str | None = None,
                            tex_template: Any = None) -> Path:
    """manim 0.21's ``tex_to_svg_file`` through the shared cache (same name: manim's hash of
    the whole LaTeX source), made privately and renamed into place."""
    template = config["tex_template"] if tex_template is None else tex_template
    code = (template.get_texcode_for_expression_in_env(expression, environment) if environment is not None
            else template.get_texcode_for_expression(expression))
    final = config.get_dir("tex_dir") / f"{tex_hash(code)}.svg"
    if _cached(final):
        return final
    return _into_cache(final, "tex_dir", lambda: _MANIM_TEX_TO_SVG(expression, environment, template))


def _generate_mobject_in_memory(self: SVGMobject) -> SVGMobject:
    """manim 0.21's ``SVGMobject.generate_mobject`` with its modified SVG kept in memory: manim
    writes it to ``<name>_.svg`` beside the SVG and deletes it after parsing, which in the
    shared cache is one file for every process reading that entry (one deletes it while
    another parses it). In the storyboard (:func:`storyboard`) the parsed pieces come from
    :func:`_parsed_in_memory`, already flipped. Parsed pieces are never kept on disk: loading
    them (a pickle) from a folder others may write would run their code."""
    cached = _state["storyboard"]
    mobjects, mobject_dict = _parsed_in_memory(self) if cached else _parse_svg(self)
    self.add(*mobjects)
    if not cached:
        _flip_y(self)
    self.id_to_vgroup_dict = mobject_dict
    return self


# The storyboard's parsed SVGs, by a hash of the SVG's bytes and of everything else manim's
# parse reads; kept in this process only (a --watch rebuild is forked from the watcher, so it
# starts with every piece the watcher's first build parsed).
_PARSED: dict[str, tuple[list[Any], dict[str, Any]]] = {}


def _parsed_in_memory(self: SVGMobject) -> tuple[list[Any], dict[str, Any]]:
    """A copy of :func:`_parse_svg`'s pieces, flipped as manim flips them, parsed once per process
    (parsing, svgelements then a mobject per path, is most of the cost of a text or formula). A
    ``Text``'s groups (one ``VGroup`` for each element of its SVG; only LaTeX mobjects read
    theirs, to colour and split formulas) are not kept."""
    import hashlib

    data = self.get_file_path().read_bytes()
    seed = [v for v in self.hash_seed if v is not self.file_name]
    kind = f"{type(self).__module__}.{type(self).__qualname__}"
    key = hashlib.sha256(repr((kind, seed)).encode() + hashlib.sha256(data).digest()).hexdigest()
    if key not in _PARSED:
        mobjects, groups = _parse_svg(self)
        _flip_y(Mobject().add(*mobjects))  # about the pieces' centre, as manim flips the whole
        _PARSED[key] = (mobjects, {} if isinstance(self, (Text, MarkupText)) else groups)
    return copy.deepcopy(_PARSED[key])  # one memo: a group holds the copies of its pieces


def _flip_y(mobject: Mobject) -> Mobject:
    """manim's flip of a parsed SVG (its y axis points down): half a turn about the x axis,
    about the centre of the pieces."""
    from manim import RIGHT

    return mobject.flip(RIGHT)


def _parse_svg(self: SVGMobject) -> tuple[list[Any], dict[str, Any]]:
    """The pieces manim 0.21's ``generate_mobject`` makes of the SVG, before adding them."""
    import io

    import svgelements as se

    new_tree = self.modify_xml_tree(ElementTree.parse(self.get_file_path()))
    buffer = io.BytesIO()
    new_tree.write(buffer)
    buffer.seek(0)
    return self.get_mobjects_from(se.SVG.parse(buffer))


def _digit_without_groups(self: DecimalNumber, string: str, mob_class: Any = None, **kwargs: Any) -> Any:
    """manim 0.21's ``DecimalNumber._string_to_mob``, the glyph it keeps for each character
    (``numbers.string_to_mob_map``, one per process) made without its SVG's element groups:
    every digit of every number is a copy of it, and copying the groups was 60% of a copy
    (a number is never split or coloured by them)."""
    if mob_class is None:
        mob_class = self.mob_class
    if string not in numbers.string_to_mob_map:
        made = mob_class(string, **kwargs)
        made.id_to_vgroup_dict = {}
        numbers.string_to_mob_map[string] = made
    mob = numbers.string_to_mob_map[string].copy()
    mob.font_size = self._font_size
    return mob


class _PangoUtilsInPlace(text_mobject.PangoUtils):
    """manimpango's ``PangoUtils`` as ``Text.__init__`` uses it, its ``remove_last_M`` made safe
    for a shared file: manim rewrites every text's SVG in place (truncating it first) each time
    a ``Text`` is made from it, where another process may be reading it. Here the file is
    rewritten only when that changes it (the first time; the edit is idempotent), by a rename."""

    @staticmethod
    def remove_last_M(file_name: str) -> None:  # noqa: N802 (manimpango's name)
        path = Path(file_name)
        content = path.read_text()
        edited = _without_last_m(content)  # entries of the shared cache are kept edited
        if edited != content:
            cache_files.write_new(path, edited.encode())


def _without_last_m(content: str) -> str:
    """manimpango 0.6's edit of a text's SVG (``remove_last_M``), idempotent."""
    return re.sub(r'Z M [^A-Za-z]*? "\/>', 'Z "/>', content)


def _text_through_cache(original: Callable[[Any, Any], str]) -> Callable[[Any, Any], str]:
    def _text2svg(self: Text | MarkupText, color: Any) -> str:
        # manim lays the text out in a Pango box of the frame's pixel size, which its hash leaves
        # out: a long title made at 160x90 wraps, and its SVG would then be drawn at 1080p too
        size = f"{config['pixel_width']}x{config['pixel_height']}"
        final = config.get_dir("text_dir") / f"{self._text2hash(color)}-{size}.svg"
        if not _cached(final):
            final = _into_cache(final, "text_dir", lambda: original(self, color), _without_last_m)
        return str(final.resolve())

    _text2svg.__doc__ = f"manim 0.21's ``{original.__qualname__}`` through the shared cache."
    return _text2svg


_shared_text2svg = _text_through_cache(_MANIM_TEXT2SVG)
_shared_markup2svg = _text_through_cache(_MANIM_MARKUP2SVG)


def _with_encoder_options(open_stream: Callable[..., None], preset: str,
                          threads: int | None) -> Callable[..., None]:
    """``SceneFileWriter.open_partial_movie_stream`` of manim 0.21, an x264 stream given
    ``preset`` and (when not 0 or None) ``threads``."""

    def open_partial_movie_stream(self: SceneFileWriter, file_path: Any = None) -> None:
        open_stream(self, file_path)
        context = self._current_encode_job.stream.codec_context
        if context.name == "libx264":  # not webm's vp9 nor a transparent mov's qtrle
            context.options = {**context.options, "preset": preset}
        if threads:
            context.thread_count = threads

    return open_partial_movie_stream


def _encode_frames_without_copies(self: _PartialMovieEncodeJob, frame: np.ndarray, num_frames: int) -> None:
    """``_PartialMovieEncodeJob._encode_and_write_frame`` of manim 0.21 (encode ``frame``, an
    (height, width, 4) uint8 RGBA copy made for the queue, ``num_frames`` times) without its
    copies: the frame is wrapped, not copied into a new one (10.9 ms at 1080p), and a frame held
    for several is converted to the stream's yuv420p once (6 ms a time), not once per frame. The
    encoder is given the same frames in the same order (not always the same bytes back: x264
    itself varies at sizes not a multiple of 16; at 1080p a step's video came out byte-identical)."""
    stream = self.stream
    # PyAV wraps a yuv420p array as a frame only at a height divisible by 4 (else it miscounts)
    if num_frames > 1 and stream.pix_fmt == "yuv420p" and stream.width % 2 == 0 and stream.height % 4 == 0:
        held = av.VideoFrame.from_numpy_buffer(frame, format="rgba").reformat(
            stream.width, stream.height, "yuv420p").to_ndarray()

        def next_frame() -> av.VideoFrame:
            return av.VideoFrame.from_numpy_buffer(held, format="yuv420p", width=stream.width)
    else:
        def next_frame() -> av.VideoFrame:
            return av.VideoFrame.from_numpy_buffer(frame, format="rgba")
    for _ in range(num_frames):
        for packet in stream.encode(next_frame()):  # a new frame each time, as manim's
            self.container.mux(packet)


def _keeping_frame_clock(play: Callable[..., None]) -> Callable[..., None]:
    """``CairoRenderer.play`` of manim 0.21, a play taken from the cache moving the clock by the
    frames it would have written (:func:`frames_written`) instead of its exact duration."""

    def play_on_frames(self: CairoRenderer, scene: Any, *args: Any, **kwargs: Any) -> None:
        start = self.time
        play(self, scene, *args, **kwargs)
        if self.skip_animations and not self._original_skipping_status:  # taken from the cache
            self.time = start + frames_written(scene) / self.camera.frame_rate

    return play_on_frames


def frames_written(scene: Any) -> int:
    """The frames manim 0.21 writes for the play ``scene`` has just compiled: a still wait is
    frozen for ``int(duration * fps)`` frames, anything else drawn at each of
    ``np.arange(0, duration, 1 / fps)``."""
    dt = 1 / config.frame_rate
    if scene.is_current_animation_frozen_frame():
        return int(scene.duration / dt)
    return len(np.arange(0, scene.duration, dt))


def _print_plain_traceback(*args: Any, **kwargs: Any) -> None:
    """rich's ``Console.print_exception`` as Python's plain traceback (the renderer reads it)."""
    traceback.print_exc()


# ------------------------------------------------------------------------------- the cameras


class CrispCamera(Camera):
    """manim's cairo camera, but an image asking to be copied is copied (not a patch).

    An image with ``pixel_for_pixel = True`` (a grid of printed numbers) lying within
    :data:`SNAP_TOLERANCE` pixels of one to one is copied at the nearest whole pixels, crisp,
    where manim would resample it by a fraction of a pixel. Every other image is manim's.
    """

    def display_image_mobject(self, image_mobject: AbstractImageMobject, pixel_array: np.ndarray) -> None:
        if getattr(image_mobject, "pixel_for_pixel", False):
            pixels = image_mobject.get_pixel_array()
            corners = self.points_to_subpixel_coords(image_mobject, image_mobject.points)
            top_left = _pixel_for_pixel(corners, pixels.shape, SNAP_TOLERANCE)
            if top_left is not None:
                _blend(pixel_array, _cut(pixels, top_left, pixel_array.shape))
                return
        super().display_image_mobject(image_mobject, pixel_array)


class LeanCamera(CrispCamera):
    """manim's cairo camera, drawing each image only over its own pixels, once per look.

    An image is transformed to where it lands as manim's camera does it, then blended over
    that box of the frame (manim pastes it into a transparent frame-sized image and blends
    the whole frame). An image with the same pixels at the same place is drawn from the
    patch made the first time (a bounded LRU of :data:`PATCHES_KEPT` patches); any change
    of pixels, opacity, position, size or resampling makes a new patch.
    """

    PATCHES_KEPT = 48

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._patches: OrderedDict[tuple, _Placed | None] = OrderedDict()
        self.patch_hits = self.patch_misses = 0

    def display_image_mobject(self, image_mobject: AbstractImageMobject, pixel_array: np.ndarray) -> None:
        pixels = image_mobject.get_pixel_array()
        corners = self.points_to_subpixel_coords(image_mobject, image_mobject.points)
        # manim's transform would copy the image (nearest, one to one), or the image asks to be
        # copied and lies within half a pixel of one to one: blend it as it is.
        snap = getattr(image_mobject, "pixel_for_pixel", False)
        if snap or image_mobject.resampling_algorithm == Image.Resampling.NEAREST:
            top_left = _pixel_for_pixel(corners, pixels.shape, SNAP_TOLERANCE if snap else 1e-6)
            if top_left is not None:
                _blend(pixel_array, _cut(pixels, top_left, pixel_array.shape))
                return
        key = (corners.tobytes(), pixel_array.shape, image_mobject.resampling_algorithm, pixels.shape,
               hash(pixels.tobytes()))
        if key in self._patches:
            self._patches.move_to_end(key)
            self.patch_hits += 1
        else:
            self.patch_misses += 1
            self._patches[key] = _placed(pixels, corners, image_mobject.resampling_algorithm,
                                         pixel_array.shape)
            if len(self._patches) > self.PATCHES_KEPT:
                self._patches.popitem(last=False)
        _blend(pixel_array, self._patches[key])


class StoryboardCamera(LeanCamera):
    """The lean camera for the storyboard: a vector mobject whose points it has drawn before
    (in an earlier frame of this scene) is traced from the cairo path it made then.

    The storyboard draws the frame at the end of every beat, and most of a frame is what the
    last one showed: gravity's 14 frames draw 6871 outlines, 5853 of them seen before. manim's
    ``set_cairo_context_path`` is Python and numpy for each (finding the subpaths, then a
    ``curve_to`` a curve): 65% of the drawing, whose pixels depend only on the points. The
    path is kept by the points' bytes (the camera's transform lives in the cairo context, not
    the path), :data:`PATHS_KEPT` of them (least recently used out), and gives the same pixels
    (``tests/test_storyboard.py``). Only for the storyboard: a video's moving mobjects are new
    points nearly every frame, and its still ones are drawn once into manim's static image."""

    PATHS_KEPT = 8192

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._paths: OrderedDict[bytes, Any] = OrderedDict()
        self.path_hits = self.path_misses = 0

    def set_cairo_context_path(self, ctx: Any, vmobject: Any) -> StoryboardCamera:
        if len(vmobject.points) == 0:  # manim's leaves the context's path as it was
            return super().set_cairo_context_path(ctx, vmobject)
        key = vmobject.points.tobytes()
        path = self._paths.get(key)
        if path is None:
            self.path_misses += 1
            super().set_cairo_context_path(ctx, vmobject)
            self._paths[key] = ctx.copy_path()
            if len(self._paths) > self.PATHS_KEPT:
                self._paths.popitem(last=False)
        else:
            self.path_hits += 1
            self._paths.move_to_end(key)
            ctx.new_path()
            ctx.append_path(path)
        return self


class _Placed(NamedTuple):
    """An image as drawn on the frame, cut to the frame: its top-left pixel and its pixels."""

    left: int
    top: int
    image: Image.Image


def _blend(pixel_array: np.ndarray, patch: _Placed | None) -> None:
    """Alpha-composite ``patch`` onto ``pixel_array`` ((height, width, 4) uint8) in place."""
    if patch is None:
        return
    region = pixel_array[patch.top:patch.top + patch.image.height, patch.left:patch.left + patch.image.width]
    region[:] = np.asarray(Image.alpha_composite(Image.fromarray(region), patch.image))


def _pixel_for_pixel(corners: np.ndarray, shape: tuple[int, ...], tolerance: float) -> tuple[int, int] | None:
    """The frame pixel of an image's top-left when its ``corners`` ((4, 2) subpixel coordinates:
    top-left, top-right, bottom-left, bottom-right) put its ``shape`` pixels one on one onto
    the frame's, unturned, each corner within ``tolerance`` pixels of that; else None."""
    height, width = shape[:2]
    left, top = np.rint(corners[0])
    exact = np.array([[left, top], [left + width, top], [left, top + height], [left + width, top + height]])
    return (int(left), int(top)) if np.abs(corners - exact).max() <= tolerance else None


def _cut(pixels: np.ndarray, top_left: tuple[int, int], frame_shape: tuple[int, ...]) -> _Placed | None:
    """``pixels`` with their top-left at frame pixel ``top_left``, cut to the frame."""
    left, top = top_left
    height, width = frame_shape[:2]
    box = (max(0, -left), max(0, -top),
           min(pixels.shape[1], width - left), min(pixels.shape[0], height - top))
    if box[0] >= box[2] or box[1] >= box[3]:
        return None
    return _Placed(left + box[0], top + box[1], Image.fromarray(pixels[box[1]:box[3], box[0]:box[2]]))


def _placed(pixels: np.ndarray, corners: np.ndarray, resampling: int,
            frame_shape: tuple[int, ...]) -> _Placed | None:
    """The image ``pixels`` ((h, w, 4) uint8) as manim 0.21's ``Camera.display_image_mobject``
    draws it with its corners at ``corners`` ((4, 2) subpixel coordinates: top-left,
    top-right, bottom-left, bottom-right): the same perspective transform, cut to the frame
    instead of pasted into a frame-sized image. None when manim would draw nothing."""
    image = Image.fromarray(pixels)
    source = np.array([[0, 0], [image.width, 0], [0, image.height], [image.width, image.height]])
    whole = corners.astype(np.int64)
    shift = whole.min(axis=0)
    target, whole = corners - shift, whole - shift
    size = (int(whole[:, 0].max()), int(whole[:, 1].max()))
    # manim skips an image seen edge-on: its height from the longest side under half a pixel
    ordered = target[[0, 1, 3, 2]]
    sides = np.roll(ordered, -1, axis=0) - ordered
    lengths = np.linalg.norm(sides, axis=1)
    longest = int(np.argmax(lengths))
    if lengths[longest] == 0:
        return None
    side, previous = sides[longest], sides[(longest - 1) % 4]
    if abs(side[0] * previous[1] - side[1] * previous[0]) / lengths[longest] < 0.5:
        return None
    rows = []
    for (x, y), (u, v) in zip(target, source, strict=True):
        rows += [[x, y, 1, 0, 0, 0, -u * x, -u * y], [0, 0, 0, x, y, 1, -v * x, -v * y]]
    try:
        coefficients = np.linalg.solve(np.array(rows, dtype=np.float64), source.reshape(8).astype(np.float64))
    except np.linalg.LinAlgError:
        return None
    drawn = image.transform(size=size, method=Image.Transform.PERSPECTIVE, data=coefficients,
                            resample=resampling)
    return _cut(np.asarray(drawn), (int(shift[0]), int(shift[1])), frame_shape)


# ------------------------------------------------------------------------- the storyboard's renderer


class StoryboardRenderer(CairoRenderer):
    """manim 0.21's cairo renderer for a scene built with every animation skipped, whose
    frames are drawn only when asked for (the storyboard's frame at the end of each beat);
    the same frames as manim's renderer, for much less drawing.

    A skipped play of manim's draws the still mobjects into a "static image", then the moving
    ones over it (a wait), or each animation's last frame (anything else), and writes neither.
    This one draws nothing while playing. What a later frame inherits is kept: after a still
    wait manim's next frame is drawn over that static image (the still mobjects drawn twice:
    edges and see-through fills darker than in the video, and so in the key frames), so the
    still mobjects are remembered and drawn into it when, and only if, a frame is asked for
    before the next play.

    Animations whose end is their mobject as it was (:data:`SETTLING`: a fade in or out,
    a Create, a Write, a GrowArrow, ending on their rate's 1, no updater in the mobject's family)
    skip their beginning and interpolation (copies of the mobject, alignment): only their
    adding to and removing from the scene is done. Any other animation plays as manim skips
    it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the last still wait (its scene, the scene's members then, its animations): drawn under
        # the next frame asked for before another play, as manim's static image
        self._still: tuple[Any, list[Mobject], list[Mobject], list[Any]] | None = None

    def play(self, scene: Any, *args: Any, **kwargs: Any) -> None:
        """``CairoRenderer.play`` of manim 0.21 for a skipped play, drawing nothing."""
        self.skip_animations = self._original_skipping_status
        self.update_skipping_status()
        if not self.skip_animations:
            super().play(scene, *args, **kwargs)
            return
        scene.compile_animation_data(*args, **kwargs)
        self.time += scene.duration
        self.file_writer.add_partial_movie_file(None)
        self.animations_hashes.append(None)
        self.file_writer.begin_animation(False)
        # Scene.begin_animations without its split into moving and still mobjects (the still
        # ones are only drawn, under a frame asked for after a still wait: split then)
        for animation in scene.animations:
            if _settles_at_once(animation):
                _only_enter_and_leave(animation)
            animation._setup_scene(scene)
            animation.begin()
        self.static_image, self._still = None, None
        if scene.is_current_animation_frozen_frame():
            self._still = (scene, list(scene.mobjects), list(scene.foreground_mobjects), scene.animations)
        else:
            scene.play_internal()
        self.file_writer.end_animation(False)
        self.num_plays += 1

    def render(self, scene: Any, time: float, moving_mobjects: Any = None) -> None:
        """A frame of a play: written only when not skipping (a skipped play's is dropped)."""
        if not self.skip_animations:
            super().render(scene, time, moving_mobjects)

    def update_frame(self, scene: Any, mobjects: Any = None, include_submobjects: bool = True,
                     ignore_skipping: bool = True, **kwargs: Any) -> None:
        if self._still is not None and (ignore_skipping or not self.skip_animations):
            self._draw_still()
        super().update_frame(scene, mobjects, include_submobjects, ignore_skipping, **kwargs)

    def _draw_still(self) -> None:
        """manim's static image of the last still wait: its still mobjects (the scene's members
        then, less what its wait moves), drawn as they are now."""
        scene, members, foreground, animations = self._still
        self._still = None
        kept = scene.mobjects, scene.foreground_mobjects
        try:
            scene.mobjects, scene.foreground_mobjects = members, foreground
            still = scene.get_moving_and_static_mobjects(animations)[1]
        finally:
            scene.mobjects, scene.foreground_mobjects = kept
        if still:
            super().update_frame(scene, mobjects=still)
            self.static_image = self.get_frame()


def _settling_types() -> frozenset[type]:
    from manim import Create, FadeIn, FadeOut, GrowArrow, Write

    return frozenset({FadeIn, FadeOut, Create, Write, GrowArrow})


SETTLING: frozenset[type] = _settling_types()


def _settles_at_once(animation: Any) -> bool:
    """Whether ``animation`` (after manim's ``prepare_animation``) ends on its mobject as it
    was: one of :data:`SETTLING` exactly (not a subclass), at its rate's 1, with no updater
    that the animation's suspending and resuming would call differently."""
    mobject = getattr(animation, "mobject", None)
    return (type(animation) in SETTLING and mobject is not None
            and abs(animation.rate_func(1.0) - 1.0) < 1e-9 and not mobject.get_family_updaters())


def _nothing(*args: Any) -> None:
    return None


def _only_enter_and_leave(animation: Any) -> None:
    """Let ``animation`` (one that :func:`_settles_at_once`) only add its mobject to the scene
    (an introducer) or take it away (a remover): no starting copy, no interpolation."""
    animation.begin = animation.finish = animation.interpolate = animation.update_mobjects = _nothing


def storyboard_on() -> bool:
    """Whether this process is building a storyboard (:func:`storyboard` on): every play is
    skipped and nothing of it drawn, so what only a play's frames show need not be made."""
    return _state["storyboard"]
