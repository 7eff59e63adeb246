from dataclasses import replace

from assistant.answer.lists import introducer_of, is_list_item, list_items_after
from assistant.answer.quoting import (
    ScoredSentence,
    format_answer,
    select_sentences,
)
from assistant.types import Chunk, DocumentKind, Hit


def _hit(text: str, cid: str = "c1", article: str = "第一条", position: int = 0) -> Hit:
    chunk = Chunk(cid, "law.md", "法", DocumentKind.LAW, text, text, position, article=article)
    return Hit(chunk, 1.0)


def test_list_items_follow_a_sentence_that_introduces_them() -> None:
    hit = _hit("次に掲げる物資を特定重要物資として指定する。\n抗菌性物質製剤\n肥料\n次の文。")
    assert list_items_after(hit.chunk, 0) == ["抗菌性物質製剤", "肥料"]
    assert list_items_after(hit.chunk, 3) == []


def test_selection_numbers_passages_in_order_and_quotes_verbatim() -> None:
    hits = [_hit("一つ目の文。二つ目の文。", "a"), _hit("別の条の文。", "b", "第二条")]
    scored = [
        ScoredSentence("別の条の文。", 1, 0, 0.9),
        ScoredSentence("二つ目の文。", 0, 1, 0.8),
        ScoredSentence("一つ目の文。", 0, 0, 0.1),
    ]
    sentences, citations = select_sentences(hits, scored, limit=2)
    assert [(s.text, s.marker) for s in sentences] == [("二つ目の文。", 1), ("別の条の文。", 2)]
    assert [c.chunk.chunk_id for c in citations] == ["a", "b"]
    assert format_answer(sentences) == "二つ目の文。 [1]\n別の条の文。 [2]"


def test_weak_sentences_are_left_out() -> None:
    hits = [_hit("良い文。弱い文。")]
    scored = [ScoredSentence("良い文。", 0, 0, 1.0), ScoredSentence("弱い文。", 0, 1, 0.2)]
    sentences, _ = select_sentences(hits, scored, limit=3)
    assert [s.text for s in sentences] == ["良い文。"]


def test_bare_list_items_rank_below_full_sentences() -> None:
    from assistant.answer.quoting import candidate_sentences

    hit = _hit("供給確保計画には、認定番号を記載する。\n供給確保計画認定番号")
    words = ["供給", "確保", "計画", "認定", "番号"]
    tokenize = lambda text: [w for w in words if w in text]  # noqa: E731
    scored = candidate_sentences([hit], words, tokenize, lambda _: 1.0)
    full, bare = scored
    assert full.text.endswith("。") and not bare.text.endswith("。")
    assert full.score > bare.score


def test_a_definition_keeps_the_sentence_that_follows_from_the_overlapping_chunk() -> None:
    first = _hit("前の文です。GOCOの活用も検討します。", "a")
    second = _hit("GOCOの活用も検討します。政府が工場を取得し民間に委託する制度です。", "b")
    scored = [ScoredSentence("GOCOの活用も検討します。", 0, 1, 1.0)]
    sentences, citations = select_sentences([first, second], scored, limit=3, follow_best=True)
    assert [s.text for s in sentences] == [
        "GOCOの活用も検討します。",
        "政府が工場を取得し民間に委託する制度です。",
    ]
    assert [c.chunk.chunk_id for c in citations] == ["a", "b"]
    plain, _ = select_sentences([first, second], scored, limit=3)
    assert len(plain) == 1


