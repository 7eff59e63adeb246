"""The JSON shape of an answer: citations name the 項 and 号 their quote comes from."""

from assistant.present.answer import answer_to_dict
from assistant.types import Answer, Chunk, Citation, DocumentKind

TEXT = "次に掲げる物資を特定重要物資として指定する。\n一 抗菌性物質製剤\n二 肥料"


def test_citation_json_names_the_item_quoted() -> None:
    chunk = Chunk(
        "c",
        "o.md",
        "施行令",
        DocumentKind.CABINET_ORDER,
        TEXT,
        TEXT,
        0,
        article="第一条",
        item="第一号から第二号まで",
    )
    answer = Answer(
        "q",
        "q",
        "一 抗菌性物質製剤 [1]",
        False,
        citations=(Citation(1, chunk, "一 抗菌性物質製剤"),),
    )
    (citation,) = answer_to_dict(answer)["citations"]
    assert (citation["article"], citation["paragraph"], citation["item"]) == (
        "第一条",
        "",
        "第一号",
    )
