"""Hostile and careless input (issue 22): every fault ends in one message naming the file,
the field and the rule, never a traceback, and nothing the scenes cannot draw gets through."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from scene_harness import SHIPPED_APPLE, apple_with

from attention_content.example_types import ExampleError
from attention_content.examples import MAX_HEADS, MAX_SENTENCES, MAX_WORDS, load_example
from attention_content.glyphs import INTER_RANGES, text_problem

ROOT = Path(__file__).resolve().parents[1]

HEAD = '''[[heads]]
name = "h{k}"
query = [[1.6, -0.1], [-0.2, 0.9]]
key   = [[0.6, 1.4], [1.1, 0.6]]
value = [[0.9, -0.4], [-0.4, 0.9]]

'''


def apple_with_heads(n: int, folder: Path) -> Path:
    """apple.toml with ``n`` copies of its first head (named h0, h1, ...) and a W_O to match."""
    text = SHIPPED_APPLE.read_text()
    start, end = text.index("[[heads]]"), text.index("[multi_head]")
    output = ", ".join(["[0.3, 0.0], [0.0, 0.3]"] * n)
    rest = text[end:].replace("output = [[0.6, 0.0], [0.0, 0.6], [0.4, 0.0], [0.0, 0.4]]",
                              f"output = [{output}]")
    path = folder / f"heads{n}.toml"
    path.write_text(text[:start] + "".join(HEAD.format(k=k) for k in range(n)) + rest)
    return path


def problems_of(tmp_path: Path, *edits: tuple[str, str]) -> str:
    """The message load_example gives for apple.toml with ``edits``; it must name the file."""
    with pytest.raises(ExampleError) as caught:
        apple_with(tmp_path, *edits)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'changed.toml'}: ")
    return message


SENTENCE = '\n[[sentences]]\ntext = "the apple phone"\nfocus = "apple"\n\n[[heads]]'
# (edit of apple.toml, the field and the words the message must carry)
REFUSED = {
    "integer 2^64": (("pull_steps = 12", "pull_steps = 18446744073709551616"),
                     "knobs.pull_steps: must be between 1 and 240, got 18446744073709551616"),
    "integer of 400 digits in a word": (("apple   = [1.5, 1.6]", f"apple   = [1{'0' * 400}, 1.6]"),
                                        "words.apple[0]: must be between -100 and 100, got a whole "
                                        "number of about 401 digits"),
    "NUL in the title": (('title = "Apple: fruit or phone?"', 'title = "Apple\\u0000"'),
                         "title: contains the control character U+0000 (NUL)"),
    "title of newlines": (('title = "Apple: fruit or phone?"', 'title = "\\n\\n\\n\\nApple"'),
                          "title: contains the control character U+000A (LINE FEED, a line break)"),
    "escape codes in the title": (('title = "Apple: fruit or phone?"', 'title = "\\u001b[31mred"'),
                                  "title: contains the control character U+001B (ESCAPE)"),
    "zero-width space in a word": (("orange  = [0.6, 3.2]", '"or\\u200bange" = [0.6, 3.2]'),
                                   "words.'or\\u200bange': the word contains the invisible character "
                                   "U+200B (ZERO WIDTH SPACE)"),
    "zero-width space in a sentence": (("buy an orange", "buy an\\u200b orange"),
                                       "sentences[1].text: contains the invisible character U+200B"),
    "word of a zero-width space only": (("orange  = [0.6, 3.2]", '"\\u200b" = [0.6, 3.2]'),
                                        "words.'\\u200b': the word contains the invisible character "
                                        "U+200B"),
    "combining mark only": (("orange  = [0.6, 3.2]", '"\\u0301" = [0.6, 3.2]'),
                            "the word has no visible character"),
    "Hebrew word": (("orange  = [0.6, 3.2]", '"תפוז" = [0.6, 3.2]'),
                    "contains U+05EA (HEBREW LETTER TAV), written right to left"),
    "Arabic axis": (('y_axis = "fruit"', 'y_axis = "فاكهة"'),
                    "plane.y_axis: contains U+0641 (ARABIC LETTER FEH), written right to left"),
    "full-width word": (("orange  = [0.6, 3.2]", '"ＷＷＷＷＷＷＷＷＷＷＷＷＷＷＷＷ" = [0.6, 3.2]'),
                        "contains U+FF37 (FULLWIDTH LATIN CAPITAL LETTER W), which the font (Inter) "
                        "has no glyph for"),
    "CJK head name": (('name = "meaning"', 'name = "意味"'),
                      "heads[1].name: contains U+610F (CJK UNIFIED IDEOGRAPH-610F), which the font"),
    "word too wide to draw": (("orange  = [0.6, 3.2]", "MMMMMMMr = [0.6, 3.2]"),
                              "words.MMMMMMMr: is 6.78 em wide in the font; at most 6.5 fit the similarity "
                              "table legibly"),
    "vector of 1e-300": (("apple   = [1.5, 1.6]", "apple   = [1e-300, 1e-300]"),
                         "words.apple: is too small to show: every number is below 0.01 in size"),
    "vector far shorter than the others": (("the     = [-0.4, 0.2]", "the     = [-0.04, 0.02]"),
                                           "words.the: is 0.0447 long, under 2% of the longest word "
                                           "('orange', 3.26)"),
    "three sentences": (("\n[[heads]]", SENTENCE),
                        f"sentences: has 3 [[sentences]]; the scenes show at most {MAX_SENTENCES}"),
    "65 words": (("[words]                 # word = [technology, fruit]",
                  "[words]\n" + "\n".join(f"w{k} = [1.0, {k / 100 + 0.5}]" for k in range(55))),
                 f"words: lists 65 words; at most {MAX_WORDS}"),
}


@pytest.mark.parametrize("edit,expected", REFUSED.values(), ids=REFUSED.keys())
def test_unusable_example_is_refused_with_its_reason(tmp_path, edit, expected):
    assert expected in problems_of(tmp_path, edit)


def test_four_heads_are_refused(tmp_path):
    with pytest.raises(ExampleError, match=rf"heads: has 4 \[\[heads\]\]; the multi-head scene lays "
                                           rf"out at most {MAX_HEADS} legibly"):
        load_example(apple_with_heads(MAX_HEADS + 1, tmp_path))


def test_texts_the_font_draws_pass(tmp_path):
    example = apple_with(tmp_path, ("orange  =", '"Ωμέγα-café" ='), ("orange", "Ωμέγα-café"),
                         ("orange", "Ωμέγα-café"), ('title = "Apple: fruit or phone?"',
                                                   'title = "Apfel: Obst oder Telefon? (naïve, Ж)"'))
    assert "Ωμέγα-café" in example.words and example.title.endswith("Ж)")


def test_nested_arrays_and_huge_integers_give_messages_not_tracebacks(tmp_path):
    apple = SHIPPED_APPLE.read_text()
    deep = apple.replace("apple   = [1.5, 1.6]", "apple   = " + "[" * 600 + "1" + "]" * 600)
    digits = apple.replace("pull_steps = 12", "pull_steps = 1" + "0" * 5000)
    nested = apple.replace("apple   = [1.5, 1.6]", "apple   = [[[[[[1.5]]]]], 1.6]")
    files = {}
    for name, text in {"deep": deep, "digits": digits, "nested": nested}.items():
        files[name] = tmp_path / f"{name}.toml"
        files[name].write_text(text)
    command = [sys.executable, "-m", "attention_content.examples", "check", *map(str, files.values())]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{files['deep']}: 1 problem:\n  - not valid TOML here: arrays or tables are nested too deeply" \
        in result.stderr
    assert f"{files['digits']}: 1 problem:\n  - cannot be read: Exceeds the limit (4300 digits)" \
        in result.stderr
    assert "words.apple[0]: must be a number, got [[[...]]]" in result.stderr


def test_no_raw_control_characters_reach_the_terminal(tmp_path):
    message = problems_of(tmp_path, ("orange  = [0.6, 3.2]", '"\\u001b[2Jx" = [0.6, 3.2]'))
    assert "\x1b" not in message
    assert "words.'\\x1b[2Jx': the word contains the control character U+001B (ESCAPE)" in message


# -------------------------------------------------------------------- the font


def test_inter_ranges_are_what_the_installed_font_has():
    """INTER_RANGES (which the checker accepts) is exactly what Inter Regular and Bold cover."""
    ttlib = pytest.importorskip("fontTools.ttLib")
    import unicodedata

    folder = Path("/usr/share/fonts/opentype/inter")
    if not folder.is_dir():
        pytest.skip("fonts-inter is not installed (scripts/setup.sh installs it)")
    covered = set.intersection(*(set(ttlib.TTFont(folder / name).getBestCmap())
                                 for name in ("Inter-Regular.otf", "Inter-Bold.otf")))
    accepted = {c for first, last in INTER_RANGES for c in range(first, last + 1)}
    assert accepted <= covered
    invisible = ("Cc", "Cf", "Cn", "Co", "Cs", "Zl", "Zp")
    printable = {c for c in covered if unicodedata.category(chr(c)) not in invisible}
    assert accepted == printable


def test_text_width_is_what_the_installed_font_says():
    """text_width adds the wider of Inter Regular's and Bold's advance widths."""
    ttlib = pytest.importorskip("fontTools.ttLib")
    from attention_content.glyphs import text_width

    folder = Path("/usr/share/fonts/opentype/inter")
    if not folder.is_dir():
        pytest.skip("fonts-inter is not installed (scripts/setup.sh installs it)")
    fonts = [ttlib.TTFont(folder / name) for name in ("Inter-Regular.otf", "Inter-Bold.otf")]

    def advance(char: str) -> float:
        return max(f["hmtx"][f.getBestCmap()[ord(char)]][0] / f["head"].unitsPerEm for f in fonts)

    for first, last in INTER_RANGES:
        for char in map(chr, range(first, last + 1)):
            assert text_width(char) == pytest.approx(advance(char), abs=0.0051), hex(ord(char))  # to 0.01
    assert text_width("internationali") == pytest.approx(sum(map(advance, "internationali")), abs=0.02)


def test_the_widest_word_allowed_fits_the_similarity_table(tmp_path):
    """A word as wide as MAX_WORD_EMS allows ("internationali", 6.5 em) keeps the similarity
    table's text >= 24 px at 1080p and its grid on the frame ("MMMMMMMr", 6.78 em: 22.8 px)."""
    import scene_harness
    from scene_harness import build_scene, layout_problems, outside_frame

    from attention_content.examples import MAX_WORD_EMS
    from attention_content.glyphs import text_width
    from scenes.similarity_table import SimilarityTable

    example = apple_with(tmp_path, *[("orange", "internationali")] * 3)
    assert text_width("internationali") == MAX_WORD_EMS
    off: list[str] = []
    measure = scene_harness.measure_layout

    def measuring(mobjects):
        off.extend(outside_frame(mobjects))
        return measure(mobjects)

    scene_harness.measure_layout = measuring
    try:
        built = build_scene(SimilarityTable, example, tmp_path, fresh=True)
    finally:
        scene_harness.measure_layout = measure
    assert layout_problems(built.layouts) == []
    assert off == []