def test_meaning_lifts_a_sentence_that_shares_no_words_with_the_question() -> None:
    import numpy as np

    from assistant.answer.quoting import QuotingWeights, candidate_sentences

    hit = _hit(
        "報告の対象は主務大臣が定める。前項の者は、遅滞なく、報告書を提出しなければならない。"
    )
    words = ["報告", "いつ", "出す"]
    tokenize = lambda text: [w for w in words if w in text]  # noqa: E731

    def meaning(texts: object) -> np.ndarray:  # the second sentence is what "いつまで" asks
        return np.asarray([0.80, 0.90])

    lexical = candidate_sentences([hit], words, tokenize, lambda _: 1.0)
    assert lexical[0].score == lexical[1].score  # both contain 報告 only: a tie on words
    blended = candidate_sentences(
        [hit],
        words,
        tokenize,
        lambda _: 1.0,
        similarity=meaning,
        weights=QuotingWeights(semantic_weight=0.1),
    )
    assert blended[1].score > blended[0].score
    unused = candidate_sentences(
        [hit],
        words,
        tokenize,
        lambda _: 1.0,
        similarity=meaning,
        weights=QuotingWeights(semantic_weight=0.0),
    )
    assert [s.score for s in unused] == [s.score for s in lexical]


def test_any_sentence_naming_what_follows_introduces_a_list() -> None:
    hit = _hit(
        "支援法人は、次の方法による場合を除くほか、余裕金を運用してはならない。\n"
        "国債その他主務大臣の定める有価証券の取得\n銀行への預金\n"
        "前項の規定は、適用しない。"
    )
    assert list_items_after(hit.chunk, 0) == [
        "国債その他主務大臣の定める有価証券の取得",
        "銀行への預金",
    ]
    assert list_items_after(hit.chunk, 3) == []


def test_the_second_passage_keeps_its_best_sentence_against_a_wordier_first() -> None:
    """The law states who may be asked for a report; the ordinance, second, states by when."""
    law = _hit("報告を求めることができる。資料を求めることができる。検査させることができる。", "a")
    ordinance = _hit("事業年度終了後三月以内に報告をしなければならない。", "b", "第九条")
    scored = [
        ScoredSentence("報告を求めることができる。", 0, 0, 1.0),
        ScoredSentence("資料を求めることができる。", 0, 1, 0.9),
        ScoredSentence("検査させることができる。", 0, 2, 0.8),
        ScoredSentence("事業年度終了後三月以内に報告をしなければならない。", 1, 0, 0.7),
    ]
    sentences, citations = select_sentences([law, ordinance], scored, limit=3)
    assert [s.text for s in sentences] == [
        "報告を求めることができる。",
        "資料を求めることができる。",
        "事業年度終了後三月以内に報告をしなければならない。",
    ]
    assert [c.chunk.chunk_id for c in citations] == ["a", "b"]
    # ...but not when it is weak: the floor (half the best score) still applies.
    weak = [
        *scored[:3],
        ScoredSentence("事業年度終了後三月以内に報告をしなければならない。", 1, 0, 0.3),
    ]
    sentences, citations = select_sentences([law, ordinance], weak, limit=3)
    assert [c.chunk.chunk_id for c in citations] == ["a"]


def test_a_sentence_stating_what_is_asked_for_wins_over_more_shared_words() -> None:
    from assistant.answer.answerability import answer_cues
    from assistant.answer.quoting import candidate_sentences

    question = "実施状況の報告はいつまでに出しますか？"
    hit = _hit(
        "主務大臣は、実施状況の報告を求めることができる。\n"
        "事業者は、事業年度終了後三月以内に実施状況を届け出なければならない。"
    )
    words = ["実施", "状況", "報告"]
    tokenize = lambda text: [w for w in words if w in text]  # noqa: E731
    idf = {"実施": 1.0, "状況": 1.0, "報告": 0.2}.__getitem__
    plain = candidate_sentences([hit], words, tokenize, idf)
    cued = candidate_sentences([hit], words, tokenize, idf, cues=answer_cues(question))
    assert plain[0].score > plain[1].score  # more of the question's words
    assert cued[1].score > cued[0].score  # but the second states a period


