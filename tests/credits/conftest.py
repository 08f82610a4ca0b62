"""The credit tests reuse the live-service fixtures for extra partners."""

from tests.live_services.conftest import api_for, other_api  # noqa: F401
