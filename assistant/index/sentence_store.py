"""Sentence vectors on disk: written at ingest, memory-mapped, read only where a question needs.

The sentence reranker, the delegation step and the answerer compare the question with single
sentences (see ``assistant.sentences``). Kept as one file read whole into every process, these
vectors grew with the library (some six per chunk: 600,000 at 100,000 chunks, over a gigabyte
of float32) and were embedded at the first start after an ingest. Here they are written by the
ingest that adds their chunks, in **segments** (one per group of new chunks), and a process
maps the segments instead of reading them: a question touches the pages of the sixty-odd
passages it scores, and a restart reads only each segment's sorted key array.

A segment is three ``.npy`` files sharing a name: ``keys`` (sorted 64-bit hashes of the
normalized sentence texts), ``vectors`` (float32 rows in key order, as the scorer uses them:
mapped, their size costs disk, not memory) and ``chunks`` (hashes of the
chunk ids whose sentences the segment holds, so a warm-up finds the chunks still missing
without splitting a single sentence). The keys file is renamed into place last, so a segment
is visible to other processes only once whole. Segments are merged like a binary counter: the
newest is merged into the one before it while that one is less than twice its size, so sizes
grow geometrically towards the oldest, a store of n rows has about log2(n) segments and each row
is rewritten about log2(n) times in its life (merging every segment on each write would rewrite
the whole store once per group of chunks ingested). Nothing is ever pruned: a removed chunk's
rows and its recorded coverage stay (8 bytes of coverage, a few rows), which is also right if
the same chunk comes back, and pruning by the committed chunks would forget what an ingest has
stored but not yet committed; a process still mapping a merged-away file keeps
reading it (POSIX keeps an unlinked file's pages), and a segment gone between listing and
opening is skipped (its sentences are then embedded again when asked for: slower, not wrong).
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

# Beyond this many segments a write merges them all (a lookup searches each segment); the binary
# counter keeps far fewer (about 21 at 100,000 chunks of twelve sentences each).
MAX_SEGMENTS = 32
# Rows a merge copies at a time (6 MB of 384-dimension vectors).
_MERGE_ROWS = 4096
_MODEL_FILE = "MODEL"
_KEYS, _VECTORS, _CHUNKS = ".keys.npy", ".vectors.npy", ".chunks.npy"

Keys = npt.NDArray[np.uint64]


def key_of(text: str) -> int:
    """The 64-bit key of a (normalized) sentence or chunk id."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def keys_of(texts: Iterable[str]) -> Keys:
    """Keys of many texts, as an array."""
    return np.fromiter((key_of(t) for t in texts), dtype=np.uint64)


@dataclass(frozen=True)
class _Segment:
    """One segment, mapped: its sorted keys, their vectors (read lazily) and its chunk keys."""

    name: str
    keys: Keys
    vectors: npt.NDArray[np.float32]
    chunks: Keys
    # The vectors file opened for reading single rows (``read``); closed with the segment.
    fd: int = -1

    def read(self, rows: npt.NDArray[np.intp]) -> npt.NDArray[np.float32]:
        """The vectors of these rows, read from the file rather than through the mapping.

        A question reads a few hundred rows scattered over the whole store. Touched through
        the mapping, each row mapped its neighbourhood as well (up to a 2 MB huge page on this
        machine's kernel): one question over 100,000 chunks' vectors added some 420 MB of
        resident memory, pages the kernel may reclaim but that count against the serving
        process's memory all the same. Read with ``pread`` they stay in the page cache only.
        """
        if self.fd < 0:
            return np.asarray(self.vectors[rows], dtype=np.float32)
        width = self.vectors.shape[1]
        size = width * 4
        offset = int(getattr(self.vectors, "offset", 0))
        out = np.empty((len(rows), width), dtype=np.float32)
        for i, row in enumerate(rows.tolist()):
            out[i] = np.frombuffer(os.pread(self.fd, size, offset + row * size), np.float32)
        return out

    def find(self, wanted: Keys) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.intp]]:
        """For each wanted key, whether this segment has it and at which row."""
        if not len(self.keys):
            return np.zeros(len(wanted), dtype=bool), np.zeros(len(wanted), dtype=np.intp)
        rows = np.minimum(np.searchsorted(self.keys, wanted), len(self.keys) - 1)
        return self.keys[rows] == wanted, rows


