from assistant.ingest.markdown import clean_inline, parse_markdown
from tests.conftest import CORPUS

LAW = """# 試験法

*（令和四年法律第一号）*


<a id="第一条"></a>
**第一条**
この法律は、試験の目的を定める。

<a id="第二条"></a>
**第二条**
政府は、方針を定めなければならない。
[別の法律第十条](./x.md#第十条)を準用する。
<a id="第九条"></a>
**第九条**第一項の規定は、適用しない。

<a id="第一条"></a>
**第一条**
この法律は、公布の日から施行する。

## この法令を参照している法令

- [何かの省令](../misc/x.md) (1箇所)

---
*Generated from [e-Gov法令検索](https://elaws.e-gov.go.jp/)*
"""


def test_articles_become_metadata_and_spurious_headers_stay_text() -> None:
    title, blocks = parse_markdown(LAW)
    # The law number is part of the title (how the law is cited), not a passage.
    assert title == "試験法（令和四年法律第一号）"
    assert all("令和四年法律第一号" not in b.text for b in blocks)
    by_article = {b.article: b.text for b in blocks}
    assert by_article["第一条"] == "この法律は、試験の目的を定める。"
    # The cross-reference line the converter wrapped in article markup stays in 第二条.
    assert "第九条第一項の規定は、適用しない。" in by_article["第二条"]
    assert "別の法律第十条を準用する。" in by_article["第二条"]
    # Numbering restarts at 第一条: supplementary provisions.
    assert by_article["附則第一条"] == "この法律は、公布の日から施行する。"
    assert not any("参照している" in b.text or "Generated" in b.text for b in blocks)


def test_clean_inline() -> None:
    assert clean_inline("**第九条**第一項 [法](./a.md#x)") == "第九条第一項 法"


def test_real_law_file_keeps_article_45_of_the_promotion_act() -> None:
    path = CORPUS / "laws" / "504AC0000000043_keizai-anzen-hosho-suishinho.md"
    _, blocks = parse_markdown(path.read_text(encoding="utf-8"))
    article_45 = [b for b in blocks if b.article == "第四十五条"]
    assert article_45 and "施設委託管理者" in article_45[0].text
    main_articles = [b.article for b in blocks if b.article and not b.article.startswith("附則")]
    assert "第九十九条" in main_articles


TABLE_IN_ARTICLE = """# 試験法

<a id="第八条"></a>
**第八条**
次の各号に掲げる規定における主務大臣は、当該各号に定める大臣とする。
## 第二章第三節の規定

内閣総理大臣及び財務大臣
## 第三章における主務省令は、主務大臣の発する命令とする。


<a id="第九条"></a>
**第九条**
主務大臣の権限は、政令で定めるところにより委任することができる。
"""

USER_NOTES = """# 社内メモ

## 事前報告の流れ

第一条の手続を確認する。

## 問い合わせ先

経済産業省の窓口に連絡する。
"""


def test_table_cells_marked_as_headings_stay_in_their_article() -> None:
    # e-Gov's converter writes the cells of 第八十六条's table as "##" lines; as headings they
    # cut the article short and labelled every later article with a cell's text.
    _, blocks = parse_markdown(TABLE_IN_ARTICLE)
    by_article = {b.article: b for b in blocks}
    assert set(by_article) == {"第八条", "第九条"}
    assert "内閣総理大臣及び財務大臣" in by_article["第八条"].text
    assert "第三章における主務省令" in by_article["第八条"].text
    assert by_article["第九条"].heading == ""


def test_structural_headings_in_a_law_and_headings_in_notes_still_start_sections() -> None:
    law = TABLE_IN_ARTICLE.replace("## 第三章における", "## 第三章　雑則\n\n第三章における")
    _, blocks = parse_markdown(law)
    assert {b.heading for b in blocks if b.article == "第九条"} == {"第三章　雑則"}
    _, notes = parse_markdown(USER_NOTES)
    assert [b.heading for b in notes] == ["事前報告の流れ", "問い合わせ先"]


def test_real_law_file_keeps_the_minister_table_in_article_86() -> None:
    path = CORPUS / "laws" / "504AC0000000043_keizai-anzen-hosho-suishinho.md"
    _, blocks = parse_markdown(path.read_text(encoding="utf-8"))
    article_86 = "\n".join(b.text for b in blocks if b.article == "第八十六条")
    assert "内閣総理大臣及び財務大臣" in article_86
    assert "第二章及び第三章における主務省令" in article_86
    # The current layout has chapter headings; the article sits under its own chapter.
    assert {b.heading for b in blocks if b.article == "第八十六条"} == {"第六章 雑則"}
