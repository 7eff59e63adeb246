"""The onboarding panel: the glossary as HTML, each term with its quoted definition and source."""

from __future__ import annotations

import html
from collections.abc import Sequence

from assistant.catalog import Catalog
from assistant.glossary import GlossaryEntry, highlight_positions
from assistant.ui.labels import short_title

GLOSSARY_INTRO = (
    "各用語の説明は、登録されている法令・資料の本文から検索した定義の一文をそのまま引用しています。"
)
GLOSSARY_LOADING = '<div class="panel-empty">用語集を作成しています…</div>'


def _marked_quote(entry: GlossaryEntry) -> str:
    names = (entry.term, *entry.aliases)
    out: list[str] = []
    cursor = 0
    for start, end in highlight_positions(entry.quote, names):
        out.append(html.escape(entry.quote[cursor:start]))
        out.append(f"<mark>{html.escape(entry.quote[start:end])}</mark>")
        cursor = end
    out.append(html.escape(entry.quote[cursor:]))
    return "".join(out)


def _term_card(entry: GlossaryEntry, catalog: Catalog) -> str:
    aliases = "".join(f'<span class="term-alias">{html.escape(a)}</span>' for a in entry.aliases)
    if entry.found:
        body = (
            f'<div class="term-quote">「{_marked_quote(entry)}」</div>'
            f'<div class="term-source" title="{html.escape(entry.label, quote=True)}">'
            f"出典：{html.escape(_source_name(entry, catalog))}（{html.escape(entry.source)}）</div>"
        )
    else:
        body = '<div class="term-missing">登録文書の中に、この用語を定義する記述は見つかりませんでした。</div>'
    return (
        f'<div class="term" data-term="{html.escape(entry.term, quote=True)}">'
        f'<span class="term-name">{html.escape(entry.term)}</span>{aliases}{body}</div>'
    )


def _source_name(entry: GlossaryEntry, catalog: Catalog) -> str:
    return f"{short_title(catalog, entry.source, entry.title)} {entry.location}".strip()


def render_glossary(entries: Sequence[GlossaryEntry], catalog: Catalog) -> str:
    """All glossary cards under a note saying where the definitions come from."""
    cards = "".join(_term_card(e, catalog) for e in entries)
    return f'<div class="glossary"><div class="glossary-intro">{GLOSSARY_INTRO}</div>{cards}</div>'