class SentenceStore:
    """The segments of one index folder's sentence vectors, for one embedding model.

    Thread-safe: lookups read an immutable list of segments that writes replace whole.
    """

    def __init__(self, folder: Path, model: str) -> None:
        self.folder = folder
        self.model = model
        self._lock = threading.Lock()
        self._segments: tuple[_Segment, ...] = ()
        self.refresh()

    # -- reading -------------------------------------------------------------------------------

    def refresh(self) -> int:
        """Map the segments on disk now (another process may have written some); returns how
        many there are. Segments of another model are ignored (and replaced by the next write)."""
        if not self._same_model():
            with self._lock:
                self._segments = ()
            return 0
        known = {s.name: s for s in self._segments}
        names = sorted(p.name[: -len(_KEYS)] for p in self.folder.glob(f"*{_KEYS}"))
        segments = []
        for name in names:
            segment = known.get(name) or self._open(name)
            if segment is not None:
                segments.append(segment)
        with self._lock:
            self._segments = tuple(segments)
        return len(segments)

    def _same_model(self) -> bool:
        try:
            return (self.folder / _MODEL_FILE).read_text(encoding="utf-8") == self.model
        except OSError:
            return False

    def _open(self, name: str) -> _Segment | None:
        base = self.folder / name
        try:
            keys = np.load(f"{base}{_KEYS}", allow_pickle=False)
            vectors = np.load(f"{base}{_VECTORS}", mmap_mode="r", allow_pickle=False)
            chunks = np.load(f"{base}{_CHUNKS}", allow_pickle=False)
        except FileNotFoundError:
            return None  # merged away meanwhile by another process
        except (OSError, ValueError) as exc:
            log.warning("ignoring the damaged sentence segment %s (%s)", base, exc)
            return None
        if len(keys) != len(vectors) or keys.dtype != np.uint64:
            log.warning("ignoring the sentence segment %s: keys and vectors differ", base)
            return None
        readable = vectors.dtype == np.dtype("<f4") and vectors.flags.c_contiguous
        try:
            fd = os.open(f"{base}{_VECTORS}", os.O_RDONLY) if readable else -1
        except FileNotFoundError:
            return None  # merged away between mapping and opening
        segment = _Segment(name, keys, vectors, chunks, fd)
        if fd >= 0:
            weakref.finalize(segment, os.close, fd)
        return segment

    def lookup(self, keys: Keys) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float32]]:
        """(found, vectors): for each key whether a segment holds it, and its float32 vector
        (zeros where not found). The newest segment holding a key gives its vector."""
        segments = self._segments
        found = np.zeros(len(keys), dtype=bool)
        dimensions = _dimensions(segments)
        vectors = np.zeros((len(keys), dimensions), dtype=np.float32)
        for segment in reversed(segments):
            if found.all():
                break
            present, rows = segment.find(keys)
            take = present & ~found
            if take.any():
                vectors[take] = segment.read(rows[take])
                found |= take
        return found, vectors

    def missing_chunks(self, chunk_ids: Sequence[str]) -> list[str]:
        """The chunk ids whose sentences no segment holds."""
        wanted = keys_of(chunk_ids)
        covered = np.zeros(len(wanted), dtype=bool)
        for segment in self._segments:
            covered |= np.isin(wanted, segment.chunks)
        return [cid for cid, done in zip(chunk_ids, covered, strict=True) if not done]

    def __len__(self) -> int:
        """Sentence vectors stored (a sentence in two segments counts twice until a merge)."""
        return sum(len(s.keys) for s in self._segments)

    @property
    def segment_count(self) -> int:
        """How many segments are mapped."""
        return len(self._segments)

    # -- writing -------------------------------------------------------------------------------

    def adopt(self, legacy: Path) -> None:
        """Take over the single ``.npz`` file earlier versions kept every sentence vector in
        (normalized texts joined by newlines, float32 rows, the model's name), then remove it:
        an upgraded index answers at once instead of embedding its sentences again. The file
        says nothing of which chunks it covered, so the next warm-up still visits every chunk,
        finds its sentences stored and records them as covered."""
        if not legacy.exists():
            return
        try:
            with np.load(legacy, allow_pickle=False) as stored:
                model = str(stored["model"])
                raw = bytes(stored["keys"]).decode("utf-8") if stored["keys"].size else ""
                vectors = np.asarray(stored["vectors"], dtype=np.float32)
        except (OSError, ValueError, KeyError) as exc:
            log.warning("ignoring the old sentence vectors %s (%s)", legacy, exc)
            model, raw, vectors = "", "", np.zeros((0, 0), dtype=np.float32)
        texts = raw.split("\n") if raw else []
        if model == self.model and texts and len(texts) == len(vectors):
            self.add(keys_of(texts), vectors, [])
            log.info("took over %d sentence vectors from %s", len(texts), legacy.name)
        legacy.unlink(missing_ok=True)

    def add(
        self,
        keys: Keys,
        vectors: npt.NDArray[np.floating],
        chunk_ids: Sequence[str],
    ) -> None:
        """Store one segment: ``vectors[i]`` of sentence key ``keys[i]``, for these chunks."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if not self._same_model():
            self._reset()
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        unique = np.ones(len(keys), dtype=bool)
        unique[1:] = keys[1:] != keys[:-1]
        rows = np.asarray(vectors)[order][unique]
        self._write(keys[unique], [rows], rows.shape[1], keys_of(chunk_ids))
        self.refresh()
        self._compact()

    def _compact(self) -> None:
        """Merge the newest segments while the one before the newest is less than twice its
        size (see the module docstring); past ``MAX_SEGMENTS`` merge them all."""
        while len(self._segments) >= 2:
            segments = self._segments
            if len(segments) > MAX_SEGMENTS:
                self._merge(segments)
                continue
            older, newer = segments[-2], segments[-1]
            if _size(older) >= 2 * _size(newer):
                return
            self._merge(segments[-2:])

    def _reset(self) -> None:
        """Drop every segment (they belong to another model) and record this one."""
        for path in self.folder.glob("*.npy"):
            path.unlink(missing_ok=True)
        _write_atomically(self.folder / _MODEL_FILE, self.model.encode("utf-8"))

    def _write(
        self,
        keys: Keys,
        vectors: Iterable[npt.NDArray[np.floating]],
        width: int,
        chunks: Keys,
        name: str = "",
    ) -> str:
        """Store a segment: ``vectors`` gives the rows of ``keys`` in order, in one block or
        several (a merge's, so the merged segment is never held whole)."""
        name = name or f"{time.time_ns():020d}-{os.getpid()}-{threading.get_ident() % 10**6:06d}"
        base = self.folder / name
        _save_rows_atomically(Path(f"{base}{_VECTORS}"), len(keys), width, vectors)
        _save_atomically(Path(f"{base}{_CHUNKS}"), np.unique(chunks))
        _save_atomically(Path(f"{base}{_KEYS}"), keys)  # last: the segment is now visible
        return name

    def merge(self) -> None:
        """Merge every segment into one (see ``_merge``)."""
        self._merge(self._segments)

    def _merge(self, segments: Sequence[_Segment]) -> None:
        """Merge consecutive segments into one (the newest vector of each key wins), named to
        sort where the newest of them did.

        The vectors are copied a block of rows at a time, read with ``pread`` and written to
        the new file as they come: built whole in memory from the mapped segments, merging the
        100k benchmark's store (471,000 rows, 695 MB) peaked at 2.1 GB of resident memory,
        the largest part of its ingest's peak.
        """
        if len(segments) < 2:
            return
        ordered = list(reversed(segments))  # newest first: np.unique keeps first occurrences
        keys = np.concatenate([s.keys for s in ordered])
        first = np.unique(keys, return_index=True)[1]
        bounds = np.cumsum([0, *(len(s.keys) for s in ordered)])
        owner = np.searchsorted(bounds, first, side="right") - 1
        width = _dimensions(segments)

        def blocks() -> Iterator[npt.NDArray[np.float32]]:
            for start in range(0, len(first), _MERGE_ROWS):
                rows, owners = first[start : start + _MERGE_ROWS], owner[start : start + _MERGE_ROWS]
                block = np.empty((len(rows), width), dtype=np.float32)
                for index, segment in enumerate(ordered):
                    mine = owners == index
                    if mine.any():
                        block[mine] = segment.read(rows[mine] - bounds[index])
                yield block

        chunks = np.concatenate([s.chunks for s in segments])
        self._write(keys[first], blocks(), width, chunks, name=f"{segments[-1].name}m")
        for segment in segments:
            for suffix in (_KEYS, _VECTORS, _CHUNKS):  # keys first: invisible before partial
                (self.folder / f"{segment.name}{suffix}").unlink(missing_ok=True)
        self.refresh()
        log.debug("merged %d sentence segments (%d sentences)", len(segments), len(first))


def _size(segment: _Segment) -> int:
    """A segment's weight for merging: its rows, and the chunks it records (some hold no rows)."""
    return len(segment.keys) + len(segment.chunks)


def _dimensions(segments: Sequence[_Segment]) -> int:
    """The vectors' width (a segment recording only covered chunks holds no rows)."""
    return max((s.vectors.shape[1] for s in segments if len(s.keys)), default=0)


def _save_atomically(path: Path, array: np.ndarray) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".npy")
    try:
        with os.fdopen(fd, "wb") as handle:
            np.save(handle, array, allow_pickle=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _save_rows_atomically(
    path: Path, rows: int, width: int, blocks: Iterable[npt.NDArray[np.float32]]
) -> None:
    """Write a float32 (rows, width) ``.npy`` file from blocks of rows, never holding it whole."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".npy")
    try:
        with os.fdopen(fd, "wb") as handle:
            header = {"descr": "<f4", "fortran_order": False, "shape": (rows, width)}
            np.lib.format.write_array_header_1_0(handle, header)
            written = 0
            for block in blocks:
                handle.write(np.ascontiguousarray(block, dtype="<f4").tobytes())
                written += len(block)
            if written != rows:
                raise ValueError(f"{path.name}: {written} rows written, {rows} announced")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
