"""A document's stated limit to items of a list, the list's items and the items a question names."""

from assistant.index.keyword import JapaneseTokenizer
from assistant.law.applicability import item_words, listed_items, named_items, stated_scopes
from assistant.law.references import Context
from tests.fakes import chunk

ORDER_LIST = chunk(
    "o1",
    "次に掲げる物資を特定重要物資として指定する。\n一 抗菌性物質製剤\n二 永久磁石\n"
    "三 半導体素子及び集積回路\n四 航空機の部品\n五 無人航空機",
    source="order.md",
)
SCOPED = chunk(
    "m1",
    "法第九条第一項の規定により供給確保計画（令第一条第二号から第三号まで及び第五号に掲げる"
    "特定重要物資に係るものに限る。以下同じ。）の認定を受けようとする者は、申請書を提出しなければ"
    "ならない。",
    source="meti.md",
    article="第二条",
)
UNSCOPED = chunk(
    "h1",
    "法第九条第一項の規定により供給確保計画の認定を受けようとする者は、申請書を提出しなければ"
    "ならない。",
    source="mhlw.md",
    article="第二条",
)
TOKENIZER = JapaneseTokenizer()


def _context(source: str) -> Context:
    return Context(source, ("第一条", "第二条"), law="law.md", order="order.md")


def test_a_limit_to_listed_items_is_read_with_the_list_it_draws_from() -> None:
    (scope,) = stated_scopes([UNSCOPED, SCOPED], _context)
    assert scope.document == "meti.md"
    assert scope.listing == ("order.md", "第一条")
    assert scope.items == {"第二号", "第三号", "第五号"}


def test_a_limit_that_is_not_the_whole_documents_is_not_a_scope() -> None:
    # no 「以下同じ」: the limit holds for that one sentence only
    local = chunk("m2", SCOPED.text.replace("以下同じ。", ""), source="meti.md", article="第二条")
    assert stated_scopes([local], _context) == []


def test_items_are_named_by_the_words_no_other_item_uses() -> None:
    items = listed_items([ORDER_LIST])
    assert items["第一号"] == "抗菌性物質製剤"
    assert items["第五号"] == "無人航空機"
    vocabulary = item_words(items, TOKENIZER.tokenize)

    def named(question: str) -> set[str]:
        return named_items(vocabulary, TOKENIZER.tokenize(question))

    assert named("弊社は抗菌薬メーカーです。") == {"第一号"}
    assert named("弊社は半導体メーカーです。") == {"第三号"}
    assert named("ドローン、つまり無人航空機の計画") == {"第五号"}
    # 航空機 is in two items and names neither of them
    assert named("航空機の計画を申請します") == set()
    assert named("供給確保計画の申請書") == set()
