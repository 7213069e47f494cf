"""Translation of the core's user-visible text (no Qt).

Strings declared at import time (labels, choice names) are marked with ``N_()`` and translated when
shown with ``_()``; the catalogue for a language lives in
``resources/translations/<lang>/LC_MESSAGES/tracker.po`` and serves the core, the CLI, the
briefing and the GUI alike.
"""

from __future__ import annotations

import datetime as _dt
import gettext as _gettext
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from tracker.paths import resource_path

DOMAIN = "tracker"
LANGUAGES = ("en", "ru")

_current = "en"
_translation: _gettext.NullTranslations = _gettext.NullTranslations()
# ``language()`` overrides the language for one thread only (a briefing built in a worker thread
# must not turn the GUI's labels Russian while it runs).
_local = threading.local()


def _active() -> _gettext.NullTranslations:
    return getattr(_local, "translation", None) or _translation


def N_(message: str) -> str:
    """Mark a string for translation without translating it now."""
    return message


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    if not message:
        return message
    return _active().gettext(message)


#: ``_`` under a public name, for code outside the core: ``from tracker.i18n import gettext as _``
gettext = _


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or (one of the language's) plural forms for ``n``."""
    return _active().ngettext(singular, plural, n)


# Windows reports locales by English name ("Russian_Russia"), not by code.
_LOCALE_NAMES = {"russian": "ru", "english": "en"}


def language_code(name: str | None) -> str | None:
    """'ru_RU.UTF-8', 'ru-RU', 'Russian_Russia.1251', 'ru:en' -> 'ru'; None if not one of ours."""
    if not name:
        return None
    code = name.split(":")[0].split(".")[0].replace("-", "_").split("_")[0].lower()
    code = _LOCALE_NAMES.get(code, code)
    return code if code in LANGUAGES else None


def system_language(system_locale: str | None = None) -> str:
    """The user's language, if we have a catalogue for it, else English.

    ``system_locale`` (for example ``QLocale.system().name()`` in the GUI, which knows the desktop
    setting on Windows and macOS) wins; then the environment (LANGUAGE, LC_ALL, LC_MESSAGES, LANG);
    then the C library's locale.
    """
    if system_locale:
        return language_code(system_locale) or "en"
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value and value not in ("C", "POSIX", "C.UTF-8"):
            return language_code(value) or "en"
    import locale  # (only here: the first frame does not need it)

    try:
        return language_code(locale.getlocale()[0]) or "en"
    except ValueError:
        return "en"


_cache: dict[tuple, _gettext.NullTranslations] = {}


def _stamp(path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def _load_catalogue(lang: str) -> _gettext.NullTranslations:
    """The compiled catalogue if present, else the .po source read directly (never stale)."""
    base = resource_path("translations")
    mo = base / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    po = base / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    key = (str(po), _stamp(po), _stamp(mo))
    cached = _cache.get(key)
    if cached is not None:
        return cached
    if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
        result = _po_translations(po)
    elif mo.exists():
        with open(mo, "rb") as fh:
            result = _gettext.GNUTranslations(fh)
    else:
        result = _gettext.NullTranslations()
    _cache[key] = result
    return result


def _po_translations(po_path) -> _gettext.NullTranslations:
    """Read a .po file into a translations object (skipping fuzzy and empty entries)."""
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(po_path, "rb") as fh:
        catalog = read_po(fh)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return _gettext.GNUTranslations(buf)


def _resolve(lang: str | None) -> str:
    if not lang or lang == "system":
        lang = system_language()
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    return lang


def _translations_for(lang: str) -> _gettext.NullTranslations:
    return _gettext.NullTranslations() if lang == "en" else _load_catalogue(lang)


def set_language(lang: str | None) -> str:
    """Switch the program's language ('en', 'ru', or None/'system' for the system default)."""
    global _current, _translation
    lang = _resolve(lang)
    _translation = _translations_for(lang)
    _current = lang
    return lang


def current_language() -> str:
    """The language ``_()`` translates into here (this thread's ``language()`` block, if any)."""
    return getattr(_local, "lang", None) or _current


@contextmanager
def language(lang: str | None) -> Iterator[str]:
    """Translate into ``lang`` inside the block, in this thread only, then return to before.

    For output in a language other than the interface's, e.g. a Russian briefing built from an
    English session, possibly in a worker thread: other threads keep their language meanwhile.
    """
    lang = _resolve(lang)
    saved = (getattr(_local, "lang", None), getattr(_local, "translation", None))
    _local.lang, _local.translation = lang, _translations_for(lang)
    try:
        yield lang
    finally:
        _local.lang, _local.translation = saved


#: The Babel locale each interface language writes dates in (British English: day first).
DATE_LOCALES = {"en": "en_GB", "ru": "ru"}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Day first with dots, as written in Russia, Belarus and Kazakhstan (and in Britain): never
# slashes, which read 3 May in London and March 5 in Washington.
_NUMERIC_DATE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}")


def _date_locale(lang: str | None):
    from babel import Locale  # ~50 ms with its data: paid when the first date is written

    code = DATE_LOCALES.get(lang or current_language(), "en_GB")
    loc = _date_locales.get(code)
    if loc is None:
        loc = _date_locales[code] = Locale.parse(code)
    return loc


_date_locales: dict = {}


def format_date(value: _dt.date | str | None, lang: str | None = None) -> str:
    """A date written the way the language writes it (Babel's long form): '27 November 2026' /
    '27 ноября 2026 г.'. Text that is not an ISO date is returned as it is."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        try:
            value = _dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    from babel.dates import format_date as babel_format_date

    # CLDR puts a narrow no-break space before "г."; the briefings, tables and messages have
    # always used a plain space there (and their PDFs stay byte for byte the same).
    return babel_format_date(value, "long", locale=_date_locale(lang)).replace("\u202f", " ")


def parse_date(text: str, lang: str | None = None) -> _dt.date:
    """A date a person typed: ISO (2026-03-31), or day first with dots (31.03.2026) as desks in
    Russia, Belarus and Kazakhstan write it, read with Babel in the language's locale (slashes are
    refused: 03/05/2027 is 3 May to some and March 5 to others). ``ValueError`` with a message
    saying what is wrong: "no such day" for 2024-02-30, else how to write a date."""
    text = str(text).strip()
    iso = _ISO_DATE.fullmatch(text)
    numeric = _NUMERIC_DATE.fullmatch(text)
    if not iso and not numeric:
        raise ValueError(_("{value!r} is not a date; write it as {pattern}")
                         .format(value=text if len(text) <= 40 else text[:39] + "…",
                                 pattern=date_pattern()))
    try:
        if iso:
            return _dt.date.fromisoformat(text)
        from babel.dates import parse_date as babel_parse_date

        # the locale's own order of day, month and year (both write the day first)
        return babel_parse_date(text, locale=_date_locale(lang))
    except ValueError:  # (Babel's ParseError is one): the numbers name no day
        raise ValueError(_("{value!r}: no such day").format(value=text)) from None


# --- the user's date format (tables, forms, the dashboard, the CLI) -------------------------------

#: How a date is written where a person reads and types one (tables, forms, the dashboard, the
#: CLI): ISO (2026-03-31) or day first with dots (31.03.2026), as Russia, Belarus and Kazakhstan
#: write it. Briefings and messages write dates out in full (:func:`format_date`).
ISO_STYLE, DOTTED_STYLE = "iso", "dotted"
DATE_STYLES = (ISO_STYLE, DOTTED_STYLE)
#: Languages whose desks write dates day first with dots (the default for them).
DOTTED_LANGUAGES = ("ru", "be", "kk")
_date_style: str | None = None  # None: as the language writes dates


def set_date_style(style: str | None) -> str:
    """Choose how dates are written (``"iso"``, ``"dotted"``, or None/``"auto"``: as the
    interface's or the system's language writes them); returns the style now in force."""
    global _date_style
    if style in (None, "", "auto"):
        _date_style = None
    elif style in DATE_STYLES:
        _date_style = style
    else:
        raise ValueError(f"unknown date format {style!r}; choose one of "
                         f"{', '.join(DATE_STYLES)} or auto")
    return date_style()


def date_style() -> str:
    """The style in force: the one chosen, else dotted when the interface language or the
    system's (LC_ALL, LC_TIME, LANG) is Russian, Belarusian or Kazakh, else ISO."""
    if _date_style is not None:
        return _date_style
    codes = [current_language()] + [os.environ.get(v, "")[:2].lower()
                                     for v in ("LC_ALL", "LC_TIME", "LANG")]
    return DOTTED_STYLE if any(c in DOTTED_LANGUAGES for c in codes) else ISO_STYLE


