"""The CLI in the interface language: our help texts and click's own messages.

Our help texts (docstrings, ``help=``) are written in English in the code; click reads them when
the commands are declared, at import, before ``--language`` is known. The command classes below
translate them through the catalogue when the help is shown; they reach the catalogue through
:func:`messages` (``python -m tools.i18n update``).

click's own messages ("Usage:", "Options", "Show this message and exit.", "Missing argument",
"No such command" ...) are marked in click's source with the standard library's classic gettext
API (``from gettext import gettext as _``): they are looked up in the current text domain, in the
language the environment names (``LANGUAGE``). ``python -m tools.i18n`` extracts them into our
catalogue with ours; for one run of the CLI (:meth:`TranslatedGroup.main`), :func:`speak` makes
our catalogue that text domain and the interface language the environment's, and everything is
put back afterwards. ``--language`` is eager, so ``bilateral-tracker-cli --language ru list
--help`` is Russian throughout.
"""

from __future__ import annotations

import gettext
import inspect
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from tracker.i18n import DOMAIN, _
from tracker.paths import resource_path

#: The standard library's text domain before we make ours the current one (it has no catalogue
#: of ours: click's messages in English).
_DEFAULT_DOMAIN = gettext.textdomain()


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


# --- click's own messages -------------------------------------------------------------------------

class _Run:
    """What one run of the CLI changed in the gettext module's global state, to put it back."""

    def __init__(self):
        self.domain = gettext.textdomain()
        self.language = os.environ.get("LANGUAGE")
        self.folder: Path | None = None  # compiled catalogues of this run, if it needed any

    def restore(self) -> None:
        gettext.textdomain(self.domain)
        if self.language is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = self.language
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def catalogues(self, lang: str) -> Path | None:
        """The folder holding ``<lang>/LC_MESSAGES/tracker.mo`` up to date with its .po: the
        resources' (a build compiles it there), else this run's own compiled copy (a checkout
        reads the .po directly, as tracker.i18n does); None if there is no catalogue."""
        base = resource_path("translations")
        po = base / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        mo = po.with_suffix(".mo")
        if mo.exists() and not (po.exists() and mo.stat().st_mtime < po.stat().st_mtime):
            return base
        if not po.exists():
            return None
        if self.folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix="bilateral-tracker-messages-"))
        target = self.folder / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
        if not target.exists():
            from babel.messages.mofile import write_mo
            from babel.messages.pofile import read_po

            target.parent.mkdir(parents=True)
            with open(po, "rb") as source, open(target, "wb") as out:
                write_mo(out, read_po(source), use_fuzzy=False)
        return self.folder


_runs: list[_Run] = []  # the runs under way (a test runs the CLI inside another run's process)


def speak(lang: str) -> None:
    """click's own messages in ``lang`` for the rest of this run of the CLI."""
    if not _runs:
        return
    folder = _runs[-1].catalogues(lang) if lang != "en" else None
    if folder is None:
        gettext.textdomain(_DEFAULT_DOMAIN)
        return
    gettext.bindtextdomain(DOMAIN, str(folder))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = lang


@contextmanager
def _english() -> Iterator[None]:
    """click's messages in English inside the block."""
    domain = gettext.textdomain()
    gettext.textdomain(_DEFAULT_DOMAIN)
    try:
        yield
    finally:
        gettext.textdomain(domain)


# --- the command classes --------------------------------------------------------------------------

class _Translated:
    """Mixed into click's Command and Group: the help page in the current language."""

    def get_help(self, ctx: click.Context) -> str:
        with translated(self, ctx):
            return super().get_help(ctx)

    def get_short_help_str(self, limit: int = 45) -> str:
        with translated(self):
            return super().get_short_help_str(limit)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        # click makes the help option once per command and keeps it: made in English (its text
        # is then translated when shown, like every option's), whatever language the run that
        # first needed it spoke.
        with _english():
            return super().get_help_option(ctx)


class TranslatedCommand(_Translated, click.Command):
    pass


class TranslatedGroup(_Translated, click.Group):
    command_class = TranslatedCommand

    def main(self, *args, **kwargs):
        """One run of the CLI; click's messages are in the language :func:`speak` chose (its
        error messages too: they are printed before this returns)."""
        run = _Run()
        _runs.append(run)
        try:
            return super().main(*args, **kwargs)
        finally:
            _runs.remove(run)
            run.restore()


def messages(group: click.Group, prog: str) -> list[tuple[str, str, int]]:
    """(text, file, line) of every help text of ``group`` and its commands, for the catalogue."""
    out: list[tuple[str, str, int]] = []
    root = Path(__file__).resolve().parents[2]  # the checkout: file names as in the catalogue

    def where(cmd: click.Command) -> tuple[str, int]:
        try:
            function = inspect.unwrap(cmd.callback)  # not click's pass_obj wrapper
            path = Path(inspect.getsourcefile(function)).resolve()
            return path.relative_to(root).as_posix(), function.__code__.co_firstlineno
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
