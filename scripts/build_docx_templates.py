"""(Re)generate the docxtpl templates of the level-dossier documents.

    .venv/bin/python scripts/build_docx_templates.py

Writes ``src/attt/levels/doc_templates/{dossier,form-01 … form-06}.docx``: Word documents whose text
holds Jinja tags (``{{ system.name }}``, ``{%p for … %}`` paragraphs, ``{%tr for … %}`` table rows)
that ``attt.levels.documents`` fills from ``documents.context()``. The generated files are the
templates kept in the repository; they may be edited in Word afterwards (keep each tag inside one
run: type it in one go, do not format half of it). Running this script overwrites such edits.

Layout follows Nghị định 30/2020/NĐ-CP on administrative documents: A4, margins 20/20/30/15 mm,
Times New Roman 13 pt, letterhead with the organisation on the left and the national motto on the
right. The wording is that of the forms appendix of Nghị định 331/2026/NĐ-CP (Mẫu số 01–06).
"""

from pathlib import Path

from docx.enum.text import WD_BREAK
from docx_blocks import (
    CENTER,
    LEFT,
    first,
    grid,
    loop_rows,
    new_document,
    para,
    plain_table,
    row,
    tag,
)
from docx_blocks import save as save_in

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "attt" / "levels" / "doc_templates"
DOTS = "............"

ATTACHED = [
    "Tài liệu mô tả, thuyết minh tổng quan về hệ thống thông tin.",
    ("Tài liệu thiết kế thi công đã được cấp có thẩm quyền phê duyệt hoặc tài liệu có giá trị "
    "tương đương."),
    ("Tài liệu thuyết minh về việc đề xuất cấp độ căn cứ trên các tiêu chí theo quy định của pháp "
    "luật."),
    "Tài liệu thuyết minh phương án bảo đảm an ninh mạng theo cấp độ tương ứng.",
]
OPINION_ITEM = ("Ý kiến về mặt chuyên môn của đơn vị chuyên trách về an ninh mạng của chủ quản hệ "
                "thống thông tin {}.")
BASES = ["Căn cứ Luật An ninh mạng số 116/2025/QH15;", "Căn cứ {{ regime.instrument }};"]


# --- building blocks (docx_blocks.py) --------------------------------------------------------

def facts(doc, pairs):
    table = grid(doc, ["Nội dung", "Thông tin"], [55, 110], size=11)
    for label, value in pairs:
        row(table, label, value)
    return table


def letterhead(doc, left, right=None, subject=None):
    """Organisation (left) and national motto with place and date (right), borderless."""
    table = plain_table(doc, [68, 97])
    left_cell, right_cell = table.rows[0].cells
    # A cell starts with one paragraph; the first line goes there (a {%p %} tag line too:
    # docxtpl turns the whole paragraph into the tag whatever its formatting).
    first(left_cell, left[0][0], bold=left[0][1], align=CENTER, size=12)
    for text, bold in left[1:]:
        para(left_cell, text, bold=bold, align=CENTER, size=12)
    if subject:
        para(left_cell, subject, align=CENTER, size=11)
    first(right_cell, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, align=CENTER, size=12)
    para(right_cell, "Độc lập - Tự do - Hạnh phúc", bold=True, align=CENTER)
    para(right_cell, "---------------", align=CENTER)
    para(right_cell, right or "{{ doc.date_line }}", italic=True, align=CENTER)
    para(doc, "")


def form_letterhead(doc, subject=None):
    letterhead(doc, [("{{ doc.sender.name_upper }}", True), ("-------", False),
                     ("Số: {{ doc.number }}", False)], subject=subject)


def closing(doc, signer_title="ĐẠI DIỆN CỦA CƠ QUAN, TỔ CHỨC", recipients=True,
            name="{{ doc.signer.head_name }}"):
    para(doc, "")
    table = plain_table(doc, [75, 90])
    left, right = table.rows[0].cells
    if recipients:
        first(left, "Nơi nhận:", bold=True, italic=True, size=12)
        tag(left, "{%p for recipient in doc.recipients %}")
        para(left, "- {{ recipient }}", align=LEFT, size=11)
        tag(left, "{%p endfor %}")
    first(right, signer_title, bold=True, align=CENTER)
    para(right, "(Ký, ghi rõ họ tên, chức danh và đóng dấu)", italic=True, align=CENTER)
    for _blank in range(4):
        para(right, "", align=CENTER)
    para(right, name, bold=True, align=CENTER)


