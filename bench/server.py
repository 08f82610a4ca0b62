"""Run the real ``myengine-server serve`` with several workers on a free loopback port."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 20
# Requests go straight to the loopback server, whatever proxy the environment names.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class ServerError(RuntimeError):
    """The server exited, or /health/live did not respond in time."""


@dataclass(frozen=True)
class RunningServer:
    url: str
    pid: int
    log_path: Path


@dataclass(frozen=True)
class Response:
    method: str
    url: str
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def fetch(url: str, *, headers: dict[str, str] | None = None, timeout: float = 30) -> Response:
    """Send one GET to ``url`` and return the response, whatever its status."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return Response("GET", url, response.status, response.read())
    except urllib.error.HTTPError as error:
        return Response("GET", url, error.code, error.read())


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@contextmanager
def serve(
    *, database_url: str, secret_key: str, workers: int, var_dir: Path, log_path: Path
) -> Iterator[RunningServer]:
    """Start the server, wait until /health/live returns 200, and stop the server on exit.

    The server's own log (JSON events at INFO) goes to ``log_path``.
    """
    executable = Path(sys.executable).with_name("myengine-server")
    port = free_port()
    environment = {
        **os.environ,
        "MYENGINE_DATABASE_URL": database_url,
        "MYENGINE_SECRET_KEY": secret_key,
        "MYENGINE_ENVIRONMENT": "sandbox",
        "MYENGINE_VAR_DIR": str(var_dir),
        # The load generator is one partner on purpose; the per-partner limit would cap it.
        "MYENGINE_RATE_LIMIT_PER_MINUTE": "0",
    }
    command = [
        str(executable), "serve", "--host", HOST, "--port", str(port), "--workers", str(workers),
    ]

    with open(log_path, "wb") as log_file:
        # A session of its own lets the stop below reach the workers if the supervisor hangs.
        process = subprocess.Popen(
            command, env=environment, stdout=log_file, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        server = RunningServer(url=f"http://{HOST}:{port}", pid=process.pid, log_path=log_path)
        try:
            _wait_until_live(process, server)
            yield server
        finally:
            _stop(process)


def _wait_until_live(process: subprocess.Popen[bytes], server: RunningServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(
                f"the server exited with status {process.returncode} before it responded; "
                f"its log is {server.log_path}:\n{_tail(server.log_path)}"
            )
        try:
            if fetch(f"{server.url}/health/live", timeout=2).status == 200:
                return
        except (urllib.error.URLError, OSError):
            pass  # not listening yet
        time.sleep(0.2)
    raise ServerError(
        f"{server.url}/health/live did not respond within {START_TIMEOUT_S} s; "
        f"its log is {server.log_path}:\n{_tail(server.log_path)}"
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    # SIGTERM to the supervisor makes uvicorn stop its workers and exit.
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT_S)


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError as exc:
        return f"(log unreadable: {exc})"
