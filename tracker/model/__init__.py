"""The declarations every other part reads: fields, kinds (the catalogue), key figures, text
folding. No I/O here."""

from tracker.model.catalogue import KIND_ORDER, KINDS, SOURCE_KIND, get_kind
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
from tracker.model.reports import REPORTS_KEY, Reports
from tracker.model.text import fold
from tracker.model.treaty import Computed, Treaty

__all__ = [
    "CHOICE", "CLASSIFICATIONS", "CLASSIFICATION_RANK", "DATE", "INTEGER", "KINDS", "KIND_ORDER",
    "LINK", "LINKS", "MAX_MULTILINE", "MAX_TEXT", "MULTILINE", "OVERDUE", "SOURCE_KIND",
    "REPORTS_KEY", "SYSTEM_FIELDS", "TEXT", "Computed", "Deadline", "Field", "Kind", "Obligation",
    "Occasion", "Reports", "Treaty", "UnknownKind",
    "allowed_classifications", "display_value", "fold", "get_kind", "normalize", "validate",
    "DECIMAL", "PERIOD", "SERIES",
]
