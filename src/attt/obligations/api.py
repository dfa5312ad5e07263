"""REST API of the obligations room: the duty catalogue, stored statuses (board, roll-up), a
subject's live duty list with history, evidence, events and calendar feeds. Rows come through the
scoping mechanism; services decide the rest."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from attt.inventory.models import InformationSystem
from attt.tenancy.access import get_visible_or_404
from attt.tenancy.api import ScopedViewSetMixin
from attt.tenancy.models import Organisation

from . import board, services
from .catalogue import catalogue
from .models import CalendarFeed, DutyState, DutyStatus, Evidence, SubjectEvent


def duty_data(duty):
    return {"id": duty.id, "title": duty.title, "instrument": duty.instrument.slug,
            "citation": duty.citation, "article": duty.article, "confidence": duty.confidence,
            "regime": duty.regime, "effective_from": duty.effective_from, "effective_to": duty.effective_to,
            "subject": duty.subject, "applies_to": duty.applies_to, "schedule": duty.schedule,
            "evidence_kinds": list(duty.evidence_kinds), "evidence_description": duty.evidence_description,
            "remind_days_before": duty.remind_days_before, "note": duty.note}


class DutyViewSet(viewsets.ViewSet):
    """The duty catalogue (legal rules as data), the same for everyone."""

    lookup_value_regex = r"[A-Z0-9-]+"

    @extend_schema(responses=serializers.JSONField())
    def list(self, request):
        subject = request.query_params.get("subject")
        duties = [duty for duty in catalogue().duties if not subject or duty.subject == subject]
        return Response([duty_data(duty) for duty in duties])

    @extend_schema(responses=serializers.JSONField())
    def retrieve(self, request, pk=None):
        duty = catalogue().by_id.get(pk)
        if duty is None:
            raise NotFound()
        return Response(duty_data(duty))


class DutyStatusSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    system_name = serializers.CharField(source="system.name", read_only=True, default=None)
    citation = serializers.SerializerMethodField()

    class Meta:
        model = DutyStatus
        fields = ["id", "duty_id", "organisation", "system", "system_name", "status", "next_due", "evidence",
                  "satisfied_on", "citation"]

    def get_citation(self, row):
        duty = catalogue().by_id.get(row.duty_id)
        return duty.citation if duty else None


STATUS_FILTERS = [OpenApiParameter(name, str, required=False) for name in
                  ("organisation", "system", "status", "duty", "due_before")]


class DutyStatusViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Stored statuses of applicable duties; filter with ?organisation=<code> (its subtree),
    ?system=<id>, ?status=, ?duty=, ?due_before=YYYY-MM-DD."""

    scoped_model = DutyStatus
    serializer_class = DutyStatusSerializer
    related = ("organisation", "system")

    def get_queryset(self):
        rows = super().get_queryset()
        params = self.request.query_params
        if params.get("organisation"):
            organisation = Organisation.objects.visible_to(self.request.user).filter(
                code=params["organisation"]).first()
            rows = rows.within(organisation) if organisation else rows.none()
        if params.get("system", "").isdigit():
            rows = rows.filter(system_id=params["system"])
        if params.get("status") in DutyState.values:
            rows = rows.filter(status=params["status"])
        if params.get("duty"):
            rows = rows.filter(duty_id=params["duty"])
        if params.get("due_before"):
            serializers.DateField().to_internal_value(params["due_before"])
            rows = rows.filter(next_due__lt=params["due_before"])
        return rows

    @extend_schema(parameters=STATUS_FILTERS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=serializers.JSONField())
    @action(detail=False, methods=["get"])
    def rollup(self, request):
        """Per visible organisation: applicable duties in its subtree, share met, overdue."""
        rows = board.rollup(self.get_queryset(), Organisation.objects.visible_to(request.user))
        return Response([{"organisation": row.organisation.code, "depth": row.organisation.depth,
                          "total": row.total, "counts": dict(row.counts), "share_met": row.share_met,
                          "overdue": row.overdue, "share_overdue": row.share_overdue} for row in rows])


def _line_data(line):
    outcome = line.outcome
    return {"duty": line.duty.id, "title": line.duty.title, "citation": line.duty.citation,
            "status": outcome.status, "reason": outcome.reason or None, "next_due": outcome.next_due,
            "satisfied_on": outcome.satisfied_on, "evidence": outcome.proof.id if outcome.proof else None,
            "history": [{"due": item.due, "opens": item.opens,
                         "satisfied_on": item.proof.occurred_on if item.proof else None,
                         "evidence": item.proof.id if item.proof else None} for item in outcome.history]}


class SystemDutiesViewSet(viewsets.ViewSet):
    """Every duty of one system, computed live, with its history (?applicable=1 to hide the rest)."""

    @extend_schema(responses=serializers.JSONField())
    def retrieve(self, request, pk=None):
        system = get_visible_or_404(request, InformationSystem.objects.all(), pk=pk)
        lines = services.system_duties(system)
        if request.query_params.get("applicable"):
            lines = [line for line in lines if line.applicable]
        return Response({"system": system.pk, "system_name": system.name, "duties": [_line_data(line) for line in lines]})


