"""The applies step: of two parallel provisions, the one whose document covers the named item."""

from pathlib import Path

from assistant.chunking import split_into_chunks
from assistant.index.keyword import JapaneseTokenizer
from assistant.rank import RankContext
from assistant.rank.applies import ApplicableDocuments
from assistant.types import Block, DocumentKind, Hit, Query, SourceDocument
from tests.fakes import memory_snapshot, query

TOKENIZER = JapaneseTokenizer()
IMPLEMENTS = {"order.md": "law.md", "meti.md": "law.md", "mhlw.md": "law.md"}
DOCUMENTS = (
    SourceDocument(
        "law.md",
        "推進法",
        DocumentKind.LAW,
        (
            Block(
                "特定重要物資の供給確保計画を作成し、認定を受けることができる。", article="第九条"
            ),
            Block("認定を受けた者は、実施状況を報告しなければならない。", article="第十二条"),
        ),
        "x",
    ),
    SourceDocument(
        "order.md",
        "施行令",
        DocumentKind.CABINET_ORDER,
        (
            Block(
                "次に掲げる物資を特定重要物資として指定する。\n一 抗菌性物質製剤\n二 永久磁石\n"
                "三 半導体素子及び集積回路",
                article="第一条",
            ),
        ),
        "x",
    ),
    SourceDocument(
        "meti.md",
        "経産省令",
        DocumentKind.ORDINANCE,
        (
            Block(
                "法第九条第一項の規定により供給確保計画（令第一条第二号及び第三号に掲げる特定重要"
                "物資に係るものに限る。以下同じ。）の認定を受けようとする者は、申請書を経済産業大臣"
                "に提出しなければならない。",
                article="第二条",
            ),
            Block(
                "法第十二条の規定により報告をしようとする者は、報告書を提出する。", article="第十条"
            ),
        ),
        "x",
    ),
    SourceDocument(
        "mhlw.md",
        "厚労・経産省令",
        DocumentKind.ORDINANCE,
        (
            Block(
                "法第九条第一項の規定により供給確保計画の認定を受けようとする者は、申請書を厚生労働"
                "大臣及び経済産業大臣に提出しなければならない。",
                article="第二条",
            ),
        ),
        "x",
    ),
)


def _setup(tmp_path: Path, order: list[tuple[str, str]]) -> tuple[RankContext, list[Hit]]:
    chunks = [c for d in DOCUMENTS for c in split_into_chunks(d)]
    store, snapshot = memory_snapshot(chunks, tmp_path, IMPLEMENTS)
    first = {}
    for c in chunks:
        first.setdefault((c.source, c.article), c)
    hits = [Hit(first[key], 1.0 - i / 10) for i, key in enumerate(order)]
    return RankContext(snapshot, store), hits


def _step() -> ApplicableDocuments:
    return ApplicableDocuments(TOKENIZER.tokenize, IMPLEMENTS.get, depth=10)


def _sources(hits: list[Hit]) -> list[str]:
    return [f"{h.chunk.source}:{h.chunk.article}" for h in hits]


ORDER = [("mhlw.md", "第二条"), ("law.md", "第九条"), ("meti.md", "第十条"), ("meti.md", "第二条")]


def _asked(text: str) -> Query:
    return query(text, words=TOKENIZER.tokenize(text))


def test_the_document_covering_the_named_product_comes_before_its_parallel(
    tmp_path: Path,
) -> None:
    context, hits = _setup(tmp_path, ORDER)
    ranked = _step().apply(_asked("永久磁石の計画の申請書はどこに出しますか？"), hits, context)
    # the two 第二条 carry out 法第九条第一項 and trade places; nothing else moves
    assert _sources(ranked) == [
        "meti.md:第二条",
        "law.md:第九条",
        "meti.md:第十条",
        "mhlw.md:第二条",
    ]
    assert [h.score for h in ranked] == [h.score for h in hits]


def test_a_product_the_scope_leaves_out_puts_that_document_after(tmp_path: Path) -> None:
    order = [("meti.md", "第二条"), ("law.md", "第九条"), ("mhlw.md", "第二条")]
    context, hits = _setup(tmp_path, order)
    ranked = _step().apply(_asked("抗菌薬の計画の申請書はどこに出しますか？"), hits, context)
    assert _sources(ranked) == ["mhlw.md:第二条", "law.md:第九条", "meti.md:第二条"]


def test_no_named_product_leaves_the_order_alone(tmp_path: Path) -> None:
    context, hits = _setup(tmp_path, ORDER)
    assert _step().apply(_asked("計画の申請書はどこに出しますか？"), hits, context) == hits
