"""Can the chosen sentences answer this kind of question at all?

Retrieval always returns *something*, and the nearest passage to "what is the subsidy rate for
batteries?" is a passage about battery subsidies that states no rate. Three checks catch the
commonest ways a grounded-looking answer would still be wrong:

* the expected answer type: a question asking for a percentage, an amount of money, a phone
  number, a calendar date, a place, a number of months or a punishment needs an answer that
  contains one, in a sentence about the question's subject (one sharing a content word with
  it); 「罰則はありますか」 answered with the duty alone says nothing of a penalty, and the
  documents cannot show that none exists, so the answer is declined with what was found;
* named things: a proper noun in the question (a company, a country, an agency) that none of the
  top passages mentions means the documents are about something else;
* article text: a question asking what 第N条 says needs a passage of 第N条.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from assistant.japanese import normalize, split_sentences
from assistant.query.understanding import OBLIGATION_ASKED
from assistant.types import Hit

_NUM = r"[0-9〇一二三四五六七八九十百千万億兆]"


@dataclass(frozen=True)
class AnswerType:
    """A kind of answer a question asks for, and how to recognize one in text."""

    label: str
    asked: re.Pattern[str]
    present: re.Pattern[str]


# A law's number: 「令和四年政令第三百九十四号」, 「平成三年法律第七十七号」. Its era year is not a
# date, nor its 三年 a duration: left in, every sentence citing another law would "state" one.
_LAW_NUMBER = re.compile(
    rf"(?:明治|大正|昭和|平成|令和){_NUM}+年[^。、，,()（）「」]{{0,30}}?"
    rf"(?:法律|政令|省令|府令|規則|告示|命令|条約)第{_NUM}+号"
)
_PERCENTAGE = re.compile(rf"{_NUM}+\s*(?:%|パーセント|割)|分の{_NUM}")
# The punishments a statute imposes: what 「罰則は」 is answered by, and one consequence of a breach.
_PUNISHMENT = r"拘禁刑|懲役|罰金|過料|科料"
# A sum of money in any currency (「二万五千円」「255億ドル」「€30」).
_AMOUNT = re.compile(rf"{_NUM}+\s*(?:円|ドル|ユーロ|ポンド|ウォン|元|フラン)|[$€£¥]\s*[0-9]")

# A sum asked for may be answered as a share of something (「報酬の相場は…年収の25〜35%」).
_AMOUNT_OR_SHARE = re.compile(f"{_AMOUNT.pattern}|{_PERCENTAGE.pattern}")

ANSWER_TYPES = (
    AnswerType(
        "percentage",
        re.compile(
            # A subsidy's rate, or any noun ending in 率 (自給率, 税率; not 効率) whose value is
            # asked (「…率はどれくらい」), but not 「何の比率ですか」, which asks what it relates.
            r"何\s*(?:パーセント|%|割)|補助率|助成率|負担率|割合|"
            r"(?:(?![効能])[一-龥])率(?:は|って|が)?[^。?]{0,12}?(?:どれ|どの|いくら|いくつ)|"
            r"\b(?:rate|percent|percentage)\b",
            re.I,
        ),
        _PERCENTAGE,
    ),
    AnswerType(
        "amount",
        re.compile(
            # 「資本金の額は」「限度額が」: a question about a 額 asks for one.
            # 「利用料金と申込み方法」 asks the fee; 「決まった金額に納得できない」 asks what to do
            # about a sum already known, so 金額 counts only as what is asked (額は, 額を …).
            r"いくら|何円|料金|参加費|手数料|額(?:は|を|が|って|について)|"
            # 「助成金は最大でどれくらい」「給与の水準はどの程度」: a sum asked in other words.
            r"(?:金|費|料|予算|価格|値段|給与|報酬|水準)(?:は|って|が)?[^。?？]{0,6}?"
            r"(?:どれくらい|どのくらい|どれほど|どの程度)|"
            r"how much|\bfee\b|\bcost\b|\bamount\b",
            re.I,
        ),
        _AMOUNT_OR_SHARE,
    ),
    AnswerType(
        "phone number",
        re.compile(r"電話番号|phone number|telephone", re.I),
        re.compile(r"\d{2,4}-\d{2,4}-\d{3,4}"),
    ),
    AnswerType(
        "date",
        re.compile(
            r"締切日|締め切り|締切り|申請期限|応募期限|何月何日|いつから|"
            # A call's closing (「助成金の公募、締切はいつ」) is a date; a report's 締切 a period.
            r"(?:公募|募集|応募|申込)[^。?？]{0,10}?(?:締切|締め切)|"
            r"いつ(?:始ま|開始|設立|開催|募集|公募|締め切)|開催日|設立日|"
            r"いつ(?:から)?(?:施行|公布|成立|発効)|施行日|"
            r"deadline|what date|when (?:will|does|did)\b.{0,60}\b(?:open|close|start|begin|held)",
            re.I,
        ),
        re.compile(
            rf"{_NUM}+月{_NUM}+日|{_NUM}+年{_NUM}+月|令和{_NUM}+年(?!度)|[0-9]{{4}}年(?!度)|"
            rf"{_NUM}+月(?:から|に|以降|より)"
        ),
    ),
    AnswerType(
        "quantity",
        re.compile(
            r"どれくらいの量|備蓄量|保有量|生産量|何トン|何社|何件|何人|何個|"
            r"how many (?!months|years|days|weeks)",
            re.I,
        ),
        re.compile(rf"{_NUM}+\s*(?:トン|社|件|人|者|個|基|台|kg)"),
    ),
    AnswerType(
        "location",
        re.compile(
            # 「根拠はどこにありますか」 asks which provision, not a place.
            r"(?<!根拠は)(?<!根拠が)(?<!規定は)(?<!定めは)(?<!条文は)どこに(?:あり|ある|あるの)|"
            r"所在地|住所|どこで(?:操業|生産)|\bwhere (?:is|are)\b|located|"
            r"\b(?:street |postal |mailing )?address\b",
            re.I,
        ),
        # A place itself: 「所在地を公示する」 says that one is published, not where it is.
        re.compile(r"東京都|北海道|大阪府|京都府|[一-龥]{1,3}(?:県|市|区|町|村)(?![一-龥])"),
    ),
    AnswerType(
        "penalty",
        # "fine" alone is "Is it fine to…": only "a fine", "fined", "fines" ask for one.
        re.compile(
            r"罰則|罰金|罰せ|処罰|刑事罰|懲役|拘禁刑|penalt|punish|\ba fine\b|\bfine[ds]\b", re.I
        ),
        re.compile(rf"{_PUNISHMENT}|に処する"),
    ),
    AnswerType(
        "duration",
        re.compile(
            # 「任期は何年ですか」 asks a length; 「何年に施行」「何年度」 a date.
            r"何\s*(?:か月|ヶ月|カ月|箇月|年間|日間|日以内)|何年(?![にのどかまも])|"
            r"how many (?:months|years|days)",
            re.I,
        ),
        re.compile(rf"{_NUM}+\s*(?:か月|ヶ月|カ月|箇月|月|年|日)"),
    ),
    AnswerType(
        # 「認定を受けた企業の名前」「どの会社が指定されていますか」: statutes name no firm; an
        # answer needs a sentence naming one by its legal form.
        "company",
        re.compile(
            r"(?:企業|会社|事業者|法人)(?:の)?(?:名前|名称|名)(?:は(?!変)|を(?:教え|知り|挙げ|確認))|"
            r"(?:どの|どこの)(?:企業|会社)|(?:企業|会社)(?:は|が)(?:どこ|どちら)|"
            r"\b(?:which|what) (?:compan|firm|business)|names? of the (?:compan|firm)",
            re.I,
        ),
        re.compile(
            r"株式会社|有限会社|合同会社|\b(?:Inc|Corp|Corporation|Ltd|Co)\b|"
            r"[ァ-ヶー・]{2,}(?:社|グループ)(?![会員長内外])|[ァ-ヶー・]{4,}|"
            r"[一-龥ァ-ヶー]{1,6}(?:商事|物産|工業|製作所|電機|重工|銀行)"
        ),
    ),
    AnswerType(
        # 「処分事例」「補償金の平均額」「報告の件数」: figures of practice that rules do not state;
        # answered only by a sentence giving that very kind of figure.
        "record",
        re.compile(
            r"平均|実績|事例|件数|統計|推移|前例|実例|statistics|\baverage\b|track record", re.I
        ),
        re.compile(rf"平均|実績|事例|件数|統計|推移|前例|実例|例えば|たとえば|{_NUM}+件(?!につき)"),
    ),
)
# What the answer to a question of each kind states, for choosing sentences (not for abstaining:
# these are broader than ANSWER_TYPES). "いつまでに" is answered by 遅滞なく or 三月以内,
# "罰則は" by 罰金, "いくら" by an amount in 円.
ANSWER_CUES = (
    AnswerType(
        "period",
        re.compile(
            r"いつ|期限|締切|締め切|目安|どのくらいの(?:期間|間)|どれくらい|"
            r"何\s*(?:か月|ヶ月|カ月|箇月|年|日)|\bwhen\b|how long|how soon|deadline|within",
            re.I,
        ),
        re.compile(
            rf"{_NUM}+\s*(?:か月|ヶ月|カ月|箇月|月|年|日|週間)|以内|遅滞なく|直ちに|速やかに|までに|から起算"
        ),
    ),
    AnswerType(
        "amount", re.compile(r"いくら|金額|手数料|費用の額|how much|\bfees?\b", re.I), _AMOUNT
    ),
    # 「支援法人はいくつ指定されますか」, "how many corporations": a count (全国を通じて一個に限り).
    AnswerType(
        "quantity",
        re.compile(r"いくつ|何社|何件|何人|何個|何か所|how many (?!months|years|days|weeks)", re.I),
        re.compile(rf"{_NUM}+\s*(?:トン|社|件|人|者|個|基|台|か所|箇所|kg)"),
    ),
    AnswerType(
        "penalty",
        re.compile(r"罰則|罰せ|処罰|罰金|penalt|punish", re.I),
        re.compile(_PUNISHMENT),
    ),
    AnswerType(
        "percentage",
        re.compile(r"何\s*(?:パーセント|%)|補助率|助成率|割合|\brate\b|percent", re.I),
        _PERCENTAGE,
    ),
    # 「許可が必要になりますか」「届け出る義務はありますか」, "do we need a licence": whether an act
    # is required, which a provision states in a deontic form: a duty (…なければならない,
    # ものとする, 要する, てはならない), a leave (ことができる: 「いずれか一の大臣に…提出する
    # ことにより行うことができる」 answers whether both must be given one) or the exception to a
    # duty (要しない, この限りでない, …以外の取引).
    AnswerType(
        "obligation",
        OBLIGATION_ASKED,
        re.compile(
            r"なければならない|てはならない|ものとする|を要する|要しない|ことができ|義務|この限りでない|以外の|を除く|免除"
        ),
    ),
    # 「従わなかったらどうなりますか」: what follows from a breach, in the forms a statute states
    # it (a punishment, or a measure: 取り消す, 命ずる, 勧告, 公表, 打ち切る, 効力を失う).
    AnswerType(
        "consequence",
        re.compile(r"どうなり|what happens|what if", re.I),
        re.compile(rf"{_PUNISHMENT}|取り消|取消し|命ずる|命じ|勧告|公表|却下|打ち切|効力を失|失効"),
    ),
)
# How any text, prose included, speaks of a sanction: a guideline or an article says 罰則,
# 処罰, 刑事罰, 制裁, 取り消される, 公表される where a statute says 罰金に処する. A passage using
# none of these is silent on what follows a breach, whatever its kind.
_SANCTION_WORDS = re.compile(
    r"罰|刑|制裁|ペナルティ|処分|取り消|取消|命令|命じ|勧告|公表|停止|失効|没収|"
    r"penalt|punish|sanction|\bfines?\b",
    re.I,
)
# A question about breaking a rule (「従わなかったら」「届け出ずに」, "ignores", "fails to").
_BREACH = re.compile(
    r"違反|従わ|しなかった|せずに|しないで|せず|怠|無視|無断|無許可|"
    r"ignor|violat|breach|fail(?:s|ed)? to|without",
    re.I,
)
_ARTICLE = re.compile(rf"第{_NUM}+条(?:の{_NUM}+)*")
_ASKS_ARTICLE_TEXT = re.compile(
    r"条文|何と書かれ|何と規定|規定の内容|wording|text of article", re.I
)


def without_law_numbers(text: str) -> str:
    """``text`` (normalized) without the law numbers it cites, which state no date or period."""
    return _LAW_NUMBER.sub("", text)


# Answer types judged on every chosen sentence rather than on those sharing a word with the
# question: a penalty article states the punishment in the sentence introducing its list
# (「次の各号のいずれかに該当する場合には、…罰金に処する。」) and names the breach only in the
# items, so the sentence stating it never shares the question's words.
ANYWHERE = frozenset({"penalty"})


# A sentence that asks: ends in a question mark or in か (「…ですか。」「…でしょうか」).
_ASKING = re.compile(r"(?:[?？]|か[。.]?)$")


def asking_part(question: str) -> str:
    """The sentences of a question that ask, without those that set the scene.

    「無許可で技術を提供した会社には、罰金とは別に、…禁止できると聞きました。最長で何年間禁止
    されるのですか？」 asks for a length of time; the fine is what the asker already knows. The
    kind of answer asked for is read from the asking sentences; a question none of whose
    sentences ends as a question (「罰則について教えてください。」) is read whole.
    """
    sentences = split_sentences(question)
    asking = [s for s in sentences if _ASKING.search(s.strip())]
    return "".join(asking) if asking and len(asking) < len(sentences) else question


def missing_answer_type(
    question: str,
    sentences: Sequence[str],
    anywhere: Sequence[str] | None = None,
    by_type: Mapping[str, Sequence[str]] | None = None,
) -> str | None:
    """The label of an answer type the question asks for but no sentence contains (for the
    types in ANYWHERE, no sentence of ``anywhere``, when given; for a type in ``by_type``, no
    sentence it lists: those naming the quantity asked, see ``about_quantity``)."""
    text = normalize(question)
    asked = [t for t in ANSWER_TYPES if t.asked.search(text)]
    if any(t.label == "amount" for t in asked):
        # 「罰金はいくらですか」 asks for the sum, which the amount check reads; prose gives it
        # without the statute's words (「2億円の支払いを命じた」).
        asked = [t for t in asked if t.label != "penalty"]
    if not asked:
        return None
    answer = without_law_numbers(normalize("".join(sentences)))
    whole = answer if anywhere is None else without_law_numbers(normalize("".join(anywhere)))
    named = by_type or {}
    for answer_type in asked:
        stated = whole if answer_type.label in ANYWHERE else answer
        if answer_type.label in named:
            stated = without_law_numbers(normalize("".join(named[answer_type.label])))
        if not answer_type.present.search(stated):
            return answer_type.label
    return None


# The quantity a figure question names: a kanji noun ending in 率 (a rate: 補助率, 自給率) or in
# 額, 金, 料 or 費 (an amount: 助成金, 手数料, 補償金); "rate", "fee" or "amount" after an English
# noun ("subsidy rate").
_RATE = re.compile(r"[一-龥]+率")
_SUM = re.compile(r"[一-龥]+(?:額|金|料|費)")
_RATE_EN = re.compile(r"\b([a-z]+)\s+(?:rates?|ratios?)\b", re.I)
_SUM_EN = re.compile(r"\b([a-z]+)\s+(?:fees?|amounts?)\b", re.I)
# Words that name a figure in general, not what it measures (the sum, the rate, the fee).
_GENERAL_QUANTITIES = frozenset(
    ["金額", "総額", "料金", "比率", "効率", "能率", "確率", "税金", "お金", "代金"]
)


def asked_quantities(question: str) -> tuple[list[str], list[str]]:
    """What a figure question measures, in the words it names it by: the rates and the sums
    (「助成金の補助率は」 -> rates 補助率, sums 助成金; "the subsidy rate" -> rates subsidy)."""
    text = normalize(question)

    def named(pattern: re.Pattern[str], english: re.Pattern[str]) -> list[str]:
        words = [m.group() for m in pattern.finditer(text) if m.group() not in _GENERAL_QUANTITIES]
        words += [m.group(1).lower() for m in english.finditer(text)]
        return list(dict.fromkeys(w for w in words if len(w) >= 2))

    return named(_RATE, _RATE_EN), named(_SUM, _SUM_EN)


def _as_rate(word: str) -> str:
    """A stem's rate word (助成 -> 助成率); a rate word as it is."""
    return word if word.endswith("率") else f"{word}率"


