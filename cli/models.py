"""`amber models pull|list|add|rm|use`: local GGUF models for distillation and embeddings."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from amber.cli.output import console, err, print_json
from amber.config import Config, load_config
from amber.errors import InvalidInputError
from amber.models import download, registry
from amber.models.manifest import load_manifest

app = typer.Typer(
    no_args_is_help=True,
    help="Local GGUF models. None is needed: without one Amber runs in zero-LLM mode.",
)


class Role(StrEnum):
    chat = "chat"
    embed = "embed"


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
RoleOpt = Annotated[Role | None, typer.Option("--role", help="What the model is for.")]


@app.command()
def pull(
    spec: Annotated[str, typer.Argument(metavar="NAME|URL", help="Manifest name or https URL.")],
    role: RoleOpt = None,
    sha256: Annotated[
        str | None, typer.Option("--sha256", help="Expected sha256 (hex); the file must match.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Download a model (resumes an interrupted download), verify it and register it."""
    config = load_config()
    with _progress(spec.rsplit("/", 1)[-1], enabled=not as_json) as progress:
        result = download.pull_model(
            config, spec, role=role.value if role else None, sha256=sha256, progress=progress
        )
    got = result.downloaded
    if as_json:
        print_json(
            {
                **_installed_json(config, result.model),
                "downloaded": got is not None,
                "resumed_from": got.resumed_from if got else 0,
            }
        )
        return
    model = result.model
    if got is None:
        console.print(f"{model.name} is installed already at {model.path}")
    else:
        size = download.human_size(model.size_bytes)
        console.print(f"Installed [bold]{model.name}[/] ({model.role}, {size}) at {model.path}")
        console.print(f"  sha256 {model.sha256}", highlight=False)
        if got.resumed_from:
            console.print(f"  resumed: {download.human_size(got.resumed_from)} were kept")
    _print_active(model, result.active)


@contextmanager
def _progress(label: str, enabled: bool) -> Iterator[download.ProgressFn | None]:
    """A progress bar on stderr (stdout stays clean for the result and for --json). It starts
    with the first byte, so an error found before downloading prints no empty bar."""
    if not enabled:
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    bar = Progress(*columns, console=err)
    task = bar.add_task(label, total=None)
    started = False

    def update(done: int, total: int | None) -> None:
        nonlocal started
        bar.update(task, completed=done, total=total)
        if not started:
            bar.start()
            started = True

    try:
        yield update
    finally:
        if started:  # stop() prints a newline even when the bar never showed
            bar.stop()


def _print_active(model: registry.InstalledModel, active: bool) -> None:
    if active:
        console.print(f"  active {model.role} model")
    else:
        console.print(f"  make it the active {model.role} model: amber models use {model.name}")


@app.command("list")
def list_models(as_json: JsonOpt = False) -> None:
    """Installed models (and which is active per role), then the recommended ones."""
    config = load_config()
    data = _listing(config)
    if as_json:
        print_json(data)
        return
    if data["installed"]:
        console.print(_installed_table(data["installed"]))
    else:
        console.print("No model installed: Amber runs in zero-LLM mode.")
    console.print(_recommended_table(data["recommended"]))
    console.print(
        "Install one with `amber models pull NAME`, or register a local file with "
        "`amber models add PATH --role chat|embed`",
        highlight=False,
    )


def _listing(config: Config) -> dict[str, Any]:
    active = registry.active_names(config)
    installed = [_installed_json(config, m, active) for m in registry.installed_models(config)]
    names = {m["name"] for m in installed}
    recommended = [
        {
            **asdict(entry),
            "installed": entry.name in names,
            "active": active.get(entry.role) == entry.name,
        }
        for entry in load_manifest().values()
    ]
    return {
        "models_dir": str(registry.models_dir(config)),
        "active": active,
        "installed": installed,
        "recommended": recommended,
    }


def _installed_json(
    config: Config, model: registry.InstalledModel, active: dict[str, str] | None = None
) -> dict[str, Any]:
    active = registry.active_names(config) if active is None else active
    return {
        **model.to_json(),
        "active": active.get(model.role) == model.name,
        "present": model.file.is_file(),
    }


def _installed_table(rows: list[dict[str, Any]]) -> Table:
    table = Table(title="installed models")
    for column in ("name", "role", "size", "active"):
        table.add_column(column, no_wrap=True)
    table.add_column("path", overflow="fold")
    for row in rows:
        path = row["path"] if row["present"] else f"{row['path']} [red](missing)[/]"
        size = download.human_size(row["size_bytes"])
        table.add_row(row["name"], row["role"], size, "yes" if row["active"] else "", path)
    return table


def _recommended_table(rows: list[dict[str, Any]]) -> Table:
    table = Table(title="recommended models (`amber models list --json` has details)")
    for column in ("name", "role", "size", "RAM"):
        table.add_column(column, no_wrap=True)
    table.add_column("license", min_width=12)
    table.add_column("state", no_wrap=True)
    for row in rows:
        size = ("~" if not row["size_exact"] else "") + download.human_size(row["size_bytes"])
        state = "active" if row["active"] else "installed" if row["installed"] else ""
        ram = f"{row['ram_gb']:g} GB"
        table.add_row(row["name"], row["role"], size, ram, row["license"], state)
    return table


@app.command()
def add(
    path: Annotated[Path, typer.Argument(help="A local .gguf file.")],
    role: RoleOpt = None,
    name: Annotated[str | None, typer.Option("--name", help="Name to register it as.")] = None,
    copy: Annotated[
        bool, typer.Option("--copy", help="Copy it into Amber's models folder (default: in place).")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Register a local GGUF file, in place unless --copy."""
    config = load_config()
    model, active = registry.add_local(
        config, path, role.value if role else None, name=name, copy=copy
    )
    if as_json:
        print_json(_installed_json(config, model))
        return
    console.print(f"Registered [bold]{model.name}[/] ({model.role}) at {model.path}")
    _print_active(model, active)


@app.command()
def rm(
    name: Annotated[str, typer.Argument(help="Installed model name.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Unregister a model; its file is deleted only if it lies in Amber's models folder."""
    config = load_config()
    model = registry.get_model(config, name)
    if not yes:
        _confirm_rm(config, model)
    removal = registry.remove(config, name)
    if as_json:
        print_json(
            {
                "name": name,
                "path": model.path,
                "deleted_file": removal.deleted_file,
                "was_active": removal.was_active,
            }
        )
        return
    kept = "deleted" if removal.deleted_file else "kept (it is not in Amber's models folder)"
    console.print(f"Removed {name}; its file {model.path} was {kept}")
    if removal.was_active:
        console.print(f"No active {model.role} model now: amber models use NAME to pick one")


def _confirm_rm(config: Config, model: registry.InstalledModel) -> None:
    if not sys.stdin.isatty():
        raise InvalidInputError("rm needs confirmation: run it in a terminal or pass --yes")
    owned = registry.owns_file(config, model)
    what = f"and delete {model.path}" if owned else f"(the file {model.path} stays)"
    if not typer.confirm(f"Remove model {model.name} {what}?"):
        raise typer.Exit(1)


@app.command()
def use(
    name: Annotated[str, typer.Argument(help="Installed model name.")],
    as_json: JsonOpt = False,
) -> None:
    """Make an installed model the active one for its role."""
    config = load_config()
    model = registry.set_active(config, name)
    if as_json:
        print_json(_installed_json(config, model))
        return
    console.print(f"{model.name} is now the active {model.role} model")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="models")
