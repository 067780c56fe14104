"""An audit-hook guard against non-local network use, for this process and for the model
worker process. In the worker it is preloaded (``MEETING_RECORDER_WORKER_PRELOAD``) and,
when ``MEETING_RECORDER_GUARD_LOG`` names a file, armed from the start: what it stops is
appended there. AF_UNIX and loopback pass."""

from __future__ import annotations

import ipaddress
import os
import socket
import sys

LOG_ENV = "MEETING_RECORDER_GUARD_LOG"


def is_local(host: object) -> bool:
    if host is None or isinstance(host, bytes):  # no host, or an AF_UNIX path
        return True
    host = str(host).split("%")[0]  # an IPv6 scope
    if host in ("", "localhost") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name: resolving it already asks another machine


def check(event: str, args: tuple, seen: list[str]) -> None:
    """Record and refuse one audited network event that leaves this machine."""
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        sock, address = args[0], args[1]
        if sock.family in (socket.AF_INET, socket.AF_INET6) and address and not is_local(address[0]):
            seen.append(f"{event} {address[0]}:{address[1]}")
            raise PermissionError(f"test guard: no connection to {address[0]}")
    elif event == "socket.getaddrinfo" and not is_local(args[0]):
        seen.append(f"{event} {args[0]}")
        raise socket.gaierror(socket.EAI_NONAME, f"test guard: no lookup of {args[0]}")


def _arm_worker(log_path: str) -> None:
    seen: list[str] = []

    def audit(event: str, args: tuple) -> None:
        before = len(seen)
        try:
            check(event, args, seen)
        finally:
            if len(seen) > before:
                with open(log_path, "a", encoding="utf-8") as log:
                    log.write(seen[-1] + "\n")

    sys.addaudithook(audit)


if os.environ.get(LOG_ENV):  # imported in the worker process: armed for its whole life
    _arm_worker(os.environ[LOG_ENV])


class Prober:
    """A holder the worker can make in a test, to try a connection from inside it."""

    def connect(self, host: str, port: int) -> None:
        with socket.socket() as outward:
            outward.settimeout(5)
            outward.connect((host, port))

    def close(self) -> None:
        pass
