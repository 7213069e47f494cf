"""The one way the GUI runs work off its thread (after Anki's ``CollectionOp`` / ``QueryOp``).

A window (or a dialog) owns a :class:`Tasks` registry and runs work through it::

    window.tasks.run(lambda session, task: export_data(session),
                     done=show_result, busy=(_("Export"), _("Exporting…")),
                     failed_title=_("Not exported"))

- ``work(session, task)`` runs in a thread of its own, on a session of its own: the task opens it
  on the owner's database target (``tracker.session.open_session(target, read_only=not
  writes)``; a server's address with its credentials, :func:`target_of`) and closes it when the
  work returns. SQLite connections belong to the thread that made them,
  and the GUI's own session is never touched from another thread.
- ``task.progress(done, total)`` reports progress (at most ~1000 reports reach the GUI);
  ``task.is_cancelled()`` says the user (or the owner closing) asked it to stop; work that stops
  for that raises :class:`Cancelled`.
- The outcome comes back on the GUI thread: ``done(result)``; or ``failed(text)``, one line of
  plain text made by ``describe(exception)`` (shown in a message box titled ``failed_title``
  when no ``failed`` is given); or ``cancelled()``. ``ended()`` follows each of them.
- A task that ``writes`` hands back a :class:`~tracker.store.results.Change` (its result, or the
  result's ``change``): the registry's ``route`` gets it first (the main window refreshes only
  what it names), unless the owner has opened another database meanwhile.
- ``busy=(title, label)``: a window-modal busy indicator while it runs (after 300 ms).
- No task outlives its owner: :func:`stop_tasks` (the owner closing) cancels every task under a
  widget and waits for it, and their outcomes are dropped, so nothing reaches a database that was
  closed meanwhile (as ``ui.main_window.stop_timers`` does for timers).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from tracker.session import open_session
from tracker.store.results import Change

#: at most this many progress reports per task reach the GUI thread
PROGRESS_STEPS = 1000

Work = Callable[[Any, "Task"], Any]


class Cancelled(Exception):  # noqa: N818 - a state, not an error
    """Raised by work that stopped because it was asked to (``task.is_cancelled()``)."""


def one_line(exc: BaseException) -> str:
    """An exception as one line of text (the default ``describe``)."""
    return " ".join(str(exc).split()) or type(exc).__name__


def target_of(session) -> Any:
    """What opens the session's database again: a file's path, or a server's address with its
    credentials (``backend.url``; ``session.path`` is the address as shown, without them)."""
    url = getattr(session.backend, "url", None)
    return url if isinstance(url, str) else session.path


def change_of(result: Any) -> Change | None:
    """The change a writing task made: its result, or the result's ``change`` (an import)."""
    if isinstance(result, Change):
        return result
    change = getattr(result, "change", None)
    return change if isinstance(change, Change) else None


