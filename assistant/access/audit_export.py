"""Writing audit records out for a reviewer: CSV for a spreadsheet, JSON Lines for tools.

Both formats carry the same fields under the same names. In CSV the cited passages are one
JSON cell and a missing value is an empty cell, because a spreadsheet has no lists or nulls.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import Any, Literal, TextIO

from assistant.access.audit_events import AuditRecord
from assistant.access.timestamps import to_text

ExportFormat = Literal["csv", "jsonl"]
FIELDS = (
    "id",
    "event_id",
    "occurred_at",
    "kind",
    "user",
    "succeeded",
    "mode",
    "question",
    "searched_query",
    "cited",
    "abstained",
    "latency_ms",
    "document",
    "detail",
)


def record_to_dict(record: AuditRecord) -> dict[str, Any]:
    """One record as JSON-ready values, keys in ``FIELDS`` order."""
    return {
        "id": record.id,
        "event_id": record.event_id,
        "occurred_at": to_text(record.occurred_at),
        "kind": record.kind.value,
        "user": record.user,
        "succeeded": record.succeeded,
        "mode": record.mode,
        "question": record.question,
        "searched_query": record.searched_query,
        "cited": [{"chunk_id": c.chunk_id, "source": c.source} for c in record.cited],
        "abstained": record.abstained,
        "latency_ms": record.latency_ms,
        "document": record.document,
        "detail": record.detail,
    }


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def export_records(records: Iterable[AuditRecord], out: TextIO, fmt: ExportFormat) -> int:
    """Write ``records`` to ``out`` in ``fmt`` and return how many were written."""
    count = 0
    writer = csv.writer(out, lineterminator="\n") if fmt == "csv" else None
    if writer is not None:
        writer.writerow(FIELDS)
    for record in records:
        values = record_to_dict(record)
        if writer is not None:
            writer.writerow([_csv_cell(values[name]) for name in FIELDS])
        else:
            out.write(json.dumps(values, ensure_ascii=False) + "\n")
        count += 1
    return count
