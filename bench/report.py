"""The results table, the machine description, and the backend's section of docs/benchmarks.md."""

import datetime as dt
import os
import platform
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from bench.wrk import WrkResult

DOC_HEADER = """\
# Benchmarks

`make bench` measures the Partner API under load: it seeds a fresh database, starts
`myengine-server serve` with several worker processes on loopback, and drives it with
wrk (the HTTP load generator, Debian package `wrk`). Each backend (SQLite, PostgreSQL) has
its own section below. A new run replaces the section of the backend it measured and
leaves the others.

How to read the tables:

- The **baseline** is `GET /health/live` on the same server in the same run: a fixed JSON
  body through the same HTTP stack, with no authentication and no database. A scenario's
  ratio to it shows what authentication, the database and rendering cost, whatever the
  machine. Throughput ratios below 1 and latency ratios above 1 are that cost.
- Requests/s counts every response, including errors. p50 and p99 are the median and the
  99th-percentile latency as wrk measures them (from sending the request to the last byte
  of the response).
- A scenario with any non-2xx response or socket error is marked **errors**, with the
  status codes counted; its figures then include those failed requests.
- wrk, the server's workers and the database run on the same machine and share its CPUs,
  so the absolute figures depend on the machine and on what else it runs. Compare the
  ratios, and compare absolute figures only between runs on the same quiet machine.
"""


@dataclass(frozen=True)
class Machine:
    cpus: int
    cpu_model: str
    memory_gib: float
    load_average: tuple[float, float, float]
    python: str

    def describe(self) -> str:
        load = ", ".join(f"{value:.2f}" for value in self.load_average)
        return (
            f"{self.cpus} CPUs (nproc), {self.cpu_model}, {self.memory_gib:.1f} GiB memory; "
            f"load average {load} (1, 5, 15 min) at the start"
        )


@dataclass(frozen=True)
class ScenarioResult:
    title: str
    result: WrkResult
    # Facts about the scenario's responses, checked once before the load (after it, for deletes).
    notes: list[str]


@dataclass(frozen=True)
class BackendReport:
    backend: str  # "SQLite" or "PostgreSQL"
    command: str  # markdown
    date: dt.datetime
    machine: Machine
    software: str
    data: str
    load: str
    baseline: ScenarioResult
    scenarios: list[ScenarioResult]
    note: str | None = None

    @property
    def section_key(self) -> str:
        return f"api-{self.backend.lower()}"


def describe_machine() -> Machine:
    return Machine(
        cpus=len(os.sched_getaffinity(0)),
        cpu_model=_cpu_model(),
        memory_gib=_memory_kib() / 1024 / 1024,
        load_average=os.getloadavg(),
        python=platform.python_version(),
    )


def render_table(baseline: ScenarioResult, scenarios: list[ScenarioResult]) -> str:
    """Render the markdown table, the baseline first, each figure beside its ratio to the baseline."""
    lines = [
        "| Scenario | Requests/s | × baseline | p50 ms | × baseline | p99 ms | × baseline "
        "| Requests | Errors |",
        "|---|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    base = baseline.result
    for scenario in [baseline, *scenarios]:
        result = scenario.result
        lines.append(
            "| "
            + " | ".join([
                scenario.title,
                f"{result.requests_per_second:,.0f}",
                ratio(result.requests_per_second, base.requests_per_second),
                _milliseconds(result.p50_us),
                ratio(result.p50_us, base.p50_us),
                _milliseconds(result.p99_us),
                ratio(result.p99_us, base.p99_us),
                f"{result.requests:,}",
                describe_errors(result),
            ])
            + " |"
        )
    return "\n".join(lines)


def describe_errors(result: WrkResult) -> str:
    if not result.has_errors:
        return "none"
    parts = []
    if result.non_2xx:
        by_status = ", ".join(
            f"{status}: {count:,}" for status, count in sorted(result.statuses.items())
            if not 200 <= status < 300
        )
        parts.append(f"{result.non_2xx:,} non-2xx ({by_status})")
    for kind, count in result.socket_errors.items():
        if count:
            parts.append(f"{count:,} socket {kind}")
    if result.exhausted:
        parts.append(f"ran out of ids {result.exhausted:,} times")
    return "**errors**: " + "; ".join(parts)


def render_section(report: BackendReport) -> str:
    lines = [
        f"## Partner API on {report.backend}",
        "",
        f"- Command: {report.command}",
        f"- Date: {report.date:%Y-%m-%d %H:%M} UTC",
        f"- Machine: {report.machine.describe()}",
        f"- Software: {report.software}",
        f"- Data: {report.data}",
        f"- Load: {report.load}",
    ]
    if report.note:
        lines.append(f"- Note: {report.note}")
    lines += ["", render_table(report.baseline, report.scenarios), ""]

    notes = [
        f"- {scenario.title}: {'; '.join(scenario.notes)}."
        for scenario in [report.baseline, *report.scenarios]
        if scenario.notes
    ]
    if notes:
        lines += ["What each request returned:", "", *notes, ""]
    return "\n".join(lines)


def update_doc(path: Path, report: BackendReport) -> None:
    """Replace the backend's section of the benchmarks page, or append it, keeping the rest."""
    replace_section(path, report.section_key, render_section(report))


def replace_section(path: Path, key: str, body: str) -> None:
    """Replace the text between the page's ``bench:KEY`` markers with ``body``, or append it.

    The rest of the page is kept as it is. A missing page starts with ``DOC_HEADER``.
    """
    start = f"<!-- bench:{key}:start -->"
    end = f"<!-- bench:{key}:end -->"
    block = f"{start}\n{body}\n{end}\n"

    text = path.read_text() if path.exists() else DOC_HEADER
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end) + r"\n?", re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _match: block, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + block

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def describe_command(words: list[str]) -> str:
    """Return, as markdown, the command that was typed: ``make bench`` or ``words`` alone.

    Make sets MAKELEVEL in the environment of the commands it runs, and their children
    inherit it.
    """
    command = shlex.join(words)
    return f"`make bench`, which runs `{command}`" if os.environ.get("MAKELEVEL") else f"`{command}`"


def without_note(argv: list[str]) -> list[str]:
    """Drop ``--note`` and its value from ``argv``, because the note has its own line."""
    remaining: list[str] = []
    skip_value = False
    for argument in argv:
        if skip_value:
            skip_value = False
        elif argument == "--note":
            skip_value = True
        elif not argument.startswith("--note="):
            remaining.append(argument)
    return remaining


def ratio(value: float, baseline: float) -> str:
    """Format ``value / baseline`` for a table, or "n/a" when the baseline is zero."""
    if not baseline:
        return "n/a"
    quotient = value / baseline
    if quotient < 1:
        return f"{quotient:.2g}"  # two significant digits, so 0.0036 does not print as 0.00
    return f"{quotient:.2f}" if quotient < 100 else f"{quotient:.0f}"


def _milliseconds(microseconds: int) -> str:
    return f"{microseconds / 1000:.2f}"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _memory_kib() -> int:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
