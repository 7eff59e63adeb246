from assistant.definitions import asks_for_definition, defines, term_asked_about


def test_term_asked_about() -> None:
    assert term_asked_about("特定重要物資にはどんな物資がありますか？") == "特定重要物資"
    assert term_asked_about("GOCOとは何ですか？") == "GOCO"
    assert term_asked_about("施設委託管理者って何？") == "施設委託管理者"
    assert term_asked_about("報告はいつまでに出しますか？") is None


def test_defines_needs_a_defining_sentence() -> None:
    designation = "次に掲げる物資を特定重要物資として指定する。\n肥料"
    mention = "特定重要物資（第七条に規定する特定重要物資をいう。）の安定的な供給の確保"
    assert defines(designation, "特定重要物資")
    assert not defines(mention, "特定重要物資")
    assert not defines("無関係な文。", "特定重要物資")


def test_asks_for_definition() -> None:
    assert asks_for_definition("GOCOとは何ですか？")
    assert asks_for_definition("What is a supply assurance plan?")
    assert not asks_for_definition("特定重要物資にはどんな物資がありますか？")
    assert not asks_for_definition("いつまでに提出しますか？")