class OrganisationDutiesViewSet(viewsets.ViewSet):
    """The duties of one organisation itself (by code), computed live, with history."""

    lookup_value_regex = r"[^/]+"

    @extend_schema(responses=serializers.JSONField())
    def retrieve(self, request, pk=None):
        organisation = get_visible_or_404(request, Organisation.objects.all(), code=pk)
        lines = services.organisation_duties(organisation)
        if request.query_params.get("applicable"):
            lines = [line for line in lines if line.applicable]
        return Response({"organisation": organisation.code, "duties": [_line_data(line) for line in lines]})


class EvidenceSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True, default=None)
    document = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "organisation", "system", "kind", "duty_id", "occurred_on", "title", "note",
                  "recorded_by", "recorded_at", "withdrawn_at", "withdrawn_reason", "document"]

    def get_document(self, row):
        document = getattr(row, "document", None)
        return {"id": document.pk, "name": document.original_name, "sha256": document.sha256} if document else None


class EvidenceInput(serializers.Serializer):
    duty_id = serializers.CharField()
    system = serializers.IntegerField(required=False, allow_null=True, default=None)
    organisation = serializers.CharField(required=False, allow_blank=True, default="")
    occurred_on = serializers.DateField()
    title = serializers.CharField(max_length=500)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    file = serializers.FileField(required=False, allow_null=True, default=None)


class WithdrawInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


def _subject(request, data):
    if data.get("system"):
        return get_visible_or_404(request, InformationSystem.objects.select_related("owner", "operator"),
                                  pk=data["system"]), None
    if not data.get("organisation"):
        raise serializers.ValidationError({"system": "Give a system id or an organisation code."})
    return None, get_visible_or_404(request, Organisation.objects.all(), code=data["organisation"])


class EvidenceViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Evidence of duty occurrences. POST (multipart) records a document for one duty."""

    scoped_model = Evidence
    serializer_class = EvidenceSerializer
    related = ("organisation", "recorded_by", "document")
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        rows = super().get_queryset()
        system = self.request.query_params.get("system", "")
        return rows.filter(system_id=system) if system.isdigit() else rows

    @extend_schema(request=EvidenceInput, responses=EvidenceSerializer)
    def create(self, request):
        serializer = EvidenceInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        system, organisation = _subject(request, data)
        row = services.upload_evidence(request.user, data["duty_id"], data["occurred_on"], data["title"],
                                       upload=data["file"], note=data["note"], system=system,
                                       organisation=organisation)
        return Response(EvidenceSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=WithdrawInput, responses=EvidenceSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        row = self.get_object()
        services.withdraw_evidence(request.user, row, request.data.get("reason", ""))
        return Response(EvidenceSerializer(row).data)


class EventSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = SubjectEvent
        fields = ["id", "organisation", "system", "kind", "occurred_on", "description", "created_at"]


class EventInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=services.MANUAL_EVENTS)
    system = serializers.IntegerField(required=False, allow_null=True, default=None)
    organisation = serializers.CharField(required=False, allow_blank=True, default="")
    occurred_on = serializers.DateField()
    description = serializers.CharField(required=False, allow_blank=True, default="")


class EventViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Events that re-open duties (system changes, classifications, incidents, authority requests)."""

    scoped_model = SubjectEvent
    serializer_class = EventSerializer
    related = ("organisation",)

    @extend_schema(request=EventInput, responses=EventSerializer)
    def create(self, request):
        serializer = EventInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        system, organisation = _subject(request, data)
        event = services.record_manual_event(request.user, data["kind"], data["occurred_on"],
                                             data["description"], system=system, organisation=organisation)
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)


class FeedSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = CalendarFeed
        fields = ["id", "organisation", "created_at", "revoked_at", "url"]

    def get_url(self, feed):
        if feed.revoked_at is not None:
            return None
        request = self.context.get("request")
        path = f"/obligations/calendar/{feed.token}.ics"
        return request.build_absolute_uri(path) if request else path


class FeedInput(serializers.Serializer):
    organisation = serializers.CharField(required=False, allow_blank=True, default="")


class CalendarFeedViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Your own secret iCalendar addresses. POST creates one; POST …/revoke/ revokes it."""

    serializer_class = FeedSerializer

    def get_queryset(self):
        return CalendarFeed.objects.filter(user=self.request.user).select_related("organisation")

    @extend_schema(request=FeedInput, responses=FeedSerializer)
    def create(self, request):
        code = FeedInput(data=request.data)
        code.is_valid(raise_exception=True)
        organisation = None
        if code.validated_data["organisation"]:
            organisation = get_visible_or_404(request, Organisation.objects.all(),
                                              code=code.validated_data["organisation"])
        feed = services.create_feed(request.user, organisation)
        return Response(FeedSerializer(feed, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=FeedSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        feed = services.revoke_feed(request.user, self.get_object())
        return Response(FeedSerializer(feed, context={"request": request}).data)
