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
from tracker.model import (
    DATE,
    LINK,
    LINKS,
    REPORTS_KEY,
    SERIES,
    SOURCE_KIND,
    SYSTEM_FIELDS,
    Kind,
    display_value,
    get_kind,
)
from tracker.model.reports import REPORT_FIELDS, report_field, sort_reports
from tracker.model.values import series_items
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
        if f.type == LINKS:
            value = list(value or [])
        elif f.type == SERIES:  # the dated values as a list, not their stored text
            value = series_items(value)
        out[f.name] = value
    citations = record_citations(repo, kind.name, record)
    out[SOURCES_KEY] = [{"source": c["source"], "quote": c["quote"],
                         "source_id": c["source_id"]} for c in citations]
    if kind.deadline is not None:
        out["overdue"] = kind.is_overdue(record, today)
    if kind.reports is not None:
        out[REPORTS_KEY] = record_reports(repo, kind.name, record)
    return out


def record_reports(repo: Repository, kind_name: str, record: dict) -> list[dict]:
    """The record's implementation reports (as ``get`` gave them, else read), each with its
    source's title."""
    reports = record.get(REPORTS_KEY)
    if reports is None and record.get("id") is not None:
        reports = repo.reports(kind_name, record["id"])
    reports = sort_reports(reports or [])
    titles = repo.titles(SOURCE_KIND.name, sorted({r["source_id"] for r in reports
                                                   if r.get("source_id") is not None}))
    return [{**{f.name: r.get(f.name) for f in REPORT_FIELDS},
             "source": titles.get(r.get("source_id"))} for r in reports]


def report_lines(reports: list[dict], *, for_mail: bool = False) -> list[str]:
    """A record's reports as lines of text: date, progress, side, what was done, the quote."""
    if not reports:
        return []
    lines = [_("Implementation reports:")]
    side = report_field("side")
    for r in reports:
        day = format_date(r["reported_on"]) if for_mail else r["reported_on"]
        parts = [day]
        if r.get("progress") is not None:
            parts.append(f"{r['progress']} %")
        if r.get("side"):
            parts.append(side.choice_label(r["side"]))
        lines.append("– " + ", ".join(parts) + ": " + " ".join(str(r["done"]).split()))
        if r.get("quote"):
            lines.append(f"  “{' '.join(r['quote'].split())}” ({r.get('source') or ''})")
    return lines


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
        if kind.reports is not None:
            lines += report_lines(record_reports(repo, kind.name, record), for_mail=True)
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
    if kind.reports is not None:
        lines += report_lines(record_reports(repo, kind.name, record))
    return "\n".join(lines)


class UidMap:
    """id -> uid per kind, looked up a page at a time (``need``) and kept up to ``KEEP`` ids."""

    KEEP = 200_000  # ids kept in all (an export of a million records reads their targets' uids)

    def __init__(self, repo: Repository):
        self.repo = repo
        self._by_id: dict[str, dict[int, str]] = {}
        self._kept = 0

    def need(self, kind: str, ids) -> None:
        """Look the uids of these ids up at once (those not known yet)."""
        known = self._by_id.setdefault(kind, {})
        missing = sorted({i for i in ids if i is not None and i not in known})
        if not missing:
            return
        if self._kept + len(missing) > self.KEEP:
            for other in self._by_id.values():
                other.clear()
            self._kept = 0
        found = self.repo.uids_of(kind, missing)
        known.update(found)
        self._kept += len(found)

    def uid(self, kind: str, record_id: int | None) -> str | None:
        if record_id is None:
            return None
        known = self._by_id.get(kind)
        if known is None or record_id not in known:
            self.need(kind, [record_id])
            known = self._by_id[kind]
        return known.get(record_id)


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
        elif f.type == SERIES:
            out[f.name] = portable_series(repo, uids, out[f.name])
    out[SOURCES_KEY] = [{"source_uid": uids.uid(SOURCE_KIND.name, c["source_id"]),
                         "source": c["source"], "quote": c["quote"]}
                        for c in record.get("citations") or []]
    if kind.reports is not None:
        for report in out[REPORTS_KEY]:
            report["source_uid"] = uids.uid(SOURCE_KIND.name, report.pop("source_id"))
    files = record.get(ATTACHMENTS_KEY)
    if files is None and record.get("id") is not None:
        files = repo.get(kind.name, record["id"])[ATTACHMENTS_KEY]
    out[ATTACHMENTS_KEY] = [{k: a[k] for k in ATTACHMENT_KEYS} for a in files or []]
    return out


def portable_page(kind: Kind, records: list[dict], uids: UidMap, today: _dt.date
                  ) -> list[dict[str, Any]]:
    """Records of one kind as ``get`` gives them (links, citations, attached files) as exported:
    ``portable_record`` of each, the same keys in the same order, with the targets' uids looked
    up once for the page."""
    links = [(f.name, f.target) for f in kind.fields if f.type == LINK]
    lists = [(f.name, f.target) for f in kind.fields if f.type == LINKS]
    for name, target in links:
        uids.need(target, (r.get(name) for r in records))
    for name, target in lists:
        uids.need(target, (i for r in records for i in r.get(name) or []))
    uids.need(SOURCE_KIND.name, (c["source_id"] for r in records for c in r["citations"]))
    names = [*SYSTEM_FIELDS, *(f.name for f in kind.fields)]
    series = [f.name for f in kind.fields if f.type == SERIES]
    deadline = kind.deadline is not None
    source_uid = uids.uid
    out = []
    for record in records:
        row = {name: record.get(name) for name in names}
        for name, target in links:
            row[name] = source_uid(target, row[name])
        for name, target in lists:
            row[name] = [u for u in (source_uid(target, i) for i in row[name] or []) if u]
        for name in series:  # dated values, their sources by uid
            row[name] = portable_series(uids.repo, uids, series_items(row[name]))
        row[SOURCES_KEY] = [{"source_uid": source_uid(SOURCE_KIND.name, c["source_id"]),
                             "source": c["source"], "quote": c["quote"]}
                            for c in record["citations"]]
        if deadline:
            row["overdue"] = kind.is_overdue(record, today)
        if kind.reports is not None:  # implementation reports, their sources by uid
            row[REPORTS_KEY] = record_reports(uids.repo, kind.name, record)
            uids.need(SOURCE_KIND.name, (r["source_id"] for r in row[REPORTS_KEY]))
            for report in row[REPORTS_KEY]:
                report["source_uid"] = source_uid(SOURCE_KIND.name, report.pop("source_id"))
        row[ATTACHMENTS_KEY] = [{k: a[k] for k in ATTACHMENT_KEYS}
                                for a in record.get(ATTACHMENTS_KEY) or []]
        out.append(row)
    return out


def portable_series(repo: Repository, uids: UidMap, items: list[dict]) -> list[dict]:
    """A series' values as exported: each source by ``source_uid`` (and its title, for people
    reading the file) instead of this database's id."""
    ids = sorted({i["source_id"] for i in items if i.get("source_id") is not None})
    titles = repo.titles(SOURCE_KIND.name, ids)
    out = []
    for item in items:
        sid = item.get("source_id")
        value = {"date": item["date"], "value": item["value"]}
        if sid is not None:
            value.update(source_uid=uids.uid(SOURCE_KIND.name, sid), source=titles.get(sid))
        if item.get("quote") is not None:
            value["quote"] = item["quote"]
        out.append(value)
    return out
