"""A table model that reads its rows a page at a time (``PagedModel``): ``rowCount()`` is one
count, ``row_dict()`` asks a small least-recently-used cache of pages (``PAGE_SIZE`` rows each)
and fetches a missing page with one query. Subclasses say how to count and fetch."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

_INVALID = QModelIndex()


class _PageCache:
    """A few pages of rows, least recently used dropped first."""

    def __init__(self, page_size: int, max_pages: int):
        self.page_size = page_size
        self.max_pages = max_pages
        self.pages: OrderedDict[Any, list[dict]] = OrderedDict()

    def get(self, key):
        page = self.pages.get(key)
        if page is not None:
            self.pages.move_to_end(key)
        return page

    def put(self, key, rows: list[dict]) -> None:
        self.pages[key] = rows
        self.pages.move_to_end(key)
        while len(self.pages) > self.max_pages:
            self.pages.popitem(last=False)

    def clear(self) -> None:
        self.pages.clear()

    def cached_rows(self) -> int:
        return sum(len(p) for p in self.pages.values())


class PagedModel(QAbstractTableModel):
    PAGE_SIZE = 200
    MAX_PAGES = 6

    def __init__(self, parent=None):
        super().__init__(parent)
        self._cache = _PageCache(self.PAGE_SIZE, self.MAX_PAGES)
        self._count: int | None = None
        #: rows fetched from the repository since the model was made (tests and benchmarks)
        self.rows_fetched = 0
        self.queries = 0

    # subclasses: _fetch_count() -> int, _fetch_page(offset, limit) -> list[dict]

    def rowCount(self, parent=_INVALID) -> int:  # noqa: N802 - Qt API
        if parent.isValid():
            return 0
        if self._count is None:
            self._count = self._fetch_count()
        return self._count

    def row_dict(self, row: int) -> dict | None:
        if row < 0 or row >= self.rowCount():
            return None
        page_no = row // self.PAGE_SIZE
        page = self._cache.get(page_no)
        if page is None:
            page = self._fetch_page(page_no * self.PAGE_SIZE, self.PAGE_SIZE)
            self.rows_fetched += len(page)
            self.queries += 1
            self._cache.put(page_no, page)
        i = row - page_no * self.PAGE_SIZE
        return page[i] if i < len(page) else None

    def cached_rows(self) -> int:
        return self._cache.cached_rows()

    def reload(self) -> None:
        """Forget cached rows and the count; the view asks again for what it shows."""
        self.beginResetModel()
        self._cache.clear()
        self._count = None
        self.endResetModel()

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | \
            Qt.ItemFlag.ItemNeverHasChildren
