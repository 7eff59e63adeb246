"""Placing a chunk's lines (and a quote) in their paragraph and item."""

from assistant.law.lines import located_lines, quoted_provision
from assistant.law.references import Location
from assistant.types import Chunk, DocumentKind

TEXT = "次に掲げる物資を指定する。\n一 抗菌性物質製剤\n二 肥料\n２ 前項の物資は、公表する。"


def _chunk(text: str = TEXT, paragraph: str = "第一項から第二項まで", item: str = "") -> Chunk:
    return Chunk(
        "c",
        "o.md",
        "令",
        DocumentKind.CABINET_ORDER,
        text,
        text,
        0,
        article="第一条",
        paragraph=paragraph,
        item=item,
    )


def test_lines_know_their_paragraph_and_item() -> None:
    assert [where for where, _ in located_lines(_chunk())] == [
        Location("第一条", 1, ""),
        Location("第一条", 1, "第一号"),
        Location("第一条", 1, "第二号"),
        Location("第一条", 2, ""),
    ]


def test_a_chunk_starting_inside_an_item_starts_there() -> None:
    chunk = _chunk("ただし書の続き。\n四 蓄電池", paragraph="", item="第三号から第四号まで")
    assert [where.item for where, _ in located_lines(chunk)] == ["第三号", "第四号"]


def test_a_quote_is_cited_at_its_item() -> None:
    assert quoted_provision(_chunk(), "二 肥料") == ("第一項", "第二号")
    assert quoted_provision(_chunk(), "公表する") == ("第二項", "")
    assert quoted_provision(_chunk(), "どこにもない") == ("第一項から第二項まで", "")


def test_line_depth_reads_the_label_the_loader_prints() -> None:
    from assistant.law.lines import line_depth

    assert line_depth("主務大臣は、次に掲げる物資を指定する。") == 0
    assert line_depth("２ 前項の指定は、公示する。") == 0
    assert line_depth("十 金属鉱産物") == 1
    assert line_depth("三の二 特定の物資") == 1
    assert line_depth("イ 適正な競争が確保されること。") == 2
    assert line_depth("（１） 細目") == 3
    assert line_depth("十分な証拠がある場合") == 0  # a numeral that is no label