def date_pattern(style: str | None = None) -> str:
    """How to type a date in the style (a placeholder): YYYY-MM-DD or DD.MM.YYYY (translated:
    ДД.ММ.ГГГГ)."""
    return _("DD.MM.YYYY") if (style or date_style()) == DOTTED_STYLE else _("YYYY-MM-DD")


def short_date(value: _dt.date | str | None, style: str | None = None) -> str:
    """A date in the user's style: '2026-03-31' or '31.03.2026'. Text that is not an ISO date
    is returned as it is; None as ''."""
    if value in (None, ""):
        return ""
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, str):
        if not _ISO_DATE.fullmatch(value[:10]):
            return value
        try:
            value = _dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if (style or date_style()) == DOTTED_STYLE:
        return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"
    return value.isoformat()


# --- numbers and periods (indicators) -------------------------------------------------------------

#: The Babel locale each interface language writes numbers in: 3,000,000,000 / 3 000 000 000.
NUMBER_LOCALES = {"en": "en_GB", "ru": "ru"}


def format_number(value, lang: str | None = None) -> str:
    """A number (a ``Decimal`` or an int) written the way the language writes it, every digit it
    has kept (Babel would round to three decimals by default): 3,000,000,000 and 1,234.5 in
    English, 3 000 000 000 and 1 234,5 in Russian (no-break spaces between the groups)."""
    from babel.numbers import format_decimal

    code = NUMBER_LOCALES.get(lang or current_language(), "en_GB")
    return format_decimal(value, locale=code, decimal_quantization=False)


