"""The `amber` command line: thin Typer commands over the app services."""
