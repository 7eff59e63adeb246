"""Follow-up questions: rewrite a question from the conversation so that retrieval sees its subject.

Retrieval is stateless: 「それはいつから使えますか？」 on its own finds nothing about GOCO. A
chat is a conversation, so before searching, a follow-up gets its subject back from the
previous turn. No LLM is involved: Japanese domain terms are runs of kanji, katakana or Latin
letters (施設委託管理者, サプライチェーン, GOCO), so the subject of the previous *searched* query
is carried over when the new question refers back (それ, その制度 …) or names no subject of its
own. Using the previous searched query, not the previous question, lets chains of follow-ups keep
the original subject. The rewritten text is shown to the user, so it is kept readable: the
pronoun is replaced where there is one, otherwise 「<subject>について、」 is put in front.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.query.understanding import TOPIC_SWITCH

# Words that name no topic: question words, generic nouns and kanji verb stems of questions.
GENERIC_TERMS = frozenset(
    {
        "何",
        "誰",
        "いつ",
        "どこ",
        "どの",
        "どう",
        "場合",
        "必要",
        "内容",
        "方法",
        "手続",
        "手続き",
        "具体的",
        "概要",
        "意味",
        "説明",
        "定義",
        "条件",
        "要件",
        "対象",
        "期限",
        "時期",
        "期間",
        "範囲",
        "理由",
        "目的",
        "詳細",
        "関係",
        "以上",
        "以下",
        "教",
        "使",
        "知",
        "分",
        "可能",
        "不要",
        "今後",
        "違",
        "良",
        "問題",
        "注意",
        "留意",
        "確認",
        "上記",
        "前記",
        "当該",
        "同様",
        "制度",
        "規定",
        "基準",
        "法律",
        "ルール",
        "質問",
        "回答",
        "点",
    }
)
# A phrase at least this long (or an acronym, or a name ending in one of LAW_SUFFIXES) is
# specific enough to be a question's own subject; two-kanji words such as 罰則 are not.
SUBJECT_MIN_CHARS = 3
LAW_SUFFIXES = ("法", "令", "規則", "命令", "指針", "計画", "法人", "物資", "事業者")

_NUMBER = r"[0-9〇一二三四五六七八九十百千]+"
_LATIN_WORD = r"[A-Za-z][A-Za-z0-9&\-]*[A-Za-z0-9]"  # GOCO, Q&A, B2B
_PHRASE = re.compile(
    # A provision with its law: 外為法第55条の8, 第五十五条の八第一項 (digits and の would
    # otherwise cut it into 「外為法第」 and 「八」).
    rf"[一-龥々]*第{_NUMBER}条(?:の{_NUMBER})*(?:第{_NUMBER}[項号])*"
    rf"|{_LATIN_WORD}"
    r"|[一-龥々〆ヵヶ]+(?:[ァ-ヴー]+[一-龥々]*)*"  # 特定重要物資, 外為法, 安定供給確保支援法人
    r"|[ァ-ヴー]{2,}[一-龥々]*"  # サプライチェーン, クラウドプログラム
)
# Referring expressions; the look-ahead keeps それぞれ, これまで, その他 … out.
_REFERRING = re.compile(
    r"(?:それら|これら|あれら|それ|これ|あれ|その|この|あの|当該|同じ|同(?=制度|法|条|計画|規定|措置)"
    r"|上記の?|前記の?|前述の?)(?!ぞれ|まで|ほど|とも|他|ほか|以外)"
)
_ENGLISH_REFERRING = re.compile(r"\b(?:it|its|this|that|these|those|they|them)\b", re.IGNORECASE)
_ASCII_ONLY = re.compile(r"^[\x00-\x7f]*$")


@dataclass(frozen=True)
class Turn:
    """One earlier exchange, as far as query rewriting needs it."""

    question: str
    searched_query: str
    context: str = ""  # the earlier question it was searched with, when a follow-up itself


# English words that say how something is asked, not what about: never a conversation's
# subject (「What is: Who designates it?」 carried "What is" over).
_FUNCTION_WORDS = """a an the and or but of to in on at by for from with under about into as
than then what which who whom whose when where why how is are was were be been being do does
did can could should would will shall may might must have has had it its this that these those
they them their there here if so not no any some all also please tell me us we our i my you
your before after without within between during over through against per via upon
whether"""
ENGLISH_FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())


_ENGLISH_WORD = re.compile(rf"{_LATIN_WORD}|[A-Za-z]")
# What may stand between two words of one English noun phrase: spaces only (a comma, a
# question mark or a bracket ends it).
_ENGLISH_GAP = re.compile(r"^ +$")


def _english_phrases(text: str) -> list[str]:
    """An English text's runs of consecutive words that are not function words: its noun
    phrases, roughly ("a facility management contractor under the Act" -> "facility management
    contractor", "Act"). A term is several words, and carrying single words over ("facility
    management" from "facility management contractor") loses the one that names the thing."""
    runs: list[list[str]] = []
    previous_end = -1
    for match in _ENGLISH_WORD.finditer(text):
        word = match.group()
        if word.lower() in ENGLISH_FUNCTION_WORDS:
            previous_end = -1
            continue
        joined = previous_end >= 0 and _ENGLISH_GAP.match(text[previous_end : match.start()])
        if joined:
            runs[-1].append(word)
        else:
            runs.append([word])
        previous_end = match.end()
    return list(dict.fromkeys(" ".join(run) for run in runs))


def key_phrases(text: str) -> list[str]:
    """Candidate topic phrases of a text, in order, without generic words or repeats.

    A kanji run that starts with 何 (何通, 何日, 何社) is a question word with its counter,
    and an English function word (what, is, the) says how something is asked: neither names
    a subject. An English text's phrases are its runs of other words (``_english_phrases``)."""
    if _ASCII_ONLY.match(text):
        return [p for p in _english_phrases(text) if len(p) >= 2]
    seen: list[str] = []
    for match in _PHRASE.finditer(text):
        phrase = match.group()
        if phrase in GENERIC_TERMS or len(phrase) < 2 or phrase in seen:
            continue
        if phrase.startswith("何") or phrase.lower() in ENGLISH_FUNCTION_WORDS:
            continue
        seen.append(phrase)
    return seen


def is_subject(phrase: str) -> bool:
    """Whether a phrase names a topic on its own (a term, a law, an acronym)."""
    if phrase.isascii():  # several words, or an acronym (GOCO, FEFTA)
        return " " in phrase or sum(ch.isupper() for ch in phrase) >= 2
    # A name ends in one of LAW_SUFFIXES after a word of its own (外為法, 施行令, 供給確保計画);
    # 命令, 政令, 計画 and 法人 alone are the generic words.
    return len(phrase) >= SUBJECT_MIN_CHARS or any(
        phrase.endswith(suffix) and len(phrase) >= len(suffix) + 2 for suffix in LAW_SUFFIXES
    )


def subject_phrases(text: str) -> list[str]:
    """The phrases of a text that name its subject (at most three, most specific first kept)."""
    phrases = [p for p in key_phrases(text) if is_subject(p)]
    return phrases[:3]


def refers_back(question: str) -> bool:
    """Whether the question points at something said before (それ, その制度, it …)."""
    if _ASCII_ONLY.match(question):
        return bool(_ENGLISH_REFERRING.search(question))
    return bool(_REFERRING.search(question))


def needs_context(question: str, topical: Callable[[str], bool] | None = None) -> bool:
    """Whether a question can only be searched with an earlier turn's subject (one that
    announces a new subject, 「話は変わりますが」「ところで」, never does).

    ``topical``, when given, says which phrases name a topic in the indexed documents (a term
    the laws define, a law's name): 「申請書はどの大臣に出しますか」 names 申請書, which every
    procedure has, so after a question on 供給確保計画 it asks about that plan's application,
    while 「外為法の罰則は？」 names a subject of its own."""
    if TOPIC_SWITCH.match(question.strip()):
        return False
    subjects = subject_phrases(question)
    if topical is not None:
        subjects = [p for p in subjects if topical(p)]
    return refers_back(question) or not subjects


def _replace_reference(question: str, subject: str) -> str:
    match = _REFERRING.search(question)
    # 「同じように変更の認定を取り直す」 compares with the earlier turn rather than naming it:
    # putting the subject in its place would leave 「…計画ように」, so it is said first instead.
    if match is None or match.group() == "同じ":
        return f"{subject}について、{question}"
    word = match.group()
    replacement = (
        f"{subject}の" if word.endswith("の") or word in ("その", "この", "あの") else subject
    )
    if word in ("当該", "同"):
        replacement = f"{subject}の"
    return question[: match.start()] + replacement + question[match.end() :]


def _named_referent(
    question: str, previous: str, topical: Callable[[str], bool] | None = None
) -> str | None:
    """The question with 「その支援法人」 read as the earlier phrase it names, or None.

    A demonstrative before a noun points at the earlier phrase that noun is the end of, when
    that phrase names a topic of the documents (``topical``; 「一定期間」 names none): after
    「安定供給確保支援法人から助成金を受けられる」, 「その支援法人の指定」 is the
    安定供給確保支援法人's, not the plan's or the subsidy's, so only that phrase replaces it.
    """
    match = _REFERRING.search(question)
    if match is None or match.group() in ("同じ",):
        return None
    following = _PHRASE.match(question, match.end())
    if following is None or len(following.group()) < 2:
        return None
    noun = following.group()
    earlier = [
        p
        for p in key_phrases(previous)
        if p != noun and p.endswith(noun) and is_subject(p) and (topical is None or topical(p))
    ]
    if not earlier:
        return None
    return question[: match.start()] + earlier[0] + question[following.end() :]


def rewrite_followup(
    question: str, history: Sequence[Turn], topical: Callable[[str], bool] | None = None
) -> str:
    """The query to search for: the question itself, or the question with the earlier subject.

    Returns ``question`` unchanged when it stands on its own or when there is no earlier turn
    with a subject to borrow (``topical``: see ``needs_context``).
    """
    text = question.strip()
    if not history or not needs_context(text, topical):
        return text
    previous = history[-1].searched_query
    named = _named_referent(text, previous, topical)
    if named is not None:
        return named
    carried = [p for p in subject_phrases(previous) if p not in text]
    if not carried:
        carried = [p for p in key_phrases(previous) if p not in text][:2]
    if not carried:
        return text
    if _ASCII_ONLY.match(text):
        return f"{' '.join(carried)}: {text}"
    return _replace_reference(text, "・".join(carried))


def topic_of(
    question: str, history: Sequence[Turn], topical: Callable[[str], bool] | None = None
) -> str:
    """The earlier question a follow-up is about: the latest one that stood on its own.

    Searched together with the follow-up it gives the dense query what the conversation is
    about (「インフラ事業者の設備導入の届出制度」 for 「もし届け出なかったら罰則はありますか？」),
    which a few carried-over words cannot. Empty for a question that stands on its own.
    """
    if not history or not needs_context(question.strip(), topical):
        return ""
    if _named_referent(question.strip(), history[-1].searched_query, topical) is not None:
        return ""  # rewritten with the phrase it names, it stands on its own
    for turn in reversed(history):
        if not needs_context(turn.question, topical):
            return turn.question
    return history[0].question


# A law named in a question, indexed or not (特許法, 外為法, 施行令): a subject of its own.
_LAW_NAME = re.compile(r"[一-龥ァ-ヴー]{2,}(?:法|法律|令|規則|条約)$")
# Defined terms shorter than this (指定, 基金, 内容) are everyday words in every procedure.
TOPICAL_MIN_CHARS = 3


@dataclass(frozen=True)
class TopicalTerms:
    """Which phrases name a topic in the indexed documents, read off the documents themselves.

    A phrase is topical when it holds a term one of the laws defines (特定重要物資, 施設委託
    管理者, 保全指定), a document's title or alias (外為法, 推進法), the name of any law, a word
    the thesaurus maps to a defined term (インフラ事業者 -> 特定社会基盤事業者), or is in Latin
    letters (GOCO, an English noun phrase). 申請書, 報告書, 立入検査 and 提出期限 are none of these:
    every procedure has them, and a question naming only them asks about the conversation's
    subject. Built from the index's definition table, so a corpus without laws (no
    definitions) has no such table and every phrase keeps counting as before."""

    defined: tuple[str, ...]
    names_document: Callable[[str], bool]
    everyday: tuple[str, ...] = ()

    @classmethod
    def build(
        cls,
        defined: Sequence[str],
        names_document: Callable[[str], bool],
        thesaurus: Sequence[tuple[str, Sequence[str]]] = (),
    ) -> TopicalTerms:
        terms = tuple(t for t in defined if len(t) >= TOPICAL_MIN_CHARS)
        everyday = tuple(
            word
            for word, meanings in thesaurus
            if any(term in meaning for meaning in meanings for term in terms)
        )
        return cls(terms, names_document, everyday)

    def __call__(self, phrase: str) -> bool:
        if phrase.isascii() or _LAW_NAME.search(phrase) or self.names_document(phrase):
            return True
        return any(t in phrase for t in self.defined) or any(w in phrase for w in self.everyday)


class Conversation:
    """The earlier turns of one conversation, and what a new question is searched as.

    The chat UI, ``assistant chat``, ``assistant ask --history`` and the evaluation's
    ``history`` cases all go through this, so a follow-up is searched the same way everywhere.
    """

    def __init__(
        self, turns: Sequence[Turn] = (), topical: Callable[[str], bool] | None = None
    ) -> None:
        self.turns: list[Turn] = list(turns)
        # Which phrases name a topic in the indexed documents (``needs_context``).
        self.topical = topical

    @classmethod
    def replay(
        cls, questions: Sequence[str], topical: Callable[[str], bool] | None = None
    ) -> Conversation:
        """The conversation after these user questions (oldest first), each searched as the
        conversation then stood."""
        conversation = cls(topical=topical)
        for question in questions:
            conversation.add(
                question, conversation.searched(question), conversation.context(question)
            )
        return conversation

    def searched(self, question: str) -> str:
        """What to search for: the question, or the question with the earlier subject."""
        return rewrite_followup(question, self.turns, self.topical)

    def context(self, question: str) -> str:
        """The earlier question a follow-up is about ("" when it stands on its own)."""
        return topic_of(question, self.turns, self.topical)

    def referent(self, question: str) -> Turn | None:
        """The turn a follow-up refers to: the one just before it (None for a question that
        stands on its own, or the first). Its passages anchor the follow-up's search
        (``rank.conversation``): 「その期限を過ぎたら」 asks about the provision that was just
        quoted, not about whatever else says 期限."""
        if not self.turns or not needs_context(question.strip(), self.topical):
            return None
        if _named_referent(question.strip(), self.turns[-1].searched_query, self.topical):
            return None  # 「その支援法人」: the phrase it names, not the turn's passages
        return self.turns[-1]

    def add(self, question: str, searched_query: str, context: str = "") -> None:
        """Record an asked question, what it was searched as and with which earlier question."""
        self.turns.append(Turn(question.strip(), searched_query, context))
