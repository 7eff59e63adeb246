"""What a question is about, in the documents' words: preambles removed, everyday words mapped.

Practitioners write questions the way they talk: 「出向してきたばかりで恐縮ですが、…」,
「省内で回答案を作っているのですが、…」, 「基本的なことですみません。」 Such a preamble says who
is asking, not what about; searched as written it pulls the question's vector away from the
provision, and its words (出向, 恐縮), which no document uses, count against the evidence that
the documents answer. It is removed before searching, the question shown is left as asked.

Users also say 会社 where the laws say 事業者 or 法人, 補助金 for 助成金, インフラ事業者 for
特定社会基盤事業者. Keyword search gets the documents' terms added from two sources: the
definitions the laws give themselves (「…（以下「支援法人」という。）」: the short form used in a
question brings its full term), and a reviewed thesaurus file (``corpus/thesaurus.yaml``) for
everyday words no law defines. The dense query is never changed by expansion: e5 already
places paraphrases close.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from assistant.catalog import read_corpus_yaml
from assistant.errors import ConfigError
from assistant.japanese import normalize, split_sentences

THESAURUS_FILE = "thesaurus.yaml"

# Words of courtesy and of who is asking (a secondee, a desk drafting a reply); a leading
# clause or sentence made of these says nothing about the subject.
_COURTESY = re.compile(
    r"恐縮|すみません|済みません|申し訳|お世話にな|失礼|お疲れ|初歩的|基本的な(?:こと|質問)|"
    r"教えて(?:ください|下さい|いただけ)|お願い(?:します|いたします|致します)|よろしく|"
    r"確認させて|お伺い|伺いたい|出向|着任|異動|配属|新任|担当(?:者|して|を)|回答案|照会(?:があ|を受け)|"
    r"問い合わせ(?:があ|を受け)|質問を受け|整理している|作っている|作成している|勉強中"
)
# A leading clause that sets the scene before the question: 「…ですが、」「…のですが、」
# 「…けれど、」「…ところ、」「…ので、」「…すみません、」.
_LEADING_CLAUSE = re.compile(r"^(.+?(?:が|けど|けれど|けれども|ところ|ので|ません|です))、")
# Phrases that announce a change of subject (a follow-up that starts one is not a follow-up).
# Each phrase as people vary it: 話は/話が/話題は変わりますが, 別件/別の質問ですが, "on a
# different topic", "changing the subject", "a separate question".
TOPIC_SWITCH = re.compile(
    r"^(?:(?:話|話題)[はが]変わ(?:りますが|るのですが|るけど|って)|"
    r"(?:別件|別の(?:質問|話|話題|件))(?:です|なのです|になります)?が|全然違う話で恐縮ですが|"
    r"(?:全く|まったく|全然)?違う話(?:です|になります)?が|ところで|ちなみに|それとは別に|"
    r"by the way|on (?:a|another) (?:different |separate |unrelated )?(?:topic|note|subject|matter)|"
    r"(?:a |another )?(?:different|separate|unrelated) (?:question|topic|matter)|"
    r"chang(?:ing|e) (?:of )?(?:the )?(?:subject|topic)|switching (?:topics?|subjects?)|"
    r"unrelated(?:,? but)?)[、,:：.\s]*",
    re.IGNORECASE,
)
_QUESTION_END = re.compile(r"[?？]$|か[。]?$")
# Courtesy formulas are short; a longer clause or sentence with such a word in it carries the
# subject too (「…について回答案に列挙したいのですが」) and stays.
PREAMBLE_MAX_CHARS = 24


def strip_preamble(question: str) -> str:
    """The question without leading courtesies and scene-setting, and without a closing
    courtesy sentence; unchanged when nothing but the question would be left."""
    sentences = split_sentences(question.strip())
    if not sentences:
        return question.strip()
    kept = list(sentences)
    # Leading sentences that are only courtesy or who is asking (never the last one).
    while (
        len(kept) > 1
        and _COURTESY.search(kept[0])
        and not _QUESTION_END.search(kept[0])
        and len(kept[0]) <= PREAMBLE_MAX_CHARS
    ):
        kept.pop(0)
    # A closing courtesy sentence (「よろしくお願いします。」) after the question.
    while len(kept) > 1 and _COURTESY.search(kept[-1]) and len(normalize(kept[-1])) <= 15:
        kept.pop()
    first = kept[0]
    match = _LEADING_CLAUSE.match(first)
    if (
        match
        and _COURTESY.search(match.group(1))
        and len(match.group(1)) <= PREAMBLE_MAX_CHARS
        and len(first) > match.end() + 4
    ):
        kept[0] = first[match.end() :]
    switched = TOPIC_SWITCH.sub("", kept[0])
    if len(switched) > 4:
        kept[0] = switched
    return "".join(kept)


@dataclass(frozen=True)
class Thesaurus:
    """Words users say and the documents' terms for them, longest word first."""

    entries: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def terms_for(self, text: str) -> list[str]:
        """The documents' terms for the words of ``text`` that it does not already use (outside
        the longer words already looked up)."""
        remaining = normalize(text)
        found: list[str] = []
        for word, terms in self.pairs_for(text):
            found.extend(t for t in terms if t not in remaining and t not in found)
            remaining = remaining.replace(word, " ")
        return found

    def pairs_for(self, text: str) -> list[tuple[str, tuple[str, ...]]]:
        """The words of ``text`` the thesaurus knows, each with the documents' terms for it
        (longest word first; a word inside a longer one found is not looked up again)."""
        normalized = normalize(text)
        found: list[tuple[str, tuple[str, ...]]] = []
        for word, terms in self.entries:
            if word in normalized:
                found.append((word, terms))
                normalized = normalized.replace(word, " ")
        return found

    def merged(self, definitions: dict[str, tuple[str, ...]]) -> Thesaurus:
        """This thesaurus plus the laws' own short forms (a reviewed entry wins)."""
        own = {word for word, _ in self.entries}
        extra = [(w, t) for w, t in definitions.items() if w not in own]
        return Thesaurus(tuple(sorted([*self.entries, *extra], key=lambda e: -len(e[0]))))


