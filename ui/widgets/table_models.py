"""Table models over the repository: rows are fetched in pages around what the view shows.

Nothing here loads a whole table: each model is a :class:`ui.widgets.paged_model.PagedModel`
(``rowCount()`` from ``repo.count(...)``, a missing page one ``repo.list(..., limit=, offset=)``
call). Sorting and filtering re-query SQL.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QModelIndex, QModelRoleData, Qt

from tracker.i18n import gettext as _
from tracker.i18n import short_date
from tracker.model import (
    DATE,
    DECIMAL,
    INTEGER,
    KIND_ORDER,
    LINK,
    LINKS,
    MULTILINE,
    display_value,
    get_kind,
)
from tracker.store.audit_filter import AuditFilter
from ui.widgets.overdue import OVERDUE_COLOR, overdue_brush, overdue_icon  # noqa: F401
from ui.widgets.paged_model import PagedModel

# Roles shared by every model here (Vorta-style: one place names them).
IdRole = Qt.ItemDataRole.UserRole + 1  # the record id (int)
SortRole = Qt.ItemDataRole.UserRole + 2  # the raw stored value of the cell
KindRole = Qt.ItemDataRole.UserRole + 3  # the kind name (str)
RecordRole = Qt.ItemDataRole.UserRole + 4  # the row as a dict (a copy)
#: The roles ``RecordTableModel`` answers (the others give None).
_ANSWERED = frozenset(int(r) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.TextAlignmentRole, IdRole, SortRole,
    KindRole, RecordRole))

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
# the roles as plain numbers (a view asks by number: no enum looked up a cell and a role)
_FOREGROUND, _ALIGNMENT, _DECORATION, _TOOLTIP = (int(r) for r in (
    Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.TextAlignmentRole,
    Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole))
#: The roles whose answer depends on whether the row is overdue.
_MARKED = frozenset((_FOREGROUND, _DECORATION, _TOOLTIP))
_VERTICAL = Qt.Orientation.Vertical
_INVALID = QModelIndex()
LINKED = "linked_titles"  # a row's key: field name -> the titles its link column shows


def cell_text(f, value: Any) -> str:
    """A stored value as a table cell shows it: a choice's label, a date in the user's format
    (``tracker.i18n.short_date``), anything else as text."""
    if f.choices:
        return f.choice_label(value)
    if getattr(f, "type", None) == DATE:
        return short_date(value)
    return str(value)


class RecordTableModel(PagedModel):
    """The records of one kind as a table: a column for every declared field. Those the kind
    lists (``kind.columns``, shown at first; then what the core computes) come first; the others
    can be shown (``set_shown``). Only the shown columns are read, a page at a time;
    a link shows the linked record's title, read for the whole page at once."""

    def __init__(self, repo, kind_name: str, parent=None, *, today: _dt.date | None = None):
        super().__init__(parent)
        self.repo = repo
        self.kind = get_kind(kind_name)
        # the listed fields, then what the core computes from the record (treaty dates), then
        # every other declared field (hidden until the user shows it)
        listed = [*self.kind.columns, *self.kind.computed]
        named = {f.name for f in listed}
        self.fields = [*listed, *(f for f in self.kind.fields if f.name not in named)]
        self.column_names = [f.name for f in self.fields]
        # shown at first: the listed fields. The computed dates are offered (the Deadlines page
        # lists them): beside them the list scrolled sideways at 1280 px in Russian
        self.default_shown = frozenset(f.name for f in self.kind.columns)
        self.shown: frozenset[str] = self.default_shown
        self._query_columns = self._columns_for(self.shown)
        self.search = ""
        self.status: str | None = None
        self.lead: str | None = None  # "My items": records naming this lead
        self.sort_field = self.kind.default_sort
        self.descending = False
        self.today = today

    def _columns_for(self, shown) -> list[str]:
        """The stored columns a page reads to show the fields ``shown`` (and to mark overdue
        rows and compute the treaty's dates)."""
        needs = self.kind.treaty.fields() if self.kind.treaty is not None else ()
        query = []
        for f in self.fields:
            if f.name in shown and self.kind.has_field(f.name) and f.stored:
                query.append(f.name)
        for extra in ("title", "status", "due_date", *needs):
            if extra in self.kind.field_names and extra not in query:
                query.append(extra)
        return query

    def set_shown(self, names) -> None:
        """Show the fields ``names`` (the others are not read): the cached rows are read again
        when a shown field was not read before."""
        shown = frozenset(names) | {"title"}
        if shown == self.shown:
            return
        columns = self._columns_for(shown)
        grew = not set(columns) <= set(self._query_columns) or any(
            f.type in (LINK, LINKS) and f.name in shown - self.shown for f in self.fields)
        self.shown = shown
        self._query_columns = columns
        if grew and self._cache.pages:
            self._cache.clear()
            if self.rowCount():
                self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1,
                                                                   len(self.fields) - 1))

    # -- queries ------------------------------------------------------------------------------

    def _filters(self) -> dict:
        return {"search": self.search or None, "status": self.status or None,
                "lead": self.lead or None}

    def _fetch_count(self) -> int:
        self.queries += 1
        return self.repo.count(self.kind.name, **self._filters())

    def _fetch_page(self, offset: int, limit: int) -> list[dict]:
        rows = self.repo.list(self.kind.name, sort=self.sort_field, descending=self.descending,
                              limit=limit, offset=offset, columns=self._query_columns,
                              **self._filters())
        if self.kind.computed:
            for row in rows:
                row.update(self.kind.compute(row, self.today))
        self._add_link_titles(rows)
        return rows

    def _add_link_titles(self, rows: list[dict]) -> None:
        """The titles the shown link columns show, for a whole page: one query a column
        (two for a link list), never one a row."""
        for f in self.fields:
            if f.name not in self.shown or f.type not in (LINK, LINKS):
                continue
            self.queries += 1
            if f.type == LINK:
                ids = sorted({r[f.name] for r in rows if isinstance(r.get(f.name), int)})
                names = self.repo.titles(f.target, ids) if ids else {}
                texts = {r["id"]: names.get(r.get(f.name)) or f"#{r[f.name]}"
                         for r in rows if r.get(f.name) is not None}
            else:
                lists = self.repo.link_titles(self.kind.name, f.name, [r["id"] for r in rows])
                texts = {rid: "; ".join(titles) for rid, titles in lists.items()}
            for r in rows:
                r.setdefault(LINKED, {})[f.name] = texts.get(r["id"], "")

    def cell_text(self, f, row: dict, limit: int = 120) -> str:
        """What a cell shows: a choice's label, a link's title, a long text's first line."""
        if f.type in (LINK, LINKS):
            return (row.get(LINKED) or {}).get(f.name, "")
        value = row.get(f.name)
        if value is None:
            return ""
        if f.type == MULTILINE:
            text = str(value)
            first = text.split("\n", 1)[0]
            if len(first) > limit or len(first) < len(text):
                first = first[:limit].rstrip() + "…"
            return first
        return display_value(self.kind, f.name, value)

    def set_filter(self, search: str | None = None, status: str | None = None) -> None:
        self.search = search or ""
        self.status = status or None
        self.reload()

    def column_of(self, field_name: str) -> int:
        return self.column_names.index(field_name)

    def sort_column(self) -> int:
        try:
            return self.column_of(self.sort_field)
        except ValueError:
            return -1

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.fields) or self.column_names[column] not in \
                self.kind.sortable or self.fields[column].type in (LINK, LINKS):
            return  # a computed or link column keeps the order it is given
        self.sort_field = self.column_names[column]
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    # -- Qt API -------------------------------------------------------------------------------

    def columnCount(self, parent=_INVALID) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.fields)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == _VERTICAL:  # the row numbers: ~2,000 calls as a table opens
            return str(section + 1) if role == _DISPLAY else None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.fields):
            if role == Qt.ItemDataRole.DisplayRole:
                return _(self.fields[section].label)
            if role == Qt.ItemDataRole.ToolTipRole:
                return _(self.fields[section].help) if self.fields[section].help else None
            if role == Qt.ItemDataRole.TextAlignmentRole:  # a long header takes two lines
                return Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.column() < len(self.fields):
            return None
        row = self.row_dict(index.row())
        if row is None:
            return None
        return self._role_value(self.fields[index.column()], row, role)

    def multiData(self, index, roleDataSpan) -> None:  # noqa: N802, N803 - Qt API
        """Every role a view's delegate asks of a cell (seven, to paint it) in one call: the
        row is found once, whether it is overdue decided once (today's date read once), and no
        role crosses into Python on its own (the first screen of the Road map: about 130 calls
        instead of 900)."""
        column = index.column() if index.isValid() else -1
        row = self.row_dict(index.row()) if 0 <= column < len(self.fields) else None
        spans = (roleDataSpan,) if isinstance(roleDataSpan, QModelRoleData) else roleDataSpan
        if row is None:
            for data in spans:
                data.clearData()
            return
        f, late = self.fields[column], None
        for data in spans:
            role = data.role()  # (font, background, check state: asked of all, answered by none)
            if role not in _ANSWERED:
                data.clearData()
                continue
            if late is None and role in _MARKED:
                late = self.is_overdue(row)
            value = self._role_value(f, row, role, late)
            if value is None:
                data.clearData()
            else:
                data.setData(value)

    def _role_value(self, f, row: dict, role, late: bool | None = None):
        """What ``data()`` gives for ``role`` of the cell of field ``f`` in ``row``; ``late``:
        whether the row is overdue, when the caller knows (else decided here if needed)."""
        if role == _DISPLAY:
            return self.cell_text(f, row)
        if role in _MARKED and late is None:
            late = self.is_overdue(row)
        if role == _FOREGROUND:
            return overdue_brush() if late else None
        if role == _ALIGNMENT:
            return _RIGHT if f.type in (INTEGER, DECIMAL) else _LEFT
        if role == _DECORATION:
            # a mark that stays visible on the selected row and without colour vision
            return overdue_icon() if late and f.name == "title" else None
        if role == _TOOLTIP:
            if late and f.name == "title":
                return _("{title} (overdue)").format(title=row.get("title") or "")
            return self.cell_text(f, row, 1000) or None
        if role == IdRole:
            return row["id"]
        if role == SortRole:
            return row.get(f.name)
        if role == KindRole:
            return self.kind.name
        if role == RecordRole:
            return dict(row)
        return None

    def is_overdue(self, row: dict) -> bool:
        return self.kind.is_overdue(row, self.today)

    # -- finding rows -------------------------------------------------------------------------

    def id_at(self, row: int) -> int | None:
        d = self.row_dict(row)
        return d["id"] if d else None

    def _cached_row(self, record_id: int) -> int | None:
        for page_no, page in self._cache.pages.items():
            for i, row in enumerate(page):
                if row["id"] == record_id:
                    return page_no * self.PAGE_SIZE + i
        return None

    def row_of_id(self, record_id: int, *, hint: int | None = None, exact: bool = True
                  ) -> int | None:
        """The row showing ``record_id`` under the current filter and sort, or None.

        Looks in the cached pages, then in the page holding ``hint`` (where the record was
        before a reload; fetched anyway to paint it), then -- if ``exact`` -- counts it in SQL
        (``repo.position``: two counts, slower on big filtered tables)."""
        found = self._cached_row(record_id)
        if found is None and hint is not None and 0 <= hint < self.rowCount():
            self.row_dict(hint)
            found = self._cached_row(record_id)
        if found is not None or not exact:
            return found
        self.queries += 1
        row = self.repo.position(self.kind.name, record_id, sort=self.sort_field,
                                 descending=self.descending, **self._filters())
        return row if row is not None and row < self.rowCount() else None


