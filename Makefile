# attention-explainer: two commands, `make video` and `make test`.
# Both install what is missing first (Debian packages, .venv); see scripts/setup.sh.

VENV      := .venv
PY        := $(VENV)/bin/python
MANIM     := $(VENV)/bin/manim
QUALITY   ?= h
EXAMPLE   ?= apple
# Every scene module and its scenes, in story order (module:Scene ...).
SCENES    := cosine_similarity:CosineSimilarity

.PHONY: setup test video lint keyframes clean

setup:
	@bash scripts/setup.sh

test: setup
	$(PY) -m pytest

# Refresh the key-frame control PNGs after an intended visual change; look at them before committing.
keyframes: setup
	UPDATE_KEYFRAMES=1 $(PY) -m pytest -q -k key_frames

lint: setup
	$(VENV)/bin/ruff check attention_core scenes tests

video: setup
	@set -e; for spec in $(SCENES); do \
	  module=$${spec%%:*}; scene=$${spec##*:}; \
	  echo "make video: rendering $$scene ($$module) at -q$(QUALITY)"; \
	  ATTENTION_EXAMPLE=$(EXAMPLE) $(MANIM) render -q$(QUALITY) --progress_bar none scenes/$$module.py $$scene; \
	done; \
	echo; echo "make video: videos are in:"; \
	find media/videos -name '*.mp4' -newer scripts/setup.sh -path '*partial*' -prune -o -name '*.mp4' -print | sort

clean:
	rm -rf media __pycache__ .pytest_cache
