"""Keyboard mnemonics (Alt+letter, the underlined letter) for every menu entry and button, in
whatever language the interface speaks.

A text that names its own (``&File``, ``П&омощь``) keeps it while its letter is free; the others
get the first free letter that starts a word, else any free letter. Within one menu, and within
one window's buttons (each page of a stack on its own, beside the window's menu bar), no two
share a letter: a letter typed in an open menu or with Alt then does one thing, never cycles
between entries or triggers one by accident.

Menus are labelled again each time they open (an entry's text may have changed meanwhile:
"Undo Edit …"). Importing this module builds no Qt namespace (start-up, DEVELOPERS.md).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import (
    QAbstractButton,
    QCalendarWidget,
    QMenu,
    QMenuBar,
    QStackedWidget,
    QToolButton,
)

DONE = "mnemonics_labelled"


def mnemonic(text: str) -> str | None:
    """The letter after a single ``&`` (``&&`` is a literal ampersand), casefolded; None when
    there is none, or it is no letter or digit (Alt+space is no mnemonic)."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] != "&":
                return text[i + 1].casefold() if text[i + 1].isalnum() else None
            i += 1
        i += 1
    return None


def plain(text: str) -> str:
    """``text`` without its mnemonic marker (``&&`` stays)."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "&" and i + 1 < len(text):
            out.append("&&" if text[i + 1] == "&" else text[i + 1])
            i += 2
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


def _candidates(shown: str) -> list[int]:
    """Indexes of ``shown`` (the text as displayed) worth a mnemonic: word starts first, then
    the other letters and digits."""
    starts, others = [], []
    for i, ch in enumerate(shown):
        if not ch.isalnum():
            continue
        (starts if i == 0 or not shown[i - 1].isalnum() else others).append(i)
    return starts + others


def with_mnemonic(text: str, taken: set[str]) -> str:
    """``text`` with a mnemonic not in ``taken`` (which gets it); its own kept when free; as
    it is, without one, when every letter of it is taken."""
    own = mnemonic(text)
    if own is not None and own not in taken:
        taken.add(own)
        return text
    stripped = plain(text)
    shown = stripped.replace("&&", "&")
    for i in _candidates(shown):
        letter = shown[i].casefold()
        if letter not in taken:
            taken.add(letter)
            # where shown[i] sits in the escaped text: each "&" before it is written "&&"
            at = i + shown[:i].count("&")
            return stripped[:at] + "&" + stripped[at:]
    return stripped


def assign(texts: Iterable[str], taken: Iterable[str] = ()) -> list[str]:
    """Each text with a mnemonic of its own: texts that name a free one keep it (the first of
    those sharing a letter wins), the rest get one in order."""
    texts = list(texts)
    used = set(taken)
    keep = set()
    for n, text in enumerate(texts):
        own = mnemonic(text)
        if own is not None and own not in used:
            used.add(own)
            keep.add(n)
    out = list(texts)
    # the texts with the fewest letters to choose from choose first ("С:" before "Сохранить")
    rest = sorted((n for n in range(len(texts)) if n not in keep),
                  key=lambda n: len({c.casefold() for c in plain(texts[n]) if c.isalnum()}))
    for n in rest:
        out[n] = with_mnemonic(texts[n], used)
    return out


def label_menu(menu: QMenu) -> None:
    """Mnemonics for the menu's entries (and its submenus'), again each time it opens."""
    actions = [a for a in menu.actions() if not a.isSeparator() and a.text()]
    for action, text in zip(actions, assign(a.text() for a in actions), strict=True):
        if text != action.text():
            action.setText(text)
        if action.menu() is not None:
            label_menu(action.menu())
    if not menu.property(DONE):
        menu.setProperty(DONE, True)
        menu.aboutToShow.connect(lambda m=menu: label_menu(m))


def label_menubar(bar: QMenuBar) -> set[str]:
    """Mnemonics for the menu titles and every menu; returns the titles' letters (Alt+letter
    in the window: its buttons must not take them)."""
    actions = [a for a in bar.actions() if a.text()]
    for action, text in zip(actions, assign(a.text() for a in actions), strict=True):
        if text != action.text():
            action.setText(text)
        if action.menu() is not None:
            label_menu(action.menu())
    return {m for m in (mnemonic(a.text()) for a in actions) if m}


def _labelled_buttons(root) -> list[QAbstractButton]:
    """The buttons a user reaches by their text: not a toolbar's (its action's), nor a
    calendar's month and year (the calendar's own keys move those)."""
    return [b for b in root.findChildren(QAbstractButton)
            if b.text() and not (isinstance(b, QToolButton) and b.defaultAction() is not None)
            and not _in_calendar(b, root)]


def _in_calendar(widget, root) -> bool:
    while widget is not None and widget is not root:
        if isinstance(widget, QCalendarWidget):
            return True
        widget = widget.parentWidget()
    return False


def _scope(button, root):
    """The page of a stack the button is on (pages are never shown together), else root."""
    widget, scope = button.parentWidget(), root
    while widget is not None and widget is not root:
        parent = widget.parentWidget()
        if isinstance(parent, QStackedWidget):
            scope = widget
        widget = parent
    return scope


def label_buttons(root, taken: Iterable[str] = ()) -> None:
    """Mnemonics for the buttons under ``root`` (a dialog, a page): unique in the window's
    scope (each page of a stack apart), none taking a letter of ``taken`` (the menu bar's)."""
    reserved = set(taken)
    scopes: dict[int, list[QAbstractButton]] = {}
    for button in _labelled_buttons(root):
        scopes.setdefault(id(_scope(button, root)), []).append(button)
    top = scopes.pop(id(root), [])
    _label(top, reserved)
    reserved |= {m for m in (mnemonic(b.text()) for b in top) if m}
    for buttons in scopes.values():
        _label(buttons, reserved)
    root.setProperty(DONE, True)


def _label(buttons: list[QAbstractButton], taken: set[str]) -> None:
    for button, text in zip(buttons, assign((b.text() for b in buttons), taken), strict=True):
        if text != button.text():
            button.setText(text)


def menubar_letters(window) -> set[str]:
    """The letters the window's menu titles take (Alt+F: File)."""
    bar = window.menuBar() if hasattr(window, "menuBar") else None
    if bar is None:
        return set()
    return {m for m in (mnemonic(a.text()) for a in bar.actions()) if m}


def _focus_moved(old, new) -> None:
    """A dialog or message box that takes the focus gets its buttons' mnemonics (the main
    window's pages get theirs when made, ``ui.pages.make_page``)."""
    if new is None:
        return
    window = new.window()
    if hasattr(window, "menuBar") or (old is not None and old.window() is window):
        return
    label_buttons(window)


def watch_windows() -> None:
    """Label every dialog's buttons as it takes the focus (once per application)."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is not None and not app.property(DONE):
        app.setProperty(DONE, True)
        app.focusChanged.connect(_focus_moved)
