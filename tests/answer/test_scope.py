"""Out-of-scope names, own-case and advice questions, on a small index without a model."""

from pathlib import Path

from assistant.answer.answerability import missing_answer_type
from assistant.answer.scope import (
    asks_about_own_case,
    asks_for_advice,
    asks_for_opinion,
    country_terms,
    framing_laws,
    named_things,
    out_of_scope_names,
    unindexed_frames,
    without_document_terms,
)
from assistant.index.keyword import JapaneseTokenizer
from tests.fakes import chunk, memory_snapshot


def test_laws_bodies_and_acronyms_are_recognized_by_their_form() -> None:
    assert named_things("独占禁止法上のセーフハーバーの基準は？") == ["独占禁止法"]
    assert named_things("弊社（東都マテリアル株式会社）は認定されていますか") == [
        "東都マテリアル株式会社"
    ]
    assert named_things("Under the US EAR, what is the de minimis rule?") == ["US", "EAR"]
    # a country's abbreviation is a place of business (one of the laws' 外国) unless the
    # question is asked within that country's rules or about its money
    assert named_things("We are the Tokyo branch of a US company. Are we a resident?") == []
    assert named_things("Under UK law, is it allowed?") == ["UK"]
    assert named_things("What is the rate of the US dollar?") == ["US"]
    # In a Japanese question a word in Latin letters is a name; in an English one it is text.
    assert named_things("申請書はExcelで提出できますか？") == ["Excel"]
    assert named_things("e-Govから申請できますか？") == ["e-Gov"]
    assert named_things("Can I file the form as an Excel sheet?") == []
    # an English law's name: capitalized words before Act, Regulation …; "the Act on …" is not
    assert named_things("What is the overtime cap under the Labor Standards Act?") == [
        "Labor Standards Act"
    ]
    assert named_things("Under the Foreign Exchange and Foreign Trade Act, do we need it?") == [
        "Foreign Exchange and Foreign Trade Act"
    ]
    assert named_things("Under the Act on strengthening the defense production base?") == []
    assert named_things("推進法は憲法違反ではないのですか？") == ["推進法", "憲法"]
    # ordinary words that end in 法 or hold 法 are not names
    assert (
        named_things("技術を提供する方法は？施設委託管理者は法人ですか？法令の定めは？違法ですか")
        == []
    )


def test_a_name_counts_when_the_index_mentions_it_or_the_catalog_knows_it(tmp_path: Path) -> None:
    chunks = [
        chunk("a", "この法律は、特許法第三十六条の規定による。", source="act.md"),
        chunk("b", "GOCO is mentioned in English here.", source="article.txt", position=1),
    ]
    _, snapshot = memory_snapshot(chunks, tmp_path)
    known = {"外為法"}.__contains__
    question = "特許法と外為法と独占禁止法の関係、GOCOとEARは？"
    assert out_of_scope_names(question, snapshot, known) == ["独占禁止法", "EAR"]
    # a word keyword search drops (the) or splits (e-Gov) is found in the text itself
    titled = [chunk("c", "The Beatlesはe-Govで申請した。", source="c.txt", position=2)]
    _, snapshot = memory_snapshot(titled, tmp_path / "titled")
    asked = "The Beatlesはe-GovとExcelで何を申請したか"
    tokenize = JapaneseTokenizer().tokenize
    assert out_of_scope_names(asked, snapshot, known, tokenize) == ["Excel"]


def test_an_english_question_without_a_term_of_the_documents_is_off_their_subject(
    tmp_path: Path,
) -> None:
    chunks = [
        chunk("a", "特定技術の提供には経済産業大臣の許可を受けなければならない。", source="act.md"),
        chunk(
            "b", "いわゆるGOCOやNanoTerasuの仕組みを紹介する。", source="article.txt", position=1
        ),
    ]
    _, snapshot = memory_snapshot(chunks, tmp_path)
    glossary = ("licence", "report", "subsidy")

    def translates(text: str) -> bool:
        return any(term in text.lower() for term in glossary)

    assert without_document_terms(
        "What will the weather be like in Tokyo tomorrow?", snapshot, translates
    )
    assert without_document_terms(
        "What is Mitsubishi Heavy Industries' share price?", snapshot, translates
    )
    # a glossary term, or a Latin word a passage itself uses, keeps the question in scope
    assert not without_document_terms(
        "Do we need a licence to train staff abroad?", snapshot, translates
    )
    assert not without_document_terms("When did GOCO start in Japan?", snapshot, translates)
    assert not without_document_terms(
        "What does the article say about NanoTerasu?", snapshot, translates
    )
    # a Japanese question is judged by its names, not by this rule
    assert not without_document_terms("明日の東京の天気は？", snapshot, translates)


