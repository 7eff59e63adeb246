from assistant.japanese import is_english, kanji_to_int, normalize, split_sentences


def test_normalize_folds_width_variants() -> None:
    assert normalize("ＧＯＣＯ　１２３ｶﾅ") == "GOCO 123カナ"


def test_split_sentences_ignores_terminators_inside_brackets() -> None:
    text = "政府は、基本的な方針（以下「基本方針」という。）を定めなければならない。次に進む。"
    assert split_sentences(text) == [
        "政府は、基本的な方針（以下「基本方針」という。）を定めなければならない。",
        "次に進む。",
    ]


def test_split_sentences_treats_lines_as_boundaries_and_keeps_text_verbatim() -> None:
    text = "次に掲げる事項を定める。\n抗菌性物質製剤\n肥料"
    assert split_sentences(text) == ["次に掲げる事項を定める。", "抗菌性物質製剤", "肥料"]
    assert (
        "".join(split_sentences("これは文。「引用。」も含む。")) == "これは文。「引用。」も含む。"
    )


def test_kanji_numerals() -> None:
    assert kanji_to_int("四十五") == 45
    assert kanji_to_int("五十五") == 55
    assert kanji_to_int("百二") == 102
    assert kanji_to_int("十") == 10
    assert kanji_to_int("abc") is None


def test_is_english() -> None:
    assert is_english("Which law is used for prior reporting of technology transfers?")
    assert not is_english("GOCOとは何ですか？")
    assert not is_english("特定重要物資にはどんな物資がありますか？")