def general_info(doc):
    para(doc, "Phần 1. Thông tin chung", bold=True, before=4)
    para(doc, "1. Tên hệ thống thông tin: {{ system.name }}")
    para(doc, "2. Đơn vị vận hành hệ thống thông tin: {{ operator.name }}")
    para(doc, "3. Địa chỉ: {{ operator.address }}")
    para(doc, "4. Cấp độ hệ thống thông tin đề xuất: Cấp độ {{ dossier.level }}")


def attached(doc, heading="Phần 2. Hồ sơ kèm theo", opinion=None, appraisal=False):
    para(doc, heading, bold=True, before=4)
    for number, text in enumerate(ATTACHED, start=1):
        para(doc, f"{number}. {text}")
    if opinion:
        tag(doc, "{%p if dossier.high_level %}")
        para(doc, f"5. {OPINION_ITEM.format(opinion)}")
        tag(doc, "{%p endif %}")
    if appraisal:
        para(doc, "{% if dossier.high_level %}6{% else %}5{% endif %}. Ý kiến thẩm định của cơ "
                  "quan phối hợp thẩm định đối với hệ thống thông tin đề xuất từ cấp độ 3 trở lên.")


def bases(doc, extra=()):
    for text in [*BASES, *extra]:
        para(doc, text, italic=True, indent=10)


def title(doc, *lines):
    for index, text in enumerate(lines):
        para(doc, text, bold=True, align=CENTER, size=14 if index == 0 else None)


# --- the documents ---------------------------------------------------------------------------

def build_form(number, subject, request, ending, opinion=None):
    doc = new_document()
    form_letterhead(doc, subject)
    para(doc, "Kính gửi: {{ doc.recipient }}.", align=CENTER)
    bases(doc)
    para(doc, "{{ doc.sender.name }} " + request + " với các nội dung sau:", indent=10)
    general_info(doc)
    attached(doc, opinion=opinion)
    para(doc, ending, indent=10, before=4)
    closing(doc)
    return save_in(doc, OUT, f"form-{number}")


def build_form_04():
    doc = new_document()
    form_letterhead(doc, "V/v ý kiến thẩm định hồ sơ đề xuất cấp độ")
    para(doc, "Kính gửi: {{ doc.recipient }}.", align=CENTER)
    para(doc, "{{ doc.sender.name }} nhận được Công văn số ....... {{ doc.submitted_on }} của "
              "{{ doc.requester.name }} về việc thẩm định hồ sơ đề xuất cấp độ của hệ thống thông "
              "tin đối với {{ system.name }}. Sau khi xem xét, tổng hợp ý kiến và kết quả thẩm định "
              "của các cơ quan, tổ chức có liên quan, {{ doc.sender.name }} có ý kiến thẩm định như "
              "sau:", indent=10)
    attached(doc, "Phần 1. Hồ sơ, tài liệu thẩm định",
             opinion="đối với hệ thống thông tin đề xuất cấp độ 4 hoặc cấp độ 5")
    para(doc, "Phần 2. Căn cứ pháp lý để thẩm định", bold=True, before=4)
    para(doc, "1. Căn cứ Luật An ninh mạng số 116/2025/QH15.")
    para(doc, "2. Căn cứ {{ regime.instrument }}.")
    para(doc, "3. Các căn cứ pháp lý khác có liên quan: {{ checklist.citation }}.")
    para(doc, "Phần 3. Tổ chức thẩm định", bold=True, before=4)
    para(doc, "1. Đơn vị chủ trì thẩm định: {{ doc.sender.name }}")
    para(doc, "2. Đơn vị phối hợp thẩm định: {{ doc.partner }}")
    para(doc, "3. Hình thức thẩm định: Tổ chức họp hoặc lấy ý kiến bằng văn bản hoặc áp dụng cả "
              "hai hình thức (nếu cần thiết).")
    para(doc, "Phần 4. Ý kiến thẩm định", bold=True, before=4)
    para(doc, "1. Tổng hợp ý kiến thẩm định của đơn vị phối hợp theo quy định tại khoản 3 Điều 18 "
              "{{ regime.short }}: " + DOTS)
    para(doc, "2. Ý kiến thẩm định về sự phù hợp về việc đề xuất cấp độ theo quy định tại Điều 23 "
              "{{ regime.short }} (cấp độ đề xuất: Cấp độ {{ dossier.level }}):")
    tag(doc, "{%p for line in dossier.opinion_lines %}")
    para(doc, "{{ line }}", indent=10)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if not dossier.opinion_lines %}")
    para(doc, DOTS, indent=10)
    tag(doc, "{%p endif %}")
    para(doc, "3. Ý kiến khác (nếu có): " + DOTS)
    para(doc, "Phần 5. Kết luận", bold=True, before=4)
    para(doc, "Hồ sơ đề xuất cấp độ hệ thống thông tin là {{ doc.conclusion }} để theo cấp độ đề "
              "xuất (Cấp độ {{ dossier.level }}).", indent=10)
    para(doc, "Trên đây là ý kiến thẩm định của {{ doc.sender.name }} cho hồ sơ đề xuất cấp độ của "
              "hệ thống thông tin {{ system.name }}. Đề nghị cơ quan {{ doc.requester.name }} xem "
              "xét báo cáo cấp có thẩm quyền điều chỉnh (nếu yêu cầu điều chỉnh) hoặc trình cơ quan "
              "có thẩm quyền phê duyệt (nếu chấp thuận đề xuất của cơ quan trình).", indent=10)
    closing(doc)
    return save_in(doc, OUT, "form-04")


