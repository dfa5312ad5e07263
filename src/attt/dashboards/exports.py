"""The dashboards' figures as files: CSV (UTF-8 with a BOM, so Excel shows Vietnamese) and XLSX.

Each page exports what it shows, built from the same objects the template reads: the dashboard
(every figure in long form — section, organisation, figure, value — plus the trend, the ranking and
the report status as their own sheets), the ranking, and the overdue duties.
"""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from attt import languages
from attt.inventory.downloads import XLSX_TYPE, download
from attt.inventory.spreadsheet import csv_bytes
from attt.obligations.models import DutyState
from attt.scans.models import Severity

FORMATS = ("csv", "xlsx")
FIGURE_HEADER = ("Section", "Organisation", "Figure", "Value")
STATES = ("on_time", "late", "missing", "not_due")


def _code(organisation):
    return organisation.code if organisation is not None else _("All I can see")


def series_labels():
    return {"incidents": _("Incidents detected"), "findings_opened": _("Findings first seen"),
            "findings_fixed": _("Findings fixed"), "evidence": _("Evidence recorded")}


def state_labels():
    return {"on_time": _("On time"), "late": _("Late"), "missing": _("Missing"), "not_due": _("Not due yet")}


def counts_figures(counts):
    """(figure, value) pairs of one set of counters, in the order the page shows them."""
    figures = [(_("Systems in investment or operating"), counts.systems),
               (_("Systems with an approved, current level"), counts.approved),
               (_("Systems without one"), counts.missing),
               (_("Share with an approved level (%)"), counts.approved_share),
               (_("Applicable duties"), counts.duties_total)]
    figures += [(_("Duties: %(state)s") % {"state": label}, counts.duties.get(value, 0))
                for value, label in DutyState.choices if value != DutyState.NOT_APPLICABLE]
    figures += [(_("Share of duties met (%)"), counts.duties_met_share),
                (_("Share of duties overdue (%)"), counts.duties_overdue_share)]
    for value, label in reversed(Severity.choices):
        figures.append((_("Open findings: %(severity)s") % {"severity": label}, counts.findings_open.get(value, 0)))
        figures.append((_("Overdue findings: %(severity)s") % {"severity": label},
                        counts.findings_overdue.get(value, 0)))
    figures += [(_("Open incident cases"), counts.incidents_open),
                (_("Reporting clocks overdue"), counts.clocks_overdue),
                (_("Reporting clocks running"), counts.clocks_running),
                (_("Reporting clocks met late"), counts.clocks.get("sent_late", 0)),
                (_("Reporting clocks met"), counts.clocks.get("sent", 0) + counts.clocks.get("acknowledged", 0)),
                (_("Organisations meeting the team duty"), counts.team_met),
                (_("Organisations with the team duty"), counts.team_total)]
    return figures


def score_figures(score):
    figures = [(_("Compliance score (formula %(id)s)") % {"id": score.formula.id}, score.value)]
    weight = _("weight")  # outside the f-string, where makemessages finds it
    for part in score.parts:
        title = languages.pick(part.component.title)
        figures.append((f"{title} (%) — {weight} {part.component.weight}", part.percent))
    return figures


def dashboard_figures(dash) -> list[list]:
    code = _code(dash.root)
    rows = [[_("Scope"), code, _("Organisations in scope"), dash.organisation_count],
            [_("Scope"), code, _("Date"), dash.today.isoformat()]]
    rows += [[_("Figures"), code, figure, value] for figure, value in counts_figures(dash.totals)]
    rows += [[_("Compliance score"), code, figure, value] for figure, value in score_figures(dash.score)]
    for _value, label, open_cases, recent in dash.incident_types:
        rows.append([_("Incidents by type"), code, _("%(type)s: open") % {"type": label}, open_cases])
        rows.append([_("Incidents by type"), code, _("%(type)s: last 12 months") % {"type": label}, recent])
    rows += [[_("Incident inbox"), code, _("Reports received"), dash.inbox["received"]],
             [_("Incident inbox"), code, _("Not yet acknowledged"), dash.inbox["pending"]]]
    summary = dash.maturity
    rows += [[_("Team maturity"), code, _("Teams"), summary.teams],
             [_("Team maturity"), code, _("Teams rated in %(year)s") % {"year": summary.year}, summary.rated],
             [_("Team maturity"), code, _("Mean score"), summary.mean]]
    rows += [[_("Team maturity"), code, languages.pick(title), number] for _id, title, number in summary.by_level]
    labels = series_labels()
    for quarter, values in dash.trend.rows():
        rows += [[_("Trend"), code, f"{labels[key]} {quarter}", value] for key, value in values.items()]
    for item in dash.reports or ():
        rows += [[_("Report submission"), code, f"{item.title} {period_label(item)}: {state_labels()[state]}",
                  item.counts.get(state, 0)] for state in STATES]
    for row in dash.rows:
        rows += [[_("Ranking"), row.organisation.code, figure, value]
                 for figure, value in [(_("Rank"), row.rank), *score_figures(row.score)[:1],
                                       *counts_figures(row.counts)]]
    return rows


