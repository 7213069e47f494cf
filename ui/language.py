"""The interface language at start-up: the saved choice (``QSettings`` "language": "system", "en"
or "ru"), the core's catalogue and Qt's own ``qtbase`` translation. Imports nothing from QtWidgets:
it runs before the first frame (the Preferences dialog lives in :mod:`ui.dialogs.preferences`)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from tracker import i18n
from tracker.i18n import N_

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
    i18n.set_date_style(saved_dates(settings))
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


# --- how dates are written (tables, forms, the dashboard; the CLI's --dates) --------------------

DATES_KEY = "dates"
AUTO = "auto"  # as the language writes them: day first with dots in Russian, else ISO


def saved_dates(settings: QSettings | None = None) -> str:
    """The stored date format: "auto", "iso" or "dotted" (anything else reads as "auto")."""
    value = _settings(settings).value(DATES_KEY, AUTO)
    return value if value in (AUTO, *i18n.DATE_STYLES) else AUTO


def save_dates(value: str, settings: QSettings | None = None) -> None:
    if value not in (AUTO, *i18n.DATE_STYLES):
        raise ValueError(f"unknown date format {value!r}")
    s = _settings(settings)
    s.setValue(DATES_KEY, value)
    s.sync()
