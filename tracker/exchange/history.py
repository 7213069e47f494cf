"""A record's history carried with an export (``export --with-history``) and written back by an
import (``import --with-history``): how a desk's file moves to a server with its audit trail.

The export's ``_history`` list holds the audit entries of the records, oldest first, each with its
time, author, action, label and the record's two snapshots. The snapshots are made portable as
the records are (:func:`~tracker.exchange.records.portable_record`): links and sources name their
records by ``uid``, so the entries read right in a database where the ids differ.

An import carries over the entries of the records it creates (the history of a record that was
already there is that database's own), each before the import's own entry for the record, with its
time and label as recorded. On a server the audit names the login that writes each entry, whatever
the program says (the server enforces it): carried entries name the importing login there, and
their original author is kept in the entry's label.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from tracker.exchange.checks import as_uid
from tracker.exchange.json_format import HISTORY_KEY
from tracker.exchange.records import SOURCES_KEY, UidMap
from tracker.i18n import _
from tracker.model import KINDS, LINK, LINKS, SOURCE_KIND
from tracker.store.repository import Repository

if TYPE_CHECKING:
    from tracker.store.sqlite.stage import Stage

#: the stage's kind for a carried entry of records of ``kind`` (kept apart from the records)
STAGE_PREFIX = "_history:"
PAGE = 1000
STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")  # as the audit writes its times


def export_history(repo: Repository, uids: UidMap | None = None) -> list[dict]:
    """The audit entries of the records, oldest first, with portable snapshots (settings and
    presets have no record to carry them with, and stay out)."""
    uids = uids or UidMap(repo)
    entries: list[dict] = []
    offset = 0
    while True:
        page = repo.history(limit=PAGE, offset=offset)
        for entry in page:
            if entry["kind"] in KINDS and entry.get("record_uid"):
                entries.append(portable_entry(entry, uids))
        if len(page) < PAGE:
            break
        offset += PAGE
    entries.reverse()  # the history is read newest first
    return entries


def portable_entry(entry: dict, uids: UidMap) -> dict:
    kind = entry["kind"]
    return {"at": entry["at"], "user": entry["user"], "kind": kind,
            "record_uid": entry["record_uid"], "action": entry["action"],
            "label": entry["label"] or "",
            "before": portable_snapshot(kind, entry["before"], uids),
            "after": portable_snapshot(kind, entry["after"], uids)}


def portable_snapshot(kind_name: str, snapshot: Any, uids: UidMap) -> Any:
    """A record's snapshot with its links and sources by uid, and no id."""
    if not isinstance(snapshot, dict):
        return snapshot
    out = {k: v for k, v in snapshot.items() if k != "id"}
    for f in KINDS[kind_name].fields:
        value = snapshot.get(f.name)
        if f.type == LINK and isinstance(value, int):
            out[f.name] = uids.uid(f.target, value)
        elif f.type == LINKS and isinstance(value, list):
            out[f.name] = [uids.uid(f.target, i) if isinstance(i, int) else None for i in value]
    if isinstance(snapshot.get("citations"), list):
        out["citations"] = [
            {"source_uid": uids.uid(SOURCE_KIND.name, c.get("source_id"))
             if isinstance(c.get("source_id"), int) else None,
             "source": c.get("source"), "quote": c.get("quote")}
            for c in snapshot["citations"] if isinstance(c, dict)]
    return out


def history_records(data: dict) -> Iterator[tuple[str, Any]]:
    """``(HISTORY_KEY, entry)`` for each entry of an export given as data."""
    entries = data.get(HISTORY_KEY)
    if entries is not None and not isinstance(entries, list):
        raise ValueError(_("{key}: expected a list of history entries").format(key=HISTORY_KEY))
    for entry in entries or ():
        yield HISTORY_KEY, entry


def check_entry(raw: Any) -> tuple[dict | None, str | None]:
    """(the entry as it is kept, None) or (None, the problem) for one entry of a file."""
    if not isinstance(raw, dict):
        return None, _("expected an object with the entry's time, action and snapshots")
    kind = raw.get("kind")
    if kind not in KINDS:
        return None, _("unknown kind {name!r}").format(name=str(kind)[:40])
    uid = as_uid(raw.get("record_uid"))
    if uid is None or len(uid) > 100:
        return None, _("record_uid: expected an identifier of at most 100 characters")
    entry = {"kind": kind, "record_uid": uid}
    for key in ("at", "user", "action", "label"):
        value = raw.get(key, "")
        if not isinstance(value, str) or len(value) > 1000 or "\x00" in value:
            return None, _("{field}: expected text").format(field=key)
        entry[key] = " ".join(value.split())
    if not STAMP.fullmatch(entry["at"]):
        return None, _("at: expected a time such as 2026-01-31T09:30:00Z")
    if not entry["action"]:
        return None, _("an entry needs its action")
    for key in ("before", "after"):
        value = raw.get(key)
        if value is not None and not isinstance(value, dict):
            return None, _("{field}: expected the record as an object, or null").format(
                field=key)
        entry[key] = value
    return entry, None


def restore_snapshot(kind_name: str, snapshot: dict | None, record_id: int,
                     resolve: Callable[[str, Any], int | None]) -> dict | None:
    """A portable snapshot with this database's ids (``resolve(kind, uid)``)."""
    if snapshot is None:
        return None
    out = {"id": record_id, **snapshot}
    for f in KINDS[kind_name].fields:
        value = snapshot.get(f.name)
        if f.type == LINK and value is not None:
            out[f.name] = resolve(f.target, value)
        elif f.type == LINKS and isinstance(value, list):
            out[f.name] = [i for i in (resolve(f.target, u) for u in value) if i is not None]
    if isinstance(snapshot.get("citations"), list):
        out["citations"] = [
            {"source_id": resolve(SOURCE_KIND.name, c.get("source_uid")),
             "source": c.get("source"), "quote": c.get("quote")}
            for c in snapshot["citations"] if isinstance(c, dict)]
    out.pop(SOURCES_KEY, None)
    return out


def carried_label(entry: dict, login: str | None) -> str:
    """The entry's label; on a server (``login``) that writes its own name into the audit, the
    original author is kept in it."""
    label = entry["label"]
    if login and entry["user"] and entry["user"] != login:
        return _("{label} (by {user})").format(label=label, user=entry["user"]).strip()
    return label

def created_seq(stage: Stage, kind: str, uid: str) -> int | None:
    """The file's record with ``uid`` if the import creates it, else None."""
    staged = stage.by_uid(kind, uid)
    if staged is None:
        return None
    planned = stage.plan(staged[0])
    return staged[0] if planned is not None and planned[0] == "create" else None


def carried_history(stage: Stage) -> tuple[int, int]:
    """(entries carried over: of records the import creates, entries left out)."""
    carried = left = 0
    for name in KINDS:
        for _seq, _where, entry, _existing in stage.records(STAGE_PREFIX + name):
            if created_seq(stage, name, entry["record_uid"]) is None:
                left += 1
            else:
                carried += 1
    return carried, left