@pytest.mark.parametrize("char", ["a", "é", "Ж", "Ω", "€", "→", "½"])
def test_text_problem_passes_what_inter_draws(char):
    assert text_problem(f"x{char}") is None


# ------------------------------------------------------------ the limits, measured


def test_multi_head_draws_the_most_heads_allowed_on_the_frame(tmp_path):
    """MAX_HEADS heads fit at 1080p (text >= 24 px, nothing off the frame, in every beat); one
    more collides with the weights below and runs the formula off the frame (seen with 4)."""
    import scene_harness
    from scene_harness import build_scene, layout_problems, outside_frame

    from scenes.multi_head import MultiHeadAttention

    off: list[str] = []
    measure = scene_harness.measure_layout

    def measuring(mobjects):
        off.extend(outside_frame(mobjects))
        return measure(mobjects)

    scene_harness.measure_layout = measuring
    try:
        built = build_scene(MultiHeadAttention, load_example(apple_with_heads(MAX_HEADS, tmp_path)), tmp_path,
                            fresh=True)
    finally:
        scene_harness.measure_layout = measure
    assert len(built.scene.example.heads) == MAX_HEADS
    assert layout_problems(built.layouts) == []
    assert off == []


# ------------------------------------------------------------ the command line


@pytest.mark.parametrize("args,expected", [
    (["--example", ""], "the example's name is empty"),
    (["--fps", "0"], "--fps must be a number of frames a second from 1 to 240, got 0"),
    (["--fps", "nan"], "--fps must be a number of frames a second from 1 to 240, got nan"),
    (["--fps", "-15"], "got -15"),
], ids=["empty example", "fps 0", "fps nan", "fps -15"])
def test_bad_render_options_are_refused_before_anything_is_made(tmp_path, capsys, args, expected):
    from attention_explainer.cli import main

    media = tmp_path / "media"
    assert main(["render", "-ql", "--only", "1", "--media-dir", str(media), *args]) == 1
    assert expected in capsys.readouterr().err
    assert not media.exists()


