"""REST API of the plans part of the readiness room: response plans (with versions, checklist,
scenarios, documents, approval) under /api/readiness/plans/ and audits/assessments (requirements,
findings, report files, completion) under /api/readiness/audits/. Same services as the web."""

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from attt.tenancy.api import ScopedViewSetMixin
from attt.tenancy.models import Organisation

from . import services_plans as services
from .models import Assessment, PlanStatus, ResponsePlan


def _json(value, name):
    """A list or object given as JSON text (multipart forms) or as is (JSON bodies)."""
    if isinstance(value, str):
        try:
            return json.loads(value) if value.strip() else None
        except ValueError:
            raise ValidationError({name: ["Give valid JSON."]}) from None
    return value


def _organisation(data):
    return Organisation.objects.filter(code=str(data.get("organisation") or "").strip().upper()).first()


def version_data(version):
    return {
        "id": version.pk, "number": version.number, "title": version.title, "status": version.status,
        "outline": version.outline, "author": version.author, "notes": version.notes,
        "approved_on": version.approved_on, "approved_by": version.approved_by.username if version.approved_by else None,
        "created_at": version.created_at,
        "documents": [{"id": d.pk, "name": d.original_name, "size": d.size, "sha256": d.sha256,
                       "uploaded_at": d.uploaded_at} for d in version.documents.all()],
        "checklist": [{"item": item.id, "heading": item.heading, "source": item.source, "mandatory": item.mandatory,
                       "covered": bool(answer and answer.covered), "section": answer.section if answer else ""}
                      for item, answer in services.checklist(version)],
        "scenarios": [{"id": s.pk, "title": s.title, "description": s.description,
                       "response_steps": s.response_steps} for s in version.scenarios.all()],
    }


class PlanSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    system_name = serializers.CharField(source="system.name", read_only=True, default=None)
    versions = serializers.SerializerMethodField()

    class Meta:
        model = ResponsePlan
        fields = ["id", "organisation", "system", "system_name", "title", "review_needed", "review_reason",
                  "review_flagged_at", "created_at", "versions"]
        read_only_fields = fields

    def get_versions(self, plan) -> list[dict]:
        return [version_data(v) for v in plan.versions.select_related("approved_by")]


PLAN_INPUT = inline_serializer("PlanInput", {
    "organisation": serializers.CharField(help_text="Organisation code"),
    "system": serializers.IntegerField(required=False, help_text="Information system id (empty: organisation-wide)"),
    "title": serializers.CharField(), "author": serializers.CharField(required=False),
    "notes": serializers.CharField(required=False), "file": serializers.FileField(required=False),
    "answers": serializers.JSONField(required=False, help_text='[{"item", "covered", "section"}]'),
    "scenarios": serializers.JSONField(required=False, help_text='[{"title", "description", "response_steps"}]'),
})


class PlanViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  viewsets.GenericViewSet):
    """Response plans. ``?review=1`` lists those needing review; ``?organisation=CODE`` narrows."""

    scoped_model = ResponsePlan
    related = ("organisation", "system")
    serializer_class = PlanSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        rows = super().get_queryset()
        params = self.request.query_params
        if params.get("review") == "1":
            rows = rows.filter(review_needed=True)
        if params.get("organisation"):
            organisation = Organisation.objects.visible_to(self.request.user).filter(
                code=params["organisation"].upper()).first()
            rows = rows.within(organisation) if organisation else rows.none()
        if params.get("system", "").isdigit():
            rows = rows.filter(system_id=int(params["system"]))
        return rows

    @extend_schema(request=PLAN_INPUT)
    def create(self, request, *args, **kwargs):
        data = request.data
        plan = services.create_plan(
            request.user, _organisation(data), {k: data.get(k, "") for k in ("title", "author", "notes")},
            system=data.get("system") or None, upload=request.FILES.get("file"),
            answers=_json(data.get("answers"), "answers"), scenarios=_json(data.get("scenarios"), "scenarios") or ())
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    def _draft(self, plan):
        version = plan.latest_version()
        if version is None or version.status != PlanStatus.DRAFT:
            raise ValidationError({"version": ["The plan has no draft version; record a new version first."]})
        return version

    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def versions(self, request, pk=None):
        """POST {title?, author?, notes?, file?}: the next version, as a draft (checklist and scenarios copied)."""
        plan = self.get_object()
        services.new_version(request.user, plan, {k: request.data.get(k) for k in ("title", "author", "notes")},
                             upload=request.FILES.get("file"))
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def checklist(self, request, pk=None):
        """POST {answers: [{item, covered, section}], title?, author?, notes?}: edit the draft."""
        plan = self.get_object()
        data = {k: request.data[k] for k in ("title", "author", "notes") if k in request.data}
        services.save_draft(request.user, self._draft(plan), data, _json(request.data.get("answers"), "answers"))
        return Response(PlanSerializer(plan).data)

    @action(detail=True, methods=["post"])
    def scenarios(self, request, pk=None):
        """POST {title, description, response_steps} to add to the draft, or {remove: id}."""
        plan = self.get_object()
        draft = self._draft(plan)
        if request.data.get("remove"):
            scenario = draft.scenarios.filter(pk=request.data["remove"]).first()
            if scenario is None:
                raise NotFound
            services.remove_scenario(request.user, scenario)
        else:
            services.add_scenario(request.user, draft, dict(request.data.items()))
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def documents(self, request, pk=None):
        """POST multipart {file}: the draft's document."""
        plan = self.get_object()
        services.add_document(request.user, self._draft(plan), request.FILES.get("file"))
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=inline_serializer("PlanApproval", {"approved_on": serializers.DateField(required=False)}))
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """POST {approved_on?}: approve the draft (needs approve_response_plans; mandatory headings covered)."""
        plan = self.get_object()
        if not services.can_approve(request.user, plan):
            raise PermissionDenied("Only a person who may approve response plans can do this.")
        services.approve_version(request.user, self._draft(plan), request.data.get("approved_on") or None)
        return Response(PlanSerializer(plan).data)


class AssessmentSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    assessor_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    systems = serializers.SerializerMethodField()
    requirements = serializers.SerializerMethodField()
    findings = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = ["id", "organisation", "title", "kind", "assessor_unit", "assessor_name", "licence_number",
                  "started_on", "ended_on", "status", "summary", "completed_at", "systems", "requirements",
                  "findings", "files"]
        read_only_fields = fields

    def get_systems(self, row) -> list[int]:
        return list(row.scope.values_list("system_id", flat=True))

    def get_requirements(self, row) -> list[dict]:
        return [{"id": r.pk, "reference": r.reference, "requirement": r.requirement, "result": r.result,
                 "note": r.note} for r in row.requirements.all()]

    def get_findings(self, row) -> list[dict]:
        return finding_rows(row)

    def get_files(self, row) -> list[dict]:
        return [{"id": f.pk, "name": f.original_name, "description": f.description, "size": f.size,
                 "sha256": f.sha256} for f in row.files.all()]


def finding_rows(assessment):
    today = timezone.localdate()
    return [{"id": f.pk, "title": f.title, "severity": f.severity, "fix": f.fix, "owner": f.owner,
             "due_on": f.due_on, "status": f.status, "fixed_on": f.fixed_on, "fix_note": f.fix_note,
             "overdue": f.is_overdue(today)} for f in assessment.findings.all()]


ASSESSMENT_INPUT = inline_serializer("AssessmentInput", {
    "organisation": serializers.CharField(), "title": serializers.CharField(),
    "kind": serializers.ChoiceField(choices=["self", "independent", "licensed"]),
    "assessor_unit": serializers.CharField(required=False, help_text="Organisation code of the internal unit"),
    "assessor_name": serializers.CharField(required=False), "licence_number": serializers.CharField(required=False),
    "started_on": serializers.DateField(), "ended_on": serializers.DateField(required=False),
    "summary": serializers.CharField(required=False),
    "systems": serializers.ListField(child=serializers.IntegerField(), required=False),
    "file": serializers.FileField(required=False),
})
ASSESSMENT_FIELDS = ("title", "kind", "assessor_unit", "assessor_name", "licence_number", "started_on", "ended_on",
                     "summary")


class AssessmentViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Audits and assessments. ``?overdue=1`` lists those with overdue findings."""

    scoped_model = Assessment
    related = ("organisation", "assessor_unit")
    serializer_class = AssessmentSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        rows = super().get_queryset()
        params = self.request.query_params
        if params.get("status"):
            rows = rows.filter(status=params["status"])
        if params.get("overdue") == "1":
            rows = rows.filter(findings__status="open", findings__due_on__lt=timezone.localdate()).distinct()
        return rows

    @extend_schema(request=ASSESSMENT_INPUT)
    def create(self, request, *args, **kwargs):
        data = request.data
        systems = data.getlist("systems") if hasattr(data, "getlist") else (data.get("systems") or [])
        if not isinstance(systems, list):
            raise ValidationError({"systems": ["Give a list of information system ids."]})
        assessment = services.create_assessment(request.user, _organisation(data),
                                                {k: data.get(k) for k in ASSESSMENT_FIELDS}, systems,
                                                upload=request.FILES.get("file"))
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get", "post"])
    def requirements(self, request, pk=None):
        """POST {requirements: [{reference, requirement, result, note}]}: add result rows."""
        assessment = self.get_object()
        if request.method == "POST":
            services.add_requirements(request.user, assessment, _json(request.data.get("requirements"), "requirements"))
        return Response(AssessmentSerializer(assessment).data["requirements"],
                        status=status.HTTP_201_CREATED if request.method == "POST" else status.HTTP_200_OK)

    @action(detail=True, methods=["get", "post"])
    def findings(self, request, pk=None):
        """POST {title, severity, fix, owner, due_on} to add; {finding: id, status, fixed_on?, note?} to mark."""
        assessment = self.get_object()
        if request.method == "POST":
            if request.data.get("finding"):
                finding = assessment.findings.filter(pk=request.data["finding"]).first()
                if finding is None:
                    raise NotFound
                services.set_finding_status(request.user, finding, request.data.get("status", ""),
                                            fixed_on=request.data.get("fixed_on") or None,
                                            note=request.data.get("note", ""))
            else:
                services.add_finding(request.user, assessment, dict(request.data.items()))
        return Response(finding_rows(assessment))

    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def files(self, request, pk=None):
        """POST multipart {file, description?}: the report or an annex."""
        assessment = self.get_object()
        services.add_assessment_file(request.user, assessment, request.FILES.get("file"),
                                     request.data.get("description", ""))
        return Response(AssessmentSerializer(assessment).data["files"], status=status.HTTP_201_CREATED)

    @extend_schema(request=inline_serializer("AssessmentCompletion", {
        "ended_on": serializers.DateField(required=False), "summary": serializers.CharField(required=False)}))
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """POST {ended_on?, summary?}: complete; records security-assessment evidence."""
        assessment = services.complete_assessment(request.user, self.get_object(),
                                                  request.data.get("ended_on") or None, request.data.get("summary"))
        return Response(AssessmentSerializer(assessment).data)


def register(router):
    """Register this part's viewsets on the API router."""
    router.register("readiness/plans", PlanViewSet, basename="readinessplan")
    router.register("readiness/audits", AssessmentViewSet, basename="readinessassessment")