class TrashModel(PagedModel):
    """Deleted records of every kind, kind by kind in the usual order."""

    COL_KIND, COL_TITLE, COL_STATUS, COL_DELETED = range(4)

    def __init__(self, repo, parent=None):
        super().__init__(parent)
        self.repo = repo
        self._counts: list[tuple[str, int]] = []

    def _fetch_count(self) -> int:
        self.queries += 1
        self._counts = [(k, self.repo.count(k, trash=True)) for k in KIND_ORDER]
        return sum(n for _k, n in self._counts)

    def _locate(self, row: int) -> tuple[str, int] | None:
        self.rowCount()
        for kind, n in self._counts:
            if row < n:
                return kind, row
            row -= n
        return None

    def row_dict(self, row: int) -> dict | None:
        if row < 0 or row >= self.rowCount():
            return None
        where = self._locate(row)
        if where is None:
            return None
        kind, local = where
        page_no = local // self.PAGE_SIZE
        key = (kind, page_no)
        page = self._cache.get(key)
        if page is None:
            page = self.repo.list(kind, trash=True, sort="id", descending=True,
                                  limit=self.PAGE_SIZE, offset=page_no * self.PAGE_SIZE,
                                  columns=["title", "status", "deleted_at"])
            for r in page:
                r["kind"] = kind
            self.rows_fetched += len(page)
            self.queries += 1
            self._cache.put(key, page)
        i = local - page_no * self.PAGE_SIZE
        return page[i] if i < len(page) else None

    def _fetch_page(self, offset, limit):  # pragma: no cover - row_dict is overridden
        raise NotImplementedError

    def columnCount(self, parent=_INVALID) -> int:  # noqa: N802
        return 0 if parent.isValid() else 4

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < 4:
            return (_("Kind"), _("Title"), _("Status"), _("Deleted at"))[section]
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.column() < 4:
            return None
        row = self.row_dict(index.row())
        if row is None:
            return None
        kind = get_kind(row["kind"])
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == self.COL_KIND:
                return _(kind.label)
            if col == self.COL_TITLE:
                return row.get("title") or ""
            if col == self.COL_STATUS:
                return kind.status_label(row.get("status"))
            return utc_to_local(row.get("deleted_at"))
        if role == IdRole:
            return row["id"]
        if role == KindRole:
            return row["kind"]
        if role == SortRole:
            return (row["kind"], row.get("title"), row.get("status"), row.get("deleted_at"))[col]
        return None


