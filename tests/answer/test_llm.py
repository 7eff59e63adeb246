"""The LLM answerer against a real HTTP server that speaks the OpenAI chat API (on loopback)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from assistant.answer.llm import check_sentences, rewrite_with_llm
from assistant.config import load_settings
from assistant.types import Answer, AnswerSentence, Chunk, Citation, DocumentKind

PASSAGE = "施設委託管理者は、毎事業年度終了後三月以内に、事業報告書及び収支決算書を作成し、主務大臣に提出しなければならない。"


def _answer() -> Answer:
    chunk = Chunk(
        "c1", "law.md", "推進法", DocumentKind.LAW, PASSAGE, PASSAGE, 0, article="第四十五条"
    )
    return Answer(
        question="いつまでに何を提出しますか？",
        searched_query="いつまでに何を提出しますか？",
        text=f"{PASSAGE} [1]",
        abstained=False,
        sentences=(AnswerSentence(PASSAGE, 1),),
        citations=(Citation(1, chunk, PASSAGE),),
    )


class _Handler(BaseHTTPRequestHandler):
    reply = ""

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        json.loads(self.rfile.read(length))
        body = {
            "id": "x",
            "object": "chat.completion",
            "created": 0,
            "model": "test",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": type(self).reply},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture()
def endpoint() -> Iterator[tuple[str, type[_Handler]]]:
    server = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v1", _Handler
    server.shutdown()


def _settings(url: str) -> Any:
    return load_settings(llm_base_url=url, llm_model="test", llm_timeout_s=10)


def test_supported_sentences_are_kept(endpoint: tuple[str, type[_Handler]]) -> None:
    url, handler = endpoint
    handler.reply = "施設委託管理者は、毎事業年度終了後三月以内に事業報告書及び収支決算書を主務大臣に提出します [1]。"
    answer = rewrite_with_llm(_answer(), _settings(url))
    assert answer.generated and not answer.abstained
    assert "三月以内" in answer.text and "[1]" in answer.text


def test_invented_facts_are_dropped_and_extractive_is_kept(
    endpoint: tuple[str, type[_Handler]],
) -> None:
    url, handler = endpoint
    handler.reply = "補助率は三分の二で、申請締切は十二月二十日です。 [1]"
    answer = rewrite_with_llm(_answer(), _settings(url))
    assert not answer.generated
    assert answer.text == _answer().text
    assert any("not supported" in note for note in answer.notes)


def test_unreachable_endpoint_falls_back() -> None:
    answer = rewrite_with_llm(_answer(), _settings("http://127.0.0.1:9/v1"))
    assert answer.text == _answer().text and answer.notes


def test_sentences_without_a_valid_marker_are_dropped() -> None:
    kept = check_sentences(f"{PASSAGE} [7] {PASSAGE}", _answer())
    assert kept == ()
