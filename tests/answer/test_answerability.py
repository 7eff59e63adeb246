from assistant.answer.answerability import (
    about_quantity,
    answer_cues,
    asked_quantities,
    missing_answer_type,
    missing_article,
    missing_names,
)
from assistant.types import Chunk, DocumentKind, Hit


def test_answer_type_must_be_present() -> None:
    assert missing_answer_type("補助率は何パーセントですか？", ["補助する。"]) == "percentage"
    assert missing_answer_type("補助率は何パーセントですか？", ["三分の二以内とする。"]) is None
    assert missing_answer_type("手数料はいくらですか？", ["額は、二万五千円とする。"]) is None
    assert missing_answer_type("申請の締切日はいつですか？", ["申請できる。"]) == "date"
    assert missing_answer_type("What is the fee?", ["手数料を納付する。"]) == "amount"
    assert missing_answer_type("工場はどこにありますか？", ["政府が取得する。"]) == "location"
    # where the legal basis is: which provision, not a place
    basis = "報告を求められる根拠はどこにありますか？"
    assert missing_answer_type(basis, ["主務大臣は、報告を求めることができる。"]) is None
    assert missing_answer_type("何を提出しますか？", ["報告書を提出する。"]) is None


def test_a_penalty_question_needs_a_sentence_stating_a_punishment() -> None:
    duty = ["特定社会基盤事業者は、導入等計画書を届け出なければならない。"]
    assert missing_answer_type("届け出なかったら罰則はありますか？", duty) == "penalty"
    assert missing_answer_type("Is there a fine for not notifying?", duty) == "penalty"
    assert missing_answer_type("Is it fine to notify by e-mail?", duty) is None
    fine = ["届出をしなかった者は、三十万円以下の罰金に処する。"]
    assert missing_answer_type("届け出なかったら罰則はありますか？", fine) is None
    assert missing_answer_type("届け出なかったらどうなりますか？", duty) is None  # any consequence
    # The punishment is stated in the sentence introducing the penalty article's list, which
    # shares no word with the question; the item naming the breach does.
    item = ["二 第五十二条第三項の規定に違反して特定重要設備の導入を行ったとき。"]
    introducer = ["次の各号のいずれかに該当する場合には、当該違反行為をした者は、罰金に処する。"]
    asked = "審査期間中に特定重要設備を導入したら罰則は？"
    assert missing_answer_type(asked, item, item + introducer) is None
    assert missing_answer_type(asked, item, item) == "penalty"
    # The sum of a fine is the amount check's: prose states it without the statute's words.
    assert missing_answer_type("罰金はいくらですか？", ["2億円の支払いを命じた。"]) is None


def test_a_value_asked_of_any_rate_or_sum_and_a_law_s_start_are_answer_types() -> None:
    silent = ["主務大臣は、必要な措置を講ずる。"]
    assert missing_answer_type("半導体の国内自給率はどれくらいですか？", silent) == "percentage"
    assert missing_answer_type("交易条件とは何の比率ですか？", silent) is None  # what, not how much
    assert missing_answer_type("効率はどのくらい上がりますか？", silent) is None
    assert missing_answer_type("資本金の額は決まっていますか？", silent) == "amount"
    assert missing_answer_type("2002年の輸出額は？", ["輸出は255億ドルに達した。"]) is None
    assert missing_answer_type("推進法はいつ施行されましたか？", silent) == "date"
    staged = ["公布の日から起算して九月を超えない範囲内において政令で定める日から施行する。"]
    assert missing_answer_type("推進法はいつ施行されましたか？", staged) == "date"


