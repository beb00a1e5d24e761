"""The rules of a certificate's wording that every path shares (issuing by hand, a course's
completion, the verify screen and the command line).

A 结业证书 or 培训证书 states the hours of the course; a 荣誉证书 (an honour) states none:
its printed text has no hours (resources/templates), so it carries none either. Issuing one
with hours is refused (`check_hours`); an honour issued with hours before this rule keeps
them in its signed record, but they are not shown (`shown_hours`), as they were never
printed.
"""

from __future__ import annotations

from decimal import Decimal

from desktop.domain.errors import InvalidInput
from sync.protocol.certificates import TITLES_WITHOUT_HOURS

COMPLETION = "结业证书"
TRAINING = "培训证书"
HONOUR = "荣誉证书"
TITLES = (COMPLETION, TRAINING, HONOUR)


def carries_hours(title: str) -> bool:
    """Whether a certificate of this title states hours (an honour does not)."""
    return title not in TITLES_WITHOUT_HOURS  # shared with the server's public page


def check_hours(title: str, hours: Decimal | None) -> None:
    """Refuse hours on a certificate whose title does not state them."""
    if hours is not None and not carries_hours(title):
        with_hours = "、".join(t for t in TITLES if carries_hours(t))
        raise InvalidInput(
            "certificate.honour_hours", field="hours", title=title, with_hours=with_hours
        )


def shown_hours(title: str, hours: Decimal | int | None) -> Decimal | int | None:
    """The hours to show of a recorded certificate: none where the paper states none."""
    return hours if carries_hours(title) else None
