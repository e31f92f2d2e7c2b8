"""Names in every script the schools teach: drawn shaped, copied back out of the PDF as written, fonts embedded."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from feedback_rows import settings
from helpers_sheets import cohort, extracted_text, page_texts, student, unembedded_fonts
from pypdf import PdfReader

from jlpt_batch.outputs.sheets import draw, fonts
from jlpt_batch.outputs.sheets.content import build_sheet
from jlpt_batch.outputs.sheets.context import make_context
from jlpt_batch.outputs.sheets.stage import write_sheets
from jlpt_batch.outputs.sheets.text import Pen, _cut_points

CONTEXT = make_context(settings())

# (script, name): Nepal, Myanmar, Sri Lanka, Thailand, and 𠮷 (U+20BB7) of Japanese family names.
NAMES = [
    ("Devanagari", "सुमन श्रेष्ठ"),
    ("Devanagari", "क्षितिज कुमार"),
    ("Myanmar", "အောင်ဆန်းစုကြည်"),
    ("Sinhala", "විජේසිංහ මුදියන්සේලාගේ"),
    ("Sinhala", "ශ්‍රී ලංකා"),  # with a zero-width joiner: the joined form of ශ්‍ර
    ("Thai", "สมชาย ใจดี"),
    ("Thai", "น้ำผึ้ง"),
    ("beyond U+FFFF", "𠮷田 太郎"),
    ("beyond U+FFFF", "𩸽田 𠮟子"),  # plane-2 characters BIZ UDPGothic has
]


def render(name: str, lang: str = "en", candidate_id: str = "00123") -> bytes:
    buffer = io.BytesIO()
    draw.write_sheet(build_sheet(student(candidate_id, name, "2A", 2, language=lang), CONTEXT), buffer, "a4")
    return buffer.getvalue()


@pytest.mark.parametrize("lang", ["en", "ja", "vi"])
@pytest.mark.parametrize(("script", "name"), NAMES)
def test_a_name_in_any_script_comes_back_out_of_the_pdf_as_written(script, name, lang):
    text = extracted_text(render(name, lang))
    assert name in text, f"{script} name {name!r} not found in {text[:200]!r}"
    assert fonts.REPLACEMENT not in text
    assert fonts.undrawable(name, lang) == []


def test_a_plane_2_name_copies_out_even_for_readers_without_actualtext():
    # pypdf reads only the fonts' ToUnicode maps: 𠮷 must be there as a surrogate pair.
    assert "𠮷田 太郎" in page_texts(render("𠮷田 太郎"))[0]


@pytest.mark.parametrize(
    ("text", "font"),
    [("क्ष", "NotoSansDevanagari"), ("ශ්‍රී", "NotoSansSinhala"), ("ကြ", "NotoSansMyanmar"), ("น้ำ", "NotoSansThai")],
)
def test_conjuncts_vowel_signs_and_marks_are_shaped(text, font):
    ((face, part),) = fonts.runs(text, "en")
    assert face.name.startswith(f"JB-{font}") and face.shaped
    glyphs = fonts.shaped_glyphs(face, part)
    assert glyphs is not None, "HarfBuzz left the text as it was: not shaped"
    positions = [(g.x_offset, g.y_offset) for g in glyphs.__shapeData__]
    # other glyphs than one per character (a conjunct, a reordered sign), or marks moved into place
    assert str.__str__(glyphs) != part or any(offset != (0, 0) for offset in positions)


def test_a_shaped_name_is_drawn_with_its_characters_marked_as_actual_text():
    data = render("क्षितिज कुमार")
    content = b"".join(page.get_contents().get_data() for page in PdfReader(io.BytesIO(data)).pages)
    spans = re.findall(rb"/ActualText <FEFF([0-9A-F]*)>", content)
    assert "क्षितिज कुमार" in [bytes.fromhex(span.decode()).decode("utf-16-be") for span in spans]


def test_a_shaped_run_is_measured_as_shaped():
    ((face, part),) = fonts.runs("क्षितिज", "en")
    shaped = sum(g.x_advance for g in fonts.shaped_glyphs(face, part).__shapeData__)
    assert fonts.string_width(((face, part),), 10) == pytest.approx(shaped / 100)
    assert shaped < sum(fonts.units(part, face.name))  # the characters one by one would be far wider


@pytest.mark.parametrize("name", ["क्षितिज श्रेष्ठ क्षत्रिय", "ශ්‍රී විජේසිංහ මුදියන්සේලාගේ", "အောင်ဆန်းစုကြည်မင်း"])
def test_a_name_cut_to_fit_is_never_cut_inside_a_cluster(name):
    pen = Pen(draw.new_canvas(io.BytesIO(), "a4", "en", "t", ""), "en")
    for width in range(20, 200, 3):
        kept = "".join(part for _, part in pen.fit(name, width, 14)).removesuffix(draw.ELLIPSIS)
        assert name.startswith(kept)
        rest = name[len(kept) :]
        if kept and rest:
            assert unicodedata.combining(kept[-1]) != 9, f"cut after a virama: {kept!r}|{rest!r}"
            assert unicodedata.category(rest[0]) not in ("Mn", "Mc"), f"cut before a mark: {kept!r}|{rest!r}"
            assert rest[0] != "\u200d" and kept[-1] != "\u200d"


def test_no_cut_inside_the_conjunct_ksha():
    ((face, part),) = fonts.runs("क्ष", "en")
    assert _cut_points(((face, part),)) == frozenset({0, 3})


def test_every_font_of_a_sheet_and_a_bundle_is_embedded(tmp_path):
    rows = [
        student(f"0{index:04d}", name, "2A", index + 2, language=lang)
        for index, (name, lang) in enumerate(
            [("Tanaka Hana", "en"), ("𠮷田 太郎", "ja"), ("सुमन श्रेष्ठ", "en"), ("김민준", "ko"), ("张伟", "zh")]
        )
    ]
    write_sheets(cohort(rows), tmp_path, settings(out_dir=tmp_path, jobs=1))
    files = [*sorted((tmp_path / "sheets").iterdir()), tmp_path / "print" / "2A.pdf"]
    assert len(files) == 6
    for path in files:
        assert unembedded_fonts(path) == [], path.name


DETERMINISM = """
import hashlib, io, sys
sys.path[:0] = [{tests!r}]
from test_scripts import render
for name in sys.argv[1:-1]:
    render(name)
