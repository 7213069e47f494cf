"""A window's live link to a shared database on a server: other desks' saves shown as they happen,
and the server going away said in a banner until it is back.

- A listener of its own (``repo.backend.listener()``: a connection that hears every commit) with
  its socket in a ``QSocketNotifier``: nothing is polled. When the socket turns readable the
  listener says what was saved and which kinds it touched; :attr:`ServerLink.changed` passes the
  kinds on (the window refreshes only the pages showing them), leaving out this window's own
  saves (the window has refreshed for those already).
- The server gone (a restart, a cut line): the banner says so, saves are refused by the
  repository with a message while the form keeps what was typed, and the link connects again by
  itself, waiting longer after each failed try (``DELAYS_MS``). Each try runs off the GUI thread
  (``ui.tasks``): a server behind a dead network path takes seconds to fail, and the window
  stays usable meanwhile. Once it is back the banner goes and :attr:`changed` says ``None``:
  anything may have changed meanwhile (notifications sent while the link was down are lost), so
  everything is read again.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal
from PySide6.QtWidgets import QLabel

from tracker.i18n import gettext as _
from tracker.store.errors import ConnectionLost, StorageError
from ui.menus import address, is_shared

log = logging.getLogger(__name__)

DELAYS_MS = (250, 500, 1000, 2000, 4000)  # between tries to connect again; the last repeats


class ConnectionBanner(QLabel):
    """The strip above the pages while the server cannot be reached."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("connection_banner")
        self.setWordWrap(True)
        from PySide6.QtCore import Qt  # (not at import: this module is imported at start-up)

        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setStyleSheet("background: #f8d7da; color: #5f1a20; padding: 6px;"
                           "border-bottom: 1px solid #d9a0a6;")
        self.setAccessibleName(_("Connection notice"))
        self.hide()

    def say_lost(self, server: str, error: str) -> None:
        self.setText(_("The database server {server} cannot be reached; your changes are kept in "
                       "the form and can be saved once it is back; reconnecting…").format(
                           server=server))
        self.setToolTip(error)
        self.show()


