"""The kinds' names in reading order, with their titles, and the kind the Timeline page draws:
what the window's first frame needs of the catalogue (its pages' list). The window is painted
before the catalogue itself is imported (~20 ms: every kind's fields, checks, indicators and
treaty dates); ``catalogue.py`` declares each kind with these titles and checks, as it is
imported, that it declares exactly these kinds and that TIMELINE is the first to declare a
``timeline``."""

from __future__ import annotations

from tracker.i18n import N_

#: name -> (one, many), in the order officials read them in (navigation, exports, briefings)
TITLES: dict[str, tuple[str, str]] = {
    "agreements": (N_("Agreement"), N_("Agreements")),
    "plants": (N_("Joint plant"), N_("Joint plants")),
    "farms": (N_("Farm"), N_("Farms")),
    "roadmap": (N_("Road-map item"), N_("Road map")),
    "indicators": (N_("Indicator"), N_("Indicators")),
    "meetings": (N_("Meeting"), N_("Meetings")),
    "people": (N_("Person"), N_("People")),
    "sources": (N_("Source"), N_("Sources")),
    "briefs": (N_("Brief"), N_("Briefs")),
}
KIND_ORDER: tuple[str, ...] = tuple(TITLES)

#: The kind the Timeline page and the briefing's timeline draw (catalogue.TIMELINE_KIND's name)
TIMELINE: str | None = "roadmap"
