"""The dashboard's indicator tiles: each indicator chosen for the dashboard with its newest
value, a sparkline with its target and the distance to it; a click opens the indicator."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

pytestmark = pytest.mark.gui


def settle(qtbot):
    qtbot.wait(30)


def tiles(window, qtbot):
    page = window.pages["dashboard"]
    page.refresh()
    settle(qtbot)
    return page.indicator_tiles.tiles


def plants(repo) -> dict:
    return next(r for r in repo.list("indicators") if r["title"].startswith("Joint"))


def test_the_seeded_indicators_are_tiles_with_their_newest_values(main_window, repo, qtbot):
    shown = tiles(main_window, qtbot)
    assert sorted(t.value.text() for t in shown) == [
        "13 (2017)", "3,000,000,000 USD (2017)", "45 (2017)"]
    assert all(t.distance.full == "" for t in shown)  # the article gives no targets


def test_a_tile_says_how_far_the_target_is_and_charts_it(main_window, repo, qtbot):
    rec = repo.get("indicators", plants(repo)["id"])
    repo.update("indicators", rec["id"], {"target_value": "20", "series": [
        {"date": "2016", "value": "10"}, {"date": "2017", "value": "13"}]},
        expected_version=rec["version"])
    tile = next(t for t in tiles(main_window, qtbot) if t.title.full.startswith("Joint"))
    assert tile.distance.full == "7 below the target (35% of it)"
    assert "#b3261e" in tile.distance.styleSheet()  # short of the target: red
    r = tile.sparkline.reading
    assert [p.value for p in r.points] == [10, 13] and r.target == 20
    tile.sparkline.grab()  # paints without error


def test_only_chosen_indicators_show_and_the_row_hides_when_none(main_window, repo, qtbot):
    for row in repo.list("indicators"):
        rec = repo.get("indicators", row["id"])
        repo.update("indicators", rec["id"], {"on_dashboard": "no"},
                    expected_version=rec["version"])
        if rec["id"] == plants(repo)["id"]:
            assert len(tiles(main_window, qtbot)) == 2
    assert tiles(main_window, qtbot) == []
    assert main_window.pages["dashboard"].indicator_tiles.isHidden()


def test_clicking_a_tile_opens_the_indicator(main_window, repo, qtbot):
    assert main_window.go_to("dashboard")
    tile = next(t for t in tiles(main_window, qtbot) if t.title.full.startswith("Joint"))
    with qtbot.waitSignal(main_window.pages["dashboard"].openRecord) as signal:
        qtbot.mouseClick(tile, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert signal.args == ["indicators", plants(repo)["id"]]
    settle(qtbot)
    assert main_window.pages["indicators"].form.record_id == plants(repo)["id"]
