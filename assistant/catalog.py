"""The corpus catalog: what each document is, who issued it, which version, what is wrong with it.

Loaders take titles and kinds from here when a file is listed; files users add without an
entry get a title from their own heading and a kind guessed from it. The catalog is the place
that records versions (``supersedes``), so retrieval can prefer the current text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.access.visibility import parse_visibility
from assistant.errors import ConfigError, VisibilityError
from assistant.japanese import normalize
from assistant.types import DocumentKind

CATALOG_FILE = "catalog.yaml"


@dataclass(frozen=True)
class CatalogEntry:
    """Catalog data of one document, as recorded in corpus/catalog.yaml."""

    file: str
    title: str
    kind: DocumentKind
    short_title: str = ""
    issuer: str = ""
    number: str = ""
    version: str = ""
    source_url: str = ""
    license: str = ""
    defects: tuple[str, ...] = ()
    supersedes: str = ""
    superseded_by: str = ""
    aliases: tuple[str, ...] = ()
    implements: str = ""  # the law (file) whose "法第N条" this order or ordinance carries out
    revision: str = ""  # e-Gov's law_revision_id of the text shipped (which amendments it has)
    effective: str = ""  # the date that revision takes effect (enforcement_date), YYYY-MM-DD
    visibility: str = ""  # public (default), staff or group:NAME (assistant.access.visibility)

    @property
    def name(self) -> str:
        """The file name: the key that chunks and citations use."""
        return Path(self.file).name


@dataclass(frozen=True)
class Catalog:
    """All catalog entries, looked up by file name."""

    entries: tuple[CatalogEntry, ...] = ()

    def get(self, file_name: str) -> CatalogEntry | None:
        """The entry for a file name, if the catalog lists it."""
        return next((e for e in self.entries if e.name == file_name), None)

    def law_implemented_by(self, file_name: str) -> str | None:
        """The file name of the law that an order or ordinance calls 法, if recorded."""
        entry = self.get(file_name)
        return Path(entry.implements).name if entry and entry.implements else None

    def sources_named_in(self, text: str) -> set[str]:
        """File names of documents a question names by title or alias (外為法, 施行令, ...).

        Longest names match first and consume their text, so 推進法施行令 names the cabinet
        order and not also the act (推進法).
        """
        remaining = normalize(text).lower()
        names = sorted(
            (
                (normalize(a).lower(), e.name)
                for e in self.entries
                for a in (*e.aliases, e.short_title)
                if a
            ),
            key=lambda pair: -len(pair[0]),
        )
        found: set[str] = set()
        for alias, source in names:
            if alias in remaining:
                found.add(source)
                remaining = remaining.replace(alias, "\x00")
        for word in _LAW_WORD.findall(remaining):
            found.update(_abbreviated(word, names))
        return found


# A word that may be a law's or order's name: a run of kanji and katakana ending in 法 or 令.
_LAW_WORD = re.compile(r"[一-龥ァ-ヶー]{2,}[法令]")


def _abbreviated(word: str, names: Sequence[tuple[str, str]]) -> set[str]:
    """The documents ``word`` (or its longest tail that does) abbreviates.

    Japanese abbreviates a law's name by keeping some of its characters in order: 経済安保法 is
    経済安全保障推進法, 外為法 外国為替及び外国貿易法. A word names a document when it is such a
    selection of one of the document's Japanese names, starting with that name's first
    character and ending with its last (法 or 令); 「改正経済安保法」 is read from 経. Only a
    selection that fits one document counts: an abbreviation several names share is ambiguous.
    """
    for start in range(len(word) - 2):
        tail = word[start:]
        matches = {
            source
            for name, source in names
            if not name.isascii() and len(name) > len(tail) and _selects(tail, name)
        }
        if matches:
            return matches if len(matches) == 1 else set()
    return set()


def _selects(short: str, name: str) -> bool:
    """Whether ``short`` keeps ``name``'s first and last characters and some between, in order."""
    if short[0] != name[0] or short[-1] != name[-1]:
        return False
    rest = iter(name[1:-1])
    return all(ch in rest for ch in short[1:-1])


def _entry(raw: dict[str, object], where: Path) -> CatalogEntry:
    try:
        kind = DocumentKind(str(raw.get("kind", "other")))
        lists = {}
        for key in ("defects", "aliases"):
            value = raw.get(key) or []
            if not isinstance(value, list):
                raise ValueError(f"{key} must be a list")
            lists[key] = tuple(str(v) for v in value)
        fields = {k: str(v or "") for k, v in raw.items() if k not in ("kind", *lists)}
        visibility = parse_visibility(fields.pop("visibility", ""), f"{where}: {raw.get('file')}")
        return CatalogEntry(
            kind=kind,
            visibility=visibility.tag,
            **lists,  # type: ignore[arg-type]
            **fields,  # type: ignore[arg-type]
        )
    except VisibilityError as exc:
        raise ConfigError(str(exc)) from exc
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: bad catalog entry {raw.get('file')!r}: {exc}") from exc


def read_corpus_yaml(path: Path, key: str, default: object = None) -> object:
    """The value under a top-level key of a corpus YAML file.

    ``default`` when the mapping lacks the key; None when the file is absent or its top level is
    not a mapping (the caller names what it expected).

    The corpus folder's YAML files (catalog, English terms) are edited by hand, so a syntax
    error must name the file rather than surface as a parser traceback.
    """
    if not path.exists():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from exc
    return data.get(key, default) if isinstance(data, dict) else None


def load_catalog(corpus_dir: Path) -> Catalog:
    """Read corpus_dir/catalog.yaml (an absent file is an empty catalog)."""
    path = corpus_dir / CATALOG_FILE
    if not path.exists():
        return Catalog()
    documents = read_corpus_yaml(path, "documents", [])
    if not isinstance(documents, list):
        raise ConfigError(f"{path}: expected a top-level 'documents' list")
    return Catalog(tuple(_entry(d, path) for d in documents))


def guess_kind(title: str, suffix: str) -> DocumentKind:
    """Guess a document's kind from its title when the catalog does not list it."""
    if "省令" in title or title.endswith("命令") or title.endswith("規則"):
        return DocumentKind.ORDINANCE
    if title.endswith("令"):  # 施行令, 外国為替令, 輸出貿易管理令: cabinet orders
        return DocumentKind.CABINET_ORDER
    if title.endswith("法律") or title.endswith("法"):
        return DocumentKind.LAW
    if any(w in title for w in ("ガイドライン", "指針", "Q&A", "Ｑ＆Ａ", "通達", "手引", "方針")):
        return DocumentKind.GUIDANCE
    return DocumentKind.GUIDANCE if suffix == ".pdf" else DocumentKind.OTHER
