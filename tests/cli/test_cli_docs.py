"""Every CLI command documents itself with a working example."""

from __future__ import annotations

import shlex

import click
import pytest
from click.testing import CliRunner

from tracker.cli.main import PROG, main

# Commands over the database and its records (admin, records, exchange modules): their
# examples are run below against a seeded database.
OWN = ("init", "settings", "fields", "list", "show", "search", "history", "add", "edit", "delete",
       "undelete", "export", "import", "deadlines", "calendar", "report", "since",
       "value")


def example_lines(command: click.Command) -> list[str]:
    """The lines under ``Example:`` in the help text, as written."""
    lines = (command.help or "").splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == "Example:")
    except StopIteration:
        return []
    out = []
    for line in lines[start + 1:]:
        if not line.strip():
            break
        out.append(line.strip())
    return out


def examples(command: click.Command) -> list[str]:
    """The example command lines (shell line continuations joined)."""
    out: list[str] = []
    pending = ""
    for line in example_lines(command):
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        out.append(pending + line)
        pending = ""
    if pending:
        out.append(pending.strip())
    return out


OTHERS = ("briefing", "backup", "backups", "restore", "check", "generate",
          "grant",  # grant: a server's (tests/cli/test_cli_server.py runs it)
          # attached files: their examples run in tests/cli/test_cli_attachments.py
          "attach", "attachments", "detach", "save-attachment", "attachment-source",
          "read-texts")


def test_the_group_and_every_own_command_are_registered():
    assert set(main.commands) == {*OWN, *OTHERS}
    assert examples(main)


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_has_help_with_an_example(name):
    command = main.commands[name]
    assert command.help and command.help.strip(), f"{name} has no help text"
    found = examples(command)
    assert found, f"{name}: no 'Example:' section in its help"
    for line in found:
        assert line.startswith(PROG + " "), f"{name}: example does not start with {PROG}: {line}"
        assert name in shlex.split(line), f"{name}: example does not run {name}: {line}"
    shown = CliRunner().invoke(main, [name, "--help"])
    assert shown.exit_code == 0, shown.stderr
    assert "Example:" in shown.stdout
    for line in example_lines(command):  # shown unwrapped, so it can be copied
        assert line in shown.stdout


def test_own_examples_run(tmp_path, monkeypatch):
    """Run every example of the commands in OWN, in the order the help lists them."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "desk-default.db"))
    runner = CliRunner()
    assert runner.invoke(main, ["init"]).exit_code == 0
    ran = 0
    for name in OWN:
        for line in examples(main.commands[name]):
            args = shlex.split(line)[1:]
            result = runner.invoke(main, args)
            assert result.exit_code == 0, (line, result.stdout, result.stderr)
            ran += 1
    assert ran >= len(OWN)
