"""The reports made from an incident case, as HTML (preview), PDF and DOCX.

``snapshot`` reads the case and returns everything a report states as plain data (strings, lists,
dicts): the frame (organisation, national motto, title, article, signer) and numbered sections of
``[label, value]`` fields with an optional table. The renderers work from that dict only, so a
report stored as a version (``IncidentReport.content``) re-renders identically later. Mandatory
fields of the form (regulations.md §5) that the case leaves empty are shown dotted and listed in
``missing``. The wording is in ``document_labels``. No HTTP here.
"""

import datetime
import io
import re
import unicodedata
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation

from attt.levels.checklist import checklist_level

from .catalogue import impact_choices
from .document_labels import DETECTION_METHODS, KINDS, LABELS, WORDS
from .models import DEFAULT_TIME_ZONE, Delivery, IncidentStatus, TaskKind

LANGUAGES = ("vi", "en")
DOTS = "…………"
HTML_TEMPLATE = "incidents/documents/report.html"
CONTENT_TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "pdf": "application/pdf", "html": "text/html; charset=utf-8"}
HANDLED = (IncidentStatus.RECOVERED, IncidentStatus.CLOSED)
LEGACY = ("notification", "form03", "progress")
D331 = ("d331_initial", "d331_report", "d331_update")
# The earlier reports a report lists (besides its own earlier versions; other kinds list every
# report of the case) and which of them counts as "the initial report".
EARLIER = {"progress": LEGACY, "form04": LEGACY, "d331_report": D331, "d331_update": D331, "d331_closing": D331}
INITIAL = {"progress": ("form03", "notification"), "form04": ("form03", "notification"),
           "d331_update": ("d331_initial", "d331_report"), "d331_closing": ("d331_initial", "d331_report")}


# --- public API ------------------------------------------------------------------------------

def kind_choices(language="vi") -> list[tuple[str, str]]:
    language = language if language in LANGUAGES else "vi"
    return [(kind, spec[language]) for kind, spec in KINDS.items()]


def snapshot(incident, kind: str, language: str = "vi", *, version: int = 1, now=None) -> dict:
    """Everything report ``kind`` of ``incident`` shows, as JSON-serialisable plain data."""
    if kind not in KINDS:
        raise ValueError(f"unknown report kind: {kind!r}")
    if language not in LANGUAGES:
        raise ValueError(f"unknown language: {language!r}")
    now = now or timezone.now()
    with translation.override(language):
        facts = _facts(incident, kind, language, version)
    zone, org = facts["zone"], facts["org"]
    facts["generated"] = _time(now, zone)
    doc = _Builder(language)
    BUILDERS[kind](doc, facts)
    day = now.astimezone(zone) if timezone.is_aware(now) else now
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return {
        "kind": kind, "language": language, "title": KINDS[kind][language],
        "article": KINDS[kind]["article"], "subject_prefix": KINDS[kind]["subject_prefix"],
        "version": version, "reference": incident.reference, "organisation": org,
        "generated_at": facts["generated"],
        "header": {"nation": doc.label("nation"), "motto": doc.label("motto"),
                   "reference": f"{doc.label('reference')}: {incident.reference}",
                   "version": f"{doc.label('version')}: {version}",
                   "under": f"{doc.label('under')}: {KINDS[kind]['article']}",
                   "date_line": doc.word("date_line").format(day=f"{day.day:02d}", month=month,
                                                             year=day.year)},
        "signature": {"title": doc.label("signature_title"), "note": doc.label("signature_note"),
                      "name": org["head_name"]},
        "sections": doc.sections, "missing": doc.missing,
    }


def render_html(content: dict) -> str:
    return render_to_string(HTML_TEMPLATE, {"c": content})


def render_pdf(content: dict) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(content)).write_pdf()


def render_docx(content: dict) -> bytes:
    return _Docx(content).render()


