"""What can go wrong making a briefing; every ``str()`` is a one-line message for the user."""

from __future__ import annotations

from tracker.i18n import _


class BriefingError(Exception):
    """A briefing could not be made; ``str()`` is a one-line message for the user."""


class BriefingOptionsError(BriefingError, ValueError):
    """An option has a bad value; the message names the option."""

    def __init__(self, option: str, message: str):
        self.option, self.detail = option, message
        super().__init__(_("briefing option {option}: {message}").format(option=option,
                                                                        message=message))


class BriefingCancelled(BriefingError):
    """The user cancelled the build; no file was written."""

    def __init__(self):
        super().__init__(_("the briefing was cancelled"))
