"""REST API of the levels room: wizard, dossiers and their steps, approval share, checklist,
security regulations. Every row comes through the scoping mechanism; services decide the rest."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from attt.inventory.models import InformationSystem
from attt.tenancy.access import get_visible_or_404, visible
from attt.tenancy.api import ScopedViewSetMixin
from attt.tenancy.models import Organisation

from . import checklist as checklist_service
from . import rollup, services
from .models import ClassificationRecord, Dossier, RequirementStatus, SecurityRegulation


class ClassificationSerializer(serializers.ModelSerializer):
    system_name = serializers.CharField(source="system.name", read_only=True)

    class Meta:
        model = ClassificationRecord
        fields = ["id", "system", "system_name", "classified_on", "in_investment_since", "answers", "regime",
                  "regime_version", "regime_reason", "proposed_level", "fired", "created_at"]


class ClassifyInput(serializers.Serializer):
    system = serializers.IntegerField()
    answers = serializers.JSONField(help_text="See attt/levels/answers.py for the vocabulary.")
    classified_on = serializers.DateField(required=False, allow_null=True, default=None)
    in_investment_since = serializers.DateField(required=False, allow_null=True, default=None)


def _visible_system(request, pk):
    return get_visible_or_404(request, InformationSystem.objects.all(), pk=pk)


class ClassificationViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Stored wizard runs. POST classifies a system and puts the result on its open dossier."""

    scoped_model = ClassificationRecord
    serializer_class = ClassificationSerializer
    related = ("system",)

    def get_queryset(self):
        queryset = super().get_queryset()
        system = self.request.query_params.get("system")
        return queryset.filter(system_id=system) if system and system.isdigit() else queryset

    @extend_schema(request=ClassifyInput, responses=ClassificationSerializer)
    def create(self, request):
        data = _valid(ClassifyInput, request.data)
        system = _visible_system(request, data["system"])
        record = services.classify_system(request.user, system, data["answers"],
                                          data["classified_on"], data["in_investment_since"])
        return Response(ClassificationSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ClassifyInput, responses=inline_serializer("Preview", {
        "regime": serializers.CharField(), "regime_reason": serializers.JSONField(),
        "level": serializers.IntegerField(allow_null=True), "fired": serializers.JSONField()}))
    @action(detail=False, methods=["post"])
    def preview(self, request):
        """Classify without storing anything (the wizard's live answer)."""
        data = _valid(ClassifyInput, request.data)
        _visible_system(request, data["system"])
        result = services.preview(data["answers"], data["classified_on"], data["in_investment_since"])
        return Response({"regime": result.regime, "regime_reason": result.regime_reason,
                         "level": result.level,
                         "fired": [{"id": f.id, "level": f.level, "title": f.title,
                                    "citation": f.citation} for f in result.fired]})

    @extend_schema(responses=serializers.JSONField())
    @action(detail=False, methods=["get"])
    def prefill(self, request):
        """Answers the inventory already knows for ?system=<id>."""
        system = self.request.query_params.get("system", "")
        if not system.isdigit():
            raise serializers.ValidationError({"system": "Give ?system=<id>."})
        return Response(services.prefill_answers(_visible_system(request, int(system))))