print(hashlib.sha256(render(sys.argv[-1])).hexdigest())
"""


def test_a_shaped_sheet_has_the_same_bytes_whatever_was_drawn_before_it():
    # Shaped glyphs that no character maps to get private-use codes; they must not depend on
    # which names the process shaped first (reportlab hands them out in order of first use).
    script = DETERMINISM.format(tests=str(Path(__file__).parent))

    def digest(*names: str) -> str:
        done = subprocess.run([sys.executable, "-c", script, *names], capture_output=True, text=True, check=True)
        return done.stdout.strip()

    alone = digest("क्षितिज")
    assert digest("सुमन श्रेष्ठ", "श्री", "क्षितिज") == alone
    assert hashlib.sha256(render("क्षितिज")).hexdigest() == alone  # and in this process, whatever came before


# --- who the sheet belongs to: never cut off -------------------------------------------------

LONG_NAMES = [  # 60 characters or more each
    "Wijesinghe Mudiyanselage Don Chamara Kumara Bandara Jayasekara",
    "Nguyễn Thị Phương Thảo Hoàng Minh Châu Trần Bảo Ngọc Lê Văn Đức",
    "ශ්‍රී විජේසිංහ මුදියන්සේලාගේ දොන් චාමර කුමාර බණ්ඩාර ජයසේකර මහතා",
    "सुमन बहादुर श्रेष्ठ क्षत्री गुरुङ तामाङ मगर राई लिम्बु शेर्पा",
    "สมชาย ใจดี ประเสริฐวงศ์ศักดิ์ศรี มหาสารคามสุขสวัสดิ์ ณ อยุธยา",
    "အောင်ဆန်းစုကြည် မောင်မောင်ဦး ကျော်ကျော်ထွန်း ဝင်းနိုင် သန်းထိုက်",
    "𠮷田 山田 佐々木 長谷川 小鳥遊 勅使河原 左衛門三郎 右衛門之助 太郎兵衛 𠮷川 吉野 𠮷岡 花子 𩸽 髙橋 﨑 美咲",
]


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("name", LONG_NAMES)
def test_a_long_name_and_a_20_character_id_print_whole(name, lang):
    candidate_id = "20A1010101-30001-XYZ"  # 20 characters
    assert len(candidate_id) == 20 and len(name) >= 60
    text = extracted_text(render(name, lang, candidate_id))
    assert candidate_id in text
    # A wrapped name's second line is read after the other cells' first lines: take those out.
    squeezed = text.replace(" ", "").replace(f"{candidate_id}2AN3", "")
    assert name.replace(" ", "") in squeezed, "the name is not all there"
    assert draw.ELLIPSIS not in text[: text.index(candidate_id)]


def test_neighbouring_candidate_numbers_stay_apart():
    first, second = (extracted_text(render("Tanaka Hana", "en", f"20A1010101-3000{n}")) for n in (1, 2))
    assert "20A1010101-30001" in first and "20A1010101-30002" in second


def test_the_name_in_latin_letters_is_printed_with_the_name():
    model = build_sheet(student("00123", "सुमन श्रेष्ठ", "2A", 2, name_latin="Suman Shrestha"), CONTEXT)
    assert model.name_latin == "Suman Shrestha"
    buffer = io.BytesIO()
    draw.write_sheet(model, buffer, "a4")
    text = extracted_text(buffer.getvalue())
    assert "सुमन श्रेष्ठ" in text and "Suman Shrestha" in text


def test_no_latin_line_when_the_name_is_already_in_latin_letters():
    model = build_sheet(student("00123", "Suman Shrestha", "2A", 2, name_latin="Suman Shrestha"), CONTEXT)
    assert model.name_latin == ""
