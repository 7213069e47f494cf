"""The CLI in the interface language: our help texts translated when shown, and click's own
messages (usage lines, section titles, usage errors) through our catalogue."""

from __future__ import annotations

import gettext
import os
import shutil
import tempfile

from cli_helpers import ok
from click.testing import CliRunner
from clirun import run_cli

from tools import i18n as i18n_tools
from tracker.cli import help as cli_help
from tracker.cli.main import main

PROG = "bilateral-tracker-cli"


def _help(*args):
    return ok(CliRunner().invoke(main, [*args, "--help"], prog_name=PROG)).stdout


def _usage_error(*args) -> str:
    result = CliRunner().invoke(main, list(args), prog_name=PROG)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    return result.stderr


def test_help_is_shown_in_the_chosen_language_and_english_stays_english():
    russian = _help("--language", "ru")
    assert russian.startswith("Использование: bilateral-tracker-cli")
    assert "Параметры:" in russian and "Команды:" in russian
    assert "Показать это описание и выйти." in russian
    assert "Импортировать экспорт" in russian  # a command's short help in the list
    listing = _help("--language", "ru", "list")
    assert "Показать записи одного вида таблицей" in listing
    assert "Сортировать по убыванию." in listing
    assert "bilateral-tracker-cli list roadmap --status planned" in listing  # examples as written
    english = _help("--language", "en", "list")  # the English texts were put back
    assert english.startswith("Usage: bilateral-tracker-cli list")
    assert "List the records of one kind as a table" in english
    assert "Sort in descending order." in english and "Options:" in english


def test_every_command_shows_its_help_translated():
    """Every command renders its help through the catalogue, so a new command cannot slip in
    with English-only help."""
    from tracker.cli.help import TranslatedCommand

    for name, cmd in main.commands.items():
        assert isinstance(cmd, TranslatedCommand), name
        page = _help("--language", "ru", name)
        assert "Использование:" in page and "Параметры:" in page, name
        assert "Пример:" in page, name  # the docstring's translation (with its example)


def test_clicks_usage_errors_are_in_the_interface_language():
    missing = _usage_error("--language", "ru", "show")
    assert "Использование: bilateral-tracker-cli show" in missing
    assert "Не указан аргумент 'KIND'." in missing and "Missing" not in missing
    assert "Подробнее: 'bilateral-tracker-cli show --help'." in missing
    unknown = _usage_error("--language", "ru", "nosuch")
    assert "Нет такой команды: 'nosuch'." in unknown and "No such command" not in unknown
    assert "вне допустимого диапазона" in _usage_error("--language", "ru", "list", "roadmap",
                                                       "--limit", "-1")
    assert "[по умолчанию: 50;" in _help("--language", "ru", "search")
    # and back in English, in the same process
    english = _usage_error("--language", "en", "show")
    assert "Usage: bilateral-tracker-cli show" in english
    assert "Error: Missing argument 'KIND'." in english
    assert "Try 'bilateral-tracker-cli show --help' for help." in english
    assert "[default: 50;" in _help("--language", "en", "search")


def test_a_run_leaves_the_processs_gettext_state_as_it_found_it(monkeypatch):
    monkeypatch.setenv("LANGUAGE", "en")
    domain = gettext.textdomain()
    _usage_error("--language", "ru", "show")
    assert (gettext.textdomain(), os.environ["LANGUAGE"]) == (domain, "en")
    assert gettext.gettext("Missing argument") == "Missing argument"


def test_the_help_option_is_english_after_a_russian_run():
    """click keeps each command's help option once made: made in a Russian run, its text must
    not stay Russian for an English one."""
    ok(CliRunner().invoke(main, ["--language", "ru", "delete", "--help"]))
    english = _help("--language", "en", "delete")
    assert "Show this message and exit." in english and "Показать" not in english


def test_a_checkout_compiles_its_own_copy_and_removes_it(tmp_path, monkeypatch):
    """Without a fresh compiled catalogue (a checkout: .po only) the run compiles one into a
    private folder and removes it; with a fresh one (a build) it uses that."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    translations = tmp_path / "translations"
    shutil.copytree(i18n_tools.translations_dir(), translations,
                    ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(cli_help, "resource_path", tmp_path.joinpath)
    made = []
    real = cli_help.tempfile.mkdtemp

    def mkdtemp(**kwargs):
        made.append(real(**kwargs))
        return made[-1]

    monkeypatch.setattr(cli_help.tempfile, "mkdtemp", mkdtemp)
    assert "Не указан аргумент" in _usage_error("--language", "ru", "show")
    assert len(made) == 1 and not os.path.exists(made[0])
    i18n_tools.compile_catalogues(["ru"], out_dir=translations)
    assert "Не указан аргумент" in _usage_error("--language", "ru", "show")
    assert len(made) == 1  # the build's catalogue, nothing compiled


def test_clicks_messages_are_in_the_catalogue():
    template = i18n_tools.extract()
    for text in ("Usage:", "Options", "Commands", "Show this message and exit.",
                 "Missing argument", "No such command {name!r}.", "Error: {message}"):
        assert template.get(text) is not None, text
    assert "click/exceptions.py" in {f for f, _line in template.get("Missing argument").locations}


def test_a_real_process_prints_clicks_messages_in_russian(tmp_path):
    proc = run_cli("--db", str(tmp_path / "x.db"), "--language", "ru", "show")
    assert proc.returncode == 2
    assert "Не указан аргумент 'KIND'." in proc.stderr
