"""REST API of the scans room: imports (upload → job to poll), findings (filters, status changes,
bulk), unmatched hosts (assign), fix deadlines, formats. Rows come through the scoping mechanism."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.reverse import reverse

from attt.inventory.models import InformationSystem
from attt.tenancy.api import ScopedViewSetMixin
from attt.tenancy.models import Organisation
from attt.tenancy.roles import Permission
from attt.tenancy.scoping import scope_for

from . import deadlines, parsers, progress, queries, services
from .models import (
    Finding,
    FindingStatus,
    ImportStatus,
    ScanImport,
    Severity,
    UnmatchedHost,
    Vulnerability,
)
from .uploads import ReportUploadHandler


class ScanImportSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    uploaded_by = serializers.StringRelatedField()
    systems = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()

    class Meta:
        model = ScanImport
        fields = ["id", "organisation", "system", "uploaded_by", "created_at", "started_at", "finished_at", "status",
                  "error", "format", "tool", "tool_version", "original_name", "size", "sha256", "scanned_on",
                  "records", "new", "unchanged", "reopened", "closed", "duplicates", "hosts", "unmatched_hosts",
                  "unmatched_records", "systems", "progress"]

    def get_systems(self, scan) -> list:
        return [{"system": row.system_id, "findings": row.findings, "new": row.new, "unchanged": row.unchanged,
                 "reopened": row.reopened, "closed": row.closed} for row in scan.per_system.all()]

    def get_progress(self, scan) -> dict | None:
        if scan.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
            return None
        return progress.read(scan.pk) or {"records": 0, "bytes": 0, "total": scan.size}


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    organisation = serializers.CharField(required=False, allow_blank=True, help_text="Organisation code.")
    system = serializers.IntegerField(required=False, allow_null=True, help_text="Information system id.")
    format = serializers.CharField(required=False, allow_blank=True, help_text="Force a format; default: detect.")


class ScanImportViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The import ledger. POST a report (multipart) to start an import: the answer (202) is the
    job; poll its URL until ``status`` is ``done`` or ``failed``."""

    scoped_model = ScanImport
    related = ("organisation", "uploaded_by")
    serializer_class = ScanImportSerializer
    parser_classes = [MultiPartParser, FormParser]

    def initialize_request(self, request, *args, **kwargs):
        request.upload_handlers = [ReportUploadHandler(request)]  # stream to disk, stop at the limit
        return super().initialize_request(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().prefetch_related("per_system")

    @extend_schema(request=ImportUploadSerializer, responses={202: ScanImportSerializer})
    def create(self, request):
        if getattr(request._request, "scan_upload_too_large", False):
            raise serializers.ValidationError({"file": [f"The report is larger than the "
                                                        f"{services.max_report_bytes() // (1024 * 1024)} MB limit."]})
        data = ImportUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        organisation = system = None
        if values.get("organisation"):
            organisation = Organisation.objects.visible_to(request.user).filter(code=values["organisation"]).first()
            if organisation is None:
                raise serializers.ValidationError({"organisation": ["Unknown organisation."]})
        if values.get("system"):
            system = InformationSystem.objects.visible_to(request.user).select_related("owner", "operator").filter(
                pk=values["system"]).first()
            if system is None:
                raise serializers.ValidationError({"system": ["Unknown information system."]})
        upload = values["file"]
        upload.seek(0)
        scan = services.create_import(request.user, source=upload, name=upload.name, organisation=organisation,
                                      system=system, requested_format=values.get("format", ""))
        services.queue(scan)
        body = ScanImportSerializer(scan).data
        body["url"] = reverse("api:scanimport-detail", args=[scan.pk], request=request)
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


class VulnerabilitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Vulnerability
        exclude = ["digest", "cve_text"]


class FindingSerializer(serializers.ModelSerializer):
    vulnerability = VulnerabilitySerializer(read_only=True)
    system_name = serializers.CharField(source="system.name", read_only=True)
    overdue = serializers.SerializerMethodField()
    status_changed_by = serializers.StringRelatedField()
    risk_approved_by = serializers.StringRelatedField()

    class Meta:
        model = Finding
        exclude = ["fingerprint"]

    def get_overdue(self, finding) -> bool:
        return finding.is_overdue(self.context["today"])


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=FindingStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    risk_expires_on = serializers.DateField(required=False, allow_null=True, default=None)


class BulkStatusSerializer(StatusChangeSerializer):
    findings = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=10000)


FILTERS = [OpenApiParameter(name, description=text) for name, text in (
    ("severity", "info | low | medium | high | critical"),
    ("status", "open (default) | fixed | accepted_risk | false_positive | all"),
    ("system", "information system id"), ("cve", "CVE id (or part)"), ("tool", "scanner family"),
    ("q", "text in title, host, component or URL"), ("overdue", "1: open findings past their deadline"),
    ("import", "findings first or last seen by this import"))]


class FindingViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    scoped_model = Finding
    related = ("system", "vulnerability", "status_changed_by", "risk_approved_by")
    serializer_class = FindingSerializer
    parser_classes = [JSONParser, FormParser]

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def get_queryset(self):
        rows = super().get_queryset()
        if self.action == "list":
            rows = queries.by_severity(queries.FindingFilters.from_query(self.request.query_params).apply(
                rows, timezone.localdate()))
        return rows

    @extend_schema(parameters=FILTERS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=StatusChangeSerializer, responses=FindingSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        finding = self.get_object()
        data = StatusChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.change_status(request.user, [finding], **data.validated_data)
        finding.refresh_from_db()
        return Response(self.get_serializer(finding).data)

    @extend_schema(request=BulkStatusSerializer,
                   responses=inline_serializer("BulkStatusResult", {"changed": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], url_path="bulk-status")
    def bulk_status(self, request):
        data = BulkStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        ids = set(values.pop("findings"))
        findings = Finding.objects.visible_to(request.user).filter(pk__in=ids)
        if findings.count() != len(ids):
            raise NotFound("Some of these findings do not exist or are not visible to you.")
        return Response({"changed": services.change_status(request.user, findings, **values)})

    @extend_schema(responses=inline_serializer("FindingSummary", {
        "open_by_severity": serializers.DictField(), "overdue": serializers.IntegerField()}))
    @action(detail=False, methods=["get"])
    def summary(self, request):
        counts = queries.summary(super().get_queryset(), timezone.localdate())
        return Response({"open_by_severity": {value: count for value, _label, count in counts["open_by_severity"]},
                         "overdue": counts["overdue"],
                         **{value: counts[value] for value in FindingStatus.values}})


class UnmatchedHostSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = UnmatchedHost
        fields = ["id", "organisation", "host_ip", "host_fqdn", "records", "last_import", "first_seen_at",
                  "last_seen_at"]


class UnmatchedHostViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    scoped_model = UnmatchedHost
    related = ("organisation",)
    serializer_class = UnmatchedHostSerializer

    @extend_schema(request=inline_serializer("AssignHost", {"system": serializers.IntegerField()}),
                   responses={204: None})
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        host = self.get_object()
        system = InformationSystem.objects.visible_to(request.user).select_related("owner", "operator").filter(
            pk=request.data.get("system") if str(request.data.get("system", "")).isdigit() else None).first()
        if system is None:
            raise serializers.ValidationError({"system": ["Unknown information system."]})
        services.assign_host(request.user, host, system)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FixDeadlineViewSet(viewsets.ViewSet):
    """The fix-deadline table as it applies inside one organisation (``?org=CODE``); PUT
    ``{"cells": {"critical": {"3": 15, …}, …}}`` to set the organisation's own cells."""

    def _organisation(self, request):
        code = request.query_params.get("org") or (request.data.get("org") if isinstance(request.data, dict) else None)
        organisation = Organisation.objects.visible_to(request.user).filter(code=code).first()
        if organisation is None:
            raise NotFound("Unknown organisation: give ?org=CODE.")
        return organisation

    @extend_schema(parameters=[OpenApiParameter("org", required=True)], responses=serializers.JSONField())
    def list(self, request):
        organisation = self._organisation(request)
        return Response(_table(organisation, request.user))

    @extend_schema(parameters=[OpenApiParameter("org", required=True)], request=serializers.JSONField(),
                   responses=serializers.JSONField())
    @action(detail=False, methods=["put"], url_path="table")
    def table(self, request):
        organisation = self._organisation(request)
        cells = request.data.get("cells")
        if not isinstance(cells, dict):
            raise serializers.ValidationError({"cells": ["Give {severity: {level: days or null}}."]})
        parsed = {}
        try:
            for severity, row in cells.items():
                for level, days in (row or {}).items():
                    if days is not None and (not isinstance(days, int) or isinstance(days, bool)):
                        raise ValidationError({f"{severity}_{level}": "Days must be a whole number or null."})
                    parsed[(severity, int(level))] = days
        except (AttributeError, ValueError):
            raise serializers.ValidationError({"cells": ["Give {severity: {level: days or null}}."]}) from None
        services.set_fix_deadlines(request.user, organisation, parsed)
        return Response(_table(organisation, request.user))


def _table(organisation, user):
    table = deadlines.table_for(organisation)
    return {"organisation": organisation.code,
            "cells": {severity: {str(level): table[(severity, level)][0] for level in deadlines.LEVELS}
                      for severity in Severity.values},
            "inherited_from": {severity: {str(level): (table[(severity, level)][1].code
                                                       if table[(severity, level)][1] else "default")
                                          for level in deadlines.LEVELS} for severity in Severity.values},
            "can_edit": scope_for(user).can(Permission.MANAGE_FIX_POLICY, organisation)}


class FormatViewSet(viewsets.ViewSet):
    """The report formats ATTT reads, in detection order."""

    @extend_schema(responses=serializers.JSONField())
    def list(self, request):
        return Response([{"name": m.NAME, "tool": m.TOOL, "label": m.LABEL} for m in parsers.formats()])


