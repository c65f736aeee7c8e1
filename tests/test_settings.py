"""The settings module: every environment variable read in one place, once, with clean errors."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from attention_content.examples import DEFAULT_EXAMPLE
from attention_explainer.import_walk import PACKAGES
from attention_manim.settings import (
    VARIABLES,
    Settings,
    SettingsError,
    environment,
    from_environment,
)

ROOT = Path(__file__).resolve().parents[1]


def test_an_empty_environment_gives_the_defaults():
    s = from_environment({})
    assert s == Settings()
    assert (s.example, s.example_name) == (DEFAULT_EXAMPLE, DEFAULT_EXAMPLE)
    assert (s.slides, s.speedups) == (False, True)
    assert s.slides_dir == Path("slides") and s.encoder_threads is None and s.render_parent is None


def test_each_variable_fills_its_field():
    s = from_environment({"ATTENTION_EXAMPLE": "/tmp/x/bank.toml", "ATTENTION_SLIDES": "1",
                          "ATTENTION_SLIDES_DIR": "/tmp/deck", "ATTENTION_SPEEDUPS": "0",
                          "ATTENTION_ENCODER_THREADS": "3", "ATTENTION_RENDER_PARENT": "4242",
                          "XDG_CACHE_HOME": "/tmp/cache", "UPDATE_KEYFRAMES": "1", "UNRELATED": "9"})
    assert s == Settings(example="/tmp/x/bank.toml", slides=True, slides_dir=Path("/tmp/deck"),
                         speedups=False, encoder_threads=3, render_parent=4242, cache_home=Path("/tmp/cache"),
                         update_keyframes=True)
    assert s.example_name == "bank"


@pytest.mark.parametrize("text", ["0", "", "false", "No", "OFF"])
def test_a_switch_is_off_for_zero_empty_or_no(text):
    assert from_environment({"ATTENTION_SPEEDUPS": text}).speedups is (text == "")  # empty: the default
    assert from_environment({"ATTENTION_SLIDES": text}).slides is False


def test_an_unknown_x264_preset_is_named_with_the_presets_there_are():
    assert from_environment({}).encoder_preset == "superfast"
    assert from_environment({"ATTENTION_ENCODER_PRESET": "medium"}).encoder_preset == "medium"
    with pytest.raises(SettingsError) as caught:
        from_environment({"ATTENTION_ENCODER_PRESET": "quick"})
    assert str(caught.value) == ("environment variables: ATTENTION_ENCODER_PRESET='quick': must be one of "
                                 "x264's presets: ultrafast, superfast, veryfast, faster, fast, medium, "
                                 "slow, slower, veryslow, placebo")


def test_a_bad_number_names_every_variable_and_its_value():
    with pytest.raises(SettingsError) as caught:
        from_environment({"ATTENTION_ENCODER_THREADS": "two", "ATTENTION_RENDER_PARENT": "-5"})
    message = str(caught.value)
    assert "ATTENTION_ENCODER_THREADS='two'" in message and "ATTENTION_RENDER_PARENT='-5'" in message


def test_the_environment_a_child_gets_reads_back_as_the_same_settings():
    env = environment(example="assets/examples/bank.toml", slides=True, slides_dir=Path("/tmp/deck"),
                      speedups=False, encoder_threads=1, render_parent=77)
    assert env == {"ATTENTION_EXAMPLE": "assets/examples/bank.toml", "ATTENTION_SLIDES": "1",
                   "ATTENTION_SLIDES_DIR": "/tmp/deck", "ATTENTION_SPEEDUPS": "0",
                   "ATTENTION_ENCODER_THREADS": "1", "ATTENTION_RENDER_PARENT": "77"}
    back = from_environment(env)
    assert (back.example, back.slides, back.slides_dir, back.speedups, back.encoder_threads,
            back.render_parent) == ("assets/examples/bank.toml", True, Path("/tmp/deck"), False, 1, 77)
    with pytest.raises(TypeError, match="no setting called 'colour'"):
        environment(colour="red")


def test_every_field_has_exactly_one_variable_and_every_name_is_written_once():
    fields = [v.field for v in VARIABLES]
    assert sorted(fields) == sorted(Settings.__dataclass_fields__)
    assert len({v.name for v in VARIABLES}) == len(VARIABLES)


def test_the_settings_are_read_once_per_process():
    code = ("import os; from attention_manim.settings import settings; a = settings(); "
            "os.environ['ATTENTION_EXAMPLE'] = 'bank'; print(a.example, settings() is a, settings().example)")
    env = {"PATH": "/usr/bin:/bin", "ATTENTION_EXAMPLE": "apple"}
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["apple", "True", "apple"]


def _environment_reads(path: Path) -> list[str]:
    """``os.environ`` / ``os.getenv`` / ``environ`` uses in a source file, as ``file:line``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        name = (node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name)
                else node.names[0].name if isinstance(node, ast.ImportFrom) and node.module == "os"
                and any(a.name in ("environ", "getenv") for a in node.names) else None)
        if name in ("environ", "getenv", "environb"):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


# Not settings: the command line gives numpy one BLAS thread (OPENBLAS_NUM_THREADS...) unless the
# user chose, before numpy is imported, which the settings module imports (attention_core).
SETS_LIBRARY_THREADS = ["attention_explainer/__main__.py:15"]


def test_nothing_but_the_settings_module_reads_the_environment():
    sources = [p for package in PACKAGES
               for p in sorted((ROOT / package).rglob("*.py"))]
    reads = [hit for path in sources if path.name != "settings.py" for hit in _environment_reads(path)]
    assert reads == SETS_LIBRARY_THREADS
    assert _environment_reads(ROOT / "attention_manim" / "settings.py")  # it does read it


def test_the_docs_document_every_variable_and_no_other():
    section = (ROOT / "docs" / "environment.md").read_text(encoding="utf-8")
    documented = re.findall(r"^\| `([A-Z_]+)` \|", section, flags=re.MULTILINE)
    assert sorted(documented) == sorted(v.name for v in VARIABLES)