class HistoryModel(PagedModel):
    """The audit log, newest first, optionally for one kind or one record."""

    COL_AT, COL_USER, COL_ACTION, COL_KIND, COL_RECORD, COL_CHANGES = range(6)
    PAGE_SIZE = 100

    def __init__(self, repo, parent=None):
        super().__init__(parent)
        self.repo = repo
        self.kind_filter: str | None = None
        self.record_filter: int | None = None
        #: title, user and days (an AuditFilter; its ``upto`` is set at each reload)
        self.where = AuditFilter()

    def set_filter(self, kind: str | None = None, record_id: int | None = None,
                   where: AuditFilter | None = None) -> None:
        self.kind_filter = kind or None
        self.record_filter = record_id
        self.where = where or AuditFilter()
        self.reload()

    def _fetch_count(self) -> int:
        # the list counts and pages the entries there are now: entries written later (another
        # desk's) wait for the next reload instead of shifting the pages under the count
        self.queries += 2
        self.where = replace(self.where, upto=self.repo.last_history_id())
        return self.repo.history_count(self.kind_filter, self.record_filter, where=self.where)

    def _fetch_page(self, offset: int, limit: int) -> list[dict]:
        return self.repo.history(self.kind_filter, self.record_filter, limit=limit, offset=offset,
                                 where=self.where)

    def columnCount(self, parent=_INVALID) -> int:  # noqa: N802
        return 0 if parent.isValid() else 6

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < 6:
            return (_("When"), _("Who"), _("What"), _("Kind"), _("Record"),
                    _("Fields changed"))[section]
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.column() < 6:
            return None
        entry = self.row_dict(index.row())
        if entry is None:
            return None
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == self.COL_AT:
                return utc_to_local(entry.get("at"))
            if col == self.COL_USER:
                return entry.get("user") or ""
            if col == self.COL_ACTION:
                return entry.get("label") or entry.get("action") or ""
            if col == self.COL_KIND:
                return kind_label(entry.get("kind"))
            if col == self.COL_RECORD:
                return record_caption(entry)
            return "; ".join(field_label(entry.get("kind"), name)
                             for name, _b, _a in visible_changes(entry))
        if role == IdRole:
            return entry.get("record_id")
        if role == KindRole:
            return entry.get("kind") or ""
        if role == RecordRole:
            return dict(entry)
        if role == SortRole:
            return entry.get("id")
        return None


