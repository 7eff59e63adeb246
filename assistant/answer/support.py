"""How well a cited passage supports an answer sentence.

The LLM answerer uses this to drop unsupported generated sentences, and the evaluation uses it
to measure citation support; both must apply the same rule, so it lives with answering.
"""

from __future__ import annotations

import re

from assistant.japanese import normalize

# Share of a generated sentence's character trigrams that its passage must contain.
GENERATED_SUPPORT_THRESHOLD = 0.5


def _char_ngrams(text: str, n: int = 3) -> set[str]:
    text = re.sub(r"\s+", "", normalize(text))
    return {text[i : i + n] for i in range(max(0, len(text) - n + 1))}


def support_score(sentence: str, passage: str) -> float:
    """How well a passage supports a sentence, in [0, 1].

    1.0 when the sentence is contained verbatim (after NFKC); otherwise the share of the
    sentence's character trigrams found in the passage, which rewards paraphrase that keeps
    the passage's terms and punishes added facts (new numbers, names, dates bring new trigrams).
    """
    if normalize(sentence).strip() in normalize(passage):
        return 1.0
    grams = _char_ngrams(sentence)
    if not grams:
        return 0.0
    return len(grams & _char_ngrams(passage)) / len(grams)
