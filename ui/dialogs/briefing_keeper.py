"""Saved briefs in the Briefing dialog: the list to choose from, opening one (its text and its
options into the panels), saving it (a new record, or the one opened, with the version it was
opened at), saving it as a new one, and moving it to the trash. Briefs are records of the briefs
kind: the repository checks and audits them like any other, and Undo in the main window undoes
a save."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from tracker import briefing as core
from tracker.errors import TrackerError
from tracker.i18n import gettext as _
from tracker.model.figures import BRIEFS_KIND
from ui import messages

LIST_LIMIT = 500  # briefs offered in the list (the newest first)


class BriefsKeeper:
    """The dialog's saved briefs (``dialog``: a BriefingDialog)."""

    def __init__(self, dialog):
        self.dialog = dialog
        self.panel = dialog.brief_panel
        self.panel.brief_combo.activated.connect(self._chosen)
        self.panel.save_button.clicked.connect(self._save)
        self.panel.save_new_button.clicked.connect(self._save_new)
        self.panel.delete_button.clicked.connect(self.delete)
        dialog.save_shortcut.activated.connect(self._save)

    def _save(self, *_args) -> None:
        self.save()

    def _save_new(self, *_args) -> None:
        self.save(as_new=True)

    def load_list(self, select: int | None = None) -> None:
        combo = self.panel.brief_combo
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(_("(new brief)"), None)
        try:
            rows = self.dialog.repo.list(BRIEFS_KIND.name, sort="updated_at", descending=True,
                                         limit=LIST_LIMIT, columns=["title"])
        except TrackerError:
            rows = []
        for row in rows:
            combo.addItem(row["title"], row["id"])
        self.panel.select(combo, select)
        combo.blockSignals(False)
        self._buttons()

    def _buttons(self) -> None:
        writable = not self.dialog.repo.read_only
        self.panel.delete_button.setEnabled(writable and self.dialog.brief_id is not None)
        self.panel.save_new_button.setEnabled(writable and self.dialog.brief_id is not None)

    def _chosen(self, _index: int = 0) -> None:
        rid = self.panel.brief_combo.currentData()
        if rid is None:
            self.new()
        else:
            self.open(rid)

    def new(self) -> None:
        """A new brief: the text cleared, the options kept."""
        self.dialog.brief_id = self.dialog.brief_version = None
        self.panel.set_values({})
        self._buttons()
        self.dialog.preview.schedule()

    def open(self, rid: int) -> bool:
        """Show the saved brief ``rid``: its text and its options."""
        d = self.dialog
        try:
            record = d.repo.get(BRIEFS_KIND.name, rid, include_deleted=False)
            options = core.options_of(record)
        except (TrackerError, core.BriefingError) as exc:
            d.show_error(str(exc))
            return False
        d.brief_id, d.brief_version = rid, record["version"]
        d.set_options(options)
        d.panel.purpose_edit.setPlainText(record.get("purpose") or "")  # the brief's own
        self.panel.set_values(record)
        self.panel.select(self.panel.brief_combo, rid)
        self._buttons()
        d.preview.schedule()
        return True

    def save(self, as_new: bool = False) -> bool:
        """Save the brief and its options (a new record when there is none yet, or
        ``as_new``)."""
        d = self.dialog
        if d.repo.read_only:
            return False
        try:
            values = core.record_values(d.brief(), d.options())
            if d.brief_id is None or as_new:
                change = d.repo.create(BRIEFS_KIND.name, values)
            else:
                change = d.repo.update(BRIEFS_KIND.name, d.brief_id, values,
                                       expected_version=d.brief_version)
        except (TrackerError, core.BriefingError) as exc:
            d.show_error(str(exc))
            return False
        record = d.repo.get(BRIEFS_KIND.name, change.record_id)
        d.brief_id, d.brief_version = record["id"], record["version"]
        self.load_list(select=d.brief_id)
        d.show_status(_("Brief “{title}” saved.").format(title=record["title"]))
        return True

    def delete(self) -> None:
        d = self.dialog
        if d.brief_id is None:
            return
        title = self.panel.brief_combo.currentText()
        answer = messages.question(d, _("Delete brief"), _(
            "Move the brief “{title}” to the trash?").format(title=title))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            d.repo.delete(BRIEFS_KIND.name, d.brief_id)
        except TrackerError as exc:
            d.show_error(str(exc))
            return
        self.load_list()
        self.new()
        d.show_status(_("Brief “{title}” moved to the trash.").format(title=title))
