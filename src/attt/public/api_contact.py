"""REST API of the contact part of the public room.

``/api/public/contacts/`` lists the incident-report contacts of the organisations the caller sees;
``/api/public/contacts/<code>/`` reads one and, with the right to publish contacts, creates or
updates it (PUT replaces, PATCH changes the fields given).

The public intake form is web-only on purpose: its abuse limits (signed form timestamp, honeypot,
per-address rate limit) are built for a browser, and an anonymous write API would sidestep them.
Reports filed through it are read through ``/api/incidents/cases/`` (``from_public``).
"""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from attt.tenancy.api import ScopedViewSetMixin
from attt.tenancy.models import Organisation
from attt.tenancy.roles import Permission

from . import services_contact
from .models import PublicContact


class PublicContactSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.code", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name_vi", read_only=True)
    host_names = serializers.ListField(child=serializers.CharField(), source="host_list", read_only=True)
    page_url = serializers.SerializerMethodField()
    intake_url = serializers.SerializerMethodField()
    security_txt_url = serializers.SerializerMethodField()
    can_manage = serializers.SerializerMethodField()

    class Meta:
        model = PublicContact
        fields = ["organisation", "organisation_name", "phone", "email", "hours", "languages", "pgp_key_url",
                  "policy_url", "host_names", "published", "published_at", "updated_at", "page_url", "intake_url",
                  "security_txt_url", "can_manage"]
        read_only_fields = fields

    def _link(self, contact, name):
        if not contact.published:
            return None
        return services_contact.links(contact, self.context.get("request"))[name]

    def get_page_url(self, contact) -> str | None:
        return self._link(contact, "page")

    def get_intake_url(self, contact) -> str | None:
        return self._link(contact, "intake")

    def get_security_txt_url(self, contact) -> str | None:
        return self._link(contact, "security_txt")

    def get_can_manage(self, contact) -> bool:
        request = self.context.get("request")
        return bool(request) and services_contact.can_manage(request.user, contact.organisation)


class PublicContactInputSerializer(serializers.Serializer):
    phone = serializers.CharField(required=False, allow_blank=True)
    email = serializers.CharField(required=False, allow_blank=True)
    hours = serializers.CharField(required=False, allow_blank=True)
    languages = serializers.CharField(required=False, help_text="Language tags, comma separated (vi, en).")
    pgp_key_url = serializers.CharField(required=False, allow_blank=True)
    policy_url = serializers.CharField(required=False, allow_blank=True)
    host_names = serializers.ListField(child=serializers.CharField(), required=False,
                                       help_text="Host names whose /.well-known/security.txt is this organisation's.")
    published = serializers.BooleanField(required=False)


class PublicContactViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Incident-report contacts of the organisations you see (``?can_manage=true``: those you may
    publish; ``?published=true|false``). The public intake form itself is web-only."""

    scoped_model = PublicContact
    related = ("organisation",)
    serializer_class = PublicContactSerializer
    lookup_field = "organisation__code"
    lookup_url_kwarg = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        rows = super().get_queryset().order_by("organisation__path")
        published = self.request.query_params.get("published")
        if published in ("true", "false"):
            rows = rows.filter(published=published == "true")
        if self.request.query_params.get("can_manage") == "true":
            rows = rows.editable_by(self.request.user, Permission.MANAGE_PUBLIC_CONTACT)
        return rows

    @extend_schema(request=PublicContactInputSerializer)
    def update(self, request, *args, **kwargs):
        # The organisation, not the contact row, is looked up: the first PUT creates the contacts.
        organisation = Organisation.objects.visible_to(request.user).filter(code=kwargs.get("code", "")).first()
        if organisation is None:
            raise Http404
        data = {name: request.data[name] for name in services_contact.FIELDS if name in request.data}
        contact = services_contact.save_contact(request.user, organisation, data, partial=kwargs.get("partial", False))
        return Response(PublicContactSerializer(contact, context={"request": request}).data)

    @extend_schema(request=PublicContactInputSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


def register(router):
    """Register this part's viewsets on the API router."""
    router.register("public/contacts", PublicContactViewSet, basename="publiccontact")