def test_a_sum_a_term_a_firm_or_a_record_asked_in_other_words_must_be_stated() -> None:
    silent = ["主務大臣は、必要な措置を講ずる。"]
    assert missing_answer_type("助成金は最大でどれくらい出ますか？", silent) == "amount"
    assert missing_answer_type("職員の給与水準はどの程度ですか？", silent) == "amount"
    assert missing_answer_type("期間はどれくらいですか？", silent) is None  # not a sum
    assert missing_answer_type("役員の任期は何年ですか？", silent) == "duration"
    assert missing_answer_type("役員の任期は何年ですか？", ["任期は、二年とする。"]) is None
    assert missing_answer_type("何年に施行されましたか？", silent) is None  # a year, not a length
    assert missing_answer_type("認定を受けた企業の名前を教えて", silent) == "company"
    assert missing_answer_type("Which companies were certified?", silent) == "company"
    assert missing_answer_type("どこの会社が建設したか", ["フィリップス社が建設した。"]) is None
    assert missing_answer_type("社名を変えるときの届出は？", silent) is None  # a change, not a name
    assert missing_answer_type("事業者の名称を変更したら届出は要りますか？", silent) is None
    # A figure of practice (cases, averages, counts) is not stated by a rule.
    fee = ["手数料として、一件につき二万五千円を納付しなければならない。"]
    assert missing_answer_type("補償金の平均額はいくらですか？", fee) == "record"
    assert missing_answer_type("処分事例を教えてください", silent) == "record"
    assert missing_answer_type("処分事例を教えてください", ["昨年は十二件の処分があった。"]) is None


def test_a_law_number_is_neither_a_date_nor_a_duration() -> None:
    cited = ["施行令（令和四年政令第三百九十四号）第一条に掲げる物資に係るものに限る。"]
    assert missing_answer_type("申請の締切日はいつですか？", cited) == "date"
    law = ["暴力団員による不当な行為の防止等に関する法律（平成三年法律第七十七号）"]
    assert missing_answer_type("猶予は何年間ですか？", law) == "duration"
    assert missing_answer_type("申請の締切日はいつですか？", ["令和四年五月十八日に公布"]) is None


def test_names_absent_from_passages() -> None:
    assert missing_names(["トヨタ"], [{"認定", "計画"}]) == ["トヨタ"]
    assert missing_names(["goco"], [{"goco"}]) == []


def test_article_text_needs_that_article() -> None:
    chunk = Chunk("c", "law.md", "法", DocumentKind.LAW, "本文", "本文", 0, article="第八条")
    hits = [Hit(chunk, 1.0)]
    # The query builder has written the numbers in kanji already (Query.search_text).
    assert missing_article("第七条の条文には何と書かれていますか？", hits) == "第七条"
    assert missing_article("第八条の条文は？", hits) is None
    assert missing_article("第七条に基づく罰則は？", hits) is None


def test_answer_cues_name_what_an_answer_of_the_asked_kind_states() -> None:
    def stated(question: str, sentence: str) -> bool:
        return any(cue.search(sentence) for cue in answer_cues(question))

    assert stated("報告の締切はいつですか？", "事業年度終了後三月以内に報告する。")
    assert stated("いつまでに届け出ますか？", "遅滞なく届け出なければならない。")
    assert stated("When must the report be filed?", "遅滞なく届け出なければならない。")
    assert stated("虚偽の報告をしたら罰則は？", "五十万円以下の罰金に処する。")
    assert stated("手数料はいくらですか？", "額は、二万五千円とする。")
    assert not stated("手数料はいくらですか？", "手数料を納付しなければならない。")
    assert answer_cues("支援法人にはどんな法人がなれますか？") == ()
    assert stated("速やかに、とはいつまでですか？", "速やかに申請しなければならない。")
    # A consequence: a punishment or a measure the statute attaches to the breach.
    assert stated("命令に従わなかったらどうなりますか？", "その指定を取り消すことができる。")
    assert stated("What happens if it refuses?", "三十万円以下の罰金に処する。")
    assert not stated("報告を怠るとどうなりますか？", "報告をしなければならない。")
    # A count: 「全国を通じて一個に限り」 answers "how many".
    assert stated("How many corporations can be designated?", "全国を通じて一個に限り指定する。")
    assert stated("支援法人はいくつ指定されますか？", "全国を通じて一個に限り指定する。")
    assert not stated("How many corporations can be designated?", "法人を指定することができる。")
    # Whether something is required: a duty, a leave or an exception to a duty answers it.
    assert stated("国の許可が必要になりますか？", "経済産業大臣の許可を受けなければならない。")
    assert stated("Do we need a licence?", "許可を受けることを要しない。")
    assert stated(
        "両方の大臣に別々に出す必要がありますか？",
        "いずれか一の大臣に提出することにより行うことができる。",
    )
    assert not stated("国の許可が必要になりますか？", "ロ 修理技術であって、その内容が当該貨物の")
    # a question on what is required asks for its content, not for a yes or no
    assert not stated(
        "業務規程には何を定める必要がありますか？", "業務規程を定めなければならない。"
    )
    assert not stated("What do we need to submit?", "申請書を提出しなければならない。")


