#!/usr/bin/env python3
"""A corpus of malformed and odd input files, for checking that every input path (the CLI,
the window's file queue) answers each one cleanly.

Usage::

    .venv/bin/python scripts/make_bad_inputs.py OUT_DIR [--speech FILE] [--long-seconds 7200]

``OUT_DIR`` gets one entry per case (files, a folder, links, a named pipe) and the list of
names with what is odd about each is printed. ``--speech`` is the speech the valid-but-odd
files are made from (default: a sentence spoken by espeak-ng). ``--long-seconds`` sets the
length of the long silence (default 2 h; it is a sparse file, so it takes no disk space and
no time to write). ``OUT_DIR/not_media/`` holds a corrupt speaker-profile file and a corrupt
settings file, for the tests of those stores.

Nothing here is committed media: tests call ``make_corpus`` at test time.
``tests/test_bad_inputs.py`` holds what the user should see for each case.
"""

from __future__ import annotations

import argparse
import os
import struct
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

RATE = 16000
SPEECH_TEXT = "Please send the quarterly report to the finance team before Friday."
# 82 three-byte Korean characters + ".wav": a 250-byte name (Linux allows 255 bytes).
LONG_NAME = "회의록" * 27 + "회" + ".wav"
NON_UTF8_NAME = os.fsdecode(b"caf\xe9-latin1.wav")  # a Latin-1 name: not valid UTF-8


@dataclass(frozen=True)
class Case:
    name: str  # the entry's name in OUT_DIR (os.fsdecode of its bytes)
    what: str  # what is odd about it


def run_ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", *args], check=True)


def wav_header(frames: int, channels: int = 1, rate: int = RATE, bits: int = 16,
               data_bytes: int | None = None, riff_bytes: int | None = None) -> bytes:
    """A 44-byte PCM WAV header; the size fields can lie (truncated or streamed files)."""
    block = channels * bits // 8
    data = frames * block if data_bytes is None else data_bytes
    riff = 36 + data if riff_bytes is None else riff_bytes
    return (b"RIFF" + struct.pack("<I", riff) + b"WAVE"
            + b"fmt " + struct.pack("<IHHIIHH", 16, 1, channels, rate, rate * block, block, bits)
            + b"data" + struct.pack("<I", data))


def speech_samples(speech: Path, rate: int = RATE) -> np.ndarray:
    """``speech`` as mono float32 at ``rate`` (ffmpeg resamples)."""
    with tempfile.TemporaryDirectory() as temp:
        wav = Path(temp) / "speech.wav"
        run_ffmpeg("-i", str(speech), "-ac", "1", "-ar", str(rate), "-c:a", "pcm_f32le", str(wav))
        samples, _ = sf.read(wav, dtype="float32")
    return samples


def espeak_speech(out: Path) -> Path:
    raw = out.with_name("espeak-raw.wav")
    subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(raw), SPEECH_TEXT], check=True)
    run_ffmpeg("-i", str(raw), "-ac", "1", "-ar", str(RATE), str(out))
    raw.unlink()
    return out


def write_sparse_silence(path: Path, seconds: float) -> None:
    """A 16 kHz mono 16-bit WAV of digital silence: the header, then a hole (no disk used)."""
    frames = int(seconds * RATE)
    with open(path, "wb") as handle:
        handle.write(wav_header(frames))
        handle.truncate(44 + frames * 2)


# -- the cases: each maker writes one entry under ``folder`` --------------------------------
def _cut(source: Path, target: Path, fraction: float = 0.5, extra: int = 7) -> None:
    """``source`` cut off in the middle of a frame (7 bytes past the half, not a boundary)."""
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * fraction) + extra])


def _encoded(folder: Path, speech: Path) -> dict[str, Path]:
    """The speech as FLAC, MP3 and M4A (moov at the end, and at the start), in a subfolder."""
    sources = folder / ".sources"
    sources.mkdir(exist_ok=True)
    args = {"flac": ["-c:a", "flac"], "mp3": ["-c:a", "libmp3lame"], "m4a": ["-c:a", "aac"],
            "faststart.m4a": ["-c:a", "aac", "-movflags", "+faststart"]}
    out = {}
    for kind, codec in args.items():
        out[kind] = sources / f"speech.{kind}"
        run_ffmpeg("-i", str(speech), "-ac", "1", "-ar", str(RATE), *codec, str(out[kind]))
    return out


