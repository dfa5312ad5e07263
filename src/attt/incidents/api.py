"""REST API of the incidents room: cases (with clocks, serious test, timeline, tasks, indicators,
files, responders, reports, STIX), report versions (download, send), deliveries (inbox,
acknowledge). Rows come through the scoping mechanism: a recipient reaches reports and
deliveries, never the case."""

from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from attt import languages
from attt.tenancy.api import ScopedViewSetMixin
from attt.tenancy.models import Organisation

from . import clocks, delivery, documents, services, stix
from .models import Delivery, Incident, IncidentReport, IncidentTask, Tlp

CASE_INPUT = (*services.TEXT_FIELDS, *services.FLAG_FIELDS, "detected_at", "time_zone", "incident_type",
              "severity", "status", "impacts", "response_ended_at", "handling", "estimated_damage_vnd")


def clock_data(state, now):
    remaining = state.remaining(now)
    return {"id": state.rule.id, "title": languages.pick(state.rule.title), "article": state.rule.article,
            "regime": state.regime.id, "starts_at": state.starts_at, "deadline": state.deadline,
            "immediate": state.rule.immediate, "state": state.state,
            "seconds_left": int(remaining.total_seconds()) if remaining is not None else None,
            "recipients": list(state.rule.recipients), "report_kinds": list(state.rule.report_kinds),
            "sent_at": state.sent_at, "acknowledged_at": state.acknowledged_at}


class IncidentSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    systems = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = ["id", "reference", "organisation", "title", "description", "detected_at", "time_zone",
                  "reporter_name", "reporter_title", "reporter_phone", "reporter_email", "detection_method",
                  "incident_type", "severity", "status", "personal_data", "harm_national_security",
                  "serious_disruption", "beyond_capability", "complex_case", "confidential", "impacts",
                  "response_ended_at", "damage", "cause", "source_tracing", "measures", "public_statement",
                  "lessons_learned", "support_requested", "pd_categories", "pd_volume", "pd_contact",
                  "pd_consequences", "handling", "national_help_requested", "helping_organisations",
                  "estimated_damage_vnd", "from_public", "systems", "created_at", "updated_at"]
        read_only_fields = fields

    def get_systems(self, incident) -> list[int]:
        return list(incident.affected.values_list("system_id", flat=True))


class IncidentInputSerializer(serializers.Serializer):
    organisation = serializers.CharField(required=False, help_text="Organisation code (when opening a case)")
    systems = serializers.ListField(child=serializers.IntegerField(), required=False)
    title = serializers.CharField(required=False)
    detected_at = serializers.CharField(required=False, help_text="ISO 8601; without an offset it is read in time_zone")
    incident_type = serializers.CharField(required=False)


class ReportSerializer(serializers.ModelSerializer):
    incident = serializers.SlugRelatedField(slug_field="reference", read_only=True)

    class Meta:
        model = IncidentReport
        fields = ["id", "incident", "kind", "version", "language", "title", "docx_sha256", "pdf_sha256",
                  "generated_at", "content"]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    report = serializers.PrimaryKeyRelatedField(read_only=True)
    recipient = serializers.SlugRelatedField(slug_field="code", read_only=True)
    sender = serializers.SerializerMethodField()
    title = serializers.CharField(source="report.title", read_only=True)

    class Meta:
        model = Delivery
        fields = ["id", "report", "title", "sender", "recipient", "recipient_role", "emails", "status", "error",
                  "message_id", "sent_at", "acknowledged_at", "acknowledged_name", "acknowledged_via"]
        read_only_fields = fields

    def get_sender(self, row) -> str:
        return row.report.incident.organisation.code


def _case_input(data) -> dict:
    return {name: data[name] for name in CASE_INPUT if name in data}


class IncidentViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    scoped_model = Incident
    related = ("organisation",)
    serializer_class = IncidentSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        rows = super().get_queryset()
        for name in ("status", "severity", "incident_type"):
            if self.request.query_params.get(name):
                rows = rows.filter(**{name: self.request.query_params[name]})
        return rows

    @extend_schema(request=IncidentInputSerializer)
    def create(self, request, *args, **kwargs):
        organisation = Organisation.objects.filter(code=str(request.data.get("organisation", "")).upper()).first()
        incident = services.open_incident(request.user, organisation, _case_input(request.data),
                                          request.data.get("systems") or [])
        return Response(IncidentSerializer(incident).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=IncidentInputSerializer)
    def partial_update(self, request, *args, **kwargs):
        incident = services.update_incident(request.user, self.get_object(), _case_input(request.data),
                                            request.data.get("systems"))
        return Response(IncidentSerializer(incident).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @action(detail=True)
    def clocks(self, request, pk=None):
        incident, now = self.get_object(), timezone.now()
        test = services.serious_test(incident)
        return Response({"now": now, "regime_day": clocks.detected_day(incident),
                         "serious": {"result": test.result, "article": test.article,
                                     "high_level_systems": test.high_level_systems, "impacts": test.impacts,
                                     "beyond_capability": test.beyond_capability},
                         "clocks": [clock_data(state, now) for state in services.clock_states(incident, now)]})

    @action(detail=True, methods=["get", "post"])
    def timeline(self, request, pk=None):
        incident = self.get_object()
        if request.method == "POST":
            services.add_note(request.user, incident, request.data.get("text", ""),
                              request.data.get("occurred_at") or None, kind=request.data.get("kind") or "note")
        return Response([{"occurred_at": e.occurred_at, "kind": e.kind, "text": e.text,
                          "actor": e.actor.username if e.actor else None}
                         for e in incident.timeline.select_related("actor")],
                        status=status.HTTP_201_CREATED if request.method == "POST" else status.HTTP_200_OK)

    @action(detail=True, methods=["get", "post"])
    def tasks(self, request, pk=None):
        incident = self.get_object()
        if request.method == "POST":
            if request.data.get("task"):
                task = IncidentTask.objects.filter(incident=incident, pk=request.data["task"]).first()
                if task is None:
                    raise NotFound
                services.complete_task(request.user, task, done=bool(request.data.get("done", True)))
            else:
                services.add_task(request.user, incident, request.data.get("title", ""),
                                  assignee=request.data.get("assignee"), due_on=request.data.get("due_on"),
                                  kind=request.data.get("kind") or "task",
                                  owner_organisation=request.data.get("owner_organisation"))
        return Response([{"id": t.pk, "title": t.title, "kind": t.kind, "due_on": t.due_on, "done_at": t.done_at,
                          "assignee": t.assignee.username if t.assignee else None,
                          "owner_organisation": t.owner_organisation.code if t.owner_organisation else None}
                         for t in incident.tasks.select_related("assignee", "owner_organisation")])

    @action(detail=True, methods=["get", "post"])
    def indicators(self, request, pk=None):
        """POST {"indicators": [{"kind", "value", "tlp"?, "description"?}], "tlp"?}."""
        incident = self.get_object()
        result = {}
        if request.method == "POST":
            items = request.data.get("indicators")
            if not isinstance(items, list):
                raise ValidationError({"indicators": ["Give a list of {kind, value} objects."]})
            added, known = services.add_indicators(request.user, incident, items,
                                                   tlp=request.data.get("tlp") or Tlp.AMBER, source="API")
            result = {"added": added, "already_recorded": known}
        return Response({**result, "indicators": [
            {"id": i.pk, "kind": i.kind, "value": i.value, "tlp": i.tlp, "description": i.description,
             "source": i.source} for i in incident.indicators.all()]})

    @action(detail=True, methods=["get", "post"], url_path="stix")
    def stix(self, request, pk=None):
        """GET: the case as a STIX 2.1 bundle. POST (multipart "bundle" or JSON body): import its indicators."""
        incident = self.get_object()
        if request.method == "GET":
            return HttpResponse(stix.export_bundle(incident), content_type="application/stix+json;version=2.1")
        upload = request.FILES.get("bundle")
        text = upload.read() if upload is not None else request.body
        items, errors = stix.read_indicators(text)
        if not items:
            raise ValidationError({"bundle": errors or ["The bundle holds no indicator ATTT can use."]})
        added, known = services.add_indicators(request.user, incident, items, source="STIX import")
        return Response({"added": added, "already_recorded": known, "skipped": errors})

    @action(detail=True, methods=["get", "post"])
    def files(self, request, pk=None):
        incident = self.get_object()
        if request.method == "POST":
            services.add_file(request.user, incident, request.FILES.get("file"), request.data.get("description", ""))
        return Response([{"id": f.pk, "name": f.original_name, "size": f.size, "sha256": f.sha256,
                          "uploaded_at": f.uploaded_at} for f in incident.files.all()])

    @action(detail=True, methods=["get", "post"])
    def responders(self, request, pk=None):
        incident = self.get_object()
        if request.method == "POST":
            services.assign_responder(request.user, incident, request.data.get("username", ""),
                                      request.data.get("role", ""), request.data.get("provider", ""))
        return Response([{"id": r.pk, "username": r.user.username, "role": r.role,
                          "provider": r.provider.code if r.provider else None}
                         for r in incident.responders.select_related("user", "provider")])

    @action(detail=True, methods=["get", "post"])
    def reports(self, request, pk=None):
        """GET: the case's report versions. POST {"kind", "language"}: generate a new version."""
        incident = self.get_object()
        if request.method == "POST":
            report = delivery.generate_report(request.user, incident, request.data.get("kind", ""),
                                              request.data.get("language") or "vi")
            return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)
        return Response(ReportSerializer(incident.reports.all(), many=True).data)


class ReportViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    scoped_model = IncidentReport
    related = ("incident",)
    serializer_class = ReportSerializer

    # Not "format": DRF reserves that query parameter for content negotiation.
    @extend_schema(parameters=[OpenApiParameter("document", str, enum=["pdf", "docx"])])
    @action(detail=True)
    def download(self, request, pk=None):
        report = self.get_object()
        fmt = request.query_params.get("document", "pdf")
        if fmt not in ("pdf", "docx"):
            raise ValidationError({"document": ["pdf or docx"]})
        stored = report.pdf if fmt == "pdf" else report.docx
        return FileResponse(stored.open("rb"), as_attachment=True, filename=documents.filename(report.content, fmt))

    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        """POST {"recipients": ["ORG-CODE", …]}: e-mail and deliver to each organisation's inbox."""
        report = self.get_object()
        if not services.sees_case(request.user, report.incident_id):
            raise PermissionDenied
        recipients = request.data.get("recipients")
        if not isinstance(recipients, list):
            raise ValidationError({"recipients": ["Give a list of organisation codes."]})
        sent = delivery.send_report(request.user, report, recipients)
        return Response(DeliverySerializer(sent, many=True).data, status=status.HTTP_201_CREATED)


class DeliveryViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Deliveries the user can see (sent by its cases or received by its organisations)."""
    scoped_model = Delivery
    related = ("report__incident__organisation", "recipient")
    serializer_class = DeliverySerializer

    @action(detail=False)
    def inbox(self, request):
        rows = Delivery.objects.received_by(request.user).select_related(*self.related)
        if request.query_params.get("pending") == "1":
            rows = rows.filter(acknowledged_at__isnull=True)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)

    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        row = delivery.acknowledge(request.user, self.get_object())
        return Response(DeliverySerializer(row).data)