def test_a_figure_answers_only_in_a_sentence_about_the_questions_subject() -> None:
    from assistant.answer.answerability import on_subject

    tokenize = lambda text: [w for w in ("議決権", "補助", "率") if w in text]  # noqa: E731
    voting = "議決権の数の総議決権に占める割合が百分の五十以上に相当するもの"
    subsidy = "補助の率は、三分の二以内とする。"
    assert on_subject([voting, subsidy], ["補助", "率"], tokenize) == [subsidy]
    stated = on_subject([voting], ["補助", "率"], tokenize)
    assert missing_answer_type("補助率は何パーセントですか？", stated) == "percentage"
    # An English question none of whose words the glossary puts into Japanese has no subject a
    # passage can share: its "rate" is stated nowhere, whatever figure the passages hold.
    assert on_subject([voting], [], tokenize) == []
    assert (
        missing_answer_type("What is the corporate income tax rate in Japan?", []) == "percentage"
    )


MINOR_CHANGE = (
    "当該資金の額について十パーセント未満の増減を伴うもの（安定供給確保支援法人の助成金に係るもの）"
)


def test_the_quantity_a_figure_question_measures_is_read_from_its_words() -> None:
    assert asked_quantities("助成金の補助率はどれくらいですか") == (["補助率"], ["助成金"])
    assert asked_quantities("What is the subsidy rate?") == (["subsidy"], [])
    assert asked_quantities("手数料の金額は？") == ([], ["手数料"])  # 金額 names no quantity


def test_a_rate_is_stated_only_where_the_rate_itself_is_named() -> None:
    def no_forms(_word: str) -> list[str]:
        return []

    # the plan's funds may change by under ten percent: that is no subsidy rate
    question = "助成金の補助率は何パーセントですか？"
    named = about_quantity(question, [MINOR_CHANGE], no_forms)
    assert named == {"percentage": []}
    assert missing_answer_type(question, [MINOR_CHANGE], by_type=named) == "percentage"
    assert missing_answer_type(question, [MINOR_CHANGE]) is None  # what the check was before
    # a sentence naming the rate, or the rate built on the thesaurus's other form, states it
    stated = "助成率は、対象経費の二分の一以内とする。"
    forms = {"補助": ["助成"]}
    named = about_quantity(question, [MINOR_CHANGE, stated], lambda w: forms.get(w, []))
    assert named == {"percentage": [stated]}
    assert missing_answer_type(question, [MINOR_CHANGE, stated], by_type=named) is None
    # an English rate is looked for by the glossary's Japanese words for its noun
    glossary = {"subsidy": ["助成金", "補助金"]}
    english = about_quantity("What is the subsidy rate?", [MINOR_CHANGE, stated], glossary.get)
    assert english == {"percentage": [stated]}
    # a word the glossary lacks ("the rate") and a figure asked without its noun check nothing
    assert about_quantity("What is the rate?", [MINOR_CHANGE], lambda _w: []) == {}
    assert about_quantity("何パーセントですか？", [MINOR_CHANGE], no_forms) == {}


def test_a_sum_is_stated_where_its_noun_is_named() -> None:
    question = "補償金の額はいくらですか？"
    sentences = ["手数料は、二万円とする。", "補償金の額は、損失の額とし、五十万円を限度とする。"]
    named = about_quantity(question, sentences, lambda _w: [])
    assert named == {"amount": [sentences[1]]}
    assert missing_answer_type(question, sentences, by_type=named) is None
    only_fee = about_quantity(question, sentences[:1], lambda _w: [])
    assert missing_answer_type(question, sentences[:1], by_type=only_fee) == "amount"
