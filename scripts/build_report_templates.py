"""(Re)generate the docxtpl templates of the periodic reports.

    .venv/bin/python scripts/build_report_templates.py

Writes ``src/attt/reports/doc_templates/{quarterly,annual,form05,consolidated}.docx``: Word
documents whose text holds Jinja tags (``{{ org.name }}``, ``{%p for … %}`` paragraphs,
``{%tr for … %}`` table rows, ``{%tc for … %}`` table columns) that ``attt.reports.documents``
fills from ``documents.context()``. Every label is a tag too (``{{ L.annual_part_1 }}``), so one
template prints Vietnamese or English. The generated files are kept in the repository and may be
edited in Word afterwards (keep each tag inside one run); running this script overwrites such edits.

Layout follows Nghị định 30/2020/NĐ-CP: A4, margins 20/20/30/15 mm, Times New Roman 13 pt,
organisation top-left, national motto top-right; wide tables (Form 08 part III, the
consolidation) on landscape pages.
"""

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "attt" / "reports" / "doc_templates"
FONT = "Times New Roman"
CENTER, JUSTIFY, LEFT, RIGHT = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY,
                                WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT)
# Form 08 part III: widths in mm of the 12 columns on a landscape page (252 mm between margins).
SYSTEM_COLUMNS = ("number", "name", "owner", "operator", "proposed_level", "approval_status", "decision",
                  "regulation", "expected_approval_on", "deployment", "expected_full_deployment_on",
                  "assessment")
SYSTEM_WIDTHS = (9, 32, 24, 24, 13, 20, 28, 22, 19, 22, 19, 18)


# --- building blocks -------------------------------------------------------------------------

def _set_font(target, name=FONT, size=None):
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


def new_document(landscape=False):
    doc = Document()
    _page(doc.sections[0], landscape)
    normal = doc.styles["Normal"]
    _set_font(normal, FONT, 13)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.1
    return doc


def _page(section, landscape):
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    width, height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.page_width, section.page_height = width, height
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)


def new_section(doc, landscape):
    _page(doc.add_section(WD_SECTION.NEW_PAGE), landscape)


def para(target, text="", *, bold=False, italic=False, align=JUSTIFY, size=None, indent=None, before=None):
    """One paragraph in one run, so a Jinja tag is never split across runs."""
    paragraph = target.add_paragraph()
    paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Mm(indent)
    if before is not None:
        paragraph.paragraph_format.space_before = Pt(before)
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            _set_font(run, FONT, size)
    return paragraph


def tag(target, text):
    """A paragraph holding only a docxtpl paragraph tag ({%p … %}): removed when rendered."""
    return target.add_paragraph(text)


def first(cell, text="", *, bold=False, italic=False, align=LEFT, size=None):
    """Write into a cell's existing first paragraph (a cell always has one)."""
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            _set_font(run, FONT, size)
    return paragraph


