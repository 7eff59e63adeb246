from pathlib import Path

import pytest

from assistant.catalog import guess_kind, load_catalog
from assistant.errors import ConfigError
from assistant.ingest.law import parse_law
from assistant.types import DocumentKind
from tests.conftest import CORPUS


def test_shipped_catalog_lists_every_corpus_file_with_provenance() -> None:
    catalog = load_catalog(CORPUS)
    files = {p.name for p in CORPUS.rglob("*") if p.suffix in (".md", ".txt")}
    assert {e.name for e in catalog.entries} == files
    for entry in catalog.entries:
        assert entry.title and entry.version and entry.license
    promotion_act = catalog.get("504AC0000000043_keizai-anzen-hosho-suishinho.md")
    assert promotion_act is not None and any("第七条" in d for d in promotion_act.defects)


def test_documents_named_in_a_question() -> None:
    catalog = load_catalog(CORPUS)
    assert catalog.sources_named_in("外為法55条の8") == {"324AC0000000228_gaitameho.md"}
    assert catalog.sources_named_in("推進法施行令第一条") == {
        "504CO0000000394_suishinho-sekorei.md"
    }
    assert catalog.sources_named_in("GOCOとは") == set()


def test_a_law_is_named_by_its_abbreviation() -> None:
    """Users shorten a law's name by keeping characters of it in order (経済安保法, 外国為替法);
    a word that is such a selection of one document's name names that document, read from the
    character the name starts with; another law's name (会社法, 安保法) names none."""
    catalog = load_catalog(CORPUS)
    act = {"504AC0000000043_keizai-anzen-hosho-suishinho.md"}
    assert catalog.sources_named_in("御社の製品は経済安保法の特定重要物資") == act
    assert catalog.sources_named_in("改正経済安保法への対応") == act
    assert catalog.sources_named_in("外国為替法の許可") == {"324AC0000000228_gaitameho.md"}
    assert catalog.sources_named_in("防衛生産法の認定") == {
        "505AC0000000054_boei-seisan-kiban-kyokaho.md"
    }
    for other in ("会社法上の決議", "安保法制", "特許法", "輸出貿易管理令の別表"):
        assert catalog.sources_named_in(other) == set(), other


def test_bad_catalog_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "catalog.yaml").write_text("documents: {not: a list}", encoding="utf-8")
    with pytest.raises(ConfigError, match="documents"):
        load_catalog(tmp_path)
    (tmp_path / "catalog.yaml").write_text("documents:\n  - file: a.md\n    kind: poem\n", "utf-8")
    with pytest.raises(ConfigError, match=r"a\.md"):
        load_catalog(tmp_path)


def test_kind_is_guessed_from_the_title() -> None:
    assert guess_kind("外国為替令", ".md") == DocumentKind.CABINET_ORDER
    assert guess_kind("何とかに関する省令", ".md") == DocumentKind.ORDINANCE
    assert guess_kind("何とかに関する法律", ".md") == DocumentKind.LAW
    assert guess_kind("事前報告ガイドライン", ".pdf") == DocumentKind.GUIDANCE


def test_orders_and_ordinances_name_the_law_they_carry_out() -> None:
    catalog = load_catalog(CORPUS)
    act = "504AC0000000043_keizai-anzen-hosho-suishinho.md"
    assert catalog.law_implemented_by("504CO0000000394_suishinho-sekorei.md") == act
    assert catalog.law_implemented_by("355CO0000000260_gaikoku-kawase-rei.md") == (
        "324AC0000000228_gaitameho.md"
    )
    for entry in catalog.entries:
        implemented = catalog.law_implemented_by(entry.name)
        if entry.kind in (DocumentKind.LAW, DocumentKind.ARTICLE):
            assert implemented is None
        else:
            law = catalog.get(implemented or "")
            assert law is not None and law.kind == DocumentKind.LAW, entry.name


def test_shipped_law_entries_match_their_files_front_matter() -> None:
    catalog = load_catalog(CORPUS)
    laws = [e for e in catalog.entries if e.file.startswith("laws/")]
    assert len(laws) == 9
    for entry in laws:
        law = parse_law((CORPUS / entry.file).read_text(encoding="utf-8"))
        assert (entry.number, entry.revision, entry.effective) == (
            law.number,
            law.revision_id,
            law.effective,
        ), entry.file
        assert entry.source_url == law.source_url


def test_visibility_is_read_from_the_catalog_and_checked(tmp_path: Path) -> None:
    (tmp_path / "catalog.yaml").write_text(
        "documents:\n"
        "  - {file: a.md, title: A, kind: law}\n"
        "  - {file: b.md, title: B, kind: guidance, visibility: staff}\n"
        "  - {file: c.md, title: C, kind: guidance, visibility: 'group:council'}\n",
        encoding="utf-8",
    )
    catalog = load_catalog(tmp_path)
    assert [e.visibility for e in catalog.entries] == ["public", "staff", "group:council"]
    (tmp_path / "catalog.yaml").write_text(
        "documents:\n  - {file: d.md, title: D, kind: law, visibility: secret}\n", "utf-8"
    )
    with pytest.raises(ConfigError, match=r"d\.md.*unknown visibility 'secret'"):
        load_catalog(tmp_path)
