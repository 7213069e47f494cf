"""What the repository hands back: the change a write made, a search hit, and small helpers on
records (stamps, names in messages, differences between two states)."""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass
from typing import Any

from tracker.model import LINKS


@dataclass(frozen=True)
class Change:
    """What one write changed."""
    kind: str
    record_id: int | None
    action: str  # create, update, delete, restore, undo, redo, import, settings, preset;
    # "unchanged": nothing was written (the record already had those values)
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


class SearchHits(list):
    """One page of :class:`SearchHit` s (a list) and how many records the search found in all
    (``total``), the page starting at ``offset`` of them."""

    def __init__(self, hits=(), *, total: int = 0, offset: int = 0):
        super().__init__(hits)
        self.total = total
        self.offset = offset

    @property
    def more(self) -> int:
        """How many hits come after this page."""
        return max(0, self.total - self.offset - len(self))


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


def same_values(kind, record: dict, stored: dict) -> bool:
    """``record`` (normalised, every field of ``kind``) holds what ``stored`` holds (link lists
    compared as sets: they are stored as sets)."""
    for f in kind.fields:
        if f.type == LINKS:
            if sorted(set(record.get(f.name) or [])) != sorted(set(stored.get(f.name) or [])):
                return False
        elif record.get(f.name) != stored.get(f.name):
            return False
    if kind.reports is not None:  # implementation reports are part of the record
        from tracker.model import REPORTS_KEY
        from tracker.model.reports import REPORT_FIELD_NAMES

        def shown(reports) -> list[tuple]:
            return [tuple(r.get(k) or None for k in REPORT_FIELD_NAMES) for r in reports or ()]

        return shown(record.get(REPORTS_KEY)) == shown(stored.get(REPORTS_KEY))
    return True


def same_citations(citations: list[dict], stored: list[dict]) -> bool:
    """The same sources with the same quotes, in the same order."""
    def keys(items: list[dict]) -> list[tuple]:
        return [(c.get("source_id"), str(c.get("quote") or "")) for c in items]

    return keys(citations) == keys(stored)


def unchanged(kind, record: dict) -> Change:
    """What a write that changes nothing says: nothing was written (action "unchanged")."""
    from tracker.i18n import _

    return Change(kind.name, record["id"], "unchanged", _("Nothing changed"), record,
                  frozenset())


#: The columns of a report row, in the order ``report_row`` gives them.
REPORT_COLUMNS = ("kind, record_id, reported_on, progress, done, side, source_id, quote, "
                  "position")


def report_row(kind, record_id: int, report: dict, position: int) -> tuple:
    """A report (``REPORT_FIELDS`` keys) as the row both engines store."""
    return (kind.name, record_id, report["reported_on"], report.get("progress"), report["done"],
            report.get("side"), report.get("source_id"), report.get("quote") or "", position)
