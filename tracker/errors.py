"""The base of every error a user can act on (its ``str()`` is a one-line message)."""


class TrackerError(Exception):
    """Base of the errors a user can act on; ``str()`` is a one-line message."""
