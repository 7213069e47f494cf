"""What the History page and ``history`` command ask of the audit log besides a kind and a record
id: a record's title (as it is now or was at any recorded time), who wrote, when (a range of
days), and the newest entry the list was opened at, so that its count and its pages agree while
others keep writing."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

MAX_TITLE_CHARS = 300  # a title filter longer than any title finds nothing; no need to send it


@dataclass(frozen=True)
class AuditFilter:
    #: entries of the records whose title, now or in any recorded version, contains this text
    #: (letter case ignored, Cyrillic too: ``str.lower``); "" for every record
    title: str = ""
    #: entries written by this user (exactly as recorded); "" for everyone
    user: str = ""
    #: entries written at or after this UTC time (``YYYY-MM-DDTHH:MM:SSZ``, as the audit stores)
    since: str | None = None
    #: entries written before this UTC time
    until: str | None = None
    #: entries up to this audit id (the list's snapshot: entries written later are not counted)
    upto: int | None = None

    def folded_title(self) -> str:
        """The title filter as the engines compare it: words single-spaced, in lower case."""
        return " ".join(self.title.replace("\x00", "").split()).lower()[:MAX_TITLE_CHARS]

    @property
    def empty(self) -> bool:
        return not (self.folded_title() or self.user or self.since or self.until
                    or self.upto is not None)


def fold(value: object) -> str:
    """A title as the filter compares it (``AuditFilter.folded_title``); "" for no text."""
    return " ".join(value.split()).lower() if isinstance(value, str) else ""


def snapshot_titles(before: object, after: object) -> str:
    """What an audit entry keeps of its record's title (the ``title_fold`` column, written with
    the entry): the title of its snapshot after, and before when that differs, each folded
    (``fold``), one a line; "" when neither snapshot has a title. A filter's text is one line,
    so it is in this text exactly when it is in one of the titles."""
    titles = [fold(s.get("title")) if isinstance(s, dict) else "" for s in (after, before)]
    return "\n".join(dict.fromkeys(t for t in titles if t))


def utc_stamp(moment: _dt.datetime) -> str:
    """A time as the audit stores it (UTC, to the second)."""
    if moment.tzinfo is None:
        moment = moment.astimezone()  # a naive time is the computer's local time
    return moment.astimezone(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_days(first: _dt.date | None, last: _dt.date | None) -> tuple[str | None, str | None]:
    """(since, until) for the entries written from the start of ``first`` to the end of ``last``,
    both days in the computer's local time (as the History page shows times); None: no bound."""
    since = utc_stamp(_dt.datetime.combine(first, _dt.time())) if first else None
    until = None
    if last is not None:
        try:
            until = utc_stamp(_dt.datetime.combine(last + _dt.timedelta(days=1), _dt.time()))
        except OverflowError:  # the last day there is: no upper bound
            until = None
    return since, until
