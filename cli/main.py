"""Entry point of the `amber` command: one Typer app, one module per command group."""

from __future__ import annotations

import typer
from typer.core import TyperGroup

from amber.cli import ask, imports, maintenance, memory, models, recall, setup, tree
from amber.errors import AmberError


class AmberGroup(TyperGroup):
    """Errors a user can cause print one line and exit non-zero, without a traceback."""

    def invoke(self, ctx: typer.Context) -> object:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except AmberError as exc:
            typer.echo(f"amber: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None


app = typer.Typer(
    cls=AmberGroup,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    help="Amber: your local, encrypted memory. Everything stays on this machine.",
)
for module in (setup, memory, recall, ask, tree, maintenance):
    module.register(app)
app.add_typer(imports.app, name="import")
app.add_typer(models.app, name="models")


def run() -> None:
    app()
