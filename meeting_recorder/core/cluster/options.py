"""What a cluster job is asked to do (``ClusterOptions``) and where the cluster is
(``parse_address``). Plain data: no Ray import here, so the window and the CLI start fast."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from meeting_recorder.core.language_choice import AUTO_MODEL

if TYPE_CHECKING:
    from meeting_recorder.core.transcribe_job import SpeakerRequest

LOCAL = "local"  # start a private Ray on this computer for the job
AUTO = "auto"  # the Ray started on this computer by `ray start` (or RAY_ADDRESS)
DEFAULT_PORT = 6379  # `ray start --head`'s GCS port
CLIENT_PORT = 10001  # Ray Client's (ray://)
SHIP_AUDIO = ("auto", "always", "never")
DEVICES = ("auto", "cpu", "cuda")


@dataclass(frozen=True)
class ClusterOptions:
    address: str  # "local" | "HOST:PORT" | "ray://HOST:PORT" | "auto"
    workers: int | None = None  # None: local -> 2, remote -> one per GPU found, else one per node
    model: str = AUTO_MODEL  # as the CLI's --model: "auto" chooses by each file's language
    device: str = "auto"  # on the workers
    language: str = "auto"
    speakers: SpeakerRequest | None = None  # None: no speaker labels
    glossary: tuple[str, ...] = ()
    # "auto": a worker that sees the same file (same size and mtime_ns) reads it there, else
    # the bytes go through Ray's object store; "always": object store; "never": the path.
    ship_audio: str = "auto"
    connect_timeout_s: float = 10.0
    max_attempts: int = 3  # per file, across worker deaths
    cancel_grace_s: float = 5.0  # a worker that has not stopped this long after cancel is killed
    allow_download: bool = False  # models the workers lack may come from the Hugging Face Hub

    def __post_init__(self) -> None:
        if self.ship_audio not in SHIP_AUDIO:
            raise ValueError(f"ship_audio is one of {', '.join(SHIP_AUDIO)}, not '{self.ship_audio}'")
        if self.device not in DEVICES:
            raise ValueError(f"device is one of {', '.join(DEVICES)}, not '{self.device}'")
        if self.workers is not None and self.workers < 1:
            raise ValueError(f"workers must be at least 1, not {self.workers}")
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, not {self.max_attempts}")
        parse_address(self.address)


@dataclass(frozen=True)
class ClusterAddress:
    """Where to connect: ``ray_address`` goes to ``ray.init``; ``host``/``port`` are checked
    with a TCP connect first (None: nothing to check, e.g. "local")."""

    text: str  # as the user wrote it
    ray_address: str | None  # None: start a local Ray
    host: str | None = None
    port: int | None = None

    @property
    def local(self) -> bool:
        return self.ray_address is None


def parse_address(address: str) -> ClusterAddress:
    """``local``, ``auto``, ``HOST``, ``HOST:PORT``, ``[IPv6]:PORT`` or ``ray://HOST[:PORT]``.
    ValueError for anything else."""
    text = (address or "").strip()
    if not text:
        raise ValueError("the cluster address is empty (use local, auto, HOST:PORT or ray://HOST:PORT)")
    if text.lower() == LOCAL:
        return ClusterAddress(text, None)
    if text.lower() == AUTO:
        named = os.environ.get("RAY_ADDRESS", "").strip()
        if named and named.lower() not in (AUTO, LOCAL):  # `ray start` told us where
            found = parse_address(named)
            return ClusterAddress(text, found.ray_address, found.host, found.port)
        return ClusterAddress(text, AUTO)
    client = text.lower().startswith("ray://")
    rest = text[len("ray://"):] if client else text
    host, port = _host_port(rest, CLIENT_PORT if client else DEFAULT_PORT, text)
    shown = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return ClusterAddress(text, f"ray://{shown}" if client else shown, host, port)


def _host_port(text: str, default_port: int, original: str) -> tuple[str, int]:
    if "/" in text:
        raise ValueError(f"'{original}' is not a cluster address (use local, auto, HOST:PORT or ray://HOST:PORT)")
    if text.startswith("["):  # [IPv6]:PORT
        host, _, tail = text[1:].partition("]")
        port_text = tail[1:] if tail.startswith(":") else ""
        if tail and not tail.startswith(":"):
            raise ValueError(f"'{original}' is not a cluster address (use HOST:PORT)")
    elif text.count(":") == 1:
        host, _, port_text = text.partition(":")
    else:
        host, port_text = text, ""
    if not host or not all(c.isalnum() or c in ".-_:%" for c in host):
        raise ValueError(f"'{original}' is not a cluster address (use local, auto, HOST:PORT or ray://HOST:PORT)")
    if not port_text:
        return host, default_port
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"'{original}' has no valid port (1–65535)")
    return host, int(port_text)