def test_a_chosen_list_item_is_quoted_with_the_sentence_introducing_its_list() -> None:
    text = (
        "主務大臣は、管理を委託する契約において、次に掲げる事項を定めるものとする。\n"
        "管理の委託の期間\n費用の負担区分\n契約に違反した場合の措置\n"
        "前項の契約は、書面でしなければならない。\n別の事項"
    )
    hit = _hit(text)
    assert introducer_of(hit.chunk, 2) == 0
    assert introducer_of(hit.chunk, 0) is None  # a full sentence is not an item
    assert introducer_of(hit.chunk, 5) is None  # after a sentence that introduces nothing
    sentences, _ = select_sentences([hit], [ScoredSentence("費用の負担区分", 0, 2, 1.0)], limit=3)
    assert [s.text for s in sentences] == [
        "主務大臣は、管理を委託する契約において、次に掲げる事項を定めるものとする。",
        "管理の委託の期間",
        "費用の負担区分",
        "契約に違反した場合の措置",
    ]


_PENALTY = (
    "次の各号のいずれかに該当するときは、その違反行為をした者は、五十万円以下の罰金に処する。"
)


def test_law_clauses_ending_in_toki_or_koto_are_list_items_and_statements_are_not() -> None:
    assert is_list_item("第五十五条の八の規定に違反して、虚偽の報告をしたとき。", law=True)
    assert is_list_item("実施体制が適切であること。", law=True)
    assert is_list_item("費用の負担区分", law=False)
    assert not is_list_item("主務大臣は、認定をするものとする。", law=True)
    assert not is_list_item("次に掲げる事項を定めるものとする。", law=True)
    # Outside law text a sentence ending in とき。 is prose, not an item.
    assert not is_list_item("迷ったときは相談することが大切なこと。", law=False)


def test_a_condition_is_quoted_under_the_penalty_that_introduces_it_and_alone() -> None:
    hit = _hit(f"{_PENALTY}\n第十九条の届出をしなかったとき。\n第五十五条の報告をしなかったとき。")
    assert introducer_of(hit.chunk, 2) == 0
    sentences, citations = select_sentences(
        [hit], [ScoredSentence("第五十五条の報告をしなかったとき。", 0, 2, 1.0)], limit=3
    )
    # The fine is what was asked about; the other condition of the list is not quoted.
    assert [s.text for s in sentences] == [_PENALTY, "第五十五条の報告をしなかったとき。"]
    assert [c.chunk.chunk_id for c in citations] == ["c1"]


def test_an_item_whose_list_began_in_the_previous_chunk_is_quoted_under_its_introducer() -> None:
    first = _hit(f"{_PENALTY}\n第十九条の届出をしなかったとき。", "a", "第七十一条", 7)
    second = _hit(
        "第五十五条の七の報告をしなかったとき。\n第五十五条の八の報告をしなかったとき。",
        "b",
        "第七十一条",
        8,
    )
    earlier = {"b": first.chunk}.get
    item = ScoredSentence("第五十五条の八の報告をしなかったとき。", 0, 1, 1.0)
    sentences, citations = select_sentences(
        [second], [item], limit=3, earlier=lambda c: earlier(c.chunk_id)
    )
    assert [(s.text, s.marker) for s in sentences] == [
        (_PENALTY, 1),
        ("第五十五条の八の報告をしなかったとき。", 2),
    ]
    # The introducer's chunk was not retrieved, but the answer quotes it, so it is cited.
    assert [(c.marker, c.chunk.chunk_id) for c in citations] == [(1, "a"), (2, "b")]
    assert citations[0].quote == _PENALTY
    # Without the chunk before (or when it is another article), the item is quoted as it is.
    alone, _ = select_sentences([second], [item], limit=3)
    assert [s.text for s in alone] == ["第五十五条の八の報告をしなかったとき。"]
    other = _hit(_PENALTY, "z", "第七十条", 7)
    alone, _ = select_sentences([second], [item], limit=3, earlier=lambda c: other.chunk)
    assert [s.text for s in alone] == ["第五十五条の八の報告をしなかったとき。"]


