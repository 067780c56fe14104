"""Entry point of the frozen bundle (packaging/meeting-recorder.spec): ``meeting-recorder``.

The app starts its model worker as ``[sys.executable, "-m", "meeting_recorder.core.worker.host",
FD]`` (core/worker/client.py). In the bundle ``sys.executable`` is this program, which has no
``-m`` of its own: for that one form (modules of the app only, so the binary does not become a
general-purpose interpreter) it runs the named module as ``__main__``, as Python would.
Everything else is the normal command line (``meeting_recorder.cli.main``).
"""

import multiprocessing
import runpy
import sys
import warnings


def main() -> int:
    # torchcodec's FFmpeg bindings are left out of the bundle (the app hands pyannote waveforms,
    # never files); pyannote warns about that at import, in many lines, on every run.
    warnings.filterwarnings("ignore", message=r"\s*torchcodec is not installed correctly")
    argv = sys.argv
    if len(argv) >= 3 and argv[1] == "-m" and argv[2].startswith("meeting_recorder."):
        sys.argv = [argv[0], *argv[3:]]  # what `python -m MODULE ARGS` leaves (argv[0] aside)
        runpy.run_module(argv[2], run_name="__main__", alter_sys=True)
        return 0
    # multiprocessing's helper processes (e.g. a resource tracker of a library) re-enter here.
    multiprocessing.freeze_support()
    from meeting_recorder.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    raise SystemExit(main())
