"""The window's pages: the dashboard, one page per kind, the deadlines, the trash and the
history.

Each page is built the first time it is needed (a fast first frame): its module is imported then,
not at start-up. :func:`make_page` builds one and connects it to the window."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from tracker.i18n import gettext as _
from tracker.model import names  # (the catalogue itself is imported after the first frame)

TIMELINE = "timeline"  # the timeline of the kind declaring one, listed right after that kind
PAGES = ("dashboard", *(n for k in names.KIND_ORDER
                        for n in ((k, TIMELINE) if k == names.TIMELINE else (k,))),
         "deadlines", "trash", "history")
#: Pages with a key of their own; the others take Ctrl+1 ... Ctrl+0 in the order listed.
PAGE_KEYS = {TIMELINE: "Ctrl+T"}


def page_kinds() -> dict[str, set[str]]:
    """Pages showing more kinds than their own: refreshed when one of these changes."""
    from tracker.model.catalogue import TIMELINE_KIND as KIND

    return {TIMELINE: {KIND.name} | {KIND.field(g.field).target for g in KIND.timeline.groups
                                     if KIND.field(g.field).target}} if KIND else {}


def page_key(name: str) -> str | None:
    """The page's shortcut: its own (PAGE_KEYS), else Ctrl+<its place> among the first ten."""
    if name in PAGE_KEYS:
        return PAGE_KEYS[name]
    numbered = [n for n in PAGES if n not in PAGE_KEYS]
    i = numbered.index(name)
    return f"Ctrl+{(i + 1) % 10}" if i < 10 else None


def page_title(name: str) -> str:
    if name == "dashboard":
        return _("Dashboard")
    if name == "trash":
        return _("Trash")
    if name == "deadlines":
        return _("Deadlines")
    if name == "history":
        return _("History")
    if name == TIMELINE:
        return _("Timeline")
    return _(names.TITLES[name][1])


def make_page(window, name: str):
    """The page ``name`` on the window's session, its signals connected to the window, added to
    its stack, set read-only as the session is, and laid out as last time."""
    from tracker.model import SOURCE_KIND

    if name == "dashboard":
        from ui.pages.dashboard import DashboardPage

        page = DashboardPage(window.repo)
        page.openRecord.connect(window.open_record)
        page.openList.connect(window.open_list)
        page.welcome.nameRelationship.connect(window.relationship_action.trigger)
        page.welcome.addSource.connect(lambda: window.open_list(SOURCE_KIND.name, None)
                                       and window.new_record())
        page.welcome.importExport.connect(window.import_action.trigger)
    elif name == "deadlines":
        from ui.pages.deadlines import DeadlinesPage

        page = DeadlinesPage(window.repo)
        page.openRecord.connect(window.open_record)
    elif name == "trash":
        from ui.pages.trash import TrashPage

        page = TrashPage(window.repo)
        page.changed.connect(window.apply_change)
    elif name == "history":
        from ui.pages.history import HistoryPage

        page = HistoryPage(window.repo)
        page.openRecord.connect(window.open_record)
    elif name == TIMELINE:
        from ui.pages.timeline import TimelinePage

        page = TimelinePage(window.repo)
        page.openRecord.connect(window.open_record)
    else:
        from ui.pages.record_page import RecordPage

        page = RecordPage(window.repo, name)
        page.changed.connect(window.apply_change)
        page.openRecord.connect(window.open_record)
        page.countChanged.connect(window.update_status)
        page.dirtyChanged.connect(lambda _d: window.update_actions())
        page.currentChanged.connect(window.update_actions)
    page.setObjectName(f"page_{name}")
    window.stack.addWidget(page)
    if hasattr(page, "set_read_only"):
        page.set_read_only(window.repo.read_only)
    if hasattr(page, "restore_state"):
        page.restore_state(QSettings())
    from ui.mnemonics import label_buttons, menubar_letters

    label_buttons(page, menubar_letters(window))  # Alt+letter, not one the menu bar takes
    return page


class Pages(dict):
    """name -> page widget, each built by ``make(name)`` on first use."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, name: str):
        if name not in PAGES:
            raise KeyError(name)
        page = self.make(name)
        self[name] = page
        return page
