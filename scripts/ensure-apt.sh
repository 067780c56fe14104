#!/usr/bin/env bash
# Make sure the Debian packages given as arguments are installed.
# As root: installs what is missing. Otherwise: prints the exact apt-get line and fails.
set -euo pipefail
if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "note: not a Debian/Ubuntu system; make sure these are installed: $*" >&2
  exit 0
fi
missing=()
for package in "$@"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
if [[ $(id -u) -eq 0 ]]; then
  echo "Installing system packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "Missing system packages. Install them with:" >&2
  echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
