"""The one exception tree of dyad.

Every error a user can meet is a :class:`DyadError`: it carries a message written for the
user, a hint that says how to fix the problem, and the HTTP status the web layer answers
with. The CLI and the web app translate these once, at the edge; nothing else catches them
to print.
"""

from __future__ import annotations

__all__ = [
    "AmbiguousEntityError",
    "ConfigError",
    "DateError",
    "DyadError",
    "ExtractionError",
    "InputError",
    "NotFoundError",
    "ReadError",
    "StoreError",
    "UnknownEntityError",
]


class DyadError(Exception):
    """Base of every error dyad raises on purpose."""

    status: int = 500
    default_hint: str = ""

    def __init__(self, message: str, hint: str | None = None, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint if hint is not None else self.default_hint
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return self.message

    def one_line(self) -> str:
        """Message and hint on one line, the form the CLI prints."""
        return f"{self.message} (hint: {self.hint})" if self.hint else self.message

    def to_dict(self) -> dict[str, object]:
        return {
            "error": type(self).__name__,
            "message": self.message,
            "hint": self.hint,
            "status": self.status,
        }


class InputError(DyadError):
    """A parameter or option given by the user is malformed."""

    status = 400
    default_hint = "see --help for the accepted values"


class ReadError(InputError):
    """A source file cannot be read as an article (missing, binary, bad encoding, too large)."""

    status = 422
    default_hint = "check that the file is a UTF-8 article in plain-text or wikitext format"

    def __init__(self, path: str, problem: str, hint: str | None = None) -> None:
        super().__init__(f"{path}: {problem}", hint)
        self.path = path
        self.problem = problem


class DateError(InputError):
    """A date given by the user cannot be parsed."""

    default_hint = "write dates as YYYY, YYYY-MM or YYYY-MM-DD"


class ExtractionError(DyadError):
    """An article was read but extraction failed on it (a bug in dyad, not in the article)."""

    status = 500
    default_hint = "the other articles were extracted; please report this article with the message"

    def __init__(self, path: str, problem: str, hint: str | None = None) -> None:
        super().__init__(f"{path}: extraction failed ({problem})", hint)
        self.path = path


class UnknownEntityError(DyadError):
    """A state or organisation name that dyad does not know."""

    status = 404

    def __init__(self, name: str, suggestions: list[str] | None = None) -> None:
        self.name = name
        self.suggestions = list(suggestions or [])
        hint = (
            "did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
            if self.suggestions
            else "run 'dyad entities' to list known states and organisations"
        )
        super().__init__(f"unknown state or organisation: {name!r}", hint)


class AmbiguousEntityError(DyadError):
    """A name that fits several entities."""

    status = 409

    def __init__(self, name: str, candidates: list[str]) -> None:
        self.name = name
        self.candidates = list(candidates)
        super().__init__(
            f"ambiguous name {name!r}: it fits {', '.join(candidates)}",
            "use the full name, the ISO code or the Wikidata id",
        )


class NotFoundError(DyadError):
    """A requested record (event, document) does not exist."""

    status = 404
    default_hint = "check the id; 'dyad search' finds events by text"


class ConfigError(DyadError):
    """The installation or the configuration is incomplete (missing model, bad setting)."""

    status = 500
    default_hint = "run 'make setup' to install everything dyad needs"


class StoreError(DyadError):
    """The knowledge base cannot be opened or written."""

    status = 503
    default_hint = "check the --db URL (or DYAD_DB) and that the database server is running"