def make_files(folder: Path, speech: Path) -> list[Case]:
    """Files whose bytes are wrong: empty, cut short, not audio at all."""
    rng = np.random.default_rng(11)
    encoded = _encoded(folder, speech)
    pcm = (speech_samples(speech) * 32767).astype("<i2").tobytes()
    cases: list[tuple[str, str, Callable[[Path], object]]] = [
        ("empty.wav", "0 bytes", lambda p: p.write_bytes(b"")),
        ("header_only.wav", "a WAV header promising 1 s of audio, and nothing after it",
         lambda p: p.write_bytes(wav_header(RATE))),
        ("zero_frames.wav", "a correct WAV holding 0 samples", lambda p: p.write_bytes(wav_header(0))),
        ("truncated.wav", "a WAV cut in the middle of a sample",
         lambda p: p.write_bytes(wav_header(len(pcm) // 2) + pcm[: len(pcm) // 2 + 1])),
        ("truncated.flac", "a FLAC cut in the middle of a frame", lambda p: _cut(encoded["flac"], p)),
        ("truncated.mp3", "an MP3 (with its Info header) cut in the middle of a frame",
         lambda p: _cut(encoded["mp3"], p)),
        ("truncated.m4a", "an M4A (index at the end) cut in the middle", lambda p: _cut(encoded["m4a"], p)),
        ("truncated_faststart.m4a", "an M4A (index at the start) cut in the middle of a frame",
         lambda p: _cut(encoded["faststart.m4a"], p)),
        ("header_only.flac", "a FLAC's header (STREAMINFO) without any audio frame",
         lambda p: p.write_bytes(encoded["flac"].read_bytes()[: _flac_audio_start(encoded["flac"])])),
        ("id3_only.mp3", "an ID3 tag and no MP3 frame", lambda p: p.write_bytes(_id3_tag())),
        ("bad_format.wav", "a WAV header that says 0 channels",
         lambda p: p.write_bytes(wav_header(RATE, channels=0, data_bytes=len(pcm)) + pcm)),
        ("random.wav", "random bytes", lambda p: p.write_bytes(rng.bytes(64_000))),
        ("random.mp3", "random bytes", lambda p: p.write_bytes(rng.bytes(64_000))),
        ("random.flac", "random bytes", lambda p: p.write_bytes(rng.bytes(64_000))),
        ("random.m4a", "random bytes", lambda p: p.write_bytes(rng.bytes(64_000))),
        ("text.wav", "a text file", lambda p: p.write_text("Minutes of the meeting\n" * 50, encoding="utf-8")),
        ("text.mp3", "a text file", lambda p: p.write_text("Agenda: budget, hiring\n" * 50, encoding="utf-8")),
        ("picture.wav", "a PNG picture", lambda p: run_ffmpeg(
            "-f", "lavfi", "-i", "color=c=red:s=32x32", "-frames:v", "1", "-c:v", "png", "-f", "image2", str(p))),
        ("video_no_audio.mp4", "a video without an audio track", lambda p: run_ffmpeg(
            "-f", "lavfi", "-i", "color=c=black:s=64x64:r=5", "-t", "1", "-an", "-c:v", "mpeg4", str(p))),
        ("empty_audio_track.mkv", "a video whose audio track holds no packets", _video_with_empty_audio),
        ("corrupt_middle.mp3", "an MP3 with 300 bytes of garbage in the middle (a damaged frame or two)",
         lambda p: _overwrite_middle(encoded["mp3"], p, rng.bytes(300))),
    ]
    for name, what, make in cases:
        make(folder / name)
    return [Case(name, what) for name, what, _ in cases]


def _flac_audio_start(path: Path) -> int:
    """Offset of the first audio frame: after the metadata blocks (the last has bit 7 set)."""
    data = path.read_bytes()
    offset = 4  # "fLaC"
    while True:
        last, length = data[offset] & 0x80, int.from_bytes(data[offset + 1 : offset + 4], "big")
        offset += 4 + length
        if last:
            return offset


def _id3_tag() -> bytes:
    frame = b"TIT2" + struct.pack(">I", 8) + b"\x00\x00" + b"\x03Meeting"
    return b"ID3\x03\x00\x00" + bytes([0, 0, 0, len(frame)]) + frame


def _overwrite_middle(source: Path, target: Path, garbage: bytes) -> None:
    data = bytearray(source.read_bytes())
    middle = len(data) // 2
    data[middle : middle + len(garbage)] = garbage
    target.write_bytes(bytes(data))


def _video_with_empty_audio(path: Path) -> None:
    """Matroska with 1 s of video and an AAC track that never gets a packet."""
    import av

    with av.open(str(path), "w") as container:
        video = container.add_stream("mpeg4", rate=5)
        video.width = video.height = 64
        video.pix_fmt = "yuv420p"
        container.add_stream("aac", rate=RATE)  # declared, never written to
        for index in range(5):
            frame = av.VideoFrame.from_ndarray(np.zeros((64, 64, 3), np.uint8), format="rgb24")
            frame.pts = index
            for packet in video.encode(frame):
                container.mux(packet)
        for packet in video.encode(None):
            container.mux(packet)


def make_entries(folder: Path, speech: Path) -> list[Case]:
    """Paths that are not plain files, or that cannot be read."""
    (folder / "folder.wav").mkdir()
    os.symlink("loop.wav", folder / "loop.wav")  # a link to itself
    os.symlink("gone.wav", folder / "dangling.wav")
    unreadable = folder / "unreadable.wav"
    unreadable.write_bytes(wav_header(RATE) + bytes(2 * RATE))
    unreadable.chmod(0)  # root reads it anyway: the tests check with os.geteuid()
    os.mkfifo(folder / "fifo.wav")  # opening it for reading would wait for a writer forever
    return [
        Case("folder.wav", "a folder with an audio name"),
        Case("loop.wav", "a symbolic link to itself"),
        Case("dangling.wav", "a symbolic link to a file that does not exist"),
        Case("unreadable.wav", "a WAV without read permission (mode 000)"),
        Case("fifo.wav", "a named pipe with an audio name"),
        Case("missing.wav", "not created: a path that does not exist"),
    ]


def make_odd_audio(folder: Path, speech: Path, long_seconds: float) -> list[Case]:
    """Valid audio at the edges: odd names, formats, sample values and lengths."""
    samples = speech_samples(speech)
    rng = np.random.default_rng(7)
    cases = [
        Case(NON_UTF8_NAME, "speech under a file name that is not UTF-8"),
        Case(LONG_NAME, "speech under a 250-byte file name"),
        Case("one_sample.wav", "a WAV holding a single sample"),
        Case("8ch_96k.wav", "speech in 8 channels at 96 kHz, 24-bit"),
        Case("8k.wav", "speech at 8 kHz (telephone)"),
        Case("nan_inf.wav", "32-bit float speech with NaN, +Inf and -Inf samples"),
        Case("all_nan.wav", "32-bit float, every sample NaN"),
        Case("clipped_noise.wav", "10 s of white noise clipped at full scale"),
        Case("silence_long.wav", f"{long_seconds / 3600:g} h of digital silence"),
        Case("streamed.wav", "speech in a WAV whose size fields say 'unknown' (0xFFFFFFFF)"),
    ]
    for name in (NON_UTF8_NAME, LONG_NAME):  # soundfile takes UTF-8 names only: write, then rename
        sf.write(folder / "named.wav", samples, RATE)
        os.rename(folder / "named.wav", folder / name)
    sf.write(folder / "one_sample.wav", np.array([0.25], dtype=np.float32), RATE)
    hi = speech_samples(speech, 96_000)
    sf.write(folder / "8ch_96k.wav", np.repeat(hi[:, None], 8, axis=1) * 0.5, 96_000, subtype="PCM_24")
    sf.write(folder / "8k.wav", speech_samples(speech, 8000), 8000)
    broken = samples.copy()
    broken[rng.choice(len(broken), 400, replace=False)] = [np.nan, np.inf, -np.inf, np.nan] * 100
    sf.write(folder / "nan_inf.wav", broken, RATE, subtype="FLOAT")
    sf.write(folder / "all_nan.wav", np.full(RATE, np.nan, dtype=np.float32), RATE, subtype="FLOAT")
    noise = np.clip(rng.standard_normal(10 * RATE) * 2.0, -1.0, 1.0)
    sf.write(folder / "clipped_noise.wav", noise, RATE)
    write_sparse_silence(folder / "silence_long.wav", long_seconds)
    pcm = (samples * 32767).astype("<i2").tobytes()
    (folder / "streamed.wav").write_bytes(
        wav_header(0, data_bytes=0xFFFFFFFF, riff_bytes=0xFFFFFFFF) + pcm)
    return cases


def make_not_media(folder: Path) -> None:
    """Corrupt stores (for their own tests, not the media corpus): cut-off JSON, binary INI."""
    other = folder / "not_media"
    other.mkdir()
    (other / "corrupt_profiles.json").write_text('{"version": 1, "profiles": [{"name": "Ann", "vec', "utf-8")
    (other / "corrupt_settings.ini").write_bytes(b"[General]\nmodel=\xff\xfe\x00tiny\n\x00\x00garbage")


def make_corpus(folder: Path, speech: Path | None = None, long_seconds: float = 7200.0) -> list[Case]:
    """Write every case into ``folder`` (created; must not exist or be empty)."""
    folder.mkdir(parents=True, exist_ok=True)
    if speech is None:
        speech = espeak_speech(folder / ".speech.wav")
    cases = make_files(folder, speech) + make_entries(folder, speech) + make_odd_audio(folder, speech, long_seconds)
    make_not_media(folder)
    return cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the corpus to (new or empty)")
    parser.add_argument("--speech", type=Path, default=None, help="speech to build the valid files from")
    parser.add_argument("--long-seconds", type=float, default=7200.0, help="length of the long silence")
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty")
    cases = make_corpus(args.out, args.speech, args.long_seconds)
    width = min(32, max(len(case.name) for case in cases))
    for case in cases:
        print(f"{case.name.encode('utf-8', 'backslashreplace').decode():<{width}}  {case.what}")
    print(f"{len(cases)} cases in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