def filename(content: dict, fmt: str) -> str:
    """``SC-2026-0001-form03-v2.pdf``: ASCII letters, digits, dots and dashes only."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"unknown format: {fmt!r}")
    stem = f"{content['reference']}-{content['kind']}-v{content['version']}"
    stem = unicodedata.normalize("NFKD", stem.replace("đ", "d").replace("Đ", "D"))
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem.encode("ascii", "ignore").decode()).strip("-.")
    return f"{stem or 'report'}.{fmt}"


# --- reading the case ------------------------------------------------------------------------

def _zone(name):
    try:
        return ZoneInfo(name or DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


def _time(value, zone):
    """"23/11/2026 08:30 (UTC+07:00)" in the case's time zone."""
    if value is None:
        return ""
    local = value.astimezone(zone) if timezone.is_aware(value) else value.replace(tzinfo=zone)
    minutes = int(local.utcoffset().total_seconds() // 60)
    sign, minutes = ("+" if minutes >= 0 else "-"), abs(minutes)
    return f"{local:%d/%m/%Y %H:%M} (UTC{sign}{minutes // 60:02d}:{minutes % 60:02d})"


def _date(value):
    return value.strftime("%d/%m/%Y") if isinstance(value, datetime.date) else ""


def _join(values, sep="; "):
    return sep.join(dict.fromkeys(v for v in values if v))


def _organisation(org, language):
    if org is None:
        return {"name": "", "name_upper": "", "address": "", "phone": "", "email": "", "head_name": ""}
    name = (org.name_en or org.name_vi) if language == "en" else org.name_vi
    return {"name": name, "name_upper": name.upper(), "address": org.address, "phone": org.phone,
            "email": org.email, "head_name": org.head_name}


def _word(key, language):
    return WORDS[key][0 if language == "vi" else 1]


def _systems(incident, language):
    rows = incident.affected.select_related("system__owner", "system__operator").prefetch_related(
        "system__hosts", "system__domains").order_by("id")
    systems = []
    for row in rows:
        system = row.system
        level, status = checklist_level(system)
        level_text = f"{_word('level', language).format(level=level)} ({_word(status, language)})" if level else ""
        hosts = list(system.hosts.all())
        systems.append({
            "name": system.name, "level": level_text,
            "owner": _organisation(system.owner, language)["name"],
            "operator": _organisation(system.operator, language)["name"],
            "ips": [str(h.ip_address) for h in hosts if h.ip_address],
            "hosts": [str(h) for h in hosts],
            "domains": [d.domain for d in system.domains.all()],
            "provider": system.hosting_provider, "purpose": system.description,
        })
    return systems


def _earlier(incident, kind, version, language, zone):
    """The case's reports made before this one (oldest first) with their deliveries."""
    reports = (incident.reports.exclude(kind=kind, version__gte=version).order_by("generated_at", "id")
               .prefetch_related(Prefetch("deliveries", queryset=Delivery.objects.select_related("recipient")
                                          .order_by("sent_at", "id"))))
    if kind in EARLIER:
        reports = reports.filter(kind__in=(*EARLIER[kind], kind))
    earlier = []
    for report in reports:
        title = KINDS.get(report.kind, {}).get(language, report.kind)
        sent = [(_organisation(d.recipient, language)["name"], _time(d.sent_at, zone))
                for d in report.deliveries.all()]
        earlier.append({"kind": report.kind, "title": title, "version": report.version,
                        "date": _time(report.generated_at, zone), "sent": sent,
                        "line": f"{incident.reference} – {title} ({LABELS['version'][language == 'en'].lower()} "
                                f"{report.version}), {_time(report.generated_at, zone)}"})
    return earlier


def _facts(incident, kind, language, version):
    zone = _zone(incident.time_zone)
    titles = dict(impact_choices())
    impacts = [titles[i].get(language, titles[i]["vi"]) if i in titles else i for i in incident.impacts or []]
    earlier = _earlier(incident, kind, version, language, zone)
    wanted = INITIAL.get(kind, ())
    initial = next((r for k in wanted for r in earlier if r["kind"] == k), None)
    responders = incident.responders.select_related("provider", "user").all()
    helpers = [_join([_organisation(r.provider, language)["name"], r.role], " – ")
               for r in responders if r.provider_id and r.provider_id != incident.organisation_id]
    return {
        "incident": incident, "zone": zone, "language": language,
        "org": _organisation(incident.organisation, language),
        "contact": {"name": incident.reporter_name, "title": incident.reporter_title,
                    "phone": incident.reporter_phone, "email": incident.reporter_email},
        "systems": _systems(incident, language),
        "type": incident.get_incident_type_display() if incident.incident_type else "",
        "severity": incident.get_severity_display() if incident.severity else "",
        "status": incident.get_status_display() if incident.status else "",
        "handled": _word("handled" if incident.status in HANDLED else "not_handled", language),
        "detected": _time(incident.detected_at, zone), "ended": _time(incident.response_ended_at, zone),
        "method": (DETECTION_METHODS.get(incident.detection_method, (incident.detection_method,) * 2)
                   [0 if language == "vi" else 1] if incident.detection_method else ""),
        "impacts": _join(impacts, "\n"), "scope": _join([incident.damage, *impacts], "\n"),
        "nature": _join([_word(flag, language) for flag in
                         ("harm_national_security", "serious_disruption", "beyond_capability")
                         if getattr(incident, flag)], "\n"),
        "helpers": _join(helpers),
        "earlier": earlier, "initial": initial,
        "notified": _join(f"{name} ({when})" for r in earlier for name, when in r["sent"]),
        "indicators": [[i.get_kind_display(), i.value, i.get_tlp_display(), i.description]
                       for i in incident.indicators.all()],
        "files": [[f.original_name, f"{f.size:,}".replace(",", "."), f.sha256] for f in incident.files.all()],
        "tasks": [[t.title, _join([t.assignee and (t.assignee.get_full_name() or t.assignee.get_username()),
                                   t.owner_organisation and _organisation(t.owner_organisation, language)["name"]]),
                   _date(t.due_on), _time(t.done_at, zone), t.kind]
                  for t in incident.tasks.select_related("assignee", "owner_organisation")],
        "timeline": [[_time(e.occurred_at, zone), e.text] for e in incident.timeline.all()],
    }


# --- building the sections -------------------------------------------------------------------

class _Builder:
    def __init__(self, language):
        self.index = 0 if language == "vi" else 1
        self.sections, self.missing = [], []

    def label(self, key):
        return LABELS[key][self.index]

    def word(self, key):
        return WORDS[key][self.index]

    def section(self, heading, *fields, table=None):
        """fields: (label key, value) or (label key, value, mandatory)."""
        rows = []
        for key, value, *required in fields:
            label = self.label(key)
            text = value.strip() if isinstance(value, str) else ("" if value is None else str(value))
            if not text:
                if required and required[0]:
                    self.missing.append(label)
                text = DOTS
            rows.append([label, text])
        number = len(self.sections) + 1
        self.sections.append({"heading": f"{number}. {self.label(heading)}", "fields": rows, "table": table})

    def table(self, columns, rows):
        if not rows:
            return None
        return {"columns": [self.label(c) for c in ("col_no", *columns)],
                "rows": [[str(n), *(str(v or "") for v in row)] for n, row in enumerate(rows, start=1)]}

    def listed(self, key, rows):
        """A field that says "none" when a table would be empty, or counts the table's rows."""
        return (key, str(len(rows)) if rows else self.word("none"))


def _reporter(doc, f, *, heading="sec_reporter", name="org_name", full=False, contact=True, title=False):
    org, person = f["org"], f["contact"]
    fields = [(name, org["name"], True), ("org_address", org["address"], True),
              ("org_phone", org["phone"], full), ("org_email", org["email"], full)]
    if contact:
        fields += [("contact_name", person["name"], True)]
        fields += [("contact_title", person["title"], full)] if full or title else []
        fields += [("contact_phone", person["phone"], full or title), ("contact_email", person["email"], full)]
    doc.section(heading, *fields)


def _system_fields(f, required=True, level=True, providers=False, addresses=False):
    systems = f["systems"]
    one = len(systems) == 1
    fields = [("system_name", _join(s["name"] for s in systems), required),
              ("operator", _join(s["operator"] for s in systems), required),
              ("owner", _join(s["owner"] for s in systems))]
    if level:
        fields.append(("system_level", _join(s["level"] if one else f"{s['name']}: {s['level'] or DOTS}"
                                             for s in systems)))
    if addresses:
        fields.append(("addresses", _join([*(d for s in systems for d in s["domains"]),
                                           *(h for s in systems for h in s["hosts"])]), True))
    if providers:
        fields += [("security_provider", f["helpers"]),
                   ("connectivity_provider", _join(s["provider"] for s in systems))]
    return fields


def _systems_section(doc, f, **options):
    doc.section("sec_systems", *_system_fields(f, **options))
    if len(f["systems"]) > 1:
        doc.section("sec_systems_table", table=doc.table(
            ("col_system", "col_level", "col_owner", "col_operator", "col_ips", "col_domains"),
            [[s["name"], s["level"], s["owner"], s["operator"], ", ".join(s["ips"]), ", ".join(s["domains"])]
             for s in f["systems"]]))


def _previous(doc, f, initial_required=False):
    earlier = f["earlier"]
    fields = []
    if f["initial"] is not None or initial_required:
        fields.append(("initial_report", f["initial"] and f["initial"]["line"], initial_required))
    fields.append(doc.listed("previous", earlier))
    doc.section("sec_reference", *fields, table=doc.table(
        ("col_report", "col_version", "col_generated", "col_sent"),
        [[r["title"], r["version"], r["date"], _join((f"{name} ({when})" for name, when in r["sent"]), "\n")]
         for r in earlier]))


def _indicators(doc, f):
    if f["indicators"]:
        doc.section("sec_indicators", table=doc.table(("col_kind", "col_value", "col_tlp", "col_description"),
                                                      f["indicators"]))


def _files(doc, f, *extra):
    doc.section("sec_attachments", doc.listed("attached_files", f["files"]), *extra,
                table=doc.table(("col_file", "col_size", "col_sha256"), f["files"]))


def _timeline(doc, f, heading, *fields):
    doc.section(heading, *fields, table=doc.table(("col_time", "col_event"), f["timeline"]))


def _tasks(doc, f, heading, kind):
    rows = [row[:4] for row in f["tasks"] if row[4] == kind]
    if rows:
        doc.section(heading, table=doc.table(("col_task", "col_assignee", "col_due", "col_done"), rows))


def _brief(doc, f, description_required=False):
    i = f["incident"]
    doc.section("sec_incident", ("incident_title", i.title, True), ("incident_type", f["type"]),
                ("description", i.description, description_required), ("detected_at", f["detected"], True))


# --- the kinds -------------------------------------------------------------------------------

def _notification(doc, f):
    """TT 20 Art 9.3.a: notifier, affected system and its addresses, operator and owner,
    description and detection time, handling result, proposals, other information."""
    i = f["incident"]
    _reporter(doc, f, heading="sec_notifier", name="notifier_name")
    _systems_section(doc, f, addresses=True)
    doc.section("sec_incident", ("incident_title", i.title, True), ("incident_type", f["type"]),
                ("severity", f["severity"]), ("description", i.description, True),
                ("detected_at", f["detected"], True))
    doc.section("sec_measures", ("handling_status", f["status"]), ("handling_result", i.measures),
                ("proposals", i.support_requested), ("damage", i.damage))


def _form03(doc, f):
    """Mẫu 03 (VNCERT portal) and QĐ 05 Art 11.4; * fields of the form are mandatory."""
    i, systems = f["incident"], f["systems"]
    _reporter(doc, f, full=True)
    _systems_section(doc, f, providers=True)
    doc.section("sec_incident", ("incident_title", i.title, True), ("description", i.description, True),
                ("incident_type", f["type"]), ("severity", f["severity"]),
                ("detected_at", f["detected"], True), ("handled", f["handled"], True),
                ("detection_method", f["method"], True),
                ("notified", f["notified"] or doc.word("not_notified"), True),
                ("damage", i.damage), ("impacts", f["impacts"]))
    doc.section("sec_system_details", ("os", ""), ("services", ""), ("controls", ""),
                ("public_ips", _join(ip for s in systems for ip in s["ips"])),
                ("domains", _join(d for s in systems for d in s["domains"])),
                ("purpose", _join((s["purpose"] for s in systems), "\n")))
    doc.section("sec_handling", ("measures", i.measures), ("helpers", f["helpers"]),
                ("initial_result", f["status"]), ("support", i.support_requested))
    _indicators(doc, f)
    _files(doc, f, ("confidential", doc.word("yes" if i.confidential else "no")),
           ("report_time", f["generated"], True))


def _progress(doc, f):
    i = f["incident"]
    _reporter(doc, f)
    _previous(doc, f)
    _systems_section(doc, f, required=False)
    _brief(doc, f)
    _timeline(doc, f, "sec_progress", ("handling_status", f["status"], True), ("measures", i.measures),
              ("damage", i.damage), ("cause", i.cause), ("source_tracing", i.source_tracing),
              ("support", i.support_requested))
    _tasks(doc, f, "sec_tasks", TaskKind.TASK)


def _form04(doc, f):
    """Mẫu 04: reporter, the initial report referred to, system, incident, handling result
    (what happened, how it was solved, proposals against recurrence), attachments."""
    i = f["incident"]
    _reporter(doc, f)
    _previous(doc, f, initial_required=True)
    _systems_section(doc, f)
    _brief(doc, f, description_required=True)
    doc.section("sec_result", ("what_happened", _join([i.cause, i.damage], "\n"), True),
                ("how_solved", i.measures, True), ("lessons", i.lessons_learned, True),
                ("ended_at", f["ended"]))
    _tasks(doc, f, "sec_follow_ups", TaskKind.FOLLOW_UP)
    progress = [r["line"] for r in f["earlier"] if r["kind"] == "progress"]
    _files(doc, f, ("progress_reports", _join(progress, "\n") or doc.word("none")))


def _d331_incident(doc, f, *extra):
    i = f["incident"]
    doc.section("sec_incident", ("incident_title", i.title, True), ("description", i.description, True),
                ("incident_type", f["type"]), ("severity", f["severity"]),
                ("detected_at", f["detected"], True), ("nature", f["nature"]), *extra)


def _d331_initial(doc, f):
    """NĐ 331 Art 31.2.d: the immediate / 24-hour notice."""
    i = f["incident"]
    _reporter(doc, f, title=True)
    _systems_section(doc, f)
    _d331_incident(doc, f, ("damage", i.damage))
    doc.section("sec_measures", ("handling_status", f["status"]), ("measures", i.measures),
                ("support", i.support_requested))


def _d331_report(doc, f):
    """NĐ 331 Art 31.2.d: the 72-hour report on cause, scope and remediation."""
    i = f["incident"]
    _reporter(doc, f, title=True)
    if f["earlier"]:
        _previous(doc, f)
    _systems_section(doc, f)
    _d331_incident(doc, f)
    doc.section("sec_cause_scope", ("cause", i.cause, True), ("scope", f["scope"], True),
                ("source_tracing", i.source_tracing))
    doc.section("sec_remediation", ("measures", i.measures, True), ("handling_status", f["status"]),
                ("support", i.support_requested))
    _indicators(doc, f)


def _d331_update(doc, f):
    i = f["incident"]
    _reporter(doc, f, title=True)
    _previous(doc, f)
    _systems_section(doc, f, required=False)
    _brief(doc, f)
    _timeline(doc, f, "sec_progress", ("handling_status", f["status"], True))
    doc.section("sec_cause_scope", ("cause", i.cause), ("scope", f["scope"]), ("source_tracing", i.source_tracing))
    doc.section("sec_remediation", ("measures", i.measures, True), ("support", i.support_requested))
    _tasks(doc, f, "sec_tasks", TaskKind.TASK)


def _d331_closing(doc, f):
    """After investigation, remediation and impact assessment (complex cases)."""
    i = f["incident"]
    _reporter(doc, f, title=True)
    _previous(doc, f, initial_required=True)
    _systems_section(doc, f)
    _brief(doc, f, description_required=True)
    doc.section("sec_investigation", ("cause", i.cause, True), ("source_tracing", i.source_tracing))
    doc.section("sec_remediation", ("measures", i.measures, True), ("ended_at", f["ended"], True))
    doc.section("sec_impact", ("scope", f["scope"], True), ("public_statement", i.public_statement))
    doc.section("sec_follow_ups", ("lessons", i.lessons_learned),
                table=doc.table(("col_task", "col_assignee", "col_due", "col_done"),
                                [row[:4] for row in f["tasks"] if row[4] == TaskKind.FOLLOW_UP]))
    _indicators(doc, f)


def _pd_breach(doc, f):
    """Mẫu số 08, NĐ 356 Art 28: nature of the breach, DPO contact, consequences, measures."""
    i, systems = f["incident"], f["systems"]
    _reporter(doc, f, heading="sec_controller", name="controller_name", contact=False)
    place = _join(f"{s['name']} ({', '.join(s['domains'])})" if s["domains"] else s["name"] for s in systems)
    parties = _join([f["org"]["name"], *(s["operator"] for s in systems), *(s["owner"] for s in systems)])
    doc.section("sec_pd_nature", ("pd_time", f["detected"], True), ("pd_place", place, True),
                ("pd_act", _join([f["type"], i.title, i.description], "\n"), True),
                ("pd_parties", parties, True), ("pd_categories", i.pd_categories, True),
                ("pd_volume", i.pd_volume, True))
    doc.section("sec_pd_contact", ("pd_contact", i.pd_contact, True),
                ("contact_name", f["contact"]["name"]), ("contact_phone", f["contact"]["phone"]),
                ("contact_email", f["contact"]["email"]))
    doc.section("sec_pd_consequences", ("pd_consequences", i.pd_consequences, True))
    doc.section("sec_pd_measures", ("pd_measures", i.measures, True))


BUILDERS = {"notification": _notification, "form03": _form03, "progress": _progress, "form04": _form04,
            "d331_initial": _d331_initial, "d331_report": _d331_report, "d331_update": _d331_update,
            "d331_closing": _d331_closing, "pd_breach": _pd_breach}


# --- DOCX ------------------------------------------------------------------------------------

class _Docx:
    """The snapshot as a Word document laid out like an administrative text (NĐ 30/2020: A4,
    margins 20/20/30/15 mm, Times New Roman 13 pt, organisation left and national motto right)."""

    FONT = "Times New Roman"
    WIDTH = 165  # mm of text between the margins

    def __init__(self, content):
        from docx import Document
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm, Pt

        self.c, self.Mm, self.Pt = content, Mm, Pt
        self.center, self.left = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(20), Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
        normal = self.doc.styles["Normal"]
        self._font(normal, 13)
        normal.paragraph_format.space_after = Pt(3)

    def _font(self, style, size):
        from docx.oxml.ns import qn

        style.font.name, style.font.size = self.FONT, self.Pt(size)
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attribute in ("w:eastAsia", "w:cs"):
            fonts.set(qn(attribute), self.FONT)

    def _write(self, paragraph, text, *, bold=False, italic=False, size=None, align=None, before=None):
        if align is not None:
            paragraph.alignment = align
        if before is not None:
            paragraph.paragraph_format.space_before = self.Pt(before)
        run = paragraph.add_run()
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = self.Pt(size)
        for number, line in enumerate(str(text).split("\n")):
            if number:
                run.add_break()
            run.add_text(line)
        return paragraph

    def _para(self, text, **options):
        return self._write(self.doc.add_paragraph(), text, **options)

    def _cell(self, cell, lines, **options):
        """Write ``lines`` [(text, options)] into a cell, the first into its existing paragraph."""
        for number, (text, extra) in enumerate(lines):
            paragraph = cell.paragraphs[0] if number == 0 else cell.add_paragraph()
            paragraph.paragraph_format.space_after = self.Pt(1)
            self._write(paragraph, text, **{**options, **extra})

    def _table(self, widths, grid=True):
        from docx.enum.table import WD_TABLE_ALIGNMENT

        table = self.doc.add_table(rows=0, cols=len(widths))
        if grid:
            table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        table._widths = widths
        return table

    def _row(self, table, values, **options):
        cells = table.add_row().cells
        for cell, width, value in zip(cells, table._widths, values, strict=False):
            cell.width = self.Mm(width)
            self._cell(cell, [(value, {})], **options)
        return cells

    def render(self) -> bytes:
        c, header = self.c, self.c["header"]
        head = self._table((70, 95), grid=False)
        left, right = head.add_row().cells
        left.width, right.width = self.Mm(70), self.Mm(95)
        self._cell(left, [(c["organisation"]["name_upper"] or DOTS, {"bold": True}), ("-------", {}),
                          (header["reference"], {"size": 12})], align=self.center, size=12)
        self._cell(right, [(header["nation"], {"bold": True, "size": 12}), (header["motto"], {"bold": True}),
                           ("---------------", {}), (header["date_line"], {"italic": True})], align=self.center)
        self._para(c["title"].upper(), bold=True, align=self.center, size=14, before=14)
        self._para(f"({header['under']})", italic=True, align=self.center, size=12)
        self._para(header["version"], align=self.center, size=12)
        for section in c["sections"]:
            self._para(section["heading"], bold=True, before=8)
            if section["fields"]:
                fields = self._table((60, self.WIDTH - 60))
                for label, value in section["fields"]:
                    cells = self._row(fields, [label, value], size=11, align=self.left)
                    cells[0].paragraphs[0].runs[0].bold = True
            table = section["table"]
            if table:
                count = len(table["columns"])
                widths = (10, *([(self.WIDTH - 10) / (count - 1)] * (count - 1)))
                grid = self._table(widths)
                self._row(grid, table["columns"], size=10, bold=True, align=self.center)
                for values in table["rows"]:
                    self._row(grid, values, size=10, align=self.left)
        signature = c["signature"]
        closing = self._table((70, 95), grid=False)
        _left, right = closing.add_row().cells
        self._cell(right, [(signature["title"], {"bold": True}), (signature["note"], {"italic": True, "size": 11}),
                           ("", {}), ("", {}), ("", {}), (signature["name"], {"bold": True})], align=self.center)
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()
