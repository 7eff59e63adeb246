"""The composition root: stages chosen by settings, and each question analysed once."""

from pathlib import Path

import pytest

from assistant.embedding import HashingEmbedder
from assistant.errors import ConfigError
from assistant.index.memory import InMemoryStore
from assistant.japanese import normalize
from assistant.pipeline import describe
from assistant.service import Assistant
from tests.conftest import CORPUS, make_settings


class CountingEmbedder(HashingEmbedder):
    """The hashing fake, counting the questions it embeds."""

    def __init__(self) -> None:
        super().__init__(dimensions=256)
        self.queries: list[str] = []

    def embed_query(self, text: str) -> list[float]:
        self.queries.append(text)
        return super().embed_query(text)


def test_the_memory_store_and_the_step_list_are_chosen_by_settings(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, vector_store="memory", ranking_steps="boosts")
    assistant = Assistant(settings, HashingEmbedder())
    assert describe(assistant.pipeline) == {
        "vector_store": "InMemoryStore",
        "ranking_steps": ["boosts"],
        "answerer": "ExtractiveAnswerer",
    }
    assert isinstance(assistant.pipeline.store, InMemoryStore)
    assert assistant.ingest([CORPUS]).ok
    answer = assistant.ask("施設委託管理者は事業年度終了後いつまでに何を提出しますか？")
    assert answer.ranked and answer.evidence is not None


def test_unknown_steps_and_an_llm_answerer_without_an_endpoint_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"RANKING_STEPS.*rerank-everything"):
        make_settings(tmp_path, ranking_steps="boosts,rerank-everything")
    with pytest.raises(ConfigError, match="ANSWERER=llm"):
        make_settings(tmp_path, answerer="llm")


def test_a_question_is_embedded_once_and_tokenized_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedder = CountingEmbedder()
    assistant = Assistant(make_settings(tmp_path, vector_store="memory"), embedder)
    assistant.ingest([CORPUS])
    assistant.warm_up()
    question = "外為法第55条の8の報告はいつまでに出しますか？"
    tokenizer = assistant.pipeline.tokenizer
    analysed: list[str] = []
    for method in ("tokenize", "analyse", "analyse_fully", "proper_nouns"):
        original = getattr(tokenizer, method)

        def counting(text: str, original=original):  # type: ignore[no-untyped-def]
            analysed.append(text)
            return original(text)

        monkeypatch.setattr(tokenizer, method, counting)
    embedder.queries.clear()
    answer = assistant.ask(question)
    expected = "外為法第五十五条の八の報告はいつまでに出しますか?"
    assert embedder.queries == [expected]
    asked = [t for t in analysed if "報告はいつまで" in t]
    # The question once; its keyword text, with the documents' terms for its everyday words
    # added (いつまで -> 以内, 遅滞なく), is another text and is read once more.
    assert asked.count(expected) == 1, analysed
    assert len(asked) <= 2 and all(t.startswith(expected) for t in asked), analysed
    assert answer.ranked[: len(answer.nearest)] == answer.nearest or answer.abstained


@pytest.mark.parametrize(
    ("settings", "searches"),
    [
        ({}, 1),  # the earlier question searched again for the follow-up's anchors
        ({"conversation_bonus": 0.0}, 0),
        ({"conversation_anchors": 0}, 0),
        ({"ranking_steps": "boosts,sentences"}, 0),
    ],
)
def test_a_follow_ups_anchors_are_found_only_when_a_step_reads_them(
    tmp_path: Path, settings: dict[str, object], searches: int
) -> None:
    assistant = Assistant(
        make_settings(tmp_path, vector_store="memory", **settings), CountingEmbedder()
    )
    assert assistant.ingest([CORPUS]).ok
    embedder = assistant.pipeline.embedder
    assert isinstance(embedder, CountingEmbedder)
    embedder.queries.clear()
    earlier = "インフラ事業者に指定された会社が名前を変えたら、届出は要りますか？"
    assistant.ask("届け出なかったらどうなりますか？", history=[earlier])
    asked_again = [q for q in embedder.queries if q == normalize(earlier)]  # not the follow-up
    assert len(asked_again) == searches