def about_quantity(
    question: str,
    sentences: Sequence[str],
    forms: Callable[[str], Sequence[str]],
) -> dict[str, list[str]]:
    """For a rate or amount the question asks for and names, the sentences naming it (by
    answer type label); a type asked without naming what it measures is not in the result.

    A figure answers only as a figure of the thing asked: 「十パーセント未満の増減」 of a plan's
    funds, in the ordinance's list of minor changes, is no subsidy rate, though the sentence
    speaks of the plan and of 助成金. A rate is named by its whole word (補助率) or the same
    word built on another form of its stem (the thesaurus's 補助 -> 助成: 助成率); a sum by its
    stem (手数料 -> 手数, 補償金 -> 補償) or another form of it. ``forms`` gives a word's other
    forms (an English word's Japanese ones from the glossary); an English word the glossary
    does not know names nothing a Japanese sentence can be seen to use.
    """
    text = normalize(question)
    asked = {t.label for t in ANSWER_TYPES if t.asked.search(text)}
    rates, sums = asked_quantities(question)
    wanted: dict[str, list[str]] = {}
    if "percentage" in asked:
        for rate in rates:
            if rate.isascii():
                # "subsidy rate": the glossary's 助成金, 補助金 -> 助成率, 補助率
                found = [_as_rate(f.removesuffix("金")) for f in forms(rate) if f]
            else:
                found = [rate, *(_as_rate(f) for f in forms(rate[:-1]) if f)]
            wanted.setdefault("percentage", []).extend(found)
    if "amount" in asked:
        for word in sums:
            if word.isascii():
                found = [f for f in forms(word) if f]
            else:
                found = [word[:-1], *(f for f in forms(word[:-1]) if f)]
            wanted.setdefault("amount", []).extend(found)
    texts = [normalize(s) for s in sentences]
    return {
        label: [s for s, t in zip(sentences, texts, strict=True) if any(w in t for w in targets)]
        for label, words in wanted.items()
        if (targets := [normalize(w) for w in words])
    }


