"""Preferences: the interface language (system default, English, Русский).

The choice is stored in ``QSettings`` under ``language`` ("system", "en" or "ru") and takes effect
the next time the program starts: :func:`install_language` reads it at start-up, switches the
core's catalogue (:func:`tracker.i18n.set_language`) and installs Qt's own ``qtbase`` translation
for standard buttons and dialogs.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from tracker import i18n
from tracker.i18n import N_, _

SETTINGS_KEY = "language"
SYSTEM = "system"
# Each language is named in itself, so a user who cannot read the current one still finds theirs.
LANGUAGE_CHOICES = (
    (SYSTEM, N_("System default")),
    ("en", "English"),
    ("ru", "Русский"),
)

_installed: list[QTranslator] = []


def _settings(settings: QSettings | None) -> QSettings:
    return settings if settings is not None else QSettings()


def saved_language(settings: QSettings | None = None) -> str:
    """The stored choice: "system", "en" or "ru" (anything else reads as "system")."""
    value = _settings(settings).value(SETTINGS_KEY, SYSTEM)
    value = str(value) if value is not None else SYSTEM
    return value if value in {code for code, _label in LANGUAGE_CHOICES} else SYSTEM


def save_language(value: str, settings: QSettings | None = None) -> None:
    if value not in {code for code, _label in LANGUAGE_CHOICES}:
        raise ValueError(f"unknown language {value!r}")
    s = _settings(settings)
    s.setValue(SETTINGS_KEY, value)
    s.sync()


def effective_language(choice: str) -> str:
    """The language a stored choice means on this computer ("system" follows the desktop)."""
    if choice == SYSTEM:
        return i18n.system_language(QLocale.system().name())
    return choice


def install_language(app: QCoreApplication | None = None, lang: str | None = None,
                     settings: QSettings | None = None) -> str:
    """Switch the whole program to ``lang`` (default: the saved preference); returns the code.

    Call once at start-up, after ``setOrganizationName``/``setApplicationName`` and before the
    first window is built. Installs Qt's ``qtbase_<lang>`` translation (standard buttons, file
    dialogs) and sets the default ``QLocale`` so Qt's own date and number widgets match.
    """
    app = app or QCoreApplication.instance()
    code = effective_language(lang or saved_language(settings))
    code = i18n.set_language(code)
    for translator in _installed:
        if app is not None:
            app.removeTranslator(translator)
    _installed.clear()
    QLocale.setDefault(QLocale("ru_RU" if code == "ru" else "en_GB"))
    if code != "en" and app is not None:
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        translator = QTranslator(app)
        if translator.load(f"qtbase_{code}", folder):
            app.installTranslator(translator)
            _installed.append(translator)
    return code


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

        self.restart_note = QLabel(_("The new language takes effect when you restart "
                                     "Bilateral Tracker."))
        self.restart_note.setObjectName("restartNote")
        self.restart_note.setWordWrap(True)
        self.system_note = QLabel()
        self.system_note.setWordWrap(True)
        self.system_note.setEnabled(False)

        form = QFormLayout()
        form.addRow(_("&Language:"), self.language_combo)
        form.addRow("", self.system_note)

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

    def language(self) -> str:
        return str(self.language_combo.currentData())

    def restart_needed(self) -> bool:
        """True when the chosen language is not the one the program is running in."""
        return effective_language(self.language()) != i18n.current_language()

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
        save_language(self.language(), self._settings)
        super().accept()
