"""Bilateral Tracker core: records, storage, search, seed, briefings and CLI (never imports Qt)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("bilateral-tracker")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0+unknown"
