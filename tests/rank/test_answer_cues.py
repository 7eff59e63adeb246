"""The answer-cue step without a model: among the head, provisions that state none of the kind of
answer the question asks for (a punishment, a time, an amount) trade places with the passages
that state one, and the scores stay with the positions; prose is never silent and moves only
when it states the cue; nothing moves for a question asking no such kind."""

from pathlib import Path

from assistant.rank import RankContext
from assistant.rank.answer_cues import AnswerCues
from assistant.types import DocumentKind, Hit
from tests.fakes import chunk, memory_snapshot, query

DUTY = chunk(
    "duty", "特定社会基盤事業者は、その名称を変更したときは、主務大臣に届け出なければならない。"
)
PENALTY = chunk(
    "penalty",
    "第五十条の規定による届出をせず、又は虚偽の届出をした者は、三十万円以下の罰金に処する。",
    article="第九十六条",
)
ORDER = chunk("order", "特定重要物資の指定は、政令で行う。", article="第七条")
WAIT = chunk(
    "wait",
    "届出をした者は、その届出の日から三十日を経過するまでは、導入を行ってはならない。",
    article="第五十二条",
)
# A law number states no date or period, though it holds 年 and a number.
CITES = chunk(
    "cites",
    "経済施策を一体的に講ずることによる安全保障の確保の推進に関する法律（令和四年法律第四十三号）の規定による届出",
    article="第二条",
)


def _hits(*chunks: object) -> list[Hit]:
    return [Hit(c, score=10.0 - i) for i, c in enumerate(chunks)]  # type: ignore[arg-type]


def _context(tmp_path: Path) -> RankContext:
    store, snapshot = memory_snapshot([DUTY, PENALTY, ORDER, WAIT, CITES], tmp_path)
    return RankContext(snapshot, store)


def test_a_penalty_question_puts_the_passage_stating_the_punishment_first(tmp_path: Path) -> None:
    hits = _hits(DUTY, ORDER, PENALTY)
    ranked = AnswerCues(depth=5).apply(
        query("名称を変えたのに届け出なかったら罰則はありますか？"), hits, _context(tmp_path)
    )
    assert [h.chunk.chunk_id for h in ranked] == ["penalty", "duty", "order"]
    assert [h.score for h in ranked] == [h.score for h in hits]


def test_a_when_question_prefers_a_stated_time_and_reads_past_law_numbers(tmp_path: Path) -> None:
    hits = _hits(CITES, DUTY, WAIT)
    ranked = AnswerCues(depth=5).apply(
        query("届出のあと、いつまで導入を待つ必要がありますか？"), hits, _context(tmp_path)
    )
    assert [h.chunk.chunk_id for h in ranked] == ["wait", "cites", "duty"]


def test_only_the_head_moves(tmp_path: Path) -> None:
    hits = _hits(DUTY, ORDER, PENALTY)
    ranked = AnswerCues(depth=2).apply(query("罰則はありますか？"), hits, _context(tmp_path))
    assert ranked == hits  # the penalty is third: outside a head of two, which states none


def test_nothing_moves_without_an_asked_kind_or_when_the_head_agrees(tmp_path: Path) -> None:
    step, context = AnswerCues(depth=5), _context(tmp_path)
    hits = _hits(DUTY, ORDER, PENALTY)
    assert step.apply(query("特定重要物資の指定はどう行いますか？"), hits, context) == hits
    within = chunk("within", "変更の日から三十日以内に届け出なければならない。", article="第五十条")
    stating = _hits(WAIT, within)
    assert step.apply(query("いつまでに届け出ますか？"), stating, context) == stating


def test_prose_is_never_silent_and_keeps_its_place_unless_it_states_the_cue(
    tmp_path: Path,
) -> None:
    prose = chunk(
        "prose",
        "この寺は江戸時代に再建され、戦後まもなく国宝に指定された。",
        kind=DocumentKind.OTHER,
    )
    dated = chunk("dated", "1951年に国宝に指定された。", kind=DocumentKind.OTHER)
    step, context = AnswerCues(depth=5), _context(tmp_path)
    when = query("いつ国宝に指定されましたか？")
    ranked = step.apply(when, _hits(DUTY, prose, WAIT), context)
    assert [h.chunk.chunk_id for h in ranked] == ["wait", "prose", "duty"]
    ranked = step.apply(when, _hits(DUTY, prose, dated), context)
    assert [h.chunk.chunk_id for h in ranked] == ["dated", "prose", "duty"]


def test_prose_speaking_of_no_sanction_is_silent_on_what_follows_a_breach(
    tmp_path: Path,
) -> None:
    scheme = chunk(
        "scheme",
        "重要技術を海外へ移転する際は、事業者から事前報告してもらう枠組みです。",
        kind=DocumentKind.ARTICLE,
    )
    sanction = chunk(
        "sanction",
        "報告を怠った企業には罰則が科されるほか、社名が公表される。",
        kind=DocumentKind.ARTICLE,
    )
    step, context = AnswerCues(depth=5), _context(tmp_path)
    ignored = query("What happens if a company ignores the order?")
    ranked = step.apply(ignored, _hits(scheme, DUTY, PENALTY), context)
    assert [h.chunk.chunk_id for h in ranked] == ["penalty", "scheme", "duty"]
    # prose that speaks of a sanction keeps its place, though it states no punishment's form
    ranked = step.apply(query("罰則はありますか？"), _hits(sanction, DUTY, PENALTY), context)
    assert [h.chunk.chunk_id for h in ranked] == ["sanction", "penalty", "duty"]
    # "what happens" to a calculation breaks no rule: prose stays where it is
    method = query("分解装置で処理している場合、算定方法はどうなりますか？")
    ranked = step.apply(method, _hits(scheme, DUTY, PENALTY), context)
    assert [h.chunk.chunk_id for h in ranked] == ["scheme", "penalty", "duty"]