def test_what_an_example_path_is_instead_of_a_file_is_said(tmp_path):
    import os

    folder = tmp_path / "folder.toml"
    folder.mkdir()
    (tmp_path / "loop.toml").symlink_to(tmp_path / "loop.toml")
    (tmp_path / "dangling.toml").symlink_to("nowhere.toml")
    os.mkfifo(tmp_path / "fifo.toml")
    said = {}
    for name in ("folder", "loop", "dangling", "fifo"):
        with pytest.raises(ExampleError) as caught:
            load_example(tmp_path / f"{name}.toml")
        said[name] = str(caught.value).split("\n  - ")[1]
    assert said == {"folder": "is a folder, not a .toml file",
                    "loop": "the example file is a symbolic link that loops back on itself",
                    "dangling": "the example file is a symbolic link to 'nowhere.toml', which does not exist",
                    "fifo": "is a named pipe (FIFO), not a file; give a regular .toml file"}


def test_two_example_files_never_share_an_output_folder(tmp_path):
    from attention_explainer.render import _load_example
    from attention_manim.settings import from_environment

    other = tmp_path / "other" / "apple.toml"
    dots = tmp_path / "...toml"
    other.parent.mkdir()
    other.write_text(SHIPPED_APPLE.read_text())
    dots.write_text(SHIPPED_APPLE.read_text())
    names = {str(path): _load_example(str(path))[1] for path in (SHIPPED_APPLE, other, dots)}
    assert names[str(SHIPPED_APPLE)] == "apple" == _load_example("apple")[1]
    assert names[str(other)].startswith("apple-") and names[str(dots)].startswith("example-")
    assert len(set(names.values())) == 3
    for path, name in names.items():
        assert "/" not in name and not name.startswith(".")
        # the scenes write their videos where the renderer looks for them
        assert from_environment({"ATTENTION_EXAMPLE": path}).example_name == name
        assert load_example(path).name == name


