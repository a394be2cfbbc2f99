"""The `copydesk` command group and its error handling: one clean line per error, never a trace."""

from __future__ import annotations

import os
import sys

import click

from copydesk import __version__, core
from copydesk.cli.show import clean
from copydesk.errors import CopydeskError


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            core.use(os.environ.get("COPYDESK_CORE") or None)
            return super().invoke(ctx)
        except CopydeskError as exc:
            click.echo(f"copydesk: error: {clean(exc)}", err=True)
            ctx.exit(1)
        except click.ClickException as exc:
            # a usage error quotes its arguments (file names, ids): escape them before click prints it
            # (click types `message` Final; this is the one place that rewrites it)
            object.__setattr__(exc, "message", clean(exc.message))
            raise
        except BrokenPipeError:  # `copydesk ... | head`
            sys.stderr.close()
            ctx.exit(0)


def _version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    try:
        core.use(os.environ.get("COPYDESK_CORE") or None)
    except CopydeskError as exc:
        click.echo(f"copydesk: error: {clean(exc)}", err=True)
        ctx.exit(1)
    click.echo(f"copydesk {__version__}, core: {core.describe()}")
    ctx.exit(0)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_version,
    help="Show the version and the core in use (native or python; COPYDESK_CORE=python forces the second).",
)
def cli() -> None:
    """Find the same news story wherever it is republished, and show what each copy did with the text."""
