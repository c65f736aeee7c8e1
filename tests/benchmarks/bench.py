"""Render benchmark: how far each scene is from the cost floor, and what the levers buy.

    make bench                      # every scene at -ql and -qh, and the rest below
    .venv/bin/python tests/benchmarks/bench.py --qualities l --only cosine_similarity

For each scene and quality: wall time, video duration, and the ratio of the wall time to
the *floor*: the wall time of a scene of the same duration and quality that holds one
static frame (manim draws it once and only encodes), rendered right after it: the median of
``--runs`` such pairs, with LaTeX and text warm; and once cold (an empty LaTeX/text cache,
the ``cold_ratio``). Also: the storyboard's time (the whole story and one step); the full
video serial vs ``--jobs 2``; a re-render with nothing
changed vs cold, and after one number of the example changed; the attention-matrix scene
with 4, 8, 16 and 32 tokens; the core's ``scaled_dot_product_attention`` against a bare
numpy one-liner. Prints a table and writes the same figures as JSON (``--json``, default
``tests/benchmarks/results/<host kind>.json``, ``…-speedups-off.json`` with
``ATTENTION_SPEEDUPS=0``: every render then runs manim's own code, see
``attention_manim/manim_patches/``).
Never part of ``make test``: it takes minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path

import av
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from attention_core import scaled_dot_product_attention  # noqa: E402
from attention_manim.settings import settings  # noqa: E402
from scenes.story import STORY, Step  # noqa: E402

BIN = Path(sys.executable).parent
# Encoded as the scenes are (manim_patches: frames without copies, x264's preset), so that a
# ratio measures the scene's own work, not a difference in encoding.
FLOOR_SCENE = '''
from manim import Scene, Text
from attention_manim import manim_patches
manim_patches.apply()
class Floor(Scene):
    def construct(self):
        self.add(Text("floor"))
        self.wait({seconds})
'''


def run(command: list[str], env: dict[str, str] | None = None) -> float:
    """Run ``command`` from the repo root; return its wall time; fail loudly."""
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env={**os.environ, **(env or {})},
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"bench: {' '.join(command)} failed:\n{result.stderr[-3000:]}")
    return time.perf_counter() - start


def duration_of(video: Path) -> float:
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        return float(stream.frames / stream.average_rate)


def render_scene(path: Path, scene: str, quality: str, media: Path,
                 env: dict[str, str] | None = None) -> tuple[float, float]:
    """Render one scene with manim's movie cache off; returns (wall seconds, video seconds)."""
    wall = run([str(BIN / "manim"), "render", f"-q{quality}", "--disable_caching",
                "--progress_bar", "none", "--media_dir", str(media), str(path), scene], env)
    videos = [p for p in media.rglob(f"{scene}.mp4") if "partial" not in str(p)]
    return wall, duration_of(max(videos, key=lambda p: p.stat().st_mtime))


def floor_module(seconds: float, quality: str, work: Path) -> Path:
    """The floor scene: one static frame held for ``seconds``."""
    module = work / f"floor_{quality}_{seconds:.2f}.py".replace(".", "_", 1)
    module.write_text(FLOOR_SCENE.format(seconds=seconds))
    return module


def warm_up(step: Step, media: Path, env: dict[str, str] | None = None) -> None:
    """Build the scene once (``-s``: last frame only) so its LaTeX and text are cached in
    ``media``: a user pays for them once, not at every render."""
    run([str(BIN / "manim"), "render", "-s", "-ql", "--progress_bar", "none", "--media_dir",
         str(media), str(step.path), step.scene], env)


