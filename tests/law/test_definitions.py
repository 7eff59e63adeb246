"""Definitions collected per law, with the provision that defines each term."""

from assistant.chunking import split_into_chunks
from assistant.ingest import load_document
from assistant.law.definitions import DefinitionTable, collect_definitions, terms_defined_in
from assistant.types import Block, Chunk, DocumentKind, SourceDocument
from tests.conftest import CORPUS


def _chunks(*blocks: Block) -> list[Chunk]:
    return split_into_chunks(SourceDocument("law.md", "試験法", DocumentKind.LAW, blocks, "x"))


def test_this_law_means() -> None:
    table = collect_definitions(
        _chunks(Block("この法律において「装備品等」とは、自衛隊が使用する装備品をいう。", "第二条"))
    )
    (definition,) = table.of("装備品等")
    assert (definition.source, definition.citation) == ("law.md", "第二条")
    assert definition.text.startswith("この法律において「装備品等」とは")
    assert definition.chunk_id


def test_hereafter_called() -> None:
    sentence = "政府は、基本的な方針（以下「基本方針」という。）を定めなければならない。"
    assert terms_defined_in(sentence, in_term_list=False) == ["基本方針"]


def test_term_list_items_define_their_first_word_with_paragraph_and_item() -> None:
    chunks = _chunks(
        Block(
            "この条において、次の各号に掲げる用語の意義は、当該各号に定めるところによる。",
            "第三条",
            paragraph="第一項",
        ),
        Block(
            "一 金融指標 金融商品取引法第二条第二十五項に規定する金融指標をいう。",
            "第三条",
            paragraph="第一項",
            item="第一号",
        ),
        Block("２ 前項の規定は、準用する。", "第三条", paragraph="第二項"),
    )
    (definition,) = collect_definitions(chunks).of("金融指標")
    assert definition.citation == "第三条第一項第一号"


def test_mentions_that_only_point_elsewhere_define_nothing() -> None:
    assert (
        terms_defined_in("特定重要物資（第七条に規定する特定重要物資をいう。）の供給", False) == []
    )


def test_shipped_laws_define_their_key_terms() -> None:
    chunks = [
        c
        for name in (
            "504AC0000000043_keizai-anzen-hosho-suishinho.md",
            "324AC0000000228_gaitameho.md",
        )
        for c in split_into_chunks(load_document(CORPUS / "laws" / name))
    ]
    table = collect_definitions(chunks)
    assert [d.citation for d in table.of("特定重要物資")] == ["第七条"]
    assert [d.citation for d in table.of("居住者")] == ["第六条第一項第五号"]
    assert [d.citation for d in table.of("特定技術")] == ["第二十五条第一項"]
    assert DefinitionTable.from_json(table.to_json()) == table
    assert table.terms()[0] == max(table.terms(), key=len)


def test_a_term_defined_in_passing_in_brackets_even_when_they_nest() -> None:
    sentence = (
        "主務大臣は、特定社会基盤事業（次に掲げる事業のうち、特定社会基盤役務（国民生活の基盤と"
        "なる役務をいう。以下同じ。）の提供を行う事業であって政令で定めるものをいう。以下同じ。）"
        "を行う者を指定することができる。"
    )
    assert terms_defined_in(sentence, in_term_list=False) == [
        "特定社会基盤事業",
        "特定社会基盤役務",
    ]
    # Brackets that only explain without defining, or point elsewhere, define nothing.
    assert terms_defined_in("主務大臣（内閣総理大臣とする。）は、", False) == []
    assert terms_defined_in("居住者（第六条第一項第五号に掲げる居住者をいう。）", False) == []
