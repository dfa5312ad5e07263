"""Screen labels of the report figures (translated UI text; the documents carry their own literal
legal labels in document_labels.py) and the tables the report page shows, each figure with its
address for the records page."""

from django.utils.translation import gettext_lazy as _

from attt.incidents.models import IncidentType

from .figures import FORM05_FIGURES
from .models import Timeliness

FIGURE_LABELS = {
    "systems": _("Information systems"),
    "classified": _("Level determined"),
    "drafted": _("Level dossier drafted"),
    "appraised": _("Dossier appraised"),
    "approved": _("Level approved"),
    "approved_assessed": _("Approved and periodically assessed"),
    "count": _("Incidents"),
    "self_handled": _("Handled alone"),
    "domestic_help": _("With domestic help"),
    "foreign_help": _("With foreign help"),
    "national_help_requested": _("National help requested"),
    "estimated_damage_vnd": _("Estimated damage (VND)"),
    "incidents": _("Incidents in the period"),
    "open_incidents": _("Incidents open at the end of the period"),
    "overdue_clocks": _("Incidents with an overdue reporting clock"),
    "overdue_duties": _("Legal duties overdue"),
    "open_findings_critical": _("Open critical findings"),
    "open_findings_high": _("Open high findings"),
    "open_findings_medium": _("Open medium findings"),
    "open_findings_low": _("Open low findings"),
    "open_findings_info": _("Open informational findings"),
}
APPROVAL_LABELS = {"drafting": _("Drafting"), "submitted": _("Sent for appraisal"), "appraised": _("Appraised"),
                   "approved": _("Approved"), "": "—"}
DEPLOYMENT_LABELS = {"full": _("Fully deployed"), "partial": _("Partly deployed"), "none": _("Not deployed"),
                     "": "—"}


def _cells(values: dict, address, keys):
    return [{"key": key, "value": values.get(key, 0), "figure": address(key)} for key in keys]


def figure_rows(snapshot: dict) -> list[dict]:
    """Sections of the report page: {title, columns, rows: [{label, cells: [{value, figure}]}]}."""
    found = []
    annual = snapshot.get("annual")
    if annual and "totals" in annual:
        keys = list(annual["totals"])
        found.append({"id": "annual", "title": _("Systems and security levels (Form 08 totals)"),
                      "columns": [FIGURE_LABELS[k] for k in keys],
                      "rows": [{"label": _("Total"), "cells": _cells(annual["totals"], lambda k: f"annual:{k}", keys)}],
                      "systems": [{**row, "approval_label": APPROVAL_LABELS.get(row["approval_status"], ""),
                                   "deployment_label": DEPLOYMENT_LABELS.get(row["deployment"], "")}
                                  for row in annual.get("rows", [])]})
    form05 = snapshot.get("form05")
    if form05 and "rows" in form05:
        keys = list(FORM05_FIGURES)
        rows = [{"label": IncidentType(row["type"]).label,
                 "cells": _cells(row, lambda k, t=row["type"]: f"form05:{t}:{k}", keys)} for row in form05["rows"]]
        rows.append({"label": _("Total"), "total": True,
                     "cells": _cells(form05["totals"], lambda k: f"form05:totals:{k}", keys)})
        found.append({"id": "form05", "title": _("Incidents by type (Form 05)"),
                      "columns": [FIGURE_LABELS[k] for k in keys], "rows": rows,
                      "helpers": form05.get("domestic_helpers", []) + form05.get("foreign_helpers", [])})
    quarterly = snapshot.get("quarterly")
    if quarterly:
        rows = [{"label": FIGURE_LABELS.get(k, k), "cells": [{"key": k, "value": v, "figure": f"quarterly:{k}"}]}
                for k, v in quarterly["kpis"].items()]
        found.append({"id": "quarterly", "title": _("Key figures of the quarter"), "columns": [_("Count")],
                      "rows": rows})
    consolidation = snapshot.get("consolidation")
    if consolidation:
        keys = consolidation["columns"]
        rows = [{"label": f"{row['organisation']['code']} – {row['organisation']['name']}", "row": row,
                 "timeliness": Timeliness(row["timeliness"]).label if row["timeliness"] else "",
                 "cells": _cells(row["values"], lambda k, i=i: f"consolidation:{i}:{k}", keys)}
                for i, row in enumerate(consolidation["rows"])]
        found.append({"id": "consolidation", "title": _("Consolidation by organisation"),
                      "columns": [FIGURE_LABELS.get(k, k) for k in keys], "rows": rows,
                      "totals": [consolidation["totals"][k] for k in keys]})
    return found
