"""Bilateral Tracker core: records, storage, search, seed, briefings and CLI (never imports Qt)."""

from __future__ import annotations


def __getattr__(name: str):
    # The version comes from the package metadata, read on first use: importing
    # importlib.metadata costs ~20 ms that a start-up showing no version should not pay.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("bilateral-tracker")
        except PackageNotFoundError:  # a checkout that was never installed
            value = "0.0.0+unknown"
        globals()["__version__"] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