def bench_scenes(steps: list[Step], qualities: list[str], work: Path, runs: int) -> list[dict]:
    """Each scene at each quality ``runs`` times, each render followed by its floor's: the
    ratio is the median of the pairs' ratios (a floor alone varied by up to 40% between
    runs here; a scene and the floor rendered next to it share the machine's mood).

    Cold first: one render with an empty LaTeX and text cache (``ATTENTION_MANIM_CACHE``) and
    a fresh media folder, beside its floor; then warm, the cache filled (a user pays for
    LaTeX once, not at every render)."""
    rows = []
    warm = {"ATTENTION_MANIM_CACHE": str(work / "cache-warm")}
    for step in steps:
        for quality in qualities:
            cold_env = {"ATTENTION_MANIM_CACHE": str(work / f"cache-cold-{step.module}-{quality}")}
            cold_wall, seconds = render_scene(step.path, step.scene, quality, work / "media-cold", cold_env)
            cold_floor = render_scene(floor_module(seconds, quality, work), "Floor", quality,
                                      work / "media-floor-cold")[0]
            for folder in ("media-cold", "media-floor-cold", f"cache-cold-{step.module}-{quality}"):
                shutil.rmtree(work / folder, ignore_errors=True)
            media = work / f"media-{step.module}"
            warm_up(step, media, warm)
            walls, floors, seconds = [], [], 0.0
            for index in range(runs):
                wall, seconds = render_scene(step.path, step.scene, quality, media, warm)
                floor_media = work / f"media-floor-{index}"
                floors.append(render_scene(floor_module(seconds, quality, work), "Floor", quality,
                                           floor_media)[0])
                shutil.rmtree(floor_media, ignore_errors=True)
                walls.append(wall)
            ratios = [w / f for w, f in zip(walls, floors, strict=True)]
            wall, floor_wall, ratio = (float(np.median(v)) for v in (walls, floors, ratios))
            cold_ratio = cold_wall / cold_floor
            row = {"scene": step.scene, "quality": quality, "wall_s": round(wall, 2),
                   "video_s": round(seconds, 2), "floor_s": round(floor_wall, 2),
                   "ratio": round(ratio, 2), "ratios": [round(r, 2) for r in ratios],
                   "wall_per_video_s": round(wall / seconds, 3), "cold_wall_s": round(cold_wall, 2),
                   "cold_floor_s": round(cold_floor, 2), "cold_ratio": round(cold_ratio, 2)}
            print(f"  {step.scene:<22} -q{quality}  {wall:7.1f} s for {seconds:5.1f} s of video, "
                  f"floor {floor_wall:6.1f} s, ratio {ratio:.2f} "
                  f"({', '.join(f'{r:.2f}' for r in ratios)}); cold {cold_wall:.1f} s, "
                  f"ratio {cold_ratio:.2f}", flush=True)
            rows.append(row)
            shutil.rmtree(media, ignore_errors=True)
    return rows


def bench_storyboard(steps: list[Step], work: Path) -> dict:
    """The storyboard of the whole story (or ``--only``'s steps) and of one step, cache warm
    (a first run fills it; its time is the cold one)."""
    env = {"ATTENTION_MANIM_CACHE": str(work / "cache-storyboard")}
    only = [] if len(steps) == len(STORY) else ["--only", *(s.module for s in steps)]
    board = [str(BIN / "attention-explainer"), "storyboard", "--media-dir", str(work / "media-storyboard")]
    cold = run([*board, *only], env)
    whole = run([*board, *only], env)
    one = run([*board, "--only", steps[0].module], env)
    load = os.getloadavg()[0]  # the storyboard's time is wall time on shared cores: say the load
    result = {"steps": len(steps), "cold_s": round(cold, 2), "warm_s": round(whole, 2),
              "one_step": steps[0].module, "one_step_s": round(one, 2), "load_1min": round(load, 2)}
    print(f"  storyboard of {len(steps)} step(s): {whole:.1f} s (cold cache {cold:.1f} s); "
          f"{steps[0].module} alone {one:.1f} s (load {load:.1f})", flush=True)
    return result


def explainer(args: list[str], media: Path, cache: Path) -> float:
    return run([str(BIN / "attention-explainer"), "render", "--media-dir", str(media),
                "--quality", "l", *args], {"ATTENTION_MANIM_CACHE": str(cache)})


def bench_full_video(work: Path) -> dict:
    # Fresh media folders and LaTeX/text caches: both first runs are cold; the re-run in the
    # same folder is the cached one; a fresh media folder with the cache filled is warm.
    serial = explainer(["--jobs", "1"], work / "media-serial", work / "cache-serial")
    cache = work / "cache-parallel"
    parallel = explainer(["--jobs", "2"], work / "media-parallel", cache)
    warm = explainer(["--jobs", "2"], work / "media-warm", cache)
    cached = explainer(["--jobs", "2"], work / "media-parallel", cache)
    forced = explainer(["--jobs", "2", "--force"], work / "media-parallel", cache)
    changed_example = work / "apple.toml"
    changed_example.write_text(_change_one_number((ROOT / "assets/examples/apple.toml").read_text()))
    changed = explainer(["--jobs", "2", "--example", str(changed_example)], work / "media-parallel", cache)
    result = {"quality": "l", "serial_s": round(serial, 1), "jobs2_s": round(parallel, 1),
              "speedup": round(serial / parallel, 2), "warm_jobs2_s": round(warm, 1),
              "cold_over_warm": round(parallel / warm, 2), "cached_s": round(cached, 2),
              "cached_fraction": round(cached / parallel, 3), "forced_manim_cache_s": round(forced, 2),
              "forced_fraction": round(forced / parallel, 3), "one_number_changed_s": round(changed, 1)}
    print(f"  full video -ql: serial {serial:.1f} s, --jobs 2 {parallel:.1f} s cold, {warm:.1f} s warm "
          f"(cold/warm {result['cold_over_warm']:.2f}; speedup {result['speedup']:.2f}); nothing changed "
          f"{cached:.2f} s ({result['cached_fraction']:.1%}); forced through manim's cache {forced:.1f} s; "
          f"one number changed {changed:.1f} s", flush=True)
    return result


