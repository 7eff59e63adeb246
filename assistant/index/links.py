"""Links between provisions that the index keeps: which order provisions carry out a law article.

A law leaves details to 政令 and 省令 ("政令で定める額の手数料"); the figure a firm asks for
("二万五千円") sits in the order, in a provision that shares almost no words with the question
but names the law article it carries out ("法第七十九条第五項の政令で定める額は"). The links are
built with each snapshot and read by the delegation ranking step.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.types import Chunk

# "法第七十九条" (also "及び法第…") in an order or ordinance, not "特許法第三十八条", which is
# another law's article.
_CITES_LAW_ARTICLE = re.compile(
    r"(?<![一-龥ァ-ヶ々])法(第[〇一二三四五六七八九十百千]+条(?:の[〇一二三四五六七八九十百千]+)*)"
)

Delegations = dict[tuple[str, str], tuple[str, ...]]


def delegation_links(
    chunks: Sequence[Chunk], law_implemented_by: Callable[[str], str | None] | None
) -> Delegations:
    """(law file, 第N条) -> chunks of its orders and ordinances that cite 法第N条."""
    if law_implemented_by is None:
        return {}
    links: dict[tuple[str, str], list[str]] = {}
    for chunk in chunks:
        law = law_implemented_by(chunk.source)
        if not law:
            continue
        for article in dict.fromkeys(_CITES_LAW_ARTICLE.findall(chunk.search_text)):
            links.setdefault((law, article), []).append(chunk.chunk_id)
    return {key: tuple(ids) for key, ids in links.items()}
