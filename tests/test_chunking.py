from assistant.chunking import split_into_chunks
from assistant.ingest import load_document
from assistant.japanese import normalize, split_sentences
from assistant.types import Block, DocumentKind, SourceDocument
from tests.conftest import CORPUS


def _document(blocks: tuple[Block, ...]) -> SourceDocument:
    return SourceDocument("a.md", "題", DocumentKind.LAW, blocks, sha256="x")


def test_chunks_never_cut_a_sentence_and_respect_the_size() -> None:
    sentence = "事業者は、主務大臣に計画を提出し、その認定を受けることができる。"
    document = _document((Block(sentence * 40, article="第九条"),))
    chunks = split_into_chunks(document, size=300, overlap=60)
    assert len(chunks) > 3
    for chunk in chunks:
        assert all(s == sentence for s in split_sentences(chunk.text))
        assert len(chunk.text) <= 300 + len(sentence)
        assert chunk.article == "第九条"
    # Overlap: the next chunk starts with the previous chunk's last sentence.
    assert chunks[1].text.startswith(chunks[0].text.splitlines()[-1][-len(sentence) :])


def test_blocks_are_never_merged_and_metadata_travels() -> None:
    document = _document(
        (
            Block("第一の文。", article="第一条", page=1),
            Block("第二の文。", article="第二条", page=2),
        )
    )
    chunks = split_into_chunks(document)
    assert [(c.article, c.page, c.text) for c in chunks] == [
        ("第一条", 1, "第一の文。"),
        ("第二条", 2, "第二の文。"),
    ]
    assert chunks[0].search_text == normalize("題 第一条\n第一の文。")


def test_chunk_ids_are_stable_and_content_derived() -> None:
    path = CORPUS / "laws" / "504CO0000000394_suishinho-sekorei.md"
    first = [c.chunk_id for c in split_into_chunks(load_document(path))]
    second = [c.chunk_id for c in split_into_chunks(load_document(path))]
    assert first == second
    assert len(set(first)) == len(first)
    changed = _document((Block("違う文。", article="第一条"),))
    same_position = _document((Block("同じ文。", article="第一条"),))
    assert split_into_chunks(changed)[0].chunk_id != split_into_chunks(same_position)[0].chunk_id


def test_deleted_articles_are_not_chunks() -> None:
    assert split_into_chunks(_document((Block("削除", article="第三条"),))) == []


def test_overlong_sentence_is_split_only_at_commas() -> None:
    run_on = "、".join(["物資の名称"] * 400) + "。"
    chunks = split_into_chunks(_document((Block(run_on),)), size=300, overlap=0)
    assert "".join(c.text for c in chunks) == run_on
    assert all(c.text.endswith(("、", "。")) for c in chunks)
