from django.conf import settings
from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from attt.tenancy.api import ScopedViewSetMixin
from attt.tenancy.models import Organisation
from attt.tenancy.roles import Permission

from . import services, spreadsheet
from .downloads import EXPORT_FORMATS, export_response, template_response
from .addressing import parse_domains, parse_hosts, parse_networks
from .models import Hosting, InformationClass, InformationSystem, SystemStatus, SystemType


class HostSerializer(serializers.Serializer):
    hostname = serializers.CharField(allow_blank=True, required=False, default="")
    ip_address = serializers.IPAddressField(allow_null=True, required=False, default=None)


class InformationSystemSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.none())
    operator = serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.none(), required=False)
    security_unit = serializers.SlugRelatedField(
        slug_field="code", queryset=Organisation.objects.none(), required=False, allow_null=True
    )
    system_type = serializers.ChoiceField(choices=SystemType.choices)
    hosting = serializers.ChoiceField(choices=Hosting.choices)
    status = serializers.ChoiceField(choices=SystemStatus.choices, required=False, default=SystemStatus.OPERATING)
    information_classes = serializers.ListField(
        child=serializers.ChoiceField(choices=InformationClass.choices), required=False, default=list
    )
    hosts = HostSerializer(many=True, required=False, default=list, write_only=True)
    # Written as lists; read back from the related rows in to_representation.
    networks = serializers.ListField(child=serializers.CharField(), required=False, default=list, write_only=True,
                                     help_text="IP ranges in CIDR notation, IPv4 or IPv6")
    domains = serializers.ListField(child=serializers.CharField(), required=False, default=list, write_only=True)

    class Meta:
        model = InformationSystem
        fields = [
            "id", "owner", "operator", "security_unit", "name", "description", "system_type", "information_classes",
            "data_subjects_basic", "data_subjects_sensitive", "hosting", "hosting_provider", "status", "go_live_date",
            "hosts", "networks", "domains", "created_at", "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            visible = Organisation.objects.visible_to(request.user)
            for name in ("owner", "operator", "security_unit"):
                self.fields[name].queryset = visible

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["hosts"] = [{"hostname": h.hostname, "ip_address": h.ip_address} for h in instance.hosts.all()]
        data["networks"] = [n.cidr for n in instance.networks.all()]
        data["domains"] = [d.domain for d in instance.domains.all()]
        return data

    def _parts(self, name, parser, values):
        try:
            return parser(values)
        except ValidationError as exc:
            raise serializers.ValidationError({name: exc.messages})

    def to_input(self, instance=None) -> services.SystemInput:
        data = dict(self.validated_data)
        if instance is not None:  # PATCH: untouched fields keep their stored value
            current = self.to_representation(instance)
            for name in services.CORE_FIELDS:
                data.setdefault(name, getattr(instance, name))
            data.setdefault("hosts", current["hosts"])
            data.setdefault("networks", current["networks"])
            data.setdefault("domains", current["domains"])
        hosts = [" ".join(p for p in (h.get("hostname") or "", h.get("ip_address") or "") if p) for h in data.get("hosts", [])]
        return services.SystemInput(
            owner=data["owner"], operator=data.get("operator") or data["owner"],
            security_unit=data.get("security_unit"), name=data["name"], description=data.get("description", ""),
            system_type=data["system_type"], hosting=data["hosting"], status=data.get("status", SystemStatus.OPERATING),
            information_classes=list(data.get("information_classes", [])),
            data_subjects_basic=data.get("data_subjects_basic", 0), data_subjects_sensitive=data.get("data_subjects_sensitive", 0),
            hosting_provider=data.get("hosting_provider", ""), go_live_date=data.get("go_live_date"),
            hosts=self._parts("hosts", parse_hosts, [h for h in hosts if h]),
            networks=self._parts("networks", parse_networks, data.get("networks", [])),
            domains=self._parts("domains", parse_domains, data.get("domains", [])),
        )


IMPORT_RESULT = inline_serializer("SystemImportResult", {
    "created": serializers.IntegerField(), "updated": serializers.IntegerField(),
})


class InformationSystemViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """Information systems visible to the caller (owner's or operator's subtree)."""

    scoped_model = InformationSystem
    related = ("owner", "operator", "security_unit")
    serializer_class = InformationSystemSerializer

    def get_queryset(self):
        queryset = super().get_queryset().prefetch_related("hosts", "networks", "domains")
        params = self.request.query_params
        if params.get("q"):
            queryset = queryset.filter(name__icontains=params["q"])
        for key, field in (("status", "status"), ("type", "system_type"), ("owner", "owner__code")):
            if params.get(key):
                queryset = queryset.filter(**{field: params[key]})
        return queryset

    @extend_schema(parameters=[
        OpenApiParameter("q", str, description="name contains"), OpenApiParameter("status", str),
        OpenApiParameter("type", str), OpenApiParameter("owner", str, description="owner organisation code"),
    ])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = services.save_system(self.request.user, serializer.to_input())

    def perform_update(self, serializer):
        serializer.instance = services.save_system(
            self.request.user, serializer.to_input(serializer.instance), serializer.instance
        )

    def perform_destroy(self, instance):
        services.delete_system(self.request.user, instance)

    @extend_schema(
        request={"multipart/form-data": inline_serializer("SystemImportUpload", {
            "file": serializers.FileField(), "organisation": serializers.CharField(required=False),
        })},
        responses={201: IMPORT_RESULT, 400: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["post"], parser_classes=[MultiPartParser, FormParser], url_path="import")
    def import_file(self, request):
        """All-or-nothing import of an XLSX or CSV file; a bad file returns every problem with row and column."""
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"file": ["No file was submitted."]}, status=status.HTTP_400_BAD_REQUEST)
        if upload.size > settings.ATTT_IMPORT_MAX_BYTES:
            return Response({"file": ["The file is too large."]}, status=status.HTTP_400_BAD_REQUEST)
        default_org = None
        code = request.data.get("organisation")
        if code:
            default_org = Organisation.objects.visible_to(request.user, Permission.EDIT_INVENTORY).filter(code=code.upper()).first()
            if default_org is None:
                return Response({"organisation": [f"Unknown organisation code “{code}”."]}, status=status.HTTP_400_BAD_REQUEST)
        try:
            result = spreadsheet.import_systems(request.user, upload.name, upload.read(), default_org)
        except spreadsheet.SpreadsheetRejected as exc:
            return Response({"problems": [p.as_dict() for p in exc.problems]}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"created": result.created, "updated": result.updated}, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[OpenApiParameter("file_format", str, enum=[*EXPORT_FORMATS])],
                   responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"], url_path="export")
    def export(self, request):
        fmt = request.query_params.get("file_format", "xlsx")
        if fmt not in EXPORT_FORMATS:
            return Response({"file_format": ["Use xlsx or csv."]}, status=status.HTTP_400_BAD_REQUEST)
        return export_response(self.get_queryset(), fmt)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"], url_path="template")
    def template(self, request):
        return template_response(request.user)
