"""The repository's settings of the relationship, its saved briefing presets and its history (the
audit log as the GUI and CLI read it): mixed into :class:`~tracker.store.repository.Repository`.
"""

from __future__ import annotations

import json
from typing import Any

from tracker.i18n import _
from tracker.store.audit_filter import AuditFilter
from tracker.store.errors import NotFound, ValidationError
from tracker.store.results import Change, diff
from tracker.store.wording import Wording, shown

SETTING_KEYS = ("home_country", "partner_country", "relationship_title",
                # How briefings mark their pages: the restricted level's label (empty: the
                # level's name in the briefing's language, «Для служебного пользования» in
                # Russian) and where the marking goes (banner, the default, or corner).
                "restricted_label", "marking_style")
MAX_SETTING_CHARS = 300
#: Settings of this desk's database that are not the relationship's: not carried by exports.
LOCAL_SETTING_KEYS = ("attachment_limit_mb",)


class SettingsAndHistory:
    """Needs ``self.backend`` and ``self.batch()`` (the repository's)."""

    # -- settings -----------------------------------------------------------------------------

    def settings(self) -> dict[str, str]:
        values = {k: "" for k in SETTING_KEYS}
        for key, value in self.backend.settings().items():
            values[key] = value or ""
        return values

    def setting(self, key: str, default: str = "") -> str:
        value = self.backend.setting(key)
        return value if value is not None else default

    def set_settings(self, values: dict[str, str]) -> Change:
        """Set settings of the relationship (``SETTING_KEYS``; each one line of at most
        ``MAX_SETTING_CHARS``, else :class:`ValidationError` and nothing written). Values that
        are already so write nothing (action "unchanged")."""
        values = checked_settings(values)
        before = self.settings()
        if all(before.get(key, "") == value for key, value in values.items()):
            return Change("settings", None, "unchanged", _("nothing changed"))
        wording = Wording("settings")
        with self.batch() as b:
            for key, value in values.items():
                b.put_setting(key, value)
            b.audit("settings", None, None, "settings", wording, before, b.settings())
        return Change("settings", None, "settings", str(wording))

    def sides(self) -> tuple[str, str]:
        s = self.settings()
        return s.get("home_country", ""), s.get("partner_country", "")

    # -- audit --------------------------------------------------------------------------------

    def history(self, kind_name: str | None = None, record_id: int | None = None, *,
                limit: int = 200, offset: int = 0, where: AuditFilter | None = None
                ) -> list[dict]:
        """Audit entries, newest first, each with ``changes``: [(field, before, after)]. The
        ``label`` says what happened in the current language (:mod:`tracker.store.wording`:
        an older entry's stored words are read back where they can be), ``wording`` how it is
        stored (a dict: code and parameters; None for words kept as they are). ``where``: only the
        entries of records of a title, by a user, of some days (:class:`AuditFilter`)."""
        out = []
        for entry in self.backend.audit(kind_name, record_id, limit=limit, offset=offset,
                                        where=where):
            entry["before"] = json.loads(entry["before"]) if entry["before"] else None
            entry["after"] = json.loads(entry["after"]) if entry["after"] else None
            entry["changes"] = diff(entry["before"], entry["after"])
            entry["label"] = shown(entry)
            wording = Wording.from_json(entry.get("wording"))
            entry["wording"] = wording.as_dict() if wording is not None else None
            out.append(entry)
        return out

    def history_count(self, kind_name: str | None = None, record_id: int | None = None, *,
                      where: AuditFilter | None = None) -> int:
        return self.backend.audit_count(kind_name, record_id, where)

    def history_users(self) -> list[str]:
        """Everyone who wrote in the history, by name (the History page's choice of user)."""
        return self.backend.audit_users()

    def last_history_id(self) -> int:
        """The newest audit entry's id (0 if none): a list of the history opened now counts
        and pages the entries up to it (``AuditFilter.upto``)."""
        return self.backend.last_audit_id()

    # -- presets (briefing options) -----------------------------------------------------------

    def presets(self) -> dict[str, dict]:
        return {name: json.loads(options) for name, options in self.backend.presets().items()}

    def save_preset(self, name: str, options: dict) -> Change:
        name = " ".join(without_nul(str(name)).split())
        options = without_nul(options)
        if not name or len(name) > 100:
            raise ValidationError("presets", repr(name), {"name": _(
                "a preset needs a name of 1 to 100 characters")})
        before = self.presets().get(name)
        with self.batch() as b:
            b.writer.save_preset(name, json.dumps(options, ensure_ascii=False, sort_keys=True),
                                 b.now())
            b.audit("presets", None, name, "preset", Wording("save_preset", name=name),
                    before, options)
        return Change("presets", None, "preset")

    def delete_preset(self, name: str) -> Change:
        before = self.presets().get(name)
        if before is None:
            raise NotFound("presets", name)
        with self.batch() as b:
            b.writer.delete_preset(name)
            b.audit("presets", None, name, "preset", Wording("delete_preset", name=name),
                    before, None)
        return Change("presets", None, "preset")


def without_nul(value: Any) -> Any:
    """``value`` with NUL characters taken out of its text (in lists and dicts too): a server's
    text cannot hold them, and a file's keeps the same rule so both engines store the same."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [without_nul(v) for v in value]
    return value


def checked_settings(values: dict) -> dict[str, str]:
    """Settings as stored: known keys only, each value on one line (control characters and
    runs of spaces made single spaces), at most ``MAX_SETTING_CHARS``; else ValidationError
    naming every setting at fault."""
    out: dict[str, str] = {}
    problems: dict[str, str] = {}
    for key, value in values.items():
        if key not in SETTING_KEYS and key not in LOCAL_SETTING_KEYS:
            problems[str(key)[:60]] = _("not a setting; choose one of: {keys}").format(
                keys=", ".join(SETTING_KEYS))
            continue
        text = without_nul("" if value is None else str(value))
        text = " ".join("".join(c if c.isprintable() else " " for c in text).split())
        if len(text) > MAX_SETTING_CHARS:
            problems[key] = _("too long ({n} characters; at most {limit})").format(
                n=len(text), limit=MAX_SETTING_CHARS)
        out[key] = text
    if problems:
        raise ValidationError("settings", _("of the relationship"), problems)
    return out