def test_any_of_the_five_passages_shown_can_supply_the_answer() -> None:
    from assistant.answer.quoting import candidate_sentences

    hits = [_hit(f"第{n}の条の文です。", f"c{n}", f"第{n}条") for n in range(6)]
    scored = candidate_sentences(hits, ["文"], lambda t: ["文"], lambda _: 1.0)
    # The fifth passage (rank 4) is a candidate, with the lowest prior; a sixth is not.
    assert {s.hit_rank for s in scored} == {0, 1, 2, 3, 4}
    assert scored[0].score > scored[4].score


def test_of_a_penalty_s_items_the_one_citing_another_quoted_passage_comes_first() -> None:
    from assistant.answer.quoting import candidate_sentences

    penalty = _hit(
        "次の各号のいずれかに該当するときは、その違反行為をした者は、五十万円以下の罰金に処する。\n"
        "八 第五十五条の七の規定に基づく命令の規定に違反して、報告をせず、又は虚偽の報告をしたとき。\n"
        "九 第五十五条の八の規定に違反して、報告をせず、又は虚偽の報告をしたとき。",
        "p",
        "第七十一条",
    )
    power = _hit(
        "主務大臣は、取引をした者に対し、報告を求めることができる。", "q", "第五十五条の八"
    )
    words = ["報告", "命令"]
    tokenize = lambda text: [w for w in words if w in text]  # noqa: E731

    def item_scores(hits: list[Hit], penalties: tuple[str, ...] = ("p",)) -> dict[str, float]:
        scored = candidate_sentences(hits, words, tokenize, lambda _: 1.0, penalties=penalties)
        return {s.text[:2]: s.score for s in scored if s.hit_rank == 0 and s.index > 0}

    alone = item_scores([penalty])
    assert alone["八 "] > alone["九 "]  # 八 has one word more of the question (命令)
    beside = item_scores([penalty, power])
    # With 第五十五条の八 quoted beside it, the item citing it comes first: the two trade.
    assert beside["九 "] > beside["八 "]
    assert sorted(beside.values()) == sorted(alone.values())
    # A list that is not a penalty's (the law graph does not know it as one) is left alone.
    assert item_scores([penalty, power], penalties=()) == alone


def test_items_citing_no_other_quoted_passage_keep_their_scores() -> None:
    from assistant.answer.quoting import candidate_sentences

    penalty = _hit(
        "次の各号のいずれかに該当するときは、罰金に処する。\n"
        "一 第三十条の規定による届出をせず、技術導入契約の締結をしたとき。\n"
        "二 第五十五条の報告をせず、又は虚偽の報告をしたとき。",
        "p",
        "第七十条",
    )
    other = _hit("主務大臣は、報告を求めることができる。", "q", "第五十五条の八")
    words = ["報告", "届出"]
    tokenize = lambda text: [w for w in words if w in text]  # noqa: E731
    alone = candidate_sentences([penalty], words, tokenize, lambda _: 1.0, penalties=("p",))
    beside = candidate_sentences([penalty, other], words, tokenize, lambda _: 1.0, penalties=("p",))
    assert [s.score for s in beside if s.hit_rank == 0] == [s.score for s in alone]


def test_a_question_asking_two_kinds_gets_a_sentence_stating_each() -> None:
    """「何年保存…。保存していなかったら罰則も…」 asks a period and a penalty: the period's
    sentences outscore the penalty's item, which shares fewer words, yet the item (stating its
    article's fine through its introducer) is quoted with that introducer; a question asking
    one kind keeps the usual order."""
    import re

    rule = _hit(
        "帳簿は五年間保存しなければならない。\n帳簿は一年ごとに閉鎖する。\n帳簿は電磁的に記録できる。"
    )
    penalty = _hit(
        f"{_PENALTY}\n帳簿を保存しなかったとき。", cid="c2", article="第九十条", position=1
    )
    scored = [
        ScoredSentence("帳簿は五年間保存しなければならない。", 0, 0, 2.0),
        ScoredSentence("帳簿は一年ごとに閉鎖する。", 0, 1, 1.5),
        ScoredSentence("帳簿は電磁的に記録できる。", 0, 2, 1.4),
        ScoredSentence("帳簿を保存しなかったとき。", 1, 1, 0.7),
    ]
    period, fine = re.compile(r"年"), re.compile(r"罰金")
    sentences, _ = select_sentences(
        [rule, penalty], scored, limit=3, diverse_passages=1, kinds=(period, fine)
    )
    assert [s.text for s in sentences][-2:] == [_PENALTY, "帳簿を保存しなかったとき。"]
    alone, _ = select_sentences([rule, penalty], scored, limit=3, diverse_passages=1, kinds=(fine,))
    assert "帳簿を保存しなかったとき。" not in [s.text for s in alone]


