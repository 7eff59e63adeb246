"""The abstention's view of a question's compounds, on a small index without a model."""

from dataclasses import replace
from pathlib import Path

from assistant.answer.abstain import Abstention
from assistant.index.keyword import JapaneseTokenizer
from assistant.types import Evidence, Hit, Query
from tests.fakes import chunk, memory_snapshot, query

TOKENIZER = JapaneseTokenizer()


def test_a_compound_is_unknown_when_no_passage_uses_it_and_nothing_translates_it(
    tmp_path: Path,
) -> None:
    chunks = [
        chunk("a", "特定重要物資の安定供給を確保する。登記事項証明書を添付する。"),
        chunk("b", "特定社会基盤事業者は、設備の導入を届け出る。", position=1),
    ]
    _, snapshot = memory_snapshot(chunks, tmp_path)
    text = "登記識別情報と特定重要物資とインフラ設備と経産省所管"
    _tokens, _names, compounds, _countries = TOKENIZER.analyse_fully(text)
    asked = replace(
        query(text),
        compounds=tuple(compounds),
        # the thesaurus translates インフラ (to 特定社会基盤): the mapping decides its coverage
        equivalents=(("インフラ", (("特定", "社会", "基盤"),)),),
    )
    glossary = {"経産省所管"}.__contains__  # a term the glossary knows is not unknown
    abstention = Abstention(known=glossary)
    assert [c.text for c in abstention.unknown_compounds(asked, snapshot)] == ["登記識別情報"]


def test_a_weak_answer_names_the_compounds_no_passage_uses() -> None:
    abstention = Abstention()
    weak = Evidence(0.8, 0.1, 0.05, unknown=("登記識別情報",))
    assert abstention.weak_reason(query("登記識別情報の管理"), weak) == (
        "文書に「登記識別情報」への言及がありません"
    )
    english = query("How is a registry password kept?", language="en")
    assert "do not mention 登記識別情報" in (abstention.weak_reason(english, weak) or "")
    assert abstention.weak_reason(query("x"), Evidence(0.8, 0.1, 0.05)) is None
    two = Evidence(0.8, 0.1, 0.05, unknown=("今年度", "半導体向け助成金"))
    assert abstention.weak_reason(query("今年度の半導体向け助成金"), two) == (
        "文書に「今年度」「半導体向け助成金」への言及がありません"
    )


def test_a_country_the_passages_call_a_foreign_country_is_not_a_missing_name(
    tmp_path: Path,
) -> None:
    """外為法第六条: 「外国」とは、本邦以外の地域をいう. A country named as where a technology goes
    is one of the 外国 the laws speak of as a class, whatever the passages chosen (a question on
    the fine for a transfer to China is answered by a penalty that names no country); a question
    asked within that country's own rules is not."""
    law = chunk(
        "a", "特定技術を外国において提供する取引を行おうとする者は、許可を受けなければならない。"
    )
    _, snapshot = memory_snapshot([law], tmp_path)
    hits = [Hit(law, 1.0)]
    abstention = Abstention()

    def asked(text: str) -> Query:
        _tokens, names, _compounds, countries = TOKENIZER.analyse_fully(text)
        return replace(query(text), names=tuple(names), countries=tuple(countries))

    destination = asked("設計図を中国の取引先に渡すには許可が必要ですか？")
    assert destination.countries == ("中国",)
    assert abstention.reason(destination, hits, [law.text], snapshot.keyword) is None
    # the US system itself is another law, which no passage holds
    framed = asked("米国の秘密特許制度では許可が必要ですか？")
    assert abstention.reason(framed, hits, [law.text], snapshot.keyword) == (
        "文書に「米国」への言及がありません"
    )
    # a place that is not a country keeps its check
    city = asked("大阪の取引先に渡すには許可が必要ですか？")
    assert city.countries == ()
    assert abstention.reason(city, hits, [law.text], snapshot.keyword) is not None
    penalty = chunk("b", "七年以下の拘禁刑若しくは二千万円以下の罰金に処する。", position=1)
    fined = asked("中国の合弁先に技術を教えてしまいました。罰則はありますか？")
    assert abstention.reason(fined, [Hit(penalty, 1.0)], [penalty.text], snapshot.keyword) is None


