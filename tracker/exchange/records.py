"""Records as people and programs see them: ``record_json`` (what ``list --json`` and ``show
--json`` print), ``record_text`` (``show``, and "Copy as text" in the GUI) and ``portable_record``
(an export's record: links by ``uid`` so the file imports into any database).

The shapes are built from the declarations (:mod:`tracker.model`), never from a hand-written field
list.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from tracker.i18n import _, format_date
from tracker.model import DATE, LINK, LINKS, SOURCE_KIND, SYSTEM_FIELDS, display_value, get_kind
from tracker.store.repository import Repository

FORMAT_VERSION = 1
#: The key of a record's sources with their quotes, in JSON records and as a CSV column.
SOURCES_KEY = "sources"
#: The key of a record's attached files (name, size, sha256, media_type, added_at, added_by; the
#: contents travel apart: "_files" in JSON, attachments/<sha256> in a zip or folder of CSV).
ATTACHMENTS_KEY = "attachments"
#: Keys of an exported record that are not fields the user edits.
DERIVED_KEYS = (SOURCES_KEY, "overdue", ATTACHMENTS_KEY)
#: What an exported record says of each attached file.
ATTACHMENT_KEYS = ("name", "size", "sha256", "media_type", "added_at", "added_by")


def record_citations(repo: Repository, kind_name: str, record: dict) -> list[dict]:
    """The record's sources with their quotes: as ``get`` gave them, else read."""
    citations = record.get("citations")
    if citations is None and record.get("id") is not None:
        citations = repo.citations(kind_name, record["id"])
    return citations or []


def record_json(repo: Repository, kind_name: str, record: dict,
                today: _dt.date | None = None) -> dict[str, Any]:
    """A record as the CLI prints it with ``--json`` (ids are this database's ids)."""
    kind = get_kind(kind_name)
    out: dict[str, Any] = {name: record.get(name) for name in SYSTEM_FIELDS}
    for f in kind.fields:
        value = record.get(f.name)
        out[f.name] = list(value or []) if f.type == LINKS else value
    citations = record_citations(repo, kind.name, record)
    out[SOURCES_KEY] = [{"source": c["source"], "quote": c["quote"],
                         "source_id": c["source_id"]} for c in citations]
    if kind.deadline is not None:
        out["overdue"] = kind.is_overdue(record, today)
    return out


def record_text(repo: Repository, kind_name: str, record: dict, *,
                for_mail: bool = False) -> str:
    """A record as text, in the interface language: every field under its label, links by title,
    the sources with their quotes.

    The default is the CLI's ``show`` (aligned columns, ids, stamps). ``for_mail`` is what an
    official pastes into a message or a note: only the fields that have a value, "Label: value",
    dates written out ("9 June 2017"), links and sources without ids."""
    kind = get_kind(kind_name)
    rows: list[tuple[str, str, str]] = []  # (field, label, text)
    for f in kind.fields:
        value = record.get(f.name)
        if f.type in (LINK, LINKS):
            ids = value if isinstance(value, list) else ([] if value is None else [value])
            titles = repo.titles(f.target, list(ids))
            text = "; ".join(titles.get(i, "?") if for_mail else f"{titles.get(i, '?')} [{i}]"
                             for i in ids)
        elif for_mail and f.type == DATE:
            text = format_date(value)
        else:
            text = display_value(kind, f.name, value)
        if for_mail and not text.strip():
            continue
        rows.append((f.name, _(f.label), text))
    citations = record_citations(repo, kind.name, record)
    lines: list[str] = []
    if for_mail:
        lines.append(f"{_(kind.label)}: {record.get('title') or ''}")
        lines += [f"{label}: {text}" for name, label, text in rows if name != "title"]
        if kind.is_overdue(record):
            lines.append(_("Overdue: the due date has passed"))
        if citations:
            lines.append(_("Sources:"))
            lines += [f"– “{' '.join(c['quote'].split())}” ({c['source']})" for c in citations]
        return "\n".join(lines)
    width = max(len(_(f.label)) for f in kind.fields)
    lines.append(f"{_(kind.label)} {record['id']}  (uid {record['uid']}, "
                 f"{_('version')} {record['version']})")
    if record.get("deleted_at"):
        lines.append(_("In the trash since {when}").format(when=record["deleted_at"]))
    for _name, label, text in rows:
        parts = text.splitlines() or [""]
        lines.append(f"{label.ljust(width)}  {parts[0]}")
        lines += [f"{'':{width}}  {part}" for part in parts[1:]]
    if kind.is_overdue(record):
        lines.append(_("Overdue: the due date has passed"))
    lines.append(_("Created {when} by {who}; updated {uwhen} by {uwho}").format(
        when=record["created_at"], who=record["created_by"], uwhen=record["updated_at"],
        uwho=record["updated_by"]))
    for c in citations:
        lines.append(_("Source [{id}] {title}: “{quote}”").format(
            id=c["source_id"], title=c["source"], quote=" ".join(c["quote"].split())))
    return "\n".join(lines)


class UidMap:
    """Cached id -> uid (and back) per kind."""

    def __init__(self, repo: Repository):
        self.repo = repo
        self._by_id: dict[str, dict[int, str]] = {}

    def _load(self, kind: str) -> None:
        if kind not in self._by_id:
            self._by_id[kind] = self.repo.uids(kind)

    def uid(self, kind: str, record_id: int | None) -> str | None:
        if record_id is None:
            return None
        self._load(kind)
        return self._by_id[kind].get(record_id)


def portable_record(repo: Repository, kind_name: str, record: dict,
                    uids: UidMap | None = None, today: _dt.date | None = None) -> dict[str, Any]:
    """A record as exported: links by ``uid`` so the file imports into any database."""
    kind = get_kind(kind_name)
    uids = uids or UidMap(repo)
    out = record_json(repo, kind.name, record, today)
    for f in kind.fields:
        if f.type == LINK:
            out[f.name] = uids.uid(f.target, record.get(f.name))
        elif f.type == LINKS:
            out[f.name] = [u for u in (uids.uid(f.target, i) for i in record.get(f.name) or [])
                           if u]
    out[SOURCES_KEY] = [{"source_uid": uids.uid(SOURCE_KIND.name, c["source_id"]),
                         "source": c["source"], "quote": c["quote"]}
                        for c in record.get("citations") or []]
    files = record.get(ATTACHMENTS_KEY)
    if files is None and record.get("id") is not None:
        files = repo.get(kind.name, record["id"])[ATTACHMENTS_KEY]
    out[ATTACHMENTS_KEY] = [{k: a[k] for k in ATTACHMENT_KEYS} for a in files or []]
    return out
