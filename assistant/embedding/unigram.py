"""Unigram segmentation of one word, as `tokenizers` does it, over a compact piece table.

`tokenizers` keeps a Unigram vocabulary in a byte trie whose nodes are hash maps: for the
250,002 pieces of multilingual-e5 that is some 280 MB resident in every process, more than the
model's bfloat16 weights. Here the pieces live in a few flat arrays (about 10 MB): the sorted
64-bit ``hash()`` of every piece, the piece ids in that order, the pieces' UTF-8 bytes and
their scores. A word's candidate pieces are its substrings up to the longest piece that starts
with the same character, looked up at once with ``numpy.searchsorted`` and confirmed byte for
byte (a hash match alone could in theory be a collision).

The search itself follows ``Unigram::encode_optimized`` of `tokenizers` step for step, since
token ids must come out identical, ties included:

* positions are visited left to right, and at each the pieces starting there from the shortest
  to the longest; a path replaces the best path into its end only if strictly better, so the
  first one found wins a tie;
* a character that is no piece by itself may be an unknown token scored the lowest piece score
  minus 10 (``K_UNK_PENALTY``);
* the best path is read backwards and runs of unknown-id tokens are fused into one token, whose
  id is that of the fused text if it is a piece, else the unknown id.

Python's ``hash`` of a string differs between processes, so the table is built in the process
that uses it.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

UNK_PENALTY = 10.0  # tokenizers' K_UNK_PENALTY
_FILTER_BYTES = 1 << 19


class _Hits(NamedTuple):
    """Pieces found in a text, ordered by start then length (the search's order)."""

    starts: list[int]
    lengths: list[int]
    ids: list[int]
    scores: list[float]


class PieceTable:
    """The vocabulary as flat arrays: piece -> id by hash, id -> piece and score by index."""

    def __init__(self, pieces: Sequence[str], scores: npt.NDArray[np.float64]) -> None:
        if len(pieces) != len(scores) or not pieces:
            raise ValueError(f"{len(pieces)} pieces but {len(scores)} scores")
        hashes = np.fromiter(map(hash, pieces), dtype=np.int64, count=len(pieces))
        order = np.argsort(hashes, kind="stable")
        self._hashes = hashes[order]
        self._ids = order.astype(np.int32)
        # One bit per hash value modulo 2**22 (512 KB): most substrings are no piece, and the
        # bit rules them out before the binary search (1 in 16 of the others passes wrongly).
        self._bits = np.zeros(_FILTER_BYTES, dtype=np.uint8)
        masks = (1 << (hashes & 7)).astype(np.uint8)
        np.bitwise_or.at(self._bits, (hashes >> 3) & (_FILTER_BYTES - 1), masks)
        encoded = [p.encode("utf-8") for p in pieces]
        self._bounds = np.zeros(len(pieces) + 1, dtype=np.int64)
        np.cumsum([len(b) for b in encoded], out=self._bounds[1:])
        self._blob = b"".join(encoded)
        self.scores = np.asarray(scores, dtype=np.float64)
        # The longest piece starting with each code point bounds the substrings worth looking
        # up (1.1 MB; a third of the lookups of a flat 16-character bound on Japanese text).
        lengths = [len(p) for p in pieces]
        if min(lengths) < 1 or max(lengths) > 255:
            raise ValueError("pieces must be 1 to 255 characters long")
        self.longest_from = np.zeros(0x110000, dtype=np.uint8)
        firsts = np.fromiter((ord(p[0]) for p in pieces), dtype=np.int64, count=len(pieces))
        np.maximum.at(self.longest_from, firsts, lengths)

    def __len__(self) -> int:
        return len(self.scores)

    @property
    def nbytes(self) -> int:
        """Bytes held by the table's arrays."""
        arrays = (self._hashes, self._ids, self._bits, self._bounds, self.scores, self.longest_from)
        return sum(a.nbytes for a in arrays) + len(self._blob)

    def piece(self, piece_id: int) -> str:
        """The text of piece ``piece_id``."""
        start, end = self._bounds[piece_id], self._bounds[piece_id + 1]
        return self._blob[start:end].decode("utf-8")

    def lookup(self, texts: Sequence[str]) -> npt.NDArray[np.int64]:
        """The id of each text that is a piece, -1 for the others.

        Pieces may share a hash: CPython hashes a string's stored bytes, so the two-letter "te"
        and the one-character "整" (U+6574, stored as the bytes of "te") always collide. Each
        text is compared with the pieces of its hash in turn.
        """
        wanted = np.fromiter(map(hash, texts), dtype=np.int64, count=len(texts))
        ids = np.full(len(texts), -1, dtype=np.int64)
        bits = self._bits[(wanted >> 3) & (_FILTER_BYTES - 1)] >> (wanted & 7).astype(np.uint8)
        pending = np.flatnonzero(bits & 1)
        at = np.searchsorted(self._hashes, wanted[pending])
        while pending.size:
            inside = at < len(self._hashes)
            pending, at = pending[inside], at[inside]
            same_hash = self._hashes[at] == wanted[pending]
            pending, at = pending[same_hash], at[same_hash]
            candidates = self._ids[at]
            equal = self._equal(texts, pending, candidates)
            ids[pending[equal]] = candidates[equal]
            pending, at = pending[~equal], at[~equal] + 1
        return ids

    def _equal(
        self, texts: Sequence[str], which: npt.NDArray[np.int64], candidates: npt.NDArray[np.int32]
    ) -> npt.NDArray[np.bool_]:
        """Whether ``texts[which[k]]`` is piece ``candidates[k]``, byte for byte."""
        blob = self._blob
        starts = self._bounds[candidates].tolist()
        ends = self._bounds[candidates + 1].tolist()
        return np.array(
            [
                blob[start:end] == texts[k].encode("utf-8")
                for k, start, end in zip(which.tolist(), starts, ends, strict=True)
            ],
            dtype=bool,
        )

    def id_of(self, text: str) -> int | None:
        """The id of piece ``text``, or None."""
        piece_id = int(self.lookup([text])[0])
        return None if piece_id < 0 else piece_id


class UnigramModel:
    """The best segmentation of a word into pieces (see the module docstring for the rules)."""

    def __init__(self, table: PieceTable, unk_id: int) -> None:
        if not 0 <= unk_id < len(table):
            raise ValueError(f"unknown-token id {unk_id} is outside the vocabulary")
        self.table = table
        self.unk_id = unk_id
        self._unk_score = float(table.scores.min()) - UNK_PENALTY

    def segment(self, word: str) -> list[int]:
        """Token ids of one pre-tokenized, normalized word."""
        return self.segment_words([word])

    def segment_words(self, words: Sequence[str]) -> list[int]:
        """Token ids of consecutive words, each segmented on its own.

        The pieces of all the words are looked up at once: per word, numpy's fixed costs made
        English (a word every few characters) four times slower per token than Japanese.
        """
        text = "".join(words)
        if not text:
            return []
        lengths = [len(w) for w in words]
        hits = self._hits(text, lengths)
        out: list[int] = []
        begin = 0
        for length in lengths:
            out.extend(self._segment_span(text, begin, begin + length, hits))
            begin += length
        return out

    def _hits(self, text: str, lengths: list[int]) -> _Hits:
        """Every piece of ``text`` that lies within one word, in the search's order."""
        n = len(text)
        word_ends = np.repeat(np.cumsum(lengths), lengths)
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        widths = np.minimum(self.table.longest_from[codes], word_ends - np.arange(n))
        firsts = np.repeat(np.cumsum(widths) - widths, widths)  # where each start's list begins
        ids = self.table.lookup(
            [
                text[i : i + w]
                for i, width in enumerate(widths.tolist())
                for w in range(1, width + 1)
            ]
        )
        found = np.flatnonzero(ids >= 0)
        return _Hits(
            starts=np.repeat(np.arange(n), widths)[found].tolist(),
            lengths=(found - firsts[found] + 1).tolist(),
            ids=ids[found].tolist(),
            scores=self.table.scores[ids[found]].tolist(),
        )

    def _segment_span(self, text: str, begin: int, end: int, hits: _Hits) -> list[int]:
        """The best path through ``text[begin:end]`` (one word), read back into token ids."""
        size = end - begin
        best = [0.0] * (size + 1)  # each word's path score starts at 0, as in tokenizers
        came_from = [-1] * (size + 1)
        chosen = [0] * (size + 1)
        starts, lengths, ids, scores = hits  # locals: this loop is the hot spot
        count = len(starts)
        h = bisect.bisect_left(starts, begin)
        for i in range(size):
            here = best[i]
            single = False
            while h < count and starts[h] == begin + i:
                stop = i + lengths[h]
                score = scores[h] + here
                if came_from[stop] < 0 or score > best[stop]:
                    best[stop], came_from[stop], chosen[stop] = score, i, ids[h]
                single = single or lengths[h] == 1
                h += 1
            if not single:
                score = self._unk_score + here
                if came_from[i + 1] < 0 or score > best[i + 1]:
                    best[i + 1], came_from[i + 1], chosen[i + 1] = score, i, self.unk_id
        return self._read_back(text[begin:end], came_from, chosen)

    def _read_back(self, word: str, came_from: list[int], chosen: list[int]) -> list[int]:
        """Follow the best path from the end; fuse runs of unknown tokens as tokenizers does."""
        out: list[int] = []
        end = len(word)
        fused_start = -1  # start of the run of unknown tokens being fused, if any
        fused_end = -1
        while end > 0:
            start = came_from[end]
            if chosen[end] == self.unk_id:
                fused_end = end if fused_start < 0 else fused_end
                fused_start = start
            else:
                if fused_start >= 0:
                    out.append(self._fused_id(word[fused_start:fused_end]))
                    fused_start = -1
                out.append(chosen[end])
            end = start
        if fused_start >= 0:
            out.append(self._fused_id(word[fused_start:fused_end]))
        out.reverse()
        return out

    def _fused_id(self, text: str) -> int:
        piece_id = self.table.id_of(text)
        return self.unk_id if piece_id is None else piece_id
