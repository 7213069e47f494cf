"""Running the CLI in tests: a command on a database, a success, a clean failure."""

from __future__ import annotations

import sqlite3

from click.testing import CliRunner

from tracker.cli.main import main


def cli(db, *args, language="en", input=None):
    pre = ["--db", str(db), "--language", language]
    return CliRunner().invoke(main, [*pre, *args], input=input)


def ok(result):
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr,
                                   result.exception)
    return result


def fails(result, code=1):
    """A clean failure: the given exit status, one line on stderr, no traceback, no stdout."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr
    if code == 1:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("Error: ")
    return result.stderr.strip()


def audit_count(db):
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM audit").fetchone()[0]
