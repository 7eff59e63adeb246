"""Issue #17's restricted-document test over real Chroma: asked about directly, a firm gets
nothing of a staff-only note in any mode and through any route; staff and admins see it.

Routes here are the service, the CLI's ``ask --user`` and the chat handler with its sources
panel and reply draft; the HTTP API and the browser are covered in tests/ui/.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from assistant import cli
from assistant.access.audit import AUDIT_FILE, AuditLog
from assistant.access.principal import Principal, Role
from assistant.access.users import USERS_FILE, UserStore
from assistant.access.visibility import STAFF as STAFF_ONLY
from assistant.embedding import HashingEmbedder
from assistant.present.answer import answer_to_dict
from assistant.service import Assistant
from assistant.types import Answer
from assistant.ui.chat import ChatHandler, ChatSession
from assistant.ui.draft import draft_for
from assistant.ui.sources import render_sources_panel
from tests.access.conftest import PASSWORD
from tests.conftest import CORPUS, make_settings
from tests.restricted import ADMIN, FIRM, NAME, QUESTIONS, STAFF, mentions, write_note

MODES = ("hybrid", "dense", "keyword")


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    tmp = tmp_path_factory.mktemp("restricted")
    assistant = Assistant(make_settings(tmp), HashingEmbedder())
    assistant.ingest([CORPUS])
    note = write_note(tmp / "uploads")
    report = assistant.ingest([note], prune=False, visibility=STAFF_ONLY, owner=STAFF.name)
    assert report.ok and report.added == [NAME]
    yield assistant


def _shown(answer: Answer) -> str:
    """Everything of an answer a user can see or download, as one string."""
    return (
        json.dumps(answer_to_dict(answer), ensure_ascii=False)
        + draft_for(answer)
        + "".join(h.chunk.text for h in (*answer.ranked, *answer.nearest))
    )


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("question", QUESTIONS)
def test_a_firm_gets_nothing_of_the_note_in_any_mode(
    assistant: Assistant, mode: str, question: str
) -> None:
    for principal in (FIRM, None):
        answer = assistant.ask(question, mode=mode, depth=40, principal=principal)
        assert not mentions(_shown(answer)), (mode, principal)
        hits = assistant.search(question, k=40, mode=mode, principal=principal)
        assert all(h.chunk.source != NAME for h in hits)


@pytest.mark.parametrize("mode", MODES)
def test_staff_and_admins_find_the_note(assistant: Assistant, mode: str) -> None:
    for principal in (STAFF, ADMIN):
        hits = assistant.search(QUESTIONS[0], k=5, mode=mode, principal=principal)
        # The hashing fake embeds character n-grams, so the note is near but not always first.
        assert NAME in {h.chunk.source for h in hits}, (mode, principal)


def test_lists_and_context_views_leave_the_note_out_for_a_firm(assistant: Assistant) -> None:
    assert NAME not in {e.source for e in assistant.documents(FIRM)}
    assert NAME in {e.source for e in assistant.documents(STAFF)}
    note = assistant.search(QUESTIONS[0], k=1, mode="keyword", principal=STAFF)[0].chunk
    assert note.visibility == "staff"
    assert assistant.document_chunks(note, FIRM) == []
    assert assistant.document_chunks(note, STAFF)


def test_the_chat_shows_a_firm_nothing_and_staff_the_note(assistant: Assistant) -> None:
    def chat(principal: Principal) -> str:
        session = ChatSession()
        updates = list(ChatHandler(assistant).respond(QUESTIONS[0], [], session, None, principal))
        panel = render_sources_panel(assistant, session.numbered_answers(), principal)
        answer = updates[-1].answer
        assert answer is not None
        return updates[-1].messages[-1]["content"] + panel + draft_for(answer)

    assert not mentions(chat(FIRM))
    assert mentions(chat(STAFF))


def test_cli_ask_as_a_firm_user_gets_nothing_and_is_audited(
    assistant: Assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(data))
    monkeypatch.setattr(cli, "open_assistant", lambda settings=None: assistant)
    users = UserStore(data / USERS_FILE)
    users.add(FIRM.name, Role.FIRM, PASSWORD)
    users.add(STAFF.name, Role.STAFF, PASSWORD)
    outputs = {}
    for name in (FIRM.name, STAFF.name):
        result = CliRunner().invoke(cli.main, ["--user", name, "ask", QUESTIONS[0], "--json"])
        assert result.exit_code == 0, result.output
        outputs[name] = result.output
    assert not mentions(outputs[FIRM.name]) and mentions(outputs[STAFF.name])
    records = list(AuditLog(data / AUDIT_FILE).records())
    assert [(r.user, r.mode, r.question) for r in records] == [
        (FIRM.name, "cli", QUESTIONS[0]),
        (STAFF.name, "cli", QUESTIONS[0]),
    ]
    staff_record = records[1]
    assert any(c.source == NAME for c in staff_record.cited) or staff_record.abstained


def test_a_glossary_built_for_everyone_never_quotes_the_note(assistant: Any) -> None:
    from assistant.glossary import Glossary

    entries = Glossary(assistant, assistant.settings.data_dir / "glossary-test.json").entries()
    assert not any(
        mentions(json.dumps(e.__dict__, ensure_ascii=False, default=str)) for e in entries
    )


def test_chroma_filters_inside_the_ann_search(assistant: Assistant) -> None:
    store = assistant.pipeline.store
    entry = next(e for e in assistant.documents(STAFF) if e.source == NAME)
    vector = store.embeddings_of(entry.chunk_ids[:1])[entry.chunk_ids[0]]  # the note's own
    staff = store.query(vector, 3, visibility=("public", "staff"))
    assert staff[0][0].source == NAME and staff[0][1] > 0.99
    public = store.query(vector, 3, visibility=("public",))
    assert len(public) == 3 and all(c.source != NAME for c, _ in public)
