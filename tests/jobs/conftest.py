import pytest

from tests.jobs.support import clock  # noqa: F401 - the manual clock fixture


@pytest.fixture(autouse=True)
def skip_postgresql_only_on_sqlite(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("postgresql_only") is None:
        return
    if request.getfixturevalue("backend") == "sqlite":
        pytest.skip("runs only against PostgreSQL")
