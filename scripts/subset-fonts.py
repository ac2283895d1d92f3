#!/usr/bin/env python3
# subset-fonts.py: makes facta's built-in fonts at build time: a Latin subset
# of the system DejaVu fonts (every letter of Western, Central and Northern
# European names, the euro sign, typographic punctuation), renamed to
# "Facta Sans/Serif/Mono" as the Bitstream Vera licence requires of a
# modified font. Usage: subset-fonts.py SRC_DIR OUT_DIR
import array
import os
import sys

from fontTools import subset
from fontTools.ttLib import TTFont, newTable
from fontTools.ttLib.tables import ttProgram

FONTS = [
    ("DejaVuSans.ttf", "FactaSans.ttf", "Facta Sans", "Book"),
    ("DejaVuSans-Bold.ttf", "FactaSans-Bold.ttf", "Facta Sans", "Bold"),
    ("DejaVuSerif.ttf", "FactaSerif.ttf", "Facta Serif", "Book"),
    ("DejaVuSerif-Bold.ttf", "FactaSerif-Bold.ttf", "Facta Serif", "Bold"),
    ("DejaVuSansMono.ttf", "FactaMono.ttf", "Facta Mono", "Book"),
    ("DejaVuSansMono-Bold.ttf", "FactaMono-Bold.ttf", "Facta Mono", "Bold"),
]

# Basic Latin, Latin-1, Latin Extended-A (ĳ ł ő š ž ...), Romanian ș ț,
# spacing modifiers,
# ẞ, general punctuation (– — ‘ ’ “ ” • … ‰), €, №, ™, arrows, − × ÷.
# Nothing above U+2212: libharu writes a CIDToGIDMap and widths up to the
# highest character of a font, per document (see bench/README.md).
UNICODES = (
    list(range(0x20, 0x7F))
    + list(range(0xA0, 0x180))
    + [0x192, 0x218, 0x219, 0x21A, 0x21B]
    + [0x2C6, 0x2C7, 0x2D8, 0x2D9, 0x2DA, 0x2DB, 0x2DC, 0x2DD, 0x1E9E]
    + list(range(0x2010, 0x2028))
    + list(range(0x2030, 0x203B))
    + [0x2044, 0x20AC, 0x2116, 0x2122, 0x2190, 0x2191, 0x2192, 0x2193,
       0x2212]
)

NOTICE = ("Facta {family} is a Latin subset of DejaVu {base}, renamed as the "
          "Bitstream Vera licence requires. Copyright (c) 2003 by Bitstream, "
          "Inc. All Rights Reserved. Bitstream Vera is a trademark of "
          "Bitstream, Inc. DejaVu changes are in public domain.")


def rename(font, family, weight, base):
    ps = family.replace(" ", "") + ("-Bold" if weight == "Bold" else "")
    full = family + ("" if weight == "Book" else " " + weight)
    names = {1: family, 2: "Bold" if weight == "Bold" else "Regular",
             3: "facta: " + full, 4: full, 6: ps, 16: family,
             17: "Bold" if weight == "Bold" else "Regular",
             10: NOTICE.format(family=family.split()[-1], base=base)}
    table = font["name"]
    # Windows names only; the copyright (0) and licence (13, 14) stay.
    table.names = [n for n in table.names if n.platformID == 3 and
                   (n.nameID in (0, 5, 13, 14) or n.nameID in names)]
    for rec in list(table.names):
        if rec.nameID in names:
            table.names.remove(rec)
    for nid, text in sorted(names.items()):
        table.setName(text, nid, 3, 1, 0x409)


def few_segments(font):
    """Fills the gaps inside the few character blocks with .notdef, so the
    cmap has 4 segments instead of about 20: libharu looks up every one of
    65,536 characters per font and document, by a linear scan of them."""
    blocks = [(0x20, 0x2DD), (0x1E9E, 0x1E9E), (0x2010, 0x2212)]
    for table in font["cmap"].tables:
        for lo, hi in blocks:
            for cp in range(lo, hi + 1):
                table.cmap.setdefault(cp, ".notdef")


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    opts = subset.Options()
    opts.layout_features = []
    opts.hinting = False
    opts.glyph_names = False
    opts.notdef_outline = True
    opts.name_IDs = ["*"]
    opts.name_languages = [0x409]
    opts.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "FFTM", "MATH"]
    for name, target, family, weight in FONTS:
        font = TTFont(os.path.join(src, name), recalcTimestamp=False)
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=UNICODES)
        sub.subset(font)
        # libharu refuses fonts without these hinting tables: keep them
        # present but empty (the subset is drawn unhinted anyway).
        for tag in ("cvt ", "fpgm", "prep"):
            if tag not in font:
                t = newTable(tag)
                if tag == "cvt ":
                    t.values = array.array("h", [0])
                else:
                    t.program = ttProgram.Program()
                    t.program.fromBytecode(b"")
                font[tag] = t
        few_segments(font)
        rename(font, family, weight, name[:-4].replace("DejaVu", ""))
        font.save(os.path.join(out, target))
    return 0


if __name__ == "__main__":
    sys.exit(main())
