"""Errors raised to participants: every message is Swedish and says what is valid."""

from __future__ import annotations


class KompetensError(ValueError):
    """A user-facing error with a Swedish message.

    Subclasses ``ValueError`` so that generic callers can still catch it.
    """


class DataValidationError(KompetensError):
    """A data table broke a validation rule (the message names file, rule and a row)."""
