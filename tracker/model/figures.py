"""The key figures, declared once: the dashboard's tiles, the briefing's summary and the CLI's
``figures`` command all read these. The store computes them (``Repository.figures``).
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.i18n import N_
from tracker.model.catalogue import KIND_ORDER, KINDS
from tracker.model.kinds import OVERDUE, Kind


@dataclass(frozen=True)
class Figure:
    """One key figure: how many live records of ``kind`` have ``status`` (None: all of them;
    ``OVERDUE``: past the kind's deadline and still open), or the sum of the integer field
    ``sums`` over them. ``total`` names the figure it is a part of ("3 of 4" in a briefing)."""
    key: str
    label: str
    kind: str
    status: str | None = None
    sums: str | None = None
    total: str | None = None
    total_hint: str = ""  # "{n} agreements in all": said beside the figure when it has a total
    percent: bool = False  # the briefing gives the share of the total
    alert: bool = False  # a value above zero is drawn in red
    # counted within its kind's status figures, not beside them: each open status says how many
    # of its records are overdue (the dashboard's tiles and chart, the briefing's summary and chart)
    part: bool = False


@dataclass(frozen=True)
class Total:
    """A figure the key figures are parts of: every live record of ``kind`` (or the sum of
    ``sums`` over them)."""
    key: str
    kind: str
    sums: str | None = None


#: Shown as tiles on the dashboard and as rows of the briefing's summary, in this order.
KEY_FIGURES: tuple[Figure, ...] = (
    Figure("agreements_in_force", N_("Agreements in force"), "agreements", "in_force",
           total="agreements_total", total_hint=N_("{n} agreements in all")),
    Figure("plants_operating_sites", N_("Joint plants operating (sites)"), "plants", "operating",
           sums="count", total="plants_sites_total", total_hint=N_("{n} sites in all")),
    Figure("farms_total", N_("Farms"), "farms"),
    Figure("roadmap_done", N_("Road-map items done"), "roadmap", "done", total="roadmap_total",
           percent=True),
    Figure("roadmap_in_progress", N_("Road-map items in progress"), "roadmap", "in_progress"),
    Figure("roadmap_planned", N_("Road-map items planned"), "roadmap", "planned"),
    Figure("roadmap_overdue", N_("Road-map items overdue"), "roadmap", OVERDUE, alert=True,
           part=True),
)

#: Totals: every kind's live records (``<kind>_total``) and the sums the figures are parts of.
TOTALS: tuple[Total, ...] = (
    *(Total(f"{name}_total", name) for name in KIND_ORDER),
    Total("plants_sites_total", "plants", sums="count"),
)

#: Kinds whose records are counted per status (the dashboard's chart, the briefing's chart).
BY_STATUS: tuple[str, ...] = ("farms", "roadmap")

#: The kind whose overdue and upcoming deadlines the dashboard and the briefing list, and the
#: kind whose meetings they list (upcoming, recent).
DEADLINES_KIND: Kind = KINDS["roadmap"]
MEETINGS_KIND: Kind = KINDS["meetings"]

#: Days ahead that "upcoming deadlines" look.
HORIZON_DAYS = 90

#: The kind whose records are the agreements between the sides (a visit brief lists them with
#: their status), and the statuses of those still to be signed (its "documents for signature").
AGREEMENTS_KIND: Kind = KINDS["agreements"]
FOR_SIGNATURE: tuple[str, ...] = ("draft", "negotiation")
#: The kind of the desk's own briefs (a briefing is printed from one).
BRIEFS_KIND: Kind = KINDS["briefs"]


def figure(key: str) -> Figure:
    for f in KEY_FIGURES:
        if f.key == key:
            return f
    raise KeyError(key)


def feeding_kinds() -> tuple[str, ...]:
    """The kinds the key figures count, in reading order (what a summary may reveal)."""
    return tuple(k for k in KIND_ORDER if any(f.kind == k for f in KEY_FIGURES))


def figure_for(kind_name: str, status: str | None) -> Figure | None:
    """The key figure counting ``kind_name`` records with ``status`` (None if none is declared)."""
    for f in KEY_FIGURES:
        if f.kind == kind_name and f.status == status:
            return f
    return None


def by_status_key(kind_name: str) -> str:
    """The key under which ``Repository.figures`` gives a kind's counts per status."""
    return f"{kind_name}_by_status"


def total_key(kind_name: str) -> str:
    """The key under which ``Repository.figures`` gives a kind's live records."""
    return f"{kind_name}_total"


def overdue_by_status_key(kind_name: str) -> str:
    """The key under which ``Repository.figures`` gives a kind's overdue records per status."""
    return f"{kind_name}_overdue_by_status"


def shown_beside() -> tuple[Figure, ...]:
    """The key figures shown as tiles and summary rows of their own (not the parts of others)."""
    return tuple(f for f in KEY_FIGURES if not f.part)
