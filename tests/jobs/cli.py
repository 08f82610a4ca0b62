"""Running ``myengine-server`` as a separate process against the test database."""

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import SECRET_KEY

REPO_ROOT = Path(__file__).resolve().parents[2]
COMMAND_TIMEOUT_SECONDS = 120


def server_environment(settings, **extra: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {
        **os.environ,
        "MYENGINE_DATABASE_URL": settings.database_url,
        "MYENGINE_SECRET_KEY": SECRET_KEY,
        "MYENGINE_VAR_DIR": str(settings.var_dir),
        "MYENGINE_LOG_FORMAT": "json",
        "MYENGINE_LOG_LEVEL": "INFO",
        "MYENGINE_JOB_MODULES": "tests.jobs.handlers",
        "PYTHONPATH": str(REPO_ROOT),
        **extra,
    }


def server_command(*args: str) -> list[str]:
    return [str(Path(sys.executable).parent / "myengine-server"), *args]


def run_server_command(settings, *args: str, **env: str) -> subprocess.CompletedProcess:  # type: ignore[no-untyped-def]
    """Run ``myengine-server ARGS`` to completion and return its result."""
    return subprocess.run(
        server_command(*args), env=server_environment(settings, **env), cwd=REPO_ROOT,
        capture_output=True, text=True, timeout=COMMAND_TIMEOUT_SECONDS, check=False,
    )
