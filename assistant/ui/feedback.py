"""Likes, dislikes and comments from the chat, stored through assistant.feedback.

A click is stored at once (a user may never write the comment); the optional comment then
updates the same record, and a changed mind (like, then dislike) changes the rating instead of
adding a second record for one answer.
"""

from __future__ import annotations

from assistant.feedback import FeedbackStore, Rating
from assistant.ui.chat import ChatSession, TurnRecord, answer_id_in


class FeedbackRecorder:
    """Turns chat like/dislike events into stored feedback records."""

    def __init__(self, store: FeedbackStore) -> None:
        self.store = store

    def rate(
        self, session: ChatSession, message: object, liked: object, mode: str, user: str = ""
    ) -> TurnRecord | None:
        """Store ``user``'s rating for the answer ``message`` (a chat message's content) names
        by its id, with that id; None if it names no answer of this session.

        Never by position: a page and the server can disagree on what sits at index n (a
        cleared chat, a failed question), and the rating would go to another answer.
        """
        answer_id = answer_id_in(message)
        turn = session.turn_for_answer(answer_id) if answer_id else None
        if turn is None or liked not in (True, False):
            return None
        rating: Rating = "like" if liked else "dislike"
        if turn.feedback_id is None:
            turn.feedback_id = self.store.record(
                turn.answer, rating, mode=mode, answer_id=turn.answer_id, user=user
            )
        else:
            self.store.update(turn.feedback_id, rating=rating)
        return turn

    def comment(self, session: ChatSession, turn_number: int, text: str) -> bool:
        """Attach a comment to a turn's stored rating; False if the turn was never rated."""
        turn = next((t for t in session.turns if t.number == turn_number), None)
        if turn is None or turn.feedback_id is None:
            return False
        self.store.update(turn.feedback_id, comment=text)
        return True
