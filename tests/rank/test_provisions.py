"""The provisions step: an article the question names, or the definition it asks for, first."""

from pathlib import Path

from assistant.chunking import split_into_chunks
from assistant.rank import RankContext
from assistant.rank.provisions import NamedProvisions
from assistant.types import Block, DocumentKind, Hit, SourceDocument
from tests.fakes import memory_snapshot, query

LAW = (
    Block("この法律において「装備品等」とは、自衛隊が使用する装備品をいう。", article="第二条"),
    Block("報告は、書面でする。", article="第七条"),
    Block("報告の期限は、三十日とする。", article="第七十三条"),
    Block(
        "１ 届出は、書面でする。\n２ 届出は、電子情報処理組織を使用してすることができる。",
        article="第八条",
    ),
)


def _named(text: str) -> set[str]:
    return {"law.md"} if "試験法" in text else set()


def _setup(tmp_path: Path) -> tuple[RankContext, list[Hit], dict[str, str]]:
    chunks = split_into_chunks(SourceDocument("law.md", "試験法", DocumentKind.LAW, LAW, "x"))
    store, snapshot = memory_snapshot(chunks, tmp_path)
    hits = [Hit(c, 1.0 - i / 10) for i, c in enumerate(reversed(chunks))]
    return RankContext(snapshot, store), hits, {c.article: c.chunk_id for c in chunks}


def _order(step: NamedProvisions, text: str, hits: list[Hit], context: RankContext) -> list[str]:
    return [h.chunk.article for h in step.apply(query(text), hits, context)]


def test_the_article_a_question_names_comes_first_not_its_lookalikes(tmp_path: Path) -> None:
    context, hits, _ = _setup(tmp_path)
    step = NamedProvisions(_named)
    assert _order(step, "試験法第七条には何と書いてありますか", hits, context)[0] == "第七条"
    # Naming no document: any document's 第七条; naming an unknown law: nothing moves.
    assert _order(step, "第七条の報告", hits, context)[0] == "第七条"
    assert _order(step, "特許法第七条の報告", hits, context) == [h.chunk.article for h in hits]
    # Missing from the candidates, it is brought in.
    assert _order(step, "試験法第七条は", hits[:2], context)[0] == "第七条"


def test_a_definition_question_puts_the_defining_provision_first(tmp_path: Path) -> None:
    context, hits, _ = _setup(tmp_path)
    step = NamedProvisions(_named)
    assert _order(step, "装備品等とは何ですか", hits, context)[0] == "第二条"
    # A membership question is left to the boosts: the designating provision may list nothing.
    assert _order(step, "装備品等にはどんなものがありますか", hits, context)[0] != "第二条"
    assert NamedProvisions(_named, pinned=0).apply(query("試験法第七条"), hits, context) == hits
