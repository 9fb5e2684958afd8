"""The real information-sharing process (fixtures of tests/workflows) and the secret file of the hostile XML tests."""

from tests.engine.test_xml import secret_file  # noqa: F401
from tests.workflows.conftest import sharing_process, sharing_process_files, start_case  # noqa: F401