def test_the_kind_of_answer_is_read_from_the_sentences_that_ask(tmp_path: Path) -> None:
    """「罰金とは別に…と聞きました。最長で何年間…」 asks for a length of time, not a penalty."""
    law = chunk("a", "経済産業大臣は、三年以内の期間を限り、技術の提供を禁止することができる。")
    _, snapshot = memory_snapshot([law], tmp_path)
    question = query(
        "無許可の会社には、罰金とは別に、大臣が提供を禁止できると聞きました。"
        "最長で何年間禁止されるのですか？"
    )
    abstention = Abstention()
    assert abstention.reason(question, [Hit(law, 1.0)], [law.text], snapshot.keyword) is None
    penalty = query("無許可で提供した会社の罰則は何ですか？")
    assert abstention.reason(penalty, [Hit(law, 1.0)], [law.text], snapshot.keyword) == (
        "該当する罰則の記載がありません"
    )


def test_a_forecast_of_the_askers_own_case_is_declined_with_its_reason(tmp_path: Path) -> None:
    """The laws say what may be designated, not whether one firm's invention will be."""
    law = chunk("a", "内閣総理大臣は、保全審査の結果、発明を保全対象発明として指定する。")
    _, snapshot = memory_snapshot([law], tmp_path)
    abstention = Abstention()
    forecast = query("当社の発明は保全指定されると思いますか？見通しを教えてください。")
    assert abstention.out_of_scope(forecast, snapshot) == (
        "文書は規定を定めるもので、個別の事案の見通しや意見は書かれていません"
    )
    english = query("Do you think our invention will be designated?", language="en")
    assert "no opinion or forecast" in (abstention.out_of_scope(english, snapshot) or "")
    rule = query("保全指定されるのはどのような発明ですか？")
    assert abstention.out_of_scope(rule, snapshot) is None


def test_an_english_question_without_a_document_term_is_declined_unless_it_follows_up(
    tmp_path: Path,
) -> None:
    """A question naming nothing the documents speak of is off their subject; a follow-up
    takes its subject from the turn before, so its own words need not name it."""
    law = chunk("a", "特定技術の提供には経済産業大臣の許可を受けなければならない。")
    _, snapshot = memory_snapshot([law], tmp_path)
    abstention = Abstention(translates=lambda text: "licence" in text.lower())
    weather = query("What will the weather be like in Tokyo tomorrow?", language="en")
    assert abstention.out_of_scope(weather, snapshot) == (
        "none of the question's words is a term the documents use"
    )
    follow_up = replace(query("And how long does that take?", language="en"), follow_up=True)
    assert abstention.out_of_scope(follow_up, snapshot) is None
    licence = query("How long is a licence valid?", language="en")
    assert abstention.out_of_scope(licence, snapshot) is None


def test_a_name_the_thesaurus_translates_is_mentioned_by_its_term(tmp_path: Path) -> None:
    """「USBメモリ」: the law says 記録媒体 (外為法第二十五条第三項). A passage using the term the
    thesaurus gives for the name mentions it; without the mapping, or with passages using neither,
    the name is still reported missing."""
    law = chunk("a", "特定技術を内容とする情報が記録された記録媒体の輸出には、許可を要する。")
    _, snapshot = memory_snapshot([law], tmp_path)
    text = "技術資料を入れたUSBメモリを海外へ持ち出すには許可が要りますか？"
    _tokens, names, _compounds, _countries = TOKENIZER.analyse_fully(text)
    plain = replace(query(text), names=tuple(names))
    mapped = replace(plain, equivalents=tuple((n, (("記録", "媒体"),)) for n in names))
    abstention = Abstention()
    hits = [Hit(law, 1.0)]
    assert abstention.reason(mapped, hits, [law.text], snapshot.keyword) is None
    assert "への言及がありません" in (
        abstention.reason(plain, hits, [law.text], snapshot.keyword) or ""
    )
    other = chunk("b", "技術の提供には、許可を要する。", position=1)
    assert "への言及がありません" in (
        abstention.reason(mapped, [Hit(other, 1.0)], [other.text], snapshot.keyword) or ""
    )
