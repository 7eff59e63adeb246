"""Lists in labelled law text: items by their depth, and lists that run over two chunks."""

import itertools

from assistant.answer.lists import introducer_of, items_continued, leads_of, list_items_after
from assistant.answer.quoting import ScoredSentence, select_sentences
from assistant.types import Chunk, DocumentKind, Hit

_LEAD = "法第七条の規定に基づき、次に掲げる物資を特定重要物資として指定する。"
_FIRST = f"{_LEAD}\n一 抗菌性物質製剤\n二 肥料\n三 永久磁石"
_SECOND = "三 永久磁石\n四 金属鉱産物（リチウムに限る。）\n五 人工衛星"


def _chunk(cid: str, text: str, position: int, article: str = "第一条") -> Chunk:
    return Chunk(
        cid, "order.md", "施行令", DocumentKind.CABINET_ORDER, text, text, position, article=article
    )


def _neighbours(*chunks: Chunk) -> tuple[dict[str, Chunk], dict[str, Chunk]]:
    before = {b.chunk_id: a for a, b in itertools.pairwise(chunks)}
    after = {a.chunk_id: b for a, b in itertools.pairwise(chunks)}
    return before, after


def test_a_labelled_list_ends_where_a_line_as_shallow_as_its_introducer_begins() -> None:
    chunk = _chunk(
        "a",
        "主務大臣は、次の各号のいずれかに該当するときは、認定を取り消すことができる。\n"
        "一 計画に従って取組を行っていないとき。\n"
        "二 次のいずれかに該当するとき。\n"
        "イ 虚偽の報告をしたとき。\n"
        "ロ 検査を拒んだとき。\n"
        "２ 主務大臣は、前項の規定により認定を取り消したときは、その旨を公表するものとする。",
        0,
    )
    # Clause items end in 。 yet belong to the list: their labels say so.
    assert list_items_after(chunk, 0) == [
        "一 計画に従って取組を行っていないとき。",
        "二 次のいずれかに該当するとき。",
        "イ 虚偽の報告をしたとき。",
        "ロ 検査を拒んだとき。",
    ]
    assert list_items_after(chunk, 2) == ["イ 虚偽の報告をしたとき。", "ロ 検査を拒んだとき。"]
    assert list_items_after(chunk, 5) == []
    assert introducer_of(chunk, 3) == 2  # イ stands under 二, which stands under the paragraph
    assert leads_of(chunk, 3, None) == [(chunk, 0), (chunk, 2)]


def test_a_list_that_runs_to_the_end_of_its_chunk_goes_on_in_the_next_chunk() -> None:
    first, second = _chunk("a", _FIRST, 0), _chunk("b", _SECOND, 1)
    after = {"a": second}.get
    continued = items_continued(first, 0, lambda c: after(c.chunk_id))
    # The repeated 「三」 (chunks overlap by a sentence) is not quoted twice.
    assert continued == [(second, "四 金属鉱産物（リチウムに限る。）"), (second, "五 人工衛星")]
    # The next article, or a chunk of another document, does not continue it.
    other = _chunk("c", "四 別の条の号", 1, article="第二条")
    assert items_continued(first, 0, lambda c: other) == []
    # Nor does the next paragraph.
    paragraph = _chunk("d", "２ 前項の指定は、公示する。", 1)
    assert items_continued(first, 0, lambda c: paragraph) == []


def test_an_enumeration_is_quoted_whole_with_its_item_numbers_and_cites_both_chunks() -> None:
    first, second = _chunk("a", _FIRST, 0), _chunk("b", _SECOND, 1)
    before, after = _neighbours(first, second)
    sentences, citations = select_sentences(
        [Hit(first, 1.0)],
        [ScoredSentence(_LEAD, 0, 0, 1.0)],
        limit=3,
        earlier=lambda c: before.get(c.chunk_id),
        later=lambda c: after.get(c.chunk_id),
    )
    assert [(s.text, s.marker) for s in sentences] == [
        (_LEAD, 1),
        ("一 抗菌性物質製剤", 1),
        ("二 肥料", 1),
        ("三 永久磁石", 1),
        ("四 金属鉱産物（リチウムに限る。）", 2),
        ("五 人工衛星", 2),
    ]
    assert [c.chunk.chunk_id for c in citations] == ["a", "b"]


def test_an_item_of_the_second_chunk_brings_its_introducer_and_the_whole_list() -> None:
    first, second = _chunk("a", _FIRST, 0), _chunk("b", _SECOND, 1)
    before, after = _neighbours(first, second)
    item = ScoredSentence("四 金属鉱産物（リチウムに限る。）", 0, 1, 1.0)
    sentences, citations = select_sentences(
        [Hit(second, 1.0)],
        [item],
        limit=3,
        earlier=lambda c: before.get(c.chunk_id),
        later=lambda c: after.get(c.chunk_id),
    )
    assert [s.text for s in sentences][:2] == [_LEAD, "一 抗菌性物質製剤"]
    assert [s.text for s in sentences][-2:] == [item.text, "五 人工衛星"]
    assert [c.chunk.chunk_id for c in citations] == ["a", "b"]


def test_a_condition_brings_its_own_sub_items_but_not_its_sibling_conditions() -> None:
    chunk = _chunk(
        "a",
        "主務大臣は、申請が次の各号のいずれにも適合すると認めるときは、認定をするものとする。\n"
        "一 実施体制が適切であること。\n"
        "二 共同して申請した場合にあっては、次のイ及びロに適合すること。\n"
        "イ 適正な競争が確保されること。\n"
        "ロ 利用者の利益を害さないこと。",
        0,
    )
    item = ScoredSentence(
        "二 共同して申請した場合にあっては、次のイ及びロに適合すること。", 0, 2, 1.0
    )
    sentences, _ = select_sentences([Hit(chunk, 1.0)], [item], limit=3)
    assert [s.text for s in sentences] == [
        "主務大臣は、申請が次の各号のいずれにも適合すると認めるときは、認定をするものとする。",
        item.text,
        "イ 適正な競争が確保されること。",
        "ロ 利用者の利益を害さないこと。",
    ]


def test_a_bare_item_is_scored_with_the_words_of_the_sentence_introducing_its_list() -> None:
    from assistant.answer.quoting import candidate_sentences

    first, second = _chunk("a", _FIRST, 0), _chunk("b", _SECOND, 1)
    words = ["特定重要物資", "リチウム"]
    tokenize = lambda text: [w for w in words if w in text]  # noqa: E731
    before = {"b": first}.get

    def score(earlier: object) -> float:
        scored = candidate_sentences(
            [Hit(second, 1.0)],
            words,
            tokenize,
            lambda _: 1.0,
            earlier=earlier,  # type: ignore[arg-type]
        )
        return next(s.score for s in scored if "リチウム" in s.text)

    # 「四 金属鉱産物（リチウム…）」 names a 特定重要物資 only through its list's introducer,
    # which ends the chunk before.
    assert score(lambda c: before(c.chunk_id)) > score(None)


def test_an_unlabelled_item_after_a_labelled_chunk_finds_its_introducer_there() -> None:
    # A chunk without item labels (its condition ends the way an item does) whose article
    # began in a labelled chunk: the item's depth is unknown, so the chunk before is read as
    # unlabelled text is (the nearest non-item sentence that opens a list), not by depth.
    before = _chunk("a", _FIRST, 0)
    item = _chunk("b", "虚偽の報告をしたとき。", 1)
    assert leads_of(item, 0, lambda c: before if c.chunk_id == "b" else None) == [(before, 0)]
