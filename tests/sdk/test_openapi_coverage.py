"""Every operation in the server's OpenAPI document has an SDK method and a CLI command."""

import re
from collections.abc import Iterator

import pytest
import typer
from myengine_client import AsyncClient, Client
from myengine_client._cli import app as cli_app
from myengine_client._endpoints import endpoints_of

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}
API_PREFIX = "/api-v1"


def normalise(method: str, path: str) -> tuple[str, str]:
    """Compare paths whatever their parameters are called: /clients/{client_id} -> /clients/{}."""
    return method.upper(), re.sub(r"\{[^}]+\}", "{}", path)


def api_operations(anonymous) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    document = anonymous.get("/apidocs/openapi.json").json()
    return {
        normalise(method, path.removeprefix(API_PREFIX))
        for path, item in document["paths"].items()
        if path.startswith(API_PREFIX + "/")
        for method in item
        if method in HTTP_METHODS
    }


def sdk_operations(client: Client | AsyncClient) -> dict[tuple[str, str], str]:
    """Map each operation to the first SDK method that calls it, such as ``clients.get``."""
    found: dict[tuple[str, str], str] = {}
    for attribute, resource in vars(client).items():
        if attribute.startswith("_") or not hasattr(resource, "_client"):
            continue
        collection = getattr(resource, "collection", None)
        for name in dir(type(resource)):
            if name.startswith("_"):
                continue
            for method, path in endpoints_of(getattr(type(resource), name), collection):
                found.setdefault(normalise(method, path), f"{attribute}.{name}")
    return found


def cli_operations(
    app: typer.Typer, prefix: str = "myengine"
) -> Iterator[tuple[tuple[str, str], str]]:
    """Yield each operation with the command that calls it, such as ``myengine clients get``."""
    for command in app.registered_commands:
        name = command.name or command.callback.__name__  # type: ignore[union-attr]
        for method, path in endpoints_of(command.callback):  # type: ignore[arg-type]
            yield normalise(method, path), f"{prefix} {name}"
    for group in app.registered_groups:
        yield from cli_operations(group.typer_instance, f"{prefix} {group.name}")  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def offline_clients() -> Iterator[tuple[Client, AsyncClient]]:
    """Clients built only to be inspected; they never send a request."""
    sync = Client("http://127.0.0.1:1", 1, "inspection-only")
    asynchronous = AsyncClient("http://127.0.0.1:1", 1, "inspection-only")
    yield sync, asynchronous
    sync.close()


def test_every_operation_has_an_sdk_method(anonymous, offline_clients):
    methods = sdk_operations(offline_clients[0])

    missing = sorted(api_operations(anonymous) - set(methods))

    assert missing == []


def test_every_operation_has_an_async_sdk_method(anonymous, offline_clients):
    methods = sdk_operations(offline_clients[1])

    missing = sorted(api_operations(anonymous) - set(methods))

    assert missing == []


def test_every_operation_has_a_cli_command(anonymous):
    commands = dict(cli_operations(cli_app))

    missing = sorted(api_operations(anonymous) - set(commands))

    assert missing == []


def test_every_sdk_method_calls_a_documented_operation(anonymous, offline_clients):
    methods = sdk_operations(offline_clients[0])

    unknown = {
        operation: name
        for operation, name in methods.items()
        if operation not in api_operations(anonymous)
    }

    assert unknown == {}


def test_every_cli_command_calls_a_documented_operation(anonymous):
    commands = dict(cli_operations(cli_app))

    unknown = {
        operation: name
        for operation, name in commands.items()
        if operation not in api_operations(anonymous)
    }

    assert unknown == {}


def test_sync_and_async_clients_cover_the_same_operations(offline_clients):
    sync, asynchronous = offline_clients

    assert sdk_operations(sync) == sdk_operations(asynchronous)
