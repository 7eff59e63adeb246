"""Definitional provisions: where a document says what a term is or what it includes.

Law text defines a term with 「X」とは…をいう, introduces it with （以下「X」という。）, or
designates members (…をXとして指定する). A question such as 「Xとは何ですか」 or
「Xにはどんな…がありますか」 is answered by exactly such a provision, which ordinary relevance
ranks no higher than the dozens of passages that merely use X. Used by retrieval (to prefer the
defining passage) and by the glossary (to pick the defining sentence).
"""

from __future__ import annotations

import re

from assistant.japanese import normalize, split_sentences

# 「Xとは何ですか」「Xにはどんな物資がありますか」「Xって何」: X is what the question is about.
_ASKS_ABOUT = re.compile(
    r"^(?P<term>[^、。？?！!「」]{2,30}?)(?:とは|には|って)(?:何|なに|どんな|どの|どういう|いかなる|具体的)"
)
# definition_score at or above which a sentence formally defines or designates the term
# (「X」とは, 「X」という, をXとして指定); a looser "Xとして指定" also matches provisions that
# designate a subset of X, which would then outrank the provision that lists X itself.
DEFINING = 4
_ASKS_WHAT = re.compile(r"^[^、。？?]{2,30}?(?:とは|って)(?:何|なに|どういう|どのような)")
_ENGLISH_WHAT = re.compile(r"^what (?:is|are|does)\b", re.IGNORECASE)


def _parenthetical_score(sentence: str, name: str) -> int:
    """Score X（…）: 3 when the brackets define X (…をいう), 1 when they only cross-refer."""
    start = sentence.find(f"{name}（")
    if start < 0:
        return 0
    inner = sentence[start + len(name) + 1 :].split("）")[0]
    if "をいう" not in inner:
        return 0
    return 1 if "に規定する" in inner else 3


def definition_score(sentence: str, names: tuple[str, ...]) -> int:
    """How clearly a sentence defines one of the names (0 = it does not mention them).

    Law text defines a term with 「X」とは…をいう, introduces it with （以下「X」という。）, or
    designates it (…をXとして指定する); it also defines in passing with X（…をいう。）, unless
    the brackets only point to another article (X（第七条に規定するXをいう。）), which says
    nothing. Explanatory text says Xとは. Anything else that mentions X scores lowest.
    """
    best = 0
    for name in names:
        if name not in sentence:
            continue
        patterns = (
            (5, f"「{name}」とは"),
            (4, f"「{name}」という"),
            (4, f"を{name}として指定"),
            (3, f"{name}とは"),
            (3, f"{name}として指定"),
        )
        scores = [score for score, text in patterns if text in sentence]
        best = max([best, 1, _parenthetical_score(sentence, name), *scores])
    return best


def term_asked_about(question: str) -> str | None:
    """The term a definition or membership question asks about, if it is one."""
    match = _ASKS_ABOUT.match(normalize(question).strip())
    return match.group("term").strip() if match else None


def asks_for_definition(question: str) -> bool:
    """Whether a question asks what something is (Xとは何, Xって何, what is X)."""
    text = normalize(question).strip()
    return bool(_ASKS_WHAT.match(text)) or bool(_ENGLISH_WHAT.match(text))


def defines(text: str, term: str) -> bool:
    """Whether a passage contains a sentence that defines or designates the term."""
    if term not in text:
        return False
    return any(definition_score(s, (term,)) >= DEFINING for s in split_sentences(text))
