"""REST API of customer warning campaigns: list, read, create, edit a draft, import the customer
list, send (or resume), pause, and the per-customer delivery record. Same services as the web."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from attt.tenancy.api import ScopedViewSetMixin
from attt.tenancy.models import Organisation

from . import audience as audience_files
from . import services_warnings as services
from .models import CampaignStatus, RecipientStatus, WarningCampaign, WarningRecipient

INPUT_FIELDS = (*services.TEXT_FIELDS, "language", "public")


class CampaignSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    counts = serializers.SerializerMethodField()
    how_to_report_text = serializers.SerializerMethodField()
    is_telecom = serializers.BooleanField(read_only=True)
    public_url = serializers.SerializerMethodField()

    class Meta:
        model = WarningCampaign
        fields = ["id", "organisation", "is_telecom", "title", "risk", "affected_services", "advice", "how_to_report",
                  "how_to_report_text", "language", "public", "public_url", "status", "created_at", "updated_at",
                  "send_started_at", "sent_at", "audience_file", "audience_rows", "audience_duplicates",
                  "audience_imported_at", "counts"]
        read_only_fields = fields

    def get_counts(self, campaign) -> dict:
        return services.counts(campaign)

    def get_how_to_report_text(self, campaign) -> str:
        return services.how_to_report(campaign)

    def get_public_url(self, campaign) -> str | None:
        if not (campaign.public and campaign.status == CampaignStatus.SENT):
            return None
        return services.public_url(campaign)


class CampaignInputSerializer(serializers.Serializer):
    organisation = serializers.CharField(required=False, help_text="Organisation code (when creating)")
    title = serializers.CharField(required=False)
    risk = serializers.CharField(required=False)
    affected_services = serializers.CharField(required=False)
    advice = serializers.CharField(required=False, help_text="What customers should do")
    how_to_report = serializers.CharField(required=False, help_text="Empty: points at /o/<code>/report/")
    language = serializers.ChoiceField(choices=["vi", "en"], required=False)
    public = serializers.BooleanField(required=False)


class RecipientSerializer(serializers.ModelSerializer):
    class Meta:
        model = WarningRecipient
        fields = ["id", "source_row", "email", "name", "phone", "customer_id", "status", "attempts",
                  "next_attempt_at", "sent_at", "message_id", "error"]
        read_only_fields = fields


def _input(data) -> dict:
    return {name: data[name] for name in INPUT_FIELDS if name in data}


class WarningCampaignViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                             mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Customer warning campaigns (Directive 18 section 5) of the organisations the caller sees."""

    scoped_model = WarningCampaign
    related = ("organisation",)
    serializer_class = CampaignSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        rows = super().get_queryset()
        if self.request.query_params.get("status") in CampaignStatus.values:
            rows = rows.filter(status=self.request.query_params["status"])
        return rows

    @extend_schema(request=CampaignInputSerializer)
    def create(self, request, *args, **kwargs):
        organisation = Organisation.objects.filter(code=str(request.data.get("organisation", "")).upper()).first()
        campaign = services.create_campaign(request.user, organisation, _input(request.data))
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CampaignInputSerializer)
    def partial_update(self, request, *args, **kwargs):
        campaign = services.update_campaign(request.user, self.get_object(), _input(request.data))
        return Response(CampaignSerializer(campaign).data)

    @extend_schema(request=CampaignInputSerializer)
    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(request=inline_serializer("AudienceUpload", {"file": serializers.FileField()}),
                   responses=CampaignSerializer)
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def audience(self, request, pk=None):
        """Replace the customer list (CSV or XLSX; all or nothing: 400 lists every bad row)."""
        campaign = self.get_object()
        upload = request.FILES.get("file")
        try:
            services.import_audience(request.user, campaign, upload, getattr(upload, "name", ""))
        except audience_files.AudienceRejected as rejected:
            return Response({"file": rejected.messages, "problems": [p.as_dict() for p in rejected.problems],
                             "total_problems": rejected.total}, status=status.HTTP_400_BAD_REQUEST)
        campaign.refresh_from_db()
        return Response(CampaignSerializer(campaign).data)

    @extend_schema(request=inline_serializer("SendWarnings", {"resend_interrupted": serializers.BooleanField(
        required=False)}), responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        """Start sending (draft), resume (paused) or restart a dead run; ``resend_interrupted`` also
        sends again to the customers whose delivery is unknown (they may receive it twice)."""
        resend = request.data.get("resend_interrupted") in (True, "true", "1", "on")
        campaign = services.start_sending(request.user, self.get_object(), resend_interrupted=resend)
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        campaign = services.pause(request.user, self.get_object())
        return Response(CampaignSerializer(campaign).data)

    @extend_schema(parameters=[OpenApiParameter("status", str, enum=RecipientStatus.values)],
                   responses=RecipientSerializer(many=True))
    @action(detail=True)
    def deliveries(self, request, pk=None):
        """The delivery record, one row per customer (paginated; filter by ``status``)."""
        rows = self.get_object().recipients.all()
        if request.query_params.get("status") in RecipientStatus.values:
            rows = rows.filter(status=request.query_params["status"])
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(RecipientSerializer(page, many=True).data)


def register(router):
    """Register this part's viewsets on the API router."""
    router.register("public/warnings", WarningCampaignViewSet, basename="warningcampaign")
