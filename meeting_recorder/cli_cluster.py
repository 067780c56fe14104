"""``meeting-recorder transcribe --cluster ADDRESS FILES…``: the files transcribed by worker
actors on a Ray cluster (``core/cluster``), exported here exactly as the local run does.

Same flags, outputs and exit codes as the local run (``cli.run_transcribe``): one progress
bar across all files (by audio duration) on stderr, each written file's path on stdout as it
is written, ``error: …`` per failed file. An unreachable cluster is one ``error:`` line and
exit 1 with nothing written; Ctrl+C cancels the remote work (exit 130).
"""

from __future__ import annotations

import argparse
import sys
import threading
from typing import Any

from meeting_recorder.cli import (
    EXIT_FILE_ERRORS,
    EXIT_USAGE,
    _ctrl_c_cancels,
    _error,
    _info,
    _transcribe_request,
    _warn,
)
from meeting_recorder.core.errors import Cancelled, MeetingRecorderError, ModelError


def add_arguments(transcribe: argparse.ArgumentParser) -> None:
    """The transcribe command's cluster flags."""
    transcribe.add_argument(
        "--cluster", metavar="ADDRESS", default=None,
        help="run on a Ray cluster: HOST:PORT of its head (ray start --head), ray://HOST:PORT, auto, or "
        "local (a Ray started on this computer for the job); needs the cluster extra",
    )
    transcribe.add_argument(
        "--workers", type=int, default=None, metavar="N",
        help="with --cluster: worker processes to start (default: 2 for local, else one per GPU, or per machine)",
    )


def _options(args: argparse.Namespace) -> tuple[list[str], Any]:
    """(formats, ClusterOptions) from the flags; ValueError (usage) or MeetingRecorderError
    (speakers, glossary), as for the local run."""
    from meeting_recorder.core.cluster import ClusterOptions

    formats, speakers, terms = _transcribe_request(args)
    if args.workers is not None and args.workers < 1:
        raise ValueError(f"--workers takes a number from 1 up, not {args.workers}")
    return formats, ClusterOptions(address=args.cluster, workers=args.workers, model=args.model, device=args.device,
                                   language=args.language, speakers=speakers, glossary=tuple(terms),
                                   allow_download=bool(args.allow_download))


def _durations(files: list[str]) -> dict[str, float]:
    """Each file's length for the progress bar (0 when the driver cannot tell)."""
    from meeting_recorder.core.audio import probe

    lengths = {}
    for path in files:
        try:
            lengths[path] = probe(path).duration or 0.0
        except (MeetingRecorderError, OSError):
            lengths[path] = 0.0
    return lengths


class _Report:
    """Turns the job's events into the bar, the written paths and the error lines."""

    def __init__(self, args: argparse.Namespace, formats: list[str], lengths: dict[str, float]) -> None:
        from tqdm import tqdm

        self.args, self.formats, self.lengths = args, formats, lengths
        self.failures = 0
        self.finished = 0.0  # seconds of audio of the files that ended
        self.running: dict[int, float] = {}  # file id -> seconds done so far
        self.bar = tqdm(total=round(sum(lengths.values()), 1) or None, unit="s", file=sys.stderr, leave=True,
                        desc=f"{len(lengths)} file(s)", bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining}")

    def __call__(self, event: object) -> None:
        from meeting_recorder.core.cluster import (
            ClusterFileCancelled,
            ClusterFileDone,
            ClusterFileFailed,
            ClusterFileProgress,
            ClusterFileRetried,
            ClusterReady,
        )
        from meeting_recorder.core.events import ModelChosen

        if isinstance(event, ClusterFileProgress) and event.fraction is not None:
            self.running[event.file_id] = event.fraction * self.lengths.get(event.path, 0.0)
        elif isinstance(event, ClusterFileDone):
            self._export(event)
        elif isinstance(event, ClusterFileFailed):
            self._line(lambda: _error(str(event.error)))
            self.failures += 1
        elif isinstance(event, ClusterFileRetried):
            self._line(lambda: _warn(event))
        elif isinstance(event, (ModelChosen, ClusterReady)):
            self._line(lambda: _info(event))
        if isinstance(event, (ClusterFileDone, ClusterFileFailed, ClusterFileCancelled)):
            self.running.pop(event.file_id, None)
            self.finished += self.lengths.get(event.path, 0.0)
        elif isinstance(event, ClusterFileRetried):
            self.running.pop(event.file_id, None)
        self._show()

    def _export(self, event: Any) -> None:
        from meeting_recorder.core.export import export
        from meeting_recorder.core.transcribe_job import exportable, output_stem

        try:
            written = export(exportable(event.transcript), self.args.out, self.formats, stem=output_stem(event.path))
        except OSError as error:  # e.g. the output folder is not writable
            message = f"{event.path}: could not write the transcript ({error.strerror or error})"
            self._line(lambda: _error(message))
            self.failures += 1
            return
        for path in written:
            self.bar.write(str(path), file=sys.stdout)
        sys.stdout.flush()

    def _line(self, say: Any) -> None:
        """A stderr line above the bar."""
        self.bar.clear()
        say()
        self.bar.refresh()

    def _show(self) -> None:
        if self.bar.total:
            done = min(self.bar.total, self.finished + sum(self.running.values()))
            self.bar.update(done - self.bar.n)

    def close(self) -> None:
        self.bar.close()


def run_cluster_transcribe(args: argparse.Namespace) -> int:
    from meeting_recorder.core.cluster import ClusterJob

    try:
        formats, options = _options(args)
    except (ValueError, MeetingRecorderError) as error:  # a bad flag; an unreadable profile or glossary file
        _error(str(error))
        return EXIT_USAGE
    files = list(args.files)
    report = None
    opening: list[object] = []  # ClusterReady comes from open(), before the report exists
    job = ClusterJob(options, on_event=opening.append)
    cancel = threading.Event()
    try:
        try:
            job.open()  # Ctrl+C here is a KeyboardInterrupt: open() stops what it started
        except ModelError as error:
            _error(str(error))
            return EXIT_USAGE
        except MeetingRecorderError as error:  # unreachable, Ray missing, no worker started
            _error(str(error))
            return EXIT_FILE_ERRORS
        report = _Report(args, formats, _durations(files))
        for event in opening:
            report(event)
        job.on_event = report
        with _ctrl_c_cancels(cancel):  # from here Ctrl+C cancels the remote work
            job.run_all(files, cancel=cancel)
    finally:
        if report is not None:
            report.close()
        job.close()  # the workers release their models; a local Ray stops
    if cancel.is_set():
        raise Cancelled()  # main() says so and exits 130
    if report.failures:
        _error(f"{report.failures} of {len(files)} file(s) failed")
    return EXIT_FILE_ERRORS if report.failures else 0

