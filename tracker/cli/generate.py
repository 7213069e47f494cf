"""The ``generate`` command: synthetic records for benchmarks and demonstrations
(:mod:`tracker.seed.synthetic`)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from tracker.cli.help import TranslatedCommand
from tracker.i18n import _
from tracker.seed.synthetic import GENERATION_ORDER, MAX_PER_KIND, generate

if TYPE_CHECKING:
    from tracker.cli.main import Env


@click.command("generate", cls=TranslatedCommand)
@click.option("--per-kind", type=click.IntRange(min=1, max=MAX_PER_KIND), required=True,
              help="How many records of each kind to add (at most 1,000,000).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="The same seed on the same database gives the same records.")
@click.pass_obj
def generate_command(env: Env, per_kind: int, seed: int) -> None:
    """Add synthetic records of every kind, linked to each other, for benchmarks and
    demonstrations: Russian and English text, dates over many years, every status, some
    overdue items. One transaction and one history entry; --seed makes it repeatable.

    \b
    Example:
      bilateral-tracker-cli --db /tmp/bench.db generate --per-kind 1000 --seed 7
    """
    import time

    t0 = time.perf_counter()
    repo = env.repo()
    with click.progressbar(length=per_kind * len(GENERATION_ORDER), label=_("Generating"),
                           file=sys.stderr) as bar:
        last = [0]

        def progress(_stage: str, done: int, _total: int) -> None:
            bar.update(done - last[0])
            last[0] = done

        counts = generate(repo, per_kind, seed=seed, progress=progress)
    click.echo(_("Added {n} records in {seconds:.1f} s to {path}").format(
        n=sum(counts[k] for k in GENERATION_ORDER), seconds=time.perf_counter() - t0,
        path=repo.path))

