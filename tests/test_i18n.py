"""Russian as a first-class language: a complete catalogue, translated labels, Russian dates,
language-neutral stored values, Cyrillic-aware search, the CLI and the briefing in Russian."""

from __future__ import annotations

import datetime as dt
import gettext
import os
import shutil
import time
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from tools import i18n as i18n_tools
from tracker import i18n
from tracker.i18n import format_date, set_language
from tracker.i18n import gettext as _
from tracker.model import KIND_ORDER, KINDS, display_value

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def template():
    return i18n_tools.extract()


@pytest.fixture(scope="module")
def ru_catalogue():
    return i18n_tools.read_catalogue("ru")


# --- the catalogue --------------------------------------------------------------------------------

def test_every_string_in_the_code_is_in_the_russian_catalogue(template, ru_catalogue):
    """Fails when someone adds a _()/N_() string and nobody has translated it yet.

    Fix: ``python -m tools.i18n update``, translate the new entries in
    resources/translations/ru/LC_MESSAGES/tracker.po, and commit both files.
    """
    assert len(template) > 100  # the extraction really ran over tracker/ and ui/
    missing = i18n_tools.missing(ru_catalogue, template)
    assert missing == [], f"{len(missing)} strings not in the Russian catalogue: {missing[:20]}"


def test_no_untranslated_or_fuzzy_entry(ru_catalogue):
    untranslated = [m.id for m in i18n_tools.untranslated(ru_catalogue)]
    fuzzy = [m.id for m in i18n_tools.fuzzy(ru_catalogue)]
    assert untranslated == [], f"untranslated: {untranslated[:20]}"
    assert fuzzy == [], f"fuzzy: {fuzzy[:20]}"


def test_translations_keep_every_placeholder(ru_catalogue):
    assert i18n_tools.placeholder_problems(ru_catalogue) == []


def test_every_translation_formats_without_error(ru_catalogue):
    """A translation that renames or mistypes a placeholder raises KeyError when shown."""
    for m in ru_catalogue:
        if not m.id or isinstance(m.id, tuple):
            continue
        names = {f.strip("{}").split("!")[0].split(":")[0] for f in i18n_tools.fields(m.id)}
        if not names or any(not n.isidentifier() for n in names):
            continue
        values = dict.fromkeys(names, 1)
        m.id.format(**values)  # the English formats ...
        m.string.format(**values)  # ... and so does the Russian


def test_no_message_is_built_before_translation():
    """_(f"...") or _("a" + b) cannot be extracted, so it would stay English."""
    assert i18n_tools.dynamic_messages() == []


def test_nothing_is_translated_at_import_time():
    """_() at module level or in a decorator runs once, in English, before --language is read."""
    assert i18n_tools.import_time_messages() == []


def test_the_import_time_check_finds_early_translations(tmp_path):
    (tmp_path / "tracker").mkdir()
    (tmp_path / "tracker" / "early.py").write_text(
        "import click\nfrom tracker.i18n import _, N_\n"
        "TITLE = _('Too early')\n"           # line 3: module level
        "LABEL = N_('Marked, fine')\n"
        "@click.option('--x', help=_('Help text'))\n"  # line 5: decorator
        "def command(x, label=_('Default')):\n"        # line 6: default value
        "    return _('Fine, at call time')\n"
        "class Page:\n"
        "    heading = _('Class level')\n", encoding="utf-8")  # line 9
    found = i18n_tools.import_time_messages(tmp_path)
    assert [line.split(":")[1] for line in found] == ["3", "5", "6", "9"], found


def test_the_check_catches_a_new_untranslated_string(tmp_path, ru_catalogue):
    """The guard itself works: a new string in the source is reported as missing."""
    (tmp_path / "ui").mkdir()
    (tmp_path / "ui" / "new_dialog.py").write_text(
        'from tracker.i18n import _\n\nTITLE = _("A string nobody has translated yet")\n'
        'LABEL = _("Road map")\n', encoding="utf-8")
    template = i18n_tools.extract(tmp_path)
    assert i18n_tools.missing(ru_catalogue, template) == ["A string nobody has translated yet"]


