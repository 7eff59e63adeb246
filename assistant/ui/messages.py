"""Error messages in the UI's language, and nothing the user may not see.

The library's errors are English, written for the command line, and may name files or
settings. The chat shows Japanese instead: a message for each case a user can act on (an
empty or over-long question, an empty index) and a general one for the rest, whose detail
goes to the server log only, so an error never reveals a document the user may not read.
"""

from __future__ import annotations

import logging

from assistant.errors import AssistantError, IndexStoreError, QuestionError

log = logging.getLogger(__name__)

GENERAL = "ご質問を処理できませんでした。時間をおいて再度お試しください。"


def japanese_message(error: AssistantError) -> str:
    """What the chat says about ``error``, in Japanese."""
    if isinstance(error, QuestionError):
        if error.limit:
            return (
                f"ご質問が{error.length}文字あり、上限の{error.limit}文字を超えています。"
                "要点を一つずつに分けてお尋ねください。"
            )
        return "ご質問が空です。質問を入力してください。"
    if isinstance(error, IndexStoreError):
        log.warning("index error in the chat: %s", error)
        return "検索できる文書が登録されていません。管理者にお問い合わせください。"
    log.warning("error in the chat: %s", error)
    return GENERAL
