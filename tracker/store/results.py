"""What the repository hands back: the change a write made, a search hit, and small helpers on
records (stamps, names in messages, differences between two states)."""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Change:
    """What one write changed."""
    kind: str
    record_id: int | None
    action: str  # create, update, delete, restore, undo, redo, import, settings, preset
    label: str = ""
    record: dict | None = None
    kinds: frozenset[str] = frozenset()  # every kind touched (imports touch many)


@dataclass
class SearchHit:
    kind: str
    record_id: int
    title: str
    status: str
    snippet: str = ""
    attachment: str | None = None  # found in this attached file's text (its name)...
    page: int | None = None  # ...on this page (None: a file without pages)
    attachment_id: int | None = None


def now() -> str:
    """The time a write is stamped with: UTC, to the second, ``YYYY-MM-DDTHH:MM:SSZ``."""
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def os_user() -> str:
    import getpass  # only here: a start-up that writes nothing does not pay for it

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in the environment
        return os.environ.get("USERNAME") or "unknown"


def new_uid() -> str:
    import uuid  # imported on the first new record: ~2 ms a read-only start-up does not need

    return str(uuid.uuid4())


def record_name(record: dict, record_id: int | None = None) -> str:
    """How a message names a record: its id and (short) title."""
    title = record.get("title") or ""
    short = title if len(title) <= 60 else title[:59] + "…"
    if record_id is not None:
        return f"{record_id} {short!r}" if short else str(record_id)
    from tracker.i18n import _

    return repr(short) if short else _("(untitled)")


def diff(before: dict | None, after: dict | None) -> list[tuple[str, Any, Any]]:
    """The fields that differ between two snapshots, in declaration order."""
    before, after = before or {}, after or {}
    skip = {"updated_at", "updated_by", "version"}
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    return [(k, before.get(k), after.get(k)) for k in keys
            if k not in skip and before.get(k) != after.get(k)]