# ------------------------------------------------------------ the slide deck

HOSTILE_TITLE = "the crane <img src=x onerror=alert(1) > <script>"


class DeckReader:
    """What an HTML parser finds in a deck: its sections, and every tag inside one."""

    def __init__(self, text: str) -> None:
        from html.parser import HTMLParser

        self.sections = 0
        self.tags_in_sections: list[str] = []
        self.notes: list[str] = []
        depth, in_notes = [0], [False]
        reader = self

        class Parser(HTMLParser):
            def handle_starttag(self, tag, attrs):
                if depth[0] and tag != "aside":
                    reader.tags_in_sections.append(tag)
                if tag == "section":
                    reader.sections += 1
                    depth[0] += 1
                elif tag == "aside" and ("class", "notes") in attrs:
                    in_notes[0] = True
                    reader.notes.append("")

            def handle_endtag(self, tag):
                if tag == "section":
                    depth[0] -= 1
                elif tag == "aside":
                    in_notes[0] = False

            def handle_data(self, data):
                if in_notes[0]:
                    reader.notes[-1] += data

        parser = Parser(convert_charrefs=True)
        parser.feed(text)
        parser.close()


def test_deck_html_escapes_the_example_text(tmp_path, monkeypatch):
    """A title with live HTML in it, rendered as slides: the deck has one section per slide,
    no tag inside any, and the notes read back as the narration, markup and all."""
    import json

    from tiny_render import tiny_options, tiny_story, write_example

    from attention_explainer.render import pack, render

    monkeypatch.setattr(pack, "ensure_revealjs", lambda cache: None)  # the CDN: no npm in a test
    story = tiny_story(tmp_path, "tiny_square")
    example = write_example(tmp_path / "hostile.toml", title=HOSTILE_TITLE)
    result = render(tiny_options(tmp_path / "media", example, slides=True), story, progress=lambda line: None)
    html = result.files["slides (html)"].read_text(encoding="utf-8")
    config = json.loads((result.runs[0].slides_dir / "TinySquare.json").read_text())
    narration = [s["notes"] for s in config["slides"]]
    assert f"A square for {HOSTILE_TITLE}." in narration
    deck = DeckReader(html)
    assert deck.sections == len(config["slides"]) == 2
    assert deck.tags_in_sections == []
    assert [n for n in deck.notes] == [n for n in narration if n]
    assert list(tmp_path.joinpath("media").rglob("*template*")) == []


