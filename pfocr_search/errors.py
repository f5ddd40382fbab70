"""Errors a user can cause.

Every error here carries a one-line message meant for the user and the exit
code the CLI ends with; anything else reaching the CLI is a bug.
"""

from __future__ import annotations


class PfocrSearchError(Exception):
    """Base class: a problem the user can fix, told in one line."""

    exit_code = 2


class ConfigError(PfocrSearchError):
    """The index configuration is invalid (names the bad key)."""


class SourceError(PfocrSearchError):
    """A source path given to the indexer does not exist or cannot be read."""


class IndexNotFoundError(PfocrSearchError):
    """No index at the given path."""


class IndexLockedError(PfocrSearchError):
    """Another process is updating the index."""


class ConfigMismatchError(PfocrSearchError):
    """The index was built with a different schema than the config asks for."""


class QuerySyntaxError(PfocrSearchError):
    """The query cannot be understood."""


class UnknownFigureError(PfocrSearchError, KeyError):
    """No figure with that figid in the index."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class StrictModeError(PfocrSearchError):
    """--strict and some records could not be read: nothing was written."""

    exit_code = 1


class BuildInterrupted(PfocrSearchError):
    """The build was interrupted (Ctrl-C); the previous index is intact."""

    exit_code = 130
