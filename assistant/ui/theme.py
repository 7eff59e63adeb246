"""The look of the product: Gradio theme, CSS and the small script behind citation links.

Fonts are local (no Google Fonts request leaves the browser) and Japanese-first. The script
makes a citation marker in an answer scroll to its source card, open it and flash it; it uses
one delegated listener on the document because Gradio re-renders chat messages while streaming.
"""

from __future__ import annotations

from typing import Any

FONTS = (
    "Noto Sans CJK JP",
    "Noto Sans JP",
    "Hiragino Sans",
    "Yu Gothic UI",
    "Meiryo",
    "system-ui",
    "sans-serif",
)

NAVY = "#17365d"
NAVY_DARK = "#0f2742"


def build_theme() -> Any:
    """A sober navy theme with local Japanese fonts."""
    import gradio as gr

    theme = gr.themes.Default(
        primary_hue=gr.themes.colors.blue,
        neutral_hue=gr.themes.colors.slate,
        radius_size=gr.themes.sizes.radius_sm,
        font=list(FONTS),
        font_mono=["Noto Sans Mono CJK JP", "monospace"],
    )
    return theme.set(
        body_background_fill="#f4f6f9",
        button_primary_background_fill=NAVY,
        button_primary_background_fill_hover=NAVY_DARK,
        button_primary_text_color="#ffffff",
        block_title_text_weight="600",
        block_label_text_weight="600",
    )


HEAD_SCRIPT = """
<script>
(() => {
  const openAncestors = (el) => {
    for (let d = el.closest('details'); d; d = d.parentElement && d.parentElement.closest('details')) {
      d.open = true;
    }
  };
  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('a.cite, a.near');
    if (!link) return;
    const id = (link.getAttribute('href') || '').replace(/^#/, '');
    const card = id && document.getElementById(id);
    if (!card) return;
    event.preventDefault();
    event.stopPropagation();
    openAncestors(card);
    card.scrollIntoView({behavior: 'smooth', block: 'center'});
    card.classList.remove('flash');
    void card.offsetWidth;
    card.classList.add('flash');
  }, true);
  // Opening a section scrolls it to the cited sentence: sections can be long articles.
  document.addEventListener('toggle', (event) => {
    const details = event.target;
    if (!details.classList || !details.classList.contains('section') || !details.open) return;
    const box = details.querySelector('.section-text');
    const mark = box && box.querySelector('mark');
    if (mark) box.scrollTop = Math.max(0, mark.offsetTop - 24);
  }, true);
})();
</script>
"""

