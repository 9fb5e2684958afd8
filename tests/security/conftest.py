"""The real app over the test database (SQLite and PostgreSQL), as the API tests have it."""

from tests.api.conftest import api, app, open_task  # noqa: F401 - fixtures
