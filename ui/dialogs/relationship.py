"""File › Relationship…: the two countries of the relationship and its title, as the dashboard,
briefings and calendars show them. Stored in the database (its settings, audited like every
write), so every desk on the file or server sees the same; an export carries them."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from tracker.errors import TrackerError
from tracker.i18n import gettext as _
from tracker.store.settings import MAX_SETTING_CHARS
from ui import messages


def setting_label(key: str) -> str:
    """A setting of the relationship as the user reads it."""
    return {"home_country": _("Home country"), "partner_country": _("Partner country"),
            "relationship_title": _("Title of the relationship")}.get(key, key)


class RelationshipDialog(QDialog):
    """Name the relationship; OK saves what changed (one audited write), Cancel nothing.
    ``first``: a new database's first question (says why it asks)."""

    def __init__(self, repo, parent: QWidget | None = None, *, first: bool = False):
        super().__init__(parent)
        self.repo = repo
        self.change = None
        self.setObjectName("relationshipDialog")
        self.setWindowTitle(_("Relationship"))
        current = repo.settings()
        self.home_edit = self._edit(current["home_country"], _("e.g. Belarus"))
        self.partner_edit = self._edit(current["partner_country"], _("e.g. Kazakhstan"))
        self.title_edit = self._edit(current["relationship_title"], "")
        self.home_edit.textChanged.connect(self._suggest)
        self.partner_edit.textChanged.connect(self._suggest)
        self._suggest()
        self.intro = intro = QLabel(_(
            "This database is new. Which relationship does it record? The dashboard, briefings "
            "and calendars are headed with its title; you can change it later under File › "
            "Relationship…") if first else _(
            "The relationship this database records, as the dashboard, briefings and calendars "
            "name it. Every desk that opens this database sees the change."))
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("&Home country:"), self.home_edit)
        form.addRow(_("&Partner country:"), self.partner_edit)
        form.addRow(_("&Title:"), self.title_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        if repo.read_only:
            for edit in (self.home_edit, self.partner_edit, self.title_edit):
                edit.setReadOnly(True)
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 34)

    def _edit(self, text: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit(text)
        edit.setMaxLength(MAX_SETTING_CHARS)
        edit.setPlaceholderText(placeholder)
        return edit

    def _suggest(self) -> None:
        """An empty title shows what the dashboard will say instead (the two countries)."""
        both = " – ".join(x for x in (self.home_edit.text().strip(),
                                      self.partner_edit.text().strip()) if x)
        self.title_edit.setPlaceholderText(both or _("e.g. Belarus – Kazakhstan"))

    def values(self) -> dict[str, str]:
        return {"home_country": self.home_edit.text(),
                "partner_country": self.partner_edit.text(),
                "relationship_title": self.title_edit.text()}

    def accept(self) -> None:
        try:
            self.change = self.repo.set_settings(self.values())
        except TrackerError as exc:  # read-only, conflict, storage: say so, keep the dialog
            messages.warning(self, _("Relationship"), str(exc))
            return
        super().accept()
