"""The laws' references and definitions, parsed once and stored beside the index."""

import json
from pathlib import Path

import pytest

from assistant.index import law_links
from assistant.index.law_links import LAW_LINKS_FILE, LawLinks, LawLinkStore
from assistant.types import Chunk, DocumentKind
from tests.fakes import memory_snapshot

LAW = "act.md"
ORDER = "order.md"


def _chunk(cid: str, source: str, text: str, article: str) -> Chunk:
    kind = DocumentKind.LAW if source == LAW else DocumentKind.CABINET_ORDER
    return Chunk(cid, source, "t", kind, text, text, 0, article=article)


CHUNKS = [
    _chunk("l79", LAW, "第七十九条 手数料の額は、政令で定める。", "第七十九条"),
    _chunk("l66", LAW, "第六十六条 期間は、政令で定める。", "第六十六条"),
    _chunk("l55", LAW, "第五十五条の八 報告は、政令で定める。", "第五十五条の八"),
    _chunk("o1", ORDER, "法第七十九条の政令で定める額は、二万五千円とする。", "第一条"),
    _chunk("o2", ORDER, "法第六十六条の政令で定める期間は、三月とする。", "第二条"),
    _chunk("o3", ORDER, "特許法第三十八条の三第一項に規定する方法による。", "第三条"),
    _chunk("o4", ORDER, "法第五十五条の八の規定に基づき、及び法第七十九条の規定により", "第四条"),
]


def test_orders_citing_a_law_article_implement_it_and_other_laws_do_not(tmp_path: Path) -> None:
    _, snapshot = memory_snapshot(CHUNKS, tmp_path, {ORDER: LAW})
    chunks = {c.chunk_id: c for c in CHUNKS}
    assert snapshot.implementing(chunks["l79"]) == ("o1", "o4")
    assert snapshot.implementing(chunks["l66"]) == ("o2",)
    assert snapshot.implementing(chunks["l55"]) == ("o4",)
    # 特許法第三十八条の三 is another law's article: o3 links to nothing.
    assert snapshot.references is not None and not snapshot.references.references_of("o3")
    # An order is carried out by nothing; without the catalog's link, 法 means no document.
    assert snapshot.implementing(chunks["o1"]) == ()
    _, unlinked = memory_snapshot(CHUNKS, tmp_path / "unlinked")
    assert unlinked.implementing(chunks["l79"]) == ()


def test_the_links_are_parsed_once_and_read_back_for_the_same_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = LawLinkStore(tmp_path, {ORDER: LAW}.get)
    first = store.load(CHUNKS)
    assert (tmp_path / LAW_LINKS_FILE).exists()
    assert (tmp_path / LAW_LINKS_FILE).stat().st_mode & 0o077 == 0  # not world-readable

    def no_parsing(*_args: object) -> LawLinks:
        raise AssertionError("parsed again although the chunks did not change")

    monkeypatch.setattr(law_links.LawLinks, "build", no_parsing)
    again = LawLinkStore(tmp_path, {ORDER: LAW}.get).load(CHUNKS)
    assert again == first
    # Other chunks, or another meaning of 法, are a different fingerprint: parsed anew.
    with pytest.raises(AssertionError, match="parsed again"):
        LawLinkStore(tmp_path, {ORDER: LAW}.get).load(CHUNKS[:-1])
    with pytest.raises(AssertionError, match="parsed again"):
        LawLinkStore(tmp_path, lambda _source: None).load(CHUNKS)


def test_a_damaged_file_is_rebuilt(tmp_path: Path) -> None:
    (tmp_path / LAW_LINKS_FILE).write_text("{not json", encoding="utf-8")
    links = LawLinkStore(tmp_path, {ORDER: LAW}.get).load(CHUNKS)
    assert links.references.referenced_by("l79") == ("o1", "o4")
    stored = json.loads((tmp_path / LAW_LINKS_FILE).read_text(encoding="utf-8"))
    assert stored["fingerprint"] == law_links.fingerprint(CHUNKS, {ORDER: LAW}.get)