# ------------------------------------------------------------ npm, offline


def fake_npm(folder: Path, script: str) -> str:
    """A PATH on which ``npm`` is this shell script."""
    folder.mkdir()
    npm = folder / "npm"
    npm.write_text("#!/bin/sh\n" + script)
    npm.chmod(0o755)
    import os

    return f"{folder}{os.pathsep}{os.environ['PATH']}"


def test_npm_that_hangs_is_stopped_at_the_deadline_and_said(tmp_path, monkeypatch):
    import time

    from attention_explainer.render import pack

    # like npm offline: it never answers (its child sleeps too, and must be stopped with it)
    hanging = f"sleep 600 & echo $! > {tmp_path}/child\nsleep 600\n"
    monkeypatch.setenv("PATH", fake_npm(tmp_path / "bin", hanging))
    started = time.monotonic()
    with pytest.raises(pack.RevealUnavailableError) as caught:
        pack.ensure_revealjs(tmp_path / "cache", seconds=1.5)
    assert time.monotonic() - started < 10
    assert str(caught.value) == (f"npm pack reveal.js@{pack.REVEAL_VERSION} had not finished after 1.5 s "
                                 "(is the npm registry reachable? offline?); stopped it")
    child = int((tmp_path / "child").read_text())
    time.sleep(0.2)
    assert not Path(f"/proc/{child}").exists() or "Z" in Path(f"/proc/{child}/stat").read_text().split()[2]


def test_npm_that_fails_is_said_with_its_reason(tmp_path, monkeypatch):
    from attention_explainer.render import pack

    monkeypatch.setenv("PATH", fake_npm(tmp_path / "bin", (
        "echo 'npm error code EAI_AGAIN' >&2\n"
        "echo 'npm error request to https://registry.npmjs.org/reveal.js failed, reason: getaddrinfo "
        "EAI_AGAIN registry.npmjs.org' >&2\n"
        "echo 'npm error A complete log of this run can be found in: /x.log' >&2\nexit 1\n")))
    with pytest.raises(pack.RevealUnavailableError) as caught:
        pack.ensure_revealjs(tmp_path / "cache")
    assert str(caught.value) == (f"npm pack reveal.js@{pack.REVEAL_VERSION} failed (exit 1): code "
                                 "EAI_AGAIN / request to https://registry.npmjs.org/reveal.js failed, "
                                 "reason: getaddrinfo EAI_AGAIN registry.npmjs.org")