def test_the_second_kind_is_stated_by_the_item_naming_the_provision_the_answer_quotes() -> None:
    """An ordinance's 「法第三十八条の帳簿…五年間保存」 answers the period; of two sentences
    stating a fine, the 過料 of another duty shares more of the question's words (基金) than
    the penalty item naming 第三十八条, yet that item is the one about these books. Without the
    ordinance naming 法第三十八条 (or without the graph saying which law it carries out), the
    higher-scoring fine is quoted as before."""
    import re

    law_chunk = Chunk(
        "law38",
        "act.md",
        "法",
        DocumentKind.LAW,
        "帳簿を備えなければならない。",
        "",
        9,
        article="第三十八条",
    )
    rule = Hit(
        Chunk(
            "rule",
            "rule.md",
            "命令",
            DocumentKind.ORDINANCE,
            "支援法人は、法第三十八条の帳簿を五年間保存しなければならない。",
            "",
            0,
            article="第十二条",
        ),
        1.0,
    )
    other = Hit(
        Chunk(
            "fund",
            "act.md",
            "法",
            DocumentKind.LAW,
            "基金を運用したときは、二十万円以下の過料に処する。",
            "",
            2,
            article="第九十九条",
        ),
        1.0,
    )
    penalty = Hit(
        Chunk(
            "p",
            "act.md",
            "法",
            DocumentKind.LAW,
            f"{_PENALTY}\n一 第三十八条の規定に違反して帳簿を保存しなかったとき。",
            "",
            1,
            article="第九十六条",
        ),
        1.0,
    )
    hits = [rule, other, penalty]
    scored = [
        ScoredSentence("支援法人は、法第三十八条の帳簿を五年間保存しなければならない。", 0, 0, 2.0),
        ScoredSentence("基金を運用したときは、二十万円以下の過料に処する。", 1, 0, 0.9),
        ScoredSentence("一 第三十八条の規定に違反して帳簿を保存しなかったとき。", 2, 1, 0.7),
    ]
    period, fine = re.compile(r"年間"), re.compile(r"罰金|過料")

    def texts(carried_out: object) -> list[str]:
        sentences, _ = select_sentences(
            hits,
            scored,
            limit=2,
            diverse_passages=1,
            kinds=(period, fine),
            carried_out=carried_out,  # type: ignore[arg-type]
        )
        return [s.text for s in sentences]

    linked = texts(lambda chunk: [law_chunk] if chunk.chunk_id == "rule" else [])
    assert linked[-2:] == [_PENALTY, "一 第三十八条の規定に違反して帳簿を保存しなかったとき。"]
    assert texts(None)[-1] == "基金を運用したときは、二十万円以下の過料に処する。"
    assert texts(lambda chunk: [])[-1] == "基金を運用したときは、二十万円以下の過料に処する。"


