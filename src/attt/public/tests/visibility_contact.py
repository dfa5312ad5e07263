"""Routes of the contact part for the visibility suite (see tenancy/tests/routes.py).

The public pages (contact page, security.txt, intake form) show one organisation's published
contacts to anyone by design, so the suite reaches them for tree B's own PRV-B; what another tree
must not reach is the officers' list, edit page and API. Posting a report through the intake form
is open to anyone by design and is not a write here (test_intake.py tests its limits).
"""

from attt.tenancy.tests.routes import DETAIL, EDIT, LIST, PUBLIC, Route, api_writes


def contact_form(**extra):
    return {"phone": "0241234567", "email": "leak@example.vn", "hours": "x", "languages": "vi",
            "host_names": "leak.example.vn", "published": "on", **extra}


ROUTES = {
    "public-contacts": Route(LIST, query="?q=A"),
    "public-contacts-edit": Route(EDIT, lambda w: {"code": "AG-A1"}, writes=[("post", lambda w: contact_form())]),
    "public-contact-page": Route(PUBLIC, lambda w: {"code": "PRV-B"}),
    "public-contact-security-txt": Route(PUBLIC, lambda w: {"code": "PRV-B"}),
    "public-security-txt": Route(PUBLIC),
    "public-intake": Route(PUBLIC, lambda w: {"code": "PRV-B"}),
    "public-intake-thanks": Route(PUBLIC, lambda w: {"code": "PRV-B"}),
    "api:publiccontact-list": Route(LIST, writes=api_writes(create_payload=lambda w: {
        "organisation": "AG-A1", "email": "leak@example.vn", "published": True})),
    "api:publiccontact-detail": Route(DETAIL, lambda w: {"code": "AG-A1"}, writes=api_writes(lambda w: {
        "email": "leak@example.vn", "published": False})),
}


def rows(world):
    """AG-A1 publishes its contacts (with a host name of its own); PRV-B publishes its own."""
    from attt.public import services_contact

    world.contact_a = services_contact.save_contact(world.officer_a, world.agency, {
        "phone": "024 3999 0001", "email": "csirt@alpha.a1.gov.vn", "hours": "24/7 Alpha-Zq7", "languages": "vi, en",
        "host_names": "security.alpha.a1.gov.vn", "published": True})
    world.contact_b = services_contact.save_contact(world.officer_b, world.province, {
        "phone": "0236 3888 002", "email": "csirt@b.example.vn", "hours": "8-17", "languages": "vi",
        "host_names": "www.b.example.vn", "published": True})


def state(world):
    """Everything a write to this part could change."""
    from attt.public.models import ContactPublication, IntakeAttempt, PublicContact

    return (
        tuple(PublicContact.objects.order_by("pk").values_list(
            "pk", "organisation_id", "phone", "email", "host_names", "published", "updated_at")),
        tuple(ContactPublication.objects.order_by("pk").values_list("pk", "published_on", "snapshot")),
        IntakeAttempt.objects.count(),
    )
