"""The grounding evaluation: every claim about quality is a number anyone can rerun."""
