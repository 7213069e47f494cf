"""CLI help written in English in the code and shown in the interface language.

click reads help texts when the commands are declared, at import, before ``--language`` is known.
These command classes translate them through the gettext catalogue when the help is shown; the
texts reach the catalogue through :func:`messages` (``python -m tools.i18n update``).
``--language`` is eager, so ``bilateral-tracker-cli --language ru list --help`` is Russian.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from tracker.i18n import _


def text_key(text: str) -> str:
    """The catalogue's msgid for a help text: docstrings without their indentation (click
    versions differ in when they remove it)."""
    return inspect.cleandoc(text)


@contextmanager
def translated(cmd: click.Command, ctx: click.Context | None = None) -> Iterator[None]:
    """Within the block, ``cmd``'s help, short help, epilog and its options' help are in the
    current language; afterwards they are the English texts again."""
    params = cmd.get_params(ctx) if ctx is not None else list(cmd.params)
    saved = (cmd.help, cmd.short_help, cmd.epilog, [(p, getattr(p, "help", None))
                                                     for p in params])
    try:
        cmd.help, cmd.short_help, cmd.epilog = (_(text_key(t)) if t else t for t in saved[:3])
        for param, text in saved[3]:
            if text:
                param.help = _(text_key(text))
        yield
    finally:
        cmd.help, cmd.short_help, cmd.epilog = saved[:3]
        for param, text in saved[3]:
            if text:
                param.help = text


class _Translated:
    """Mixed into click's Command and Group: the help page in the current language."""

    def get_help(self, ctx: click.Context) -> str:
        with translated(self, ctx):
            return super().get_help(ctx)

    def get_short_help_str(self, limit: int = 45) -> str:
        with translated(self):
            return super().get_short_help_str(limit)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)),
                              prefix=_("Usage:") + " ")

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [row for param in self.get_params(ctx) if not isinstance(param, click.Argument)
                and (row := param.get_help_record(ctx)) is not None]
        if rows:
            with formatter.section(_("Options")):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        commands = [(name, cmd) for name in self.list_commands(ctx)
                    if (cmd := self.get_command(ctx, name)) is not None and not cmd.hidden]
        if not commands:
            return
        limit = formatter.width - 6 - max(len(name) for name, _cmd in commands)
        with formatter.section(_("Commands")):
            formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in commands])


class TranslatedCommand(_Translated, click.Command):
    pass


class TranslatedGroup(_Translated, click.Group):
    command_class = TranslatedCommand


def messages(group: click.Group, prog: str) -> list[tuple[str, str, int]]:
    """(text, file, line) of every help text of ``group`` and its commands, for the catalogue."""
    out: list[tuple[str, str, int]] = []
    root = Path(__file__).resolve().parents[2]  # the checkout: file names as in the catalogue

    def where(cmd: click.Command) -> tuple[str, int]:
        try:
            path = Path(inspect.getsourcefile(cmd.callback)).resolve()
            return path.relative_to(root).as_posix(), cmd.callback.__code__.co_firstlineno
        except (TypeError, ValueError, AttributeError):
            return "tracker/cli/main.py", 0

    def visit(cmd: click.Command, ctx: click.Context) -> None:
        file, line = where(cmd)
        for text in (cmd.help, cmd.short_help, cmd.epilog):
            if text:
                out.append((text_key(text), file, line))
        for param in cmd.get_params(ctx):
            if getattr(param, "help", None):
                out.append((text_key(param.help), file, line))
        if isinstance(cmd, click.Group):
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                if sub is not None:
                    visit(sub, click.Context(sub, info_name=name, parent=ctx))

    visit(group, click.Context(group, info_name=prog))
    return out
