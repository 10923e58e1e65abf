"""`amber ask` (answers from memory with a local chat model) and `amber embed` (vectors)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from amber.ask import ANSWER_SECONDS
from amber.cli.context import memory
from amber.cli.output import console, err, hits_table, print_json, safe_markup
from amber.cli.recall import NOW_HELP
from amber.models.runtime import NoModelError
from amber.retrieval.request import RecallFilters, recall_options

if TYPE_CHECKING:
    from amber.ask import AskResult


def ask(
    question: Annotated[str, typer.Argument(help="A question about your memories.")],
    k: Annotated[int, typer.Option("-k", help="How many memories the model reads.")] = 8,
    path: Annotated[str, typer.Option(help="Only entries under this tree folder.")] = "",
    now: Annotated[str, typer.Option("--now", help=NOW_HELP)] = "",
    max_seconds: Annotated[
        float,
        typer.Option(min=0.01, help="How long the model may take before the evidence is shown."),
    ] = ANSWER_SECONDS,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Answer a question from your memory, citing the memories used (local model, offline)."""
    options = recall_options(RecallFilters(k=k, paths=(path,) if path else (), now=now))
    with memory() as service:
        try:
            stream = None if as_json else _Stream()
            result = service.ask(question, options, stream, seconds=max_seconds)
        except NoModelError as exc:
            _evidence_only(service.recall(question, options), question, str(exc), as_json)
            return
    if as_json:
        print_json(result)
        return
    sys.stdout.write("\n")
    if result.failure:
        _could_not_answer(result, streamed=bool(stream and stream.written))
        return
    if not result.found:
        console.print("[yellow]The memory does not seem to hold the answer.[/]")
    for hit in result.hits:
        if hit.id in result.citations:
            console.print(f"  [{hit.id}] {hit.title} [dim]{hit.path or hit.timestamp or ''}[/]")


def _could_not_answer(result: AskResult, streamed: bool) -> None:
    """What the model streamed is not an answer: say so, then show what memory holds."""
    above = "disregard the text above. " if streamed else ""
    console.print(
        f"[yellow]The model could not answer[/] ({safe_markup(result.failure)}); "
        f"{above}The memories it was given:",
        highlight=False,
    )
    console.print(hits_table(result.question, result.hits))


class _Stream:
    """Prints the answer as the model writes it, and remembers whether it wrote any."""

    def __init__(self) -> None:
        self.written = False

    def __call__(self, text: str) -> None:
        self.written = self.written or bool(text)
        sys.stdout.write(text)
        sys.stdout.flush()


def _evidence_only(hits: list, question: str, why: str, as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "question": question,
                "answer": None,
                "found": None,
                "citations": [],
                "model": None,
                "note": why,
                "evidence": hits,
            }
        )
        return
    err.print(f"amber: {why}. The best evidence:", highlight=False)
    console.print(hits_table(question, hits))


def embed(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Embed new and changed memories with the active embed model (resumable)."""
    from rich.progress import Progress

    with memory() as service:
        if service.embedder is None:
            raise NoModelError(
                "no embed model: `amber models pull bge-small-en-v1.5` "
                "(or `amber models add FILE --role embed`)"
            )
        with Progress(console=err, disable=as_json) as bar:
            task = bar.add_task("embedding", total=None)
            report = service.embed_pending(
                lambda done, total: bar.update(task, completed=done, total=total)
            )
    if as_json:
        print_json(report)
    else:
        console.print(
            f"Embedded {report.embedded} memories ({report.chunks} chunks) with {report.model}"
            + (" — vectors made with another model or recipe were replaced" if report.reset else "")
        )


def register(app: typer.Typer) -> None:
    app.command()(ask)
    app.command()(embed)