def plain_table(doc, widths):
    table = doc.add_table(rows=1, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for cell, width in zip(table.rows[0].cells, widths, strict=True):
        cell.width = Mm(width)
    return table


def grid(doc, headers, widths, size=10, aligns=None):
    """A bordered table with a (repeated on each page) header row; returns it for rows."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for cell, header, width in zip(table.rows[0].cells, headers, widths, strict=True):
        cell.width = Mm(width)
        first(cell, header, bold=True, align=CENTER, size=size)
    header = table.rows[0]._tr.get_or_add_trPr()
    header.append(header.makeelement(qn("w:tblHeader"), {}))
    table._widths, table._size = widths, size
    table._aligns = aligns or [LEFT] * len(widths)
    return table


def row(table, *texts, bold=False):
    cells = table.add_row().cells
    for index, (cell, text) in enumerate(zip(cells, texts, strict=False)):
        cell.width = Mm(table._widths[index])
        first(cell, text, bold=bold, size=table._size, align=table._aligns[index])
    return cells


def loop_rows(table, opening, texts, closing="{%tr endfor %}", **options):
    """{%tr for … %} / the repeated row / {%tr endfor %}."""
    row(table, opening)
    row(table, *texts, **options)
    row(table, closing)


def heading(doc, text, before=10):
    para(doc, text, bold=True, before=before, align=LEFT)


def lines(doc, loop, text="- {{ line }}"):
    tag(doc, "{%p for line in " + loop + " %}")
    para(doc, text, indent=10)
    tag(doc, "{%p endfor %}")


def save(doc, name):
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.docx"
    doc.core_properties.title = name
    doc.core_properties.author = "ATTT"
    doc.save(path)
    return path


# --- shared parts ----------------------------------------------------------------------------

def letterhead(doc, widths=(68, 97)):
    """Form mark, organisation (left), national motto and date (right), title, addressee."""
    para(doc, "{{ form_mark }}", bold=True, align=RIGHT, size=12)
    table = plain_table(doc, widths)
    left, right = table.rows[0].cells
    first(left, "{{ org.name_upper }}", bold=True, align=CENTER, size=12)
    para(left, "-------", align=CENTER)
    para(left, "{{ L.number }}", align=CENTER, size=12)
    first(right, "{{ L.motto_1 }}", bold=True, align=CENTER, size=12)
    para(right, "{{ L.motto_2 }}", bold=True, align=CENTER)
    para(right, "---------------", align=CENTER)
    para(right, "{{ date_line }}", italic=True, align=CENTER)
    para(doc, "")
    para(doc, "{{ title_main }}", bold=True, align=CENTER, size=14)
    tag(doc, "{%p for line in title_lines %}")
    para(doc, "{{ line }}", bold=True, align=CENTER)
    tag(doc, "{%p endfor %}")
    para(doc, "{{ to_line }}", align=CENTER, before=6)
    para(doc, "{{ basis_line }}", italic=True, align=CENTER, size=11)
    para(doc, "{{ period.range }}; {{ due_line }}", italic=True, align=CENTER, size=11)
    para(doc, "{{ intro }}", indent=10, before=6)


def closing(doc, widths=(75, 90)):
    para(doc, "")
    table = plain_table(doc, widths)
    left, right = table.rows[0].cells
    first(left, "{{ signature.recipients_title }}", bold=True, italic=True, size=12)
    tag(left, "{%p for recipient in signature.recipients %}")
    para(left, "- {{ recipient }}", align=LEFT, size=11)
    tag(left, "{%p endfor %}")
    first(right, "{{ signature.title }}", bold=True, align=CENTER)
    para(right, "{{ signature.note }}", italic=True, align=CENTER)
    for _blank in range(3):
        para(right, "", align=CENTER)
    para(right, "{{ signature.name }}", bold=True, align=CENTER)
    para(right, "{{ signature.approved_line }}", italic=True, align=CENTER, size=11)
    para(doc, "{{ version_line }}", italic=True, align=LEFT, size=9, before=12)


def figures_table(doc, loop, widths=(12, 118, 35)):
    """TT / label / value rows (Form 08 totals, KPIs, consolidation totals)."""
    table = grid(doc, ["{{ L.no }}", "{{ L.item }}", "{{ L.value }}"], list(widths), size=11,
                 aligns=[CENTER, LEFT, RIGHT])
    loop_rows(table, "{%tr for item in " + loop + " %}", ["{{ item.no }}", "{{ item.label }}", "{{ item.value }}"])


def form08_totals(doc):
    figures_table(doc, "annual.totals")
    para(doc, "{{ L.expected_all_approved }}: {{ annual.expected_all }}", before=4)


def form08_table(doc):
    table = grid(doc, [f"{{{{ L.system_columns.{key} }}}}" for key in SYSTEM_COLUMNS], list(SYSTEM_WIDTHS),
                 size=8, aligns=[CENTER, LEFT, LEFT, LEFT, CENTER, LEFT, LEFT, LEFT, CENTER, LEFT, CENTER, LEFT])
    loop_rows(table, "{%tr for system in annual.rows %}",
              [f"{{{{ system.{key} }}}}" for key in SYSTEM_COLUMNS])


def org_facts(doc, key):
    table = grid(doc, ["{{ L.item }}", "{{ L.value }}"], [55, 110], size=11)
    for field in ("name", "mandate", "head", "address", "phone", "email"):
        row(table, f"{{{{ L.org_fields.{field} }}}}", f"{{{{ {key}.{field} }}}}")


def form05_table(doc):
    widths = [8, 45] + [19] * 5 + [17]
    headers = ["{{ L.no }}", "{{ L.form05_type }}"] + [f"{{{{ form05.figure_headers[{i}] }}}}" for i in range(6)]
    table = grid(doc, headers, widths, size=9, aligns=[CENTER, LEFT] + [RIGHT] * 6)
    loop_rows(table, "{%tr for item in form05.rows %}",
              ["{{ item.no }}", "{{ item.label }}"] + [f"{{{{ item.figures[{i}] }}}}" for i in range(6)])
    row(table, "", "{{ L.total }}", *[f"{{{{ form05.totals[{i}] }}}}" for i in range(6)], bold=True)
    tag(doc, "{%p if form05.unclassified_note %}")
    para(doc, "{{ form05.unclassified_note }}", italic=True, size=11)
    tag(doc, "{%p endif %}")


def helpers(doc, numbers):
    heading(doc, f"{numbers[0]}. {{{{ L.form05_domestic }}}}", before=6)
    lines(doc, "form05.domestic")
    heading(doc, f"{numbers[1]}. {{{{ L.form05_foreign }}}}", before=6)
    lines(doc, "form05.foreign")


# --- the documents ---------------------------------------------------------------------------

def build_annual():
    doc = new_document()
    letterhead(doc)
    heading(doc, "{{ L.annual_part_1 }}")
    form08_totals(doc)
    heading(doc, "{{ L.annual_part_2 }}")
    heading(doc, "1. {{ L.owner_block }}", before=4)
    org_facts(doc, "owner")
    heading(doc, "2. {{ L.unit_block }}", before=6)
    org_facts(doc, "unit")
    new_section(doc, landscape=True)
    heading(doc, "{{ L.annual_part_3 }}", before=0)
    form08_table(doc)
    closing(doc, widths=(110, 142))
    return save(doc, "annual")


def build_form05():
    doc = new_document()
    letterhead(doc)
    heading(doc, "1. {{ L.form05_general }}")
    table = grid(doc, ["{{ L.item }}", "{{ L.value }}"], [65, 100], size=11)
    row(table, "{{ L.form05_period }}", "{{ period.label }} ({{ period.start }} – {{ period.end }})")
    row(table, "{{ L.form05_org }}", "{{ org.name }}")
    row(table, "{{ L.form05_member_code }}", "{{ form05.member_code }}")
    heading(doc, "2. {{ L.form05_table }}")
    form05_table(doc)
    helpers(doc, (3, 4))
    heading(doc, "5. {{ L.form05_recommendations }}", before=6)
    lines(doc, "form05.recommendations", "{{ line }}")
    closing(doc)
    return save(doc, "form05")


def build_quarterly():
    doc = new_document()
    letterhead(doc)
    heading(doc, "{{ L.quarterly_part_1 }}")
    form08_totals(doc)
    new_section(doc, landscape=True)
    form08_table(doc)
    new_section(doc, landscape=False)
    heading(doc, "{{ L.quarterly_part_2 }}", before=0)
    form05_table(doc)
    helpers(doc, (1, 2))
    heading(doc, "{{ L.quarterly_part_3 }}")
    figures_table(doc, "kpis")
    closing(doc)
    return save(doc, "quarterly")


def build_consolidated():
    doc = new_document(landscape=True)
    letterhead(doc, widths=(110, 142))
    heading(doc, "{{ L.consolidated_part_1 }}")
    figures_table(doc, "consolidation.summary", widths=(12, 180, 40))
    heading(doc, "{{ L.consolidated_part_2 }}")
    # Fixed columns, then one column per figure of the kind ({%tc %}: docxtpl repeats the cell).
    widths = [8, 45, 24, 36, 20, 14, 14, 14]
    headers = [f"{{{{ consolidation.headers[{i}] }}}}" for i in range(5)]
    table = grid(doc, [*headers, "{%tc for header in consolidation.figure_headers %}", "{{ header }}",
                       "{%tc endfor %}"], widths, size=8, aligns=[CENTER, LEFT, LEFT, LEFT, LEFT, RIGHT,
                                                                  RIGHT, RIGHT])
    loop_rows(table, "{%tr for item in consolidation.rows %}",
              ["{{ item.no }}", "{{ item.organisation }}", "{{ item.scope }}", "{{ item.source }}",
               "{{ item.timeliness }}", "{%tc for figure in item.figures %}", "{{ figure }}", "{%tc endfor %}"])
    row(table, "", "{{ L.total }}", "", "", "", "{%tc for figure in consolidation.totals %}", "{{ figure }}",
        "{%tc endfor %}", bold=True)
    closing(doc, widths=(110, 142))
    return save(doc, "consolidated")


def main():
    for path in (build_quarterly(), build_annual(), build_form05(), build_consolidated()):
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
