"""The project's exceptions.

::

    MtcleanError                 base: every error the project raises on purpose
    ├── InputError               the text or file given cannot be cleaned
    │   ├── EmptyInputError      nothing to clean
    │   ├── InputTooLargeError   over the configured size limit
    │   └── DecodeError          binary data or bytes that are not valid in the encoding
    ├── RuleError                a rule pack or glossary is invalid (names file, rule, key)
    ├── ApplyError               edits cannot be applied (span does not hold the expected text)
    └── ServiceUnavailable       a backing service (LanguageTool, Redis, a worker) is unreachable

Messages say what to do about it.
"""
from __future__ import annotations


class MtcleanError(Exception):
    """Base class of every error mtclean raises on purpose."""

    code = "error"


class InputError(MtcleanError):
    """The input cannot be cleaned."""

    code = "bad_input"


class EmptyInputError(InputError):
    """The input holds no text."""

    code = "empty_input"


class InputTooLargeError(InputError):
    """The input is over the size limit."""

    code = "too_large"


class DecodeError(InputError):
    """The input is binary or not valid in its encoding."""

    code = "undecodable"


class RuleError(MtcleanError):
    """A rule pack or glossary is invalid."""

    code = "bad_rules"


class ApplyError(MtcleanError):
    """Edits do not fit the text they are applied to."""

    code = "apply_failed"


class ServiceUnavailable(MtcleanError):
    """A backing service cannot be reached."""

    code = "unavailable"
