"""Saved views of a record page: its filter (text, status, "My items"), its sort and its columns
(which, in what order), kept under a name and brought back from the Views button.

Where they are kept: in the user's settings on this computer (QSettings), per database and per
user -- a file by its full path, a server by its address and login. A view is how one officer
likes to look at the records, like the column widths: it is not part of the record, so it is not
audited, needs no write access (a read-only file, a reader's login keep theirs) and colleagues on
a shared server do not see each other's.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox, QToolButton

from tracker.i18n import gettext as _
from tracker.model.fields import clean_text
from ui import messages

MAX_NAME = 100


def database_key(repo) -> str:
    """Which database -- and, on a server, which login -- views belong to (a short hash: the
    path or address never appears in the settings file)."""
    where = repo.path
    if isinstance(where, Path):
        try:
            where = Path(where).resolve()
        except OSError:
            pass
    login = getattr(repo.backend, "login", None) or ""
    return hashlib.sha256(f"{where}\n{login}".encode()).hexdigest()[:20]


class ViewStore:
    """The named views of one kind's page for one database and user: ``{name: view}`` kept as
    one JSON value (names in any script, no settings-key quoting)."""

    def __init__(self, repo, kind_name: str, settings: QSettings | None = None):
        self.settings = settings if settings is not None else QSettings()
        self.key = f"views/{database_key(repo)}/{kind_name}"

    def all(self) -> dict[str, dict]:
        raw = self.settings.value(self.key)
        try:
            views = json.loads(raw) if isinstance(raw, str) else {}
        except ValueError:  # damaged by hand: no views rather than a traceback
            return {}
        if not isinstance(views, dict):
            return {}
        return {str(k): v for k, v in views.items() if isinstance(v, dict)}

    def names(self) -> list[str]:
        return sorted(self.all(), key=str.casefold)

    def get(self, name: str) -> dict | None:
        return self.all().get(name)

    def save(self, name: str, view: dict) -> str:
        """Keep ``view`` as ``name`` (cleaned: one line, control characters out); returns the
        name kept. ``ValueError`` says what is wrong with the name."""
        name = clean_text(name, False)
        if not name:
            raise ValueError(_("A view needs a name."))
        if len(name) > MAX_NAME:
            raise ValueError(_("A view's name is at most {n} characters.").format(n=MAX_NAME))
        views = self.all()
        views[name] = view
        self._write(views)
        return name

    def delete(self, name: str) -> None:
        views = self.all()
        if views.pop(name, None) is not None:
            self._write(views)

    def _write(self, views: dict) -> None:
        self.settings.setValue(self.key, json.dumps(views, ensure_ascii=True, sort_keys=True))
        self.settings.sync()


# --- a page's view ----------------------------------------------------------------------------

def view_of(page) -> dict:
    """What a record page shows now: its filter, its sort and its columns in their order."""
    model = page.model
    return {"search": page.filter_edit.text(), "status": page.status_combo.currentData(),
            "mine": bool(page.mine_check is not None and page.mine_check.isChecked()),
            "sort": model.sort_field, "descending": bool(model.descending),
            "columns": page.table.shown_columns()}


def default_view(page) -> dict:
    model = page.model
    return {"search": "", "status": None, "mine": False, "sort": model.kind.default_sort,
            "descending": False,
            "columns": [name for name in model.column_names if name in model.default_shown]}


def apply_view(page, view: dict) -> None:
    """Show ``view`` on ``page``: columns (names a release no longer has are passed over), sort,
    then the filter (the table is read again once for the sort, once for the filter)."""
    model, table = page.model, page.table
    header = table.horizontalHeader()
    columns = [c for c in view.get("columns") or [] if isinstance(c, str)
               and c in model.column_names] or default_view(page)["columns"]
    for position, name in enumerate(columns):
        header.moveSection(header.visualIndex(model.column_of(name)), position)
    table.hide_columns(set(model.column_names) - set(columns))
    sort = view.get("sort")
    descending = bool(view.get("descending"))
    if isinstance(sort, str) and sort in model.kind.sortable and (
            sort != model.sort_field or descending != model.descending):
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        if sort in model.column_names:
            header.setSortIndicator(model.column_of(sort), order)  # the page re-sorts
        else:
            model.sort_field, model.descending = sort, descending
            model.reload()
    for widget in (page.filter_edit, page.status_combo, page.mine_check):
        if widget is not None:
            widget.blockSignals(True)
    try:
        page.filter_edit.setText(str(view.get("search") or "")[:1000])
        page.status_combo.setCurrentIndex(max(page.status_combo.findData(view.get("status")),
                                              0))
        if page.mine_check is not None:
            page.mine_check.setChecked(bool(view.get("mine")))
    finally:
        for widget in (page.filter_edit, page.status_combo, page.mine_check):
            if widget is not None:
                widget.blockSignals(False)
    page.apply_filter()


class ViewsButton(QToolButton):
    """"Views ▾" above a record table: the saved views, the default view, save and delete."""

    def __init__(self, page):
        super().__init__(page)
        self.page = page
        self.setText(_("&Views"))
        self.setToolTip(_("Saved views of this list: filter, sort and columns under a name"))
        self.setAccessibleName(_("Saved views"))
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setMenu(QMenu(self))
        self.menu().aboutToShow.connect(self.fill_menu)

    def store(self) -> ViewStore:
        return ViewStore(self.page.repo, self.page.kind.name)

    def fill_menu(self) -> None:
        menu = self.menu()
        menu.clear()
        store = self.store()
        for name in store.names():
            menu.addAction(name.replace("&", "&&"), lambda n=name: self.show_view(n))
        if store.names():
            menu.addSeparator()
        menu.addAction(_("&Default view"), lambda: apply_view(self.page,
                                                              default_view(self.page)))
        menu.addAction(_("&Save view as…"), self.ask_and_save)
        remove = menu.addMenu(_("De&lete view"))
        remove.setEnabled(bool(store.names()))
        for name in store.names():
            remove.addAction(name.replace("&", "&&"), lambda n=name: self.delete(n))

    def show_view(self, name: str) -> bool:
        view = self.store().get(name)
        if view is None:
            return False
        apply_view(self.page, view)
        self.page.say(_("View “{name}” shown").format(name=name))
        return True

    def ask_and_save(self) -> str | None:
        name, ok = ask_name(self.page)
        if not ok:
            return None
        return self.save(name)

    def save(self, name: str) -> str | None:
        store = self.store()
        cleaned = clean_text(name, False)
        if cleaned in store.all() and messages.question(
                self.page, _("Save view"), _("Replace the view “{name}”?").format(
                    name=cleaned)) != QMessageBox.StandardButton.Yes:
            return None
        try:
            kept = store.save(name, view_of(self.page))
        except ValueError as exc:
            messages.warning(self.page, _("View not saved"), str(exc))
            return None
        self.page.say(_("View “{name}” saved").format(name=kept))
        return kept

    def delete(self, name: str) -> None:
        self.store().delete(name)
        self.page.say(_("View “{name}” deleted").format(name=name))


def ask_name(parent) -> tuple[str, bool]:
    """The name to keep a view under (tests answer it)."""
    return QInputDialog.getText(parent, _("Save view"), _("Name of the view:"))