def format_period(value: str | None, lang: str | None = None) -> str:
    """A year, a month or a day (``2017``, ``2017-06``, ``2017-06-09``) written out: '2017',
    'June 2017' / 'июнь 2017 г.', '9 June 2017'. Other text is returned as it is."""
    if not value:
        return ""
    if re.fullmatch(r"\d{4}", value):
        return value
    if re.fullmatch(r"\d{4}-\d{2}", value):
        from babel.dates import format_skeleton

        try:
            month = _dt.date(int(value[:4]), int(value[5:7]), 1)
        except ValueError:
            return value
        return format_skeleton("yMMMM", month, locale=_date_locale(lang)).replace("\u202f", " ")
    return format_date(value, lang)


def format_compact(value, lang: str | None = None) -> str:
    """A round number written short for a chart's axis: 3bn / 3 млрд, 250k / 250 тыс.
    (numbers below ten thousand in full)."""
    if abs(value) < 10_000:
        return format_number(value, lang)
    from babel.numbers import format_compact_decimal

    code = NUMBER_LOCALES.get(lang or current_language(), "en_GB")
    return format_compact_decimal(value, locale=code, fraction_digits=2)


def format_month(value: _dt.date, lang: str | None = None, *, width: str = "abbreviated",
                 year: bool = False) -> str:
    """A month's name as the language writes it standing alone (a chart's axis): "Mar" /
    "март"; ``width`` "wide": "March"; ``year``: with its year, "March 2026" / "март 2026 г."."""
    from babel.dates import format_skeleton, get_month_names

    loc = _date_locale(lang)
    if year:
        skeleton = "yMMMM" if width == "wide" else "yMMM"
        return format_skeleton(skeleton, value, locale=loc).replace("\u202f", " ")
    return get_month_names(width, "stand-alone", loc)[value.month]
