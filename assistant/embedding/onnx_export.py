"""Set-up step: export the e5 model folder to ONNX and quantize its weights to int8.

Run by ``assistant prepare-model`` (or on first use of the ONNX backend), offline, from the
local sentence-transformers folder: ``torch.onnx.export`` writes the float32 graph of the
transformer (token vectors out; pooling stays in numpy), then onnxruntime's dynamic
quantization turns every MatMul's weights into int8 with one scale per output channel.
Per-tensor scales were tried first: cosine to torch fell to 0.981 on the parity texts,
against 0.9935 at worst per channel.

The result is a folder of its own beside the model folder (``<model>-onnx-qint8``) holding
``model_qint8.onnx`` (with its weights in ``model_qint8.onnx.data``), the model's ``tokenizer.json`` and ``export.json`` (written last, as the
marker of a whole export), so the runtime needs neither torch nor the source folder.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.errors import ModelError

EXPORTER_VERSION = 2
ONNX_FILE = "model_qint8.onnx"  # its weights are in model_qint8.onnx.data beside it
TOKENIZER_FILE = "tokenizer.json"
MARKER = "export.json"
_OPSET = 18
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_SAMPLE_TEXTS = (
    "passage: 特定重要物資の安定的な供給の確保に関する基本指針を定める。",
    "query: When is a license required?",
)
INSTALL_HINT = "pip install 'economic-security-assistant[onnx]' (onnxruntime, onnx, onnxscript)"


def onnx_folder_for(model_dir: Path) -> Path:
    """Where the int8 export of ``model_dir`` lives: a sibling folder, never inside it.

    The model folder is replaced whole when it is rebuilt; keeping the export beside it also
    leaves a read-only or shared model folder untouched.
    """
    model_dir = Path(model_dir).absolute()
    return model_dir.with_name(f"{model_dir.name}-onnx-qint8")


def source_fingerprint(model_dir: Path) -> str:
    """Identify the source weights cheaply: the config plus the weights file's size and mtime."""
    digest = hashlib.sha256()
    digest.update((model_dir / "config.json").read_bytes())
    weights = model_dir / "model.safetensors"
    stat = weights.stat()
    digest.update(f"{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:32]


def read_marker(folder: Path) -> dict[str, Any] | None:
    """The export's marker, or None if the folder holds no whole export."""
    return read_export_marker(folder, (ONNX_FILE, ONNX_FILE + ".data", TOKENIZER_FILE))


def read_export_marker(folder: Path, files: tuple[str, ...]) -> dict[str, Any] | None:
    """An export folder's marker, or None unless the marker and every one of ``files`` are
    there (shared by the ONNX and OpenVINO exports)."""
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    whole = all((folder / name).is_file() for name in files)
    return marker if whole and isinstance(marker, dict) else None


def export_is_current(marker: dict[str, Any] | None, model_dir: Path, exporter: int) -> bool:
    """Whether an export's marker says it was made by this exporter from these weights."""
    return (
        marker is not None
        and marker.get("exporter") == exporter
        and marker.get("source") == source_fingerprint(model_dir)
    )


def require_packages(packages: tuple[str, ...], needs: str, hint: str) -> None:
    """Fail with a ModelError naming the first of ``packages`` that is not installed."""
    for package in packages:
        try:
            __import__(package)
        except ImportError as exc:
            raise ModelError(f"{needs} the {package!r} package: {hint}") from exc


def _is_current(folder: Path, model_dir: Path) -> bool:
    return export_is_current(read_marker(folder), model_dir, EXPORTER_VERSION)


def _require_export_packages() -> None:
    require_packages(
        ("onnx", "onnxscript", "onnxruntime"),
        "exporting the embedding model to ONNX needs",
        INSTALL_HINT,
    )


def _export_float32(model_dir: Path, target: Path) -> int:
    """Write the transformer's float32 graph; return its max sequence length."""
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_dir), device="cpu", model_kwargs={"dtype": torch.float32})
    transformer: Any = model[0].auto_model
    transformer.eval()

    class LastHiddenState(torch.nn.Module):
        """The transformer without its pooler: e5 mean-pools the token vectors."""

        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    # A real, padded batch: traced on a constant sample (all ids 1) the graph came out wrong,
    # cosine 0.80 to the torch model.
    sample = model.tokenizer(list(_SAMPLE_TEXTS), padding=True, return_tensors="pt")
    ids, mask = sample["input_ids"], sample["attention_mask"]
    batch, sequence = torch.export.Dim("batch"), torch.export.Dim("sequence")
    program = torch.onnx.export(
        LastHiddenState(),
        (ids, mask, torch.zeros_like(ids)),
        input_names=list(_INPUTS),
        output_names=["last_hidden_state"],
        dynamic_shapes=({0: batch, 1: sequence},) * 3,
        opset_version=_OPSET,
        dynamo=True,
        optimize=True,
        verbose=False,
    )
    if program is None:
        raise ModelError("torch.onnx.export returned no program")
    program.save(str(target))
    return int(model.max_seq_length or 512)


