"""What the index knows about the laws as law: the reference graph and each law's definitions.

Both are parsed from the committed chunks (``assistant.law.graph``,
``assistant.law.definitions``) and stored beside the index under a fingerprint of exactly those
chunks and of which law each order carries out. The process that writes the index computes them
once, when it publishes its snapshot; every other snapshot over the same chunks (a restart, a
second process, the evaluation) reads the file instead of parsing the corpus again, which
matters as the library grows.

The graph also answers the delegation question (which order provisions carry out a law
article): 「法第七十九条第五項の政令で定める額は」 in an order is a reference to the law it
implements, so there is one set of links, not two.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.law.definitions import DefinitionTable, collect_definitions
from assistant.law.graph import ReferenceGraph, build_reference_graph
from assistant.types import Chunk

LAW_LINKS_FILE = "law-links.json"
_FORMAT = 7  # 7: lists going on after a range (第三号から第十号まで、第十二号); 6: designations after 「を、」; 5: breaches; 4: what 法 and 令 mean per document; 2: definitions in passing, X（…をいう。）; 3: scope references (において同じ) dropped
log = logging.getLogger(__name__)

Implements = Callable[[str], str | None]


@dataclass(frozen=True)
class LawLinks:
    """The reference graph and the definitions over one set of committed chunks."""

    references: ReferenceGraph
    definitions: DefinitionTable

    @classmethod
    def build(cls, chunks: Sequence[Chunk], implements: Implements) -> LawLinks:
        """Parse every provision's references and every law's definitions."""
        law_chunks = [c for c in chunks if c.article]
        return cls(
            build_reference_graph(law_chunks, implements), collect_definitions(law_chunks)
        )


def fingerprint(chunks: Sequence[Chunk], implements: Implements) -> str:
    """Identifies the chunks (their ids hash their text) and the 法/令 each document means."""
    digest = hashlib.sha256(f"format {_FORMAT}\n".encode())
    for source in sorted({c.source for c in chunks}):
        digest.update(f"{source}\t{implements(source) or ''}\n".encode())
    for chunk in chunks:
        digest.update(f"{chunk.chunk_id}\n".encode())
    return digest.hexdigest()


class LawLinkStore:
    """Reads the stored links for a set of chunks, or builds and stores them."""

    def __init__(self, directory: Path, implements: Implements | None = None) -> None:
        self._path = directory / LAW_LINKS_FILE
        self._implements: Implements = implements or (lambda _source: None)

    def load(self, chunks: Sequence[Chunk]) -> LawLinks:
        """The links over exactly these chunks (in index order)."""
        key = fingerprint(chunks, self._implements)
        stored = self._read(key)
        if stored is not None:
            return stored
        links = LawLinks.build(chunks, self._implements)
        self._write(key, links)
        return links

    def _read(self, key: str) -> LawLinks | None:
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            log.warning("ignoring unreadable %s (%s); rebuilding it", self._path, error)
            return None
        if data.get("fingerprint") != key:
            return None
        return LawLinks(
            ReferenceGraph.from_json(data["references"]),
            DefinitionTable.from_json(data["definitions"]),
        )

    def _write(self, key: str, links: LawLinks) -> None:
        data = {
            "fingerprint": key,
            "references": links.references.to_json(),
            "definitions": links.definitions.to_json(),
        }
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self._path.parent, prefix=".law-links-")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False)
            os.replace(tmp, self._path)
        except OSError as error:  # a read-only index still answers; it parses again next time
            log.warning("could not store %s: %s", self._path, error)
