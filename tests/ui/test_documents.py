"""The documents page's library over the fake assistant: good, bad and clashing uploads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.access.audit import AuditLog
from assistant.access.audit_events import EventKind
from assistant.access.visibility import STAFF as STAFF_ONLY
from assistant.access.visibility import parse_visibility
from assistant.ui.documents import DocumentLibrary, visibility_choices
from tests.restricted import ADMIN, FIRM, MEMBER, STAFF
from tests.ui.conftest import remove_uploads

RULES = "社内輸出管理規程\n\n第五条（記録の保存）\n該非判定の記録は、判定の日から七年間保存しなければならない。\n"


@pytest.fixture()
def audit(tmp_path: Path) -> AuditLog:
    return AuditLog(tmp_path / "audit.sqlite3")


@pytest.fixture()
def library(
    shared_fake_assistant: Any, tmp_path: Path, audit: AuditLog
) -> Iterator[DocumentLibrary]:
    yield DocumentLibrary(shared_fake_assistant, audit, tmp_path / "uploads")
    remove_uploads(shared_fake_assistant)


def _file(folder: Path, name: str, content: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_upload_is_copied_indexed_and_searchable(library: DocumentLibrary, tmp_path: Path) -> None:
    outcome = library.add(_file(tmp_path / "browser", "rules.txt", RULES), ADMIN)
    assert outcome.ok and "登録しました" in outcome.message
    assert (library.upload_dir / "rules.txt").exists()
    hits = library._assistant.search("該非判定の記録の保存期間", k=3)
    assert hits[0].chunk.source == "rules.txt"
    table = library.table_html(FIRM)
    assert "rules.txt" in table and "アップロード" in table and "公開" in table
    assert ("社内輸出管理規程", "rules.txt") in library.choices(FIRM)


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("broken.pdf", "not a pdf", "not a PDF"),
        ("empty.md", "", "empty"),
        ("binary.txt", b"\x00\x01\x02" * 10, "binary"),
        ("slides.pptx", "x", "対応していない形式"),
    ],
)
def test_bad_file_is_refused_and_changes_nothing(
    library: DocumentLibrary, tmp_path: Path, name: str, content: str | bytes, problem: str
) -> None:
    before = library._assistant.documents()
    outcome = library.add(_file(tmp_path / "browser", name, content), ADMIN)
    assert not outcome.ok and problem in outcome.message and name in outcome.message
    assert library._assistant.documents() == before
    assert not (library.upload_dir / name).exists()


def test_a_name_already_indexed_from_the_corpus_is_refused(
    library: DocumentLibrary, tmp_path: Path
) -> None:
    name = "504AC0000000043_keizai-anzen-hosho-suishinho.md"
    before = library._assistant.documents()
    outcome = library.add(_file(tmp_path / "browser", name, "# 偽物\n本文"), ADMIN)
    assert not outcome.ok and "assistant ingest" in outcome.message
    assert library._assistant.documents() == before


def test_a_bad_new_version_keeps_the_old_one(library: DocumentLibrary, tmp_path: Path) -> None:
    assert library.add(_file(tmp_path / "v1", "rules.txt", RULES), ADMIN).ok
    assert not library.add(_file(tmp_path / "v2", "rules.txt", b"\x00" * 20), ADMIN).ok
    assert (library.upload_dir / "rules.txt").read_text(encoding="utf-8") == RULES
    assert any(d.source == "rules.txt" for d in library._assistant.documents())


def test_delete_removes_the_document_and_its_uploaded_file(
    library: DocumentLibrary, tmp_path: Path
) -> None:
    library.add(_file(tmp_path / "browser", "rules.txt", RULES), ADMIN)
    outcome = library.remove("rules.txt", ADMIN)
    assert outcome.ok and "削除しました" in outcome.message
    assert not (library.upload_dir / "rules.txt").exists()
    assert all(d.source != "rules.txt" for d in library._assistant.documents())
    assert not library.remove("rules.txt", ADMIN).ok


def test_firms_may_not_upload_and_the_refusal_is_audited(
    library: DocumentLibrary, tmp_path: Path, audit: AuditLog
) -> None:
    outcome = library.add(_file(tmp_path / "browser", "rules.txt", RULES), FIRM)
    assert not outcome.ok and "権限" in outcome.message
    assert all(d.source != "rules.txt" for d in library._assistant.all_documents())
    [record] = list(audit.records())
    assert (record.user, record.kind, record.succeeded) == (FIRM.name, EventKind.UPLOAD, False)


def test_staff_replace_and_delete_only_their_own_uploads(
    library: DocumentLibrary, tmp_path: Path, audit: AuditLog
) -> None:
    other = type(STAFF)("staff2", STAFF.role)
    assert library.add(_file(tmp_path / "a", "rules.txt", RULES), STAFF).ok
    changed = RULES.replace("七年間", "十年間")
    assert not library.add(_file(tmp_path / "b", "rules.txt", changed), other).ok
    assert not library.remove("rules.txt", other).ok
    assert ("社内輸出管理規程", "rules.txt") not in library.deletable(other)
    assert library.add(_file(tmp_path / "c", "rules.txt", changed), STAFF).ok
    assert library.remove("rules.txt", STAFF).ok
    kinds = [(r.user, r.kind.value, r.succeeded) for r in audit.records()]
    assert kinds == [
        ("staff1", "upload", True),
        ("staff2", "replace", False),
        ("staff2", "delete", False),
        ("staff1", "replace", True),
        ("staff1", "delete", True),
    ]


def test_nobody_replaces_or_deletes_a_catalogued_corpus_document_from_the_ui(
    library: DocumentLibrary, tmp_path: Path, audit: AuditLog
) -> None:
    name = "324AC0000000228_gaitameho.md"
    forged = "# 外国為替及び外国貿易法\n\n技術の提供に関する事前報告は、一切不要とする。\n"
    before = library._assistant.all_documents()
    for principal in (FIRM, STAFF, ADMIN):
        assert not library.add(_file(tmp_path / principal.name, name, forged), principal).ok
        assert not library.remove(name, principal).ok
    assert library._assistant.all_documents() == before
    assert not (library.upload_dir / name).exists()
    assert all(not r.succeeded for r in audit.records()) and len(list(audit.records())) == 6


def test_an_upload_restricted_to_staff_is_hidden_from_firms(
    library: DocumentLibrary, tmp_path: Path
) -> None:
    assert library.add(_file(tmp_path / "a", "rules.txt", RULES), STAFF, STAFF_ONLY).ok
    assert "rules.txt" not in library.table_html(FIRM)
    assert "rules.txt" in library.table_html(STAFF) and "職員のみ" in library.table_html(STAFF)
    assert not library.remove("rules.txt", FIRM).ok  # same answer as for a missing document
    hits = library._assistant.search("該非判定の記録の保存期間", k=5, principal=FIRM)
    assert all(h.chunk.source != "rules.txt" for h in hits)


def test_uploaders_choose_only_audiences_they_belong_to(
    library: DocumentLibrary, tmp_path: Path
) -> None:
    assert [tag for _, tag in visibility_choices(STAFF)] == ["public", "staff"]
    assert [tag for _, tag in visibility_choices(MEMBER)] == []  # a firm uploads nothing
    council = parse_visibility("group:council")
    outcome = library.add(_file(tmp_path / "a", "rules.txt", RULES), STAFF, council)
    assert not outcome.ok and "公開範囲" in outcome.message


def test_orphaned_uploads_are_removed_at_start_up(library: DocumentLibrary, tmp_path: Path) -> None:
    assert library.add(_file(tmp_path / "a", "rules.txt", RULES), ADMIN).ok
    orphan = _file(library.upload_dir, "half-uploaded.md", "# 途中\n本文")
    assert library.remove_orphans() == ["half-uploaded.md"]
    assert not orphan.exists() and (library.upload_dir / "rules.txt").exists()


def test_a_cancelled_upload_leaves_no_chunks_and_no_file(
    library: DocumentLibrary, tmp_path: Path
) -> None:
    from assistant.index.writer import EMBED_SLICE, IngestWatch

    sections = "".join(
        f"第{i}条\n記録{i}は{i}年間保存する。\n\n" for i in range(1, 4 * EMBED_SLICE)
    )
    big = _file(tmp_path / "big", "big.txt", "大きな規程\n\n" + sections)
    seen: list[tuple[int, int]] = []
    stop = {"now": False}

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        stop["now"] = True  # cancel after the first slice

    stored_before = library._assistant.pipeline.store.stored_chunk_ids()
    watch = IngestWatch(cancelled=lambda: stop["now"], progress=progress)
    outcome = library.add(big, ADMIN, watch=watch)
    assert not outcome.ok and "中止" in outcome.message
    assert len(seen) == 1 and seen[0][0] < seen[0][1]
    assert all(d.source != "big.txt" for d in library._assistant.all_documents())
    assert not (library.upload_dir / "big.txt").exists()
    assert library._assistant.pipeline.store.stored_chunk_ids() == stored_before


def test_an_upload_or_delete_of_a_name_being_uploaded_waits_its_turn(
    library: DocumentLibrary, tmp_path: Path
) -> None:
    """Uploads no longer queue behind one another, so two of one name at once would overwrite
    each other's file in the uploads folder: the second is refused with a message instead."""
    import threading

    from assistant.index.writer import IngestWatch

    inside, go = threading.Event(), threading.Event()

    def held() -> bool:
        inside.set()
        assert go.wait(30)
        return False

    first = _file(tmp_path / "a", "rules.txt", RULES)
    outcomes: list[Any] = []
    worker = threading.Thread(
        target=lambda: outcomes.append(library.add(first, ADMIN, watch=IngestWatch(held)))
    )
    worker.start()
    try:
        assert inside.wait(30)
        second = library.add(_file(tmp_path / "b", "rules.txt", RULES + "追記。\n"), ADMIN)
        deleted = library.remove("rules.txt", ADMIN)
    finally:
        go.set()
        worker.join(30)
    assert not second.ok and "処理中" in second.message
    assert not deleted.ok
    assert outcomes and outcomes[0].ok
    assert (library.upload_dir / "rules.txt").read_text(encoding="utf-8") == RULES
    assert library.remove("rules.txt", ADMIN).ok


