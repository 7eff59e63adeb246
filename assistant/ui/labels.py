"""Japanese names shown in the UI for values that the library keeps as codes."""

from __future__ import annotations

from enum import StrEnum

from assistant.catalog import Catalog
from assistant.types import Chunk, DocumentKind

KIND_LABELS: dict[DocumentKind, str] = {
    DocumentKind.LAW: "法律",
    DocumentKind.CABINET_ORDER: "政令",
    DocumentKind.ORDINANCE: "省令・命令",
    DocumentKind.GUIDANCE: "ガイドライン等",
    DocumentKind.ARTICLE: "解説記事",
    DocumentKind.OTHER: "その他",
}


class Mode(StrEnum):
    """The three ways the product is used; the values are the labels users choose from."""

    CONSULT = "相談"
    DRAFT = "回答案作成"
    ONBOARDING = "オンボーディング"


MODE_HINTS: dict[Mode, str] = {
    Mode.CONSULT: "事業者の方のご相談：出典付きで回答します",
    Mode.DRAFT: "担当職員向け：回答をもとに正式な回答案を作成します",
    Mode.ONBOARDING: "新任・出向者向け：重要用語と最初の質問例",
}


def short_title(catalog: Catalog, source: str, title: str) -> str:
    """The catalog's short title of a document (law titles run to 60 characters), else title."""
    entry = catalog.get(source)
    return entry.short_title if entry and entry.short_title else title


def chunk_heading(catalog: Catalog, chunk: Chunk) -> str:
    """'経済安全保障推進法 第九条': the short way to name where a passage comes from."""
    return f"{short_title(catalog, chunk.source, chunk.title)} {chunk.location}".strip()
