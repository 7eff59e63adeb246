"""Query understanding: questions become ``Query`` values (``builder.py``), and follow-ups are
rewritten from the conversation before that (``followup.py``)."""

from assistant.query.builder import QueryBuilder, check_question
from assistant.query.followup import Conversation, Turn, rewrite_followup

__all__ = ["Conversation", "QueryBuilder", "Turn", "check_question", "rewrite_followup"]