def _valid(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    part = serializers.CharField()
    original_name = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()


class DossierSerializer(serializers.ModelSerializer):
    system_name = serializers.CharField(source="system.name", read_only=True)
    owner = serializers.CharField(source="system.owner.code", read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    clocks = serializers.SerializerMethodField()
    next_step = serializers.SerializerMethodField()
    decision = serializers.SerializerMethodField()

    class Meta:
        model = Dossier
        fields = ["id", "system", "system_name", "owner", "version", "classification", "regime",
                  "level", "state", "started_reason", "submitted_at", "appraised_at",
                  "appraisal_opinion", "approved_at", "return_reason", "step_started_on",
                  "step_due_on", "validity_due_on", "clocks", "next_step", "attachments",
                  "decision", "created_at", "updated_at"]

    def get_clocks(self, dossier) -> list:
        return [{"step": c.step, "due_on": c.due_on, "unit": c.unit, "days": c.days,
                 "days_left": c.days_left, "overdue": c.overdue, "citation": c.citation}
                for c in services.open_clocks(dossier)]

    def get_next_step(self, dossier) -> dict | None:
        actor = services.expected_actor(dossier)
        if actor is None:
            return None
        return {"step": actor.step, "by": actor.role, "citation": actor.citation,
                "organisation": actor.organisation.code if actor.organisation else None}

    def get_decision(self, dossier) -> dict | None:
        decision = getattr(dossier, "decision", None)
        if decision is None:
            return None
        return {"number": decision.number, "decided_on": decision.decided_on,
                "issuer": decision.issuer, "sha256": decision.sha256}


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField()


class OpinionInput(serializers.Serializer):
    opinion = serializers.CharField()


class ApproveInput(serializers.Serializer):
    number = serializers.CharField(max_length=64)
    decided_on = serializers.DateField()
    issuer = serializers.CharField(max_length=255)
    signed_file = serializers.FileField()


class AttachmentInput(serializers.Serializer):
    part = serializers.CharField()
    file = serializers.FileField()


class DossierViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Level dossiers (every version) and their workflow steps."""

    scoped_model = Dossier
    serializer_class = DossierSerializer
    related = ("system", "system__owner", "system__operator", "system__security_unit")
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        queryset = super().get_queryset().prefetch_related("attachments")
        for key in ("state", "system"):
            value = self.request.query_params.get(key)
            if value:
                queryset = queryset.filter(**{key if key == "state" else "system_id": value})
        return queryset

    def _done(self, dossier):
        return Response(DossierSerializer(self.get_queryset().get(pk=dossier.pk)).data)

    @extend_schema(request=None, responses=DossierSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._done(services.submit(request.user, self.get_object()))

    @extend_schema(request=ReasonInput, responses=DossierSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        data = _valid(ReasonInput, request.data)
        return self._done(services.return_dossier(request.user, self.get_object(), data["reason"]))

    @extend_schema(request=OpinionInput, responses=DossierSerializer)
    @action(detail=True, methods=["post"])
    def appraise(self, request, pk=None):
        data = _valid(OpinionInput, request.data)
        return self._done(services.appraise(request.user, self.get_object(), data["opinion"]))

    @extend_schema(request={"multipart/form-data": ApproveInput}, responses=DossierSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        data = _valid(ApproveInput, request.data)
        return self._done(services.approve(request.user, self.get_object(), data["number"],
                                           data["decided_on"], data["issuer"], data["signed_file"]))

    @extend_schema(request={"multipart/form-data": AttachmentInput}, responses=AttachmentSerializer)
    @action(detail=True, methods=["post"])
    def attachments(self, request, pk=None):
        data = _valid(AttachmentInput, request.data)
        attachment = services.add_attachment(request.user, self.get_object(), data["part"], data["file"])
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class LevelApprovalViewSet(viewsets.GenericViewSet):
    """Share of systems with an approved, current level, per organisation and rolled up."""

    serializer_class = serializers.Serializer

    @extend_schema(responses=inline_serializer("ApprovalRow", {
        "organisation": serializers.CharField(), "own_total": serializers.IntegerField(),
        "own_approved": serializers.IntegerField(), "total": serializers.IntegerField(),
        "approved": serializers.IntegerField(), "share": serializers.FloatField(allow_null=True)},
        many=True))
    def list(self, request):
        systems = rollup.counted_systems(request)
        rows = rollup.rollup(systems, visible(request, Organisation.objects.all()))
        return Response([{"organisation": row.organisation.code, "own_total": row.own_total,
                          "own_approved": row.own_approved, "total": row.total,
                          "approved": row.approved, "share": row.share} for row in rows])

    @extend_schema(responses=inline_serializer("MissingLevel", {
        "id": serializers.IntegerField(), "name": serializers.CharField(),
        "owner": serializers.CharField(), "reclassification_needed": serializers.BooleanField()},
        many=True))
    @action(detail=False, methods=["get"])
    def missing(self, request):
        """Systems without an approved, current level (?file_format=csv for a spreadsheet)."""
        if request.query_params.get("file_format") == "csv":
            return rollup.missing_csv_response(rollup.counted_systems(request))
        systems = rollup.missing_systems(rollup.counted_systems(request)).order_by("owner__path", "name")
        page = self.paginate_queryset(systems)
        data = [{"id": s.pk, "name": s.name, "owner": s.owner.code,
                 "reclassification_needed": bool(getattr(s, "level_status", None)
                                                 and s.level_status.reclassification_needed)}
                for s in page]
        return self.get_paginated_response(data)


class AnswerInput(serializers.Serializer):
    requirement = serializers.CharField()
    status = serializers.ChoiceField(choices=RequirementStatus.choices)
    remediation_plan = serializers.CharField(required=False, allow_blank=True, default="")
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ChecklistViewSet(viewsets.GenericViewSet):
    """The requirements checklist of one system (its id), with the computed deployment status."""

    serializer_class = serializers.Serializer

    def _payload(self, system):
        checklist = checklist_service.checklist_for(system)
        return {
            "system": system.pk, "system_name": system.name, "level": checklist.level, "level_source": checklist.level_source,
            "standard": checklist.standard.id, "deployment": checklist.deployment if checklist.level else None,
            "counts": checklist.counts if checklist.level else None,
            "items": [{"requirement": line.requirement.id, "clause": line.clause,
                       "group": line.requirement.group, "title": line.requirement.title,
                       "status": line.status,
                       "remediation_plan": line.answer.remediation_plan if line.answer else "",
                       "due_on": line.answer.due_on if line.answer else None,
                       "reason": line.answer.reason if line.answer else ""}
                      for line in checklist.lines],
        }

    @extend_schema(responses=serializers.JSONField())
    def retrieve(self, request, pk=None):
        return Response(self._payload(_visible_system(request, pk)))

    @extend_schema(request=AnswerInput, responses=serializers.JSONField())
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        system = _visible_system(request, pk)
        data = _valid(AnswerInput, request.data)
        checklist_service.answer_requirement(request.user, system, data.pop("requirement"), **data)
        return Response(self._payload(system))


class RegulationSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.none())
    file = serializers.FileField(write_only=True)

    class Meta:
        model = SecurityRegulation
        fields = ["id", "organisation", "title", "decision_number", "decided_on", "file",
                  "original_name", "size", "sha256", "created_at"]
        read_only_fields = ["original_name", "size", "sha256", "created_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["organisation"].queryset = Organisation.objects.visible_to(request.user)


class SecurityRegulationViewSet(ScopedViewSetMixin, mixins.CreateModelMixin,
                                viewsets.ReadOnlyModelViewSet):
    """Owners' security regulations (quy chế): a level cannot be approved without one."""

    scoped_model = SecurityRegulation
    serializer_class = RegulationSerializer
    related = ("organisation",)
    parser_classes = [MultiPartParser, FormParser]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = checklist_service.record_regulation(
            self.request.user, data["organisation"], data["title"], data["decision_number"],
            data["decided_on"], data["file"])
