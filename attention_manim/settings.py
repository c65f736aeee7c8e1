"""Every environment variable attention-explainer reads: named once, read once, here.

:func:`settings` reads the environment the first time it is called and hands back the same
frozen :class:`Settings` from then on; the scenes (``scenes/base.py``), the manim patches and
the renderer ask it, and nothing else in the project calls ``os.environ``. The renderer passes
settings on to the manim processes it starts with :func:`environment`, which writes the
variables under the names in :data:`VARIABLES`; the table in ``docs/environment.md``
lists the same names (a test holds them together).

>>> s = from_environment({"ATTENTION_EXAMPLE": "assets/examples/bank.toml", "ATTENTION_SPEEDUPS": "0"})
>>> s.example, s.example_name, s.speedups, s.slides
('assets/examples/bank.toml', 'bank', False, False)
>>> environment(example="bank", slides=True)
{'ATTENTION_EXAMPLE': 'bank', 'ATTENTION_SLIDES': '1'}
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from attention_content.example_types import Example, ExampleError
from attention_content.examples import DEFAULT_EXAMPLE, load_example, output_name, resolve_example
from attention_core.errors import AttentionInputError

__all__ = ["PACES", "VARIABLES", "X264_PRESETS", "Settings", "SettingsError", "child_environment",
           "children_see", "environment", "from_environment", "settings"]


class SettingsError(AttentionInputError):
    """An environment variable with a value the project cannot use; the message names it."""


@dataclass(frozen=True)
class Variable:
    """One environment variable: its name, the :class:`Settings` field it fills, what it does."""

    name: str
    field: str
    doc: str


# The one place each name is written. docs/environment.md says the same (tests/test_settings.py).
VARIABLES = (
    Variable("ATTENTION_EXAMPLE", "example",
             "the example the scenes draw: a shipped example's name or a path to a .toml file "
             f"(default `{DEFAULT_EXAMPLE}`); `attention-explainer render --example` sets it"),
    Variable("ATTENTION_EXAMPLE_SNAPSHOT", "example_snapshot",
             "set by the renderer for its manim processes: a private copy of the example and the "
             "corpus it names, as they were when the step started; the scene draws from it, so the "
             "step's stamp describes the bytes it drew"),
    Variable("ATTENTION_SLIDES", "slides",
             "`1`: every scene is built as its manim-slides slide variant, one slide per beat, when the "
             "manim command line renders a scene file (`render --slides` asks its launcher for each step's "
             "slide class instead)"),
    Variable("ATTENTION_SLIDES_DIR", "slides_dir",
             "where the slides go (default `./slides`)"),
    Variable("ATTENTION_SPEEDUPS", "speedups",
             "`0`: none of the speedups of `attention_manim/manim_patches/`, manim's own "
             "code (the same frames, slower; only the encoder's preset and thread count and plain "
             "tracebacks in the render's logs stay); default `1`"),
    Variable("ATTENTION_ENCODER_THREADS", "encoder_threads",
             "x264 threads per manim process (default: the encoder's choice; the renderer uses 1, so "
             "that a step's pixels do not depend on --jobs; 0: the encoder's choice there too)"),
    Variable("ATTENTION_ENCODER_PRESET", "encoder_preset",
             "x264's preset for every video: `ultrafast` ... `placebo` (default `superfast`; "
             "manim's own is `medium`: slower, files a little smaller); each preset keeps its "
             "partial movies in a folder of its own"),
    Variable("ATTENTION_RENDER_PARENT", "render_parent",
             "set by the renderer for its manim processes (its process id): a process whose "
             "renderer is gone stops"),
    Variable("ATTENTION_REFUSAL_FILE", "refusal_file",
             "set by the renderer for its manim processes: the file where a scene that cannot draw its "
             "example writes why (JSON, `attention_manim/contract.py`), which the renderer reports"),
    Variable("ATTENTION_VOICE", "voice",
             "`1`: every beat's narration is spoken (the voice extra; `render --voice` sets it); "
             "a beat lasts until its speech has ended"),
    Variable("ATTENTION_PACE", "pace",
             "`slow`: every beat is read at 13 characters a second (10 for a sentence of three numbers "
             "or more) and spoken slower (`render --pace slow` sets it); default `normal`"),
    Variable("XDG_CACHE_HOME", "cache_home",
             "where the slide deck's reveal.js and the spoken clips are kept "
             "(`$XDG_CACHE_HOME/attention-explainer`, "
             "default `~/.cache`)"),
    Variable("ATTENTION_MANIM_CACHE", "manim_cache",
             "where every manim process keeps the LaTeX and text it has turned into SVG, shared "
             "by all steps, examples and qualities (default `$XDG_CACHE_HOME/attention-explainer/manim`; "
             "with `ATTENTION_SPEEDUPS=0`, manim's own folders in each media dir)"),
    Variable("RAY_ADDRESS", "ray_address",
             "Ray's own variable: the cluster `batch --backend ray` joins when `--address` is not given "
             "(unset: a local Ray is started for the batch)"),
    Variable("UPDATE_KEYFRAMES", "update_keyframes",
             "`1`: the key-frame tests write the frames they compare against (`make keyframes`)"),
)
_BY_FIELD = {v.field: v for v in VARIABLES}
# x264's presets, fastest first (``x264 --help``); manim's own choice is ``medium``.
X264_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower",
                "veryslow", "placebo")
_OFF = ("", "0", "false", "no", "off")
# How fast the video goes: normal, or slow for younger or second-language students.
PACES = ("normal", "slow")


@dataclass(frozen=True)
class Settings:
    """The project's settings; see :data:`VARIABLES` for the variable behind each field."""

    example: str = DEFAULT_EXAMPLE
    example_snapshot: Path | None = None
    slides: bool = False
    slides_dir: Path = Path("slides")
    speedups: bool = True
    encoder_threads: int | None = None  # 0 or None: the encoder's own choice
    encoder_preset: str = "superfast"  # one of X264_PRESETS
    render_parent: int | None = None
    refusal_file: Path | None = None
    voice: bool = False
    pace: str = "normal"  # one of PACES
    cache_home: Path = field(default_factory=lambda: Path.home() / ".cache")
    update_keyframes: bool = False
    manim_cache: Path | None = None  # None: cache_home / attention-explainer / manim
    ray_address: str | None = None

    @property
    def manim_cache_dir(self) -> Path:
        """The shared LaTeX and text SVG cache (:attr:`manim_cache`, or under :attr:`cache_home`)."""
        return self.manim_cache or self.cache_home / "attention-explainer" / "manim"

    @property
    def example_name(self) -> str:
        """The name the example's outputs carry (:func:`attention_content.examples.output_name`):
        ``bank`` for the shipped ``bank``, ``bank-<hash of the path>`` for ``other/bank.toml``."""
        try:
            return output_name(resolve_example(self.example))
        except ExampleError:  # the scene's setup reports it when it loads the example
            return Path(self.example).stem or DEFAULT_EXAMPLE

    def load_example(self) -> Example:
        """The example :attr:`example` names, loaded and checked (an ``ExampleError`` if bad);
        read from :attr:`example_snapshot` when that is a snapshot of it
        (:mod:`attention_content.inputs`)."""
        if self.example_snapshot is not None:
            from attention_content.inputs import load_snapshot

            example = load_snapshot(self.example_snapshot, resolve_example(self.example))
            if example is not None:
                return example
        return load_example(self.example)


