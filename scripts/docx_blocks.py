"""Building blocks of the docxtpl template builders (``build_docx_templates.py`` for the level
dossier, ``build_report_templates.py`` for the periodic reports): Nghị định 30/2020/NĐ-CP page
(A4, margins 20/20/30/15 mm, Times New Roman 13 pt), paragraphs written in one run so a Jinja tag
is never split, docxtpl paragraph tags, and bordered tables whose rows may be {%tr %} loops."""

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

FONT = "Times New Roman"
MONO = "Courier New"
CENTER, JUSTIFY, LEFT, RIGHT = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY,
                                WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT)


def set_font(target, name=FONT, size=None):
    """Font of a run or style, for every script Word may use (Vietnamese needs all of them)."""
    target.font.name = name
    if size:
        target.font.size = Pt(size)
    element = target.element if hasattr(target, "element") else target._element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)


def page(section, landscape=None):
    """A4 with the decree's margins; ``landscape`` True/False sets the orientation (None leaves it)."""
    if landscape is not None:
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    width, height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.page_width, section.page_height = width, height
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)


def new_document(landscape=None):
    doc = Document()
    page(doc.sections[0], landscape)
    normal = doc.styles["Normal"]
    set_font(normal, FONT, 13)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.1
    return doc


def new_section(doc, landscape):
    page(doc.add_section(WD_SECTION.NEW_PAGE), landscape)


def _run(paragraph, text, bold, italic, size, font):
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        if size or font:
            set_font(run, font or FONT, size)


def para(target, text="", *, bold=False, italic=False, align=JUSTIFY, size=None, indent=None, font=None,
         before=None):
    """One paragraph in one run, so a Jinja tag is never split across runs."""
    paragraph = target.add_paragraph()
    paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Mm(indent)
    if before is not None:
        paragraph.paragraph_format.space_before = Pt(before)
    _run(paragraph, text, bold, italic, size, font)
    return paragraph


def tag(target, text):
    """A paragraph holding only a docxtpl paragraph tag ({%p … %}): removed when rendered."""
    return target.add_paragraph(text)


def first(cell, text="", *, bold=False, italic=False, align=LEFT, size=None, font=None):
    """Write into a cell's existing first paragraph (a cell always has one)."""
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    _run(paragraph, text, bold, italic, size, font)
    return paragraph


def plain_table(doc, widths):
    """A borderless table of one row (letterheads, signature blocks)."""
    table = doc.add_table(rows=1, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for cell, width in zip(table.rows[0].cells, widths, strict=True):
        cell.width = Mm(width)
    return table


def grid(doc, headers, widths, size=10, aligns=None, repeat_header=False):
    """A bordered table with a header row (``repeat_header``: on each page); returns it for rows."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for cell, header, width in zip(table.rows[0].cells, headers, widths, strict=True):
        cell.width = Mm(width)
        first(cell, header, bold=True, align=CENTER, size=size)
    if repeat_header:
        properties = table.rows[0]._tr.get_or_add_trPr()
        properties.append(properties.makeelement(qn("w:tblHeader"), {}))
    table._widths, table._size = widths, size
    table._aligns = aligns or [LEFT] * len(widths)
    return table


def row(table, *texts, bold=False, mono=None):
    """A row of a grid; column ``mono`` in small monospace (hashes)."""
    cells = table.add_row().cells
    for index, (cell, text) in enumerate(zip(cells, texts, strict=False)):
        cell.width = Mm(table._widths[index])
        font = MONO if mono == index else None
        first(cell, text, bold=bold, size=7 if font else table._size, font=font, align=table._aligns[index])
    return cells


def loop_rows(table, opening, texts, closing="{%tr endfor %}", **options):
    """{%tr for … %} / the repeated row / {%tr endfor %}."""
    row(table, opening)
    row(table, *texts, **options)
    row(table, closing)


def save(doc, folder, name):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.docx"
    doc.core_properties.title = name
    doc.core_properties.author = "ATTT"
    doc.save(path)
    return path
