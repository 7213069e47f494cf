"""File › Open shared database…: a database on a PostgreSQL server that several desks share.

The dialog asks for the server (a host, ``host:port``, or the folder of a local socket), the
database and the login, and a password for this connection only: it is never stored nor shown
again (the recent list keeps the address without it; libpq also finds one in ``~/.pgpass`` or
``PGPASSWORD``). A server that refuses (a wrong password, a login without clearance, no such
database) brings the dialog back with its reason, the address filled in.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from tracker.i18n import gettext as _
from ui import menus

DEFAULT_PORT = "5432"


def server_url(server: str, database: str, login: str, password: str = "") -> str:
    """The ``postgresql://`` address of the dialog's fields (each part percent-encoded)."""
    server, database, login = server.strip(), database.strip(), login.strip()
    user = quote(login, safe="")
    if password:
        user += ":" + quote(password, safe="")
    at = user + "@" if user else ""
    if server.startswith("/"):  # the folder of a local server's socket
        return f"postgresql://{at}/{quote(database, safe='')}?" + urlencode(
            {"host": server}, safe="/")
    return f"postgresql://{at}{server}/{quote(database, safe='')}"


def fields_of(address: str) -> tuple[str, str, str]:
    """(server, database, login) of an address (its password, if any, is left out)."""
    parts = urlsplit(address)
    query = dict(parse_qsl(parts.query))
    host = query.get("host") or parts.netloc.rpartition("@")[2]
    return host, unquote(parts.path.lstrip("/")), unquote(parts.username or "")


class OpenSharedDialog(QDialog):
    def __init__(self, parent=None, address: str | None = None, error: str | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Open shared database"))
        self.setMinimumWidth(520)
        self.server = QLineEdit()
        self.server.setPlaceholderText(_("db.example.org, db.example.org:5433 or a socket folder"))
        self.database = QLineEdit()
        self.database.setPlaceholderText("tracker")
        self.login = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(_("from ~/.pgpass or PGPASSWORD when left empty"))
        form = QFormLayout()
        form.addRow(_("&Server:"), self.server)
        form.addRow(_("&Database:"), self.database)
        form.addRow(_("&Login:"), self.login)
        form.addRow(_("&Password:"), self.password)
        note = QLabel(_("The password is used for this connection only: it is never stored or "
                        "shown. What you may read and change is decided by the server, by the "
                        "clearance of your login."))
        note.setWordWrap(True)
        note.setTextFormat(Qt.TextFormat.PlainText)
        self.error = QLabel(error or "")
        self.error.setObjectName("open_shared_error")
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet("color: #a00000;")
        self.error.setVisible(bool(error))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        if address:
            server, database, login = fields_of(address)
            self.server.setText(server)
            self.database.setText(database)
            self.login.setText(login)
        for edit in (self.server, self.database):
            edit.textChanged.connect(self._check)
        self._check()
        (self.password if address else self.server).setFocus()

    def _check(self) -> None:
        ready = bool(self.server.text().strip() and self.database.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Open).setEnabled(ready)

    def url(self) -> str:
        """The address to open, with the password typed (for this connection only)."""
        return server_url(self.server.text(), self.database.text(), self.login.text(),
                          self.password.text())


def last_shared() -> str | None:
    """The shared database opened last (the recent list keeps it without its password)."""
    from tracker.store.engines import is_server

    return next((f for f in menus.recent_files() if is_server(f)), None)


def ask_shared_database(window, address: str | None = None,
                        error: str | None = None) -> str | None:
    """The address to open, or None (cancelled)."""
    dialog = OpenSharedDialog(window, address or last_shared(), error)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.url()
    finally:
        dialog.password.clear()
        dialog.deleteLater()


def open_failed(window, address: str, exc: BaseException) -> bool:
    """A shared database did not open: the dialog again, with the reason (never the password),
    to try once more or give up. True when one opened."""
    from tracker.store.engines import without_password

    shown = without_password(address)
    reason = " ".join(str(exc).split()) or type(exc).__name__
    password = unquote(urlsplit(address).password or "")
    if password:
        reason = reason.replace(password, "•••").replace(quote(password, safe=""), "•••")
    url = ask_shared_database(window, shown, _("{server} cannot be opened: {error}").format(
        server=shown, error=reason))
    return bool(url) and window.open_database(url)
