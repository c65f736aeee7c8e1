"""A step's stamp (attention_explainer/render/jobs.py) covers every project module its scene
imports: the modules Python really loads for it are among those hashed, and editing any one
of them renders the step again."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from attention_explainer.import_walk import PACKAGES
from attention_explainer.render import jobs, render
from scenes.story import Step, find_step

ROOT = Path(__file__).resolve().parents[1]

_LOADED = """
import importlib.util, sys
from pathlib import Path
root, path = Path(sys.argv[1]), Path(sys.argv[2])
spec = importlib.util.spec_from_file_location("step_under_test", path)
module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
for module in list(sys.modules.values()):
    file = getattr(module, "__file__", None)
    file = Path(file).resolve() if file else None
    if file and file.suffix == ".py" and file.is_relative_to(root) and file.relative_to(root).parts[0] in (
            "attention_core", "attention_content", "attention_manim", "attention_explainer", "scenes"):
        print(file.relative_to(root).as_posix())
"""


@pytest.mark.parametrize("step", ["cosine_similarity", "training"])
def test_every_project_module_a_scene_loads_is_in_its_stamp(step):
    path = find_step(step).path
    out = subprocess.run([sys.executable, "-c", _LOADED, str(ROOT), str(path)], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    loaded = set(out.stdout.split())
    hashed = {p.relative_to(ROOT).as_posix() for p in jobs.project_imports(path)}
    assert {"scenes/base.py", "attention_manim/settings.py", "attention_manim/manim_patches/__init__.py",
            "attention_content/examples.py", f"scenes/{step}.py"} <= loaded
    assert loaded - hashed == set()


def test_editing_any_module_a_step_imports_changes_its_stamp(tmp_path, monkeypatch):
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manim.cfg", tmp_path / "manim.cfg")
    monkeypatch.setattr(jobs, "PROJECT_DIR", tmp_path)
    real = find_step("cosine_similarity")
    step = Step(real.module, real.scene, real.title, source=tmp_path / "scenes" / "cosine_similarity.py")
    example = ROOT / "assets" / "examples" / "apple.toml"
    flags = ["-ql"]
    files = sorted(jobs.project_imports(step.path))
    layers = {"attention_core", "attention_content", "attention_manim", "scenes", "components"}
    assert {f.parent.name for f in files} >= layers
    before = jobs.fingerprint(step, example, flags)
    for file in files:
        text = file.read_text()
        file.write_text(text + "\n# an edit\n")
        assert jobs.fingerprint(step, example, flags) != before, f"{file.relative_to(tmp_path)} not hashed"
        file.write_text(text)
    assert jobs.fingerprint(step, example, flags) == before
    other = tmp_path / "scenes" / "softmax_normalize.py"  # another scene: not this step's input
    other.write_text(other.read_text() + "\n# an edit\n")
    assert jobs.fingerprint(step, example, flags) == before


def test_another_x264_preset_renders_the_step_again(tmp_path, monkeypatch):
    """The preset changes a step's bytes (ATTENTION_ENCODER_PRESET), so it is in the stamp."""
    from attention_explainer import render
    from attention_manim.settings import Settings
    from scenes.story import STORY

    example = ROOT / "assets" / "examples" / "apple.toml"
    stamps = {}
    for preset in ("superfast", "medium", "superfast"):
        monkeypatch.setattr(render, "settings", lambda preset=preset: Settings(encoder_preset=preset))
        run = render._plan(render.RenderOptions(media_dir=tmp_path), STORY, STORY[2], example, "apple")
        stamps.setdefault(preset, set()).add(run.fingerprint)
    assert len(stamps["superfast"]) == 1 and stamps["superfast"] != stamps["medium"]


# A scene that draws its example's title, then saves an edit to the example file while it
# renders (the user saving mid-render, at the worst moment: after the renderer read it) and
# draws the title of the example loaded again.
EDITOR = '''
    from pathlib import Path
    from attention_manim.settings import settings
    from scenes.base import ExplainerScene

    class TinyEditor(ExplainerScene):
        def construct(self):
            path = Path(self.example.path)
            path.write_text(path.read_text().replace('title = "Tiny example"', 'title = "Edited"'))
            self.beat("title", f"Drawn from {settings().load_example().title}.")
            self.wait(0.5)
'''


def _editor_story(folder: Path) -> tuple[Step, ...]:
    import textwrap

    source = folder / "tiny_editor.py"
    source.write_text(textwrap.dedent(EDITOR))
    return (Step("tiny_editor", "TinyEditor", "The editor", source=source),)


def test_an_edit_saved_during_a_render_then_undone_renders_again(tmp_path):
    """The issue's case: the example is edited as the step starts and put back after the
    render; the next run must render again (the video shows the edit), never call it up to date."""
    from tiny_render import tiny_options, tiny_story, write_example

    story = tiny_story(tmp_path, "tiny_square")
    example = write_example(tmp_path / "tiny.toml")
    original = example.read_text()
    media = tmp_path / "media"

    def edit_on_start(line: str) -> None:
        if "start" in line:
            example.write_text(original.replace('title = "Tiny example"', 'title = "Edited"'))

    render(tiny_options(media, example, jobs=1), story, progress=edit_on_start)
    example.write_text(original)  # saved back as it was
    result = render(tiny_options(media, example, jobs=1), story, progress=lambda line: None)
    assert [run.cached for run in result.runs] == [False]
    assert render(tiny_options(media, example, jobs=1), story, progress=lambda line: None).runs[0].cached


def test_a_step_draws_the_example_as_it_was_when_it_started(tmp_path):
    """The scene reads the renderer's snapshot, not the file edited under it; the stamp is that
    snapshot's, so the edited file renders again and the original is up to date."""
    from tiny_render import tiny_options, write_example

    story = _editor_story(tmp_path)
    example = write_example(tmp_path / "tiny.toml")
    original = example.read_text()
    media = tmp_path / "media"
    first = render(tiny_options(media, example, jobs=1), story, progress=lambda line: None)
    assert "Drawn from Tiny example." in first.files["subtitles"].read_text()
    assert "Edited" in example.read_text()  # the scene did save its edit
    assert not list((media / "render" / "tiny_editor").glob(".inputs-*"))  # the snapshot is gone
    example.write_text(original)
    assert render(tiny_options(media, example, jobs=1), story, progress=lambda line: None).runs[0].cached


def test_the_stamp_hashes_the_bytes_given_not_the_file(tmp_path, monkeypatch):
    from tiny_render import write_example

    from attention_content.inputs import read_inputs

    monkeypatch.setattr(jobs, "project_imports", lambda path: {path})
    step = _editor_story(tmp_path)[0]
    example = write_example(tmp_path / "tiny.toml")
    before = read_inputs(example)
    stamp = jobs.fingerprint(step, example, ["-ql"])
    example.write_text(example.read_text().replace("Tiny example", "Other"))
    assert jobs.fingerprint(step, example, ["-ql"], before) == stamp
    assert jobs.fingerprint(step, example, ["-ql"]) != stamp
