"""English-to-Japanese term expansion for keyword search of English questions.

Dense retrieval is multilingual, but BM25 cannot match "supply assurance plan" against
供給確保計画. corpus/terms-en-ja.yaml maps the corpus's English legal terms to their Japanese
forms; an English question's keyword query gets those forms added. The dense query and the
question shown to the user are never changed. An acronym in a Japanese question ("GOCO") counts
as mentioned by a passage that uses its Japanese form, which the documents use instead.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from assistant.catalog import read_corpus_yaml
from assistant.errors import ConfigError

TERMS_FILE = "terms-en-ja.yaml"


@dataclass(frozen=True)
class TermMap:
    """English phrases (lower case) and their Japanese equivalents, longest phrase first."""

    pairs: tuple[tuple[str, str], ...] = ()

    def expand(self, question: str) -> str:
        """The question plus the Japanese forms of the English terms it contains."""
        remaining = question.lower()
        found: list[str] = []
        for english, japanese in self.pairs:
            pattern = _phrase_pattern(english)
            if pattern.search(remaining):
                found.append(japanese)
                remaining = pattern.sub(" ", remaining)
        return f"{question} {' '.join(found)}" if found else question

    def japanese_for(self, name: str) -> tuple[str, ...]:
        """The Japanese forms of one English term or acronym ("goco"), if the glossary has it."""
        wanted = name.lower()
        return next((tuple(ja.split()) for en, ja in self.pairs if en == wanted), ())


# Endings a head word is asked with: the same word inflected or derived ("compensate",
# "compensated", "compensation"; "publish", "published"; "licence", "licensed").
_LATINATE = re.compile(r"(?:ations?|at(?:e[ds]?|ing))$")
_SPELLING = re.compile(r"n[cs]e$")  # licence / license, defence / defense


def _head_forms(last: str) -> str:
    """A pattern for the glossary phrase's head word in the forms a question uses it in: the
    plural (「subsidy」 asked as "subsidies"), and the verb and noun of one stem (「compensation」
    asked as "will the government compensate us?", 「attach」 as "attached"). The stem keeps the
    whole word before a Latinate ending, so 「designation」 matches "designate" but never
    "design" or "designed", which are another word."""
    if last.endswith("ies") or (last.endswith("y") and last[-2:-1] not in "aeiou"):
        return rf"{re.escape(last.removesuffix('ies').removesuffix('y'))}(?:y|ies)"
    if last.endswith(("sses", "shes", "ches", "xes")):
        last = last[:-2]  # losses, searches
    elif last.endswith("s") and not last.endswith(("ss", "is", "us")) and len(last) > 3:
        last = last[:-1]
    latinate = _LATINATE.search(last)
    if latinate and latinate.start() >= 4:
        return rf"{re.escape(last[: latinate.start()])}(?:ations?|at(?:e[ds]?|ing))"
    if _SPELLING.search(last):
        root = re.escape(last[:-2])
        return rf"{root}[cs](?:e[sd]?|ing)"
    if last.endswith("e"):
        return rf"{re.escape(last[:-1])}(?:e[sd]?|ing|ements?)"
    return rf"{re.escape(last)}(?:s|es|ed|ing|ments?)?"


@functools.lru_cache(maxsize=1024)
def _phrase_pattern(english: str) -> re.Pattern[str]:
    """A glossary phrase as a pattern matching its head noun (the last word) in the forms a
    question uses (``_head_forms``): the file lists 「specified critical products」, a user asks
    about "a specified critical product"."""
    *first, last = english.split(" ")
    words = [re.escape(w) for w in first] + [_head_forms(last)]
    return re.compile(rf"(?<![a-z]){' '.join(words)}(?![a-z])")


def load_terms(corpus_dir: Path) -> TermMap:
    """Read corpus_dir/terms-en-ja.yaml (absent: no expansion)."""
    path = corpus_dir / TERMS_FILE
    if not path.exists():
        return TermMap()
    terms = read_corpus_yaml(path, "terms")
    if not isinstance(terms, dict):
        raise ConfigError(f"{path}: expected a top-level 'terms' mapping of English: Japanese")
    pairs = sorted(((str(k).lower(), str(v)) for k, v in terms.items()), key=lambda p: -len(p[0]))
    return TermMap(tuple(pairs))
