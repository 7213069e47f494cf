"""Preferences: the language choice is stored, survives a restart and switches Qt's own texts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from tracker import i18n
from ui.dialogs.preferences import (
    LANGUAGE_CHOICES,
    PreferencesDialog,
    install_language,
    save_language,
    saved_language,
)

pytestmark = pytest.mark.gui


@pytest.fixture
def settings(tmp_path):
    s = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    yield s
    s.sync()


@pytest.fixture
def restore_qt_language(qapp):
    yield
    install_language(qapp, "en")


def test_offers_system_english_and_russian(qtbot, settings):
    dialog = PreferencesDialog(settings=settings)
    qtbot.addWidget(dialog)
    combo = dialog.language_combo
    assert [combo.itemData(i) for i in range(combo.count())] == ["system", "en", "ru"]
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "System default", "English", "Русский"]
    assert combo.currentData() == "system"  # nothing saved yet
    assert "restart" in dialog.restart_note.text()


def test_ok_stores_the_choice_and_it_survives_a_restart(qtbot, settings, tmp_path):
    dialog = PreferencesDialog(settings=settings)
    qtbot.addWidget(dialog)
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("ru"))
    assert dialog.restart_needed()  # running in English, chose Russian
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.result() == PreferencesDialog.DialogCode.Accepted
    # a new QSettings on the same file: what the next start of the program reads
    again = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    assert again.value("language") == "ru"
    assert saved_language(again) == "ru"
    reopened = PreferencesDialog(settings=again)
    qtbot.addWidget(reopened)
    assert reopened.language() == "ru"


def test_cancel_keeps_the_old_choice(qtbot, settings):
    save_language("en", settings)
    dialog = PreferencesDialog(settings=settings)
    qtbot.addWidget(dialog)
    assert dialog.language() == "en"
    assert not dialog.restart_needed()
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("ru"))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert saved_language(settings) == "en"


def test_unknown_stored_value_reads_as_system_default(settings):
    settings.setValue("language", "klingon")
    assert saved_language(settings) == "system"
    with pytest.raises(ValueError):
        save_language("klingon", settings)


def test_dialog_in_russian(qtbot, settings, restore_qt_language, qapp):
    install_language(qapp, "ru")
    dialog = PreferencesDialog(settings=settings)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Настройки"
    assert dialog.language_combo.itemText(0) == "Как в системе"
    assert "перезапуск" in dialog.restart_note.text()
    # Qt's own buttons come from qtbase_ru
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "Отмена"


def test_install_language_reads_the_saved_choice(settings, restore_qt_language, qapp):
    save_language("ru", settings)
    assert install_language(qapp, settings=settings) == "ru"
    assert i18n.current_language() == "ru"
    assert i18n._("Meetings") == "Встречи"
    box = QMessageBox()
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    assert box.button(QMessageBox.StandardButton.No).text().replace("&", "") == "Нет"
    save_language("en", settings)
    assert install_language(qapp, settings=settings) == "en"
    assert i18n._("Meetings") == "Meetings"
    box = QMessageBox()
    box.setStandardButtons(QMessageBox.StandardButton.No)
    assert box.button(QMessageBox.StandardButton.No).text().replace("&", "") == "No"


def test_system_default_follows_the_desktop_language(settings, restore_qt_language, qapp,
                                                      monkeypatch):
    from PySide6.QtCore import QLocale

    monkeypatch.setattr(QLocale, "system", lambda: QLocale("ru_RU"))
    assert install_language(qapp, settings=settings) == "ru"
    monkeypatch.setattr(QLocale, "system", lambda: QLocale("de_DE"))
    assert install_language(qapp, settings=settings) == "en"


def test_language_names_are_written_in_their_own_language():
    assert dict(LANGUAGE_CHOICES)["ru"] == "Русский"
    assert dict(LANGUAGE_CHOICES)["en"] == "English"


def test_main_window_preferences_use_the_application_settings(qtbot, qapp, restore_qt_language):
    """Without an explicit QSettings the dialog writes where the app reads at start-up."""
    dialog = PreferencesDialog()
    qtbot.addWidget(dialog)
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("ru"))
    dialog.accept()
    assert QSettings().value("language") == "ru"
    assert install_language(qapp) == "ru"  # what the next start does


def test_the_reminder_horizon_and_my_lead_are_preferences(qtbot, settings, main_window, repo):
    from ui.deadline_prefs import horizon_days, my_lead

    repo.create("roadmap", {"title": "Mine", "home_lead": "Министерство промышленности"})
    dialog = PreferencesDialog(main_window, settings=settings)
    qtbot.addWidget(dialog)
    assert dialog.horizon_spin.value() == 14  # the default
    leads = [dialog.lead_combo.itemText(i) for i in range(dialog.lead_combo.count())]
    assert "Министерство промышленности" in leads  # the names the records use
    dialog.horizon_spin.setValue(30)
    dialog.lead_combo.setCurrentText("  Министерство   промышленности ")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert horizon_days(settings) == 30
    assert my_lead(settings) == "Министерство промышленности"
    again = PreferencesDialog(settings=settings)
    qtbot.addWidget(again)
    assert again.horizon_spin.value() == 30
    assert again.lead_combo.currentText() == "Министерство промышленности"
