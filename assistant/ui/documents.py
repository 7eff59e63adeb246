"""The documents page: upload, list and delete indexed documents.

Uploads are copied into ``<data_dir>/uploads`` (the upload's temporary file disappears with the
browser session) and ingested at once, so they are searchable as soon as the page says so. A
bad file must change nothing: it is parsed before it is copied, a file it would replace is kept
until the new one is indexed, and a name already indexed from elsewhere (the corpus) is refused
rather than shadowing the original.

Uploads and deletes of different documents run side by side (an upload embedding a large
file for minutes holds up nobody); two of the same name at once would overwrite each other's
file, so the second is refused until the first is over.
"""

from __future__ import annotations

import html
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.access.audit import AuditLog
from assistant.access.audit_events import DocumentEvent, EventKind
from assistant.access.principal import Principal
from assistant.access.rights import can_assign_visibility, can_delete, can_replace, can_upload
from assistant.access.visibility import (
    DEFAULT_VISIBILITY,
    Visibility,
    can_see,
    parse_visibility,
)
from assistant.errors import AssistantError, IngestCancelledError
from assistant.index.writer import IngestReport, IngestWatch
from assistant.ingest import SUPPORTED_SUFFIXES, load_document
from assistant.types import ManifestEntry
from assistant.ui.labels import KIND_LABELS, short_title

if TYPE_CHECKING:
    from assistant.service import Assistant

UPLOADS_DIR = "uploads"
UNCHANGED = "登録済みの文書には影響ありません。"
CANCELLED = "cancelled"
BUSY = "「{name}」は別の操作で登録・削除の処理中です。終わってからもう一度お試しください。"
VISIBILITY_LABELS = {"public": "公開", "staff": "職員のみ"}


def visibility_choices(principal: Principal) -> list[tuple[str, str]]:
    """(label, tag) pairs of the audiences ``principal`` may give an upload."""
    candidates = [("公開（全利用者）", "public"), ("職員のみ", "staff")]
    candidates += [(f"グループ {g} のみ", f"group:{g}") for g in sorted(principal.groups)]
    return [
        (label, tag)
        for label, tag in candidates
        if can_assign_visibility(principal, parse_visibility(tag))
    ]


@dataclass(frozen=True)
class Outcome:
    """What happened to one file or one request, as a message for the page."""

    ok: bool
    message: str
    warnings: tuple[str, ...] = field(default_factory=tuple)