def from_environment(environ: Mapping[str, str]) -> Settings:
    """The settings ``environ`` holds (unset or empty variables keep the defaults); a
    :class:`SettingsError` naming every variable whose value cannot be used."""
    values: dict[str, object] = {}
    problems: list[str] = []
    for item in fields(Settings):
        variable = _BY_FIELD[item.name]
        text = environ.get(variable.name, "").strip()
        if not text:
            continue
        if item.type == "bool":
            values[item.name] = text.lower() not in _OFF
        elif item.type in ("int", "int | None"):
            try:
                number = int(text)
            except ValueError:
                number = -1
            if number < 0:
                problems.append(f"{variable.name}={text!r}: must be a whole number, 0 or more")
            values[item.name] = number
        elif item.type in ("Path", "Path | None"):
            values[item.name] = Path(text).expanduser()  # "~/x": the home folder's x, not a folder "~"
        else:
            values[item.name] = text
    preset = values.get("encoder_preset")
    if preset is not None and preset not in X264_PRESETS:
        problems.append(f"{_BY_FIELD['encoder_preset'].name}={preset!r}: must be one of x264's presets: "
                        + ", ".join(X264_PRESETS))
    pace = values.get("pace")
    if pace is not None and pace not in PACES:
        problems.append(f"{_BY_FIELD['pace'].name}={pace!r}: must be one of " + ", ".join(PACES))
    if problems:
        raise SettingsError("environment variables: " + "; ".join(problems))
    return Settings(**values)  # type: ignore[arg-type]


@functools.cache
def settings() -> Settings:
    """The settings of this process, read from ``os.environ`` the first time it is asked."""
    return from_environment(os.environ)


def child_environment(**values: object) -> dict[str, str]:
    """This process's whole environment with these settings (field=value) written over it: what
    a child process (a manim render) is started with."""
    return {**os.environ, **environment(**values)}


@contextlib.contextmanager
def children_see(**variables: str) -> Iterator[None]:
    """While inside, this process's environment also holds ``variables`` (each the environment
    does not set already: the user's choice stays), for the child processes started meanwhile
    (a forkserver takes the environment as it starts); put back after. Not settings of ours:
    what libraries in the children read (the storyboard's ``OPENBLAS_NUM_THREADS``)."""
    added = {name: value for name, value in variables.items() if name not in os.environ}
    os.environ.update(added)
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)


def environment(**values: object) -> dict[str, str]:
    """The environment variables that give a child process these settings (field=value)."""
    env = {}
    for name, value in values.items():
        if name not in _BY_FIELD:
            raise TypeError(f"no setting called {name!r}")
        text = ("1" if value else "0") if isinstance(value, bool) else str(value)
        env[_BY_FIELD[name].name] = text
    return env