def on_subject(
    sentences: Sequence[str], subject: Sequence[str], tokenize: Callable[[str], list[str]]
) -> list[str]:
    """The sentences that contain a word of the question's subject (its content words).

    A figure answers a question only when it is about what was asked: 「百分の五十以上」 in a
    provision on foreign investors' voting rights states no corporate tax rate. An English
    question whose words the glossary cannot put into Japanese has no subject a Japanese
    sentence can be seen to share, so no figure chosen by meaning alone counts as its answer.
    """
    words = set(subject)
    return [sentence for sentence in sentences if words.intersection(tokenize(sentence))]


def _asked_cues(question: str) -> list[AnswerType]:
    """The ANSWER_CUES whose kind the question asks for."""
    text = normalize(question)
    return [cue for cue in ANSWER_CUES if cue.asked.search(text)]


def answer_cues(question: str) -> tuple[re.Pattern[str], ...]:
    """Patterns for what a sentence answering this question would state (see ANSWER_CUES)."""
    return tuple(cue.present for cue in _asked_cues(question))


def sanction_asked(question: str) -> bool:
    """Whether the question asks what follows a breach: a penalty, or 「どうなりますか」 of not
    complying. Prose using no word of a sanction cannot answer it (see ``_SANCTION_WORDS``);
    「算定方法はどうなりますか」 breaks nothing and asks no such thing."""
    cues = {cue.label for cue in _asked_cues(question)}
    return "penalty" in cues or (
        "consequence" in cues and bool(_BREACH.search(normalize(question)))
    )


def names_a_sanction(text: str) -> bool:
    """Whether a passage speaks of any sanction, in a statute's words or in prose."""
    return bool(_SANCTION_WORDS.search(text))


def missing_names(proper_nouns: Sequence[str], hit_tokens: Sequence[set[str]]) -> list[str]:
    """Proper nouns of the question that no top passage contains."""
    seen = set().union(*hit_tokens) if hit_tokens else set()
    return [noun for noun in proper_nouns if noun not in seen]


def missing_article(search_text: str, hits: Sequence[Hit]) -> str | None:
    """The article whose text is asked for when no top passage is that article.

    ``search_text`` has its article numbers in kanji already (``Query.search_text``).
    """
    text = search_text
    if not _ASKS_ARTICLE_TEXT.search(text):
        return None
    for article in _ARTICLE.findall(text):
        if not any(h.chunk.article == article for h in hits):
            return article
    return None