def test_the_placeholder_check_catches_a_lost_placeholder():
    catalog = Catalog(locale="ru")
    catalog.add("Saved {title}", "Сохранено")
    catalog.add("Page {page} of {pages}", "Страница {page} из {pages}")
    catalog.add("{n} found", "Найдено: {count}")
    problems = i18n_tools.placeholder_problems(catalog)
    assert len(problems) == 2
    assert "Saved {title}" in problems[0] and "{n} found" in problems[1]


def test_fuzzy_and_empty_entries_are_reported():
    catalog = Catalog(locale="ru")
    catalog.add("Draft", "Проект")
    catalog.add("Signed", "")
    catalog.add("Expired", "Истекло", flags=["fuzzy"])
    assert [m.id for m in i18n_tools.untranslated(catalog)] == ["Signed"]
    assert [m.id for m in i18n_tools.fuzzy(catalog)] == ["Expired"]


def test_compiled_catalogue_matches_the_source(tmp_path, ru_catalogue):
    (mo,) = i18n_tools.compile_catalogues(["ru"], out_dir=tmp_path)
    assert mo == tmp_path / "ru" / "LC_MESSAGES" / "tracker.mo"
    with open(mo, "rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    checked = 0
    for m in ru_catalogue:
        if not m.id:
            continue
        if isinstance(m.id, str):
            assert compiled.gettext(m.id) == m.string
        else:  # Russian plural forms: 1 запись, 2 записи, 5 записей, 21 запись
            for n, form in ((1, 0), (2, 1), (5, 2), (11, 2), (21, 0), (24, 1)):
                assert compiled.ngettext(m.id[0], m.id[1], n) == m.string[form]
        checked += 1
    assert checked == len(list(i18n_tools.messages(ru_catalogue))) > 100


def test_a_stale_compiled_catalogue_is_not_used(tmp_path, monkeypatch):
    """An old .mo next to a newer .po: the runtime reads the .po, so nobody sees stale text."""
    lc = tmp_path / "translations" / "ru" / "LC_MESSAGES"
    lc.mkdir(parents=True)
    stale = Catalog(locale="ru")
    stale.add("Road map", "СТАРЫЙ ПЕРЕВОД")
    from babel.messages.mofile import write_mo

    with open(lc / "tracker.mo", "wb") as fh:
        write_mo(fh, stale)
    old = time.time() - 3600
    os.utime(lc / "tracker.mo", (old, old))
    shutil.copy(i18n_tools.po_path("ru"), lc / "tracker.po")
    monkeypatch.setattr(i18n, "resource_path", tmp_path.joinpath)
    set_language("ru")
    assert _("Road map") == "Дорожная карта"


def test_extraction_is_fast():
    start = time.perf_counter()
    i18n_tools.extract()
    assert time.perf_counter() - start < 5


# --- the language at run time ---------------------------------------------------------------------

def test_russian_labels_for_kinds_fields_and_choices():
    set_language("ru")
    assert _(KINDS["roadmap"].plural) == "Дорожная карта"
    assert _(KINDS["agreements"].plural) == "Соглашения"
    assert _(KINDS["meetings"].plural) == "Встречи"
    assert _(KINDS["plants"].plural) == "Совместные предприятия"
    assert KINDS["agreements"].status_label("in_force") == "Действует"
    assert _(KINDS["roadmap"].field("due_date").label) == "Срок исполнения"
    # every kind, field and choice label has a Russian form that is not the English one
    for name in KIND_ORDER:
        kind = KINDS[name]
        for text in (kind.label, kind.plural):
            assert _(text) != text
        for f in kind.fields:
            assert _(f.label) != f.label, f.label
            for _value, label in f.choices:
                assert _(label) != label, label


def test_switching_back_to_english():
    set_language("ru")
    set_language("en")
    assert _("Road map") == "Road map"
    assert i18n.current_language() == "en"


def test_system_language(monkeypatch):
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "ru_RU.UTF-8")
    assert i18n.system_language() == "ru"
    assert set_language("system") == "ru"
    assert _("Meetings") == "Встречи"
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert i18n.system_language() == "en"
    monkeypatch.setenv("LANGUAGE", "ru:en")
    assert i18n.system_language() == "ru"


