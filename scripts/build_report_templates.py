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

from functools import partial
from pathlib import Path

import docx_blocks as blocks
from docx_blocks import (
    CENTER,
    LEFT,
    RIGHT,
    first,
    loop_rows,
    new_section,
    para,
    plain_table,
    row,
    tag,
)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "attt" / "reports" / "doc_templates"
# Form 08 part III: widths in mm of the 12 columns on a landscape page (252 mm between margins).
SYSTEM_COLUMNS = ("number", "name", "owner", "operator", "proposed_level", "approval_status", "decision",
                  "regulation", "expected_approval_on", "deployment", "expected_full_deployment_on",
                  "assessment")
SYSTEM_WIDTHS = (9, 32, 24, 24, 13, 20, 28, 22, 19, 22, 19, 18)


# --- building blocks (docx_blocks.py; report tables repeat their header on each page) ---------

grid = partial(blocks.grid, repeat_header=True)


def heading(doc, text, before=10):
    para(doc, text, bold=True, before=before, align=LEFT)


def lines(doc, loop, text="- {{ line }}"):
    tag(doc, "{%p for line in " + loop + " %}")
    para(doc, text, indent=10)
    tag(doc, "{%p endfor %}")


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
    doc = blocks.new_document(landscape=False)
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
    return blocks.save(doc, OUT, "annual")


def build_form05():
    doc = blocks.new_document(landscape=False)
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
    return blocks.save(doc, OUT, "form05")


def build_quarterly():
    doc = blocks.new_document(landscape=False)
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
    return blocks.save(doc, OUT, "quarterly")


def build_consolidated():
    doc = blocks.new_document(landscape=True)
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
    return blocks.save(doc, OUT, "consolidated")


def main():
    for path in (build_quarterly(), build_annual(), build_form05(), build_consolidated()):
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
