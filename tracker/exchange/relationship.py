"""The relationship's settings (home and partner country, title) carried by a JSON export and
written back by an import, so that a colleague's file names the relationship on a new desk.

The export's ``_settings`` list holds one ``{"key": ..., "value": ...}`` per setting that is set
(older versions of the program skip a key starting with "_", so they still read the file). An
import fills the settings that are empty here; a setting that holds another value here is kept
(the import must not rename this desk's relationship) and reported. The settings are written in
the import's transaction with one "settings" audit entry; a dry run only says what it would do.
"""

from __future__ import annotations

from typing import Any

from tracker.exchange.json_format import SETTINGS_KEY
from tracker.i18n import _
from tracker.store.errors import ValidationError
from tracker.store.repository import Repository
from tracker.store.settings import SETTING_KEYS, checked_settings
from tracker.store.wording import Wording

__all__ = ["SETTINGS_KEY", "check_setting", "export_settings", "load_setting", "settings_plan",
           "write_settings"]


def export_settings(repo: Repository) -> list[dict]:
    """The settings that are set, in ``SETTING_KEYS`` order."""
    current = repo.settings()
    return [{"key": key, "value": current[key]} for key in SETTING_KEYS if current.get(key)]


def check_setting(raw: Any) -> tuple[dict[str, str], str | None]:
    """({key: value}, problem): an entry of ``_settings`` as stored (a setting this version does
    not know is left out: a newer program may carry more), or what is wrong with it."""
    if not isinstance(raw, dict) or not isinstance(raw.get("key"), str) or \
            not isinstance(raw.get("value"), (str, type(None))):
        return {}, _('expected {"key": "...", "value": "..."}')
    if raw["key"] not in SETTING_KEYS:
        return {}, None
    try:
        return checked_settings({raw["key"]: raw["value"]}), None
    except ValidationError as exc:
        return {}, str(exc)


def load_setting(problems, raw: Any, index: int, settings: dict[str, str] | None) -> None:
    """An entry of the file's ``_settings`` into ``settings``, or its problem into ``problems``
    (:class:`~tracker.exchange.checks.Problems`: the import is refused)."""
    given, problem = check_setting(raw)
    if problem is not None:
        problems.add(SETTINGS_KEY, _("#{n}").format(n=index), _("(setting)"), problem)
    elif settings is not None:
        settings.update(given)


def settings_plan(current: dict[str, str | None], carried: dict[str, str]
                  ) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """(settings to set: empty here, given by the file; settings kept: {key: (ours, the
    file's)} where both are set and differ)."""
    fill = {k: v for k, v in carried.items() if v and not current.get(k)}
    kept = {k: (current[k] or "", v) for k, v in carried.items()
            if v and current.get(k) and current[k] != v}
    return fill, kept


def write_settings(batch, fill: dict[str, str]) -> None:
    """``fill`` set in the import's transaction, with its audit entry (nothing: no entry)."""
    if not fill:
        return
    before = {k: v or "" for k, v in batch.settings().items()}
    for key, value in fill.items():
        batch.put_setting(key, value)
    batch.audit("settings", None, None, "settings", Wording("settings"), before,
                {k: v or "" for k, v in batch.settings().items()})
