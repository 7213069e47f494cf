"""Where the bundled resources and the user's default database live."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "bilateral-tracker"
APP_AUTHOR = "BilateralTracker"


def resources_dir() -> Path:
    """The ``resources/`` folder: in a checkout, an installed wheel or a PyInstaller bundle."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    here = Path(__file__).resolve().parent
    checkout = here.parent / "resources"
    if checkout.is_dir():
        return checkout
    installed = here / "_resources"  # wheels ship resources/ as tracker/_resources
    return installed


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def default_db_path() -> Path:
    """``TRACKER_DB`` if set, else ``tracker.db`` in the user data folder."""
    env = os.environ.get("TRACKER_DB")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, APP_AUTHOR) / "tracker.db"


def restore_journal_path(db_path: str | os.PathLike) -> Path:
    """The journal a running restore keeps beside the database (``tracker.backup``); here so that
    opening a file can look for it without importing the backup module."""
    db_path = Path(db_path).expanduser()
    return db_path.with_name(f".{db_path.name}.restore.json")
