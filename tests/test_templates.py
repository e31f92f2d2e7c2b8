"""The wording templates: complete where promised, checked strictly, falling back to English kindly."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from feedback_rows import judged_row, settings, three, two
from wording_files import flat_names

from jlpt_batch.errors import TemplateError
from jlpt_batch.outputs.sheets.content import build_sheet
from jlpt_batch.outputs.sheets.context import make_context
from jlpt_batch.outputs.sheets.wording import ENTRIES, SPEC, Catalog, default_templates_dir, load_wording

SHIPPED = Path(__file__).resolve().parent.parent / "templates"

OUTCOME_ROWS = [
    judged_row("N1", three(60, 60, 60), vocabulary_band="C", vocabulary_correct=5, vocabulary_questions=30),
    judged_row("N3", three(40, 40, 40)),
    judged_row("N3", three(50, 43, 17), vocabulary_band="A", grammar_band="B"),
    judged_row("N4", two(60, 25), vocabulary_band="B", grammar_band="C", reading_band="B"),
    judged_row("N2", three(15, 18, 10), grammar_band="C"),
    judged_row("N2", three(15, 40, 40), vocabulary_band="A", grammar_band="A"),
    judged_row("N5", two(70, None), region="domestic"),
    judged_row("N5", two(80, 40), region="overseas"),
]


def copy_templates(tmp_path: Path, *langs: str) -> Path:
    folder = tmp_path / "my-templates"
    folder.mkdir()
    for lang in langs:
        shutil.copy(SHIPPED / f"{lang}.toml", folder / f"{lang}.toml")
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def sheets_for(folder: Path, lang: str) -> list:
    context = make_context(settings(templates_dir=folder, lang=lang, percentile=True))
    return [build_sheet(row, context) for row in OUTCOME_ROWS]


# --- the shipped wording ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ja", "ko", "zh", "vi"])
def test_every_shipped_language_defines_every_entry(lang):
    assert flat_names(SHIPPED / f"{lang}.toml") == set(ENTRIES)


def test_every_shipped_file_is_valid_and_names_only_known_entries():
    wording = load_wording(SHIPPED)
    for path in SHIPPED.glob("*.toml"):
        assert flat_names(path) <= set(ENTRIES), path.name
    assert not [warning for warning in wording.warnings if "en.toml" in str(warning) or "ja.toml" in str(warning)]
    assert not [warning for warning in wording.warnings if "not a known entry" in str(warning)]


def test_the_default_folder_works_from_any_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    wording = load_wording()
    assert {"en", "ja"} <= set(wording.catalogs)
    assert (Path(str(default_templates_dir())) / "en.toml").is_file()


@pytest.mark.parametrize("lang", sorted(path.stem for path in SHIPPED.glob("*.toml")))
def test_every_shipped_language_words_every_outcome(lang):
    for model in sheets_for(SHIPPED, lang):
        assert model.lang == lang
        assert all(block.paragraphs for block in model.blocks)
        # no placeholder left unfilled, no brace doubled by mistake
        text = " ".join([model.result_detail, *model.footer, *(p for b in model.blocks for p in b.paragraphs)])
        assert not re.search(r"[{}]", text)


def test_every_placeholder_of_every_entry_is_filled_on_every_outcome(tmp_path):
    """A teacher may use any allowed placeholder in any entry: the sheets must still build."""
    folder = tmp_path / "all-placeholders"
    folder.mkdir()
    lines = []
    for name, fields in ENTRIES.items():
        value = name + " " + " ".join(f"<{field}={{{field}}}>" for field in sorted(fields))
        lines.append(f'"{name}" = {value!r}'.replace("'", '"'))
    (folder / "en.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    context = make_context(settings(templates_dir=folder, percentile=True))
    models = [build_sheet(row, context) for row in OUTCOME_ROWS]
    assert "<floor=19>" in models[2].result_detail


# --- a teacher's copy ---------------------------------------------------------------------------


def test_an_edited_entry_changes_the_sheet(tmp_path):
    folder = copy_templates(tmp_path, "en")
    edit(folder / "en.toml", 'passed = "Passed"', 'passed = "Well done: passed"')
    assert sheets_for(folder, "en")[1].result_text == "Well done: passed"


def test_a_missing_entry_falls_back_to_english_with_a_warning(tmp_path):
    folder = copy_templates(tmp_path, "en", "ja")
    edit(folder / "ja.toml", 'passed = "合格"\n', "")
    context = make_context(settings(templates_dir=folder, lang="ja"))
    expected = "ja.toml: entry 'result.passed' is missing; using the English wording"
    assert any(expected in str(warning) for warning in context.warnings)
    model = build_sheet(judged_row("N3", three(40, 40, 40)), context)
    assert model.result_text == "Passed"
    assert model.result_detail.startswith("N3合格です。")


def test_a_language_without_a_file_falls_back_to_english_with_a_warning(tmp_path):
    folder = copy_templates(tmp_path, "en")
    context = make_context(settings(templates_dir=folder, lang="ja"))
    assert context.default_lang == "en"
    assert any("no wording for language 'ja'" in str(warning) for warning in context.warnings)
    assert build_sheet(judged_row("N3", three(40, 40, 40), language="ja"), context).result_text == "Passed"


def test_a_folder_without_english_uses_the_built_in_english(tmp_path):
    folder = copy_templates(tmp_path, "ja")
    edit(folder / "ja.toml", 'not_passed = "不合格"\n', "")
    context = make_context(settings(templates_dir=folder, lang="ja"))
    assert any("has no en.toml" in str(warning) for warning in context.warnings)
    assert build_sheet(judged_row("N3", three(40, 40, 10)), context).result_text == "Not passed"


def test_an_unknown_entry_name_is_reported(tmp_path):
    folder = copy_templates(tmp_path, "en")
    edit(folder / "en.toml", "[result]\n", '[result]\npased = "Passed!"\n')
    wording = load_wording(folder)
    assert any("entry 'result.pased' is not a known entry" in str(warning) for warning in wording.warnings)


def test_literal_braces_are_written_doubled(tmp_path):
    folder = copy_templates(tmp_path, "en")
    edit(folder / "en.toml", 'passed = "Passed"', 'passed = "Passed {{N}}"')
    assert sheets_for(folder, "en")[1].result_text == "Passed {N}"


# --- errors that stop the run ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "{total} reached",
            "{totl} reached",
            "entry 'fail.trap': unknown placeholder {totl}; this entry can use {pass_mark}, {sections}, {total}",
        ),
        ("{total} reached", "{0} reached", "entry 'fail.trap': unknown placeholder {0}"),
        ("{total} reached", "{total.real} reached", "entry 'fail.trap': unknown placeholder {total.real}"),
        ("{total} reached", "{total:.0f} reached", "entry 'fail.trap': broken placeholder"),
        ("{total} reached", "{total reached", "entry 'fail.trap': broken placeholder"),
    ],
)
def test_a_bad_placeholder_names_file_and_entry(tmp_path, old, new, message):
    folder = copy_templates(tmp_path, "en", "ja")
    path = folder / "en.toml"
    edit(path, old, new)
    with pytest.raises(TemplateError) as caught:
        make_context(settings(templates_dir=folder))
    assert str(path) in str(caught.value)
    assert message in str(caught.value)


def test_a_placeholder_allowed_elsewhere_is_still_unknown_here(tmp_path):
    folder = copy_templates(tmp_path, "ja")
    edit(folder / "ja.toml", 'passed = "合格"', 'passed = "{total}点で合格"')
    expected = r"ja\.toml, entry 'result\.passed': unknown placeholder \{total\}; this entry can use no placeholders"
    with pytest.raises(TemplateError, match=expected):
        load_wording(folder)


def test_malformed_toml_names_file_and_entry(tmp_path):
    folder = copy_templates(tmp_path, "en", "ja")
    path = folder / "ja.toml"
    edit(path, 'trap = "', "trap = ")
    with pytest.raises(TemplateError) as caught:
        make_context(settings(templates_dir=folder, lang="en"))
    message = str(caught.value)
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(number for number, text in enumerate(lines, 1) if text.startswith("trap ="))
    assert f"{path} is not valid TOML near entry 'fail.trap' (line {line})" in message


def test_a_value_that_is_not_text_names_file_and_entry(tmp_path):
    folder = copy_templates(tmp_path, "en")
    edit(folder / "en.toml", 'passed = "Passed"', "passed = 1")
    with pytest.raises(TemplateError, match=r"en\.toml, entry 'result\.passed': the value must be text in quotes"):
        load_wording(folder)


def test_a_missing_folder_is_an_error(tmp_path):
    with pytest.raises(TemplateError, match="does not exist"):
        make_context(settings(templates_dir=tmp_path / "nowhere"))


def test_a_catalog_refuses_to_fill_an_entry_with_values_missing():
    catalog = Catalog("en", {"fail.trap": "{total}"}, SPEC)
    with pytest.raises(KeyError, match="pass_mark"):
        catalog.text("fail.trap", total=110)


# --- the teachers' guide ----------------------------------------------------------------------


def test_the_guide_lists_every_entry_with_its_placeholders():
    guide = (SHIPPED / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z_.A-Z0-9]+)` \| ([^|]*) \|", guide, flags=re.MULTILINE))
    assert set(rows) == set(ENTRIES)
    for name, fields in ENTRIES.items():
        assert set(re.findall(r"\{(\w+)\}", rows[name])) == set(fields), name
