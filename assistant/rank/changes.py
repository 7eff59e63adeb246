"""Ranking step: a question that changes nothing is not asking about a change procedure.

Laws write most procedures twice: once for the thing itself (「供給確保計画の認定を受けようと
する者は、…申請書を…提出しなければならない」) and once for changing it (「…変更の認定を受けよう
とする認定供給確保事業者は、様式第五による申請書を…」, 「…を変更するときは、あらかじめ、…」).
The two use the same words, so a question on applying (「認定の申請書にはどんな書類を添付すれば
よいですか」) finds both, and the change provision, which repeats the base one's words and adds
its own list, often ranks first. A question that says nothing of changing anything is asking
about the base procedure; one that does (変更, 延ばす, 代表者が交代, "amend") is left alone.

So when the question names no change, the head's change provisions trade places with the
others: those that are not about a change take the first of their joint positions, in their
order, and nothing else moves. A provision is about a change when its article's opening
sentence, read without its parentheses (「（前条第一項の規定による変更の認定を含む。）」 only
widens another provision), states a change as its condition or its object, in the formulas
statutes use for it (変更するときは, 変更しようとするときは, 変更の認定・届出・許可, 軽微な変更,
変更を指示): a provision that merely allows changing something it grants (「許可…に条件を付し、
及びこれを変更することができる」) stays where it is.
"""

from __future__ import annotations

import re

from assistant.japanese import normalize
from assistant.rank import RankContext, trade_places
from assistant.types import Chunk, Hit, Query

# A question that speaks of changing something: its plan, its period, its representative.
_CHANGE_ASKED = re.compile(
    r"変更|変え|変わ|替え|替わ|交代|交替|延長|延ば|延び|短縮|追加|削除|修正|改め|改定|見直|"
    r"\b(?:chang|amend|modif|alter|extend|extension|replac|revis|updat|postpon|shorten)",
    re.IGNORECASE,
)
# A statute's opening sentence whose condition or object is a change.
_CHANGE_PROVISION = re.compile(
    r"変更(?:を(?:行おう|しよう)とする|しようとする|する)とき|変更の(?:認定|届出|許可|承認|指示)|"
    r"軽微な変更|変更を指示"
)
_PARENTHESIS = re.compile(r"\([^()]*\)")


def change_asked(question: str) -> bool:
    """Whether the question speaks of changing something (then change provisions may answer)."""
    return bool(_CHANGE_ASKED.search(normalize(question)))


def opening_sentence(text: str) -> str:
    """An article's first sentence without its parentheses, nested ones included (NFKC)."""
    plain = normalize(text)
    while True:
        shorter = _PARENTHESIS.sub("", plain)
        if shorter == plain:
            break
        plain = shorter
    return plain.split("。", 1)[0]


def is_change_provision(first: Chunk) -> bool:
    """Whether an article, given its first chunk, provides for changing something."""
    return bool(_CHANGE_PROVISION.search(opening_sentence(first.text)))


class ChangeProvisions:
    """Puts the head's change provisions after the others when the question changes nothing."""

    name = "changes"

    def __init__(self, depth: int = 5) -> None:
        self.depth = depth

    def apply(self, query: Query, hits: list[Hit], context: RankContext) -> list[Hit]:
        """The hits with the head's change provisions moved behind the others among their own
        positions (the question asks about no change)."""
        if self.depth < 2 or change_asked(query.search_text):
            return hits
        head = hits[: self.depth]
        snapshot = context.snapshot

        def about_change(chunk: Chunk) -> bool:
            ids = snapshot.article_chunks(chunk.source, chunk.article) if chunk.article else ()
            return bool(ids) and is_change_provision(snapshot.chunks[ids[0]])

        changes = [about_change(h.chunk) for h in head]
        if not any(changes) or all(changes):
            return hits
        movers = [h for h, c in zip(head, changes, strict=True) if not c]
        movers += [h for h, c in zip(head, changes, strict=True) if c]
        return trade_places(head, range(len(head)), movers) + hits[self.depth :]
