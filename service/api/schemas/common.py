"""What the models of every area share: the base of answers (only the fields a model lists, and of those
only the ones the view gave), the kinds of text a request takes, and the shapes of instants and sections."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

# The longest text a field of the API takes (a summary, a name, a reason); a form's answers have their own.
MAX_TEXT = 4000


class Answer(BaseModel):
    """An answer's model: sent as it serialises, so a field it does not list (a new column, say) never leaves
    the service; a field the view left out stays out rather than turning up as null."""

    def model_dump_json(self, **options: Any) -> str:
        options.setdefault("exclude_unset", True)
        return super().model_dump_json(**options)


class Asked(BaseModel):
    """A request body's model: types as JSON has them (no text read as a number), unknown keys ignored."""

    model_config = ConfigDict(strict=True)
    # Plain words for a field, said instead of the words of the kind of error (see plain_words.py).
    WORDS: ClassVar[dict[str, str]] = {}


class Query(BaseModel):
    """A query's model: every value arrives as text, read as the field's type."""

    WORDS: ClassVar[dict[str, str]] = {}


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "blank")
    return value


# A field of text that must say something (not only spaces), up to MAX_TEXT characters.
Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT), AfterValidator(_not_blank)]
Instant = Annotated[str, Field(description="An instant, ISO 8601 with its offset")]
Day = Annotated[str, Field(description="A date, ISO 8601 (YYYY-MM-DD)")]
Object = dict[str, Any]


class Line(Answer):
    label: str
    value: str
    by: str | None = None
    at: str | None = None


class Section(Answer):
    """A part of the record as every face of it shows it (the page, the PDF, the API): a title, its lines,
    and the parts within it."""

    title: str
    lines: list[Line] = Field(default_factory=list)
    parts: list[Section] = Field(default_factory=list)
    note: str | None = None
