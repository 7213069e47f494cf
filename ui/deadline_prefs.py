"""The user's preferences about deadlines, kept in ``QSettings`` (per user): how many days ahead
the reminder looks (File › Preferences), the lead whose items "My items" shows, and the day the
reminder of each database was last dismissed (per database and user)."""

from __future__ import annotations

import datetime as _dt
import hashlib

from PySide6.QtCore import QSettings

HORIZON_KEY = "deadlines/horizon_days"
LEAD_KEY = "deadlines/my_lead"
DISMISSED_KEY = "deadlines/dismissed/"
DEFAULT_HORIZON = 14
MAX_HORIZON = 365


def _settings(settings: QSettings | None) -> QSettings:
    return settings if settings is not None else QSettings()


def horizon_days(settings: QSettings | None = None) -> int:
    """Days ahead the reminder looks (default 14; a stored value out of range reads as it)."""
    try:
        value = int(_settings(settings).value(HORIZON_KEY, DEFAULT_HORIZON))
    except (TypeError, ValueError):
        return DEFAULT_HORIZON
    return value if 0 <= value <= MAX_HORIZON else DEFAULT_HORIZON


def set_horizon_days(days: int, settings: QSettings | None = None) -> None:
    _settings(settings).setValue(HORIZON_KEY, max(0, min(MAX_HORIZON, int(days))))


def my_lead(settings: QSettings | None = None) -> str:
    """The lead "My items" shows ("" when none is set)."""
    value = _settings(settings).value(LEAD_KEY, "")
    return " ".join(str(value or "").split())[:300]


def set_my_lead(lead: str, settings: QSettings | None = None) -> None:
    _settings(settings).setValue(LEAD_KEY, " ".join(str(lead or "").split())[:300])


def database_key(repo) -> str:
    """The reminder's key for a database and the user working on it (a file's path or a
    server's address, without secrets; the login, or the computer's user)."""
    target = str(getattr(repo.backend, "target", "") or repo.path)
    digest = hashlib.sha256(f"{target}\n{repo.user}".encode("utf-8", "replace")).hexdigest()
    return DISMISSED_KEY + digest[:24]


def dismissed_on(repo, settings: QSettings | None = None) -> _dt.date | None:
    """The day the reminder of this database was last dismissed by this user."""
    value = _settings(settings).value(database_key(repo))
    try:
        return _dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def dismiss(repo, today: _dt.date, settings: QSettings | None = None) -> None:
    s = _settings(settings)
    s.setValue(database_key(repo), today.isoformat())
    s.sync()
