"""The first checks of an import, made as the file is read: each record's shape, uid and system
fields (``created_at``, ``created_by``, ``version``...), and the problems found, kept for the
message that refuses the file."""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from tracker.exchange.errors import ImportProblem
from tracker.i18n import _

MAX_PROBLEMS = 1000  # problems kept for the message (the rest are counted)


def record_label(record: Any, index: int, uid: str | None) -> str:
    """How problems name a record of the file: its number in its kind's list and its title (else
    its uid)."""
    title = record.get("title") if isinstance(record, dict) else None
    if isinstance(title, str) and title.strip():
        short = " ".join(title.split())
        short = short if len(short) <= 60 else short[:59] + "…"
        return _("#{n} {title!r}").format(n=index, title=short)
    if uid:
        return _("#{n} (uid {uid})").format(n=index, uid=uid)
    return _("#{n}").format(n=index)


def as_uid(value: Any) -> str | None:
    """A uid as given (spaces around it aside), None for no uid."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


_STAMP_RE = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?"
                       r"(Z|[+-]\d{2}:?\d{2})?)?")
#: a date-time as the app writes it (a year from 1000: strftime writes 999 as "999")
_WRITTEN_RE = re.compile(r"[1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", re.ASCII)
_NAME_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _stamp(value: Any) -> str | None:
    """A date-time as the app writes it (YYYY-MM-DDTHH:MM:SSZ, UTC), from ISO 8601 text (an
    offset is converted, none means UTC, a date alone is midnight); None if it is not one."""
    if type(value) is str and _WRITTEN_RE.fullmatch(value):  # as the app writes it already
        try:
            _dt.datetime.fromisoformat(value[:-1])
            return value
        except ValueError:
            return None
    if not isinstance(value, str) or not _STAMP_RE.fullmatch(value.strip()):
        return None
    try:
        when = _dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.UTC)
    try:
        when = when.astimezone(_dt.UTC)
    except OverflowError:
        return None
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def system_values(raw: dict) -> tuple[dict, dict[str, str]]:
    """The system fields a file may carry, checked like any field: ISO date-times, a creator's
    name (kept when it is one line of 1 to 100 characters without control characters: the file's
    office knows who created the record; the audit names who imported it), a version of at least
    1. Returns (values, problems per field); ``deleted_at`` only when given."""
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for key in ("created_at", "updated_at", "deleted_at"):
        value = raw.get(key)
        if key not in raw or value is None:
            if key == "deleted_at" and key in raw:
                values[key] = None
            continue
        stamp = _stamp(value)
        if stamp is None:
            problems[key] = _("expected a date-time such as 2026-01-31T09:30:00Z, got {value!r}"
                              ).format(value=str(value)[:40])
        else:
            values[key] = stamp
    for key in ("created_by", "updated_by"):
        value = raw.get(key)
        if value is None:
            continue
        if (not isinstance(value, str) or not value.strip() or len(value) > 100
                or _NAME_CONTROLS.search(value)):
            problems[key] = _("expected a name of 1 to 100 characters on one line")
        else:
            values[key] = " ".join(value.split())
    version = raw.get("version")
    if version is not None:
        if isinstance(version, str) and version.strip().isascii() and version.strip().isdigit() \
                and len(version.strip()) < 12:
            version = int(version.strip())
        if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version < 2**62:
            problems["version"] = _("expected a whole number of at least 1")
        else:
            values["version"] = version
    return values, problems


class Problems:
    """The problems of a file: the first MAX_PROBLEMS kept for the message, all of them counted."""

    def __init__(self):
        self.items: list[tuple[str, str, str, str]] = []
        self.count = 0

    def add(self, kind: str, record: str, field_name: str, message: str) -> None:
        self.count += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append((kind, record, field_name, message))

    def raise_any(self) -> None:
        if self.count:
            raise ImportProblem(self.items, self.count)

