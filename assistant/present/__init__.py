"""Presentation: answers as text and JSON (``answer.py``) and as a formal reply draft
(``draft.py``); the CLI, the UI and the evaluation all render through here."""

from assistant.present.answer import answer_to_dict, citation_label, render_answer_text

__all__ = ["answer_to_dict", "citation_label", "render_answer_text"]
