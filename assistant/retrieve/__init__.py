"""Retrieval: candidates from the index, scored and fused (``retriever.py``, ``fusion.py``)."""

from assistant.retrieve.fusion import FusionWeights, fuse
from assistant.retrieve.retriever import Retriever

__all__ = ["FusionWeights", "Retriever", "fuse"]
