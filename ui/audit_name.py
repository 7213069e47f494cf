"""The name the history (the audit's "changed by") and a briefing's "Prepared by" give for the
user of this computer: set in File › Preferences, kept in ``QSettings`` (per user), instead of the
operating-system account.

On a shared server the history names the database login: the server sets it and no client can
write another name there, so the name set here is not used for the history on a server (the
Preferences say so and show the login); a briefing's "Prepared by" still offers it.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

NAME_KEY = "audit/display_name"
MAX_NAME = 120


def tidy(name: str) -> str:
    """One line: control characters and runs of spaces become one space, at most ``MAX_NAME``."""
    text = "".join(" " if not ch.isprintable() else ch for ch in str(name or ""))
    return " ".join(text.split())[:MAX_NAME].strip()


def display_name(settings: QSettings | None = None) -> str:
    """The name set in the preferences ("" when none: the computer's account is used)."""
    s = settings if settings is not None else QSettings()
    return tidy(s.value(NAME_KEY, "") or "")


def set_display_name(name: str, settings: QSettings | None = None) -> None:
    s = settings if settings is not None else QSettings()
    s.setValue(NAME_KEY, tidy(name))


def server_login(repo) -> str | None:
    """The database login the server's history names (None on a file)."""
    return getattr(getattr(repo, "backend", None), "login", None) or None


def apply(repo, settings: QSettings | None = None, *, cleared: bool = False) -> None:
    """Name the user of ``repo``'s writes after the preferences (a file; a server names the
    login whatever is set here). No name set: the session's own (the computer's account), or
    back to the computer's account when the name was just ``cleared``."""
    if repo is None or server_login(repo):
        return
    name = display_name(settings)
    if name or cleared:
        repo.user = name or None
