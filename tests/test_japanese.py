from assistant.japanese import (
    int_to_kanji,
    is_english,
    kanji_article_numbers,
    kanji_to_int,
    normalize,
    split_sentences,
)


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


def test_numbers_of_any_size_become_kanji_and_read_back() -> None:
    assert int_to_kanji(0) == "〇"
    assert int_to_kanji(45) == "四十五"
    assert int_to_kanji(10_000) == "一万"
    assert int_to_kanji(12_345) == "一万二千三百四十五"
    assert int_to_kanji(300_000_000) == "三億"
    assert int_to_kanji(10**20).endswith("兆")  # no IndexError, however large
    for number in (7, 10, 99, 1001, 9999):
        assert kanji_to_int(int_to_kanji(number)) == number


def test_large_article_numbers_in_any_text_do_not_break_the_rewrite() -> None:
    """Found by the 100k scale run: a distractor sentence with 「…条の」 and a six-digit number
    crashed the answerer; the rewrite now converts it like any other number."""
    assert kanji_article_numbers("第3条の100000") == "第三条の十万"
    assert kanji_article_numbers("55条の8第2項") == "第五十五条の八第二項"
