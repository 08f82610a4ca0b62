"""The package's public surface: documented, small, and independent of the server's code."""

import inspect
import subprocess
import sys

import myengine_client
from myengine_client import AsyncClient, Client


def public_methods(cls: type) -> list[str]:
    return [
        name
        for name, member in vars(cls).items()
        if not name.startswith("_") and inspect.isfunction(member)
    ]


def test_every_exported_name_has_a_docstring():
    undocumented = [
        name
        for name in myengine_client.__all__
        if name != "__version__" and not inspect.getdoc(getattr(myengine_client, name))
    ]

    assert undocumented == []


def test_every_resource_method_has_a_docstring():
    undocumented = []
    # Built only to be inspected: neither client sends a request.
    for client in (Client("http://127.0.0.1:1", 1, "k"), AsyncClient("http://127.0.0.1:1", 1, "k")):
        for attribute, resource in vars(client).items():
            if attribute.startswith("_") or not hasattr(resource, "_client"):
                continue
            for name in public_methods(type(resource)):
                if not inspect.getdoc(getattr(type(resource), name)):
                    undocumented.append(f"{type(resource).__name__}.{name}")

    assert undocumented == []


def test_client_methods_have_docstrings():
    for cls in (Client, AsyncClient):
        for name in public_methods(cls):
            assert inspect.getdoc(getattr(cls, name)), f"{cls.__name__}.{name}"


def test_package_does_not_import_the_server():
    code = (
        "import sys, myengine_client, myengine_client._cli\n"
        "print(sorted(m for m in sys.modules if m == 'myengine' or m.startswith('myengine.')))"
    )

    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )

    assert completed.stdout.strip() == "[]"
