"""Abstention, in one place: when the documents do not support an answer, say so.

In compliance a wrong answer is worse than none. The answerer asks this step twice: before
choosing sentences (is the evidence strong enough at all: the dense similarity of the best
passages and the share of the question's words they contain, against a threshold per
language), and after (can the chosen sentences answer this kind of question: a date, an amount,
a named thing, the text of an article). An abstention says plainly that no supporting passage
was found, why when known, and still shows the nearest passages so the user can judge.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from assistant.answer.answerability import (
    about_quantity,
    asking_part,
    missing_answer_type,
    missing_article,
    missing_names,
)
from assistant.answer.confidence import DenseBands, measure_evidence
from assistant.answer.scope import (
    asks_about_own_case,
    asks_for_advice,
    asks_for_opinion,
    country_terms,
    mentioned,
    out_of_scope_names,
    unindexed_frames,
    without_document_terms,
)
from assistant.index.keyword import KeywordIndex
from assistant.index.snapshot import Snapshot
from assistant.japanese import normalize
from assistant.types import Answer, Compound, Evidence, Hit, Query

ABSTAIN_JA = (
    "登録されている文書の中に、このご質問に確実に答えられる記述は見つかりませんでした。"
    "推測での回答は控えます。参考までに、最も近い箇所を以下に示します（回答の根拠としては不十分です）。"
)
ABSTAIN_EN = (
    "The indexed documents contain no passage that reliably answers this question, so no "
    "answer is given. The nearest passages found are listed below for reference; they do not "
    "establish an answer."
)
NO_DOCUMENTS_JA = "検索対象の文書がありません（絞り込み条件に合う文書が索引にありません）。"
NO_DOCUMENTS_EN = "No indexed document matches the search (check the filters or ingest documents)."
# How many of the nearest passages an abstention shows.
NEAREST_SHOWN = 3

ANSWER_TYPE_JA = {
    "percentage": "割合・率",
    "amount": "金額",
    "phone number": "電話番号",
    "date": "日付",
    "location": "所在地",
    "duration": "期間",
    "quantity": "数量",
    "penalty": "罰則",
    "company": "企業名",
    "record": "実績・事例・件数",
}


def abstention(
    question: str,
    searched_query: str,
    nearest: Sequence[Hit],
    english: bool,
    reason: str | None = None,
) -> Answer:
    """An Answer that declines to answer, says why when known, and lists the nearest passages."""
    if nearest:
        text = ABSTAIN_EN if english else ABSTAIN_JA
    else:
        text = NO_DOCUMENTS_EN if english else NO_DOCUMENTS_JA
    if reason:
        text = f"{text}\n({'reason' if english else '理由'}: {reason})"
    return Answer(
        question=question,
        searched_query=searched_query,
        text=text,
        abstained=True,
        nearest=tuple(nearest),
        language="en" if english else "ja",
    )


class Abstention:
    """Decides whether to decline, and builds the declining answer."""

    def __init__(
        self,
        threshold: float = 0.27,
        threshold_en: float = 0.15,
        bands: DenseBands | None = None,
        japanese_for: Callable[[str], Sequence[str]] | None = None,
        known: Callable[[str], bool] | None = None,
        catalogued: Callable[[str], bool] | None = None,
        tokenize: Callable[[str], list[str]] | None = None,
        translates: Callable[[str], bool] | None = None,
    ) -> None:
        self.threshold = threshold
        self.threshold_en = threshold_en
        self.bands = bands or DenseBands()
        self._japanese_for = japanese_for or (lambda _name: ())
        # Whether a name is a document the catalog knows or a term the glossary translates.
        self._known = known or (lambda name: bool(self._japanese_for(name)))
        # Whether a name is a document the catalog knows (by title or alias).
        self._catalogued = catalogued or (lambda _name: False)
        # Keyword search's tokenizer: a Latin-letter name is known by its tokens.
        self._tokenize = tokenize
        # Whether an English text holds a term of the glossary (None: no glossary, no check).
        self._translates = translates

    def evidence(self, query: Query, hits: Sequence[Hit], snapshot: Snapshot) -> Evidence:
        """How well the hits support an answer (dense similarity and word coverage)."""
        keyword = snapshot.keyword
        equivalents = dict(query.equivalents)
        return measure_evidence(
            query.words,
            hits,
            keyword.tokens_of,
            keyword.idf,
            query.english,
            self.bands,
            equivalents,
            self.unknown_compounds(query, snapshot) if hits else (),
        )

    def unknown_compounds(self, query: Query, snapshot: Snapshot) -> list[Compound]:
        """The question's noun compounds no indexed passage uses, the thesaurus and the laws'
        definitions do not translate, and the glossary and the catalog do not know."""
        translated = {word for word, _terms in query.equivalents}
        return [
            c
            for c in query.compounds
            if not translated.intersection(c.tokens)
            and not self._known(c.text)
            and not mentioned(snapshot, c.text, self._tokenize)
        ]

    def too_weak(self, query: Query, hits: Sequence[Hit], evidence: Evidence) -> bool:
        """Whether there is too little evidence to try an answer at all."""
        threshold = self.threshold_en if query.english else self.threshold
        return not hits or evidence.confidence < threshold

    def weak_reason(self, query: Query, evidence: Evidence) -> str | None:
        """Why the evidence is weak, when it is known: the compounds no passage uses."""
        return _not_mentioned(evidence.unknown, query.english) if evidence.unknown else None

    def out_of_scope(self, query: Query, snapshot: Snapshot) -> str | None:
        """Why the question is outside what the documents cover, or None (see ``scope``)."""
        english = query.english
        names = out_of_scope_names(query.search_text, snapshot, self._known, self._tokenize)
        if names:
            return _not_mentioned(names, english)
        frames = unindexed_frames(query.search_text, snapshot, self._catalogued)
        if frames:
            return _not_indexed(frames, english)
        if (
            self._translates is not None
            and not query.follow_up
            and without_document_terms(query.search_text, snapshot, self._translates)
        ):
            # English only (``without_document_terms``), so the reason is in English.
            return "none of the question's words is a term the documents use"
        if asks_about_own_case(query.search_text):
            return (
                "the documents state rules, not whether one firm's case falls under them; "
                "ask the responsible division"
                if english
                else "文書は規定を定めるもので、個別の事案が該当するかどうかは書かれていません"
                "（所管部署にご確認ください）"
            )
        if asks_for_opinion(query.search_text):
            return (
                "the documents state rules; they give no opinion or forecast of how a case "
                "will be decided"
                if english
                else "文書は規定を定めるもので、個別の事案の見通しや意見は書かれていません"
            )
        if asks_for_advice(query.search_text):
            return (
                "the documents state rules and policy; they recommend nothing to buy or invest in"
                if english
                else "文書は規定と政策を述べるもので、何を購入・投資すべきかの助言は書かれていません"
            )
        return None

    def reason(
        self,
        query: Query,
        hits: Sequence[Hit],
        decisive: Sequence[str],
        keyword: KeywordIndex,
        on_subject: Sequence[str] | None = None,
        anywhere: Sequence[str] | None = None,
    ) -> str | None:
        """Why the decisive sentences cannot answer the question, or None if they can.

        ``on_subject``, when given, are the decisive sentences about the question's subject:
        only a figure stated in one of them answers a question asking for a figure.
        ``anywhere``: the answer's other sentences, where a penalty may be stated too.
        """
        english = query.english
        stated = decisive if on_subject is None else on_subject
        asked = asking_part(query.text)
        measured = about_quantity(asked, stated, lambda stem: self._forms(query, stem))
        answer_type = missing_answer_type(asked, stated, [*decisive, *(anywhere or ())], measured)
        if answer_type:
            return (
                f"no {answer_type} is stated"
                if english
                else f"該当する{ANSWER_TYPE_JA[answer_type]}の記載がありません"
            )
        # English names (METI, Japan) cannot be matched against Japanese text.
        names = (
            []
            if english
            else [
                name
                for name in missing_names(
                    list(query.names), [keyword.tokens_of(h.chunk.chunk_id) for h in hits]
                )
                if not _named_in(self._japanese_for(name), hits)
                # The thesaurus's term for it (USBメモリ -> 記録媒体): the documents name the
                # thing in their own words, as they name a country as 外国.
                and not _named_in(_terms_for(name, query), hits)
                # A country the question is not asked within (「中国の合弁先に教えた」) is one of
                # the 外国 the laws speak of as a class: a destination, not another subject.
                and not (name in query.countries and country_terms(name, query.search_text))
            ]
        )
        if names:
            return _not_mentioned(names, english)
        article = missing_article(query.search_text, hits)
        if article:
            return (
                f"the text of {article} was not found"
                if english
                else f"{article}の本文が見つかりません"
            )
        return None

    def _forms(self, query: Query, stem: str) -> list[str]:
        """Other forms of a quantity's stem: the documents' terms the thesaurus or a law's
        definitions give for its words (補助 -> 助成), or an English word's Japanese forms."""
        if stem.isascii():
            return list(self._japanese_for(stem))
        words = self._tokenize(stem) if self._tokenize else [stem]
        return [term for word in words for term in _terms_for(word, query)]

    def decline(
        self,
        query: Query,
        hits: Sequence[Hit],
        evidence: Evidence | None = None,
        reason: str | None = None,
    ) -> Answer:
        """The declining answer, with the nearest passages and the evidence it was based on."""
        answer = abstention(query.question, query.text, hits[:NEAREST_SHOWN], query.english, reason)
        return Answer(**{**answer.__dict__, "evidence": evidence})


def _terms_for(word: str, query: Query) -> list[str]:
    """The documents' terms the thesaurus or a law's definitions give for a question word."""
    return ["".join(term) for own, terms in query.equivalents if own == word for term in terms]


def _named_in(forms: Sequence[str], hits: Sequence[Hit]) -> bool:
    """Whether a passage uses one of a name's Japanese forms (GOCO: 施設委託管理者...)."""
    return any(normalize(form) in h.chunk.search_text for form in forms for h in hits)


def _not_indexed(laws: Sequence[str], english: bool) -> str:
    """The reason given when the question is asked within a law whose text is not indexed."""
    joined = "、".join(laws)
    return (
        f"the indexed documents do not include {joined} itself (they only refer to it)"
        if english
        else f"「{joined}」の条文そのものは索引にありません（他の文書が引用しているだけです）"
    )


def _not_mentioned(names: Sequence[str], english: bool) -> str:
    """The reason given when the documents never mention what the question names."""
    # Each name in its own brackets: 「今年度」「半導体向け助成金」, not one name 「今年度、半導体…」.
    return (
        f"the documents do not mention {', '.join(names)}"
        if english
        else f"文書に{''.join(f'「{name}」' for name in names)}への言及がありません"
    )