def build_form_05():
    doc = new_document()
    form_letterhead(doc)
    title(doc, "TỜ TRÌNH", "Về việc phê duyệt đề xuất cấp độ")
    para(doc, "Kính gửi: {{ doc.recipient }}.", align=CENTER, before=6)
    bases(doc, [("Căn cứ ý kiến thẩm định của {{ appraiser.name }}{% if dossier.appraised_on %} "
                "ngày {{ dossier.appraised_on }}{% endif %};")])
    para(doc, "{{ doc.sender.name }} trình phê duyệt hồ sơ đề xuất cấp độ với các nội dung sau:",
         indent=10)
    general_info(doc)
    attached(doc, opinion="đối với hệ thống thông tin đề xuất cấp độ 4 hoặc cấp độ 5",
             appraisal=True)
    para(doc, "{{ doc.sender.name }} trình {{ doc.recipient }} xem xét, quyết định phê duyệt đề "
              "xuất cấp độ của hệ thống thông tin {{ system.name }}.", indent=10, before=4)
    closing(doc)
    return save_in(doc, OUT, "form-05")


def build_form_06():
    doc = new_document()
    form_letterhead(doc)
    title(doc, "QUYẾT ĐỊNH", "Về việc phê duyệt cấp độ hệ thống thông tin", "{{ doc.authority }}")
    para(doc, "")
    bases(doc, ["Xét đề nghị của {{ operator.name }}."])
    para(doc, "QUYẾT ĐỊNH:", bold=True, align=CENTER, before=6)
    standard = ("là phù hợp với tiêu chuẩn quốc gia {{ checklist.standard_code }} về bảo đảm an ninh "
                "mạng theo cấp độ.")
    lines = [
        ("Điều 1. Phê duyệt cấp độ hệ thống thông tin đối với {{ system.name }} cụ thể như sau:",
         True),
        ("1. Thông tin chung", False),
        ("a) Tên hệ thống thông tin: {{ system.name }}", False),
        ("b) Đơn vị vận hành hệ thống thông tin: {{ operator.name }}", False),
        ("c) Địa chỉ: {{ operator.address }}", False),
        ("2. Cấp độ hệ thống thông tin: Cấp độ {{ dossier.level }}", False),
        ("3. Phương án bảo đảm an ninh mạng:", False),
        ("a) Phương án bảo đảm an ninh mạng trong thiết kế hệ thống thông tin tương ứng với cấp "
         "độ {{ dossier.level }} " + standard, False),
        ("b) Phương án bảo đảm an ninh mạng trong quá trình vận hành hệ thống tương ứng với cấp "
         "độ {{ dossier.level }} " + standard, False),
        ("Điều 2. Tổ chức thực hiện", True),
        ("1. {{ operator.name }} chịu trách nhiệm:", False),
        (("a) Thực hiện trách nhiệm bảo đảm an ninh mạng hệ thống thông tin mình quản lý theo các "
         "quy định tại Điều 33 {{ regime.short }}."), False),
        ("b) Các nội dung khác (nếu có).", False),
        ("2. Trách nhiệm của các cơ quan liên quan khác (nếu có).", False),
        ("Điều 3. Điều khoản thi hành", True),
        (("1. {{ operator.name }} và các cơ quan liên quan khác chịu trách nhiệm thi hành Quyết "
         "định này."), False),
        (("2. {{ security_unit.name }} (đơn vị chuyên trách về an ninh mạng) chịu trách nhiệm kiểm "
         "tra, giám sát việc thực hiện Quyết định này báo cáo {{ owner.name }} theo quy định của "
         "pháp luật."), False),
    ]
    for text, bold in lines:
        para(doc, text, bold=bold, indent=10)
    closing(doc)
    return save_in(doc, OUT, "form-06")


