"""Drawing sheets and covers: what a teacher would check on the printed page."""

from __future__ import annotations

import dataclasses
import io
import unicodedata

import pytest
from feedback_rows import settings
from helpers_sheets import page_texts, student, three, two
from pypdf import PdfReader

from jlpt_batch.contract import Outcome
from jlpt_batch.outputs.sheets import draw as pdf
from jlpt_batch.outputs.sheets import fonts
from jlpt_batch.outputs.sheets.content import build_sheet
from jlpt_batch.outputs.sheets.context import make_context
from jlpt_batch.outputs.sheets.cover_draw import draw_cover
from jlpt_batch.outputs.sheets.model import PAGE, PAGES, Bar, Block, CoverModel, ScoreRow, SheetModel

CONTEXT = make_context(settings())


def sheet(name: str = "Tanaka Hana", **extra) -> SheetModel:
    """A real sheet model worded by content.py for one student."""
    return build_sheet(student("00123", name, "2A", 2, **extra), CONTEXT)


def render(model: SheetModel, paper: str = "a4") -> bytes:
    buffer = io.BytesIO()
    pdf.write_sheet(model, buffer, paper)
    return buffer.getvalue()


def drawn_fonts(data: bytes) -> dict[str, str]:
    """Each piece of text on the first page and the font it was drawn in."""
    found: dict[str, str] = {}

    def visit(text, cm, tm, font, size):
        if text.strip() and font is not None:
            found.setdefault(text.strip(), str(font["/BaseFont"]))

    PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize(
    ("name", "lang"),
    [
        ("髙橋 一郎", "ja"),
        ("山﨑 さくら", "en"),
        ("김민준", "ko"),
        ("张伟", "zh"),
        ("Nguyễn Thị Ánh", "vi"),
        ("Nguyễn Thị Ánh", "ja"),
        ("Trần Văn Đức", "en"),
        ("王小明", "ko"),
    ],
)
def test_names_in_every_script_come_back_out_as_written(name, lang):
    text = page_texts(render(sheet(name, language=lang)))
    assert len(text) == 1
    assert name in text[0]
    assert fonts.REPLACEMENT not in text[0]


def test_a_name_is_drawn_in_one_font_rather_than_a_patchwork():
    # BIZ UDPGothic lacks the Vietnamese letters, DejaVu has them all: the whole name goes to DejaVu.
    used = drawn_fonts(render(sheet("Nguyễn Thị Ánh", language="ja")))
    assert "DejaVuSans" in font_of(used, "Nguyễn Thị Ánh")


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"scores": three(40, 40, 40)}, ["Passed", "120", "B1"]),
        ({"scores": three(30, 30, 30)}, ["Not passed", "90", "5 points short"]),
        ({"scores": three(50, 17, 45)}, ["Not passed", "Reading", "2 below the floor", "almost passed"]),
        ({"scores": three(40, None, 40)}, ["Not scored (absent)", "*"]),
        ({"scores": two(70, 15), "level": "N5"}, ["Not passed", "Listening", "4 below the floor"]),
    ],
)
def test_each_outcome_prints_its_result_scores_and_next_sitting(extra, expected):
    text = page_texts(render(sheet(**extra)))
    assert len(text) == 1
    for phrase in [*expected, "Tanaka Hana", "00123", "2A"]:
        assert phrase in text[0]
    assert "2027" in text[0]  # the next sitting, July 2027


def font_of(used: dict[str, str], phrase: str) -> str:
    return next(font for text, font in used.items() if phrase in text)


def test_a_line_below_its_floor_is_bold_not_only_shaded():
    used = drawn_fonts(render(sheet(scores=three(50, 17, 45))))
    assert font_of(used, "2 below the floor").endswith("DejaVuSans-Bold")
    assert font_of(used, "+31 above the floor").endswith("DejaVuSans")


