"""No test module imports another test module: what tests share lives in helper modules
(``tests/scene_harness.py``, ``tiny_render.py``, ``fake_voice.py``, ``watch_story.py``,
``long_example.py``) or in ``conftest.py`` fixtures, so a test file can be read, run or removed
on its own. Imports inside functions count (the project's one import walker reads them)."""

from __future__ import annotations

from pathlib import Path

from attention_explainer.import_walk import module_imports

TESTS = Path(__file__).parent
NOT_YET: dict[str, set[str]] = {}  # test modules allowed to import others: none


def imported_test_modules(folder: Path) -> dict[str, set[str]]:
    """Each test module (``test_*.py``) of ``folder`` -> the test modules of ``folder`` it
    imports, at module level or inside a function; modules that import none are left out."""
    tests = {path.stem: path for path in sorted(folder.glob("test_*.py"))}
    found = {name: module_imports(name, path, set(tests)) for name, path in tests.items()}
    return {name: used for name, used in found.items() if used}


def test_no_test_module_imports_another() -> None:
    extra = {name: used - NOT_YET.get(name, set()) for name, used in imported_test_modules(TESTS).items()}
    assert {name: sorted(used) for name, used in extra.items() if used} == {}


def test_imports_of_test_modules_are_found_in_functions_too(tmp_path: Path) -> None:
    (tmp_path / "test_a.py").write_text("import numpy\n\ndef test_x():\n    from test_b import helper\n")
    (tmp_path / "test_b.py").write_text("import test_c\nfrom shared import helper\n")
    (tmp_path / "test_c.py").write_text("from scene_harness import build_scene\n")
    (tmp_path / "shared.py").write_text("def helper(): ...\n")
    assert imported_test_modules(tmp_path) == {"test_a": {"test_b"}, "test_b": {"test_c"}}
