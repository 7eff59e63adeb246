"""Each ranking step on the memory store, without a model: boosts, delegation, the step list."""

from pathlib import Path

from assistant.embedding import HashingEmbedder
from assistant.rank import RankContext, Ranker
from assistant.rank.boosts import DocumentBoosts
from assistant.rank.references import DelegationLinks
from assistant.sentences import SentenceScorer, SentenceVectors
from assistant.types import DocumentKind, Hit
from tests.fakes import chunk, memory_snapshot, query


def test_boosts_lift_the_named_document_and_the_defining_provision(tmp_path: Path) -> None:
    uses = chunk("uses", "特定重要物資の供給確保計画を提出する。")
    defines = chunk(
        "defines", "この法律において「特定重要物資」とは、国民の生存に必要な物資をいう。"
    )
    named = chunk("named", "外国為替の取引を行う。", source="gaitame.md")
    store, snapshot = memory_snapshot([uses, defines, named], tmp_path)
    hits = [Hit(uses, 2.0), Hit(defines, 1.5), Hit(named, 1.25)]
    step = DocumentBoosts(lambda text: {"gaitame.md"} if "外為法" in text else set())
    context = RankContext(snapshot, store)
    ranked = step.apply(query("特定重要物資とは何ですか"), hits, context)
    assert [h.chunk.chunk_id for h in ranked] == ["defines", "uses", "named"]
    ranked = step.apply(query("外為法の取引"), hits, context)
    assert ranked[0].chunk.chunk_id == "named" and ranked[0].score == 2.25
    off = DocumentBoosts(lambda _text: {"gaitame.md"}, named_source=0.0, definition=0.0)
    assert off.apply(query("特定重要物資とは何ですか"), hits, context) == hits


def test_naming_a_law_lifts_its_orders_less_and_naming_an_order_lifts_it_alone(
    tmp_path: Path,
) -> None:
    act = chunk("act", "主務大臣は、報告を求めることができる。", source="act.md")
    ordinance = chunk("ordinance", "報告書は、遅滞なく提出する。", source="ordinance.md")
    other = chunk("other", "報告書を提出する。", source="other.md")
    store, snapshot = memory_snapshot([act, ordinance, other], tmp_path)
    hits = [Hit(other, 2.0), Hit(ordinance, 1.9), Hit(act, 1.5)]
    names = {"外為法": {"act.md"}, "省令": {"ordinance.md"}}
    step = DocumentBoosts(
        lambda text: set().union(*(v for k, v in names.items() if k in text)),
        implemented_law={"ordinance.md": "act.md"}.get,
        implementing_source=0.5,
    )
    context = RankContext(snapshot, store)
    ranked = step.apply(query("外為法に基づく報告書はいつまでに"), hits, context)
    assert [(h.chunk.chunk_id, h.score) for h in ranked] == [
        ("act", 2.5),
        ("ordinance", 2.4),
        ("other", 2.0),
    ]
    ranked = step.apply(query("省令の報告書はいつまでに"), hits, context)
    assert [(h.chunk.chunk_id, h.score) for h in ranked] == [
        ("ordinance", 2.9),
        ("other", 2.0),
        ("act", 1.5),
    ]


def test_a_law_passage_that_delegates_what_is_asked_brings_the_order_provision_after_it(
    tmp_path: Path,
) -> None:
    law = chunk(
        "law", "手数料の額は、政令で定める額とする。", source="act.md", article="第七十九条"
    )
    other = chunk(
        "other", "報告を求めることができる。", source="act.md", article="第八十条", position=1
    )
    order = chunk(
        "order",
        "法第七十九条の政令で定める額は、二万五千円とする。",
        source="order.md",
        kind=DocumentKind.CABINET_ORDER,
    )
    store, snapshot = memory_snapshot([law, other, order], tmp_path, {"order.md": "act.md"})
    scorer = SentenceScorer(SentenceVectors(HashingEmbedder(dimensions=512)))
    step = DelegationLinks(scorer, parents=2, links=1)
    hits = [Hit(law, 3.0), Hit(other, 2.0), Hit(order, 0.5)]
    ranked = step.apply(query("手数料の額はいくらですか"), hits, RankContext(snapshot, store))
    assert [h.chunk.chunk_id for h in ranked] == ["law", "order", "other"]
    assert ranked[1].score == 3.0  # placed with its parent's score
    no_links = DelegationLinks(scorer, parents=0)
    assert no_links.apply(query("手数料の額"), hits, RankContext(snapshot, store)) == hits


def test_the_ranker_applies_its_steps_in_order_and_only_to_hybrid_search(tmp_path: Path) -> None:
    a, b = chunk("a", "一つ目の条文である。"), chunk("b", "二つ目の条文である。", position=1)
    store, snapshot = memory_snapshot([a, b], tmp_path)
    seen: list[str] = []

    class Reverse:
        name = "reverse"

        def apply(self, q, hits, context):  # type: ignore[no-untyped-def]
            seen.append(self.name)
            return hits[::-1]

    ranker = Ranker([Reverse(), Reverse()])
    hits = [Hit(a, 1.0), Hit(b, 0.5)]
    assert ranker.rank(query("条文"), hits, RankContext(snapshot, store)) == hits
    assert seen == ["reverse", "reverse"]
    assert ranker.rank(query("条文", mode="dense"), hits, RankContext(snapshot, store)) == hits
    assert seen == ["reverse", "reverse"]  # dense and keyword modes are the plain parts
