"""The administrator's language: the terminal, every message, summary.xlsx and the covers, in Japanese
as in English; the wording complete, checked, and falling back to English kindly."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from cohort_files import write_csv
from helpers_sheets import page_texts
from wording_files import flat_names

from jlpt_batch.admin_wording import ENTRIES, admin_catalog, admin_wording, locale_language
from jlpt_batch.cli import main
from jlpt_batch.contract import COLUMN_KEYS, FAIL, NO_CLASS, PASS, REJECTED
from jlpt_batch.errors import JlptBatchError
from jlpt_batch.rules import SECTION_KEYS

ROOT = Path(__file__).resolve().parent.parent
ADMIN = ROOT / "templates" / "admin"
SAMPLE = ROOT / "samples" / "cohort.xlsx"
AS_OF = ["--as-of", "2026-09-14", "--sitting", "2026-07"]


def invoke(*args: object, **env: str):
    return CliRunner().invoke(main, [str(arg) for arg in args], env=env or None)


# --- the wording ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(ADMIN.glob("*.toml")), ids=lambda path: path.stem)
def test_every_shipped_language_words_every_entry_and_no_other(path):
    assert flat_names(path) == set(ENTRIES)


def test_the_shipped_wording_loads_without_a_warning():
    wording = admin_wording(None)
    assert {"en", "ja"} <= set(wording.languages)
    assert wording.warnings == ()


def test_the_guide_lists_every_entry_with_its_placeholders():
    guide = (ADMIN / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z_.A-Z0-9]+)` \| ([^|]*) \|", guide, flags=re.MULTILINE))
    assert set(rows) == set(ENTRIES)
    for name, fields in ENTRIES.items():
        assert set(re.findall(r"\{(\w+)\}", rows[name])) == set(fields), name


def test_every_error_the_library_raises_is_an_entry():
    """`raise XError("errors.x", ...)`: never English text that the administrator could not read in their language."""
    ours = "|".join(cls.__name__ for cls in _subclasses(JlptBatchError))
    raised = []
    for path in (ROOT / "jlpt_batch").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        raised += [(path.name, text) for text in re.findall(rf"raise (?:{ours})\(\s*f?[\"']([^\"']*)", source)]
    assert raised
    for where, text in raised:
        assert text in ENTRIES, f"{where} raises {text!r}, which is not an entry of templates/admin"


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    return found.union(*(_subclasses(sub) for sub in found))


def test_an_error_is_worded_in_the_language_it_is_shown_in():
    error = JlptBatchError("errors.empty_file", file="c.csv")
    assert str(error) == "c.csv is empty (0 bytes); export the cohort again"
    assert (
        error.message.text(admin_catalog("ja"))
        == "c.csv は空のファイル（0バイト）です。受験者一覧をもう一度書き出してください"
    )


# --- which language ------------------------------------------------------------------------------


@pytest.mark.parametrize(("environ", "lang"), [
    ({"LANG": "ja_JP.UTF-8"}, "ja"),
    ({"LANG": "en_GB.UTF-8"}, "en"),
    ({"LANG": "fr_FR.UTF-8"}, "en"),  # no wording for French: English
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "ja_JP.UTF-8"}, "ja"),
    ({"LANG": "ja_JP.UTF-8", "LC_ALL": "C"}, "en"),  # LC_ALL wins
    ({}, "en"),
])  # fmt: skip
def test_the_default_is_the_locale_s_language_when_there_is_wording_for_it(environ, lang):
    assert locale_language(environ) == lang


def test_a_japanese_locale_gets_japanese_without_being_asked(tmp_path):
    missing = tmp_path / "nothing.xlsx"
    assert (
        invoke("run", missing, LANG="ja_JP.UTF-8").output
        == f"エラー：{missing}：ファイルが見つかりません。パスを確認してください\n"
    )
    assert invoke("run", missing, "--admin-lang", "en", LANG="ja_JP.UTF-8").output.startswith("Error: ")


def test_a_bad_setting_is_reported_in_the_language_asked_for(tmp_path):
    result = invoke("run", SAMPLE, "--out", tmp_path / "out", "--admin-lang", "ja", "--paper", "a3")
    assert result.exit_code == 2
    assert result.output == "エラー：--paper 'a3'：この値は使えません。次のいずれかを指定してください：a4, letter\n"


# --- one rejection message of each kind, in Japanese ---------------------------------------------

HEADER = ["受験番号", "氏名", "クラス", "レベル", "言語知識（文字・語彙・文法）", "読解", "聴解", "合計", "語彙正答数",
          "語彙問題数", "文法評価", "受験地"]  # fmt: skip


def _row(candidate, level="N3", knowledge="40", reading="40", listening="40", total="", correct="", questions="",
         band="", region=""):  # fmt: skip
    return [candidate, "学生", "1A", level, knowledge, reading, listening, total, correct, questions, band, region]


EVERY_KIND = [
    HEADER,
    _row(""), _row("7"), _row("7"), _row("8", level=""), _row("9", level="N6"), _row("10", knowledge="forty"),
    _row("11", knowledge="40.5"), _row("12", listening="61"), _row("13", level="N4", knowledge="", reading="30"),
    _row("14", total="121"), _row("15", correct="5"), _row("16", correct="5", questions="0"),
    _row("17", correct="-1", questions="30"), _row("18", correct="31", questions="30"), _row("19", band="D"),
    _row("20", region="火星"),
]  # fmt: skip

JAPANESE_REASONS = [  # rows 2-17, one for each kind of rejection (row 10 breaks two rules)
    "2行目：「受験番号」が空欄です。すべての受験者に受験番号を入力するか、この行を削除してください",
    "3行目：「受験番号」の「7」は4行目にもあります。受験番号は重複できません。正しい番号に直すか、重複した行を削除してください",
    "4行目：「受験番号」の「7」は3行目にもあります。受験番号は重複できません。正しい番号に直すか、重複した行を削除してください",
    "5行目：「レベル」が空欄です。N1、N2、N3、N4またはN5を入力してください",
    "6行目：「レベル」の「N6」は日本語能力試験のレベルではありません。N1、N2、N3、N4またはN5を入力してください",
    "7行目：「言語知識（文字・語彙・文法）」の「forty」は数値ではありません。整数を入力するか、欠席の場合は空欄にしてください",
    "8行目：「言語知識（文字・語彙・文法）」の「40.5」は整数ではありません。得点と正答数は整数で入力してください",
    "9行目：「聴解」の61はN3の範囲（0〜60点）を超えています。得点を確認してください",
    "10行目：「読解」に「30」が入力されていますが、N4に読解の得点区分はありません。正しい列に移すか、セルを空にしてください",
    "10行目：N4には言語知識（文字・語彙・文法）・読解の得点が必要ですが、ファイルにその列がありません。列を追加してください",
    "11行目：「合計」の121が各得点区分の合計（120）と合いません。合計か各得点を直してください",
    "12行目：「語彙正答数」があるのに「語彙問題数」がありません。両方を入力するか、両方とも空欄にしてください",
    "13行目：「語彙問題数」の0は1以上にしてください",
    "14行目：「語彙正答数」の-1はマイナスにできません",
    "15行目：「語彙正答数」の31が「語彙問題数」の30より多くなっています。数を確認してください",
    "16行目：「文法評価」の「D」は評価ではありません。A、B、Cのいずれかを入力してください",
    "17行目：「受験地」の「火星」は国内・海外のどちらでもありません（domestic/overseas も可）。"
    "直すか、空欄にしてください",
]  # fmt: skip


def test_every_kind_of_rejection_is_worded_in_japanese_on_the_terminal_in_results_and_in_the_workbook(tmp_path):
    path = write_csv(tmp_path / "kinds.csv", EVERY_KIND)
    result = invoke("run", path, "--out", tmp_path / "out", "--no-sheets", "--admin-lang", "ja")
    assert result.exit_code == 3
    shown = [line.strip() for line in result.output.splitlines() if re.match(r"\s+\d+行目：", line)]
    assert shown == JAPANESE_REASONS[:10]
    assert "…ほか7件は results.csv をご覧ください" in result.output
    results = (tmp_path / "out" / "results.csv").read_text(encoding="utf-8-sig")
    assert results.splitlines()[0].split(",")[: len(COLUMN_KEYS)] == list(COLUMN_KEYS)  # machines' keys stay
    assert all(reason in results for reason in JAPANESE_REASONS)
    rejected = openpyxl.load_workbook(tmp_path / "out" / "summary.xlsx")["入力不備"]
    rows = [tuple(cell.value for cell in row) for row in rejected.iter_rows()]
    assert ("入力ファイルの行", "受験番号", "列", "値", "理由") in rows
    assert [
        row[4] for row in rows[rows.index(("入力ファイルの行", "受験番号", "列", "値", "理由")) + 1 :]
    ] == JAPANESE_REASONS


# --- the sample, in Japanese --------------------------------------------------------------------


@pytest.fixture(scope="module")
def japanese_run(tmp_path_factory) -> tuple[str, Path]:
    out = tmp_path_factory.mktemp("ja") / "out"
    args = ["run", SAMPLE, "--out", out, *AS_OF, "--admin-lang", "ja", "--school", "さくら日本語学院", "--jobs", "1"]
    result = invoke(*args)
    assert result.exit_code == 3, result.output
    return result.output, out


def test_the_terminal_speaks_japanese(japanese_run):
    output, _ = japanese_run
    lines = output.splitlines()
    assert lines[0] == (
        "cohort.xlsx（シート「Results」、見出しは3行目）：240行を読み込み、233名を判定（合格87名、不合格146名、"
        "うち欠席のため採点なし4名）。入力不備のため判定できなかった行7件、読み飛ばした空行0行"
    )
    assert lines[2].split() == ["レベル", "判定", "全科目受験", "合格", "合格率", "欠席", "入力不備"]
    assert lines[3].split() == ["N1", "22", "21", "8", "38%", "1", "1"]
    assert "入力不備のため判定できなかった行：7行（理由はすべて results.csv にあります）" in lines
    assert (
        "  24行目：「Level」の「N6」は日本語能力試験のレベルではありません。"
        "N1、N2、N3、N4またはN5を入力してください" in lines
    )


def test_the_workbook_speaks_japanese(japanese_run):
    _, out = japanese_run
    book = openpyxl.load_workbook(out / "summary.xlsx")
    assert book.sheetnames == [
        "概要", "レベル別", "クラス別", "判定結果一覧", "惜しくも不合格", "得点分布", "成績の推移", "入力不備"
    ]  # fmt: skip
    first = {name: book[name]["A1"].value for name in book.sheetnames}
    assert first == {
        "概要": "日本語能力試験 結果集計",
        "レベル別": "レベル別の結果（全国との比較）",
        "クラス別": "クラス別・レベル別の結果",
        "判定結果一覧": "判定結果一覧：results.csv の全行",
        "惜しくも不合格": "惜しくも不合格：再受験で優先して支援する人",
        "得点分布": "レベル別の総合得点の分布",
        "成績の推移": "前回の試験からの成績の推移",
        "入力不備": "入力不備：入力ファイルで直すところ",
    }
    results = [cell.value for cell in book["判定結果一覧"][3]]
    assert results[:5] == ["受験番号", "氏名", "クラス", "レベル", "入力ファイルの行"]
    assert "総合得点 0〜180点" in results and "合否" in results and "基準点に達しなかった得点区分" in results
    facts = {row[0].value: row[1].value for row in book["概要"].iter_rows() if row[0].value and len(row) > 1}
    assert facts["作成日"] == "2026年9月14日"
    assert facts["得点の出典"] == "2026年7月の日本語能力試験（2026年7月5日実施）"
    assert book["概要"].oddFooter.right.text == "2026年9月14日・&P / &N ページ"
    assert book["概要"].oddFooter.left.text == "さくら日本語学院・2026年7月 日本語能力試験"


def test_the_covers_speak_japanese(japanese_run):
    _, out = japanese_run
    pages = page_texts((out / "print" / "1A.pdf").read_bytes())
    cover = " ".join(page for page in pages if "1A フィードバックシート" in page)  # its cover's pages
    assert "1A フィードバックシート" in pages[0]
    assert "さくら日本語学院・2026年7月 日本語能力試験・2026年9月14日発行" in cover
    assert "番号" in cover and "合否" in cover and "理由" in cover
    assert "この冊子に入っていない人" in cover
    assert (
        "00583 " in cover and "レベル N6、入力ファイルの24行目：集計ブックの「入力不備」シートをご覧ください" in cover
    )


# --- no internal key where a person reads ---------------------------------------------------------

# Our keys and codes: column keys, section keys, result codes, region codes, the no-class file name.
INTERNAL = sorted({*(key for key in COLUMN_KEYS if "_" in key), *SECTION_KEYS, PASS, FAIL, REJECTED, "domestic",
                   "overseas", NO_CLASS}, key=len, reverse=True)  # fmt: skip
INTERNAL_WORD = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, INTERNAL)) + r")(?![\w.])")


@pytest.mark.parametrize("lang", sorted(path.stem for path in ADMIN.glob("*.toml")))
def test_no_internal_key_appears_in_any_cell_a_person_reads(tmp_path, lang):
    out = tmp_path / "out"
    result = invoke("run", SAMPLE, "--out", out, *AS_OF, "--admin-lang", lang, "--no-sheets")
    assert result.exit_code == 3
    assert not INTERNAL_WORD.search(result.output), INTERNAL_WORD.search(result.output)
    book = openpyxl.load_workbook(out / "summary.xlsx")
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    found = INTERNAL_WORD.search(cell.value)
                    assert found is None, f"{sheet.title}!{cell.coordinate}: {cell.value!r}"
        for chart in sheet._charts:  # openpyxl keeps the charts it read here
            assert not INTERNAL_WORD.search(str(chart.title.tx.rich.p[0].r[0].t) if chart.title else "")


# --- an edited copy -------------------------------------------------------------------------------


def copy_admin(tmp_path: Path, *langs: str) -> Path:
    folder = tmp_path / "my-templates"
    (folder / "admin").mkdir(parents=True)
    for lang in langs:
        shutil.copy(ADMIN / f"{lang}.toml", folder / "admin" / f"{lang}.toml")
    for sheet in (ROOT / "templates").glob("*.toml"):
        shutil.copy(sheet, folder / sheet.name)
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_missing_entry_falls_back_to_english_with_one_warning(tmp_path):
    folder = copy_admin(tmp_path, "en", "ja")
    edit(folder / "admin" / "ja.toml", 'all_judged = "すべての行を判定できます。"\n', "")
    good = write_csv(tmp_path / "c.csv", [HEADER, _row("1")])
    result = invoke("run", good, "--out", tmp_path / "out", "--no-sheets", "--admin-lang", "ja", "--templates", folder)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if "all_judged" in line]
    assert warnings == [
        f"注意：{folder / 'admin' / 'ja.toml'}：項目「terminal.all_judged」がないため、英語の文面を使います"
    ]
    assert "Every row can be judged." in invoke("check", good, "--admin-lang", "ja", "--templates", folder).output


def test_an_unknown_placeholder_stops_the_run_naming_file_and_entry(tmp_path):
    folder = copy_admin(tmp_path, "en", "ja")
    path = folder / "admin" / "ja.toml"
    edit(path, 'tabs = "このブックのシート"', 'tabs = "{sheets}"')
    result = invoke("run", SAMPLE, "--out", tmp_path / "out", "--admin-lang", "ja", "--templates", folder)
    assert result.exit_code == 2
    assert (
        result.output
        == f"エラー：{path} の項目「overview.tabs」：{{sheets}} は使えません。この項目で使えるのは 差し込みなし です\n"
    )
    assert not (tmp_path / "out").exists()


def test_every_placeholder_of_every_entry_can_be_used(tmp_path):
    """An office may use any allowed placeholder anywhere: the whole run still works."""
    folder = copy_admin(tmp_path)
    lines = []
    for name, fields in ENTRIES.items():
        value = name + " " + " ".join(f"<{field}={{{field}}}>" for field in sorted(fields))
        lines.append(f'"{name}" = {value!r}'.replace("'", '"'))
    (folder / "admin" / "en.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = invoke("run", SAMPLE, "--out", tmp_path / "out", *AS_OF, "--templates", folder, "--jobs", "1")
    assert result.exit_code == 3, result.output
    assert result.output.startswith("terminal.counts <file=cohort.xlsx> <header_row=3> <judged=233>")
    cover = page_texts((tmp_path / "out" / "print" / "1A.pdf").read_bytes())[0]
    assert "cover.title <class_name=1A>" in cover
