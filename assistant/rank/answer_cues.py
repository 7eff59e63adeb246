"""Ranking step: a provision that cannot state the kind of answer asked for ranks after those that do.

「いつまでに届け出る必要がありますか」 is answered by a sentence stating a time (「遅滞なく」,
「三十日以内に」, 「導入の日の…前までに」), 「罰則はありますか」 by one stating a punishment
(「…罰金に処する」), 「手数料はいくらですか」 by an amount of money. A passage holding none of these
may share every word of the question and still cannot answer it: the duty to notify is not the
penalty for not notifying, and a follow-up 「もし届け出なかったら罰則はありますか？」 searched near
the duty finds the duty first.

The cues (``answer.answerability.ANSWER_CUES``: the same patterns the answer's sentences are
chosen by) are the fixed forms in which statutes state these things: periods as 「以内」
「遅滞なく」「直ちに」「速やかに」「までに」「から起算して」 or a number of days, months or years;
punishments as 拘禁刑, 罰金, 過料; amounts in 円 (or another currency); consequences of a breach
as a punishment or a measure (取り消す, 命ずる, 勧告). Only a law, cabinet order or ordinance can be
known *not* to state one by lacking them: prose says when in open-ended ways (「江戸時代に」
「戦後まもなく」, as JSQuAD's Wikipedia paragraphs do), so its silence proves nothing. So among the
first ``depth`` hits, the passages that state an asked-for cue and the provisions of those kinds
that state none trade places: the stating ones take the first of their joint positions, in their
order, the silent ones the rest; a passage of neither sort (prose stating nothing) keeps its
place, so nothing rises without stating what was asked. The scores stay with the positions, so
the list stays sorted. A question asking for no such kind is left as it is.

One silence prose can show: what follows a breach. A guideline or an article speaks of it in
words of sanction (罰則, 処罰, 制裁, 取り消される, 公表される, "penalty"), so a passage of any kind
using none of them cannot answer 「罰則はありますか」 or "What happens if a company ignores the
order?", and trades places like a silent provision ("what happens" to an emission count
(「算定方法はどうなりますか」) is no breach and leaves prose where it is). The law numbers a
provision cites (「令和四年法律第四十三号」) state no date or period and are read past.
"""

from __future__ import annotations

from assistant.answer.answerability import (
    answer_cues,
    names_a_sanction,
    sanction_asked,
    without_law_numbers,
)
from assistant.rank import RankContext, trade_places
from assistant.rank.primary import AUTHORITY, FORCE_RANK
from assistant.types import Hit, Query


class AnswerCues:
    """Moves the head's provisions that state no asked-for kind of answer behind those that do."""

    name = "cues"

    def __init__(self, depth: int = 5) -> None:
        self.depth = depth

    def apply(self, query: Query, hits: list[Hit], context: RankContext) -> list[Hit]:
        """The hits with the stating passages and the silent provisions of the first ``depth``
        re-ordered among their own positions, stating first; every other hit keeps its place."""
        cues = answer_cues(query.search_text)
        head, tail = hits[: self.depth], hits[self.depth :]
        if not cues or len(head) < 2:
            return hits
        texts = [without_law_numbers(h.chunk.search_text) for h in head]
        states = [any(cue.search(text) for cue in cues) for text in texts]
        sanction = sanction_asked(query.search_text)
        silent = [
            not said
            and (
                AUTHORITY.get(h.chunk.kind, len(AUTHORITY)) <= FORCE_RANK
                or (sanction and not names_a_sanction(text))
            )
            for h, said, text in zip(head, states, texts, strict=True)
        ]
        if not any(states) or not any(silent):
            return hits
        # Only the stating and the silent trade places; prose that states nothing keeps its own.
        places = [i for i in range(len(head)) if states[i] or silent[i]]
        movers = [head[i] for i in places if states[i]] + [head[i] for i in places if silent[i]]
        return trade_places(head, places, movers) + tail