@pytest.mark.parametrize("level", ["N1", "N2", "N3", "N4", "N5"])
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_every_level_fits_one_page_with_every_section_in_japanese_and_english(level, paper):
    scores = two(30, 10) if level in ("N4", "N5") else three(30, 10, 30)
    for lang in ("en", "ja"):
        model = sheet(scores=scores, level=level, language=lang)
        text = page_texts(render(model, paper))
        assert len(text) == 1
        assert all(row.label.split()[0] in text[0] for row in model.score_rows)
        last_words = model.blocks[-1].paragraphs[-1].replace(" ", "")[-12:]
        assert last_words in text[0].replace(" ", "")  # nothing was cut to fit the page


@pytest.mark.parametrize(("paper", "size"), [("a4", (595, 842)), ("letter", (612, 792))])
def test_paper_size(paper, size):
    box = PdfReader(io.BytesIO(render(sheet(), paper))).pages[0].mediabox
    assert (round(box.width), round(box.height)) == size


def test_the_same_sheet_twice_is_byte_identical():
    assert render(sheet("山﨑 さくら")) == render(sheet("山﨑 さくら"))


def test_a_character_no_font_has_is_reported_and_printed_as_a_replacement_mark():
    name = "Ana \U0010fffd Lima"
    assert fonts.undrawable(name) == ["\U0010fffd"]
    assert fonts.undrawable("髙橋 김민준 张伟 Nguyễn") == []
    text = page_texts(render(sheet(name)))[0]
    assert f"Ana {fonts.REPLACEMENT} Lima" in text


def test_a_long_name_prints_whole_on_one_page():
    name = "Maximiliana " * 20 + "Endname"
    text = page_texts(render(sheet(name)))
    assert len(text) == 1
    assert name in text[0] and pdf.ELLIPSIS not in text[0]


def test_only_a_name_longer_than_any_cell_can_hold_is_shortened_and_the_drawing_says_so():
    name = "Maximiliana " * 90 + "Endname"
    model = sheet(name)
    buffer = io.BytesIO()
    assert pdf.write_sheet(model, buffer, "a4").shortened == (("Name", name),)
    text = page_texts(buffer.getvalue())
    assert len(text) == 1
    assert "Maximiliana Maximiliana" in text[0] and pdf.ELLIPSIS in text[0]
    assert "Endname" not in text[0]


def test_control_characters_and_line_breaks_are_not_drawn():
    text = page_texts(render(sheet("Ana\nMaria\u202e\x00 Lima\t")))[0]
    assert "Ana Maria Lima" in text
    assert fonts.clean("a\r\nb\u200bc\x07") == "a bc"


@pytest.mark.parametrize("name", ["محمد علي", "דוד כהן"])
def test_right_to_left_names_are_drawn_right_to_left_on_one_page(name):
    text = page_texts(render(sheet(name)))
    assert len(text) == 1
    assert fonts.undrawable(name) == []
    # A PDF stores glyphs in the order they sit on the line: left to right, so reversed.
    assert name[::-1] in text[0]


def test_blocks_too_long_for_the_page_shrink_and_end_with_an_ellipsis():
    long_paragraph = "Practise listening every day with short recordings and write down what you hear. " * 6
    base = sheet()
    blocks = tuple(Block(f"Heading {i}", (long_paragraph,)) for i in range(12))
    model = dataclasses.replace(base, blocks=blocks)
    text = page_texts(render(model))
    assert len(text) == 1
    assert "Heading 0" in text[0] and "Heading 11" not in text[0]
    assert pdf.ELLIPSIS in text[0]


def test_a_sheet_that_fits_keeps_every_paragraph():
    model = sheet(scores=three(50, 17, 45))
    text = page_texts(render(model))[0]
    for block in model.blocks:
        assert block.heading in text
        for paragraph in block.paragraphs:
            assert paragraph.split()[-1] in text


def pen_for(lang: str) -> pdf.Pen:
    return pdf.Pen(pdf.new_canvas(io.BytesIO(), "a4", lang, "t", "a"), lang)


def line_text(line) -> str:
    return "".join(part for _, part in line)


def test_latin_wraps_between_words():
    pen = pen_for("en")
    text = "Keep reading graded readers and listening to podcasts for fifteen minutes a day."
    lines = pen.wrap(text, 120, 10)
    assert len(lines) > 2
    assert all(fonts.string_width(line, 10) <= 120 for line in lines)
    assert " ".join(line_text(line) for line in lines) == text