def test_the_law_a_question_is_asked_within_is_recognized_by_the_particle_after_it() -> None:
    assert framing_laws("特許法では、出願公開は出願日から何か月後ですか？") == ["特許法"]
    assert framing_laws("独占禁止法上のセーフハーバーの基準は？") == ["独占禁止法"]
    assert framing_laws("外為法に基づく報告と推進法の届出の違いは？") == ["外為法"]
    assert framing_laws("推進法と特許法の関係を教えてください。") == []  # named, not the frame


def test_a_law_asked_within_must_be_an_indexed_document_not_only_cited(tmp_path: Path) -> None:
    """推進法 cites 特許法, so the index mentions it, but 特許法's own provisions are not there;
    a user's upload titled after a law makes that law indexed."""
    chunks = [
        chunk("a", "特許法第六十四条の規定による出願公開をしない。", source="推進法.md"),
        chunk("b", "営業秘密の三要件を解説する。", source="不正競争防止法の概要.md", position=1),
        chunk("c", "イングランド法では、各国の王冠は独立している。", source="wiki.md", position=2),
    ]
    _, snapshot = memory_snapshot(chunks, tmp_path)
    catalogued = {"推進法", "外為法"}.__contains__
    assert unindexed_frames("特許法では出願公開はいつですか？", snapshot, catalogued) == ["特許法"]
    assert unindexed_frames("不正競争防止法で営業秘密とは？", snapshot, catalogued) == []
    assert unindexed_frames("外為法では何を報告しますか？", snapshot, catalogued) == []
    # spoken of in prose, not only cited: a passage may answer
    assert unindexed_frames("イングランド法では王冠はどうなる？", snapshot, catalogued) == []


def test_a_citation_is_told_from_prose_by_the_whole_name_and_what_follows(tmp_path: Path) -> None:
    """「会社法」 inside 「中小企業投資育成株式会社法の適用」 is another law; 「会社法の施行の日から
    施行する」 dates a provision; 「輸出貿易管理令別表第一」 cites a table: none discusses the law,
    so a question asked within it (会社法上, 輸出貿易管理令の別表) is out of scope."""
    chunks = [
        chunk("a", "中小企業投資育成株式会社法の適用については、次のとおりとする。", source="a.md"),
        chunk("b", "この法律は、会社法の施行の日から施行する。", source="b.md", position=1),
        chunk("c", "輸出貿易管理令別表第一の一の項の中欄に掲げる貨物", source="c.md", position=2),
    ]
    _, snapshot = memory_snapshot(chunks, tmp_path)
    catalogued = {"外為令"}.__contains__
    asked = "会社法上、取締役会の決議が必要ですか？"
    assert unindexed_frames(asked, snapshot, catalogued) == ["会社法"]
    table = "輸出貿易管理令の別表第一の一五の項の品目は？"
    assert unindexed_frames(table, snapshot, catalogued) == ["輸出貿易管理令"]
    # an indexed order asked within stays in scope; the kinds of rule are not names
    assert unindexed_frames("外為令の別表の何の項ですか", snapshot, catalogued) == []
    assert named_things("主務省令で定める事項と政令の定めは？令和七年の命令は？") == []


def test_asking_whether_ones_own_case_falls_under_a_rule_is_recognized() -> None:
    assert asks_about_own_case("弊社が開発中の通信モジュールは、特定重要設備に当たりますか？")
    assert asks_about_own_case("Would moving our lab abroad be treated as a violation?")
    assert asks_about_own_case("Is our particular product one of the listed equipment items?")
    assert not asks_about_own_case("Are our exports subject to a licence?")
    assert not asks_about_own_case("簡易水道事業も特定社会基盤事業の対象になりますか？")
    assert not asks_about_own_case("弊社は届出が必要ですか？")
    # one sentence introduces the asker, the next asks what a rule covers
    assert not asks_about_own_case(
        "弊社はトラック運送会社です。特定社会基盤事業の対象になり得る業種に入っていますか？"
    )
    # whether an act is punished is what a penalty provision states
    assert not asks_about_own_case("当社の社員が退職後に秘密を漏らしても、罰則の対象になりますか？")
    assert asks_about_own_case("弊社の製品は規制の対象になりますか？")
    # a long description of the asker's product, then the classification asked
    assert asks_about_own_case(
        "当社がタイの子会社に渡そうとしている、リチウムイオン電池の電極スラリーの配合ノウハウは、"
        "外為令の別表の何の項の技術に当たりますか？"
    )
    # asking the assistant to confirm the asker's own conclusion about the case
    assert asks_about_own_case("うちのケースは許可不要と判断して大丈夫ですよね？")
    assert asks_about_own_case("当社の取引は届出なしで問題ないですよね？")
    assert asks_about_own_case("当社の取引は届出なしで大丈夫ですよね？")
    # confirming how a rule reads is not a case
    assert not asks_about_own_case("報告は遅滞なくという理解でよろしいでしょうか？")


