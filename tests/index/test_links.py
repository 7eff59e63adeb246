"""Retrieval logic that needs no model: links from a law article to the provisions filling it."""

from assistant.index.links import delegation_links
from assistant.types import Chunk, DocumentKind

LAW = "act.md"
ORDER = "order.md"


def _chunk(cid: str, source: str, text: str) -> Chunk:
    kind = DocumentKind.LAW if source == LAW else DocumentKind.CABINET_ORDER
    return Chunk(cid, source, "t", kind, text, text, 0, article="第一条")


def test_an_order_citing_a_law_article_is_linked_to_it_and_other_laws_are_not() -> None:
    chunks = [
        _chunk("o1", ORDER, "法第七十九条第五項の政令で定める額は、二万五千円とする。"),
        _chunk("o2", ORDER, "法第六十六条第一項の政令で定める期間は、三月とする。"),
        _chunk("o3", ORDER, "特許法第三十八条の三第一項に規定する方法による。"),
        _chunk("o4", ORDER, "法第五十五条の八の規定に基づき、及び法第七十九条の規定により"),
        _chunk("l1", LAW, "法第七十九条の規定は、この法律の施行の日から適用する。"),
    ]
    links = delegation_links(chunks, lambda source: LAW if source == ORDER else None)
    assert links[(LAW, "第七十九条")] == ("o1", "o4")
    assert links[(LAW, "第六十六条")] == ("o2",)
    assert links[(LAW, "第五十五条の八")] == ("o4",)
    assert (LAW, "第三十八条の三") not in links  # 特許法, not the law the order carries out
    assert delegation_links(chunks, None) == {}
