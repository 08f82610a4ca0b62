from tests.jobs.support import clock  # noqa: F401 - the manual clock fixture
