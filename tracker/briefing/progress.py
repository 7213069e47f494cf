"""Progress and cancel for one build: units of work done out of a total that is re-estimated as
the build learns more (gathering, composing, rendering), reported so the bar never moves back."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from tracker.briefing.errors import BriefingCancelled


class Progress:
    """``report(done, total)`` is called as the build advances; ``cancel()`` returning True
    makes the next :meth:`check_cancel` raise :class:`BriefingCancelled`. Both are optional."""

    def __init__(self, report: Callable[[int, int], Any] | None = None,
                 cancel: Callable[[], bool] | None = None):
        self._report = report
        self._cancel = cancel
        self.done = 0
        self.total = 1
        self._last_report = -1.0
        self._shown = 0.0

    def check_cancel(self) -> None:
        if self._cancel is not None and self._cancel():
            raise BriefingCancelled()

    def advance(self, n: int = 1) -> None:
        self.done += n
        self.report()

    def estimate(self, total: int) -> None:
        """A new estimate of the whole build's units (reported at once)."""
        self.total = total
        self.report()

    def report(self, final: bool = False) -> None:
        if self._report is None:
            return
        if final:
            self._report(self.total, self.total)
            return
        done = min(self.done, self.total - 1)
        # The total is re-estimated as the build learns more; the bar never moves back.
        done = max(done, min(math.ceil(self._shown * self.total), self.total - 1))
        if done != self._last_report:
            self._last_report = done
            self._shown = done / self.total
            self._report(done, self.total)
