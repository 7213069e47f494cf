"""What the commands share: text on one line, aligned tables, JSON on stdout, FIELD=VALUE pairs."""

from __future__ import annotations

import json
from typing import Any

import click

from tracker.i18n import _

MAX_CELL = 40
MAX_INTEGER = 2**63 - 1  # SQLite's largest integer: a larger number is a usage error, not a crash


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def cell(text: str, width: int = MAX_CELL) -> str:
    text = one_line(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def format_table(headers: list[str], rows: list[list[str]], width: int = MAX_CELL) -> str:
    """Rows under their headers in aligned columns, each cell on one line and cut at ``width``."""
    cells = [[cell(c, width) for c in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines)


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def parse_pairs(pairs: tuple[str, ...]) -> dict[str, str]:
    """``("title=Expo", "progress=5")`` as a dict; anything without ``=`` is a usage error."""
    values: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise click.UsageError(_("expected FIELD=VALUE, got {pair!r}").format(
                pair=pair[:60]))
        name, value = pair.split("=", 1)
        values[name.strip()] = value
    return values
