"""The compact Unigram segmentation against `tokenizers`' own, on small made-up vocabularies.

No model folder is needed: `tokenizers` builds a Unigram model from the same pieces and scores
in a moment, and both must return the same ids for every string, ties and unknown characters
included.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from tokenizers import Tokenizer
from tokenizers.models import Unigram

from assistant.embedding.unigram import PieceTable, UnigramModel


def _both(vocab: list[tuple[str, float]], unk_id: int) -> tuple[UnigramModel, Tokenizer]:
    pieces = [p for p, _ in vocab]
    scores = np.array([s for _, s in vocab], dtype=np.float64)
    ours = UnigramModel(PieceTable(pieces, scores), unk_id)
    theirs = Tokenizer(Unigram(vocab, unk_id, False))
    return ours, theirs


def _random_vocab(rng: random.Random, alphabet: str, size: int) -> list[tuple[str, float]]:
    pieces = {"<unk>"}
    while len(pieces) < size:
        pieces.add("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5))))
    pieces.discard("<unk>")
    # Few distinct scores, so that many segmentations tie and the order of the search decides.
    return [("<unk>", 0.0), *((p, -float(rng.randint(1, 4))) for p in sorted(pieces))]


def test_table_finds_pieces_and_only_pieces() -> None:
    table = PieceTable(["<unk>", "a", "ab", "整", "te"], np.zeros(5))
    assert table.lookup(["ab", "b", "整", "te", "t", ""]).tolist() == [2, -1, 3, 4, -1, -1]
    assert [table.piece(i) for i in range(5)] == ["<unk>", "a", "ab", "整", "te"]
    assert table.id_of("a") == 1 and table.id_of("abc") is None


def test_pieces_sharing_a_hash_are_told_apart() -> None:
    # CPython hashes stored bytes: "te" (Latin-1) and "整" (UCS-2 0x6574) always collide.
    assert hash("te") == hash("整")
    table = PieceTable(["te", "整", "x"], np.zeros(3))
    assert table.lookup(["整", "te", "x"]).tolist() == [1, 0, 2]


def test_documented_example_of_tokenizers() -> None:
    vocab = [("<unk>", 0.0), ("a", 0.0), ("b", 0.0), ("c", 0.0), ("d", 0.0)]
    vocab += [("cd", 1.0), ("ab", 2.0), ("abc", 5.0), ("abcd", 10.0)]
    ours, theirs = _both(vocab, 0)
    assert ours.segment("abcdacdxx") == theirs.encode("abcdacdxx").ids == [8, 1, 5, 0]


def test_unknown_runs_fuse_even_with_the_unknown_piece_spelled_out() -> None:
    vocab = [("<unk>", 0.0), ("a", -1.0), ("<", -2.0), ("u", -2.0)]
    ours, theirs = _both(vocab, 0)
    for word in ["xyz", "axya", "x<unk>y", "<unk><unk>", "a<unk>a", "<u", ""]:
        assert ours.segment(word) == theirs.encode(word).ids, word


@pytest.mark.parametrize("seed", range(6))
def test_random_vocabularies_and_strings_match_tokenizers(seed: int) -> None:
    rng = random.Random(seed)
    alphabet = "ab▁cé日本😀" if seed % 2 else "abcd"
    ours, theirs = _both(_random_vocab(rng, alphabet, 40), 0)
    text_alphabet = alphabet + "xyz整"  # characters outside the vocabulary too
    for _ in range(300):
        word = "".join(rng.choice(text_alphabet) for _ in range(rng.randint(1, 30)))
        assert ours.segment(word) == theirs.encode(word).ids, word
