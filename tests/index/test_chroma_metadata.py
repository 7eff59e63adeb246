"""The Chroma adapter's metadata: a chunk's 項 and 号 survive the round trip as flat scalars."""

from assistant.index.chroma import _to_chunk, _to_metadata
from assistant.types import Chunk, DocumentKind


def test_paragraph_and_item_round_trip_through_chroma_metadata() -> None:
    chunk = Chunk(
        "id1",
        "a.md",
        "法",
        DocumentKind.LAW,
        "二 肥料",
        "二 肥料",
        3,
        article="第一条",
        paragraph="第二項",
        item="第一号から第三号まで",
    )
    metadata = _to_metadata(chunk)
    assert all(isinstance(v, str | int) for v in metadata.values())
    restored = _to_chunk("id1", chunk.text, metadata)
    assert restored == chunk
    assert restored.citation == "第一条第二項第一号から第三号まで"
