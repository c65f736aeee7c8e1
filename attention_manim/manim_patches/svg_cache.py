"""LaTeX and text turned into SVG once, for every process: the shared, checked cache of SVGs
and the parsed SVGs kept in memory (see the package's docstring)."""

from __future__ import annotations

import atexit
import contextlib
import copy
import functools
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from manim import Mobject, config
from manim.mobject.svg.svg_mobject import SVGMobject
from manim.mobject.text import text_mobject
from manim.mobject.text.text_mobject import MarkupText, Text
from manim.utils import tex_file_writing
from manim.utils.tex_file_writing import tex_hash

from attention_manim import cache_files
from attention_manim.manim_patches.state import _state
from attention_manim.settings import settings

_MANIM_TEX_TO_SVG = tex_file_writing.tex_to_svg_file
_MANIM_TEXT2SVG = Text._text2svg
_MANIM_MARKUP2SVG = MarkupText._text2svg


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
