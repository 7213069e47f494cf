"""Bilateral Tracker desktop GUI (PySide6); reaches data only through tracker.store.repository."""
