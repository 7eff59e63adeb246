"""Answering: grounded answers from hits (extractive by default, an LLM when configured)."""
