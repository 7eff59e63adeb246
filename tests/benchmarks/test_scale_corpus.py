"""The scale benchmark's corpus generator: distinct passages of the right size and count."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _scale_module() -> ModuleType:
    path = ROOT / "evals" / "benchmarks" / "scale.py"
    sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location("scale_benchmark", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


scale = _scale_module()


def test_pool_mixes_every_source() -> None:
    pool = scale.sentence_pool()
    assert len(pool) == len(set(pool)) > 3000
    assert any("第" in s and "条" in s for s in pool)  # laws


def test_distractors_are_distinct_sized_and_deterministic() -> None:
    pool = scale.sentence_pool()
    chunks = scale.distractor_chunks(2000, seed=1, pool=pool)
    assert len(chunks) == len(set(chunks)) == 2000
    assert all(scale.MIN_CHARS <= len(c) <= scale.MAX_CHARS for c in chunks)
    assert scale.distractor_chunks(50, seed=1, pool=pool) == chunks[:50]
    assert scale.distractor_chunks(50, seed=2, pool=pool) != chunks[:50]


def test_written_corpus_holds_the_shipped_corpus_and_one_section_per_chunk(
    tmp_path: Path,
) -> None:
    files = scale.write_corpus(tmp_path / "corpus", 250)
    assert files == 3
    assert (tmp_path / "corpus" / "catalog.yaml").is_file()
    assert len(list((tmp_path / "corpus" / "laws").glob("*.md"))) == 9
    written = sorted((tmp_path / "corpus" / "distractors").glob("*.md"))
    sections = sum(p.read_text(encoding="utf-8").count("\n## ") for p in written)
    assert sections == 250