def test_japanese_wraps_between_characters_but_never_starts_a_line_with_closing_punctuation():
    pen = pen_for("ja")
    text = "次の試験は七月です。「聴解」の練習を、毎日十五分ずつ続けましょう。読解も忘れずに。"
    for width in range(40, 200, 7):
        lines = pen.wrap(text, width, 10)
        assert "".join(line_text(line) for line in lines) == text
        assert all(line_text(line)[0] not in "。、」）" for line in lines)
        assert all(not line_text(line).endswith("「") for line in lines)


def test_a_word_wider_than_the_line_is_cut_rather_than_overflowing():
    pen = pen_for("en")
    lines = pen.wrap("x" * 200, 100, 10)
    assert all(fonts.string_width(line, 10) <= 100 for line in lines)
    assert "".join(line_text(line) for line in lines) == "x" * 200


def test_text_is_nfc_so_decomposed_input_prints_as_precomposed():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
    assert line_text(pen_for("vi").line(decomposed)) == "Nguyễn Thị Ánh"


def hand_built_model(outcome: Outcome = Outcome.NOT_PASSED) -> SheetModel:
    """A model built without content.py: the drawing must not depend on its wording."""
    return SheetModel(
        lang="en", candidate_id="7", class_name="B", name="Kim Min-jun", school="North School",
        exam_title="Mock exam, 2026-11-20",
        header_fields=(("Name", "Kim Min-jun"), ("Candidate no.", "7"), ("Class", "B"), ("Level", "N4")),
        outcome=outcome, result_text="Not passed", result_detail="Listening 2 below its floor.",
        score_headings=("Section", "Score", "Floor", "Margin"),
        score_rows=(
            ScoreRow("Language Knowledge・Reading", "80", 120, "38", "+42 above the floor", False),
            ScoreRow("Listening", "17", 60, "19", "2 below the floor", True),
            ScoreRow("Total", "97", 180, "90", "+7", False),
        ),
        bars=(Bar("Listening", 17, 60, 19, "floor 19", True), Bar("Total", 97, 180, 90, "pass mark 90", False)),
        blocks=(Block("What next", ("Retake in July.",)),),
        footer=("Not the official score report.",),
    )  # fmt: skip


def test_a_four_column_table_shows_score_over_maximum():
    text = page_texts(render(hand_built_model()))[0]
    assert "17 / 60" in text and "80 / 120" in text and "Retake in July." in text


def cover(rows: int) -> CoverModel:
    return CoverModel(
        lang="en",
        title="Class 2A: feedback sheets",
        subtitle="North School · JLPT December 2026",
        headings=("No.", "Candidate no.", "Name", "Level", "Result", "Total"),
        rows=tuple((str(i), f"{i:05d}", f"Student {i}", "N3", "Passed", str(100 + i % 50)) for i in range(1, rows + 1)),
        summary=f"{rows} students",
    )


@pytest.mark.parametrize("rows", [1, 40, 130])
def test_a_cover_lists_every_student_over_as_many_pages_as_needed(rows):
    buffer = io.BytesIO()
    canvas = pdf.new_canvas(buffer, "a4", "en", "cover", "")
    pages = draw_cover(canvas, cover(rows), "a4")
    canvas.save()
    text = page_texts(buffer.getvalue())
    assert len(text) == pages
    assert pages == (1 if rows <= 40 else 3)
    joined = " ".join(text)
    assert all(f"Student {i} " in joined for i in range(1, rows + 1))
    assert "Class 2A: feedback sheets" in text[0] and f"{rows} students" in text[0]


def test_a_cover_s_page_numbers_keep_a_brace_the_wording_wrote():
    """An edited wording may write a literal brace ({{ and }} in the file): it is printed, not read as a placeholder."""
    buffer = io.BytesIO()
    canvas = pdf.new_canvas(buffer, "a4", "en", "cover", "")
    numbered = dataclasses.replace(cover(130), page_numbers=f"page {PAGE} of {PAGES} {{x}}")
    draw_cover(canvas, numbered, "a4")
    canvas.save()
    assert "page 2 of 3 {x}" in page_texts(buffer.getvalue())[1]