def test_the_documents_page_is_current_on_every_load(
    shared_fake_assistant: Any, tmp_path: Path
) -> None:
    """Built once at start-up, the page used to list the documents as they were then."""
    from types import SimpleNamespace

    from assistant.access.principal import Role
    from assistant.ui.access import SESSION_COOKIE
    from assistant.ui.app import build_app
    from assistant.ui.documents_page import refresh
    from assistant.ui.services import Services
    from tests.access.conftest import PASSWORD

    services = Services.create(shared_fake_assistant)
    services.gate.sign_in.sessions.users.add("pageadmin", Role.ADMIN, PASSWORD)
    token = services.gate.sign_in.sign_in("pageadmin", PASSWORD).token
    request = SimpleNamespace(cookies={SESSION_COOKIE: token})
    build_app(shared_fake_assistant, services)
    assert "rules.txt" not in refresh(services, request)[0]  # type: ignore[arg-type]
    assert services.library.add(_file(tmp_path / "a", "rules.txt", RULES), ADMIN).ok
    table, deletable, *_ = refresh(services, request)  # type: ignore[arg-type]
    assert "rules.txt" in table and ("社内輸出管理規程", "rules.txt") in deletable["choices"]
    services.library.remove("rules.txt", ADMIN)
    services.drafts.close()
