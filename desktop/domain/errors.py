"""The AppError tree: expected failures that carry a message code and its parameters.

The core never formats text for people; the UI, the CLI and printing turn an error's
``code`` and ``params`` into words in the user's language through ``desktop.i18n``.
"""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    """An expected failure that a person can act on (bad input, a rule, a missing record)."""

    code: str = "error.generic"

    def __init__(self, code: str | None = None, /, **params: Any) -> None:
        if code is not None:
            self.code = code
        self.params: dict[str, Any] = params
        super().__init__(self.code, params)

    def __str__(self) -> str:
        return f"{self.code} {self.params}" if self.params else self.code


class InvalidInput(AppError):
    """Typed or imported data that cannot be stored as it is; ``field`` names the input."""

    code = "input.invalid"


class NotFound(AppError):
    code = "record.not_found"


class RuleViolation(AppError):
    """A business rule refuses the action (deactivated member, missing reason, ...)."""

    code = "rule.violation"


class PermissionDenied(AppError):
    code = "auth.denied"


class SetupRequired(AppError):
    code = "setup.required"


class StorageFault(AppError):
    """The data folder cannot be used as it is: damaged, full, read-only, missing
    (``desktop.storage.faults`` says which)."""

    code = "storage.io_error"
