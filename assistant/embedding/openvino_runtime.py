"""The OpenVINO backend: the e5 model as OpenVINO IR, run in bfloat16 where the CPU has it.

Same prefixes, token ids, mean pooling and L2 normalization as the ONNX backend (it is that
backend with another runtime: ``OnnxEmbedder`` tokenizes and pools, this class only runs the
graph). OpenVINO computes in bfloat16 on a CPU with AVX512-BF16 or AMX and in float32
elsewhere; the vectors match the torch float32 model's at cosine 0.9999 on the parity texts
(tests/embedding/test_embedding_openvino.py).

Why it exists (issue #18): on this 2-core machine it embeds passages of some 250 tokens at
35-39 a second where torch bfloat16 manages 20-22, with half the CPU time per passage. Its
compiled model runs two streams of one thread each (the THROUGHPUT hint), fed batches through
an asynchronous queue, so both cores stay busy on separate batches instead of sharing one
matrix product; a single question then runs on one core (a few milliseconds more).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.embedding.onnx_runtime import OnnxEmbedder
from assistant.embedding.openvino_export import (
    INSTALL_HINT,
    IR_FILE,
    build_openvino_model,
    read_marker,
)
from assistant.embedding.pooling import FloatArray
from assistant.embedding.precision import cpu_has_bf16
from assistant.errors import ModelError


class OpenVinoEmbedder(OnnxEmbedder):
    """multilingual-e5 as OpenVINO IR on the CPU, loaded lazily; batches of ``batch_size``
    texts (sorted by length) run two at a time, one per core."""

    def __init__(
        self, model: str, batch_size: int = 4, threads: int = 0, compact_tokenizer: bool = True
    ) -> None:
        super().__init__(model, batch_size, threads, compact_tokenizer)
        self._precision = "bf16" if cpu_has_bf16() else "f32"
        # One queue, one callback: two threads embedding at once (a served app's questions)
        # would read each other's results, so a call holds the queue until its batches are done.
        self._queue_lock = threading.Lock()

    @property
    def name(self) -> str:
        """The model, the runtime and the precision it computes in (they change the vectors)."""
        return f"{self._identity}@openvino-{self._precision}"

    _BACKEND = "OpenVINO"
    _EXPORT = "OpenVINO model"

    def _build_export(self, model_dir: Path) -> Path:
        return build_openvino_model(model_dir)

    def _read_export_marker(self, folder: Path) -> dict[str, Any] | None:
        return read_marker(folder)

    def _open_session(self, folder: Path) -> Any:
        """The compiled model (THROUGHPUT: one stream per core) with its request queue."""
        try:
            import openvino
        except ImportError as exc:
            raise ModelError(
                f"the OpenVINO embedding backend needs openvino: {INSTALL_HINT}"
            ) from exc
        config: dict[str, Any] = {
            "PERFORMANCE_HINT": "THROUGHPUT",
            "INFERENCE_PRECISION_HINT": self._precision,
        }
        if self._threads:
            config["INFERENCE_NUM_THREADS"] = self._threads
        try:
            core = openvino.Core()
            model = core.read_model(str(folder / IR_FILE))
            model.reshape({i.get_any_name(): openvino.PartialShape([-1, -1]) for i in model.inputs})
            compiled = core.compile_model(model, "CPU", config)
        except Exception as exc:
            raise ModelError(
                f"cannot load the OpenVINO embedding model in {folder}: {exc}"
            ) from exc
        requests = int(compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS"))
        return openvino.AsyncInferQueue(compiled, max(1, requests))

    def _run(self, token_ids: list[list[int]]) -> Iterator[tuple[list[int], FloatArray, Any]]:
        """Yield (text indices, token vectors, mask) for every batch, in the order submitted;
        the batches run concurrently, one per stream."""
        queue = self._load()
        done: dict[int, FloatArray] = {}

        def finished(request: Any, number: int) -> None:
            done[number] = request.get_output_tensor(0).data.copy()  # the buffer is reused

        batches = []
        with self._queue_lock:
            queue.set_callback(finished)
            for number, (batch, feeds) in enumerate(self._batches(token_ids)):
                queue.start_async(feeds, number)
                batches.append((batch, feeds["attention_mask"]))
            queue.wait_all()
        for number, (batch, mask) in enumerate(batches):
            yield batch, done.pop(number), mask
