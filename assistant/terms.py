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


@functools.lru_cache(maxsize=1024)
def _phrase_pattern(english: str) -> re.Pattern[str]:
    """A glossary phrase as a pattern matching its head noun (the last word) in the singular or
    the plural: the file lists 「specified critical products」, a user asks about "a specified
    critical product"; 「subsidy」 is asked as "subsidies"."""
    *first, last = english.split(" ")
    if last.endswith("ies") or (last.endswith("y") and last[-2:-1] not in "aeiou"):
        head = rf"{re.escape(last.removesuffix('ies').removesuffix('y'))}(?:y|ies)"
    elif last.endswith("s") and not last.endswith(("ss", "is", "us")) and len(last) > 3:
        head = rf"{re.escape(last[:-1])}(?:s|es)?"
    else:
        head = rf"{re.escape(last)}(?:s|es)?"
    words = [re.escape(w) for w in first] + [head]
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