def test_language_block_is_local_to_its_thread():
    """A Russian briefing built in a worker thread leaves the interface's language alone."""
    import threading

    seen = {}
    inside = threading.Event()
    release = threading.Event()

    def worker():
        with i18n.language("ru"):
            seen["worker"] = (_("Meetings"), i18n.current_language(),
                              format_date(dt.date(2026, 11, 27)))
            inside.set()
            release.wait(5)
        seen["after"] = _("Meetings")

    thread = threading.Thread(target=worker)
    thread.start()
    assert inside.wait(5)
    assert _("Meetings") == "Meetings"  # the main thread is still English
    assert i18n.current_language() == "en"
    release.set()
    thread.join(5)
    assert seen["worker"] == ("Встречи", "ru", "27 ноября 2026 г.")
    assert seen["after"] == "Meetings"


def test_language_block_restores_an_outer_block():
    with i18n.language("ru"):
        with i18n.language("en"):
            assert _("Meetings") == "Meetings"
        assert _("Meetings") == "Встречи"
    assert _("Meetings") == "Meetings"


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="kk"):
        set_language("kk")


def test_russian_dates():
    assert format_date(dt.date(2026, 11, 27), "ru") == "27 ноября 2026 г."
    assert format_date("2026-03-01", "ru") == "1 марта 2026 г."
    assert format_date(dt.date(2026, 11, 27), "en") == "27 November 2026"
    set_language("ru")
    assert format_date(dt.date(2017, 6, 9)) == "9 июня 2017 г."
    assert format_date(None) == ""


def test_validation_messages_in_russian(repo):
    set_language("ru")
    _record, problems = repo.check("roadmap", {"title": "", "progress": 150,
                                               "due_date": "завтра"})
    assert problems["title"] == "Поле «Наименование» обязательно для заполнения"
    assert problems["progress"] == "Значение поля «Исполнение, %» должно быть не более 100"
    assert "'завтра' не является датой" in problems["due_date"]


# --- stored values stay language-neutral ----------------------------------------------------------

def test_choice_values_are_stored_language_neutral(repo):
    set_language("ru")
    # a Russian user picks the Russian label; the value stored is the neutral one
    change = repo.create("agreements", {"title": "Соглашение о сотрудничестве",
                                        "status": "Действует", "type": "Меморандум",
                                        "classification": "Для служебного пользования"})
    rid = change.record_id
    raw = repo.backend.conn.execute(
        "SELECT status, type, classification FROM agreements WHERE id = ?", (rid,)).fetchone()
    assert tuple(raw) == ("in_force", "memorandum", "restricted")
    kind = KINDS["agreements"]
    assert display_value(kind, "status", repo.get("agreements", rid)["status"]) == "Действует"
    set_language("en")
    record = repo.get("agreements", rid)
    assert record["status"] == "in_force"
    assert display_value(kind, "status", record["status"]) == "In force"
    assert display_value(kind, "type", record["type"]) == "Memorandum"
    # and the English label works the other way round
    repo.update("agreements", rid, {"status": "Expired"}, expected_version=record["version"])
    set_language("ru")
    assert repo.get("agreements", rid)["status"] == "expired"
    assert kind.status_label("expired") == "Срок действия истек"


def test_russian_choice_labels_are_read_whatever_the_case_and_yo():
    """A Russian label typed in a CLI or a CSV: any case, with ё or е."""
    from tracker.model import normalize

    set_language("ru")
    kind = KINDS["agreements"]
    for typed, value in (("ДЕЙСТВУЕТ", "in_force"), ("срок действия истёк", "expired"),
                         ("Срок действия истек", "expired"), ("in_force", "in_force"),
                         ("in force", "in_force")):
        clean, problems = normalize(kind, {"status": typed})
        assert problems == {} and clean["status"] == value, typed
    _clean, problems = normalize(kind, {"status": "Действует навсегда"})
    assert "не входит в число допустимых значений" in problems["status"]


