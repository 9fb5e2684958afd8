"""The real information-sharing process, for the letter's tests (fixtures of tests/workflows), and the app
over it with one account per role, for reading the record as people do (fixtures of tests/api)."""

from tests.api.conftest import api, app  # noqa: F401
from tests.workflows.conftest import sharing_process, sharing_process_files, start_case  # noqa: F401
