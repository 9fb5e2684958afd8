"""Case references are easy to read out and do not clash, even at tens of thousands of cases a month."""

from __future__ import annotations

import re
from datetime import datetime

from service.cases.service import new_reference


def test_references_read_clearly_and_do_not_clash(now: datetime) -> None:
    references = [new_reference(now) for _ in range(50_000)]
    assert all(re.fullmatch(r"ISD-2611-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", r) for r in references)
    assert len(set(references)) == len(references)
