"""The real information-sharing process, for the letter's tests (fixtures of tests/workflows)."""

from tests.workflows.conftest import sharing_process, sharing_process_files, start_case  # noqa: F401
