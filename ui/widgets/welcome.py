"""What a new, empty database shows instead of a dashboard of zeros: the first three things to do
(name the relationship, add a source, import a colleague's export), each a button, each ticked
once done. The dashboard shows it while the database holds no record but sources."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from tracker.i18n import gettext as _
from tracker.i18n import ngettext
from tracker.model import SOURCE_KIND


def is_new(totals: dict[str, int]) -> bool:
    """A database to greet: no record yet besides sources (``totals``: live records by kind)."""
    return not any(n for kind, n in totals.items() if kind != SOURCE_KIND.name)


class WelcomePanel(QWidget):
    nameRelationship = Signal()  # noqa: N815
    addSource = Signal()  # noqa: N815
    importExport = Signal()  # noqa: N815

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("welcome")
        self.heading = QLabel(_("Welcome to Bilateral Tracker"))
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        intro = QLabel(_("This database holds no records yet. Three steps start the record of "
                         "a relationship:"))
        intro.setWordWrap(True)
        self.name_button = QPushButton(_("&Name the relationship…"))
        self.source_button = QPushButton(_("&Add a source…"))
        self.import_button = QPushButton(_("&Import a colleague's export…"))
        self.name_button.clicked.connect(self.nameRelationship)
        self.source_button.clicked.connect(self.addSource)
        self.import_button.clicked.connect(self.importExport)
        self.name_note, self.source_note = QLabel(), QLabel()
        import_note = QLabel(_("A colleague's export (File › Export… on their desk) brings "
                               "their records and sources at once; a JSON export names the "
                               "relationship too."))
        steps = QGridLayout()
        steps.setHorizontalSpacing(16)
        steps.setVerticalSpacing(14)
        self.marks = []
        for row, (button, note) in enumerate(((self.name_button, self.name_note),
                                              (self.source_button, self.source_note),
                                              (self.import_button, import_note))):
            mark = QLabel(f"{row + 1}.")
            mark.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.marks.append(mark)
            button.setAutoDefault(True)  # Enter on a focused button presses it
            button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            note.setWordWrap(True)
            note.setTextFormat(Qt.TextFormat.PlainText)
            steps.addWidget(mark, row, 0)
            steps.addWidget(button, row, 1)
            steps.addWidget(note, row, 2)
        steps.setColumnStretch(2, 1)
        self.read_only_note = QLabel(_("This database is open read-only: nothing can be added "
                                       "to it here."))
        self.read_only_note.hide()
        box = QFrame()
        box.setFrameShape(QFrame.Shape.StyledPanel)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(18, 16, 18, 16)
        inner.setSpacing(12)
        inner.addWidget(self.heading)
        inner.addWidget(intro)
        inner.addLayout(steps)
        inner.addWidget(self.read_only_note)
        box.setMaximumWidth(self.fontMetrics().horizontalAdvance("M") * 64)
        row = QHBoxLayout()  # centred by stretches: the wrapped notes get their height
        row.addStretch(1)
        row.addWidget(box, 3)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addLayout(row)
        layout.addStretch(1)

    def set_state(self, settings: dict[str, str], totals: dict[str, int], *,
                  read_only: bool) -> None:
        """Tick what is done: the relationship named (``settings``), sources added."""
        both = " – ".join(x for x in (settings.get("home_country"),
                                      settings.get("partner_country")) if x)
        title = settings.get("relationship_title") or both
        self.heading.setText(title or _("Welcome to Bilateral Tracker"))
        self.name_note.setText(
            _("Named: {title} (File › Relationship… changes it too).").format(title=title)
            if title else _("The two countries and the title the dashboard and briefings "
                            "are headed with."))
        self.name_button.setText(_("Rename the relationship…") if title
                                 else _("&Name the relationship…"))
        sources = totals.get(SOURCE_KIND.name, 0)
        self.source_note.setText(
            ngettext("{n} source so far. Next: the records that cite it, on the pages of the "
                     "Go menu.", "{n} sources so far. Next: the records that cite them, on the "
                     "pages of the Go menu.", sources).format(n=sources) if sources else
            _("Every fact cites its source: an article, a communiqué, a treaty text. Add one "
              "first, then the records that cite it."))
        for i, done in enumerate((bool(title), bool(sources))):
            self.marks[i].setText("✓" if done else f"{i + 1}.")
        for button in (self.name_button, self.source_button, self.import_button):
            button.setEnabled(not read_only)
        self.read_only_note.setVisible(read_only)
