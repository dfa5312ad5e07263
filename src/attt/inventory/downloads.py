"""File responses shared by the web views and the API."""

from django.http import HttpResponse
from django.utils import timezone

from attt import languages

from . import spreadsheet

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_FORMATS = ("xlsx", "csv")


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_response(systems, fmt: str) -> HttpResponse:
    language = languages.active()
    rows = spreadsheet.export_queryset(systems)
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "csv":
        return download(spreadsheet.write_csv(rows, language), f"attt-systems-{stamp}.csv", "text/csv; charset=utf-8")
    return download(spreadsheet.write_xlsx(rows, language), f"attt-systems-{stamp}.xlsx", XLSX_TYPE)


def template_response(user) -> HttpResponse:
    """The import template, its example row owned by an organisation the user may record systems for."""
    from attt.tenancy.models import Organisation
    from attt.tenancy.roles import Permission

    owner = Organisation.objects.visible_to(user, Permission.EDIT_INVENTORY).first()
    content = spreadsheet.template_xlsx(owner.code if owner else "BO-XYZ")
    return download(content, "attt-mau-nhap-httt.xlsx", XLSX_TYPE)
