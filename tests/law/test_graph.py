"""The reference graph over chunks: references both ways, penalties and 両罰規定."""

from pathlib import Path

import pytest

from assistant.catalog import load_catalog
from assistant.chunking import split_into_chunks
from assistant.ingest import load_document
from assistant.law.graph import ReferenceGraph, build_reference_graph
from assistant.types import Block, Chunk, DocumentKind, SourceDocument
from tests.conftest import CORPUS

FEFTA = "324AC0000000228_gaitameho.md"


@pytest.fixture(scope="module")
def fefta() -> tuple[list[Chunk], ReferenceGraph]:
    catalog = load_catalog(CORPUS)
    chunks = split_into_chunks(load_document(CORPUS / "laws" / FEFTA, catalog))
    return chunks, build_reference_graph(chunks, catalog.law_implemented_by)


def _chunk(chunks: list[Chunk], article: str, words: str) -> Chunk:
    return next(c for c in chunks if c.article == article and words in c.text)


def _document(source: str, kind: DocumentKind, blocks: tuple[Block, ...]) -> list[Chunk]:
    return split_into_chunks(SourceDocument(source, source, kind, blocks, "x"))


def test_references_go_both_ways_and_preceding_article_resolves() -> None:
    chunks = _document(
        "law.md",
        DocumentKind.LAW,
        (
            Block("事業者は、届け出なければならない。", article="第一条"),
            Block("前条の規定による届出は、書面でする。", article="第二条"),
        ),
    )
    graph = build_reference_graph(chunks, lambda _source: None)
    first, second = chunks
    assert graph.references_of(second.chunk_id) == (first.chunk_id,)
    assert graph.referenced_by(first.chunk_id) == (second.chunk_id,)


def test_an_order_citing_law_article_links_to_the_law() -> None:
    law = _document("law.md", DocumentKind.LAW, (Block("政令で指定する。", article="第七条"),))
    order = _document(
        "order.md",
        DocumentKind.CABINET_ORDER,
        (Block("法第七条の規定に基づき、次に掲げる物資を指定する。", article="第一条"),),
    )
    graph = build_reference_graph(law + order, {"order.md": "law.md"}.get)
    assert graph.references_of(order[0].chunk_id) == (law[0].chunk_id,)


def test_technology_without_licence_links_to_its_penalty_and_the_company_fine(
    fefta: tuple[list[Chunk], ReferenceGraph],
) -> None:
    chunks, graph = fefta
    rule = _chunk(chunks, "第二十五条", "特定技術")
    penalty = _chunk(chunks, "第六十九条の七", "七年以下の拘禁刑")
    company = _chunk(chunks, "第七十二条", "七億円以下")
    assert penalty.chunk_id in graph.penalties_for(rule.chunk_id)
    assert company.chunk_id in graph.company_penalties_for(rule.chunk_id)
    assert company.chunk_id in graph.company_penalties_for(penalty.chunk_id)
    assert company.chunk_id not in graph.penalties_for(rule.chunk_id)


def test_article_72_extends_each_penalty_it_lists(
    fefta: tuple[list[Chunk], ReferenceGraph],
) -> None:
    chunks, graph = fefta
    company = _chunk(chunks, "第七十二条", "七億円以下")
    named = {c.article for c in chunks if c.chunk_id in graph.references_of(company.chunk_id)}
    assert {"第六十九条の七", "第六十九条の八", "第七十条", "第七十条の二"} <= named


def test_graph_round_trips_through_json(
    fefta: tuple[list[Chunk], ReferenceGraph], tmp_path: Path
) -> None:
    _, graph = fefta
    path = tmp_path / "references.json"
    path.write_text(graph.to_json(), encoding="utf-8")
    restored = ReferenceGraph.from_json(path.read_text(encoding="utf-8"))
    assert restored == graph
    some = next(iter(graph.references))
    assert restored.referenced_by(graph.references_of(some)[0]) == graph.referenced_by(
        graph.references_of(some)[0]
    )


def test_enforcement_order_article_1_links_to_the_act_article_7() -> None:
    catalog = load_catalog(CORPUS)
    chunks = [
        c
        for name in (
            "504AC0000000043_keizai-anzen-hosho-suishinho.md",
            "504CO0000000394_suishinho-sekorei.md",
        )
        for c in split_into_chunks(load_document(CORPUS / "laws" / name, catalog))
    ]
    graph = build_reference_graph(chunks, catalog.law_implemented_by)
    order_1 = next(c for c in chunks if c.source.startswith("504CO") and c.article == "第一条")
    act_7 = next(c for c in chunks if c.source.startswith("504AC") and c.article == "第七条")
    assert act_7.chunk_id in graph.references_of(order_1.chunk_id)
    assert order_1.chunk_id in graph.referenced_by(act_7.chunk_id)


def test_what_follows_from_breaking_a_provision_is_its_consequence() -> None:
    chunks = _document(
        "law.md",
        DocumentKind.LAW,
        (
            Block(
                "主務大臣は、管理者に対し、監督上必要な命令をすることができる。", article="第九条"
            ),
            Block(
                "主務大臣は、管理者が前条の命令に違反したときは、その指定を取り消すことができる。",
                article="第十条",
            ),
            Block("前条の規定による取消しは、公示する。", article="第十一条"),
            Block(
                "第九条の規定による命令に違反した者は、百万円以下の罰金に処する。",
                article="第二十条",
                heading="罰則",
            ),
        ),
    )
    graph = build_reference_graph(chunks, lambda _source: None)
    ids = {c.article: c.chunk_id for c in chunks}
    # The penalty first, then the licence withdrawn; a provision merely naming the
    # withdrawal (第十一条 on 第十条) is no consequence of breaking 第十条.
    assert graph.consequences_for(ids["第九条"]) == (ids["第二十条"], ids["第十条"])
    assert graph.consequences_for(ids["第十条"]) == ()
    assert ReferenceGraph.from_json(graph.to_json()) == graph