class ServerStatus(QLabel):
    """The status bar's lasting word on a server (never covered by a passing message): as which
    login, up to which clearance, and whether the server is reachable now."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("server_status")
        self.setAccessibleName(_("Server connection"))
        self.connected = True

    def show_for(self, repo) -> None:
        from tracker.model.fields import CLASSIFICATION_RANK, CLASSIFICATIONS

        backend = repo.backend
        login = getattr(backend, "login", "") or ""
        cleared = sorted(getattr(backend, "clearances", ()) or (),
                         key=lambda c: CLASSIFICATION_RANK.get(c, -1))
        labels = dict(CLASSIFICATIONS)
        top = _(labels[cleared[-1]]) if cleared and cleared[-1] in labels else "?"
        self.text_up = _("{login} · clearance: {level}").format(login=login, level=top)
        self.setToolTip(_("Shared database {server}, as login {login}, cleared for: "
                          "{levels}").format(server=address(repo), login=login, levels=", ".join(
                              _(labels.get(c, c)) for c in cleared)))
        self.say(connected=True)
        self.show()

    def say(self, *, connected: bool) -> None:
        self.connected = connected
        if connected:
            self.setText("\u25cf " + self.text_up)
            self.setStyleSheet("color: #1d6b2f;")
        else:
            self.setText("\u25cf " + _("Server not reachable"))
            self.setStyleSheet("color: #a3212f; font-weight: bold;")


class ServerLink(QObject):
    """Another desk's saves and the server's comings and goings, for one window on ``repo``."""

    #: the kinds another session's commit touched (a frozenset), or None: anything may have
    #: changed (the link was down)
    changed = Signal(object)
    #: the server went away (the message), and came back
    lost = Signal(str)
    restored = Signal()

    def __init__(self, repo, banner: ConnectionBanner, parent=None):
        super().__init__(parent)
        self.repo = repo
        self.banner = banner
        self.listener = None
        self.notifier: QSocketNotifier | None = None
        self.tasks = None  # ui.tasks.Tasks of the tries to connect again (made on first use)
        self.trying = False
        self.stopped = False
        self.tries = 0
        self.retry = QTimer(self)
        self.retry.setSingleShot(True)
        self.retry.timeout.connect(self.reconnect)
        try:
            self._listen(repo.backend.listener())
        except ConnectionLost as exc:
            self._lost(str(exc))

    @property
    def down(self) -> bool:
        return self.listener is None

    def _listen(self, listener) -> None:
        self.listener = listener
        self._watch()

    def _watch(self) -> None:
        """A notifier on the listener's socket (a new one when the socket changed)."""
        self._unwatch()
        self.notifier = QSocketNotifier(self.listener.fileno(), QSocketNotifier.Type.Read, self)
        self.notifier.activated.connect(self.readable)

    def _unwatch(self) -> None:
        if self.notifier is not None:
            self.notifier.setEnabled(False)
            self.notifier.deleteLater()
            self.notifier = None

    def readable(self, *_args) -> None:
        """The socket has something: commits of other sessions, or the server going away."""
        if self.listener is None:
            return
        try:
            saved = self.listener.changes(reconnect=False)  # a new connection: off this thread
        except ConnectionLost as exc:
            self._lost(str(exc))
            return
        except StorageError as exc:  # closed meanwhile: the window is going
            log.info("listener: %s", exc)
            self._unwatch()
            return
        own = self._own_pid()
        kinds: set[str] = set()
        for change in saved:
            if change.kinds is None:
                self.changed.emit(None)
                return
            if change.pid != own:
                kinds |= change.kinds
        if kinds:
            self.changed.emit(frozenset(kinds))

    def _own_pid(self) -> int | None:
        try:
            return self.repo.backend.session_pid()
        except StorageError:
            return None

    def _lost(self, message: str) -> None:
        self._unwatch()
        if self.listener is not None:
            self.listener.close()
            self.listener = None
        self.banner.say_lost(address(self.repo), message)
        self.lost.emit(message)
        self._retry_later()

    def _retry_later(self) -> None:
        self.retry.start(DELAYS_MS[min(self.tries, len(DELAYS_MS) - 1)])
        self.tries += 1

    def reconnect(self) -> None:
        """One try to listen again, on a session of its own off the GUI thread."""
        if self.listener is not None or self.trying or self.stopped or self.repo.closed:
            return
        if self.tasks is None:
            from ui.tasks import Tasks

            self.tasks = Tasks(self, lambda: self.repo)
        self.trying = True
        self.tasks.run(lambda session, _task: session.backend.listener(), done=self._back,
                       failed=self._still_away, ended=self._tried)

    def _tried(self) -> None:
        self.trying = False

    def _still_away(self, message: str) -> None:
        self.banner.setToolTip(message)
        self._retry_later()

    def _back(self, listener) -> None:
        if self.stopped or self.listener is not None:
            listener.close()
            return
        self.tries = 0
        self._listen(listener)
        self.banner.hide()
        self.restored.emit()
        self.changed.emit(None)  # what was saved meanwhile was not heard: read everything

    def stop(self) -> None:
        """The window closes, or opens another database."""
        self.stopped = True
        self.retry.stop()
        if self.tasks is not None:
            self.tasks.stop()
        self._unwatch()
        if self.listener is not None:
            self.listener.close()
            self.listener = None
        self.banner.hide()


def relink(window, old: ServerLink | None) -> ServerLink | None:
    """The window's link for the database it shows now (None on a file); ``old`` is stopped.
    Its banner sits above the window's pages."""
    if old is not None:
        old.stop()
        old.deleteLater()
    status = window.findChild(ServerStatus, "server_status")
    if not is_shared(window.repo):
        if status is not None:
            status.hide()
        return None
    if status is None:
        status = ServerStatus()
        window.statusBar().addPermanentWidget(status)
    status.show_for(window.repo)
    banner = window.findChild(ConnectionBanner, "connection_banner")
    if banner is None:
        banner = ConnectionBanner()
        window.centralWidget().layout().insertWidget(0, banner)
    link = ServerLink(window.repo, banner, window)
    link.changed.connect(window.apply_remote)
    link.lost.connect(lambda _message: status.say(connected=False))
    link.restored.connect(lambda: status.say(connected=True))
    if link.down:  # already away while the window was opening
        status.say(connected=False)
    return link
