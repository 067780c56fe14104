#!/usr/bin/env bash
# `make dist`: the standalone bundle (no Python needed on the target machine).
#
#   scripts/build_dist.sh            # -> dist/meeting-recorder-<version>-linux-x86_64.tar.gz
#
# 1. PyInstaller one-folder build (packaging/meeting-recorder.spec; the spec trims CUDA/test
#    libraries, unused Qt modules and translations) -> dist/meeting-recorder/
# 2. Trim what PyInstaller still leaves behind (__pycache__ of collected sources)
# 3. Pack it with packaging/install.sh and a README into the .tar.gz
# Prints the sizes: the folder, what the spec dropped, the archive.
# Env: PYTHON (default .venv/bin/python, with `pip install -e .[dist]`), NICE (default 10).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-.venv/bin/python}
NICE=${NICE:-10}
NAME=meeting-recorder
VERSION=$("$PYTHON" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
ARCH=$(uname -m)
ARCHIVE_NAME="$NAME-$VERSION-linux-$ARCH"
BUNDLE="dist/$NAME"
WORK=build/pyinstaller

if ! "$PYTHON" -c 'import PyInstaller' 2>/dev/null; then
  echo "PyInstaller is missing: $PYTHON -m pip install -e '.[dist]'" >&2
  exit 1
fi

mb() { du -sm "$1" | cut -f1; }

started=$(date +%s)
nice -n "$NICE" "$PYTHON" -m PyInstaller --noconfirm --log-level WARN \
  --distpath dist --workpath "$WORK" packaging/meeting-recorder.spec
built=$(date +%s)

before_extra_trim=$(mb "$BUNDLE")
find "$BUNDLE" -name __pycache__ -type d -prune -exec rm -rf {} +
after=$(mb "$BUNDLE")

# The archive: one top folder holding the bundle and the install script.
STAGE="build/$ARCHIVE_NAME"
rm -rf "$STAGE"
mkdir -p "$STAGE"
mv "$BUNDLE" "$STAGE/$NAME"
cp packaging/install.sh "$STAGE/install.sh"
chmod +x "$STAGE/install.sh"
cat > "$STAGE/README.txt" <<EOF
Meeting Recorder $VERSION for Linux ($ARCH): a standalone build, no Python needed.

Install (for this user, no root):   ./install.sh
  -> the program in ~/.local/opt/meeting-recorder, a launcher in the desktop's menu,
     "Open with Meeting Recorder" for audio and video files, meeting-recorder in ~/.local/bin
Install elsewhere:                  ./install.sh --prefix /some/folder
Uninstall:                          ./install.sh --uninstall   (recordings and settings stay)
Run without installing:             ./$NAME/$NAME

Needs: an X11 or Wayland desktop, PulseAudio or PipeWire (for recording). On a minimal
Debian/Ubuntu: sudo apt-get install libportaudio2 libpulse0 libegl1 libgl1 libfontconfig1 \\
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 \\
  libxcb-render-util0 libxcb-shape0 libxcb-randr0 libxcb-xinerama0
EOF
ARCHIVE="dist/$ARCHIVE_NAME.tar.gz"
rm -f "$ARCHIVE"
# gzip -1: the bundle is mostly already-compressed model weights and libraries; -9 gains ~1 %
# for several minutes more.
tar -C build -cf - "$ARCHIVE_NAME" | nice -n "$NICE" gzip -1 > "$ARCHIVE"
mv "$STAGE/$NAME" "$BUNDLE"  # keep dist/meeting-recorder/ for scripts/test_dist.sh
rm -rf "$STAGE"
packed=$(date +%s)

echo
echo "bundle:  $BUNDLE  $after MB ($(find "$BUNDLE" -type f | wc -l) files; $before_extra_trim MB before removing __pycache__)"
if [[ -f "$WORK/$NAME/trimmed.txt" ]]; then
  awk -F'\t' '{ mb += $3 / 1e6; n += $2; printf "  spec trimmed %s: %d files, %.0f MB\n", $1, $2, $3 / 1e6 }
              END { printf "  spec trimmed in all: %d files, %.0f MB (before trimming: about %.0f MB)\n", n, mb, mb + '"$after"' }' \
      "$WORK/$NAME/trimmed.txt"
fi
echo "  largest parts:"
du -sm "$BUNDLE"/_internal/* | sort -rn | sed -n "1,8s/^/    /p"
echo "archive: $ARCHIVE  $(mb "$ARCHIVE") MB"
echo "time:    build $((built - started)) s, pack $((packed - built)) s"
