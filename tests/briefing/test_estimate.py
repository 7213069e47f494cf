"""The page estimate the briefing dialog warns with before a long briefing is built."""

from __future__ import annotations

import datetime as _dt

from tracker.briefing import BriefingOptions, build_briefing
from tracker.briefing.estimate import estimate_pages
from tracker.seed.synthetic import generate
from tracker.session import open_session

TODAY = _dt.date(2026, 3, 1)


def _options(**kw) -> BriefingOptions:
    return BriefingOptions(max_classification="restricted", **kw)


def test_the_estimate_is_near_the_pages_a_briefing_has(tmp_path):
    """Within half to twice the real count, for a whole briefing and for one long section."""
    repo = open_session(tmp_path / "t.db", seed=True, user="t")
    generate(repo, 30, seed=3, sizes={"roadmap": 1500})
    try:
        for options in (_options(), _options(sections=("roadmap",), include_sources=False)):
            real = build_briefing(repo, options, tmp_path / "b.pdf", today=TODAY).pages
            guess = estimate_pages(repo, options, TODAY)
            assert 0.5 * real <= guess <= 2 * real, (options.sections, guess, real)
    finally:
        repo.close()


def test_the_estimate_grows_with_the_records_and_is_cheap(tmp_path):
    """Ten times the road map, about ten times the pages, without building anything."""
    repo = open_session(tmp_path / "t.db", user="t")
    options = _options(sections=("roadmap",), include_sources=False)
    try:
        generate(repo, 1, seed=5, sizes={"roadmap": 400})
        small = estimate_pages(repo, options, TODAY)
        generate(repo, 1, seed=6, sizes={"roadmap": 3600})
        big = estimate_pages(repo, options, TODAY)
    finally:
        repo.close()
    assert 7 * small <= big <= 13 * small
    assert not list(tmp_path.glob("*.pdf"))