# --- search folds Cyrillic ------------------------------------------------------------------------

def test_search_treats_yo_as_ye_and_folds_cyrillic_case(empty_repo):
    repo = empty_repo
    a = repo.create("agreements", {"title": "Поставка елка и хвои"}).record_id
    b = repo.create("agreements", {"title": "Ёлочный базар",
                                   "subject": "ДОРОЖНАЯ КАРТА сотрудничества"}).record_id
    assert {h.record_id for h in repo.search("ЁЛКА")} == {a}
    assert {h.record_id for h in repo.search("елочный")} == {b}
    assert {h.record_id for h in repo.search("дорожная карта")} == {b}
    # the table filter folds the same way
    assert [r["id"] for r in repo.list("agreements", search="ЁЛКА")] == [a]
    assert [r["id"] for r in repo.list("agreements", search="ёлочн")] == [b]
    assert repo.count("agreements", search="ЕЛКА") == 1
    assert repo.list("agreements", search="сосна") == []


# --- the CLI --------------------------------------------------------------------------------------

def test_cli_prints_russian_labels(db_path):
    from click.testing import CliRunner

    from tracker.cli.main import main

    runner = CliRunner()
    result = runner.invoke(main, ["--db", str(db_path), "--language", "ru", "list", "roadmap"])
    assert result.exit_code == 0, result.output
    assert "Наименование" in result.output and "Статус" in result.output
    assert "Срок исполнения" in result.output
    assert any(label in result.output for label in ("Планируется", "Выполняется", "Выполнено"))
    assert "Due date" not in result.output
    english = runner.invoke(main, ["--db", str(db_path), "--language", "en", "list", "roadmap"])
    assert "Due date" in english.output and "Срок исполнения" not in english.output


def test_cli_errors_in_russian(db_path):
    from click.testing import CliRunner

    from tracker.cli.main import main

    result = CliRunner().invoke(main, ["--db", str(db_path), "--language", "ru", "show",
                                       "roadmap", "999999"])
    assert result.exit_code == 1
    assert "запись не найдена" in result.output


# --- the briefing ---------------------------------------------------------------------------------

def _briefing_text(repo, tmp_path, language: str) -> str:
    from pypdf import PdfReader

    from tracker import briefing

    options = briefing.BriefingOptions(language=language)
    out = tmp_path / f"briefing-{language}.pdf"
    briefing.build_briefing(repo, options, out, today=dt.date(2026, 11, 27))
    reader = PdfReader(str(out))
    return "\n".join(page.extract_text() or "" for page in reader.pages), len(reader.pages)


def test_russian_briefing(repo, tmp_path):
    text, pages = _briefing_text(repo, tmp_path, "ru")
    flat = " ".join(text.split())
    assert f"Страница 1 из {pages}" in flat
    assert "Дорожная карта" in flat
    assert "Соглашения" in flat
    assert "Встречи" in flat
    assert "Page 1 of" not in flat and "Road map" not in flat
    months = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
              "сентября", "октября", "ноября", "декабря")
    assert any(f" {m} " in flat and " г." in flat for m in months)
    # record text stays as entered (the seed is English)
    assert "Expo 2017" in flat
    # the language of the briefing does not leak into the rest of the program
    assert i18n.current_language() == "en"


@pytest.mark.parametrize("where", ["group", "command"])
def test_cli_briefing_in_russian(db_path, tmp_path, where):
    from click.testing import CliRunner
    from pypdf import PdfReader

    from tracker.cli.main import main

    out = tmp_path / "ru.pdf"
    args = ["--db", str(db_path)]
    if where == "group":  # the interface language
        args += ["--language", "ru", "briefing", "-o", str(out)]
    else:  # only the briefing's language
        args += ["briefing", "-o", str(out), "--language", "ru"]
    result = CliRunner().invoke(main, [*args, "--today", "2026-11-27"])
    assert result.exit_code == 0, result.output
    text = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(str(out)).pages).split())
    assert "По состоянию на 27 ноября 2026 г." in text
    assert "Страница 1 из" in text and "Дорожная карта" in text
