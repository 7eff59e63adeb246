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

The BM25 arrays built from the segments are cached too (``bm25-<key>/``, memory-mapped; see
"the cache of built arrays" below): a restart whose chunks and segments are unchanged maps them
instead of building, and every process serves from the mapped copies.

An index written before segments existed kept the word tokens in one ``tokens.json``; its
tokens are used for the chunks they cover (no re-tokenizing), and the file is removed once its
chunks are in a segment.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
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
_CACHE_PREFIX, _CACHE_META, _CACHE_VERSION = "bm25-", "meta.json", "1"
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


def _mapped(folder: Path, names: Sequence[str]) -> dict[str, np.ndarray]:
    """The cached arrays of ``folder``, memory-mapped read-only."""
    return {name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in names}


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
        the terms of chunks no segment holds yet are computed and stored first.

        A fresh process whose chunks and segments are those of the last build maps that
        build's arrays from the cache instead (see ``_cached``); a build stores its arrays
        there and serves from the mapped copies."""
        pairs = list(chunks)
        ids = [cid for cid, _ in pairs]
        if pairs:
            cached = self._cached(self._segment_names(), ids)
            if cached is not None:
                return cached
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
        compact = len(names) > MAX_SEGMENTS or stale > len(pairs)
        if compact:
            self._compact(ids, words, bigrams, names)
        index = KeywordIndex(ids, words, self.words, bigrams, self.bigrams, self._parameters)
        del words, bigrams
        if not pairs or compact:
            return index  # after a compaction the next build (with its one segment) caches
        return self._cache(names, ids, index)

    # -- the cache of built arrays ---------------------------------------------------------------
    #
    # Building the BM25 arrays reads every segment's rows and sorts every posting: at 100,000
    # chunks some 250 MB of rows and 250 MB of results at once, held by every process for as
    # long as it serves. A build therefore writes its arrays to ``bm25-<key>/`` (one ``.npy``
    # per array, with the vocabularies its ids refer to) and serves from them memory-mapped:
    # only the postings questions touch are read, and the kernel may drop them again. A new
    # process whose chunks and segments give the same key maps them without building; the key
    # is a digest of the segment names (a segment never changes under its name), the chunk ids
    # in order and the BM25 parameters. Ids are the process's own, so only a process that has
    # given none yet (a fresh start) takes a cache's vocabularies over; any other builds.

    def _segment_names(self) -> list[str]:
        return sorted(p.name for p in self._folder.glob(f"{_PREFIX}*{_SUFFIX}"))

    def _key(self, names: Sequence[str], ids: Sequence[str]) -> str:
        digest = hashlib.sha256(f"{_CACHE_VERSION} {self._parameters}".encode())
        for part in (names, ids):
            digest.update(_SEPARATOR.join(part).encode("utf-8"))
            digest.update(b"\0")
        return digest.hexdigest()[:32]

    def _cached(self, names: Sequence[str], ids: Sequence[str]) -> KeywordIndex | None:
        """The index the cache holds for these segments and chunks, mapped; None if there is
        none, it is damaged, or its term ids are not this process's (this process gave ids
        already, and not the same ones)."""
        folder = self._folder / f"{_CACHE_PREFIX}{self._key(names, ids)}"
        try:
            meta = json.loads((folder / _CACHE_META).read_text(encoding="utf-8"))
            if meta.get("documents") != len(ids):
                return None
            arrays = _mapped(folder, meta["arrays"])
            words = _split(np.load(folder / "words_terms.npy"))
            bigrams = _split(np.load(folder / "bigrams_terms.npy"))
        except (OSError, ValueError, KeyError, TypeError):
            return None  # absent or damaged: built again
        for vocabulary, terms in ((self.words, words), (self.bigrams, bigrams)):
            given = vocabulary.terms()
            if given and given[: len(terms)] != terms:
                return None  # ids given otherwise here (the cache is another process's)
        for vocabulary, terms in ((self.words, words), (self.bigrams, bigrams)):
            if not len(vocabulary):
                vocabulary.add(sys.intern(t) for t in terms)
        log.info("keyword index of %d chunks mapped from %s", len(ids), folder.name)
        return KeywordIndex.from_arrays(ids, arrays, self.words, self.bigrams)

    def _cache(self, names: Sequence[str], ids: Sequence[str], index: KeywordIndex) -> KeywordIndex:
        """Store a built index's arrays under its key and return it served from them (the
        built one when the store cannot be written: a read-only or full disk)."""
        final = self._folder / f"{_CACHE_PREFIX}{self._key(names, ids)}"
        if final.exists():  # this process's earlier build, or another's
            reused = self._cached(names, ids)
            if reused is not None:
                return reused
            shutil.rmtree(final, ignore_errors=True)  # damaged, or other ids: ours replace it
        arrays = index.arrays()
        try:
            temporary = Path(tempfile.mkdtemp(dir=self._folder, prefix=f".{_CACHE_PREFIX}"))
        except OSError as exc:
            log.warning("keyword cache not written (%s)", exc)
            return index
        try:
            stored = {
                **arrays,
                "words_terms": _joined(self.words.terms()),
                "bigrams_terms": _joined(self.bigrams.terms()),
            }
            for name, array in stored.items():
                with open(temporary / f"{name}.npy", "wb") as handle:
                    np.save(handle, np.ascontiguousarray(array), allow_pickle=False)
                    handle.flush()
                    os.fsync(handle.fileno())
            meta = {"documents": len(ids), "arrays": sorted(arrays)}
            (temporary / _CACHE_META).write_text(json.dumps(meta), encoding="utf-8")
            os.rename(temporary, final)
        except OSError as exc:
            shutil.rmtree(temporary, ignore_errors=True)
            if not final.exists():
                log.warning("keyword cache not written (%s)", exc)
            return index
        for old in self._folder.glob(f"{_CACHE_PREFIX}*"):
            if old != final:  # a process mapping it keeps its mapping
                shutil.rmtree(old, ignore_errors=True)
        try:
            return KeywordIndex.from_arrays(
                ids, _mapped(final, sorted(arrays)), self.words, self.bigrams
            )
        except (OSError, ValueError):
            return index

    def _segment_of(self, chunks: Sequence[tuple[str, str]]) -> _Segment:
        """Tokenize new chunks (or take their tokens from a pre-segment tokens.json)."""
        legacy = self._legacy_tokens()
        started = time.perf_counter()
        tokens = [legacy.get(cid) or self._tokenizer.tokenize(text) for cid, text in chunks]
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
