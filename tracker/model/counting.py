"""Counts of records worded with the kind's own noun, in the language's plural forms
("1 of 1 agreement", "5 of 5 road-map items"; «5 из 5 пунктов дорожной карты»).

Declared here, once per kind, because a plural form is a sentence of its own in a catalogue:
gettext picks the form for the number (Russian has three)."""

from __future__ import annotations

from collections.abc import Callable

from tracker.i18n import ngettext

OF_TOTAL: dict[str, Callable[[int], str]] = {
    "agreements": lambda n: ngettext("{shown} of {total} agreement",
                                     "{shown} of {total} agreements", n),
    "plants": lambda n: ngettext("{shown} of {total} joint plant",
                                 "{shown} of {total} joint plants", n),
    "farms": lambda n: ngettext("{shown} of {total} farm", "{shown} of {total} farms", n),
    "meetings": lambda n: ngettext("{shown} of {total} meeting",
                                   "{shown} of {total} meetings", n),
    "roadmap": lambda n: ngettext("{shown} of {total} road-map item",
                                  "{shown} of {total} road-map items", n),
    "people": lambda n: ngettext("{shown} of {total} person", "{shown} of {total} people", n),
    "sources": lambda n: ngettext("{shown} of {total} source", "{shown} of {total} sources", n),
    "indicators": lambda n: ngettext("{shown} of {total} indicator",
                                     "{shown} of {total} indicators", n),
    "briefs": lambda n: ngettext("{shown} of {total} brief", "{shown} of {total} briefs", n),
}


def of_total(kind_name: str, shown: int, total: int) -> str:
    """"{shown} of {total} <records of the kind>", the noun agreeing with ``total``."""
    words = OF_TOTAL.get(kind_name)
    if words is None:  # a kind declared without its count: the records
        words = lambda n: ngettext("{shown} of {total} record",  # noqa: E731
                                   "{shown} of {total} records", n)
    return words(total).format(shown=shown, total=total)
