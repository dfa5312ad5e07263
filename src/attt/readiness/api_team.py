"""REST API of the team part of the readiness room: team members (certificates, the five-expert
rule, roster confirmation), the 24/7 focal point history, drills (participants, findings, scores,
completion) and the maturity ranking and trend. Every write goes through the services."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from attt import languages
from attt.tenancy.api import ScopedViewSetMixin
from attt.tenancy.models import Organisation

from . import maturity, rules, services_drills, services_team
from .models import Drill, DrillFinding, FocalPoint, TeamMember


def _organisation(request, code, field="organisation"):
    organisation = Organisation.objects.visible_to(request.user).filter(code=str(code or "").strip().upper()).first()
    if organisation is None:
        raise ValidationError({field: [_("Unknown organisation: %(code)s.") % {"code": code or "—"}]})
    return organisation


class CertificateSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField()
    issuer = serializers.CharField(required=False, allow_blank=True)
    number = serializers.CharField(required=False, allow_blank=True)
    expires_on = serializers.DateField(required=False, allow_null=True)


class TeamMemberSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    username = serializers.SerializerMethodField()
    certificates = CertificateSerializer(many=True, read_only=True)

    class Meta:
        model = TeamMember
        fields = ["id", "organisation", "username", "full_name", "membership", "provider_name", "provider_code",
                  "contract_end", "role", "skills", "email", "phone", "certificates", "created_at", "updated_at"]
        read_only_fields = fields

    def get_username(self, member) -> str:
        return member.user.username if member.user else ""


class MemberInputSerializer(serializers.Serializer):
    organisation = serializers.CharField(required=False, help_text="Organisation code (when adding a member)")
    username = serializers.CharField(required=False, allow_blank=True)
    full_name = serializers.CharField(required=False, allow_blank=True)
    membership = serializers.ChoiceField(choices=["internal", "outsourced"], required=False)
    skills = serializers.ListField(child=serializers.CharField(), required=False)
    certificates = CertificateSerializer(many=True, required=False)


def _check_data(check) -> dict:
    return {"day": check.day, "rule": check.rule.id if check.rule else None,
            "article": check.rule.article if check.rule else None,
            "title": languages.pick(check.rule.title) if check.rule else None,
            "minimum": check.minimum, "counted": check.counted, "shortfall": check.shortfall, "meets": check.meets,
            "members": [{"id": row.member.pk, "full_name": row.member.full_name, "counts": row.counts,
                         "reasons": row.reasons} for row in check.members]}


class TeamMemberViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    scoped_model = TeamMember
    related = ("organisation", "user")
    serializer_class = TeamMemberSerializer

    def get_queryset(self):
        rows = super().get_queryset().prefetch_related("certificates")
        if self.request.query_params.get("organisation"):
            rows = rows.filter(organisation__code=self.request.query_params["organisation"].upper())
        return rows

    @extend_schema(request=MemberInputSerializer)
    def create(self, request, *args, **kwargs):
        organisation = _organisation(request, request.data.get("organisation"))
        member = services_team.save_member(request.user, organisation, dict(request.data.items()),
                                           certificates=request.data.get("certificates") or [])
        return Response(TeamMemberSerializer(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MemberInputSerializer)
    def update(self, request, *args, **kwargs):
        member = self.get_object()
        data = {name: getattr(member, name) for name in services_team.MEMBER_FIELDS if name != "username"}
        data["username"] = member.user.username if member.user else ""
        data.update({k: v for k, v in request.data.items() if k in services_team.MEMBER_FIELDS})
        member = services_team.save_member(request.user, None, data, member)
        return Response(TeamMemberSerializer(member).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    def perform_destroy(self, instance):
        services_team.delete_member(self.request.user, instance)

    @extend_schema(request=CertificateSerializer, responses=TeamMemberSerializer)
    @action(detail=True, methods=["post"])
    def certificates(self, request, pk=None):
        member = self.get_object()
        services_team.add_certificate(request.user, member, dict(request.data.items()))
        return Response(TeamMemberSerializer(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[OpenApiParameter("organisation", str, required=True)], responses=dict)
    @action(detail=False)
    def rule(self, request):
        """The five-expert rule checked today for one organisation's team."""
        code = str(request.query_params.get("organisation", "")).strip().upper()
        organisation = Organisation.objects.visible_to(request.user).filter(code=code).first()
        if organisation is None:
            raise NotFound
        return Response({"organisation": organisation.code, **_check_data(services_team.check_team(organisation))})

    @extend_schema(request=None, responses=dict)
    @action(detail=False, methods=["post"])
    def confirm(self, request):
        """Confirm the roster; when it meets the rule, response_team evidence is recorded."""
        organisation = _organisation(request, request.data.get("organisation"))
        confirmation = services_team.confirm_roster(request.user, organisation, request.data.get("decision", ""))
        return Response({"id": confirmation.pk, "organisation": organisation.code,
                         "confirmed_on": confirmation.confirmed_on, "counted": confirmation.counted,
                         "meets_rule": confirmation.meets_rule}, status=status.HTTP_201_CREATED)


class FocalPointSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    current = serializers.BooleanField(source="is_current", read_only=True)

    class Meta:
        model = FocalPoint
        fields = ["id", "organisation", "member", "name", "phone", "email", "note", "valid_from", "valid_to",
                  "current", "changed_by_name"]
        read_only_fields = fields


class FocalPointInputSerializer(serializers.Serializer):
    organisation = serializers.CharField()
    member = serializers.IntegerField(required=False)
    name = serializers.CharField(required=False)
    phone = serializers.CharField(required=False)
    email = serializers.EmailField(required=False)
    note = serializers.CharField(required=False)


class FocalPointViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        mixins.CreateModelMixin, viewsets.GenericViewSet):
    """The focal point history: a change is a new row (POST); rows are never edited."""

    scoped_model = FocalPoint
    related = ("organisation",)
    serializer_class = FocalPointSerializer

    def get_queryset(self):
        rows = super().get_queryset()
        if self.request.query_params.get("organisation"):
            rows = rows.filter(organisation__code=self.request.query_params["organisation"].upper())
        if self.request.query_params.get("current") in ("1", "true"):
            rows = rows.filter(valid_to__isnull=True)
        return rows

    @extend_schema(request=FocalPointInputSerializer)
    def create(self, request, *args, **kwargs):
        organisation = _organisation(request, request.data.get("organisation"))
        point = services_team.change_focal_point(request.user, organisation, dict(request.data.items()))
        return Response(FocalPointSerializer(point).data, status=status.HTTP_201_CREATED)


class DrillSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    systems = serializers.SerializerMethodField()
    participants = serializers.SerializerMethodField()
    findings = serializers.SerializerMethodField()
    drill_score = serializers.SerializerMethodField()

    class Meta:
        model = Drill
        fields = ["id", "organisation", "title", "drill_type", "held_on", "plan", "scenario", "status", "scores",
                  "drill_score", "results", "completed_at", "systems", "participants", "findings", "created_at",
                  "updated_at"]
        read_only_fields = fields

    def get_systems(self, drill) -> list[int]:
        return list(drill.drill_systems.values_list("system_id", flat=True))

    def get_participants(self, drill) -> list[dict]:
        return list(drill.participants.values("id", "member_id", "name", "affiliation"))

    def get_findings(self, drill) -> list[dict]:
        return list(drill.findings.values("id", "category", "description", "fix", "due_on", "status", "done_on"))

    def get_drill_score(self, drill) -> float | None:
        formula = services_drills.formula_for(drill)
        if any(drill.scores.get(c.id) is None for c in formula.criteria):
            return None
        return round(maturity.drill_score(drill.scores, formula), 1)


class DrillInputSerializer(serializers.Serializer):
    organisation = serializers.CharField(required=False, help_text="Organisation code (when planning)")
    title = serializers.CharField(required=False)
    drill_type = serializers.ChoiceField(choices=["tabletop", "real_world"], required=False)
    held_on = serializers.DateField(required=False)
    plan = serializers.CharField(required=False)
    scenario = serializers.CharField(required=False)
    systems = serializers.ListField(child=serializers.IntegerField(), required=False)


class DrillViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                   mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    scoped_model = Drill
    related = ("organisation",)
    serializer_class = DrillSerializer

    def get_queryset(self):
        rows = super().get_queryset()
        params = self.request.query_params
        for name in ("status", "drill_type"):
            if params.get(name):
                rows = rows.filter(**{name: params[name]})
        if params.get("organisation"):
            rows = rows.filter(organisation__code=params["organisation"].upper())
        if str(params.get("year", "")).isdigit():
            rows = rows.filter(held_on__year=int(params["year"]))
        return rows

    @staticmethod
    def _input(data):
        return {name: data[name] for name in ("title", "drill_type", "held_on", "plan", "scenario") if name in data}

    @extend_schema(request=DrillInputSerializer)
    def create(self, request, *args, **kwargs):
        organisation = _organisation(request, request.data.get("organisation"))
        systems = request.data.getlist("systems") if hasattr(request.data, "getlist") else request.data.get("systems")
        drill = services_drills.save_drill(request.user, organisation, self._input(request.data), systems or [])
        return Response(DrillSerializer(drill).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DrillInputSerializer)
    def update(self, request, *args, **kwargs):
        drill = services_drills.save_drill(request.user, None, self._input(request.data),
                                           request.data.get("systems"), drill=self.get_object())
        return Response(DrillSerializer(drill).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    def perform_destroy(self, instance):
        services_drills.delete_drill(self.request.user, instance)

    @extend_schema(request=dict, responses=DrillSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Complete the drill with its scores ({criterion: 0–5}); records its evidence."""
        drill = services_drills.complete_drill(request.user, self.get_object(), request.data.get("scores") or {},
                                               request.data.get("results"))
        return Response(DrillSerializer(drill).data)

    @extend_schema(request=dict, responses=DrillSerializer)
    @action(detail=True, methods=["post"])
    def scores(self, request, pk=None):
        drill = services_drills.set_scores(request.user, self.get_object(), request.data.get("scores") or {})
        return Response(DrillSerializer(drill).data)

    @extend_schema(request=dict, responses=DrillSerializer)
    @action(detail=True, methods=["post"])
    def findings(self, request, pk=None):
        drill = self.get_object()
        services_drills.add_finding(request.user, drill, dict(request.data.items()))
        return Response(DrillSerializer(drill).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=dict, responses=DrillSerializer)
    @action(detail=True, methods=["post"], url_path="finding-status")
    def finding_status(self, request, pk=None):
        """Set a finding's status ({finding, status, done_on})."""
        drill = self.get_object()
        raw = str(request.data.get("finding", ""))
        finding = DrillFinding.objects.filter(drill=drill, pk=int(raw)).first() if raw.isdigit() else None
        if finding is None:
            raise ValidationError({"finding": [_("Unknown finding of this drill.")]})
        services_drills.set_finding_status(request.user, finding, request.data.get("status", ""),
                                           request.data.get("done_on"))
        return Response(DrillSerializer(drill).data)

    @extend_schema(request=dict, responses=DrillSerializer)
    @action(detail=True, methods=["post"])
    def participants(self, request, pk=None):
        drill = self.get_object()
        services_drills.add_participant(request.user, drill, request.data.get("member"),
                                        request.data.get("name", ""), request.data.get("affiliation", ""))
        return Response(DrillSerializer(drill).data, status=status.HTTP_201_CREATED)


def _score_data(row) -> dict:
    level = row.level
    return {"organisation": row.organisation.code, "name": row.organisation.name, "year": row.year,
            "score": row.score, "base": row.base, "penalty": row.penalty, "level": level.id if level else None,
            "level_title": languages.pick(level.title) if level else None, "drills": row.drills,
            "real_world_drills": row.real_world_drills, "overdue_findings": row.overdue_findings,
            "formula": row.formula.id}


class MaturityViewSet(viewsets.ViewSet):
    """Teams ranked by their maturity score of a year (list) and one team's trend (by code)."""

    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    @extend_schema(operation_id="readiness_maturity_list", parameters=[OpenApiParameter("year", int)],
                   responses=dict)
    def list(self, request):
        today = timezone.localdate()
        year = int(request.query_params["year"]) if str(request.query_params.get("year", "")).isdigit() \
            else today.year
        formula = rules.maturity().formula_on(maturity.reference_day(min(year, today.year), today))
        rows = maturity.ranking(Organisation.objects.visible_to(request.user), min(year, today.year), today)
        return Response({"year": year, "formula": formula.id, "teams": [_score_data(row) for row in rows]})

    @extend_schema(responses=dict)
    def retrieve(self, request, code=None):
        organisation = Organisation.objects.visible_to(request.user).filter(code=str(code).upper()).first()
        if organisation is None:
            raise NotFound
        return Response({"organisation": organisation.code, "name": organisation.name,
                         "trend": [_score_data(row) for row in maturity.trend(organisation)]})


def register(router):
    """Register this part's viewsets on the API router."""
    router.register("readiness/team-members", TeamMemberViewSet, basename="readiness-team-member")
    router.register("readiness/focal-points", FocalPointViewSet, basename="readiness-focal-point")
    router.register("readiness/drills", DrillViewSet, basename="readiness-drill")
    router.register("readiness/maturity", MaturityViewSet, basename="readiness-maturity")
