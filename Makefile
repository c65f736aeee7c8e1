# attention-explainer: two commands, `make video` and `make test`.
# Both install what is missing first (Debian packages, .venv); see scripts/setup.sh.

VENV      := .venv
PY        := $(VENV)/bin/python
MANIM     := $(VENV)/bin/manim
QUALITY   ?= h
EXAMPLE   ?= apple
JOBS      ?=
SLIDES    ?= --slides
# The video is spoken (the voice extra, which setup installs; see docs/voice.md); VOICE=0: silent,
# for a lecturer who speaks over it.
VOICE     ?= 1
# PACE=slow: read at 13 characters a second and spoken slower, in its own folder (see docs/pace.md).
PACE      ?= normal
# CAPTIONS=burn: the captions drawn into the picture too (for players without caption tracks).
CAPTIONS  ?=
# The scenes and their order: scenes/story.py (`attention-explainer steps` lists them).

.PHONY: setup test video lint keyframes bench clean

setup:
	@bash scripts/setup.sh

# One pytest worker per core; the tests that build one step's scenes share a worker (one build
# each), the other tests keep their file on one worker (tests/conftest.py, docs/tests.md).
test: setup
	$(PY) -m pytest -n auto --dist loadgroup

# Refresh the key-frame control PNGs after an intended visual change; look at them before committing.
keyframes: setup
	UPDATE_KEYFRAMES=1 $(PY) -m pytest -q -k key_frames

lint: setup
	$(VENV)/bin/ruff check attention_core attention_content attention_manim attention_explainer scenes scripts tests

# The full spoken explainer for EXAMPLE at QUALITY (default h = 1080p60), the scenes rendered
# in parallel (JOBS, default one per core) and joined, with subtitles, chapters, stills and the
# slide deck (VOICE=0: silent); RENDER_ARGS passes more options (e.g. RENDER_ARGS="--save-sections --only 2 3").
video: setup
	$(VENV)/bin/attention-explainer render --example $(EXAMPLE) --quality $(QUALITY) \
	  $(if $(JOBS),--jobs $(JOBS)) $(SLIDES) $(if $(filter 0,$(VOICE)),,--voice) \
	  $(if $(filter slow,$(PACE)),--pace slow) $(if $(filter burn,$(CAPTIONS)),--burn-captions) $(RENDER_ARGS)

# Render benchmark (minutes; never part of make test): ratios to the static-frame floor.
# ATTENTION_SPEEDUPS=0 make bench measures manim's own code (results in ...-speedups-off.json).
bench: setup
	$(PY) tests/benchmarks/bench.py $(BENCH_ARGS)

clean:
	rm -rf media __pycache__ .pytest_cache
