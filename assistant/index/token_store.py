"""The terms of every indexed chunk, on disk: what the keyword index is rebuilt from.

A snapshot's keyword index covers exactly the committed chunks, so it is rebuilt whenever they
change (each ingest, each start). Tokenizing is the slow part (SudachiPy), so each chunk's
word tokens and character bigrams are stored once, when the chunk is first indexed, and read
back as arrays. They are kept in **segments**: one ``.npz`` file per build that met new chunks,
holding those chunks' ids, their rows of term ids and counts (``TermRows``) and the segment's
own term lists (ids are local to a segment and mapped to the process's ``Vocabulary`` on
reading, so two processes never have to agree on ids). A segment is written under a temporary
name and renamed into place, so other processes see it whole or not at all.

Chunks removed from the index leave their rows behind; when the segments hold more stale rows
than live ones, or there are more than MAX_SEGMENTS files, a build writes the live rows into
one segment and deletes the files it read (a segment another process writes meanwhile is not
among them and stays). A reader that finds a listed file gone lists again.

An index written before segments existed kept the word tokens in one ``tokens.json``; its
tokens are used for the chunks they cover (no re-tokenizing), and the file is removed once its
chunks are in a segment.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from assistant.index.keyword import (
    BM25Parameters,
    JapaneseTokenizer,
    KeywordIndex,
    TermRows,
    Vocabulary,
    character_bigrams,
)

log = logging.getLogger(__name__)

MAX_SEGMENTS = 16
_PREFIX, _SUFFIX = "terms-", ".npz"
_LEGACY_FILE = "tokens.json"
_READ_ATTEMPTS = 5
# Terms, chunk ids: joined by this into one byte array per list (none of them holds it: a token
# is one morpheme's stripped surface, a bigram has no blanks, a chunk id is a hex digest).
_SEPARATOR = "\n"


@dataclass(frozen=True)
class _Segment:
    """One segment's chunks and their rows, term ids already in the process's vocabularies."""

    name: str
    chunk_ids: tuple[str, ...]
    words: TermRows
    bigrams: TermRows


def _joined(items: Sequence[str]) -> npt.NDArray[np.uint8]:
    return np.frombuffer(_SEPARATOR.join(items).encode("utf-8"), dtype=np.uint8)


def _split(array: npt.NDArray[np.uint8]) -> list[str]:
    text = array.tobytes().decode("utf-8")
    return text.split(_SEPARATOR) if text else []


def _rows_arrays(prefix: str, rows: TermRows, terms: Sequence[str]) -> dict[str, np.ndarray]:
    """A segment's arrays for one view: its rows with ids local to ``terms``."""
    return {
        f"{prefix}_indptr": rows.indptr,
        f"{prefix}_ids": rows.ids,
        f"{prefix}_counts": rows.counts,
        f"{prefix}_lengths": rows.lengths,
        f"{prefix}_terms": _joined(terms),
    }


def _local(rows: TermRows) -> tuple[TermRows, npt.NDArray[np.int32]]:
    """Rows renumbered to the terms they use (0..k-1), and those terms' ids, for writing."""
    used, local = np.unique(rows.ids, return_inverse=True)
    return TermRows(rows.indptr, local.astype(np.int32), rows.counts, rows.lengths), used


def _live(parts: list[TermRows], order: npt.NDArray[np.intp], total: int) -> TermRows:
    """The rows ``order`` names (numbered across the parts), emptying ``parts`` as it goes."""
    joined = TermRows.concat(parts)
    parts.clear()
    if len(order) == total and np.array_equal(order, np.arange(total)):
        return joined  # every stored row, in order: the usual case after a compaction
    return joined.take(order)


