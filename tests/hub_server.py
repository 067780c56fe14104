"""A local stand-in for the Hugging Face hub on 127.0.0.1, for the model download tests.

It serves every repository id with the same files (a real CTranslate2 Whisper model, the
embedded tiny.en) through the two endpoints the app uses:

- ``GET /api/models/<repo>/revision/<rev>?blobs=true``: the file list with sizes, git blob
  ids and, for ``model.bin`` (stored with LFS on the hub), its sha256;
- ``GET|HEAD /<repo>/resolve/<rev>/<file>``: the file, with ``Range: bytes=N-`` support.

Switches (set them before or between downloads): ``drop_once`` (file names whose next
transfer stops halfway with a closed connection), ``corrupt`` (file names served with one
byte changed), ``bytes_per_second`` (a slow link), ``ignore_range`` (answer a Range
request with the whole file, as some mirrors and proxies do). ``connections`` counts accepted TCP
connections and ``transfers`` records each file request. HTTP/1.0, one request per
connection; ``stop()`` joins every handler thread.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

LFS_FILES = ("model.bin",)
_API = re.compile(r"^/api/models/(?P<repo>[^/]+/[^/]+)/revision/(?P<rev>[^/]+)$")
_RESOLVE = re.compile(r"^/(?P<repo>[^/]+/[^/]+)/resolve/(?P<rev>[^/]+)/(?P<file>[^/]+)$")
REVISION = "0123456789abcdef0123456789abcdef01234567"


@dataclass(frozen=True)
class ServedFile:
    path: Path
    size: int
    sha256: str
    git_sha1: str


@dataclass(frozen=True)
class Transfer:
    method: str
    file: str
    range: str | None
    status: int
    bytes_sent: int


@functools.lru_cache(maxsize=4)
def describe(folder: Path) -> dict[str, ServedFile]:
    """Each regular file of ``folder`` with its size, sha256 and git blob id (cached)."""
    files = {}
    for path in sorted(folder.iterdir()):
        if not path.is_file():
            continue
        data = path.read_bytes()
        git = hashlib.sha1(f"blob {len(data)}\0".encode() + data).hexdigest()
        files[path.name] = ServedFile(path, len(data), hashlib.sha256(data).hexdigest(), git)
    return files


class _Server(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True  # server_close() joins the handler threads
    hub: "HubServer"

    def process_request(self, request: socket.socket, client_address: object) -> None:
        with self.hub.lock:
            self.hub.connections += 1
        super().process_request(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = 20  # a stuck client cannot hold a handler thread for ever

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        hub = self.server.hub
        path = unquote(urlsplit(self.path).path)
        if _API.match(path):
            self._send_json(hub.api_answer(_API.match(path)["repo"]), send_body)
        elif (match := _RESOLVE.match(path)) and match["file"] in hub.files:
            self._send_file(match["file"], send_body)
        else:
            self._send_json({"error": "Repository not found"}, send_body, status=404)

    def _send_json(self, payload: object, send_body: bool, status: int = 200) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _send_file(self, name: str, send_body: bool) -> None:
        hub = self.server.hub
        served = hub.files[name]
        asked = None if hub.ignore_range else self.headers.get("Range")
        start = 0
        if asked:
            match = re.fullmatch(r"bytes=(\d+)-", asked.strip())
            start = int(match[1]) if match else served.size
            if start >= served.size:
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{served.size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                hub.record(Transfer(self.command, name, asked, 416, 0))
                return
        status = 206 if asked else 200
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(served.size - start))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", f'"{served.sha256}"')
        if asked:
            self.send_header("Content-Range", f"bytes {start}-{served.size - 1}/{served.size}")
        self.end_headers()
        sent = self._send_bytes(name, served, start) if send_body else 0
        hub.record(Transfer(self.command, name, self.headers.get("Range"), status, sent))

    def _send_bytes(self, name: str, served: ServedFile, start: int) -> int:
        hub = self.server.hub
        stop_at = served.size
        with hub.lock:
            if name in hub.drop_once:
                hub.drop_once.discard(name)
                stop_at = max(start, served.size // 2)
        corrupt_at = served.size // 3 if name in hub.corrupt else -1
        sent, position = 0, start
        try:
            with open(served.path, "rb") as source:
                source.seek(start)
                while position < stop_at and not hub.stopping.is_set():
                    block = bytearray(source.read(min(256 * 1024, stop_at - position)))
                    if position <= corrupt_at < position + len(block):
                        block[corrupt_at - position] ^= 0xFF
                    self.wfile.write(block)
                    sent += len(block)
                    position += len(block)
                    if hub.bytes_per_second:
                        time.sleep(len(block) / hub.bytes_per_second)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client went away (a cancel)
        if position < served.size:  # a dropped connection: close it halfway
            self.close_connection = True
            try:
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        return sent


class HubServer:
    """A hub on 127.0.0.1 serving ``folder``'s files as every repository."""

    def __init__(self, folder: Path) -> None:
        self.files = describe(folder)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.connections = 0
        self.transfers: list[Transfer] = []
        self.drop_once: set[str] = set()
        self.corrupt: set[str] = set()
        self.bytes_per_second: float | None = None
        self.ignore_range = False
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.hub = self
        self._thread = threading.Thread(target=self._server.serve_forever, name="hub-server", kwargs={"poll_interval": 0.05})

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "HubServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._thread.join()
        self._server.server_close()  # joins the handler threads

    def record(self, transfer: Transfer) -> None:
        with self.lock:
            self.transfers.append(transfer)

    def sent(self, name: str) -> int:
        """Body bytes of ``name`` sent so far, over all requests."""
        with self.lock:
            return sum(t.bytes_sent for t in self.transfers if t.file == name)

    def api_answer(self, repo_id: str) -> dict[str, object]:
        siblings = []
        for name, served in self.files.items():
            sibling: dict[str, object] = {"rfilename": name, "size": served.size, "blobId": served.git_sha1}
            if name in LFS_FILES:
                sibling["blobId"] = hashlib.sha1(name.encode()).hexdigest()  # the pointer's id
                sibling["lfs"] = {"sha256": served.sha256, "size": served.size, "pointerSize": 134}
            siblings.append(sibling)
        siblings.append({"rfilename": "README.md", "size": 10, "blobId": "0" * 40})
        return {"id": repo_id, "modelId": repo_id, "sha": REVISION, "siblings": siblings}