def test_a_country_is_the_laws_foreign_country_unless_its_own_rules_are_asked_about() -> None:
    assert country_terms("中国", "設計図を中国の取引先に渡したい") == ("外国", "海外", "国外")
    assert country_terms("米国", "日本で出願せずに米国に特許出願したら") == ("外国", "海外", "国外")
    assert country_terms("日本", "日本の外為法は適用されますか")[0] == "本邦"
    assert country_terms("米国", "米国の秘密特許制度では期間は何年ですか") == ()
    assert country_terms("ドイツ", "ドイツの輸出管理当局の許可は") == ()
    assert country_terms("韓国", "韓国では何が必要ですか") == ()


def test_asking_what_to_buy_or_invest_in_is_recognized_not_questions_on_shares() -> None:
    for advice in (
        "今買うべき株はどれですか",
        "おすすめの銘柄を教えてください",
        "Should we invest in drone makers now?",
        "Which defence stocks are good to buy?",
        "今のうちに買っておくべき半導体製造装置メーカーの株を3つ挙げてください",
        "Can you recommend a few hotels close to the venue?",
        "弊社は今後どの分野に投資を振り向けるべきか、おすすめを教えてください",
        "霞が関の近くでお勧めのランチのお店はありますか？",
    ):
        assert asks_for_advice(advice), advice
    for rule in (
        "外国投資家が上場会社の株式を取得するときの届出は？",
        "政府はどの分野に投資すべきと考えていますか",  # the policy stated, not advice
        "Which shares must a foreign investor report?",
        "助成金で購入した設備は売却できますか",
    ):
        assert not asks_for_advice(rule), rule


def test_a_forecast_of_the_askers_own_case_is_recognized_not_a_rule_asked_politely() -> None:
    for forecast in (
        "当社の発明は保全指定されると思いますか？見通しを教えてください。",
        "弊社の計画は認定されると思われますか",
        "Do you think our plan will be approved?",
        "How likely is it that my invention is designated?",
    ):
        assert asks_for_opinion(forecast), forecast
    for rule in (
        "報告が必要と思いますか？",  # no case of the asker's: whether the rule requires it
        "政府の見通しはどうですか",  # a stated expectation, if a text states one
        "当社は届出が必要だと思いますが、期限はいつですか？",  # the asker's view, then a rule
        "What do the guidelines think about cloud software?",
    ):
        assert not asks_for_opinion(rule), rule


def test_a_start_date_or_a_quantity_asked_must_be_stated() -> None:
    assert missing_answer_type("次の公募はいつから始まりますか？", ["公募を行う。"]) == "date"
    assert missing_answer_type("いつから使えますか？", ["2023年10月から使える。"]) is None
    assert missing_answer_type("国内の備蓄量はどれくらいですか？", ["備蓄する。"]) == "quantity"
    assert missing_answer_type("How many corporations can there be?", ["一個に限る。"]) is None
    assert missing_answer_type("報告はいつまでに出しますか", ["遅滞なく提出する。"]) is None


def test_a_fiscal_year_or_a_third_partys_own_product_is_not_what_was_asked() -> None:
    assert (
        missing_answer_type("次の公募はいつから始まりますか？", ["令和6年度補正予算で支援した。"])
        == "date"
    )
    assert not asks_about_own_case("メーカーから、自社製品が対象になるのかという照会がありました。")


def test_a_fee_a_calls_closing_date_or_an_address_asked_must_be_stated() -> None:
    """「利用料金と申込み方法」 asks a sum, a call's 締切 a date, "street address" a place; a
    report's 締切 is a period, and 「決まった金額に納得できない」 asks what to do, not a sum."""
    rule = ["施設を利用させることができる。"]
    assert missing_answer_type("民間企業の利用料金と申込みの方法を教えて", rule) == "amount"
    assert missing_answer_type("助成金の公募、締切はいつでしたっけ？", rule) == "date"
    assert missing_answer_type("年次報告の締切はいつですか？", ["三月以内に提出する。"]) is None
    assert missing_answer_type("What is its name and street address?", rule) == "location"
    published = ["法人の名称、住所及び事務所の所在地を公示するものとする。"]
    assert missing_answer_type("What is its street address?", published) == "location"
    assert missing_answer_type("決まった金額に納得できない場合はどうすればいいですか", rule) is None
    # "operate" and "separate" hold "rate"; only the word asks for a percentage
    assert missing_answer_type("May the contractor operate the plant for civilians?", rule) is None
    assert missing_answer_type("What is the subsidy rate?", rule) == "percentage"
