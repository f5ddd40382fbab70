"""Errors a user can cause.

Each carries a one-line message meant for the user.  The library only
raises; the command line (and any other interface) decides how to show them
and with which exit code.  Anything else escaping the library is a bug.
"""

from __future__ import annotations

#: How a message offers what the user may have meant, after the problem.
DID_YOU_MEAN = "; did you mean "


def did_you_mean(suggestions: list[str] | tuple[str, ...], quoted: bool = True) -> str:
    """The end of a message offering `suggestions` ('' for none)."""
    if not suggestions:
        return ""
    return DID_YOU_MEAN + ", ".join(map(repr, suggestions) if quoted else suggestions) + "?"


class PfocrSearchError(Exception):
    """Base class: a problem the user can fix, told in one line.

    `suggestions` are the values the message offers instead of the one given
    for `parameter` (a filter, a figid), so an interface can offer each as a
    link too."""

    def __init__(self, *args: object, suggestions: tuple[str, ...] | list[str] = (),
                 parameter: str | None = None) -> None:
        super().__init__(*args)
        self.suggestions = tuple(suggestions)
        self.parameter = parameter


class ConfigError(PfocrSearchError):
    """The index configuration is invalid (names the bad key)."""


class SourceError(PfocrSearchError):
    """A source path given to the indexer does not exist or cannot be read."""


class IndexNotFoundError(PfocrSearchError):
    """No index at the given path, or one too damaged to open."""

    @classmethod
    def damaged(cls, path: object, why: BaseException | str) -> "IndexNotFoundError":
        """A file of the index that cannot be read (`why`: the error, or what is
        wrong with it), and what to do about it."""
        reason = why if isinstance(why, str) else f"{type(why).__name__}: {why}"
        return cls(f"{path} is damaged ({reason}); rebuild the index with --rebuild")


class IndexLockedError(PfocrSearchError):
    """Another process is updating the index."""


class IndexWriteError(PfocrSearchError):
    """The index folder cannot be written (full disk, read-only, permissions)."""


class UnsafeIndexError(IndexNotFoundError):
    """An index file holds something pfocr-search refuses to load (a tampered index)."""


class ConfigMismatchError(PfocrSearchError):
    """The index was built with a different schema than the config asks for."""


class QuerySyntaxError(PfocrSearchError):
    """The query cannot be understood."""


class UnknownFigureError(PfocrSearchError, KeyError):
    """No figure with that figid in the index."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class UnknownFilterError(PfocrSearchError):
    """A filter value (organism, journal) that no figure in the index has: a
    misspelt name would otherwise match nothing, silently."""


class StrictModeError(PfocrSearchError):
    """--strict and some records could not be read: nothing was written."""


class EngineError(PfocrSearchError, ImportError):
    """The installed Whoosh lacks what pfocr-search relies on."""
