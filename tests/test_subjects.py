"""The subject index file: read as written, malformed entries named, absent file empty."""

from pathlib import Path

import pytest

from assistant.errors import ConfigError
from assistant.subjects import SUBJECTS_FILE, Provision, load_subjects

REPO_CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _write(folder: Path, text: str) -> Path:
    (folder / SUBJECTS_FILE).write_text(text, encoding="utf-8")
    return folder


def test_an_entry_is_read_with_its_groups_normalized_and_its_files_by_name(tmp_path: Path) -> None:
    index = load_subjects(
        _write(
            tmp_path,
            "subjects:\n"
            "  - subject: 技術移転の事前報告\n"
            "    asked_as: [[技術, 移転, 報告], [Technolog, ＲＥＰＯＲＴ]]\n"
            "    provisions:\n"
            "      - {file: laws/a_gaitameho.md, article: 第五十五条の八}\n",
        )
    )
    (subject,) = index.subjects
    assert subject.asked_as == (("技術", "移転", "報告"), ("technolog", "report"))
    assert subject.provisions == (Provision("a_gaitameho.md", "第五十五条の八"),)
    assert index.asked_in("技術を海外に移転する前の報告は？") == (subject,)
    assert index.asked_in("Do technology transfers need a REPORT?") == (subject,)
    assert index.asked_in("技術の報告") == ()  # no group complete


def test_absent_file_is_an_empty_index(tmp_path: Path) -> None:
    assert load_subjects(tmp_path).subjects == ()


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("subjects: {a: b}\n", "top-level 'subjects' list"),
        ("subjects:\n  - asked_as: [[a]]\n", "entry 1 needs a 'subject'"),
        ("subjects:\n  - subject: S\n    asked_as: [a]\n", "each 'asked_as' group"),
        (
            "subjects:\n  - subject: S\n    asked_as: [[a]]\n    provisions: [{file: x.md}]\n",
            "needs a 'file' and an 'article'",
        ),
        ("subjects:\n  - subject: S\n    asked_as: [[a]]\n", "'provisions' must list"),
        ("subjects: [\n", "not valid YAML"),
    ],
)
def test_a_malformed_file_names_itself_and_the_problem(
    tmp_path: Path, text: str, named: str
) -> None:
    with pytest.raises(ConfigError, match=named) as caught:
        load_subjects(_write(tmp_path, text))
    assert SUBJECTS_FILE in str(caught.value)


def test_the_shipped_index_reads_and_names_the_brief_s_tech_transfer_provisions() -> None:
    index = load_subjects(REPO_CORPUS)
    asked = index.asked_in("経産省から技術の移転について報告を求められました")
    assert [s.name for s in asked] == ["技術移転の事前報告"]
    articles = {p.article for p in asked[0].provisions}
    assert {"第五十五条の八", "第十八条の八", "第十条"} <= articles
