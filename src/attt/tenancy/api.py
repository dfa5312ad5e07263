from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import audit, services
from .models import AuditEntry, Organisation, RoleAssignment
from .roles import Role
from .scoping import scope_for


class ScopedViewSetMixin:
    """Every API row comes from `visible_to(request.user)`: the one scoping mechanism."""

    scoped_model = None
    related = ()

    def get_queryset(self):
        queryset = self.scoped_model.objects.visible_to(self.request.user)
        if self.related:
            queryset = queryset.select_related(*self.related)
        return queryset


class OrganisationSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all(), allow_null=True, required=False)

    class Meta:
        model = Organisation
        fields = [
            "id", "code", "kind", "parent", "depth", "name_vi", "name_en", "address", "phone", "email", "head_name",
            "is_state_body", "is_network_member", "is_telecom", "created_at", "updated_at",
        ]
        read_only_fields = ["depth", "created_at", "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # A parent code outside the caller's tree reads as unknown.
            self.fields["parent"].queryset = Organisation.objects.visible_to(request.user)

    def to_internal_value(self, data):
        # Codes are stored in capitals; accept "ag-a2" as "AG-A2" before the format check runs.
        if isinstance(data.get("code"), str):
            data = {**data, "code": data["code"].strip().upper()}
        return super().to_internal_value(data)


class OrganisationViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    scoped_model = Organisation
    related = ("parent",)
    serializer_class = OrganisationSerializer
    lookup_field = "code"

    def get_queryset(self):
        queryset = super().get_queryset()
        q = self.request.query_params.get("q")
        if q:
            queryset = queryset.filter(code__icontains=q) | queryset.filter(name_vi__icontains=q)
        return queryset

    def perform_create(self, serializer):
        serializer.instance = services.save_organisation(self.request.user, serializer.validated_data)

    def perform_update(self, serializer):
        data = {**{k: getattr(serializer.instance, k) for k in services.ORGANISATION_FIELDS}, **serializer.validated_data}
        serializer.instance = services.save_organisation(self.request.user, data, serializer.instance)

    def perform_destroy(self, instance):
        services.delete_organisation(self.request.user, instance)


class RoleAssignmentSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")
    organisation = serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all())
    role = serializers.ChoiceField(choices=Role.choices)
    email = serializers.EmailField(write_only=True, required=False, allow_blank=True)
    full_name = serializers.CharField(write_only=True, required=False, allow_blank=True)
    password = serializers.CharField(write_only=True, required=False, allow_blank=True, style={"input_type": "password"})

    class Meta:
        model = RoleAssignment
        fields = ["id", "username", "organisation", "role", "email", "full_name", "password", "created_at"]
        read_only_fields = ["created_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["organisation"].queryset = Organisation.objects.visible_to(request.user)


class RoleAssignmentViewSet(
    ScopedViewSetMixin, mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin, viewsets.GenericViewSet,
):
    scoped_model = RoleAssignment
    related = ("user", "organisation")
    serializer_class = RoleAssignmentSerializer

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.assign_role(
            self.request.user, data["organisation"], data["role"], data["user"]["username"],
            email=data.get("email", ""), full_name=data.get("full_name", ""), password=data.get("password", ""),
        )

    def perform_destroy(self, instance):
        services.revoke_role(self.request.user, instance)


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = [
            "sequence", "occurred_at", "actor_username", "action", "object_type", "object_id", "object_repr",
            "anchor", "organisation_code", "before", "after", "previous_hash", "entry_hash",
        ]


class AuditEntryViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    scoped_model = AuditEntry
    serializer_class = AuditEntrySerializer
    lookup_field = "sequence"

    def get_queryset(self):
        queryset = super().get_queryset().order_by("-sequence")
        anchor = self.request.query_params.get("anchor")
        if anchor:
            queryset = queryset.filter(anchor=anchor)
        return queryset

    @extend_schema(request=None, responses=inline_serializer("AuditVerification", {
        "ok": serializers.BooleanField(), "checked": serializers.IntegerField(),
        "broken_sequence": serializers.IntegerField(allow_null=True), "reason": serializers.CharField(),
    }))
    @action(detail=False, methods=["post"])
    def verify(self, request):
        """Verify the whole hash chain (platform administrators: the chain spans every organisation)."""
        if not scope_for(request.user).is_global:
            return Response({"detail": "Only platform administrators can verify the whole chain."}, status=status.HTTP_403_FORBIDDEN)
        result = audit.verify_chain()
        return Response({"ok": result.ok, "checked": result.checked, "broken_sequence": result.broken_sequence, "reason": result.reason})


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    is_platform_admin = serializers.BooleanField()
    roles = serializers.ListField(child=serializers.DictField())


class MeViewSet(viewsets.ViewSet):
    @extend_schema(responses=MeSerializer)
    def list(self, request):
        scope = scope_for(request.user)
        return Response({
            "username": request.user.get_username(),
            "full_name": request.user.get_full_name(),
            "is_platform_admin": scope.is_global,
            "roles": [{"organisation": a.organisation.code, "role": a.role} for a in scope.assignments],
        })


