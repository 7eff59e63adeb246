"""JSQuAD as an open-domain retrieval and grounding benchmark.

Every paragraph becomes a Markdown document ("# TITLE" then the paragraph, the title being the
text before " [SEP] "); every question is then asked against all 1,145 paragraphs by the
benchmark runner (``benchmark.py``), which reports hit@1, hit@5 and MRR@10 of the gold
paragraph per retriever, whether the answer cites it, and answer-span recall: whether the
answer shown contains one of the gold answer strings.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.errors import ConfigError
from assistant.evaluation.benchmark import Echo, Question, run_benchmark


def write_paragraphs(path: Path, folder: Path) -> list[Question]:
    """Write each paragraph as a Markdown file in folder; return the questions."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))["data"]
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(f"{path}: not a readable SQuAD-format file ({exc})") from exc
    questions: list[Question] = []
    number = 0
    for article in data:
        for paragraph in article["paragraphs"]:
            title, _, text = paragraph["context"].partition(" [SEP] ")
            source = f"jsquad-{number:04d}.md"
            (folder / source).write_text(f"# {title}\n\n{text or title}\n", encoding="utf-8")
            number += 1
            for qa in paragraph["qas"]:
                answers = tuple(a["text"] for a in qa["answers"])
                questions.append(Question(qa["id"], qa["question"], source, answers))
    return questions


def run_jsquad(settings: Settings, path: Path, limit: int | None, echo: Echo) -> dict[str, Any]:
    """Write the paragraphs out, then run the benchmark over them."""
    with tempfile.TemporaryDirectory(prefix="jsquad-") as tmp:
        folder = Path(tmp) / "paragraphs"
        folder.mkdir()
        questions = write_paragraphs(path, folder)[:limit]
        return run_benchmark(settings, folder, questions, echo)