def test_an_altered_cached_reveal_js_never_reaches_a_deck(tmp_path, monkeypatch, capsys):
    """The cached tarball is checked against npm's integrity each time it is read: an altered one
    (a writer of the cache putting JavaScript into every deck), or an altered unpacked folder of
    an older version's layout, is not used; the altered tarball is named, removed and fetched
    again; a tarball from npm that is not the registry's is refused."""
    import base64
    import hashlib
    import tarfile

    from attention_explainer.render import pack

    def tarball(text: str) -> Path:
        package = tmp_path / text / "package" / "dist"
        for name in pack._REVEAL_FILES:
            (package / name).parent.mkdir(parents=True, exist_ok=True)
            (package / name).write_text(f"{text} {name}")
        path = tmp_path / text / f"reveal.js-{pack.REVEAL_VERSION}.tgz"
        with tarfile.open(path, "w:gz") as tar:
            tar.add(package.parent, arcname="package")
        return path

    genuine, altered = tarball("genuine"), tarball("altered")
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(genuine.read_bytes()).digest()).decode()
    monkeypatch.setattr(pack, "REVEAL_INTEGRITY", integrity)
    npm = 'while [ "$1" != "--pack-destination" ]; do shift; done\ncp {} "$2"\n'
    monkeypatch.setenv("PATH", fake_npm(tmp_path / "bin", npm.format(genuine)))
    cache = tmp_path / "cache"
    old_layout = cache / f"reveal.js-{pack.REVEAL_VERSION}" / "dist"
    old_layout.mkdir(parents=True)
    (old_layout / "reveal.js").write_text("alert('altered')")
    cached = cache / f"reveal.js-{pack.REVEAL_VERSION}.tgz"
    cached.write_bytes(altered.read_bytes())
    dist = pack.ensure_revealjs(cache)
    assert (dist / "reveal.js").read_text() == "genuine reveal.js"
    assert cached.read_bytes() == genuine.read_bytes()  # healed
    said = capsys.readouterr().err
    assert said.count(str(cached)) == 1 and "sha512" in said
    assert (pack.ensure_revealjs(cache) / "reveal.js").read_text() == "genuine reveal.js"
    cached.unlink()
    monkeypatch.setenv("PATH", fake_npm(tmp_path / "bin2", npm.format(altered)))
    with pytest.raises(pack.RevealUnavailableError, match="sha512"):
        pack.ensure_revealjs(cache)
    assert not cached.exists()


# ------------------------------------------------------------ killed renders