def period_label(item):
    period = item.period
    return period.label_en if languages.active() == "en" else period.label_vi


def ranking_table(rows):
    header = [_("Rank"), _("Code"), _("Organisation"), _("Counted"), _("Compliance score"),
              _("Systems"), _("Approved level"), _("Approved (%)"), _("Duties"), _("Met"), _("Overdue"),
              _("Met (%)"), _("Open critical/high findings"), _("Overdue critical/high findings"),
              _("Open incident cases"), _("Clocks overdue"), _("Team duty met"), _("Team duty applies"),
              _("Team maturity (mean)")]
    body = []
    for row in rows:
        counts = row.counts
        body.append([row.rank, row.organisation.code, row.organisation.name,
                     _("own records") if not row.subtree else _("whole subtree"), row.score.value,
                     counts.systems, counts.approved, counts.approved_share, counts.duties_total, counts.duties_met,
                     counts.duties_overdue, counts.duties_met_share, counts.serious_open, counts.serious_overdue,
                     counts.incidents_open, counts.clocks_overdue, counts.team_met, counts.team_total, row.maturity])
    return header, body


def overdue_table(rows):
    header = [_("Organisation code"), _("Organisation"), _("Information system"), _("Duty"), _("Title"),
              _("Article"), _("Due date"), _("Days overdue")]
    body = []
    for row in rows:
        status = row.status
        body.append([status.organisation.code, status.organisation.name, status.system.name if status.system else "",
                     status.duty_id, row.title, row.citation,
                     status.next_due.isoformat() if status.next_due else "", row.days])
    return header, body


def trend_table(trend):
    labels = series_labels()
    keys = list(trend.series)
    return [_("Quarter"), *(labels[key] for key in keys)], [[quarter, *(values[k] for k in keys)]
                                                          for quarter, values in trend.rows()]


def reports_table(items):
    header = [_("Report"), _("Period"), _("Due"), *(state_labels()[s] for s in STATES)]
    return header, [[item.title, period_label(item), item.period.due.isoformat() if item.period.due else "",
                     *(item.counts.get(s, 0) for s in STATES)] for item in items or ()]


def _cell(value):
    return "" if value is None else value


def xlsx_bytes(sheets) -> bytes:
    """``sheets``: (title, header, rows) — one worksheet each, header in bold."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        cells = []
        for text in header:
            cell = WriteOnlyCell(sheet, value=text)
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)
        for row in rows:
            sheet.append([_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv(header, rows):
    return csv_bytes(header, ([_cell(value) for value in row] for row in rows))


def _name(kind, organisation, fmt):
    stamp = timezone.localdate().strftime("%Y%m%d")
    return f"attt-{kind}-{organisation.code.lower() if organisation else 'all'}-{stamp}.{fmt}"


def respond(fmt, kind, organisation, sheets):
    """The first sheet as CSV, or every sheet in one workbook."""
    if fmt == "csv":
        _title, header, rows = sheets[0]
        return download(_csv(header, rows), _name(kind, organisation, "csv"), "text/csv; charset=utf-8")
    return download(xlsx_bytes(sheets), _name(kind, organisation, "xlsx"), XLSX_TYPE)


def dashboard_response(dash, fmt):
    header = [_(text) for text in FIGURE_HEADER]
    sheets = [(_("Figures"), header, dashboard_figures(dash)), (_("Trend"), *trend_table(dash.trend)),
              (_("Ranking"), *ranking_table(dash.rows))]
    if dash.reports is not None:
        sheets.append((_("Report submission"), *reports_table(dash.reports)))
    return respond(fmt, "dashboard", dash.root, sheets)


def ranking_response(result, fmt):
    return respond(fmt, "ranking", result.root, [(_("Ranking"), *ranking_table(result.rows))])


def overdue_response(root, rows, fmt):
    return respond(fmt, "overdue-duties", root, [(_("Overdue duties"), *overdue_table(rows))])
