"""Import every domain's models so the metadata (and Alembic) sees all tables."""

from __future__ import annotations


def load_all_models() -> None:
    from service.accounts import models as _accounts  # noqa: F401
    from service.audit import models as _audit  # noqa: F401
    from service.cases import models as _cases  # noqa: F401
    from service.disclosures import models as _disclosures  # noqa: F401
    from service.notifications import models as _notifications  # noqa: F401
    from service.processes import models as _processes  # noqa: F401
    from service.records import models as _records  # noqa: F401
    from service.tasks import models as _tasks  # noqa: F401
