"""Output of ``myengine``: rich tables for people, JSON for scripts, errors on standard error."""

import datetime as dt
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from rich import box
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from myengine_client._exceptions import APIError, MyEngineError
from myengine_client._models import Record
from myengine_client._paging import ListIterator

R = TypeVar("R", bound=Record)


# Width of tables written to a file or a pipe, which have no terminal width. Rich would fall
# back to 80 columns and fold most list tables. COLUMNS, when set, still wins.
PIPE_WIDTH = 200


def _stdout() -> Console:
    console = Console(soft_wrap=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = PIPE_WIDTH
    return console


def _stderr() -> Console:
    return Console(stderr=True)


def print_json(value: Any) -> None:
    """Print ``value`` as indented JSON on standard output."""
    _stdout().out(json.dumps(value, indent=2, ensure_ascii=False), highlight=False)


def print_record(record: Record, *, as_json: bool, title: str | None = None) -> None:
    """Print one record: a field/value table, or its JSON object."""
    data = record.to_dict()
    if as_json:
        print_json(data)
        return
    table = Table(title=title, box=box.SIMPLE, show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    for name, value in data.items():
        table.add_row(name, _cell(value))
    _stdout().print(table)


def print_records(
    records: list[dict[str, Any]], *, columns: list[str], as_json: bool, title: str | None = None
) -> None:
    """Print records as a table with ``columns``, or as a JSON array of whole records."""
    if as_json:
        print_json(records)
        return
    table = Table(title=title, box=box.SIMPLE_HEAD)
    for column in columns:
        table.add_column(column, overflow="fold")
    for record in records:
        table.add_row(*(_cell(record.get(column)) for column in columns))
    _stdout().print(table)
    _stderr().print(f"{len(records)} {'item' if len(records) == 1 else 'items'}", style="dim")


def collect(items: ListIterator[R], *, limit: int | None, noun: str) -> list[R]:
    """Walk a list page by page, showing the count fetched so far on standard error."""
    collected: list[R] = []
    with progress_bar(f"Fetching {noun}", total=None) as advance:
        for page in items.pages():
            for item in page.items:
                collected.append(item)
                advance(1)
                if limit is not None and len(collected) >= limit:
                    return collected
    return collected


@contextmanager
def progress_bar(label: str, *, total: int | None) -> Iterator[Any]:
    """Show a progress bar on standard error while the block runs; yields ``advance(n)``.

    The bar is drawn only when standard error is a terminal, so scripts see no control codes.
    """
    console = _stderr()
    columns = [
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    ]
    with Progress(
        *columns, console=console, transient=True, disable=not console.is_terminal
    ) as progress:
        task: TaskID = progress.add_task(label, total=total)

        def advance(amount: int) -> None:
            progress.advance(task, amount)

        yield advance


def print_error(exc: MyEngineError, *, as_json: bool) -> None:
    """Print an error on standard error: its fields as JSON, or one readable paragraph."""
    fields = {
        "name": exc.name,
        "code": exc.code,
        "message": exc.message,
        "status": exc.status,
        "request_id": exc.request_id,
    }
    if isinstance(exc, APIError) and exc.field:
        fields["field"] = exc.field
    console = _stderr()
    if as_json:
        console.out(json.dumps({"error": fields}, indent=2, ensure_ascii=False), highlight=False)
        return

    status = f", HTTP {exc.status}" if exc.status is not None else ""
    console.print(f"[bold red]Error:[/] {exc.name} ({exc.code}{status})", highlight=False)
    console.print(exc.message, highlight=False, markup=False)
    if exc.request_id:
        console.print(f"Request id: {exc.request_id}", style="dim", highlight=False)


def print_outcomes(outcomes: Iterable[tuple[int, str, str]], *, as_json: bool) -> None:
    """Print the result of a bulk action: one row per id with its outcome and detail."""
    rows = [
        {"id": item_id, "result": result, "detail": detail} for item_id, result, detail in outcomes
    ]
    print_records(rows, columns=["id", "result", "detail"], as_json=as_json)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def print_usage_error(message: str) -> None:
    """Print a usage mistake on standard error, as Click prints its own."""
    _stderr().print(f"[bold red]Usage error:[/] {message}", highlight=False)


def print_line(text: str) -> None:
    """Print one line of plain text on standard output."""
    _stdout().print(text, highlight=False, markup=False)
