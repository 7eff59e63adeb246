"""What the assistant says when the documents do not support an answer.

In compliance a wrong answer is worse than none, so an abstention says plainly that no
supporting passage was found and still shows the nearest passages, so the user can judge.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.types import Answer, Hit

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


ANSWER_TYPE_JA = {
    "percentage": "割合・率",
    "amount": "金額",
    "phone number": "電話番号",
    "date": "日付",
    "location": "所在地",
    "duration": "期間",
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
