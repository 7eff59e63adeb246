"""Is the question about something the documents cover at all?

A question naming a law, an organisation or an acronym that no indexed document mentions is
out of scope, however close some passage's wording is: 「独占禁止法上のセーフハーバー」 is not
answered by 推進法's passages on joint applications, 「東都マテリアル株式会社は認定されて
いますか」 by no provision at all. The names are recognized by their form (a compound ending in
法 or 条約, a company or body by its suffix, an upper-case acronym), and a name counts as covered
when the index mentions it (checked on the passages whose character bigrams match it best, so
the cost does not grow with the corpus) or the catalog knows it as a document's title or alias.

A question asked *within* another law (「特許法では、出願公開は…」「不正競争防止法で営業秘密として
保護されるための要件は」) is out of scope too when that law is not an indexed document and the
index only cites it: 推進法 cites 特許法 for its patent-secrecy chapter (「特許法第六十四条」), but
holds none of 特許法's own provisions, so any answer would quote the citing law as if it were
the cited one. A law is indexed when the catalog names a document by it or an indexed
document's title contains it (a user's upload included); a passage that speaks of it in prose
(「イングランド法では…」, as an encyclopedia or a guideline does) may answer, so it is not declined.

A question asking what the asker should buy or invest in (「今買っておくべき株」, "which stocks
should I buy") asks for advice no document gives; it is declined for that reason.

An English question none of whose words is a term of the documents is off their subject: the
glossary (``corpus/terms-en-ja.yaml``) holds the documents' legal vocabulary in English
(licence, report, subsidy, patent, designation …), and a question on any of their rules uses
at least one such word, while "What will the weather be like in Tokyo tomorrow?" or "What is
Mitsubishi Heavy Industries' share price?" uses none. A word in Latin letters that a passage
itself uses (GOCO, NanoTerasu, the article's "Run Faster Partnership") keeps the question in
scope. A follow-up is left alone: "And how long does that take?" borrows its subject from the
turn before.

A question asking whether the asker's own case falls under a rule (「弊社の…は…に該当しますか」)
asks for an interpretation no text states: the documents give the rule, not its application
to one firm's product, so the answer is declined with that reason and the rule shown as nearest.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from assistant.index.snapshot import Snapshot
from assistant.japanese import is_english, normalize

# 「独占禁止法」「不正競争防止法」「サイバーセキュリティ基本法」「EU…条約」: a run of kanji,
# katakana and middle dots ending in 法 (not 方法, 手法, 用法: those are ordinary words).
_LAW_NAME = re.compile(
    r"[一-龥ァ-ヶー・]{2,}(?<![方手用文寸説製工療加])法(?:律)?(?![人令定務])|[一-龥ァ-ヶー・]{2,}条約"
    # The basic codes go by one kanji and 法 (憲法, 民法, 刑法, 商法); 違法, 合法, 方法 do not.
    r"|(?<![一-龥ァ-ヶー・])[憲民刑商]法(?![人令定務])"
    # A cabinet order by its name (輸出貿易管理令, 外為令); not the kinds of rule (政令, 省令,
    # 府令, 命令, 法令, 勅令), which every law speaks of.
    r"|[一-龥ァ-ヶー・]{2,}(?<![政省府命法勅])令(?![和状書])"
)
# A company or body: 「東都マテリアル株式会社」「経済安全保障センター」「株式会社…」.
_BODY_NAME = re.compile(
    r"[一-龥ァ-ヶーA-Za-z・]{2,}(?:株式会社|有限会社|合同会社|センター|機構|協会|財団|研究所|大学)"
    r"|(?:株式会社|有限会社)[一-龥ァ-ヶーA-Za-z・]{2,}"
)
# What makes a law the frame of a question: 「特許法では」「独占禁止法上の」「X法に基づく」.
_FRAMING = re.compile(r"では|で|上の|上|において|に基づ|によると|によれば|に定め|の規定|の?別表")
# A law by its English name: capitalized words before Act, Law, Regulation … ("the Labor
# Standards Act", "EU Dual-Use Regulation"); "the Act on …" names it by its subject instead.
_ENGLISH_LAW_NAME = re.compile(
    r"(?<![A-Za-z])[A-Z][A-Za-z-]*\s+(?:(?:(?:and|of|on|for)\s+)?[A-Z][A-Za-z-]*\s+){0,6}"
    r"(?:Act|Law|Regulations?|Code|Directive|Treaty|Convention)(?![A-Za-z])"
)
_ACRONYM = re.compile(r"(?<![A-Za-z])[A-Z]{2,6}(?![A-Za-z])")
# Countries by their English abbreviations: "a US company", "the UK branch" are places of
# business, one of the 外国 the laws speak of as a class (see ``country_terms``), not a subject
# the documents fail to mention; a question asked within that country's own rules ("the US
# EAR", "US export controls", "UK law") or about its money ("the US dollar") is about
# something the documents do not hold, and the abbreviation stays a name.
_COUNTRY_ACRONYMS = frozenset({"US", "USA", "UK", "PRC", "ROK", "UAE"})
_ENGLISH_COUNTRY_FRAME = re.compile(
    r"\s*(?:'s\s+)?(?:[A-Z]{2,6}\b|(?i:law|rule|regulat|government|authorit|agenc|export"
    r"|sanction|dollar|pound|court|congress|parliament))"
)
# In a Japanese question any word in Latin letters is a name (「Excelで提出」「ChatGPTに入力」):
# the documents' own words are Japanese, so one they never use is something they do not cover.
_LATIN_NAME = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*(?:[-. ][A-Za-z0-9]+)*(?![A-Za-z0-9])"
)
# Advice on what to buy, sell or invest in (「今買っておくべき株」「おすすめの銘柄」, "which stocks
# should I buy"): the documents state rules and policy, never a recommendation to the asker, so
# a passage on the same industry (半導体) would answer something else. 「投資すべき」 alone is
# left out: 「政府はどの分野に投資すべきと考えていますか」 asks for a stated policy.
_ADVICE = re.compile(
    r"(?:買|売|購入す|投資す)(?:う|る|って|っと|て)?(?:おく|いる)?べき[^。？?]{0,20}?(?:株|銘柄)"
    r"|(?:株|銘柄)を(?:今)?(?:買|売)(?:う|る|った)(?:べき|ほうが|方が)"
    r"|(?:株|銘柄)を(?:教えて|おすすめ|推薦)|おすすめの(?:株|銘柄)|(?:儲か|値上がりす)る(?:株|銘柄)"
    r"|\b(?:should|shall) (?:i|we) (?:buy|sell|invest|short)\b"
    r"|\bwhich (?:\w+ ){0,3}(?:stocks?|shares|equities)\b.{0,40}\b(?:buy|sell|invest)\b"
    r"|\bstock (?:picks?|tips?)\b"
    # A recommendation for the asker (hotels, restaurants, products, where to invest): nothing
    # the texts state, in English or Japanese (「おすすめを教えてください」「お勧めは」).
    r"|\b(?:can|could|would) you recommend\b|\brecommend (?:me|us)\b"
    r"|おすすめ|お勧め|オススメ|お薦め",
    re.IGNORECASE,
)
# The asker's own case: 弊社の製品は…に該当しますか, Would our lab be treated as a violation.
# (自社 is left out: 「メーカーから、自社製品が対象になるのかと照会」 is a third party's case.)
# Within one sentence: 「弊社はトラック運送会社です。…の対象になり得る業種は」 introduces the
# asker, then asks what the rule covers. Whether an act is punished (「当社の社員が漏らした場合
# でも、罰則の対象になりますか」) is what a penalty provision states, not an interpretation.
_OWN_CASE = re.compile(
    r"(?:弊社|当社|うちの|我が社|私どもの)[^。？?]{0,80}?"
    r"(?:該当|当た(?:り|る)|(?<!罰則の)(?<!処罰の)(?<!罰金の)(?<!刑罰の)対象にな|違反にな|違法にな|抵触"
    # Asking to confirm the asker's own conclusion: 「うちのケースは許可不要と判断して大丈夫ですよね」.
    r"|と(?:判断|解釈)して(?:も)?(?:大丈夫|問題な|よい|良い|いい|差し支えな|よろし)"
    r"|(?:で|て)(?:大丈夫|問題ない)(?:です)?よね)"
    r"|\b(?:our|my)\b.{0,60}?\b(?:be treated as|count as|qualify as|fall under|violat)"
    r"|\b(?:is|are) (?:our|my)\b[^?]{0,60}?\b(?:one of|among)\b",
    re.IGNORECASE,
)
# The assistant's opinion or forecast of the asker's own case (「当社の発明は保全指定されると思い
# ますか」, "do you think our plan will be approved"): the documents state rules, not how one
# case will be decided. Without the asker's own case (「報告が必要だと思いますか」 asks whether a
# rule requires it) or when a text's own expectation is asked (「政府の見通しは」), it is not this.
_ASKER = re.compile(r"弊社|当社|うちの|我が社|私ども|\b(?:our|my|we|i)\b", re.IGNORECASE)
_OPINION = re.compile(
    r"(?:と|どう)(?:お)?思(?:い|われ)ます(?:か|でしょうか)|見解を(?:聞かせ|教え)"
    r"|\b(?:do|would) you (?:think|expect|predict)\b|\bin your (?:opinion|view)\b"
    r"|\bhow likely\b|\bwhat are the (?:chances|odds)\b",
    re.IGNORECASE,
)
# How many passages (by bigram match) are read to see whether the index mentions a name.
_MENTION_CANDIDATES = 20


def named_things(text: str) -> list[str]:
    """Laws, bodies, acronyms and (in a Japanese question) Latin-letter words a question
    names, in its NFKC form."""
    normalized = normalize(text)
    names = [m.group() for pattern in (_LAW_NAME, _BODY_NAME) for m in pattern.finditer(normalized)]
    names += [
        m.group()
        for m in _ACRONYM.finditer(normalized)
        if m.group() not in _COUNTRY_ACRONYMS or _ENGLISH_COUNTRY_FRAME.match(normalized, m.end())
    ]
    names += [m.group() for m in _ENGLISH_LAW_NAME.finditer(normalized)]
    if not is_english(normalized):
        # Words of letters only: a code with digits (F1, ISO 9001, COVID-19) is written and
        # split too many ways to be looked up reliably.
        names += [
            m.group()
            for m in _LATIN_NAME.finditer(normalized)
            if len(m.group()) >= 3 and not any(ch.isdigit() for ch in m.group())
        ]
    return list(dict.fromkeys(names))


def mentioned(
    snapshot: Snapshot, name: str, tokenize: Callable[[str], list[str]] | None = None
) -> bool:
    """Whether an indexed passage contains the name (read among its best bigram matches)."""
    key = normalize(name)
    if key.isascii():
        # Latin words are known by the tokens keyword search made of them (GOCO -> goco,
        # 「The Beatles」 -> the beatles, e-Gov -> e, gov), and tokenizers join and split them
        # in more ways than one (「Google Inc.」): a name is mentioned when the index knows it
        # whole or any of its words, and a name of stop words only (The) cannot be judged.
        lower = key.lower()
        words = [w for part in lower.split() for w in (tokenize(part) if tokenize else [part])]
        keyword = snapshot.keyword
        return keyword.knows(lower) or not words or any(keyword.knows(w) for w in words)
    return any(key in text for text in _best_bigram_matches(snapshot, key))


def _best_bigram_matches(snapshot: Snapshot, key: str) -> list[str]:
    """The texts of the passages whose character bigrams match ``key`` best (a name is looked
    for among these, so the cost does not grow with the corpus)."""
    scores = snapshot.keyword.bigram_scores(key)
    if not scores.size:
        return []
    ids = snapshot.keyword.chunk_ids
    # The best few by a partial sort: every Japanese question looks up its compounds here, and
    # a full sort of 100,000 scores would cost more than the lookup.
    count = min(_MENTION_CANDIDATES, scores.size)
    best = np.argpartition(-scores, count - 1)[:count]
    top = best[np.argsort(-scores[best])]
    return [snapshot.chunks[ids[i]].search_text for i in top if scores[i] > 0]


def out_of_scope_names(
    text: str,
    snapshot: Snapshot,
    known: Callable[[str], bool],
    tokenize: Callable[[str], list[str]] | None = None,
) -> list[str]:
    """Names in the question that no indexed passage mentions and the catalog does not know
    (``tokenize``: keyword search's, by whose tokens a Latin-letter name is known)."""
    return [n for n in named_things(text) if not known(n) and not mentioned(snapshot, n, tokenize)]


_ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")


def without_document_terms(
    text: str, snapshot: Snapshot, translates: Callable[[str], bool]
) -> bool:
    """Whether an English question holds no glossary term (``translates``) and no Latin word
    an indexed passage uses (see the module doc)."""
    normalized = normalize(text)
    if not is_english(normalized) or translates(normalized):
        return False
    keyword = snapshot.keyword
    return not any(keyword.knows(w.lower()) for w in _ENGLISH_WORD.findall(normalized))


def framing_laws(text: str) -> list[str]:
    """The laws a (Japanese) question is asked within: a law name followed by で, では, 上, …"""
    normalized = normalize(text)
    return list(
        dict.fromkeys(
            m.group() for m in _LAW_NAME.finditer(normalized) if _FRAMING.match(normalized, m.end())
        )
    )


def unindexed_frames(text: str, snapshot: Snapshot, catalogued: Callable[[str], bool]) -> list[str]:
    """Laws the question is asked within that are not indexed documents (see module doc)."""
    titles = [normalize(e.title) for e in snapshot.manifest.values()]
    return [
        law
        for law in framing_laws(text)
        if not catalogued(law)
        and not any(law in title for title in titles)
        and not discussed(snapshot, law)
    ]


def discussed(snapshot: Snapshot, law: str) -> bool:
    """Whether an indexed passage speaks of the law rather than only citing it: a citation
    names the law before an article or its number (「特許法第六十四条」「サイバーセキュリティ基本法
    （平成二十六年法律第百四号）」「不正競争防止法等の一部を改正する法律」); prose goes on with a
    particle (「イングランド法では…」), and then the passage may well answer a question on it."""
    key = normalize(law)
    # The name whole (「会社法」 inside 「中小企業投資育成株式会社法」 is another law), then a
    # particle: a citation goes on with an article, a table (別表), its number or 等, and a
    # supplementary provision dates itself by another law (「会社法の施行の日から施行する」).
    prose = re.compile(
        r"(?<![一-龥ァ-ヶー・])" + re.escape(key) + r"(?![第(（等別])(?!の(?:施行|一部を改正))"
    )
    return any(prose.search(text) for text in _best_bigram_matches(snapshot, key))


# Japan by the names the laws use (外為法第六条: 「本邦」とは、本州、北海道、…), and what they call
# every other country (「外国」とは、本邦以外の地域をいう; 海外 and 国外 in guidance and prose).
_HOME = frozenset({"日本", "日本国", "本邦", "我が国", "わが国"})
_HOME_TERMS = ("本邦", "日本国", "国内", "我が国")
_FOREIGN_TERMS = ("外国", "海外", "国外")
# A question asked within a country's own rules or authorities (「米国の秘密特許制度では」
# 「ドイツの輸出管理当局の許可」): that country's law, which the documents do not hold, not a
# destination or a place of business the laws' 外国 covers.
_COUNTRY_FRAME = (
    r"(?:(?:の|における|での)[一-龥ァ-ヶー・A-Za-z]{0,12}?"
    r"(?:制度|法令|法律|法|規則|規制|ルール|当局|政府|基準|税制)|では|において|における|上の)"
)


def country_terms(country: str, text: str) -> tuple[str, ...]:
    """The laws' words for a country the question names: 本邦 for Japan, 外国 for any other,
    unless the question is asked within that country's own rules (then none: see above)."""
    if country in _HOME:
        return _HOME_TERMS
    if re.search(re.escape(country) + _COUNTRY_FRAME, normalize(text)):
        return ()
    return _FOREIGN_TERMS


def asks_about_own_case(text: str) -> bool:
    """Whether the question asks whether the asker's own case falls under a rule."""
    return bool(_OWN_CASE.search(normalize(text)))


def asks_for_opinion(text: str) -> bool:
    """Whether the question asks the assistant's opinion or forecast of the asker's own case."""
    normalized = normalize(text)
    return bool(_OPINION.search(normalized) and _ASKER.search(normalized))


def asks_for_advice(text: str) -> bool:
    """Whether the question asks what the asker should buy, sell or invest in."""
    return bool(_ADVICE.search(normalize(text)))


def first(names: Sequence[str]) -> str:
    """The names joined for a message."""
    return "、".join(names)
