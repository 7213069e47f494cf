"""The deadlines as an iCalendar file (RFC 5545) for Outlook, Thunderbird and phones.

One all-day event per open dated obligation (``Repository.deadlines``): road-map due dates, an
agreement's expiry and last day to give notice, farm and plant milestones, and meetings (with
their place, last day and participants). Every event's UID is made from its record's ``uid`` and
the obligation's name, never from this database's ids, so importing a newer export into a
calendar updates its events instead of adding them again; DTSTAMP and LAST-MODIFIED are the
record's last change and SEQUENCE its version, so two exports of unchanged data are the same
file. User text goes into the file through the icalendar library, which escapes it; characters
iCalendar cannot carry (control characters) are left out.
"""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path

from tracker.exchange.errors import FileProblem
from tracker.i18n import _
from tracker.model import KINDS
from tracker.model.fields import clean_text
from tracker.store.deadlines import Due
from tracker.store.repository import Repository

PRODID = "-//Bilateral Tracker//Deadlines//EN"
UID_DOMAIN = "bilateral-tracker"


def event_uid(due: Due) -> str:
    """The event's UID: the record's uid and the obligation's name (stable across exports and
    databases, unlike the record's id)."""
    return f"{due.uid}.{due.obligation}@{UID_DOMAIN}"


def _text(value) -> str:
    return clean_text(value, multiline=True) if value else ""


def _stamp(value: str) -> _dt.datetime:
    try:
        moment = _dt.datetime.fromisoformat((value or "").replace("Z", "+00:00"))
    except ValueError:
        moment = _dt.datetime(2000, 1, 1, tzinfo=_dt.UTC)
    return moment.astimezone(_dt.UTC) if moment.tzinfo else moment.replace(tzinfo=_dt.UTC)


def is_occasion(due: Due) -> bool:
    """The entry is the date of something that takes place (a meeting), not a deadline."""
    kind = KINDS[due.kind]
    return kind.occasion is not None and any(
        ob.name == due.obligation and ob.date == kind.occasion.start for ob in kind.obligations)


def _participants(repo: Repository, due: Due) -> list[str]:
    kind = KINDS[due.kind]
    field = kind.occasion.participants if kind.occasion is not None else None
    if not field or not is_occasion(due):
        return []
    target = kind.field(field).target
    ids = repo.backend.link_ids(kind, field, due.record_id)
    titles = repo.titles(target, ids)
    return [titles[i] for i in ids if i in titles]


#: A record's change stamp when it cannot be read: the oldest moment, version 1, private.
_UNKNOWN = {"classification": "", "updated_at": "", "version": 1}


def _stamps(repo: Repository, entries: list[Due]) -> dict[tuple[str, int], dict]:
    """(kind, record id) -> the record's classification, last change and version, read here
    (``backend.rows_of``, a query a kind and 500 records): a list of deadlines does not carry
    them, only a calendar asks."""
    ids: dict[str, list[int]] = {}
    for due in entries:
        ids.setdefault(due.kind, []).append(due.record_id)
    return {(name, rid): row for name, some in ids.items()
            for rid, row in repo.backend.rows_of(
                KINDS[name], some, ["classification", "updated_at", "version"]).items()}


def _description(due: Due, participants: list[str]) -> str:
    kind = KINDS[due.kind]
    lines = [f"{_(kind.label)}: {due.title}", _("Status: {status}").format(
        status=kind.status_label(due.status))]
    if due.overdue:
        lines.append(_("Overdue: the date has passed and it is still open"))
    if due.leads:
        lines.append(_("Leads: {names}").format(names="; ".join(due.leads)))
    if participants:
        lines.append(_("Participants: {names}").format(names="; ".join(participants)))
    return "\n".join(lines)


def build_calendar(repo: Repository, entries: list[Due], *, name: str = "") -> bytes:
    """The iCalendar file of ``entries`` (as ``Repository.deadlines`` lists them)."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if name:
        cal.add("x-wr-calname", _text(name))
    stamps = _stamps(repo, entries)
    for due in entries:
        kind = KINDS[due.kind]
        start = _dt.date.fromisoformat(due.date)
        end = start
        if due.details.get("end"):
            end = max(start, _dt.date.fromisoformat(due.details["end"]))
        participants = _participants(repo, due)
        event = Event()
        event.add("uid", event_uid(due))
        record = stamps.get((due.kind, due.record_id), _UNKNOWN)
        stamp = _stamp(record["updated_at"])
        event.add("dtstamp", stamp)
        event.add("last-modified", stamp)
        event.add("sequence", max(0, int(record["version"] or 1) - 1))
        event.add("dtstart", start)
        event.add("dtend", end + _dt.timedelta(days=1))  # all-day: the day after the last
        occasion = is_occasion(due)
        summary = due.title if occasion else _("{what}: {title}").format(
            what=_(due.label), title=due.title)
        event.add("summary", _text(summary))
        if due.details.get("place"):
            event.add("location", _text(due.details["place"]))
        event.add("description", _text(_description(due, participants)))
        event.add("categories", [_text(_(kind.plural))])
        event.add("transp", "OPAQUE" if occasion else "TRANSPARENT")
        event.add("class", "PUBLIC" if record["classification"] == "public" else "PRIVATE")
        cal.add_component(event)
    return cal.to_ical()


def write_calendar(repo: Repository, path: str | os.PathLike, *,
                   today: _dt.date | None = None, within: int | None = None,
                   lead: str | None = None) -> tuple[Path, int]:
    """The deadlines (``Repository.deadlines(today, within=..., lead=...)``) to ``path`` as an
    iCalendar file, replacing it whole. Returns (path, events)."""
    from tracker.outputs import replacing

    entries = repo.deadlines(today, within=within, lead=lead)
    title = repo.settings().get("relationship_title") or ""
    data = build_calendar(repo, entries, name=_("{title} — deadlines").format(title=title)
                          if title else _("Deadlines"))
    path = Path(path)
    with replacing(path, error=FileProblem) as tmp, open(tmp, "wb") as fh:
        fh.write(data)
    return path, len(entries)
