"""The ``minbar`` command: every verb registered explicitly on one Typer app.

Each verb is a thin function in a module of this package that calls one :class:`minbar.Minbar`
method; nothing registers itself by being imported.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from minbar.cli import accounts, analysis, demo, ingest, matching, read, work
from minbar.cli.common import Group, err, report, sub_app
from minbar.config import Settings

app = typer.Typer(
    cls=Group,
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="The ``minbar`` command: multilingual media monitoring (ar, tr, az, en, ru).",
)


@app.callback()
def main_callback(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir", envvar="MINBAR_DATA_DIR", help="Where the embedded database lives."
        ),
    ] = None,
) -> None:
    """minbar: multilingual media monitoring (ar, tr, az, en, ru)."""
    ctx.obj = {"settings": Settings.from_env(data_dir)}


# Ingest and enrichment
app.command()(ingest.ingest)
app.command()(ingest.enrich)
app.command("log")(ingest.ingest_log)
app.command()(ingest.reindex)
app.command()(ingest.run)
sources_app = sub_app("The registry of polled feeds and pages.")
sources_app.command("add")(ingest.sources_add)
sources_app.command("list")(ingest.sources_list)
app.add_typer(sources_app, name="sources")

# Reading the monitored media
app.command()(read.search)
app.command()(read.article)
app.command("stories")(read.stories)
app.command("story")(read.story)

# Analysis
app.command()(analysis.analyze)
app.command()(analysis.quotes)
app.add_typer(analysis.entities_app, name="entities")

# Fact-checks and matching
app.add_typer(matching.factchecks_app, name="factchecks")
app.command()(matching.match)
app.command()(matching.matches)

# The platform: web, background work, accounts
app.command()(demo.demo)
app.command("serve")(demo.serve_cmd)
app.command()(work.worker)
app.command()(work.status)
app.command()(work.backup)
app.command()(work.restore)
app.add_typer(accounts.orgs_app, name="orgs")
app.add_typer(accounts.committees_app, name="committees")
app.add_typer(accounts.users_app, name="users")
app.add_typer(accounts.members_app, name="members")
app.add_typer(accounts.tokens_app, name="tokens")
app.command()(accounts.audit)


def main() -> None:
    try:
        app()  # standalone: click-level usage errors print themselves and exit 2
    except KeyboardInterrupt:
        err.print("minbar: aborted")
        sys.exit(130)
    except Exception as exc:  # the user gets a sentence, not a traceback
        sys.exit(report(exc))