def build_dossier():
    doc = new_document()
    letterhead(doc, [("{%p if owner.name != operator.name %}", False),
                     ("{{ owner.name_upper }}", False), ("{%p endif %}", False),
                     ("{{ operator.name_upper }}", True), ("-------", False)])
    title(doc, "HỒ SƠ ĐỀ XUẤT CẤP ĐỘ", "Hệ thống thông tin: {{ system.name }}",
          "Cấp độ đề xuất: {{ dossier.level_text }}")
    para(doc, "Phiên bản {{ dossier.version }} – lập ngày {{ generated_on }} – tình trạng: "
              "{{ dossier.state }}", italic=True, align=CENTER, size=11)
    para(doc, "Căn cứ: {{ regime.instrument }}, Điều 21 và Điều 22", italic=True, align=CENTER,
         size=11)

    para(doc, "I. THUYẾT MINH TỔNG QUAN VỀ HỆ THỐNG THÔNG TIN", bold=True, before=10)
    for number, (who, key, label) in enumerate(
            [("Chủ quản hệ thống thông tin", "owner", "Tên chủ quản hệ thống thông tin"),
             ("Đơn vị vận hành hệ thống thông tin", "operator", "Tên đơn vị vận hành")], start=1):
        para(doc, f"{number}. {who}", bold=True, before=4)
        facts(doc, [(label, f"{{{{ {key}.name }}}}"), ("Người đại diện", f"{{{{ {key}.head }}}}"),
                    ("Địa chỉ", f"{{{{ {key}.address }}}}"), ("Điện thoại", f"{{{{ {key}.phone }}}}"),
                    ("Thư điện tử", f"{{{{ {key}.email }}}}")])
    para(doc, "Đơn vị chuyên trách về an ninh mạng: {{ security_unit.name }}", before=4)
    para(doc, "3. Phạm vi, quy mô của hệ thống thông tin", bold=True, before=4)
    facts(doc, [
        ("Tên hệ thống thông tin", "{{ system.name }}"),
        ("Mô tả", "{{ system.description_lines|join(' ') or '" + DOTS + "' }}"),
        ("Loại hệ thống thông tin", "{{ system.type }}"),
        ("Loại thông tin được xử lý", "{{ system.information_classes }}"),
        ("Số chủ thể dữ liệu cá nhân cơ bản", "{{ system.subjects_basic }}"),
        ("Số chủ thể dữ liệu cá nhân nhạy cảm", "{{ system.subjects_sensitive }}"),
        ("Hình thức triển khai", ("{{ system.hosting }}{% if system.hosting_provider %} "
                                 "({{ system.hosting_provider }}){% endif %}")),
        ("Tình trạng", "{{ system.status }}"),
        ("Ngày đưa vào vận hành", "{{ system.go_live }}"),
    ])
    para(doc, "4. Thành phần của hệ thống", bold=True, before=4)
    facts(doc, [(label, f"{{{{ system.{key}|join('; ') or '{DOTS}' }}}}")
                for label, key in [("Máy chủ", "hosts"), ("Dải địa chỉ IP", "networks"),
                                   ("Tên miền", "domains")]])

    para(doc, "II. THUYẾT MINH ĐỀ XUẤT CẤP ĐỘ", bold=True, before=10)
    para(doc, "1. Căn cứ pháp lý", bold=True, before=4)
    para(doc, "{{ regime.instrument }}{% if regime.version %} (danh mục tiêu chí phiên bản "
              "{{ regime.version }}){% endif %}{% if regime.classified_on %}; xác định ngày "
              "{{ regime.classified_on }}{% endif %}{% if regime.in_investment_since %}; hệ thống "
              "đầu tư từ ngày {{ regime.in_investment_since }}{% endif %}.", indent=10)
    tag(doc, "{%p if regime.transition %}")
    para(doc, "{{ regime.transition }}.", indent=10)
    tag(doc, "{%p endif %}")
    para(doc, "2. Thông tin làm căn cứ xác định cấp độ", bold=True, before=4)
    table = grid(doc, ["Nội dung", "Thông tin"], [70, 95], size=11)
    loop_rows(table, "{%tr for item in basis %}", ["{{ item.label }}", "{{ item.value }}"])
    para(doc, "3. Danh mục hệ thống thông tin và cấp độ đề xuất", bold=True, before=4)
    table = grid(doc, ["TT", "Tên hệ thống thông tin", "Cấp độ đề xuất", "Căn cứ đề xuất"],
                 [10, 60, 30, 65])
    row(table, "1", "{{ system.name }}", "{{ dossier.level_text }}",
        "{% for item in criteria if item.deciding %}{{ item.citation }}{% if not loop.last %}; "
        "{% endif %}{% endfor %}")
    para(doc, "4. Các tiêu chí hệ thống thông tin đáp ứng", bold=True, before=4)
    table = grid(doc, ["TT", "Tiêu chí", "Cấp độ", "Căn cứ", "Ghi chú"], [10, 70, 15, 45, 25])
    loop_rows(table, "{%tr for item in criteria %}", ["{{ item.no }}", "{{ item.title }}",
              "{{ item.level }}", "{{ item.citation }}", "{{ item.mark }}"])
    para(doc, "5. Kết luận về cấp độ đề xuất", bold=True, before=4)
    para(doc, "{{ rule.conclusion }}", indent=10)
    tag(doc, "{%p if dossier.high_level %}")
    para(doc, "Đối với hệ thống thông tin đề xuất cấp độ 4 hoặc cấp độ 5, báo cáo đánh giá rủi ro "
              "an ninh mạng ở mức độ chi tiết hơn (Điều 22 khoản 5 {{ regime.short }}) được gửi "
              "kèm theo hồ sơ.", indent=10)
    tag(doc, "{%p endif %}")

    para(doc, "III. THUYẾT MINH PHƯƠNG ÁN BẢO ĐẢM AN NINH MẠNG", bold=True, before=10)
    para(doc, "Phương án bảo đảm an ninh mạng đáp ứng các yêu cầu về quản lý, kỹ thuật tương ứng "
              "với cấp độ {{ checklist.level }} theo {{ checklist.standard }} "
              "({{ checklist.citation }}). Tình trạng triển khai: {{ checklist.deployment }} – "
              "{{ checklist.counts.met }}/{{ checklist.counts.total }} yêu cầu đã đáp ứng, "
              "{{ checklist.counts.not_met }} chưa đáp ứng, {{ checklist.counts.not_applicable }} "
              "không áp dụng, {{ checklist.counts.unanswered }} chưa đánh giá.", indent=10)
    tag(doc, "{%p for group in checklist.groups %}")
    para(doc, "{{ group.no }}. {{ group.title }} ({{ group.kind }})", bold=True, before=4)
    tag(doc, "{%p for line in group.lines %}")
    para(doc, "{{ line.no }}. {{ line.title }} (mục {{ line.clause }}): {{ line.status }}"
              "{% if line.detail %}. {{ line.detail }}{% endif %}.", indent=10)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")

    para(doc, "IV. DANH MỤC TÀI LIỆU KÈM THEO", bold=True, before=10)
    table = grid(doc, ["TT", "Thành phần hồ sơ", "Tệp", "Kích thước", "SHA-256", "Ngày tải lên"],
                 [9, 45, 30, 22, 39, 20], size=9)
    loop_rows(table, "{%tr for file in attachments %}",
              ["{{ file.no }}", "{{ file.part }}", "{{ file.name }}", "{{ file.size }}",
               "{{ file.sha256 }}", "{{ file.uploaded_on }}"], mono=4)
    tag(doc, "{%p if missing_parts %}")
    para(doc, "Thành phần hồ sơ chưa đính kèm: {{ missing_parts|join('; ') }}.")
    tag(doc, "{%p endif %}")
    para(doc, "Phụ lục: Bảng kiểm tra yêu cầu an toàn theo cấp độ {{ checklist.level }}.")
    closing(doc, "ĐẠI DIỆN ĐƠN VỊ VẬN HÀNH", recipients=False, name="{{ operator.head_name }}")

    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    title(doc, "PHỤ LỤC", "BẢNG KIỂM TRA YÊU CẦU AN TOÀN THEO CẤP ĐỘ {{ checklist.level }}")
    para(doc, "(Kèm theo Hồ sơ đề xuất cấp độ hệ thống thông tin {{ system.name }}, phiên bản "
              "{{ dossier.version }})", italic=True, align=CENTER, size=11)
    table = grid(doc, ["TT", "Nhóm yêu cầu / Yêu cầu", "Mục TCVN", "Tình trạng",
                       "Phương án khắc phục, ghi chú"], [12, 68, 20, 25, 40], size=9)
    row(table, "{%tr for row in checklist.rows %}")
    row(table, "{%tr if row.group %}")
    row(table, "{{ row.no }}", "{{ row.title }}", "", "", "", bold=True)
    row(table, "{%tr else %}")
    row(table, "{{ row.no }}", "{{ row.title }}", "{{ row.clause }}", "{{ row.status }}",
        "{{ row.detail }}")
    row(table, "{%tr endif %}")
    row(table, "{%tr endfor %}")
    return save_in(doc, OUT, "dossier")