def _converters(folder: Path) -> list[int]:
    """Processes running ``manim_slides convert`` on slides under ``folder``."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        mentions = any(str(folder).encode() in a for a in command)
        if b"manim_slides" in command and b"convert" in command and mentions:
            found.append(int(proc.name))
    return found


def test_a_render_killed_while_converting_slides_leaves_no_converter_running(tmp_path):
    import os
    import signal
    import time

    from tiny_render import tiny_story, write_example

    story = tiny_story(tmp_path, "tiny_square")
    example = write_example(tmp_path / "killed.toml")
    media = tmp_path / "media"
    steps = ", ".join(f"Step({s.module!r}, {s.scene!r}, {s.title!r}, source=Path({str(s.path)!r}))"
                      for s in story)
    code = (f"import sys; from pathlib import Path; from scenes.story import Step; "
            f"from attention_explainer.cli import main; sys.exit(main(sys.argv[1:], story=({steps},)))")
    args = ["render", "--example", str(example), "-q", "l", "-r", "160,90", "--fps", "10", "--slides",
            "--media-dir", str(media)]
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "PATH": fake_npm(tmp_path / "bin", "echo 'npm error code ENOTFOUND' >&2\nexit 1\n")}
    process = subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None and len(_converters(media)) < 2:
            time.sleep(0.02)
        assert process.poll() is None and len(_converters(media)) == 2, "no conversion to kill"
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        time.sleep(1.0)
        left = _converters(media)
        assert left == [], "manim-slides convert outlived the render"
    finally:
        if process.poll() is None:
            process.kill()
        for pid in _converters(media):
            os.kill(pid, signal.SIGKILL)
    out = media / "explainer" / load_example(example).name / "90p10"
    # what a killed run may leave (README): files named .<name>.partial-<pid>.<ext>, which
    # the next run removes; never a finished-looking deck
    decks = [p.name for p in out.glob("*slides*")]
    assert all(name.startswith(".") and ".partial-" in name for name in decks), decks


# ------------------------------------------------------------ full disks, read-only folders


@pytest.fixture
def mount_tmpfs():
    """mount_tmpfs(folder, size="1m", read_only=False): a small tmpfs at ``folder`` for the
    test (skipped where mounting is not allowed, e.g. not root); unmounted afterwards."""
    mounted: list[Path] = []

    def mount(folder: Path, size: str = "1m", read_only: bool = False) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        options = f"size={size}" + (",ro" if read_only else "")
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
        mounted.append(folder)
        return folder

    yield mount
    for folder in reversed(mounted):
        subprocess.run(["umount", "-l", str(folder)], check=False)


def render_tiny(tmp_path: Path, media: Path, **overrides):
    """The tiny square story (tests/tiny_render.py) rendered into ``media``."""
    from tiny_render import tiny_options, tiny_story, write_example

    from attention_explainer.render import render

    story = tiny_story(tmp_path, "tiny_square")
    example = tmp_path / "tiny.toml"
    if not example.exists():
        write_example(example)
    return render(tiny_options(media, example, **overrides), story, progress=lambda line: None)


def cli_render(tmp_path: Path, media: Path, capsys) -> tuple[int, str]:
    from tiny_render import tiny_story, write_example

    from attention_explainer.cli import main

    story = tiny_story(tmp_path, "tiny_square")
    example = write_example(tmp_path / "tiny.toml")
    code = main(["render", "--example", str(example), "-q", "l", "-r", "160,90", "--fps", "10",
                 "--media-dir", str(media)], story=story)
    return code, capsys.readouterr().err


def test_media_dir_that_is_a_file_is_said(tmp_path, capsys):
    media = tmp_path / "media"
    media.write_text("not a folder")
    code, said = cli_render(tmp_path, media, capsys)
    assert code == 1 and "Traceback" not in said
    assert said.strip() == (f"attention-explainer: --media-dir {media}: a file is in the way (it, or a "
                            "folder above it, is a file, not a folder)")


def test_read_only_media_dir_is_said(tmp_path, capsys, mount_tmpfs):
    media = mount_tmpfs(tmp_path / "media", read_only=True)
    code, said = cli_render(tmp_path, media, capsys)
    assert code == 1 and "Traceback" not in said
    assert said.strip().startswith(f"attention-explainer: --media-dir: cannot write in {media}: "
                                   "Read-only file system")


def test_read_only_output_folder_is_said(tmp_path, mount_tmpfs):
    from attention_explainer.render import RenderError

    media = tmp_path / "media"
    first = render_tiny(tmp_path, media)
    mount_tmpfs(media / "explainer", read_only=True)
    with pytest.raises(RenderError) as caught:
        render_tiny(tmp_path, media)
    assert str(caught.value).startswith(f"cannot write in {first.out_dir}: Read-only file system")


def test_a_disk_that_fills_while_joining_is_said_and_leaves_no_partial_file(tmp_path, mount_tmpfs):
    from attention_explainer.render import RenderError

    media = tmp_path / "media"
    first = render_tiny(tmp_path, media)
    out = first.out_dir
    pages = [-(-p.stat().st_size // 4096) * 4096 for folder in ("steps", "stills")
             for p in (out / folder).iterdir()]
    # room for the step clips and stills (a tmpfs counts whole 4 KB pages) and half the video
    room = sum(pages) + 4096 + first.video.stat().st_size // 2
    mount_tmpfs(media / "explainer", size=str(room))
    with pytest.raises(RenderError) as caught:
        render_tiny(tmp_path, media)
    said = str(caught.value)
    assert said.startswith(f"No space left on device in {out}")
    assert " KB free" in said and "none is half-written" in said
    assert not list(out.rglob(".*partial-*"))
    assert not first.video.exists()  # the tmpfs hides the first render's files: nothing was made
    # the clips and stills were written whole: the disk filled while joining
    assert sorted(p.name for p in (out / "steps").iterdir()) == ["01-tiny_square.mp4", "01-tiny_square.srt",
                                                                 "01-tiny_square.vtt"]
    assert [p.name for p in (out / "stills").iterdir()] == ["01-tiny_square.png"]


def test_a_disk_that_fills_while_rendering_a_scene_is_said(tmp_path, mount_tmpfs):
    from attention_explainer.render import RenderError

    media = mount_tmpfs(tmp_path / "media", size="32k")  # the step at 640x360 needs 64 KB
    with pytest.raises(RenderError) as caught:
        render_tiny(tmp_path, media, resolution=(640, 360), fps=30)
    said = str(caught.value)
    assert "No space left on device in " + str(media / "render" / "tiny_square") in said
    assert " KB free" in said


# ------------------------------------------------------------ the same pixels, whatever --jobs


def test_a_step_rendered_alone_or_beside_another_has_the_same_pixels(tmp_path):
    """x264's output depends on its thread count: the renderer pins it, so --jobs does not
    change a step's frames (27 of 35 frames differed, by up to 55, before)."""
    import av
    import numpy as np
    from tiny_render import tiny_options, tiny_story, write_example

    from attention_explainer.render import render

    story = tiny_story(tmp_path, "tiny_square", "tiny_circle")
    example = write_example(tmp_path / "jobs.toml")

    def frames(media: Path, jobs: int, steps) -> list[np.ndarray]:
        options = tiny_options(media, example, jobs=jobs, resolution=(854, 480), fps=15)
        video = render(options, steps, progress=lambda line: None).runs[0].video
        with av.open(str(video)) as container:
            return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]

    alone, beside = frames(tmp_path / "alone", 1, story[:1]), frames(tmp_path / "beside", 2, story)
    assert len(alone) == len(beside) > 30
    assert [int(np.abs(a.astype(int) - b.astype(int)).max()) for a, b in zip(alone, beside, strict=True)] \
        == [0] * len(alone)