# --- helpers --------------------------------------------------------------------------------------

def kind_label(kind_name: str | None) -> str:
    if not kind_name:
        return ""
    try:
        return _(get_kind(kind_name).label)
    except KeyError:
        return {"settings": _("Settings"), "presets": _("Briefing presets")}.get(kind_name,
                                                                                 kind_name)


def field_label(kind_name: str | None, field_name: str) -> str:
    try:
        kind = get_kind(kind_name or "")
        return _(kind.field(field_name).label)
    except KeyError:
        return {"deleted_at": _("In the trash"), "citations": _("Sources"),
                "reports": _("Implementation reports"),
                "uid": "uid", "created_at": _("Created"), "created_by": _("Created by"),
                "id": "id"}.get(field_name, field_name)


_HIDDEN_CHANGES = {"id", "uid", "created_at", "created_by", "updated_at", "updated_by", "version"}


def visible_changes(entry: dict) -> list[tuple[str, Any, Any]]:
    """An audit entry's (field, before, after) list without bookkeeping fields."""
    out = [(name, before, after) for name, before, after in entry.get("changes") or []
           if name not in _HIDDEN_CHANGES and not (before in (None, "", []) and
                                                   after in (None, "", []))]
    try:  # in the order the form shows the fields
        order = {name: i for i, name in enumerate(get_kind(entry.get("kind") or "").field_names)}
    except KeyError:
        return out
    return sorted(out, key=lambda change: order.get(change[0], len(order)))


def record_caption(entry: dict) -> str:
    snap = entry.get("after") or entry.get("before") or {}
    title = snap.get("title") if isinstance(snap, dict) else None
    rid = entry.get("record_id")
    if title:
        return f"{title} (#{rid})" if rid is not None else str(title)
    return f"#{rid}" if rid is not None else str(entry.get("record_uid") or "")


def utc_to_local(stamp: str | None) -> str:
    """'2026-11-27T03:59:30Z' as local time: the day in the user's date style, then 'HH:MM'
    ('2026-11-27 06:59', or '27.11.2026 06:59')."""
    if not stamp:
        return ""
    try:
        moment = _dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_dt.UTC)
    local = moment.astimezone()
    return f"{short_date(local.date())} {local:%H:%M}"


__all__ = ["HistoryModel", "IdRole", "KindRole", "RecordRole", "RecordTableModel", "SortRole",
           "TrashModel"]
