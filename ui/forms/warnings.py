"""Warnings beside a form's fields: the contradictions a kind declares (``Kind.checks``, e.g.
"Planned" yet 40 % carried out). Shown as the user edits, in amber with a sign (not only a
colour); a warning never stops a save."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from tracker.i18n import gettext as _
from tracker.model import Field, Kind, normalize

WARNING_STYLE = "color: #9a5b00;"
SIGN = "\u26a0 "


def warning_label(f: Field) -> QLabel:
    """The (hidden) line under a field's editor that shows its warning."""
    label = QLabel()
    label.setStyleSheet(WARNING_STYLE)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAccessibleName(_("Warning about {field}").format(field=_(f.label)))
    label.hide()
    return label


def show_warnings(kind: Kind, labels: dict[str, QLabel], values: dict[str, Any]) -> dict[str, str]:
    """Show beside each field what the form's ``values`` contradict (values that are not valid
    yet are left to the problems shown on Save); returns the warnings shown."""
    clean, _problems = normalize(kind, {k: v for k, v in values.items() if kind.has_field(k)})
    found = kind.warnings(clean)
    for name, label in labels.items():
        text = found.get(name, "")
        label.setText(SIGN + text if text else "")
        label.setVisible(bool(text))
    return found
