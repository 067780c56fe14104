#!/usr/bin/env bash
# Install Meeting Recorder from this unpacked folder (no Python needed), for this user.
#
#   ./install.sh                 # into ~/.local/opt/meeting-recorder, launcher in the menu
#   ./install.sh --prefix DIR    # into DIR/meeting-recorder instead
#   ./install.sh --uninstall     # remove the launcher and the installed folder
#                                #   (recordings, transcripts and settings are kept)
#
# The program itself lands in PREFIX/meeting-recorder/; a command `meeting-recorder` is
# linked into ~/.local/bin; the desktop launcher, icon and "Open with" entries are written by
# the program itself (`meeting-recorder --install-desktop`, the same as from source).
set -euo pipefail

NAME=meeting-recorder
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PREFIX="${HOME}/.local/opt"
BIN_DIR="${HOME}/.local/bin"
ACTION=install

usage() { sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --prefix) PREFIX=${2:?--prefix needs a folder}; shift 2 ;;
    --prefix=*) PREFIX=${1#--prefix=}; shift ;;
    --uninstall) ACTION=uninstall; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
mkdir -p "$PREFIX"
PREFIX=$(cd "$PREFIX" && pwd)
TARGET="$PREFIX/$NAME"

install_app() {
  if [[ ! -x "$HERE/$NAME/$NAME" ]]; then
    echo "install.sh: $HERE/$NAME/$NAME not found; run this script from the unpacked archive" >&2
    exit 1
  fi
  if [[ "$HERE/$NAME" -ef "$TARGET" ]]; then
    echo "install.sh: already in place at $TARGET"
  else
    # A new folder beside the old one, then swapped: an update never leaves half a copy.
    local staging="$PREFIX/.$NAME.installing.$$"
    rm -rf "$staging"
    mkdir "$staging"
    cp -a "$HERE/$NAME/." "$staging/"
    rm -rf "$TARGET"
    mv "$staging" "$TARGET"
  fi
  mkdir -p "$BIN_DIR"
  ln -sfn "$TARGET/$NAME" "$BIN_DIR/$NAME"
  # The launcher's Exec= is the bundle binary itself (sys.executable when frozen).
  "$TARGET/$NAME" --install-desktop
  echo "Installed into $TARGET"
  echo "Start it from the desktop's menu (Meeting Recorder), or run: $BIN_DIR/$NAME"
  case ":$PATH:" in *":$BIN_DIR:"*) ;; *) echo "($BIN_DIR is not on your PATH; the menu entry works anyway)" ;; esac
}

uninstall_app() {
  if [[ -x "$TARGET/$NAME" ]]; then
    "$TARGET/$NAME" --uninstall-desktop || echo "install.sh: the launcher could not be removed" >&2
  fi
  if [[ -L "$BIN_DIR/$NAME" && "$(readlink "$BIN_DIR/$NAME")" == "$TARGET/$NAME" ]]; then
    rm -f "$BIN_DIR/$NAME"
  fi
  rm -rf "$TARGET"
  rmdir "$PREFIX" 2>/dev/null || true  # only when nothing else lives there
  echo "Removed $TARGET (your recordings, transcripts and settings are kept)"
}

if [[ $ACTION == install ]]; then install_app; else uninstall_app; fi
