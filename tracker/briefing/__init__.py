"""Briefings: a printable briefing pack built from the repository.

The public API (the CLI, the GUI, presets and tests use only these names)::

    from tracker.briefing import BriefingOptions, build_briefing
    result = build_briefing(repo, BriefingOptions(title="Talks"), "talks.pdf")

The package is a pipeline: ``options`` (what goes in) -> ``gather`` (the only reader of the
repository: plain data) -> ``sections`` (pure functions: data -> a renderer-neutral
``blocks.Document``) -> a renderer (``pdf``: reportlab). ``job`` runs it and writes the file
safely. Importing this package is cheap: reportlab is loaded only when a PDF is rendered.
"""

from tracker.briefing.brief import NARRATIVE, Brief, brief_of, options_of, record_values
from tracker.briefing.errors import BriefingCancelled, BriefingError, BriefingOptionsError
from tracker.briefing.estimate import estimate_pages
from tracker.briefing.job import BriefingResult, build_briefing
from tracker.briefing.options import (
    LEVELS,
    MAX_COPIES,
    MAX_PREPARED_BY,
    MAX_PURPOSE,
    MAX_TITLE,
    PAPERS,
    SECTIONS,
    TIMELINE_GROUPS,
    BriefingOptions,
    parse_status_args,
    section_label,
)

__all__ = [
    "LEVELS",
    "MAX_COPIES",
    "MAX_PREPARED_BY",
    "MAX_PURPOSE",
    "MAX_TITLE",
    "NARRATIVE",
    "PAPERS",
    "SECTIONS",
    "Brief",
    "TIMELINE_GROUPS",
    "BriefingCancelled",
    "BriefingError",
    "BriefingOptions",
    "BriefingOptionsError",
    "BriefingResult",
    "brief_of",
    "build_briefing",
    "estimate_pages",
    "options_of",
    "parse_status_args",
    "record_values",
    "section_label",
]
