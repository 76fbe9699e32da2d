# Two entry points: `make run` (set up, then synthesize a sentence) and `make test` (set up, then ruff and pytest).
# Set-up is idempotent: system packages are checked with dpkg and the venv is rebuilt only when
# pyproject.toml changes, so a second run takes seconds.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TORCH_PIN := torch==2.13.0
APT_PACKAGES := espeak-ng flite festival festvox-kallpc16k festvox-us-slt-hts sox libsndfile1 chromium \
	fluidsynth fluid-soundfont-gm
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
STAMP := $(VENV)/.installed
TEXT ?= The quick brown fox jumps over the lazy dog.
SPEAKER ?= 0
OUT ?= out.wav

.PHONY: run test setup system clean

# Speaks TEXT with the bundled voice; `tts synth` prints where the wav is.
run: setup
	$(BIN)/tts synth "$(TEXT)" --speaker $(SPEAKER) -o $(OUT)

# Lint first (rules in pyproject.toml): it takes a second and names the file and line.
test: setup
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

setup: system $(STAMP)

system:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing system packages:" $$missing; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# torch goes in first, pinned to the CPU wheel, so nothing later resolves a CUDA build.
# The test suite's plugin (tests/plugins/tiny_vocoder) is never installed: tests/conftest.py puts it on
# the path. Venvs made before that still hold it, so it is uninstalled (a no-op on a fresh venv).
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q $(TORCH_PIN)
	$(BIN)/pip install -q -e '.[all,test]'
	$(BIN)/pip uninstall -q -y tts-tiny-vocoder 2>/dev/null
	touch $@

clean:
	rm -rf $(VENV) *.egg-info