def main():
    paths = [
        build_dossier(),
        build_form("01", "V/v đề nghị thẩm định, phê duyệt hồ sơ đề xuất cấp độ",
                   "đề nghị thẩm định, phê duyệt hồ sơ đề xuất cấp độ",
                   "{{ doc.sender.name }} đề nghị {{ doc.recipient }} thẩm định và phê duyệt hồ sơ "
                   "đề xuất cấp độ của hệ thống thông tin {{ system.name }}."),
        build_form("02", "V/v đề nghị thẩm định hồ sơ đề xuất cấp độ",
                   "đề nghị thẩm định, phê duyệt hồ sơ đề xuất cấp độ",
                   "{{ doc.sender.name }} đề nghị {{ doc.recipient }} cho ý kiến thẩm định hồ sơ đề "
                   "xuất cấp độ hệ thống thông tin đối với {{ system.name }}{% if doc.national_list "
                   "%}, đồng thời đề nghị đưa hệ thống vào Danh mục hệ thống thông tin quan trọng về "
                   "an ninh quốc gia{% endif %}.",
                   opinion="(đối với hệ thống thông tin đề xuất cấp độ 4 hoặc cấp độ 5)"),
        build_form("03", "V/v cho ý kiến chuyên môn về hồ sơ đề xuất cấp độ",
                   "đề nghị {{ doc.recipient }} cho ý kiến chuyên môn về hồ sơ đề xuất cấp độ",
                   "{{ doc.sender.name }} đề nghị {{ doc.recipient }} cho ý kiến về sự phù hợp của "
                   "đề xuất cấp độ và phương án bảo đảm an ninh mạng hệ thống thông tin theo cấp độ "
                   "của hệ thống thông tin {{ system.name }}."),
        build_form_04(),
        build_form_05(),
        build_form_06(),
    ]
    for path in paths:
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
