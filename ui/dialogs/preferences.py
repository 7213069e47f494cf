"""Preferences: the interface language (system default, English, Русский); how dates are
written (as the language writes them, ISO or DD.MM.YYYY: ``ui.language.saved_dates``); how far
ahead the daily reminder of deadlines looks; the lead whose items "My items" lists
(``ui.deadline_prefs``).

The choice is stored in ``QSettings`` under ``language`` ("system", "en" or "ru") and takes effect
the next time the program starts: :func:`install_language` reads it at start-up, switches the
core's catalogue (:func:`tracker.i18n.set_language`) and installs Qt's own ``qtbase`` translation
for standard buttons and dialogs.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tracker import i18n
from tracker.i18n import gettext as _
from tracker.store.results import os_user
from ui.language import (  # noqa: F401 - the language functions, for callers of this module
    LANGUAGE_CHOICES,
    SETTINGS_KEY,
    SYSTEM,
    effective_language,
    install_language,
    save_language,
    saved_language,
)


class PreferencesDialog(QDialog):
    """Edit the preferences; OK stores them, Cancel leaves them as they were."""

    def __init__(self, parent: QWidget | None = None, settings: QSettings | None = None):
        super().__init__(parent)
        self._settings = settings
        self.setWindowTitle(_("Preferences"))
        self.setObjectName("preferencesDialog")

        self.language_combo = QComboBox()
        self.language_combo.setObjectName("languageCombo")
        for code, label in LANGUAGE_CHOICES:
            self.language_combo.addItem(_(label), code)
        self.language_combo.setAccessibleName(_("Interface language"))
        self._initial = saved_language(self._settings)
        self.language_combo.setCurrentIndex(self.language_combo.findData(self._initial))

        self.restart_note = QLabel(_("A new language or date format takes effect when you "
                                     "restart Bilateral Tracker."))
        self.restart_note.setObjectName("restartNote")
        self.restart_note.setWordWrap(True)
        self.system_note = QLabel()
        self.system_note.setWordWrap(True)
        self.system_note.setEnabled(False)

        form = QFormLayout()
        form.addRow(_("&Language:"), self.language_combo)
        form.addRow("", self.system_note)
        self._dates_row(form)
        self._deadline_rows(form, parent)
        self._name_row(form, parent)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.restart_note)
        layout.addStretch(1)
        layout.addWidget(buttons)

        self.language_combo.currentIndexChanged.connect(self._update_notes)
        self._update_notes()
        self.setMinimumWidth(420)

    def _deadline_rows(self, form: QFormLayout, parent) -> None:
        """How far ahead the daily reminder looks, and the lead whose items "My items" shows."""
        from ui.deadline_prefs import MAX_HORIZON, horizon_days, my_lead

        self.horizon_spin = QSpinBox()
        self.horizon_spin.setObjectName("horizonDays")
        self.horizon_spin.setRange(0, MAX_HORIZON)
        self.horizon_spin.setValue(horizon_days(self._settings))
        self.horizon_spin.setSuffix(" " + _("days"))
        self.horizon_spin.setAccessibleName(_("Reminder horizon"))
        self.horizon_spin.setToolTip(_("On opening, once a day, the reminder lists what falls "
                                       "due within this many days"))
        self.lead_combo = QComboBox()
        self.lead_combo.setObjectName("myLead")
        self.lead_combo.setEditable(True)
        self.lead_combo.setAccessibleName(_("My lead"))
        self.lead_combo.setToolTip(_("The lead (as written in the records) whose items "
                                     "\u201cMy items\u201d lists"))
        repo = getattr(parent, "repo", None)
        try:
            names = repo.leads() if repo is not None else []
        except Exception:  # noqa: BLE001 - a closed or lost database: type the name instead
            names = []
        self.lead_combo.addItem("")
        self.lead_combo.addItems(names)
        self.lead_combo.setCurrentText(my_lead(self._settings))
        form.addRow(_("&Remind of what falls due within:"), self.horizon_spin)
        form.addRow(_("&My lead:"), self.lead_combo)

    def _dates_row(self, form: QFormLayout) -> None:
        """How dates are written in the tables, forms and dashboard (ui.language.saved_dates)."""
        import datetime as _dt

        from ui.language import AUTO, saved_dates

        example = _dt.date(2026, 3, 31)
        self.dates_combo = QComboBox()
        self.dates_combo.setObjectName("datesCombo")
        self.dates_combo.setAccessibleName(_("Date format"))
        self.dates_combo.addItem(_("As the language writes them"), AUTO)
        for style in i18n.DATE_STYLES:
            self.dates_combo.addItem(f"{i18n.date_pattern(style)} \u2014 "
                                     f"{i18n.short_date(example, style)}", style)
        self._initial_dates = saved_dates(self._settings)
        self.dates_combo.setCurrentIndex(self.dates_combo.findData(self._initial_dates))
        self.dates_combo.currentIndexChanged.connect(self._update_notes)
        form.addRow(_("&Dates:"), self.dates_combo)

    def _name_row(self, form: QFormLayout, parent) -> None:
        """The name the history and a briefing's "Prepared by" give (``ui.audit_name``); on a
        server the history names the login, which the server sets: shown, not editable."""
        from ui.audit_name import MAX_NAME, display_name, server_login

        self.name_edit = QLineEdit(display_name(self._settings))
        self.name_edit.setObjectName("displayName")
        self.name_edit.setMaxLength(MAX_NAME)
        self.name_edit.setAccessibleName(_("Your name"))
        self.name_edit.setPlaceholderText(os_user())
        self.name_note = QLabel()
        self.name_note.setWordWrap(True)
        self.name_note.setEnabled(False)
        login = server_login(getattr(parent, "repo", None))
        if login:
            self.name_note.setText(_(
                "On this shared server the history names your login, {login}: the server "
                "records it. The name above is offered as the briefing's \u201cPrepared "
                "by\u201d.").format(login=login))
        else:
            self.name_note.setText(_(
                "The history (\u201cchanged by\u201d) and a briefing's \u201cPrepared by\u201d "
                "give this name; left empty, the computer's account ({account}).").format(
                    account=os_user()))
        form.addRow(_("Your &name:"), self.name_edit)
        form.addRow("", self.name_note)

    def language(self) -> str:
        return str(self.language_combo.currentData())

    def restart_needed(self) -> bool:
        """True when the chosen language is not the one the program is running in."""
        return effective_language(self.language()) != i18n.current_language() or \
            self.dates_combo.currentData() != self._initial_dates

    def _update_notes(self) -> None:
        if self.language() == SYSTEM:
            name = dict((c, label) for c, label in LANGUAGE_CHOICES)[
                effective_language(SYSTEM)]
            self.system_note.setText(_("On this computer: {language}").format(language=name))
            self.system_note.show()
        else:
            self.system_note.hide()
        font = self.restart_note.font()
        font.setBold(self.restart_needed())
        self.restart_note.setFont(font)

    def accept(self) -> None:
        from ui.deadline_prefs import set_horizon_days, set_my_lead
        from ui.language import save_dates

        save_language(self.language(), self._settings)
        save_dates(str(self.dates_combo.currentData()), self._settings)
        set_horizon_days(self.horizon_spin.value(), self._settings)
        set_my_lead(self.lead_combo.currentText(), self._settings)
        from ui import audit_name

        audit_name.set_display_name(self.name_edit.text(), self._settings)
        audit_name.apply(getattr(self.parent(), "repo", None), self._settings,
                         cleared=True)
        super().accept()