class TokenStore:
    """Persisted terms per chunk id: the durable half of the keyword index.

    Used by the one thread that loads snapshots (``IndexReader`` holds its lock around it).
    """

    def __init__(
        self,
        directory: Path,
        tokenizer: JapaneseTokenizer,
        bm25: BM25Parameters | None = None,
    ) -> None:
        self._folder = directory
        self._tokenizer = tokenizer
        self._parameters = bm25 or BM25Parameters()
        self.words = Vocabulary()
        self.bigrams = Vocabulary()

    # -- building ------------------------------------------------------------------------------

    def build_index(self, chunks: Iterable[tuple[str, str]]) -> KeywordIndex:
        """A KeywordIndex over exactly these (chunk_id, search_text) pairs, in their order;
        the terms of chunks no segment holds yet are computed and stored first."""
        pairs = list(chunks)
        segments = self._read_segments()
        where: dict[str, int] = {}
        offset = 0
        for segment in segments:
            for row, cid in enumerate(segment.chunk_ids):
                where.setdefault(cid, offset + row)
            offset += len(segment.chunk_ids)
        missing = [(cid, text) for cid, text in dict(pairs).items() if cid not in where]
        if missing:
            fresh = self._segment_of(missing)
            segments.append(replace(fresh, name=self._write(fresh)))
            for row, (cid, _) in enumerate(missing):
                where[cid] = offset + row
            offset += len(missing)
        order = np.fromiter((where[cid] for cid, _ in pairs), dtype=np.intp, count=len(pairs))
        names = [s.name for s in segments]
        # One view at a time, each segment's arrays let go once joined: at 100,000 chunks the
        # bigram rows alone are some 200 MB, and every extra copy adds to the peak.
        views = [s.words for s in segments], [s.bigrams for s in segments]
        del segments
        words = _live(views[0], order, offset)
        bigrams = _live(views[1], order, offset)
        del views
        stale = offset - len(np.unique(order))  # stored rows no live chunk reads
        if len(names) > MAX_SEGMENTS or stale > len(pairs):
            self._compact([cid for cid, _ in pairs], words, bigrams, names)
        return KeywordIndex(
            [cid for cid, _ in pairs], words, self.words, bigrams, self.bigrams, self._parameters
        )

    def _segment_of(self, chunks: Sequence[tuple[str, str]]) -> _Segment:
        """Tokenize new chunks (or take their tokens from a pre-segment tokens.json)."""
        legacy = self._legacy_tokens()
        started = time.perf_counter()
        tokens = [
            legacy.get(cid) or self._tokenizer.tokenize(text) for cid, text in chunks
        ]
        words = TermRows.of(tokens, self.words)
        del tokens
        bigrams = TermRows.of((character_bigrams(text) for _, text in chunks), self.bigrams)
        log.info("terms of %d chunks in %.1f s", len(chunks), time.perf_counter() - started)
        return _Segment("", tuple(cid for cid, _ in chunks), words, bigrams)

    def _legacy_tokens(self) -> dict[str, list[str]]:
        path = self._folder / _LEGACY_FILE
        if not path.exists():
            return {}
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return {}  # damaged: the chunks are tokenized again
        return {cid: [sys.intern(t) for t in tokens] for cid, tokens in stored.items()}

    # -- disk ----------------------------------------------------------------------------------

    def _write(self, segment: _Segment) -> str:
        """Store a segment under a new name (visible to others only once whole)."""
        words, word_ids = _local(segment.words)
        bigrams, bigram_ids = _local(segment.bigrams)
        word_terms = self.words.terms()
        bigram_terms = self.bigrams.terms()
        arrays = {
            "chunk_ids": _joined(segment.chunk_ids),
            **_rows_arrays("words", words, [word_terms[i] for i in word_ids]),
            **_rows_arrays("bigrams", bigrams, [bigram_terms[i] for i in bigram_ids]),
        }
        self._folder.mkdir(parents=True, exist_ok=True)
        name = f"{_PREFIX}{time.time_ns():020d}-{os.getpid()}{_SUFFIX}"
        fd, temporary = tempfile.mkstemp(dir=self._folder, prefix=".terms-", suffix=_SUFFIX)
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, allow_pickle=False, **arrays)
        os.replace(temporary, self._folder / name)
        (self._folder / _LEGACY_FILE).unlink(missing_ok=True)  # its chunks are in a segment now
        return name

    def _read_segments(self) -> list[_Segment]:
        """Every segment on disk, oldest first; lists again if one vanished while reading."""
        for _attempt in range(_READ_ATTEMPTS):
            names = sorted(p.name for p in self._folder.glob(f"{_PREFIX}*{_SUFFIX}"))
            try:
                return [self._read(name) for name in names]
            except FileNotFoundError:
                continue  # merged away by another process meanwhile
        raise RuntimeError(f"the keyword segments in {self._folder} kept changing while read")

    def _read(self, name: str) -> _Segment:
        with np.load(self._folder / name) as stored:
            chunk_ids = tuple(_split(stored["chunk_ids"]))
            views = []
            for prefix, vocabulary in (("words", self.words), ("bigrams", self.bigrams)):
                rows = TermRows(
                    stored[f"{prefix}_indptr"],
                    stored[f"{prefix}_ids"],
                    stored[f"{prefix}_counts"],
                    stored[f"{prefix}_lengths"],
                )
                terms = [sys.intern(t) for t in _split(stored[f"{prefix}_terms"])]
                views.append(rows.remap(vocabulary.add(terms)) if terms else rows)
        return _Segment(name, chunk_ids, views[0], views[1])

    def _compact(
        self, chunk_ids: Sequence[str], words: TermRows, bigrams: TermRows, read: Sequence[str]
    ) -> None:
        """Replace the segments read by one holding just the live rows."""
        self._write(_Segment("", tuple(chunk_ids), words, bigrams))
        for name in read:
            (self._folder / name).unlink(missing_ok=True)
        log.info("keyword segments compacted: %d chunks in one", len(chunk_ids))