CSS = """
.gradio-container { max-width: 1440px !important; margin: 0 auto !important; }
footer { display: none !important; }

/* header */
.app-header { background: linear-gradient(90deg, #0f2742 0%, #17365d 60%, #1f4b80 100%);
  color: #fff; border-radius: 6px; padding: 18px 24px; display: flex; align-items: center;
  justify-content: space-between; gap: 24px; }
.app-header h1 { margin: 0; font-size: 22px; font-weight: 700; letter-spacing: .04em; color: #fff; }
.app-header .subtitle { margin-top: 6px; font-size: 13px; color: #d6e2f3 !important; }
.app-header .notice { font-size: 12px; line-height: 1.7; max-width: 470px; color: #e8eef7 !important;
  border-left: 3px solid #8fb3e0; padding-left: 12px; }

/* mode switch */
.mode-switch, .mode-switch > div { background: transparent !important; border: none !important;
  box-shadow: none !important; }
.mode-switch .wrap { gap: 8px !important; }
.mode-switch label { border: 1px solid #c9d3e0 !important; border-radius: 20px !important;
  padding: 6px 18px !important; background: #fff !important; font-weight: 600; }
.mode-switch label.selected { background: #17365d !important; color: #fff !important;
  border-color: #17365d !important; }
.mode-switch input[type=radio] { display: none; }
#mode-row { align-items: center; }
.mode-hint { color: #475569; font-size: 13px; }

/* chat messages */
.answer-line { margin: 0 0 .55em 0 !important; line-height: 1.75; }
a.cite, a.near { display: inline-block; min-width: 1.45em; padding: 0 .35em; margin: 0 .2em;
  border-radius: 10px; background: #17365d; color: #fff !important; font-size: 11px;
  line-height: 1.6; text-align: center; text-decoration: none !important; font-weight: 700;
  vertical-align: 2px; cursor: pointer; }
a.near { background: #b7791f; }
.answer-sources { margin-top: .6em; padding-top: .5em; border-top: 1px solid #e2e8f0;
  font-size: 12px; color: #475569; }
.answer-note { color: #9a3412; font-size: 13px; }
.searched-as { font-size: 12px; color: #1e3a8a; background: #eef4ff; border-radius: 4px;
  padding: 4px 8px; margin-bottom: .6em; display: inline-block; }
.abstain { border-left: 4px solid #d97706; background: #fffbeb; padding: 8px 12px;
  border-radius: 4px; color: #78350f; }
.abstain-title { font-weight: 700; margin-bottom: 4px; }
.abstain-title::before { content: "⚠ "; }
.pending { color: #64748b; font-style: italic; }
.chat-error { border-left: 4px solid #b91c1c; background: #fef2f2; color: #7f1d1d;
  padding: 8px 12px; border-radius: 4px; }
.chat-placeholder { text-align: center; color: #475569; padding: 24px; }
.chat-placeholder h3 { color: #17365d; margin-bottom: 8px; }

/* sources panel */
.panel-heading { font-weight: 700; color: #17365d; font-size: 15px; margin: 4px 0 8px;
  border-bottom: 2px solid #17365d; padding-bottom: 4px; }
.sources-panel { max-height: 760px; overflow-y: auto; padding-right: 4px; }
.panel-empty { color: #64748b; font-size: 13px; padding: 16px; background: #fff;
  border: 1px dashed #cbd5e1; border-radius: 6px; line-height: 1.7; }
.cite-sample { display: inline-block; background: #17365d; color: #fff; border-radius: 10px;
  padding: 0 .45em; font-size: 11px; font-weight: 700; }
.turn-sources { margin-bottom: 10px; }
.turn-sources > summary { cursor: pointer; font-size: 13px; font-weight: 600; color: #334155;
  padding: 6px 4px; }
.turn-sources.abstained > summary { color: #92400e; }
.source-card { background: #fff; border: 1px solid #dbe2ea; border-left: 4px solid #17365d;
  border-radius: 6px; padding: 10px 12px; margin: 8px 0; transition: box-shadow .3s; }
.abstained .source-card { border-left-color: #d97706; border-style: dashed; }
.abstained .passage { max-height: 150px; overflow-y: auto; }
.source-card header { display: flex; gap: 10px; align-items: flex-start; }
.source-card .badge { flex: none; background: #17365d; color: #fff; border-radius: 12px;
  min-width: 24px; height: 22px; padding: 0 6px; font-size: 12px; font-weight: 700;
  display: inline-flex; align-items: center; justify-content: center; }
.abstained .source-card .badge { background: #d97706; }
.doc-title { font-weight: 700; color: #0f172a; font-size: 14px; }
.doc-loc { display: inline-block; font-weight: 600; font-size: 12px; color: #17365d;
  background: #e8eef7; border-radius: 4px; padding: 0 6px; margin-left: 4px; }
.doc-meta { font-size: 11px; color: #64748b; margin-top: 2px; word-break: break-all; }
.passage { margin: 8px 0 4px !important; padding: 8px 10px !important; background: #f8fafc;
  border-left: 3px solid #cbd5e1 !important; font-size: 13px; line-height: 1.75;
  color: #334155; }
.passage mark, .section-text mark, .glossary mark { background: #fde68a; color: #111827;
  padding: 0 1px; }
.section > summary { cursor: pointer; color: #1d4ed8; font-size: 12px; margin-top: 4px; }
.section-text { font-size: 12.5px; line-height: 1.8; color: #334155; max-height: 320px;
  overflow-y: auto; background: #fbfcfe; border: 1px solid #e2e8f0; padding: 8px 10px;
  margin-top: 6px; border-radius: 4px; position: relative; }
.superseded { font-size: 12px; color: #9a3412; margin-top: 4px; }
.related > summary, .definitions > summary { cursor: pointer; color: #1d4ed8; font-size: 12px;
  margin-top: 4px; }
.related-group { font-size: 12px; color: #475569; margin-top: 4px; }
.related ul, .definitions ul { margin: 2px 0 0 16px; padding: 0; font-size: 12px; }
.definition-text { font-size: 12px; color: #334155; margin: 2px 0 6px; }
.nearest-note { font-size: 12px; color: #92400e; background: #fffbeb; padding: 6px 8px;
  border-radius: 4px; }
.source-card.flash { animation: flash 2.4s ease-out; }
@keyframes flash { 0%, 40% { box-shadow: 0 0 0 3px #f59e0b; } 100% { box-shadow: none; } }

/* onboarding */
.glossary { max-height: 520px; overflow-y: auto; padding-right: 4px; }
.glossary-intro { font-size: 12px; color: #475569; margin-bottom: 8px; }
.term { background: #fff; border: 1px solid #dbe2ea; border-radius: 6px; padding: 10px 12px;
  margin-bottom: 8px; }
.term-name { font-weight: 700; color: #17365d; font-size: 15px; }
.term-alias { font-size: 11px; background: #e0e7ff; color: #3730a3; border-radius: 8px;
  padding: 1px 8px; margin-left: 6px; vertical-align: 2px; }
.term-quote { font-size: 13px; line-height: 1.75; margin: 6px 0 4px; color: #1f2937; }
.term-source { font-size: 11px; color: #64748b; }
.term-missing { font-size: 12px; color: #92400e; }
button.starter { justify-content: flex-start !important; text-align: left !important;
  white-space: normal !important; background: #fff !important; border: 1px solid #cbd5e1 !important;
  color: #17365d !important; font-weight: 500 !important; padding: 8px 12px !important; }
button.starter::before { content: "›"; margin-right: 8px; font-weight: 700; color: #1d4ed8; }
button.starter:hover { background: #eef4ff !important; border-color: #1d4ed8 !important; }
.side-panel { background: #fff; border: 1px solid #dbe2ea; border-radius: 6px; padding: 12px !important;
  margin-bottom: 12px; }
.side-panel .panel-heading { margin-top: 0; }
.draft-box textarea { font-size: 13px !important; line-height: 1.7 !important; }

/* documents */
.doc-table { width: 100%; border-collapse: collapse; font-size: 13px; background: #fff; }
.doc-table th { background: #17365d; color: #fff; text-align: left; padding: 8px; font-weight: 600;
  white-space: nowrap; }
.doc-table .nowrap { white-space: nowrap; }
.doc-table td { border-bottom: 1px solid #e2e8f0; padding: 8px; vertical-align: top; }
.doc-table tr:nth-child(even) td { background: #f8fafc; }
.doc-table .num { text-align: right; white-space: nowrap; }
.doc-table .small { font-size: 11px; color: #64748b; word-break: break-all; }
.doc-summary { font-size: 13px; color: #334155; margin: 4px 0 8px; }
.doc-table .defects-label { font-size: 11px; color: #9a3412; margin-top: 4px; font-weight: 600; }
#download-md { border: 1px solid #94a3b8 !important; }
.doc-table .defects { font-size: 11px; color: #9a3412; margin: 4px 0 0 1em; padding: 0; }
.status-ok { border-left: 4px solid #15803d; background: #f0fdf4; color: #14532d;
  padding: 8px 12px; border-radius: 4px; margin: 4px 0; }
.status-error { border-left: 4px solid #b91c1c; background: #fef2f2; color: #7f1d1d;
  padding: 8px 12px; border-radius: 4px; margin: 4px 0; }
.status-warning { font-size: 12px; color: #92400e; }
.app-footer { text-align: center; color: #64748b; font-size: 12px; padding: 12px; }
"""