CLOCK_SCENE = """
from manim import RIGHT, Scene, Square


class Clock(Scene):
    def construct(self):
        square = Square()
        for line in range(4):
            self.add_subcaption(f"line {line}", duration=0.5)
            self.play(square.animate.shift(0.1 * RIGHT), run_time=0.55)  # 8.25 frames at 15 fps
            self.wait(0.55)
"""


def test_a_re_render_from_manims_cache_keeps_the_subtitle_times(tmp_path):
    """A play taken from manim's partial-movie cache moves the clock the subtitles are read from
    by the frames the rendered play wrote (manim_patches' frame clock): before, by its exact
    duration, so a cached re-render's subtitles drifted from a fresh one's (line 3 at 3.30 s
    instead of 3.40 s here; 34 ms in a real step)."""
    scene = tmp_path / "clock.py"
    scene.write_text(CLOCK_SCENE)

    def subtitles() -> str:
        subprocess.run([sys.executable, "-m", "attention_explainer.launcher", "-ql", "--progress_bar", "none",
                        "--media_dir", str(tmp_path / "media"), str(scene), "Clock"],
                       check=True, capture_output=True, cwd=tmp_path)
        return next((tmp_path / "media").rglob("Clock.srt")).read_text()

    fresh = subtitles()
    cached = subtitles()  # every play is in manim's cache now
    assert "00:00:03,400 --> 00:00:03,900" in fresh  # 3 x (9 + 8 frames) at 15 fps
    assert cached == fresh


# ------------------------------------------------------------ titles


@pytest.mark.parametrize("title", ["W" * 60, "m" * 60, ("Apple: fruit or phone? " * 3)[:60]])
def test_the_longest_titles_fit_the_frame(title):
    from manim import config

    from scenes import style
    from scenes.components import title_card

    assert len(title) <= 60
    card = title_card("Similarity: dot product and cosine", title)
    room = config.frame_width / 2 - style.MARGIN + 1e-6
    assert -room <= card.get_left()[0] and card.get_right()[0] <= room
    assert card[1].text.replace(" ", "") == title.replace(" ", "")
