"""The training step's stamp covers the corpus its example names: a tiny story whose second
step reads the corpus (as the training scene does, through ``Step.reads``) is rendered for
real; editing the corpus, or naming another, renders that step again and only that step,
and a corpus that is gone stops the render with the example file and field named."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from tiny_render import tiny_options, tiny_story, write_example

from attention_explainer.render import RenderError, jobs, render
from attention_explainer.render.jobs import fingerprint
from scenes.story import STORY, Step, find_step

READER = '''
    from attention_content.corpus import training_plan
    from scenes.base import ExplainerScene

    class TinyReader(ExplainerScene):
        def construct(self):
            plan = training_plan(self.example)
            self.beat("corpus", f"Trained on {plan.corpus.title}.")
            self.wait(0.5)
'''

CORPUS = '''title = "{title}"
sentences = ["the cat sat", "a dog sat", "the dog ran", "a cat ran"]
[[probes]]
text = "the cat sat"
focus = "cat"
decides = "the"
[training]
steps = 3
'''


def _story(folder: Path) -> tuple[Step, ...]:
    square = tiny_story(folder, "tiny_square")[0]
    reader = folder / "tiny_reader.py"
    reader.write_text(textwrap.dedent(READER))
    return square, Step("tiny_reader", "TinyReader", "The reader", source=reader, reads=("corpus",))


def _example(path: Path, corpus: str) -> Path:
    write_example(path)
    path.write_text(path.read_text().replace('title = "Tiny example"',
                                             f'title = "Tiny example"\ncorpus = "{corpus}"'))
    return path


def test_the_training_step_declares_the_corpus_it_reads():
    assert find_step("training").reads == ("corpus",)
    # the other scenes read no corpus: none of them imports the corpus module
    for step in STORY:
        if step.module != "training":
            assert step.reads == () and "attention_content.corpus" not in step.path.read_text(), step.module


def test_changing_the_named_corpus_renders_the_training_step_again(tmp_path):
    story = _story(tmp_path)
    (tmp_path / "corpora").mkdir()
    corpus_a, corpus_b = tmp_path / "corpora" / "a.toml", tmp_path / "corpora" / "b.toml"
    corpus_a.write_text(CORPUS.format(title="corpus A"))
    corpus_b.write_text(CORPUS.format(title="corpus A"))  # the same words in another file
    example = _example(tmp_path / "tiny.toml", "corpora/a.toml")
    media = tmp_path / "media"

    def run() -> tuple[list[bool], str]:
        result = render(tiny_options(media, example, jobs=1), story, progress=lambda line: None)
        return [r.cached for r in result.runs], result.files["subtitles"].read_text()

    first, said = run()
    assert first == [False, False] and "Trained on corpus A." in said
    assert run()[0] == [True, True]  # nothing changed: nothing rendered
    corpus_a.write_text(CORPUS.format(title="corpus A, edited"))  # its contents
    cached, said = run()
    assert cached == [True, False] and "Trained on corpus A, edited." in said
    _example(tmp_path / "tiny.toml", "corpora/b.toml")  # which file (the example changes too)
    cached, said = run()
    assert cached[1] is False and "Trained on corpus A." in said
    assert run()[0] == [True, True]


def test_the_stamp_changes_with_the_corpus_file_and_its_contents_only_for_steps_that_read_it(
        tmp_path, monkeypatch):
    # the steps' code is left out, so that an edit of the project elsewhere cannot move the stamps
    monkeypatch.setattr(jobs, "project_imports", lambda path: {path})
    square, reader = _story(tmp_path)
    (tmp_path / "a.toml").write_text(CORPUS.format(title="A"))
    (tmp_path / "b.toml").write_text(CORPUS.format(title="A"))
    example = _example(tmp_path / "tiny.toml", "a.toml")
    flags = ["-ql"]
    before = {s.module: fingerprint(s, example, flags) for s in (square, reader)}
    (tmp_path / "a.toml").write_text(CORPUS.format(title="B"))
    edited = {s.module: fingerprint(s, example, flags) for s in (square, reader)}
    assert edited["tiny_square"] == before["tiny_square"]
    assert edited["tiny_reader"] != before["tiny_reader"]
    (tmp_path / "a.toml").write_text(CORPUS.format(title="A"))  # back as it was: the same stamp
    assert fingerprint(reader, example, flags) == before["tiny_reader"]


def test_a_missing_corpus_stops_the_render_naming_the_example_file_and_field(tmp_path):
    story = _story(tmp_path)
    example = _example(tmp_path / "tiny.toml", "corpora/gone.toml")
    with pytest.raises(RenderError) as caught:
        render(tiny_options(tmp_path / "media", example, jobs=1), story, progress=lambda line: None)
    message = str(caught.value)
    assert str(example) in message
    assert "corpus: the corpus file 'corpora/gone.toml' does not exist" in message
    assert not (tmp_path / "media" / "explainer").exists()