def load_thesaurus(corpus_dir: Path) -> Thesaurus:
    """Read corpus_dir/thesaurus.yaml (absent: no everyday-word expansion)."""
    path = corpus_dir / THESAURUS_FILE
    if not path.exists():
        return Thesaurus()
    raw = read_corpus_yaml(path, "words")
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a top-level 'words' mapping of word: [terms]")
    entries: list[tuple[str, tuple[str, ...]]] = []
    for word, terms in raw.items():
        listed = [terms] if isinstance(terms, str) else terms
        if not isinstance(listed, list) or not all(isinstance(t, str) and t for t in listed):
            raise ConfigError(f"{path}: {word!r} must map to a term or a list of terms")
        entries.append((normalize(str(word)), tuple(normalize(t) for t in listed)))
    return Thesaurus(tuple(sorted(entries, key=lambda e: -len(e[0]))))


# Whether an act is required (「許可が必要になりますか」「届け出る義務はありますか」, "do we need a
# licence"), asked as a yes-or-no question: 「何を定める必要がありますか」 asks what, and is left
# out (no 何, どんな, どの, 誰, いつ, what, which … earlier in the same sentence). The answer
# stage's cues read it too (``assistant.answer.answerability``).
OBLIGATION_ASKED = re.compile(
    r"(?:^|[。？?！!\n])(?:(?!何|どんな|どのよう|どの|どれ|誰|いつ|どこ|いくら)[^。？?！!\n])*?"
    r"(?:必要(?:が|に|と)?(?:あり|なり|され)?(?:ます|です)?か|"
    r"必要(?:なの|なん)?(?:です|でしょう)か|要(?:り|る)(?:ます|の)?か|いりますか|"
    r"義務(?:は|が|付け|があ)|(?:なければ|ねば)ならない(?:のです|んです)?か)"
    r"|^(?!.*\b(?:what|which|who|when|where|how)\b).*(?:"
    r"\b(?:do|does|must|should) (?:we|i|they|you|it|the \w+) (?:need|have to)\b|"
    r"\b(?:is|are) (?:we |it |a \w+ )?(?:required|obliged)\b)",
    re.I,
)

# What kind of answer a question asks for. Ranking reads "penalty" (bring the penalty and the
# 両罰規定 next to a rule) and "company"; the others say what an answer must state.
ANSWER_KINDS = {
    "period": re.compile(
        r"いつ|期限|締切|締め切|何日|何か月|何ヶ月|何年|どのくらいの期間|\bwhen\b|how long|deadline",
        re.I,
    ),
    "amount": re.compile(r"いくら|金額|何円|手数料|how much|\bfees?\b", re.I),
    "penalty": re.compile(
        r"罰則|罰金|罰せ|処罰|刑事|懲役|拘禁|ペナルティ|どうなり|違反したら|しなかったら|"
        r"せずに|しないで|無許可|無断|penalt|punish|sanction|fine[ds]?\b|what happens if",
        re.I,
    ),
    "who": re.compile(
        r"誰が|だれが|どこが|どの(?:機関|大臣|役所)|\bwho\b|which (?:ministry|authority)", re.I
    ),
    "obligation": OBLIGATION_ASKED,
    "company": re.compile(r"会社|法人|企業|事業者|company|corporat|firm\b", re.I),
}


def answer_kinds(question: str) -> frozenset[str]:
    """The kinds of answer a question asks for (see ANSWER_KINDS)."""
    text = normalize(question)
    return frozenset(kind for kind, pattern in ANSWER_KINDS.items() if pattern.search(text))
