"""The documents page: upload, list and delete indexed documents.

Uploads are copied into ``<data_dir>/uploads`` (the upload's temporary file disappears with the
browser session) and ingested at once, so they are searchable as soon as the page says so. A
bad file must change nothing: it is parsed before it is copied, a file it would replace is kept
until the new one is indexed, and a name already indexed from elsewhere (the corpus) is refused
rather than shadowing the original.
"""

from __future__ import annotations

import html
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import AssistantError
from assistant.index.writer import IngestReport
from assistant.ingest import SUPPORTED_SUFFIXES, load_document
from assistant.types import ManifestEntry
from assistant.ui.labels import KIND_LABELS, short_title

if TYPE_CHECKING:
    from assistant.service import Assistant

UPLOADS_DIR = "uploads"
UNCHANGED = "登録済みの文書には影響ありません。"


@dataclass(frozen=True)
class Outcome:
    """What happened to one file or one request, as a message for the page."""

    ok: bool
    message: str
    warnings: tuple[str, ...] = field(default_factory=tuple)


class DocumentLibrary:
    """Adds and removes documents through the shared Assistant."""

    def __init__(self, assistant: Assistant, upload_dir: Path | None = None) -> None:
        self._assistant = assistant
        self.upload_dir = upload_dir or assistant.settings.data_dir / UPLOADS_DIR

    def add(self, path: Path) -> Outcome:
        """Index one uploaded file; on any failure the index and the uploads stay as they were."""
        name = path.name
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            return Outcome(
                False,
                f"「{name}」は対応していない形式です（対応形式: PDF・Markdown・テキスト・HTML）。",
            )
        try:
            load_document(path, self._assistant.catalog)
        except AssistantError as exc:
            return Outcome(False, f"「{name}」を読み込めませんでした：{exc}。{UNCHANGED}")
        target = self.upload_dir / name
        existing = self._entry(name)
        if existing and existing.path and Path(existing.path) != target.resolve():
            return Outcome(
                False,
                f"「{name}」と同じ名前の文書が既に登録されています（{existing.title}）。"
                "ファイル名を変えてアップロードしてください。",
            )
        return self._ingest_copy(path, target)

    def _ingest_copy(self, path: Path, target: Path) -> Outcome:
        self.upload_dir.mkdir(parents=True, exist_ok=True)
        backup = target.read_bytes() if target.exists() else None
        shutil.copyfile(path, target)
        report: IngestReport | None = None
        try:
            report = self._assistant.ingest([target], prune=False)
            failure = "; ".join(message for _, message in report.failed)
        except AssistantError as exc:
            failure = str(exc)
        if report is None or failure:
            if backup is None:
                target.unlink(missing_ok=True)
            else:
                target.write_bytes(backup)
            return Outcome(
                False, f"「{target.name}」を登録できませんでした：{failure}。{UNCHANGED}"
            )
        return self._success(target.name, report)

    def _success(self, name: str, report: IngestReport) -> Outcome:
        entry = self._entry(name)
        title = entry.title if entry else name
        if report.unchanged:
            return Outcome(True, f"「{title}」は登録済みの内容と同じです（変更なし）。")
        chunks = len(entry.chunk_ids) if entry else 0
        verb = "更新" if report.updated else "登録"
        message = f"「{title}」を{verb}しました（{chunks}区画）。すぐに質問できます。"
        return Outcome(True, message, tuple(report.warnings))

    def remove(self, source: str) -> Outcome:
        """Remove a document from the index; an uploaded file is deleted from uploads too."""
        entry = self._entry(source)
        if entry is None or not self._assistant.remove_document(source):
            return Outcome(False, f"「{source}」は登録されていません。")
        path = Path(entry.path) if entry.path else None
        note = ""
        if path and path.parent.resolve() == self.upload_dir.resolve():
            path.unlink(missing_ok=True)
        elif path:
            note = "元のファイルは残っているため、次回のコーパス取り込みで再登録されます。"
        return Outcome(True, f"「{entry.title}」を索引から削除しました。{note}")

    def _entry(self, source: str) -> ManifestEntry | None:
        return next((e for e in self._assistant.documents() if e.source == source), None)

    def choices(self) -> list[tuple[str, str]]:
        """(label, file name) pairs for document pickers."""
        catalog = self._assistant.catalog
        return [
            (short_title(catalog, e.source, e.title), e.source) for e in self._assistant.documents()
        ]

    def table_html(self) -> str:
        """The list of indexed documents with chunk counts and catalog data."""
        entries = self._assistant.documents()
        if not entries:
            return '<div class="panel-empty">登録されている文書はありません。</div>'
        head = "".join(
            f"<th>{h}</th>"
            for h in ("文書", "種別", "区画数", "発行・版", "出典・ライセンス", "登録元")
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
            f"<td class='nowrap'>{'アップロード' if uploaded else 'コーパス'}</td></tr>"
        )
