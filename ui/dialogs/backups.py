"""File > Backups...: the backups of the open database, with Create and Restore.

Restoring replaces the database file, so the dialog closes the repository first. It then ends with
the result code :data:`BackupsDialog.Reopen` and emits :attr:`BackupsDialog.restored` with the
database path: the main window must open that path again (the repository it holds is closed).
The file as it was before is kept beside it as ``<name>.before-restore-<time>``.

:func:`offer_newest_good_backup` is for start-up: when a file cannot be opened because it is
damaged, it offers to restore the newest backup that passes the integrity check.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker.i18n import format_date, ngettext
from tracker.i18n import gettext as _
from tracker.model import KIND_ORDER, KINDS
from tracker.store.sqlite import backup
from tracker.store.sqlite import restore as restoring
from ui import messages

PathRole = Qt.ItemDataRole.UserRole + 1


def when_text(when: _dt.datetime) -> str:
    """A backup's time in the user's time zone, dated the way their language writes dates."""
    local = when.astimezone()
    return f"{format_date(local.date())} {local:%H:%M:%S}"


def size_text(n: int) -> str:
    if n < 1024 * 1024:
        return _("{n} KB").format(n=max(1, round(n / 1024)))
    return _("{n} MB").format(n=f"{n / 1024 / 1024:.1f}")


class BackupsDialog(QDialog):
    """List, create and restore backups of ``repo``'s database."""

    Reopen = 2  # exec() result: the repository was closed for a restore; open db_path again
    restored = Signal(str)  # the database path, after a restore (the repository is closed)

    def __init__(self, repo, parent: QWidget | None = None):
        super().__init__(parent)
        self.repo = repo
        self.db_path = Path(repo.path)
        self.set_aside: Path | None = None  # where the file as it was went, after a restore
        self.restored_from: Path | None = None
        # Set by the main window: asked after the user confirms a restore, before the repository
        # is closed (e.g. a form's "save or discard your unsaved edit?"); False cancels.
        self.confirm_leave: Callable[[], bool] | None = None
        self.setWindowTitle(_("Backups"))
        self.setObjectName("backups_dialog")
        self.resize(900, 420)

        intro = QLabel(_(
            "Backups of {path} are made automatically when it is opened (once a day) and when "
            "the program closes after changes. They are kept in {folder}: the newest {last} and "
            "one a day for {days} days.").format(
                path=self.db_path, folder=backup.backup_dir(self.db_path),
                last=backup.KEEP_LAST, days=backup.KEEP_DAYS))
        intro.setWordWrap(True)
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        headers = [_("Made"), _("Size"), *(_(KINDS[k].plural) for k in KIND_ORDER)]
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setAccessibleName(_("Backups"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemActivated.connect(lambda _item: self.restore_selected())

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.create_button = QPushButton(_("Back up now"))
        self.create_button.setToolTip(_("Make a backup of the database as it is now"))
        self.create_button.clicked.connect(self.create_backup)
        self.restore_button = QPushButton(_("Restore…"))
        self.restore_button.setToolTip(_(
            "Replace the database with the selected backup; the current file is kept aside"))
        self.restore_button.clicked.connect(self.restore_selected)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))

        bar = QHBoxLayout()
        bar.addWidget(self.create_button)
        bar.addWidget(self.restore_button)
        bar.addStretch(1)
        bar.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(bar)

        if repo.read_only:
            self.create_button.setEnabled(False)
            self.create_button.setToolTip(_("The database is open read-only"))
        self.refresh()

    # -- list ---------------------------------------------------------------------------------

    def refresh(self, select: Path | None = None) -> None:
        self.infos = backup.list_backups(self.db_path)
        self.table.setRowCount(len(self.infos))
        for row, info in enumerate(self.infos):
            cells = [when_text(info.created), size_text(info.size)]
            if info.ok:
                cells += [str(info.counts.get(k, 0)) for k in KIND_ORDER]
            else:
                cells += [_("unreadable")] + [""] * (len(KIND_ORDER) - 1)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(PathRole, str(info.path))
                item.setToolTip(str(info.path) if info.ok else _(
                    "{path} cannot be read: {error}").format(path=info.path, error=info.error))
                if col >= 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        if self.infos:
            target = 0
            if select is not None:
                target = next((r for r, i in enumerate(self.infos) if i.path == select), 0)
            self.table.selectRow(target)
            self.status.setText(ngettext("{n} backup.", "{n} backups.", len(self.infos)).format(
                n=len(self.infos)))
        else:
            self.status.setText(_("No backups yet."))
        self._update_buttons()

    def selected(self) -> backup.BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.infos[rows[0].row()]

    def _update_buttons(self) -> None:
        info = self.selected()
        can = info is not None and info.ok and not self.repo.read_only
        self.restore_button.setEnabled(can)

    # -- actions ------------------------------------------------------------------------------

    def create_backup(self) -> Path | None:
        try:
            made = backup.create_backup(self.repo)
        except backup.BackupError as exc:
            messages.warning(self, _("Backups"), str(exc))
            return None
        self.refresh(select=made)
        self.status.setText(_("Backup made: {path}").format(path=made))
        return made

    def restore_selected(self) -> bool:
        """Ask, then restore the selected backup; True when the database was replaced."""
        info = self.selected()
        if info is None or not info.ok or self.repo.read_only:
            return False
        report = backup.check_backup(info.path)
        if not report.ok:
            messages.warning(self, _("Restore backup"), _(
                "This backup is damaged and cannot be restored:\n{detail}").format(
                    detail="\n".join(report.lines())))
            return False
        answer = messages.question(
            self, _("Restore backup"), _(
                "Replace the database with the backup made {when}?\n\n"
                "Changes made since then will not be in the database. The file as it is now is "
                "kept beside it (named {name}.before-restore-…), so nothing is lost.").format(
                    when=when_text(info.created), name=self.db_path.name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        if self.confirm_leave is not None and not self.confirm_leave():
            return False
        self.repo.close()  # the file is about to be replaced: no connection may stay on it
        try:
            self.set_aside = restoring.restore(self.db_path, info.path)
        except backup.BackupError as exc:
            messages.critical(self, _("Restore backup"), str(exc))
        else:
            self.restored_from = info.path
            self.restored.emit(str(self.db_path))
        self.done(self.Reopen)  # either way the repository is closed: the window reopens it
        return self.restored_from is not None


def offer_newest_good_backup(db_path, error: str, parent: QWidget | None = None) -> bool:
    """After ``db_path`` failed to open with ``error``: offer the newest good backup.

    Returns True when it was restored (open ``db_path`` again); False when there is none or the
    user declined. The damaged file is kept aside, never deleted."""
    db_path = Path(db_path)
    good = backup.newest_good_backup(db_path)
    if good is None:
        return False
    info = next((i for i in backup.list_backups(db_path) if i.path == good), None)
    when = when_text(info.created) if info else good.name
    answer = messages.question(
        parent, _("Cannot open the database"), _(
            "{error}\n\nRestore the newest good backup, made {when}? The damaged file is kept "
            "beside it (named {name}.before-restore-…).").format(
                error=error, when=when, name=db_path.name),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes)
    if answer != QMessageBox.StandardButton.Yes:
        return False
    try:
        restoring.restore(db_path, good)
    except backup.BackupError as exc:
        messages.critical(parent, _("Restore backup"), str(exc))
        return False
    return True
