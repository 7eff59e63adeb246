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


def test_a_long_article_splits_at_paragraphs_and_each_chunk_cites_its_own() -> None:
    sentence = "事業者は、主務大臣に計画を提出し、その認定を受けることができる。"
    paragraphs = [
        Block(f"{label}{sentence * 3}", article="第九条", paragraph=paragraph)
        for label, paragraph in (("", "第一項"), ("２ ", "第二項"), ("３ ", "第三項"))
    ]
    blocks = (*paragraphs, Block("次の条の文。", article="第十条"))
    chunks = split_into_chunks(_document(blocks), size=150, overlap=40)
    assert [c.citation for c in chunks] == [
        "第九条第一項",
        "第九条第二項",
        "第九条第三項",
        "第十条",
    ]
    assert chunks[1].text.startswith("２ 事業者は")
    assert chunks[1].paragraph == "第二項" and chunks[1].item == ""


def test_a_long_list_records_the_items_each_chunk_holds() -> None:
    lead = Block("次に掲げる物資を指定する。", article="第一条")
    items = tuple(
        Block(f"{label} {'部品' * 30}", article="第一条", item=f"第{label}号")
        for label in ("一", "二", "三", "四")
    )
    chunks = split_into_chunks(_document((lead, *items)), size=140, overlap=0)
    assert [c.item for c in chunks] == ["第一号から第二号まで", "第三号から第四号まで"]
    assert chunks[1].text.splitlines()[0].startswith("三 部品")
    assert "一 部品" in chunks[0].text
    assert "次に掲げる物資を指定する。" in chunks[1].search_text