def _change_one_number(text: str) -> str:
    """The example with its pull strength nudged: one number changed."""
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.strip().startswith("pull_strength"):
            value = float(line.split("=")[1].split("#")[0])
            lines[i] = f"pull_strength = {min(1.0, value + 0.05):.2f}\n"
            return "".join(lines)
    raise SystemExit("bench: the example has no pull_strength to change")


def token_example(n: int, path: Path) -> Path:
    """An example whose one sentence has ``n`` distinct words, for the scaling run."""
    rng = np.random.default_rng(n)
    words = [f"w{i}" for i in range(n)]
    vectors = rng.uniform(0.2, 4.0, size=(n, 2)).round(2)
    lines = ['title = "tokens"', "[plane]", 'x_axis = "x"', 'y_axis = "y"', "[words]"]
    lines += [f"{w} = [{v[0]}, {v[1]}]" for w, v in zip(words, vectors, strict=True)]
    lines += ["[[sentences]]", f'text = "{" ".join(words)}"', 'focus = "w0"', "[[heads]]",
              'name = "one"', "query = [[1.0, 0.0], [0.0, 1.0]]", "key = [[1.0, 0.0], [0.0, 1.0]]",
              "value = [[1.0, 0.0], [0.0, 1.0]]", "[multi_head]", "output = [[1.0, 0.0], [0.0, 1.0]]"]
    path.write_text("\n".join(lines) + "\n")
    return path


def bench_tokens(work: Path) -> list[dict]:
    step = next(s for s in STORY if s.module == "attention_matrix")
    rows = []
    for n in (4, 8, 16, 32):
        example = token_example(n, work / f"tokens{n}.toml")
        media = work / f"media-tokens-{n}"
        warm_up(step, media, {"ATTENTION_EXAMPLE": str(example)})
        wall, seconds = render_scene(step.path, step.scene, "l", media,
                                     {"ATTENTION_EXAMPLE": str(example)})
        rows.append({"tokens": n, "wall_s": round(wall, 2), "video_s": round(seconds, 2)})
        print(f"  AttentionMatrix with {n:2d} tokens: {wall:6.1f} s for {seconds:.1f} s", flush=True)
    return rows


def bench_core() -> dict:
    rng = np.random.default_rng(0)
    x, wq, wk, wv = (rng.normal(size=s) for s in [(512, 64), (64, 64), (64, 64), (64, 64)])

    def bare() -> np.ndarray:
        q, k, v = x @ wq, x @ wk, x @ wv
        s = q @ k.T / np.sqrt(64)
        e = np.exp(s - s.max(axis=1, keepdims=True))
        return (e / e.sum(axis=1, keepdims=True)) @ v

    np.testing.assert_allclose(scaled_dot_product_attention(x, wq, wk, wv).output, bare())
    core = min(timeit.repeat(lambda: scaled_dot_product_attention(x, wq, wk, wv), number=20, repeat=5))
    plain = min(timeit.repeat(bare, number=20, repeat=5))
    result = {"core_ms": round(core / 20 * 1e3, 3), "bare_ms": round(plain / 20 * 1e3, 3),
              "overhead": round(core / plain, 2)}
    print(f"  core attention 512x64: {result['core_ms']} ms vs bare numpy {result['bare_ms']} ms "
          f"(overhead {result['overhead']:.2f}x)", flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--qualities", nargs="+", default=["l", "h"], choices=["l", "m", "h"])
    parser.add_argument("--only", nargs="+", default=None, help="scene modules to measure")
    parser.add_argument("--skip", nargs="+", default=[],
                        choices=["scenes", "full", "tokens", "core", "storyboard"])
    parser.add_argument("--runs", type=int, default=3,
                        help="renders of each scene, each beside a floor render (ratio: the median)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    steps = [s for s in STORY if s.path.exists() and (args.only is None or s.module in args.only)]
    speedups = settings().speedups  # ATTENTION_SPEEDUPS, passed on to every render
    results: dict = {"machine": {"python": platform.python_version(), "cores": os.cpu_count(),
                                 "platform": platform.platform()}, "speedups": speedups}
    print(f"speedups {'on' if speedups else 'off (ATTENTION_SPEEDUPS=0): manim as it is'}")
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        if "core" not in args.skip:
            print("core:")
            results["core"] = bench_core()
        if "scenes" not in args.skip:
            print("scenes (movie cache off; cold: LaTeX/text cache empty; warm: filled once):")
            results["scenes"] = bench_scenes(steps, args.qualities, work, args.runs)
        if "storyboard" not in args.skip:
            print("storyboard (apple, two processes):")
            results["storyboard"] = bench_storyboard(steps, work)
        if "tokens" not in args.skip and (ROOT / "scenes/attention_matrix.py").exists():
            print("attention matrix vs tokens (-ql):")
            results["tokens"] = bench_tokens(work)
        if "full" not in args.skip:
            print("full video:")
            results["full_video"] = bench_full_video(work)
    suffix = "" if speedups else "-speedups-off"
    out = args.json or ROOT / "tests/benchmarks/results" / f"python-{os.cpu_count()}core{suffix}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
