"""REST API of the periodic reports: list and read versions (with their frozen figures), generate,
approve, attach a signature, submit, download the documents, the records behind a figure, and the
submission status of the organisations under one. Every write goes through the services."""

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from attt.tenancy.api import ScopedViewSetMixin
from attt.tenancy.models import Organisation

from . import documents, services, sources
from . import status as submission_status
from .models import PeriodicReport, ReportKind


class PeriodicReportSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    recipient = serializers.SlugRelatedField(slug_field="code", read_only=True)
    generated_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = PeriodicReport
        fields = ["id", "organisation", "kind", "year", "number", "consolidated", "version", "language", "title",
                  "period_label", "due_on", "state", "recommendations", "snapshot_sha256", "docx_sha256",
                  "pdf_sha256", "xlsx_sha256", "generated_by", "generated_at", "approved_name", "approved_at",
                  "signature_name", "signature_sha256", "recipient", "submitted_at", "timeliness", "mail_status",
                  "mail_to", "message_id"]
        read_only_fields = fields


class PeriodicReportDetailSerializer(PeriodicReportSerializer):
    class Meta(PeriodicReportSerializer.Meta):
        fields = PeriodicReportSerializer.Meta.fields + ["snapshot"]
        read_only_fields = fields


class GenerateSerializer(serializers.Serializer):
    organisation = serializers.CharField(help_text="Organisation code")
    kind = serializers.ChoiceField(choices=ReportKind.choices)
    year = serializers.IntegerField()
    number = serializers.IntegerField(required=False, allow_null=True, help_text="Quarter 1–4 (quarterly)")
    language = serializers.ChoiceField(choices=["vi", "en"], default="vi")
    consolidated = serializers.BooleanField(default=False)
    recommendations = serializers.CharField(required=False, allow_blank=True, default="")


def _organisation(request, code):
    organisation = Organisation.objects.visible_to(request.user).filter(code=str(code or "").strip().upper()).first()
    if organisation is None:
        raise ValidationError({"organisation": [_("Unknown organisation: %(code)s.") % {"code": code or "—"}]})
    return organisation


class PeriodicReportViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                            mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Periodic reports (quarterly, Form 08 annual, Form 05). POST generates a new version from the
    records; DELETE discards a version never submitted."""

    scoped_model = PeriodicReport
    related = ("organisation", "recipient", "generated_by")
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_serializer_class(self):
        if self.action == "retrieve":
            return PeriodicReportDetailSerializer
        if self.action == "create":
            return GenerateSerializer
        return PeriodicReportSerializer

    @extend_schema(parameters=[OpenApiParameter("kind"), OpenApiParameter("state"), OpenApiParameter("year"),
                               OpenApiParameter("organisation", description="organisation code")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().order_by("-generated_at", "-pk").matching(self.request.query_params)

    @extend_schema(request=GenerateSerializer, responses={201: PeriodicReportDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = GenerateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        report = services.generate(
            request.user, _organisation(request, values["organisation"]), values["kind"], values["year"],
            values.get("number"), language=values["language"], consolidated=values["consolidated"],
            recommendations=values.get("recommendations", ""))
        return Response(PeriodicReportDetailSerializer(report).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        services.discard(request.user, self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=PeriodicReportSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return Response(PeriodicReportSerializer(services.approve(request.user, self.get_object())).data)

    @extend_schema(request={"multipart/form-data": {"type": "object", "properties": {
        "signature": {"type": "string", "format": "binary"}}}}, responses=PeriodicReportSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        report = services.attach_signature(request.user, self.get_object(), request.FILES.get("signature"))
        return Response(PeriodicReportSerializer(report).data)

    @extend_schema(request=None, responses=PeriodicReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = services.submit(request.user, self.get_object(), base_url=request.build_absolute_uri("/"))
        return Response(PeriodicReportSerializer(report).data)

    @extend_schema(parameters=[OpenApiParameter("document", enum=["pdf", "docx", "xlsx"])],
                   responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        report = self.get_object()
        fmt = request.query_params.get("document", "pdf")
        if fmt not in documents.CONTENT_TYPES:
            raise ValidationError({"document": [_("Choose pdf, docx or xlsx.")]})
        try:
            handle = getattr(report, fmt).open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(handle, as_attachment=True, filename=documents.filename(report.snapshot, fmt),
                            content_type=documents.CONTENT_TYPES[fmt])

    @extend_schema(parameters=[OpenApiParameter("figure", required=True,
                                                description="e.g. annual:approved, form05:totals:count")])
    @action(detail=True, methods=["get"])
    def sources(self, request, pk=None):
        report = self.get_object()
        try:
            found = sources.trace(report.snapshot, request.query_params.get("figure", ""))
        except KeyError:
            raise ValidationError({"figure": [_("This report has no such figure.")]}) from None
        visible = sources.records(found, found.model.objects.visible_to(request.user))
        return Response({"figure": found.figure, "record_type": found.record_type, "ids": found.ids,
                         "visible": [{"id": row.pk, "label": str(row)} for row in visible]})

    @extend_schema(parameters=[OpenApiParameter("organisation", required=True), OpenApiParameter("kind"),
                               OpenApiParameter("year"), OpenApiParameter("number")])
    @action(detail=False, methods=["get"], url_path="status")
    def submission_status(self, request):
        code = str(request.query_params.get("organisation", "")).strip().upper()
        organisation = Organisation.objects.visible_to(request.user).filter(code=code).first()
        if organisation is None:
            raise Http404  # outside the caller's scope reads as absent
        kind = request.query_params.get("kind", "quarterly")
        today = submission_status.today_in_vietnam()
        if kind not in ReportKind.values:
            raise ValidationError({"kind": [_("Unknown report: %(kind)s.") % {"kind": kind}]})
        if request.query_params.get("year"):
            period = services.parse_period(kind, request.query_params["year"], request.query_params.get("number"))
        else:
            period = submission_status.reporting_period(kind, today)
        result = submission_status.submissions(organisation, kind, period, today)
        return Response({
            "organisation": organisation.code, "kind": kind, "period": {
                "year": period.year, "number": period.number, "start": period.start, "end": period.end,
                "label_vi": period.label_vi, "label_en": period.label_en},
            "counts": result.counts,
            "rows": [{"organisation": row.organisation.code, "due": row.due, "state": row.state,
                      "report": row.report.pk if row.report else None,
                      "version": row.report.version if row.report else None} for row in result.rows]})


def register(router):
    router.register("reports", PeriodicReportViewSet, basename="periodicreport")
