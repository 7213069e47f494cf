"""A long random walk through the window: no step may raise, and the data stays sound."""

from __future__ import annotations

import random

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tracker.model import KIND_ORDER
from tracker.store.repository import Repository
from ui.main_window import PAGES

pytestmark = pytest.mark.gui

WORDS = ["expo", "Минск", "<b>", '"', "road", "Ёлка", "=1+1", "", "plant", "🎉"]


@pytest.mark.parametrize("seed", [1, 2])
def test_random_walk(main_window, repo, db_path, dialogs, seed):
    rnd = random.Random(seed)
    dialogs.default = QMessageBox.StandardButton.Discard  # unsaved edits: thrown away
    w = main_window
    other = Repository(db_path, user="colleague")
    try:
        for _step in range(250):
            action = rnd.choice(["page", "page", "select", "select", "new", "edit", "edit",
                                 "save", "delete", "undo", "redo", "restore", "filter", "sort",
                                 "outside", "search", "history"])
            page = w.record_page()
            if action == "page":
                w.go_to(rnd.choice(PAGES))
            elif action == "select" and page and page.model.rowCount():
                page.table.selectRow(rnd.randrange(page.model.rowCount()))
            elif action == "new" and page:
                w.new_action.trigger()
                page.form.editors["title"].edit.setText(f"Walk {seed} {_step} {rnd.choice(WORDS)}")
                page.form.check_changes()
            elif action == "edit" and page:
                name = rnd.choice([f.name for f in page.kind.fields if f.type == "text"])
                text = rnd.choice(WORDS) * rnd.randint(1, 3) + f" {_step}"  # a real change
                page.form.editors[name].edit.setText(text)
                page.form.check_changes()
            elif action == "save":
                w.save_action.trigger()
            elif action == "delete":
                w.delete_action.trigger()
            elif action == "undo":
                dialogs.answers = [QMessageBox.StandardButton.Ok]  # a refused undo is explained
                w.undo_action.trigger()
                dialogs.answers = []
            elif action == "redo":
                dialogs.answers = [QMessageBox.StandardButton.Ok]
                w.redo_action.trigger()
                dialogs.answers = []
            elif action == "restore":
                w.go_to("trash")
                trash = w.pages["trash"]
                if trash.row_count():
                    trash.select_row(rnd.randrange(trash.row_count()))
                    trash.restore_selected()
            elif action == "filter" and page:
                page.filter_edit.setText(rnd.choice(WORDS))
                page.apply_filter()
                page.status_combo.setCurrentIndex(rnd.randrange(page.status_combo.count()))
            elif action == "sort" and page:
                page.table.horizontalHeader().setSortIndicator(
                    rnd.randrange(page.model.columnCount()),
                    rnd.choice([Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder]))
            elif action == "outside":
                kind = rnd.choice(KIND_ORDER)
                ids = [r["id"] for r in other.list(kind, columns=["id"])]
                if ids:
                    rid = rnd.choice(ids)
                    rec = other.get(kind, rid)
                    other.update(kind, rid, {"notes": f"outside {_step}"},
                                 expected_version=rec["version"])
                w.poll()
            elif action == "search":
                w.find_action.trigger()
                dialog = w.search_dialog
                dialog.edit.setText(rnd.choice(WORDS))
                dialog.run_search()
                if not dialog.open_current():
                    dialog.reject()
            elif action == "history":
                w.go_to("history")
                history = w.pages["history"]
                if history.model.rowCount():
                    history.table.selectRow(rnd.randrange(min(50, history.model.rowCount())))
        # the walk really wrote: creates, edits, deletes and restores reached the file
        actions = {row[0] for row in repo.backend.conn.execute(
            "SELECT DISTINCT action FROM audit WHERE user = ?", (repo.user,))}
        assert {"create", "update", "delete", "restore", "undo"} <= actions, actions
        # the file is sound and every write has its audit entry
        assert repo.backend.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert repo.backend.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        for kind in KIND_ORDER:
            page = w.pages[kind]
            page.filter_edit.setText("")
            page.status_combo.setCurrentIndex(0)
            page.apply_filter()
            page.refresh()
            assert page.model.rowCount() == repo.count(kind)
    finally:
        other.close()
