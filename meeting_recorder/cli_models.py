"""``meeting-recorder models list | download NAME | remove NAME | import PATH``: the Whisper
models beyond the two embedded ones. Nothing is downloaded unless the user says yes."""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from meeting_recorder.core.errors import Cancelled, MeetingRecorderError

EXIT_FILE_ERRORS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def add_commands(commands: argparse._SubParsersAction) -> None:
    models = commands.add_parser(
        "models", help="list, download, import or remove Whisper models",
        description="Whisper models: the embedded ones, those downloaded or imported, and those "
        "that can be downloaded (only after you say yes).",
    )
    actions = models.add_subparsers(dest="models_command", metavar="ACTION")
    actions.add_parser("list", help="every model with its size, languages, memory and speed")
    download = actions.add_parser("download", help="download NAME from the Hugging Face hub (asks first)")
    download.add_argument("name", metavar="NAME")
    download.add_argument("--yes", action="store_true", help="do not ask (you agree to the download)")
    download.add_argument("--endpoint", metavar="URL", help="a hub mirror (default: $HF_ENDPOINT or huggingface.co)")
    remove = actions.add_parser("remove", help="delete a downloaded or imported model")
    remove.add_argument("name", metavar="NAME")
    imported = actions.add_parser("import", help="install a model folder or .zip (machines without internet)")
    imported.add_argument("path", type=Path, metavar="PATH")
    imported.add_argument("--name", help="the name to give it (default: the folder's or zip's name)")


def _err(message: str) -> None:
    print(f"error: {message}", file=sys.stderr, flush=True)


def run_models(args: argparse.Namespace) -> int:
    action = {"list": _list, "download": _download, "remove": _remove, "import": _import}.get(args.models_command)
    if action is None:
        _err("say what to do: meeting-recorder models list | download NAME | remove NAME | import PATH")
        return EXIT_USAGE
    try:
        return action(args)
    except Cancelled:
        _err("download interrupted; what was fetched is kept and the next download of it resumes")
        return EXIT_INTERRUPTED
    except MeetingRecorderError as error:
        _err(str(error))
        return EXIT_FILE_ERRORS


def _list(args: argparse.Namespace) -> int:
    from meeting_recorder.core.model_catalog import downloadable_models, installed_models, size_text

    installed = {model.name: model for model in installed_models()}
    from meeting_recorder.core.speed_estimate import estimate_rtf

    print(f"{'model':<18} {'status':<11} {'size':>8}  {'languages':<13} {'RAM':>7} {'VRAM':>7}  speed here (CPU)")
    entries = {entry.name: entry for entry in downloadable_models()}
    for name in sorted(set(installed) | set(entries), key=lambda n: (n not in installed, n)):
        model, entry = installed.get(name), entries.get(name) or (installed[name].entry if name in installed else None)
        status = model.source if model is not None else "available"
        size = model.size_bytes if model is not None and model.size_bytes else (entry.download_bytes if entry else 0)
        languages = (model.languages if model is not None else None) or (entry.languages if entry else "?")
        ram = size_text(entry.ram_bytes) if entry else "?"
        vram = size_text(entry.vram_bytes) if entry else "?"
        print(f"{name:<18} {status:<11} {size_text(size):>8}  {languages:<13} {ram:>7} {vram:>7}  {_speed(name, entry, estimate_rtf)}")
    print("speed: minutes of work per hour of audio on this CPU, measured on your earlier jobs or estimated from them")
    return 0


def _speed(name: str, entry, estimate_rtf) -> str:
    estimate = estimate_rtf(name)
    if estimate is None:
        return f"{entry.relative_cost:g}x tiny's time" if entry else "?"
    rtf, measured = estimate
    return f"{'' if measured else '~'}{rtf * 60:.0f} min/h{' (measured)' if measured else ''}"


def _download(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from meeting_recorder.core.model_catalog import catalog_entry, size_text
    from meeting_recorder.core.model_download import download_model, resolve_endpoint

    entry = catalog_entry(args.name)
    endpoint = resolve_endpoint(args.endpoint)
    if not args.yes:
        question = f"Download {entry.name} ({size_text(entry.download_bytes)}) from {endpoint}? [y/N] "
        if not sys.stdin.isatty() or input(question).strip().lower() not in ("y", "yes"):
            _err("nothing was downloaded (say yes, or pass --yes)")
            return EXIT_USAGE
    cancel = threading.Event()
    with tqdm(total=entry.download_bytes, unit="B", unit_scale=True, desc=entry.name, file=sys.stderr) as bar:

        def on_progress(report) -> None:
            bar.total = report.bytes_total
            bar.set_postfix_str(report.phase)
            bar.update(report.bytes_done - bar.n)

        try:
            folder = download_model(entry.name, endpoint=args.endpoint, progress=on_progress, cancel=cancel, consent=True)
        except KeyboardInterrupt:
            cancel.set()
            raise Cancelled() from None
    print(folder, flush=True)
    return 0


def _remove(args: argparse.Namespace) -> int:
    from meeting_recorder.core.model_catalog import remove_model

    remove_model(args.name)
    return 0


def _import(args: argparse.Namespace) -> int:
    from meeting_recorder.core.model_catalog import import_model

    print(import_model(args.path, args.name), flush=True)
    return 0
