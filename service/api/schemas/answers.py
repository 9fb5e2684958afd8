"""The error answer every refusal of the API takes (the app's error handler gives it), and the responses an
operation declares: its success answers with their models, and the refusals it may give."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from spectree import Response


class Problem(BaseModel):
    """One thing wrong with the input: its field, and what is wrong, in plain words (some say more: the
    element and the file of a refused draft)."""

    model_config = ConfigDict(extra="allow")

    message: str | None = None
    field: str | None = None


class Health(BaseModel):
    status: str


class ErrorAnswer(BaseModel):
    """A refusal, in plain words: ``field`` names the first wrong field, ``problems`` lists them all."""

    error: str
    field: str | None = Field(default=None, description="The wrong field: its keys joined with '/'")
    problems: list[Problem] = Field(default_factory=list)


# What each refusal means, as the document says it.
REFUSALS = {
    "400": "Malformed request: a body that is not a JSON object or holds what the service refuses (a lone "
           "surrogate, nesting over 64 deep, a number past 64 bits, NaN), or a NUL in the address or query",
    "401": "No valid token",
    "403": "Your role may not do this",
    "404": "No such thing, or not one you may see",
    "409": "Conflict: already completed, claimed by someone else, or changed meanwhile",
    "413": "The body is too large: 1 MiB at most, 8 MiB for a process upload, 64 KiB to publish",
    "422": "Invalid input; `field` names the first wrong field, `problems` lists them all",
    "429": "Too many failed sign-ins: wait 15 minutes",
}


def answers(*refusals: str, signed_in: bool = True, checked_at_the_door: bool = True, **ok: Any) -> Response:
    """The responses of an operation: ``ok`` as spectree takes them (``HTTP_200=(Model, "words")``, or
    ``HTTP_204="words"`` for an answer without a body), and the refusals it may give beyond 400 (any request
    the door checks) and 401 (any request needing a token, unless ``signed_in`` is false)."""
    codes = (*(("400",) if checked_at_the_door else ()), *(("401",) if signed_in else ()), *refusals)
    models: dict[str, Any] = {}
    for code, declared in ok.items():
        models[code] = (None, declared) if isinstance(declared, str) else declared
    models.update({f"HTTP_{code}": (ErrorAnswer, REFUSALS[code]) for code in codes})
    return Response(**models)