class Task(QThread):
    """One piece of work on a session of its own. Made by :meth:`Tasks.run`."""

    _outcome = Signal(str, object)  # "done" | "failed" | "cancelled", the result or the text
    _progressed = Signal(int, int)

    def __init__(self, tasks: Tasks, work: Work, *, target, writes: bool, user: str | None,
                 describe: Callable[[BaseException], str], callbacks: dict[str, Callable]):
        super().__init__(tasks)
        self.tasks = tasks
        self.work = work
        self.target = target
        self.writes = writes
        self.user = user
        self.describe = describe
        self.callbacks = callbacks
        self.session_at_start = None  # the owner's session when the task started
        self.busy_indicator = None
        self.dropped = False  # the owner stopped it: its outcome goes nowhere
        self._cancel = threading.Event()
        self._last_step = -1
        self._outcome.connect(self._deliver)
        self._progressed.connect(self._report)
        self.finished.connect(self._ended)

    # -- from any thread --------------------------------------------------------------------------

    def cancel(self) -> None:
        """Ask the work to stop (it looks at :meth:`is_cancelled`; work that never does ends as
        it would have)."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def progress(self, done: int, total: int) -> None:
        """Report progress (from the work); only changes of a thousandth reach the GUI."""
        step = done * PROGRESS_STEPS // max(total, 1)
        if step != self._last_step:
            self._last_step = step
            self._progressed.emit(done, total)

    # -- the work's thread ------------------------------------------------------------------------

    def run(self) -> None:
        try:
            # create=False: a file that went away meanwhile is an error, not a new empty database
            with open_session(self.target, create=False, read_only=not self.writes,
                              user=self.user) as session:
                result = self.work(session, self)
        except Cancelled:
            self._outcome.emit("cancelled", None)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never raised in a thread
            self._outcome.emit("failed", self.describe(exc))
        else:
            self._outcome.emit("done", result)

    # -- the GUI thread ---------------------------------------------------------------------------

    @Slot(str, object)
    def _deliver(self, outcome: str, value) -> None:
        self.close_busy_indicator()
        if self.dropped:
            return
        if outcome == "done":
            change = change_of(value) if self.writes else None
            if change is not None:
                self.tasks.route_change(self, change)
            self._call("done", value)
        elif outcome == "failed":
            self._call("failed", value)
        else:
            self._call("cancelled")

    @Slot(int, int)
    def _report(self, done: int, total: int) -> None:
        if not self.dropped:
            self._call("progress", done, total)

    @Slot()
    def _ended(self) -> None:
        if not self.dropped:
            self.tasks.forget(self)
            self._call("ended")
        self.deleteLater()

    def _call(self, name: str, *args) -> None:
        callback = self.callbacks.get(name)
        if callback is not None:
            callback(*args)

    def close_busy_indicator(self) -> None:
        if self.busy_indicator is not None:
            self.busy_indicator.close()
            self.busy_indicator.deleteLater()
            self.busy_indicator = None

    def stop(self) -> None:
        """Cancel, wait for the work to end, and drop its outcome (the owner is closing)."""
        self.cancel()
        self.wait()
        self.dropped = True
        self.close_busy_indicator()


class Tasks(QObject):
    """The tasks one window or dialog (``owner``) runs. ``session()``: the owner's session now
    (tasks open their own on its target); ``route(change)``: where a writing task's change goes
    (None: nowhere)."""

    changed = Signal()  # a task started or ended: the owner updates what depends on it

    def __init__(self, owner: QObject, session: Callable[[], Any],
                 route: Callable[[Change], None] | None = None):
        super().__init__(owner)
        self.owner = owner
        self.session = session
        self.route = route
        self.running: list[Task] = []
        # a last guard: an owner deleted without closing first never leaves a thread running
        # under a deleted QThread (the owner is half gone: nothing is told)
        owner.destroyed.connect(self._owner_destroyed)

    def run(self, work: Work, *, done: Callable[[Any], None] | None = None,
            writes: bool = False, busy: tuple[str, str] | None = None,
            failed_title: str | None = None, failed: Callable[[str], None] | None = None,
            describe: Callable[[BaseException], str] = one_line,
            cancelled: Callable[[], None] | None = None,
            progress: Callable[[int, int], None] | None = None,
            ended: Callable[[], None] | None = None) -> Task:
        """Start ``work(session, task)`` on a session of its own (see the module's text)."""
        session = self.session()
        if failed is None and failed_title is not None:
            def failed(text: str) -> None:
                from ui import messages

                messages.critical(self.owner, failed_title, text)

        callbacks = {"done": done, "failed": failed, "cancelled": cancelled,
                     "progress": progress, "ended": ended}
        task = Task(self, work, target=target_of(session), writes=writes,
                    user=session.user if writes else None, describe=describe,
                    callbacks=callbacks)
        task.session_at_start = session
        if busy is not None:
            task.busy_indicator = busy_indicator(self.owner, *busy)
        self.running.append(task)
        self.changed.emit()
        task.start()
        return task

    def __bool__(self) -> bool:
        """True while a task runs."""
        return bool(self.running)

    def __len__(self) -> int:
        return len(self.running)

    def route_change(self, task: Task, change: Change) -> None:
        """A writing task's change, to the owner: only while it shows the database the task
        wrote to (another one may have been opened meanwhile)."""
        if self.route is not None and self.session() is task.session_at_start:
            self.route(change)

    def forget(self, task: Task) -> None:
        if task in self.running:
            self.running.remove(task)
            self.changed.emit()

    def stop(self) -> None:
        """Cancel every running task, wait for each to end, and drop their outcomes."""
        stopping, self.running = self.running, []
        for task in stopping:
            task.stop()
        if stopping:
            self.changed.emit()

    @Slot()
    def _owner_destroyed(self) -> None:
        stopping, self.running = self.running, []
        for task in stopping:
            task.cancel()
            task.wait()
            task.dropped = True


def stop_tasks(root: QObject) -> None:
    """Stop the tasks of ``root`` and of every window or dialog under it (``root`` closing)."""
    for tasks in root.findChildren(Tasks):
        tasks.stop()


def busy_indicator(parent, title: str, label: str):
    """A window-modal "working…" box with no Cancel button, shown once the work has taken
    300 ms (a 0..0 bar waits 4 s otherwise)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QProgressDialog

    indicator = QProgressDialog(label, None, 0, 0, parent)
    indicator.setWindowTitle(title)
    indicator.setWindowModality(Qt.WindowModality.WindowModal)
    indicator.setMinimumDuration(300)
    indicator.setValue(0)  # starts the 300 ms count
    return indicator
