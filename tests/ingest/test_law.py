"""The structured law loader: 条, 項, 号, イ, （１）, 附則 and 別表 read from their labels."""

from assistant.chunking import split_into_chunks
from assistant.ingest import load_document
from assistant.ingest.law import is_structured_law, law_blocks, parse_law
from assistant.ingest.law_tables import split_table_rows
from assistant.ingest.markdown import parse_markdown
from assistant.types import Block
from tests.conftest import CORPUS

LAW = """---
law_id: "999AC0000000001"
law_revision_id: "999AC0000000001_20260101_000000000000000"
law_num: "令和九年法律第一号"
enforcement_date: "2026-01-01"
source: https://laws.e-gov.go.jp/law/999AC0000000001
---

# 試験法

**法令番号:** 令和九年法律第一号
**公布日:** 2026-01-01

## 第一章 総則

### 第一条（目的）

この法律は、試験の目的を定める。

### 第二条

次に掲げる物資を試験物資として指定する。

**一**
抗菌性物質製剤

**二**
次に掲げる部品

**イ**
航空機の部品

**（１）**
原動機

**２**
前項の規定は、変更について準用する。

ただし、軽微な変更は、この限りでない。

### 第三条から第五条まで

削除

## 第二章 罰則

### 第六条

第二条第一項の規定に違反した者は、十万円以下の罰金に処する。

## 附 則

### 第一条

この法律は、公布の日から施行する。

## 附 則 （令和九年法律第九号）

**１**
この法律は、令和十年四月一日から施行する。

**２**
前項の規定にかかわらず、第六条の規定は、公布の日から施行する。

## 別表

> 業種 資本金の額 一 製造業 三億円 二 小売業 五千万円
"""


def _blocks() -> dict[tuple[str, str, str], Block]:
    return {(b.article, b.paragraph, b.item): b for b in law_blocks(parse_law(LAW))}


def test_front_matter_gives_number_revision_and_effective_date() -> None:
    law = parse_law(LAW)
    assert is_structured_law(LAW)
    assert (law.title, law.number) == ("試験法", "令和九年法律第一号")
    assert law.revision_id == "999AC0000000001_20260101_000000000000000"
    assert law.effective == "2026-01-01"
    assert law.issues == ()
    title, _ = parse_markdown(LAW)
    assert title == "試験法（令和九年法律第一号）"


def test_article_caption_and_chapter_become_the_heading() -> None:
    assert _blocks()[("第一条", "", "")].heading == "第一章 総則 （目的）"
    assert _blocks()[("第六条", "", "")].heading == "第二章 罰則"


def test_paragraphs_are_numbered_and_their_sentences_joined() -> None:
    second = _blocks()[("第二条", "第二項", "")]
    assert (
        second.text
        == "２ 前項の規定は、変更について準用する。ただし、軽微な変更は、この限りでない。"
    )
    assert _blocks()[("第二条", "第一項", "")].text == "次に掲げる物資を試験物資として指定する。"


def test_items_keep_their_labels() -> None:
    assert _blocks()[("第二条", "第一項", "第一号")].text == "一 抗菌性物質製剤"


def test_katakana_sub_items_are_cited_under_their_item() -> None:
    assert _blocks()[("第二条", "第一項", "第二号イ")].text == "イ 航空機の部品"


def test_bracketed_sub_sub_items_are_cited_under_theirs() -> None:
    assert _blocks()[("第二条", "第一項", "第二号イ（１）")].text == "（１） 原動機"


def test_supplementary_provisions_are_apart_and_name_the_amending_act() -> None:
    blocks = _blocks()
    assert blocks[("附則第一条", "", "")].heading == "附則"
    amended = blocks[("附則", "第二項", "")]
    assert amended.heading == "附則（令和九年法律第九号）"
    assert amended.text.startswith("２ 前項の規定にかかわらず")


def test_appendix_table_rows_stay_rows() -> None:
    table = next(b for b in law_blocks(parse_law(LAW)) if b.article == "別表")
    assert table.text.splitlines() == ["業種 資本金の額", "一 製造業 三億円", "二 小売業 五千万円"]
    assert split_table_rows("読替え 前 後") == ["読替え 前 後"]


def test_deleted_range_is_kept_as_an_article_but_never_chunked() -> None:
    law = parse_law(LAW)
    deleted = next(a for a in law.articles if a.label == "第三条から第五条まで")
    assert deleted.deleted
    assert "第三条から第五条まで" not in {c.article for c in _chunks()}


def _chunks() -> list:
    from assistant.types import DocumentKind, SourceDocument

    document = SourceDocument("t.md", "試験法", DocumentKind.LAW, law_blocks(parse_law(LAW)), "x")
    return split_into_chunks(document)


def test_a_short_article_is_one_chunk_citing_the_article() -> None:
    article_2 = [c for c in _chunks() if c.article == "第二条"]
    assert len(article_2) == 1
    assert article_2[0].citation == "第二条"
    assert "一 抗菌性物質製剤\n" in article_2[0].text


def test_unreadable_label_and_empty_item_are_issues_not_errors() -> None:
    text = LAW.replace("**イ**", "**ｘｘ**").replace("**一**\n抗菌性物質製剤", "**一**")
    law = parse_law(text)
    messages = [i.message for i in law.issues]
    assert any("unreadable label 'ｘｘ'" in m for m in messages)
    assert any("item 一 has no text" in m for m in messages)


def test_promotion_act_article_7_has_its_text() -> None:
    document = load_document(CORPUS / "laws" / "504AC0000000043_keizai-anzen-hosho-suishinho.md")
    article_7 = [c for c in split_into_chunks(document) if c.article == "第七条"]
    assert (
        article_7
        and "政令で、当該物資を特定重要物資として指定するものとする。" in article_7[0].text
    )


def test_enforcement_order_article_1_chunks_carry_labelled_items() -> None:
    document = load_document(CORPUS / "laws" / "504CO0000000394_suishinho-sekorei.md")
    article_1 = [c for c in split_into_chunks(document) if c.article == "第一条"]
    assert len(article_1) >= 2
    assert article_1[0].item.startswith("第一号から")
    assert article_1[0].citation.startswith("第一条第一号から")
    assert "一 抗菌性物質製剤" in article_1[0].text
    assert "十六 ロケットの部品" in article_1[-1].text
    # A later chunk of the list is found for what the list is: its search text says it.
    assert "特定重要物資として指定する" in article_1[-1].search_text


def test_every_shipped_law_parses_without_issues() -> None:
    for path in sorted((CORPUS / "laws").glob("*.md")):
        law = parse_law(path.read_text(encoding="utf-8"))
        assert law.issues == (), path.name
        assert law.revision_id.startswith(path.name.split("_")[0])
