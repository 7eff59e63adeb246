"""The evaluation's outcome metrics: wrong answers and conversation cases, without a model."""

from assistant.evaluation.domain import CaseOutcome, compute_metrics


def _outcome(
    answerable: bool, abstained: bool, cites_gold: bool, conversation: bool = False
) -> CaseOutcome:
    return CaseOutcome(
        id="c",
        question="q",
        answerable=answerable,
        abstained=abstained,
        relevant_ranks=[1] if answerable else [],
        gold_recall_at_5=1.0,
        must_include_found=[],
        must_include_missing=[],
        citation_valid=None if abstained else True,
        supported=0,
        sentences=0,
        latency_ms=1.0,
        conversation=conversation,
        cites_gold=cites_gold,
    )


def test_a_wrong_answer_is_answered_without_a_gold_citation_or_answered_at_all_when_unanswerable() -> (
    None
):
    right = _outcome(answerable=True, abstained=False, cites_gold=True)
    off_target = _outcome(answerable=True, abstained=False, cites_gold=False)
    declined = _outcome(answerable=True, abstained=True, cites_gold=False)
    invented = _outcome(answerable=False, abstained=False, cites_gold=False)
    refused = _outcome(answerable=False, abstained=True, cites_gold=False)
    assert [o.wrong_answer for o in (right, off_target, declined, invented, refused)] == [
        False,
        True,
        False,
        True,
        False,
    ]
    assert [o.right for o in (right, off_target, declined, invented, refused)] == [
        True,
        False,
        False,
        False,
        True,
    ]
    metrics = compute_metrics([right, off_target, declined, invented, refused])
    assert metrics["wrong_answer_rate"] == 2 / 5
    assert metrics["conversation_cases"] == 0 and metrics["conversation_right"] == 1.0


def test_conversation_cases_count_when_they_are_answered_right() -> None:
    outcomes = [
        _outcome(True, False, True, conversation=True),
        _outcome(True, False, False, conversation=True),
        _outcome(False, True, False, conversation=True),
        _outcome(True, False, False),
    ]
    metrics = compute_metrics(outcomes)
    assert metrics["conversation_cases"] == 3
    assert metrics["conversation_right"] == 2 / 3
