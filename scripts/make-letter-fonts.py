#!/usr/bin/env python3
"""Makes the small fallback fonts that letters use for the language-assistance lines whose
script DejaVu Sans (the letters' typeface) does not have: Chinese and Korean (from Noto Sans CJK
TC) and Amharic (from Noto Sans Ethiopic), regular and bold.

Each font keeps only the characters of `assets/i18n/language_assistance.toml` that DejaVu lacks,
converted to TrueType outlines (printpdf embeds TrueType), and is renamed so that the modified
font does not carry the original's name (SIL Open Font License 1.1, see assets/fonts/LICENSE-Noto.txt).

Run it again after adding or changing a line in that file (a unit test in src/letters/fonts.rs fails
until every line can be printed). Needs: pip install fonttools; apt-get install fonts-noto-cjk
fonts-noto-core.

    python3 scripts/make-letter-fonts.py
"""
import pathlib
import tomllib

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

ROOT = pathlib.Path(__file__).resolve().parent.parent
FONTS = ROOT / "assets" / "fonts"
CJK = "/usr/share/fonts/opentype/noto/NotoSansCJK-{}.ttc"
CJK_TC = 3  # "Noto Sans CJK TC" in the collection: traditional Chinese forms (the zh line), Hangul
ETHIOPIC = "/usr/share/fonts/truetype/noto/NotoSansEthiopic-{}.ttf"


def needed() -> set[str]:
    lines = tomllib.loads((ROOT / "assets/i18n/language_assistance.toml").read_text(encoding="utf-8"))
    dejavu = TTFont(FONTS / "DejaVuSans.ttf").getBestCmap()
    text = "".join(v["text"] for v in lines.values())
    return {c for c in text if not c.isspace() and ord(c) not in dejavu}


def to_truetype(font: TTFont) -> None:
    """CFF (cubic) outlines → glyf (quadratic), the recipe of fontTools' otf2ttf snippet."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]
    for table in ("VORG", "vhea", "vmtx"):
        if table in font:
            del font[table]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, g in glyphs.items():
        advance, _ = hmtx.metrics[name]
        hmtx.metrics[name] = (advance, getattr(g, "xMin", 0))
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in ("maxZones",):
        setattr(maxp, field, 1)
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 0)
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font.sfntVersion = "\000\001\000\000"
    font.recalcBBoxes = True


def rename(font: TTFont, family: str, weight: str) -> None:
    names = font["name"]
    keep = {0: None, 1: family, 2: weight, 3: f"{family} {weight}; PleaDesk subset",
            4: f"{family} {weight}", 6: f"{family.replace(' ', '')}-{weight}"}
    for record in list(names.names):
        if record.nameID not in keep:
            names.removeNames(nameID=record.nameID)
    for name_id, value in keep.items():
        if value is not None:
            names.setName(value, name_id, 3, 1, 0x409)
            names.setName(value, name_id, 1, 0, 0)
    names.setName("Subset of a Noto font, SIL Open Font License 1.1 (assets/fonts/LICENSE-Noto.txt).",
                  13, 3, 1, 0x409)


def make(source: TTFont, chars: set[str], family: str, weight: str, out: str) -> None:
    options = subset.Options()
    options.layout_features = []  # none needed: one glyph per character, no shaping
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.desubroutinize = True
    sub = subset.Subsetter(options)
    sub.populate(unicodes=[ord(c) for c in chars])
    sub.subset(source)
    if "CFF " in source:
        to_truetype(source)
    rename(source, family, weight)
    for table in ("GSUB", "GPOS", "GDEF", "BASE", "DSIG"):
        if table in source:
            del source[table]
    source.save(FONTS / out)
    print(f"{out}: {len(source.getGlyphOrder())} glyphs, {(FONTS / out).stat().st_size} bytes")


def main() -> None:
    chars = needed()
    cjk = {c for c in chars if 0x1100 <= ord(c) <= 0x11FF or 0x2E80 <= ord(c) <= 0xFFEF}
    ethiopic = {c for c in chars if 0x1200 <= ord(c) <= 0x139F or 0x2D80 <= ord(c) <= 0x2DDF}
    other = chars - cjk - ethiopic
    if other:
        raise SystemExit(f"no fallback font for: {''.join(sorted(other))}")
    for weight in ("Regular", "Bold"):
        cjk_font = TTCollection(CJK.format(weight)).fonts[CJK_TC]
        make(cjk_font, cjk, "PleaDesk Assist CJK", weight, f"PleaDeskAssistCJK-{weight}.ttf")
        make(TTFont(ETHIOPIC.format(weight)), ethiopic, "PleaDesk Assist Ethiopic", weight,
             f"PleaDeskAssistEthiopic-{weight}.ttf")


if __name__ == "__main__":
    main()
