"""The users and audit commands, run through click's CliRunner on real SQLite in a temp folder."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from assistant import cli
from assistant.access.audit import AUDIT_FILE, AuditLog
from assistant.access.audit_events import DocumentEvent, EventKind, SignInEvent
from assistant.access.users import USERS_FILE, UserStore
from tests.access.conftest import PASSWORD

DATA = "data"


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / DATA))
    return tmp_path / DATA


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli.main, list(args), input=stdin)


def add(name: str, role: str, *groups: str, password: str = PASSWORD) -> Result:
    options = [arg for g in groups for arg in ("--group", g)]
    return run("users", "add", name, "--role", role, *options, "--password-stdin", stdin=password)


def test_users_add_prompts_twice_and_stores_the_account(data_dir: Path) -> None:
    result = run(
        "users", "add", "tanaka", "--role", "staff", "--group", "council",
        stdin=f"{PASSWORD}\n{PASSWORD}\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "added tanaka (staff; groups: council)" in result.stdout
    user = UserStore(data_dir / USERS_FILE).authenticate("tanaka", PASSWORD)
    assert user.groups == ("council",)
    assert stat.S_IMODE((data_dir / USERS_FILE).stat().st_mode) == 0o600


def test_users_list_disable_and_passwd(data_dir: Path) -> None:
    assert add("tanaka", "staff", "council").exit_code == 0
    assert add("acme", "firm").exit_code == 0
    assert run("users", "disable", "acme").exit_code == 0
    result = run("users", "passwd", "tanaka", "--password-stdin", stdin="a new long password\n")
    assert result.exit_code == 0, result.output
    rows = [line.split("\t")[:4] for line in run("users", "list").stdout.splitlines()]
    assert rows == [
        ["acme", "firm", "-", "disabled"],
        ["tanaka", "staff", "council", "enabled"],
    ]
    UserStore(data_dir / USERS_FILE).authenticate("tanaka", "a new long password")


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("users", "add", "tanaka", "--role", "staff", "--password-stdin"), "short", "at least 12"),
        (("users", "add", "tanaka", "--role", "boss", "--password-stdin"), PASSWORD, "boss"),
        (("users", "disable", "ghost"), None, "no user called 'ghost'"),
        (("--user", "ghost", "users", "list"), None, "no user called 'ghost'"),
    ],
)
def test_mistakes_give_one_clear_line(
    data_dir: Path, args: tuple[str, ...], stdin: str | None, message: str
) -> None:
    result = run(*args, stdin=stdin)
    assert result.exit_code != 0
    assert message in result.output


@pytest.mark.parametrize(
    "args",
    [
        ("users", "list"),
        ("users", "disable", "admin1"),
        ("users", "passwd", "admin1", "--password-stdin"),
        ("audit", "export"),
        ("audit", "purge"),
        ("feedback", "export"),
        ("ingest",),
    ],
)
def test_a_named_staff_user_may_not_manage_users_export_or_ingest(
    data_dir: Path, args: tuple[str, ...]
) -> None:
    assert add("admin1", "admin").exit_code == 0
    assert add("tanaka", "staff").exit_code == 0
    result = run("--user", "tanaka", *args, stdin=PASSWORD)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: user 'tanaka' (role staff) may not ")


def test_a_user_changes_their_own_password(data_dir: Path) -> None:
    assert add("tanaka", "staff").exit_code == 0
    result = run(
        "--user", "tanaka", "users", "passwd", "tanaka", "--password-stdin", stdin="x" * 12
    )
    assert result.exit_code == 0, result.output


def _audited(data_dir: Path) -> AuditLog:
    log = AuditLog(data_dir / AUDIT_FILE)
    log.record(SignInEvent("tanaka", succeeded=True))
    log.record(DocumentEvent("admin1", EventKind.UPLOAD, "memo.md"))
    return log


def test_audit_export_writes_jsonl_filtered_by_user(data_dir: Path) -> None:
    _audited(data_dir)
    result = run("audit", "export", "--user", "admin1", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    [line] = result.stdout.splitlines()
    assert (json.loads(line)["kind"], json.loads(line)["document"]) == ("upload", "memo.md")
    assert "exported 1 audit record(s)" in result.stderr


def test_audit_export_writes_a_private_csv_file_within_a_time_window(
    data_dir: Path, tmp_path: Path
) -> None:
    _audited(data_dir)
    out = tmp_path / "exports" / "audit.csv"
    result = run("audit", "export", "--format", "csv", "--out", str(out), "--since", "2000-01-01")
    assert result.exit_code == 0, result.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3  # header and two records
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    result = run("audit", "export", "--until", "2000-01-01")
    assert (result.exit_code, result.stdout) == (0, "")


def test_audit_purge_follows_the_retention_setting(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _audited(data_dir)
    refused = run("audit", "purge")
    assert refused.exit_code == 1 and "keep forever" in refused.stderr
    monkeypatch.setenv("ASSISTANT_AUDIT_RETENTION_DAYS", "30")
    result = run("audit", "purge")
    assert result.exit_code == 0, result.output
    assert "purged 0 audit record(s) older than 30 days" in result.stdout
    assert len(list(AuditLog(data_dir / AUDIT_FILE).records())) == 2
