"""Build the PDF fonts for scripts other than Latin into peps/documents/print/fonts/.

The PEP PDF prints children's names as they are written: Arabic, Persian, Pashto and Kurdish
(Sorani) in Arabic script, Tigrinya and Amharic in Ge'ez, Chinese. Liberation Sans, the
print's own font, already covers Latin (Vietnamese, Kurdish Kurmanji) but none of those, so
these fonts follow it in the stylesheet's font stack. They are Noto (SIL Open Font Licence
1.1), taken from Debian's packages at fixed versions and cut down with fontTools:

- Noto Sans Arabic and Noto Sans Ethiopic, regular and bold: every letter, hinting removed.
- Noto Sans CJK SC, regular: the 6,763 Han characters of GB 2312 (the common simplified
  ones) and the 5,401 of Big5's level 1 (the common traditional ones), 8,836 in all, with
  ASCII, CJK punctuation and full-width forms; the layout features of horizontal Chinese only.
  A name in bold is drawn in this regular face.

Run it again only to change what is covered (it needs apt-get and dpkg-deb, and replaces
the files it makes; the same package versions give the same fonts):

    .venv/bin/python frontend/print_fonts.py
"""

import subprocess
import sys
import tempfile
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

OUT = Path(__file__).resolve().parent.parent / "peps" / "documents" / "print" / "fonts"
PACKAGES = ["fonts-noto-core=20201225-1", "fonts-noto-cjk=1:20220127+repack1-1"]
NOTO = "usr/share/fonts/truetype/noto"
CJK = "usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
CJK_SC = 2  # the collection's Simplified Chinese face
WHOLE = ["NotoSansArabic-Regular", "NotoSansArabic-Bold", "NotoSansEthiopic-Regular",
         "NotoSansEthiopic-Bold"]  # fmt: skip
# fontTools' default features, less those for vertical text, other languages' forms (locl)
# and alternates, which would bring in thousands more glyphs than horizontal Chinese needs.
CJK_DROPPED_FEATURES = ["locl", "vert", "vrt2", "vkna", "vpal", "vhal", "valt", "ljmo",
                        "vjmo", "tjmo", "jp78", "jp83", "jp90", "hojo", "nlck", "trad", "smpl",
                        "expt", "fwid", "hwid", "pwid", "ruby", "aalt"]  # fmt: skip
# The space and ASCII punctuation too: a space between two Han characters ("小龙 李") is drawn
# by the Han font, and would be a .notdef box without one.
PUNCTUATION = [*range(0x20, 0x7F), 0xA0, 0xB7, *range(0x3000, 0x3040), *range(0xFF01, 0xFF5F)]


def double_byte_charset(codec: str, leads: range, trails: list[int]) -> set[str]:
    found = set()
    for lead in leads:
        for trail in trails:
            try:
                found.add(bytes([lead, trail]).decode(codec))
            except UnicodeDecodeError:
                pass
    return found


def common_han() -> list[int]:
    gb2312 = double_byte_charset("gb2312", range(0xA1, 0xF8), list(range(0xA1, 0xFF)))
    big5_level_1 = double_byte_charset(  # lead bytes A4 to C6: the frequently used characters
        "big5", range(0xA4, 0xC7), [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    )
    return sorted(ord(c) for c in gb2312 | big5_level_1 if 0x4E00 <= ord(c) <= 0x9FFF)


def cut(font: TTFont, unicodes, *, out: Path, every_feature: bool = True, dropped=()):
    options = subset.Options()
    if every_feature:
        options.layout_features = ["*"]
    options.layout_features = [f for f in options.layout_features if f not in dropped]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    font.save(out)
    sys.stderr.write(f"{out.name}: {out.stat().st_size:,} bytes\n")


def main():
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        download = ["apt-get", "download", *PACKAGES]  # Debian's own tools, fixed arguments
        subprocess.run(download, cwd=scratch, check=True)  # noqa: S603, S607
        for deb in scratch.glob("*.deb"):
            unpack = ["dpkg-deb", "-x", str(deb), str(scratch / "root")]
            subprocess.run(unpack, check=True)  # noqa: S603, S607
        root = scratch / "root"
        for name in WHOLE:
            font = TTFont(root / NOTO / f"{name}.ttf")
            cut(font, font.getBestCmap().keys(), out=OUT / f"{name}.ttf")
        sc = TTCollection(root / CJK).fonts[CJK_SC]
        cut(sc, common_han() + PUNCTUATION, out=OUT / "NotoSansCJKsc-Regular-common.otf",
            every_feature=False, dropped=CJK_DROPPED_FEATURES)  # fmt: skip


if __name__ == "__main__":
    main()
