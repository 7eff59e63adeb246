"""Each form of cross-reference resolves to the provision it names."""

from assistant.law.references import Context, Location, Target, parse_references

LAW = Context(
    "law.md",
    articles=("第一条", "第二条", "第三条", "第三条の二", "第四条"),
    law=None,
    order="order.md",
)
ORDER = Context("order.md", articles=("第一条", "第二条"), law="law.md")
ORDINANCE = Context("ordinance.md", articles=("第一条",), law="law.md", order="order.md")


def _targets(text: str, where: Location, context: Context = LAW) -> list[Target]:
    return [t for r in parse_references(text, where, context) for t in r.targets]


def test_article_paragraph_item() -> None:
    assert _targets("第四条第二項第三号に掲げる者", Location("第一条")) == [
        Target("law.md", "第四条", 2, "第三号")
    ]


def test_branch_article_and_item_numbers() -> None:
    assert _targets("第三条の二第一項第一号の二", Location("第一条")) == [
        Target("law.md", "第三条の二", 1, "第一号の二")
    ]


def test_previous_article() -> None:
    assert _targets("前条第一項の規定により", Location("第三条の二")) == [
        Target("law.md", "第三条", 1)
    ]


def test_next_article() -> None:
    assert _targets("次条の規定は", Location("第三条")) == [Target("law.md", "第三条の二")]


def test_previous_paragraph() -> None:
    assert _targets("前項の規定による届出", Location("第二条", paragraph=3)) == [
        Target("law.md", "第二条", 2)
    ]


def test_same_article_means_the_article_last_named() -> None:
    assert _targets("第四条第一項の許可を受けた者は、同条第三項", Location("第一条")) == [
        Target("law.md", "第四条", 1),
        Target("law.md", "第四条", 3),
    ]


def test_same_paragraph_means_the_paragraph_last_named() -> None:
    text = "第四条第二項の規定による許可を受けないで同項に規定する取引をした"
    assert _targets(text, Location("第一条"))[-1] == Target("law.md", "第四条", 2)


def test_bare_paragraph_in_a_list_shares_the_article_before_it() -> None:
    assert _targets("第四条第一項又は第四項の規定", Location("第一条")) == [
        Target("law.md", "第四条", 1),
        Target("law.md", "第四条", 4),
    ]


def test_bare_paragraph_alone_is_in_the_same_article() -> None:
    assert _targets("第三項の規定", Location("第二条", paragraph=5)) == [
        Target("law.md", "第二条", 3)
    ]


def test_all_previous_items() -> None:
    assert _targets("前各号に掲げるもののほか", Location("第二条", 2, "第四号")) == [
        Target("law.md", "第二条", 2, "第一号"),
        Target("law.md", "第二条", 2, "第二号"),
        Target("law.md", "第二条", 2, "第三号"),
    ]


def test_paragraph_range() -> None:
    assert _targets("第四条第一項から第三項までの規定", Location("第一条")) == [
        Target("law.md", "第四条", 1),
        Target("law.md", "第四条", 2),
        Target("law.md", "第四条", 3),
    ]


def test_article_range_uses_the_document_order() -> None:
    assert _targets("第二条から前条まで", Location("第四条")) == [
        Target("law.md", "第二条"),
        Target("law.md", "第三条"),
        Target("law.md", "第三条の二"),
    ]


def test_law_article_from_an_order_means_the_law_it_implements() -> None:
    assert _targets("法第七条の規定に基づき", Location("第一条"), ORDER) == [
        Target("law.md", "第七条")
    ]


def test_order_article_from_an_ordinance_means_the_cabinet_order() -> None:
    assert _targets("令第十八条の八第一項の規定に基づき", Location("第一条"), ORDINANCE) == [
        Target("order.md", "第十八条の八", 1)
    ]


def test_a_list_goes_on_after_a_range_in_the_same_article() -> None:
    """「令第一条第三号から第五号まで、第七号及び第九号」: every item is the order's 第一条's."""
    text = "令第一条第三号から第五号まで、第七号及び第九号に掲げる物資に係るものに限る。"
    assert _targets(text, Location("第一条"), ORDINANCE) == [
        Target("order.md", "第一条", 0, f"第{n}号") for n in ("三", "四", "五", "七", "九")
    ]


def test_other_laws_and_law_numbers_are_not_resolved() -> None:
    text = (
        "特許法第三十六条の二第二項に規定する外国語書面出願、"
        "中小企業信用保険法（昭和二十五年法律第二百六十四号）第三条第一項、同法第三条の二"
    )
    assert _targets(text, Location("第一条")) == []
    assert _targets("施行令（令和四年政令第三百九十四号）で定める", Location("第一条")) == []


def test_supplementary_provisions_are_not_resolved() -> None:
    assert _targets("附則第三条の規定", Location("第一条")) == []


def test_previous_paragraph_after_another_article_is_still_this_articles() -> None:
    assert _targets("第四条及び前項の規定", Location("第二条", paragraph=3)) == [
        Target("law.md", "第四条"),
        Target("law.md", "第二条", 2),
    ]


def test_previous_item() -> None:
    assert _targets("前号に掲げるもの", Location("第二条", 1, "第三号")) == [
        Target("law.md", "第二条", 1, "第二号")
    ]


def test_a_law_named_in_full_and_called_ho_in_brackets_is_the_implemented_law() -> None:
    text = "推進に関する法律（第三条第十三号を除き、以下「法」という。）第七条の規定に基づき"
    assert _targets(text, Location("第一条"), ORDER) == [
        Target("order.md", "第三条", 0, "第十三号"),
        Target("law.md", "第七条"),
    ]


def test_the_provisions_a_definitions_scope_names_are_no_dependency() -> None:
    context = Context("x", ("第六条", "第七条", "第八条の二", "第十条", "第十一条", "第五十二条"))
    here = Location("第五十条")

    def texts(text: str) -> list[str]:
        return [r.text for r in parse_references(text, here, context)]

    assert texts("役務（…をいう。以下この項及び第五十二条において同じ。）の提供") == []
    assert texts("（第八条の二第一項において「物資等供給不可欠役務」という。）") == []
    assert texts("特定重要物資（第七条に規定する特定重要物資をいう。第六条において同じ。）") == [
        "第七条"
    ]
    # 準用 is a dependency: the provision applies the other's rule.
    assert texts("第十条の規定は、第十一条において準用する。") == ["第十条", "第十一条"]