def test_a_detail_the_law_leaves_to_an_order_is_quoted_from_the_order() -> None:
    """The law's 「政令で定める要件に該当するもの」 outscores the order's sentence stating the
    requirement (it shares the question's words); the order's sentence for that article is
    quoted with it however low it scores, and an order sentence for another article is not."""
    law = _hit("特許庁長官は、政令で定める要件に該当する発明を送付する。", article="第六十六条")
    order_text = "２ 法第六十六条第一項の政令で定める要件は、防衛の用に供する発明であることとする。"
    order = Hit(
        Chunk(
            "o",
            "order.md",
            "令",
            DocumentKind.CABINET_ORDER,
            order_text,
            order_text,
            0,
            article="第十二条",
        ),
        1.0,
    )
    scored = [
        ScoredSentence(law.chunk.text, 0, 0, 2.0),
        ScoredSentence(order_text, 1, 0, 0.3),
    ]
    sentences, citations = select_sentences([law, order], scored, limit=3)
    assert [s.text for s in sentences] == [law.chunk.text, order_text]
    assert [c.chunk.chunk_id for c in citations] == ["c1", "o"]
    other = _hit("特許庁長官は、政令で定める要件に該当する発明を送付する。", article="第六十七条")
    alone, _ = select_sentences([other, order], scored, limit=3)
    assert [s.text for s in alone] == [other.chunk.text]


def test_commentary_on_top_is_quoted_with_the_provision_beside_it_when_there_is_room() -> None:
    """An article's description outscores the law's sentence; the law's best sentence among the
    top passages is quoted too, unless the commentary fills the answer."""
    text = "政府が工場を取得し、運営を民間に委託する制度です。"
    article = Hit(Chunk("a", "jihyo.txt", "記事", DocumentKind.ARTICLE, text, text, 0), 1.0)
    law = _hit("防衛大臣は、取得した施設の管理を委託することができる。", cid="l")
    scored = [ScoredSentence(text, 0, 0, 2.0), ScoredSentence(law.chunk.text, 1, 0, 0.7)]
    sentences, _ = select_sentences([article, law], scored, limit=3)
    assert [s.text for s in sentences] == [text, law.chunk.text]
    weak = [ScoredSentence(text, 0, 0, 2.0), ScoredSentence(law.chunk.text, 1, 0, 0.5)]
    assert [s.text for s in select_sentences([article, law], weak, limit=3)[0]] == [text]
    full, _ = select_sentences([article, law], scored, limit=1)
    assert [s.text for s in full] == [text]


def test_a_sentence_using_the_documents_term_for_a_question_word_covers_it() -> None:
    """「金額に納得できない」: the thesaurus gives 不服 for 納得, and the sentence stating what to
    do (「決定に不服がある者は、六月以内に訴え…」) shares no other word with the question."""
    from assistant.answer.quoting import candidate_sentences

    hit = _hit(
        "補償の額を決定し通知する。\n前項の決定に不服がある者は、六月以内に訴えを提起できる。"
    )
    words = ["金額", "納得"]
    tokenize = lambda text: [w for w in ("決定", "不服", "補償", "訴え") if w in text]  # noqa: E731
    plain = candidate_sentences([hit], words, tokenize, lambda _: 1.0)
    mapped = candidate_sentences(
        [hit], words, tokenize, lambda _: 1.0, equivalents={"納得": [("不服",)]}
    )
    assert plain[1].score == plain[0].score
    assert mapped[1].score > mapped[0].score


def test_a_translated_word_a_cue_already_reads_is_not_counted_again() -> None:
    """罰則 -> 罰金, 拘禁刑: when a penalty is asked, the cue rewards a sentence stating one;
    a word whose terms the asked cues recognize keeps no equivalents, others keep theirs."""
    import re

    from assistant.answer.extractive import _equivalents_not_cued
    from tests.fakes import query

    asked = replace(
        query("報告漏れの罰則と、金額に納得できない場合"),
        equivalents=(("罰則", (("罰金",), ("拘禁", "刑"))), ("納得", (("不服",),))),
    )
    penalty = re.compile(r"罰金|拘禁刑|過料")
    assert _equivalents_not_cued(asked, (penalty,)) == {"納得": (("不服",),)}
    assert set(_equivalents_not_cued(asked, ())) == {"罰則", "納得"}
