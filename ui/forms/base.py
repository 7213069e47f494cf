"""What every field editor of the record form is (``ui.forms.editors`` has one per field type).

An editor shows one field's value and lets the user change it: ``value()``, ``set_value(v)``,
``set_read_only(b)``, the signal ``changed``. Editors of links to other records also re-read their
choices (``reload_choices``), may hold typing not yet settled into a value (``has_pending_text``,
``commit_text``) and ask to open a linked record (``openRecord``); the others do nothing there.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QWidget

from tracker.i18n import gettext as _
from tracker.model import Field

NONE_TEXT = "—"


def day_format() -> str:
    """A QDateEdit's display format in the user's date style (tracker.i18n.date_style):
    yyyy-MM-dd, or dd.MM.yyyy as the Russian window writes dates."""
    from tracker.i18n import DOTTED_STYLE, date_style

    return "dd.MM.yyyy" if date_style() == DOTTED_STYLE else "yyyy-MM-dd"


class Editor(QWidget):
    """A field editor: ``value()``, ``set_value(v)``, ``set_read_only(b)``, signal ``changed``."""

    changed = Signal()
    openRecord = Signal(str, int)  # noqa: N815 - a linked record, to be shown

    def __init__(self, field: Field, repo=None, parent=None):
        super().__init__(parent)
        self.field = field
        self.repo = repo  # the session, for editors that look records up
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)

    def focus_widget(self) -> QWidget:
        return self

    def finish(self, widget: QWidget) -> None:
        """``widget`` takes the focus and is named for screen readers (the field's help too)."""
        name = _(self.field.label)
        widget.setAccessibleName(name)
        if self.field.help:
            widget.setToolTip(_(self.field.help))
            widget.setAccessibleDescription(_(self.field.help))
        self.setFocusProxy(widget)

    def value(self):
        raise NotImplementedError

    def set_value(self, value) -> None:
        raise NotImplementedError

    def set_read_only(self, read_only: bool) -> None:
        raise NotImplementedError

    def reload_choices(self) -> None:
        """Read the records it offers again (after records of another kind changed)."""

    def has_pending_text(self) -> bool:
        """Typing that is not yet the field's value (Save or leaving the field settles it)."""
        return False

    def commit_text(self) -> None:
        """Settle typing into the value (before a save)."""

    def form_changed(self, kind, values: dict) -> None:
        """The whole form's values (of ``kind``) as they stand, after a load or an edit: for
        an editor that shows what is computed from other fields too (an indicator's chart)."""
