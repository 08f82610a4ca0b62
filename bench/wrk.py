"""Run one wrk scenario and read the result line that ``lua/report.lua`` prints."""

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

LUA_DIR = Path(__file__).resolve().parent / "lua"
RESULT_PREFIX = "BENCH_RESULT "


class WrkError(RuntimeError):
    """wrk is missing, failed, or printed no result line."""


@dataclass(frozen=True)
class LoadSettings:
    duration_s: int
    threads: int
    connections: int
    timeout_s: int


@dataclass(frozen=True)
class WrkResult:
    requests: int
    duration_us: int
    p50_us: int
    p90_us: int
    p99_us: int
    max_us: int
    # Responses counted by HTTP status code.
    statuses: dict[int, int]
    # Socket errors by kind: connect, read, write, timeout.
    socket_errors: dict[str, int]
    # Requests a scenario could not make because its list of ids ran out.
    exhausted: int = 0

    @property
    def requests_per_second(self) -> float:
        return self.requests / (self.duration_us / 1_000_000) if self.duration_us else 0.0

    @property
    def non_2xx(self) -> int:
        return sum(count for status, count in self.statuses.items() if not 200 <= status < 300)

    @property
    def socket_error_count(self) -> int:
        return sum(self.socket_errors.values())

    @property
    def has_errors(self) -> bool:
        return self.non_2xx > 0 or self.socket_error_count > 0 or self.exhausted > 0


def wrk_version() -> str:
    """Return wrk's version line, such as ``wrk debian/4.1.0-3+b2 [epoll]``."""
    executable = _wrk_executable()
    # wrk prints its version in the usage text, on standard output, and exits non-zero.
    usage = subprocess.run([executable, "--version"], capture_output=True, text=True, check=False)
    first = (usage.stdout or usage.stderr).splitlines()
    return first[0].split(" Copyright")[0].strip() if first else "wrk (version unknown)"


def run_wrk(
    url: str,
    script: str,
    load: LoadSettings,
    *,
    headers: dict[str, str] | None = None,
    script_args: list[str] | None = None,
) -> WrkResult:
    """Drive ``url`` with wrk and the Lua ``script`` of ``lua/`` for ``load.duration_s`` seconds."""
    command = [
        _wrk_executable(),
        f"--threads={load.threads}",
        f"--connections={load.connections}",
        f"--duration={load.duration_s}s",
        f"--timeout={load.timeout_s}s",
        f"--script={LUA_DIR / script}",
    ]
    for name, value in (headers or {}).items():
        command.append(f"--header={name}: {value}")
    command.append(url)
    if script_args:
        command += ["--", *script_args]

    # wrk stops by itself after the duration; the margin covers start-up and slow last replies.
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=load.duration_s + load.timeout_s + 30
    )
    if completed.returncode != 0:
        raise WrkError(
            f"wrk exited with status {completed.returncode} on {url}: "
            f"{completed.stderr.strip() or completed.stdout.strip()}"
        )
    return parse_result(completed.stdout)


def parse_result(output: str) -> WrkResult:
    for line in output.splitlines():
        if line.startswith(RESULT_PREFIX):
            data = json.loads(line[len(RESULT_PREFIX):])
            return WrkResult(
                requests=data["requests"],
                duration_us=data["duration_us"],
                p50_us=data["p50_us"],
                p90_us=data["p90_us"],
                p99_us=data["p99_us"],
                max_us=data["max_us"],
                statuses={int(status): count for status, count in data["statuses"].items()},
                socket_errors=data["errors"],
                exhausted=data["exhausted"],
            )
    raise WrkError(f"wrk printed no {RESULT_PREFIX.strip()} line; its output was:\n{output}")


def _wrk_executable() -> str:
    executable = shutil.which("wrk")
    if executable is None:
        raise WrkError("wrk is not installed; install it with 'apt-get install -y wrk'.")
    return executable
