"""The declarations every other part reads: fields, kinds (the catalogue), key figures, text
folding. No I/O here.

Each name below is imported from its module when first asked for: the window's first frame
reads the kinds' names and titles alone (``tracker.model.names``), and the catalogue (~20 ms)
is imported right after it."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracker.model.catalogue import KINDS, SOURCE_KIND, get_kind
    from tracker.model.fields import (
        CHOICE,
        CLASSIFICATION_RANK,
        CLASSIFICATIONS,
        DATE,
        DECIMAL,
        INTEGER,
        LINK,
        LINKS,
        MAX_MULTILINE,
        MAX_TEXT,
        MULTILINE,
        PERIOD,
        SERIES,
        TEXT,
        Field,
        allowed_classifications,
    )
    from tracker.model.kinds import (
        OVERDUE,
        SYSTEM_FIELDS,
        Deadline,
        Kind,
        Obligation,
        Occasion,
        UnknownKind,
        display_value,
        normalize,
        validate,
    )
    from tracker.model.names import KIND_ORDER
    from tracker.model.reports import REPORTS_KEY, Reports
    from tracker.model.text import fold
    from tracker.model.treaty import Computed, Treaty

_MODULES = {
    "catalogue": ("KINDS", "SOURCE_KIND", "get_kind"),
    "names": ("KIND_ORDER",),
    "fields": ("CHOICE", "CLASSIFICATION_RANK", "CLASSIFICATIONS", "DATE", "DECIMAL", "INTEGER",
               "LINK", "LINKS", "MAX_MULTILINE", "MAX_TEXT", "MULTILINE", "PERIOD", "SERIES",
               "TEXT", "Field", "allowed_classifications"),
    "kinds": ("OVERDUE", "SYSTEM_FIELDS", "Deadline", "Kind", "Obligation", "Occasion",
              "UnknownKind", "display_value", "normalize", "validate"),
    "reports": ("REPORTS_KEY", "Reports"),
    "text": ("fold",),
    "treaty": ("Computed", "Treaty"),
}
_WHERE = {name: module for module, names in _MODULES.items() for name in names}

__all__ = [
    "CHOICE", "CLASSIFICATIONS", "CLASSIFICATION_RANK", "DATE", "INTEGER", "KINDS", "KIND_ORDER",
    "LINK", "LINKS", "MAX_MULTILINE", "MAX_TEXT", "MULTILINE", "OVERDUE", "SOURCE_KIND",
    "REPORTS_KEY", "SYSTEM_FIELDS", "TEXT", "Computed", "Deadline", "Field", "Kind", "Obligation",
    "Occasion", "Reports", "Treaty", "UnknownKind",
    "allowed_classifications", "display_value", "fold", "get_kind", "normalize", "validate",
    "DECIMAL", "PERIOD", "SERIES",
]


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # asked once
    return value
