"""Commands about the database itself: ``init`` (create it; on a server, set it up), ``settings``
(the relationship's settings) and ``grant`` (a server login's clearance)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from tracker.cli.common import echo_json, one_line, parse_pairs
from tracker.cli.help import TranslatedCommand
from tracker.i18n import _
from tracker.model import CLASSIFICATIONS, KIND_ORDER
from tracker.model.attachments import DEFAULT_LIMIT_MB, LIMIT_SETTING, MAX_LIMIT_MB
from tracker.store.repository import SETTING_KEYS

#: What ``settings`` shows and sets: the relationship's, and the largest file one may attach.
CLI_KEYS = (*SETTING_KEYS, LIMIT_SETTING)

if TYPE_CHECKING:
    from tracker.cli.main import Env

CLEARANCES = [level for level, _label in CLASSIFICATIONS]  # lowest first


@click.command("init", cls=TranslatedCommand)
@click.option("--empty", is_flag=True, help="Create the database without the article's records.")
@click.pass_obj
def init(env: Env, empty: bool):
    """Create the database (seeded from the article unless --empty) and print its path.

    Running it again on an existing file changes nothing. On a server (--db postgresql://...)
    this is the database administrator's set-up of a database that exists: the clearance roles,
    the tables and their grants; run it again after an upgrade of the program. The seed is then
    written as the administrator's login.

    \b
    On a server:
      bilateral-tracker-cli --db postgresql://dba@db.example/tracker init --empty

    \b
    Example:
      bilateral-tracker-cli --db desk.db init --empty
    """
    if env.server:
        _init_server(env, empty)
        return
    existed = env.db_path.exists()
    repo = env.repo(seed=not empty)
    counts = repo.totals()
    click.echo(str(repo.path))
    summary = ", ".join(f"{name} {counts[name]}" for name in KIND_ORDER)
    if existed:
        click.echo(_("already there: {summary}").format(summary=summary), err=True)
    else:
        click.echo(_("created: {summary}").format(summary=summary), err=True)


@click.command("settings", cls=TranslatedCommand)
@click.argument("pairs", nargs=-1, metavar="[KEY=VALUE]...")
@click.option("--json", "as_json", is_flag=True, help="Print the settings as JSON.")
@click.pass_obj
def settings(env: Env, pairs: tuple[str, ...], as_json: bool):
    """Show the relationship's settings, or set some (home_country, partner_country,
    relationship_title; attachment_limit_mb: the largest file one may attach, in MB).

    \b
    Example:
      bilateral-tracker-cli settings partner_country=Uzbekistan
    """
    repo = env.repo()
    values = parse_pairs(pairs)
    if values:
        for key, value in values.items():
            if key not in CLI_KEYS:
                raise click.UsageError(_("unknown setting {key!r}; choose one of: {keys}").format(
                    key=key[:60], keys=", ".join(CLI_KEYS)))
            if key == LIMIT_SETTING and not (value.strip().isdigit() and
                                             1 <= int(value) <= MAX_LIMIT_MB):
                raise click.ClickException(_("{key} is a whole number of MB from 1 to {limit}, "
                                             "not {value!r}").format(
                    key=key, limit=MAX_LIMIT_MB, value=value[:40]))
            if len(value) > 300:
                raise click.ClickException(_("{key} is too long ({n} characters; at most "
                                             "{limit})").format(key=key, n=len(value),
                                                                limit=300))
        repo.set_settings({k: one_line(v) for k, v in values.items()})
    current = repo.settings()
    current[LIMIT_SETTING] = repo.setting(LIMIT_SETTING) or str(DEFAULT_LIMIT_MB)
    if as_json:
        echo_json(current)
        return
    for key in CLI_KEYS:
        click.echo(f"{key}: {current.get(key, '')}")


def _init_server(env: Env, empty: bool) -> None:
    from tracker.session import init_database

    created = init_database(env.target, empty=empty)
    click.echo(env.shown)
    if created and empty:
        click.echo(_("set up: the clearance roles, the tables and their grants; give each "
                     "desk's login its clearance with: grant LOGIN --clearance LEVEL"), err=True)
    elif created:
        click.echo(_("set up: the clearance roles, the tables and their grants, and the "
                     "article's records; give each desk's login its clearance with: grant LOGIN "
                     "--clearance LEVEL"), err=True)
    else:
        click.echo(_("already set up; its tables are up to date"), err=True)


@click.command("grant", cls=TranslatedCommand)
@click.argument("login", metavar="LOGIN")
@click.option("--clearance", required=True, type=click.Choice(CLEARANCES),
              help="The highest classification level the login may read and write.")
@click.pass_obj
def grant(env: Env, login: str, clearance: str):
    """Give a login of the database server its clearance (public, internal or restricted),
    replacing any it had: it reads and writes the records up to that level, and the server
    refuses it the rest. The login is made when missing (it sets its own password, or the
    administrator does). A database administrator's command; a database file has no
    clearances.

    \b
    Example:
      bilateral-tracker-cli --db postgresql://dba@srv/tracker grant alice --clearance internal
    """
    if not env.server:
        raise click.ClickException(_(
            "{path} is a database file: clearances belong to a database on a server "
            "(--db postgresql://...), where its administrator gives them").format(
                path=env.shown))
    from tracker.session import grant_clearance

    grant_clearance(env.target, login, clearance)
    click.echo(_("{login} now has the clearance {level} on {server}").format(
        login=login, level=clearance, server=env.shown))