def _quantize(source: Path, target: Path) -> None:
    """Quantize, then store the weights beside the graph (``<target>.data``).

    onnxruntime memory-maps external weights instead of copying them: the session then holds
    94 MB after loading instead of 470 MB (827 MB at the peak of the copy), and of the 384 MB
    word-embedding table only the rows of tokens actually seen are ever read in.
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantized = source.with_name("model_qint8_inline.onnx")
    quantize_dynamic(
        str(source),
        str(quantized),
        weight_type=QuantType.QInt8,
        op_types_to_quantize=["MatMul"],
        per_channel=True,
    )
    onnx.save_model(
        onnx.load(str(quantized)),
        str(target),
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location=target.name + ".data",
        size_threshold=1024,
    )
    quantized.unlink()


def _export_into(folder: Path, model_dir: Path) -> None:
    float32 = folder / "model_float32.onnx"
    max_length = _export_float32(model_dir, float32)
    _quantize(float32, folder / ONNX_FILE)
    float32.unlink()
    shutil.copyfile(model_dir / TOKENIZER_FILE, folder / TOKENIZER_FILE)
    marker = {
        "exporter": EXPORTER_VERSION,
        "source": source_fingerprint(model_dir),
        "source_dir": str(model_dir),
        "max_seq_length": max_length,
        "quantization": "dynamic int8, per channel, MatMul weights",
    }
    (folder / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")


def build_onnx_model(model_dir: Path, *, force: bool = False) -> Path:
    """Export ``model_dir`` to an int8 ONNX folder beside it and return that folder.

    Idempotent: a whole export of the same source weights is returned at once unless
    ``force``. It is built in a temporary folder and renamed into place, so an interrupted
    export never leaves a half-written model where the runtime looks.
    """
    model_dir = Path(model_dir).absolute()
    return build_beside(
        model_dir,
        onnx_folder_for(model_dir),
        lambda folder: _is_current(folder, model_dir),
        lambda folder: _export_into(folder, model_dir),
        _require_export_packages,
        "ONNX export",
        force=force,
    )


def build_beside(
    model_dir: Path,
    dest: Path,
    is_current: Callable[[Path], bool],
    export_into: Callable[[Path], None],
    require_packages: Callable[[], None],
    what: str,
    *,
    force: bool = False,
) -> Path:
    """Build an export of ``model_dir`` into ``dest`` unless a current one is there: in a
    temporary folder beside it, renamed into place whole (shared by the ONNX and OpenVINO
    exports)."""
    if not (model_dir / "config.json").is_file() or not (model_dir / "model.safetensors").is_file():
        raise ModelError(f"{model_dir} is not a local model folder with model.safetensors")
    if not force and is_current(dest):
        return dest
    require_packages()
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.building-", dir=dest.parent))
    try:
        export_into(tmp)
        for path in [tmp, *tmp.iterdir()]:  # mkdtemp creates owner-only
            path.chmod(0o755 if path.is_dir() else 0o644)
        if dest.exists():
            old = dest.with_name(f".{dest.name}.old-{tmp.name[-8:]}")
            dest.rename(old)
            shutil.rmtree(old, ignore_errors=True)
        tmp.rename(dest)
    except OSError as exc:
        raise ModelError(f"cannot write the {what} to {dest}: {exc}") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest
