"""Build jlpt_batch/fonts/JBExtB-Regular.ttf: the plane-2 ideographs (𠮷 and 2,051 more) BIZ UDPGothic lacks.

Family names in Japan use ideographs beyond U+FFFF (𠮷, U+20BB7, in 吉田 written with the
"tsuchi-yoshi" form). None of the other bundled fonts has them, and the fonts that do (Noto
Sans CJK) have CFF outlines, which reportlab cannot read. So this script takes face 0
(Japanese) of Noto Sans CJK, keeps only the plane-2 ideographs that BIZ UDPGothic lacks,
converts the outlines to TrueType and renames the family, as the SIL OFL 1.1 asks of a
Modified Version (Noto Sans CJK's Reserved Font Name, 'Source', is not used).

    pip install fonttools
    python tools/make_extb_font.py /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc \\
        jlpt_batch/fonts/JBExtB-Regular.ttf --missing-from jlpt_batch/fonts/BIZUDPGothic-Regular.ttf

The source is Debian's fonts-noto-cjk 1:20220127+repack1-1 (Noto Sans CJK 2.004). The same
source gives the same bytes (no timestamps are written). fontTools is needed only here, not
to run jlpt-batch.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.subset import Options, Subsetter
from fontTools.ttLib import TTFont, newTable

FAMILY = "JB CJK ExtB"
PLANE_2 = range(0x20000, 0x40000)  # Supplementary Ideographic Plane and Tertiary Ideographic Plane
MAXP_ZEROES = (
    "maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
    "maxStackElements", "maxSizeOfInstructions", "maxComponentElements",
)  # fmt: skip


def wanted_code_points(font: TTFont, missing_from: Path | None) -> set[int]:
    """The source's plane-2 code points, less those the other font already draws."""
    wanted = {code for code in font.getBestCmap() if code in PLANE_2}
    if missing_from is not None:
        wanted -= set(TTFont(str(missing_from), lazy=True).getBestCmap())
    return wanted


def subset(font: TTFont, code_points: set[int]) -> None:
    """Keep only these characters; isolated ideographs need no layout features or hinting."""
    options = Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.desubroutinize = True
    options.hinting = False
    subsetter = Subsetter(options)
    subsetter.populate(unicodes=sorted(code_points))
    subsetter.subset(font)


def cff_to_truetype(font: TTFont) -> None:
    """Replace the CFF outlines with quadratic TrueType ones (fontTools' otf2ttf recipe)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf: Any = newTable("glyf")
    font["glyf"] = glyf
    glyf.glyphOrder, glyf.glyphs = order, glyphs
    for tag in ("CFF ", "VORG", "vhea", "vmtx"):  # vertical metrics refer to VORG; names print horizontally
        if tag in font:
            del font[tag]
    glyf.compile(font)
    _set_left_side_bearings(font, glyf)
    _truetype_maxp(font)
    post = font["post"]
    post.formatType, post.extraNames, post.mapping, post.glyphOrder = 2.0, [], {}, order
    font.sfntVersion = "\x00\x01\x00\x00"


def _set_left_side_bearings(font: TTFont, glyf: Any) -> None:
    metrics = font["hmtx"].metrics
    for name, glyph in glyf.glyphs.items():
        advance, _ = metrics[name]
        metrics[name] = (advance, getattr(glyph, "xMin", 0) if glyph.numberOfContours else 0)


def _truetype_maxp(font: TTFont) -> None:
    maxp: Any = newTable("maxp")
    font["maxp"] = maxp
    maxp.tableVersion = 0x00010000
    for attribute in MAXP_ZEROES:
        setattr(maxp, attribute, 0)
    maxp.maxZones = 1


def rename(font: TTFont, style: str) -> None:
    """A new family name, as the OFL asks of a Modified Version, and a note of what was done."""
    postscript = f"{FAMILY.replace(' ', '')}-{style}"
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 3, 4, 6, 16, 17, 18, 21, 22):
            names.removeNames(nameID=record.nameID)
    version = names.getDebugName(5) or ""
    for name_id, text in (
        (1, FAMILY),
        (2, style),
        (3, f"{postscript};subset of Noto Sans CJK JP 2.004"),
        (4, FAMILY if style == "Regular" else f"{FAMILY} {style}"),
        (5, f"{version}; subset to plane-2 ideographs and converted to TrueType outlines"),
        (6, postscript),
    ):
        names.setName(text, name_id, 3, 1, 0x409)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", type=Path, help="NotoSansCJK-Regular.ttc (or Bold)")
    parser.add_argument("out", type=Path, help="the .ttf to write")
    parser.add_argument("--face", type=int, default=0, help="face of the collection (0: Japanese)")
    parser.add_argument("--style", default="Regular")
    parser.add_argument("--missing-from", type=Path, help="keep only characters this font lacks")
    args = parser.parse_args()
    font = TTFont(str(args.source), fontNumber=args.face, recalcTimestamp=False)  # the same bytes every time
    code_points = wanted_code_points(font, args.missing_from)
    subset(font, code_points)
    cff_to_truetype(font)
    rename(font, args.style)
    font.save(str(args.out))
    print(f"{args.out}: {len(code_points)} characters")


if __name__ == "__main__":
    main()
