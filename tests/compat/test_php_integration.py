"""A PHP-and-curl partner integration runs unchanged against the live server."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("partner_integration.php")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture
def php() -> str:
    path = shutil.which("php")
    if path is None:
        if IN_CI:
            pytest.fail("php is required in CI; `make test` installs php-cli and php-curl")
        pytest.skip("php is not installed; `make test` installs php-cli and php-curl")
    return path


def test_php_integration_runs_every_step(php, server, partner):
    env = {
        **os.environ,
        "MYENGINE_URL": f"{server.url}/api-v1",
        "MYENGINE_PARTNER_ID": str(partner.partner_id),
        "MYENGINE_API_KEY": partner.api_key,
    }
    result = subprocess.run([php, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all steps passed" in result.stdout