class DocumentLibrary:
    """Adds and removes documents through the shared Assistant, for a signed-in principal.

    Every method takes the principal and asks ``assistant.access.rights`` on the server; the
    page's buttons decide nothing. Every attempt to change the corpus, allowed or refused, is
    recorded once in the audit log.
    """

    def __init__(
        self, assistant: Assistant, audit: AuditLog | None = None, upload_dir: Path | None = None
    ) -> None:
        self._assistant = assistant
        self._audit = audit
        self.upload_dir = upload_dir or assistant.settings.data_dir / UPLOADS_DIR
        self._busy: set[str] = set()
        self._busy_lock = threading.Lock()

    @contextmanager
    def _claimed(self, name: str) -> Iterator[bool]:
        """Claim ``name`` for one upload or delete; yields False if another one holds it."""
        with self._busy_lock:
            free = name not in self._busy
            self._busy.add(name)
        try:
            yield free
        finally:
            if free:
                with self._busy_lock:
                    self._busy.discard(name)

    def add(
        self,
        path: Path,
        principal: Principal,
        visibility: Visibility = DEFAULT_VISIBILITY,
        watch: IngestWatch | None = None,
    ) -> Outcome:
        """Index one uploaded file; on any failure (or a cancel through ``watch``) the index
        and the uploads stay as they were."""
        with self._claimed(path.name) as free:
            if not free:
                kind = EventKind.REPLACE if self._any_entry(path.name) else EventKind.UPLOAD
                outcome = Outcome(False, BUSY.format(name=path.name))
                return self._audited(principal, kind, path.name, outcome)
            return self._add(path, principal, visibility, watch)

    def _add(
        self,
        path: Path,
        principal: Principal,
        visibility: Visibility,
        watch: IngestWatch | None,
    ) -> Outcome:
        name = path.name
        existing = self._any_entry(name)
        kind = EventKind.REPLACE if existing else EventKind.UPLOAD
        refusal = self._refusal(name, principal, visibility, existing)
        if refusal:
            return self._audited(principal, kind, name, Outcome(False, refusal))
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            message = (
                f"「{name}」は対応していない形式です（対応形式: PDF・Markdown・テキスト・HTML）。"
            )
            return self._audited(principal, kind, name, Outcome(False, message))
        try:
            load_document(path, self._assistant.catalog)
        except AssistantError as exc:
            outcome = Outcome(False, f"「{name}」を読み込めませんでした：{exc}。{UNCHANGED}")
            return self._audited(principal, kind, name, outcome)
        outcome = self._ingest_copy(path, self.upload_dir / name, principal, visibility, watch)
        return self._audited(principal, kind, name, outcome)

    def _refusal(
        self,
        name: str,
        principal: Principal,
        visibility: Visibility,
        existing: ManifestEntry | None,
    ) -> str:
        """Why ``principal`` may not upload ``name`` with this visibility ("" if they may).

        The messages never name an existing document's title: the file name is all the
        uploader typed, and the document may be one they are not allowed to read.
        """
        catalogued = self._assistant.catalog.get(name) is not None
        if not can_upload(principal):
            return "文書を追加する権限がありません（職員または管理者のみ）。"
        if not can_assign_visibility(principal, visibility):
            return "ご自身が閲覧できない公開範囲は指定できません。"
        if catalogued:
            return (
                f"「{name}」は登録簿（catalog.yaml）に載っている文書の名前です。"
                "これらの文書は管理者がコマンド（assistant ingest）でのみ更新できます。"
            )
        if existing is None:
            return ""
        uploaded = bool(existing.path) and Path(existing.path).parent == self.upload_dir.resolve()
        if not uploaded or not can_replace(principal, existing.owner or None, catalogued=False):
            return f"「{name}」という名前の文書は既に登録されています。ファイル名を変えてアップロードしてください。"
        return ""

    def _audited(
        self, principal: Principal, kind: EventKind, name: str, outcome: Outcome
    ) -> Outcome:
        if self._audit is not None:
            detail = "" if outcome.ok else outcome.message
            self._audit.record(DocumentEvent(principal.name, kind, name, outcome.ok, detail))
        return outcome

    def _ingest_copy(
        self,
        path: Path,
        target: Path,
        principal: Principal,
        visibility: Visibility,
        watch: IngestWatch | None,
    ) -> Outcome:
        self.upload_dir.mkdir(parents=True, exist_ok=True)
        backup = target.read_bytes() if target.exists() else None
        shutil.copyfile(path, target)
        report: IngestReport | None = None
        try:
            report = self._assistant.ingest(
                [target], prune=False, visibility=visibility, owner=principal.name, watch=watch
            )
            failure = "; ".join(message for _, message in report.failed)
        except IngestCancelledError:
            report, failure = None, CANCELLED
        except AssistantError as exc:
            failure = str(exc)
        if report is None or failure:
            if backup is None:
                target.unlink(missing_ok=True)
            else:
                target.write_bytes(backup)
            if failure == CANCELLED:
                return Outcome(False, f"「{target.name}」の登録を中止しました。{UNCHANGED}")
            return Outcome(
                False, f"「{target.name}」を登録できませんでした：{failure}。{UNCHANGED}"
            )
        return self._success(target.name, report)

    def _success(self, name: str, report: IngestReport) -> Outcome:
        entry = self._any_entry(name)
        title = entry.title if entry else name
        if report.unchanged:
            return Outcome(True, f"「{title}」は登録済みの内容と同じです（変更なし）。")
        chunks = len(entry.chunk_ids) if entry else 0
        verb = "更新" if report.updated else "登録"
        message = f"「{title}」を{verb}しました（{chunks}区画）。すぐに質問できます。"
        return Outcome(True, message, tuple(report.warnings))

    def remove(self, source: str, principal: Principal) -> Outcome:
        """Remove a document from the index; an uploaded file is deleted from uploads too.

        A document the principal may not read gets the same answer as one that does not
        exist, so a delete request cannot probe for hidden documents.
        """
        with self._claimed(source) as free:
            return self._remove(source, principal, busy=not free)

    def _remove(self, source: str, principal: Principal, busy: bool) -> Outcome:
        entry = self._any_entry(source)
        visible = entry is not None and can_see(principal, parse_visibility(entry.visibility))
        if entry is None or not visible:
            outcome = Outcome(False, f"「{source}」は登録されていません。")
            return self._audited(principal, EventKind.DELETE, source, outcome)
        if busy:
            outcome = Outcome(False, BUSY.format(name=source))
            return self._audited(principal, EventKind.DELETE, source, outcome)
        catalogued = self._assistant.catalog.get(source) is not None
        if not can_delete(principal, entry.owner or None, catalogued):
            outcome = Outcome(False, f"「{entry.title}」を削除する権限がありません。")
            return self._audited(principal, EventKind.DELETE, source, outcome)
        if not self._assistant.remove_document(source):
            outcome = Outcome(False, f"「{source}」は登録されていません。")
            return self._audited(principal, EventKind.DELETE, source, outcome)
        path = Path(entry.path) if entry.path else None
        note = ""
        if path and path.parent.resolve() == self.upload_dir.resolve():
            path.unlink(missing_ok=True)
        elif path:
            note = "元のファイルは残っているため、次回のコーパス取り込みで再登録されます。"
        outcome = Outcome(True, f"「{entry.title}」を索引から削除しました。{note}")
        return self._audited(principal, EventKind.DELETE, source, outcome)

    def remove_orphans(self) -> list[str]:
        """Delete files in the uploads folder that no indexed document comes from.

        An upload interrupted by a restart (or a failed one whose clean-up never ran) would
        otherwise stay on disk, listed nowhere; run at start-up, before anyone uploads.
        """
        if not self.upload_dir.is_dir():
            return []
        indexed = {Path(e.path) for e in self._assistant.all_documents() if e.path}
        removed: list[str] = []
        for file in sorted(self.upload_dir.iterdir()):
            if file.is_file() and file.resolve() not in indexed:
                file.unlink(missing_ok=True)
                removed.append(file.name)
        return removed

    def _any_entry(self, source: str) -> ManifestEntry | None:
        return next((e for e in self._assistant.all_documents() if e.source == source), None)

    def choices(self, principal: Principal | None) -> list[tuple[str, str]]:
        """(label, file name) pairs of the documents ``principal`` may read, for pickers."""
        catalog = self._assistant.catalog
        return [
            (short_title(catalog, e.source, e.title), e.source)
            for e in self._assistant.documents(principal)
        ]

    def deletable(self, principal: Principal) -> list[tuple[str, str]]:
        """(label, file name) pairs of the documents ``principal`` may delete."""
        catalog = self._assistant.catalog
        return [
            (short_title(catalog, e.source, e.title), e.source)
            for e in self._assistant.documents(principal)
            if can_delete(principal, e.owner or None, catalog.get(e.source) is not None)
        ]

    def table_html(self, principal: Principal | None) -> str:
        """The documents ``principal`` may read, with chunk counts and catalog data."""
        entries = self._assistant.documents(principal)
        if not entries:
            return '<div class="panel-empty">登録されている文書はありません。</div>'
        head = "".join(
            f"<th>{h}</th>"
            for h in (
                "文書",
                "種別",
                "区画数",
                "発行・版",
                "出典・ライセンス",
                "登録元",
                "公開範囲",
            )
        )
        chunks = sum(len(e.chunk_ids) for e in entries)
        summary = f'<div class="doc-summary">{len(entries)}件の文書（計{chunks}区画）が検索対象です。</div>'
        rows = "".join(self._row(e) for e in entries)
        return f'{summary}<table class="doc-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'

    def _row(self, entry: ManifestEntry) -> str:
        listed = self._assistant.catalog.get(entry.source)
        title = short_title(self._assistant.catalog, entry.source, entry.title)
        defects = "".join(f"<li>{html.escape(d)}</li>" for d in (listed.defects if listed else ()))
        defects_html = (
            f'<div class="defects-label">既知の不備</div><ul class="defects">{defects}</ul>'
            if defects
            else ""
        )
        issuer = html.escape(listed.issuer if listed else "")
        url = listed.source_url if listed else ""
        link = (
            f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener">{html.escape(url)}</a>'
            if url
            else ""
        )
        licence = html.escape(listed.license) if listed else ""
        uploaded = bool(entry.path) and Path(entry.path).parent == self.upload_dir.resolve()
        return (
            f"<tr><td><strong>{html.escape(title)}</strong>"
            f'<div class="small">{html.escape(entry.source)}</div>{defects_html}</td>'
            f"<td class='nowrap'>{KIND_LABELS.get(entry.kind, '')}</td>"
            f'<td class="num">{len(entry.chunk_ids)}</td>'
            f'<td>{issuer}<div class="small">{html.escape(entry.version)}</div></td>'
            f'<td><div class="small">{link}</div><div class="small">{licence}</div></td>'
            f"<td class='nowrap'>{'アップロード' if uploaded else 'コーパス'}</td>"
            f"<td class='nowrap'>{VISIBILITY_LABELS.get(entry.visibility, entry.visibility)}</td></tr>"
        )
