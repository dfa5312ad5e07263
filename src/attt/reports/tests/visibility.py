"""The reports room's routes for the visibility suite (see tenancy/tests/routes.py).

Tree A: AG-A1 submitted its annual report to MIN-A; an approved quarterly version waits to be
submitted; MIN-A holds a consolidation. Tree B (officer_b, with full rights in PRV-B) must reach
none of them, and a read-only supervisor of MIN-A reads them but changes nothing."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from attt.tenancy.tests.routes import ACTION, DETAIL, LIST, Route, api_writes

# Building these rows renders six sets of documents (about 1.5 s): only the routes that can show
# periodic reports get them (the reports pages and the dashboards' submission panel).
ROWS_FOR_ROUTES = ("periodic-", "api:periodicreport-", "dash-", "api:dash-", "home")


def _generate(world, **extra):
    return {"organisation": "AG-A1", "kind": "annual", "year": "2026", "language": "vi", **extra}


def _signature(world):
    return {"signature": SimpleUploadedFile("leak.p7s", b"0\x82leak")}


ROUTES = {
    "periodic-list": Route(LIST, query="?kind=annual"),
    "periodic-status": Route(LIST, query="?kind=annual&year=2026"),
    "periodic-generate": Route(ACTION, writes=[("post", _generate),
                                               ("post", lambda w: _generate(w, organisation="MIN-A", consolidated="1"))]),
    "periodic-detail": Route(DETAIL, lambda w: {"pk": w.periodic_submitted.pk}),
    "periodic-sources": Route(DETAIL, lambda w: {"pk": w.periodic_submitted.pk}, query="?figure=annual:systems"),
    "periodic-approve": Route(ACTION, lambda w: {"pk": w.periodic_draft.pk}, writes=[("post", lambda w: {})]),
    "periodic-sign": Route(ACTION, lambda w: {"pk": w.periodic_approved.pk}, writes=[("post", _signature)]),
    "periodic-submit": Route(ACTION, lambda w: {"pk": w.periodic_approved.pk}, writes=[("post", lambda w: {})]),
    "periodic-discard": Route(ACTION, lambda w: {"pk": w.periodic_draft.pk}, writes=[("post", lambda w: {})]),
    "periodic-download": Route(ACTION, lambda w: {"pk": w.periodic_submitted.pk, "fmt": "pdf"}),
    "api:periodicreport-list": Route(LIST, writes=api_writes(create_payload=lambda w: {
        "organisation": "AG-A1", "kind": "annual", "year": 2026})),
    "api:periodicreport-detail": Route(DETAIL, lambda w: {"pk": w.periodic_submitted.pk},
                                       writes=[("delete", lambda w: {})]),
    "api:periodicreport-approve": Route(ACTION, lambda w: {"pk": w.periodic_draft.pk}, writes=[("post", lambda w: {})]),
    "api:periodicreport-sign": Route(ACTION, lambda w: {"pk": w.periodic_approved.pk}, writes=[("post", _signature)]),
    "api:periodicreport-submit": Route(ACTION, lambda w: {"pk": w.periodic_approved.pk},
                                       writes=[("post", lambda w: {})]),
    "api:periodicreport-download": Route(ACTION, lambda w: {"pk": w.periodic_submitted.pk}, query="?document=pdf"),
    "api:periodicreport-sources": Route(DETAIL, lambda w: {"pk": w.periodic_submitted.pk},
                                        query="?figure=annual:systems"),
    "api:periodicreport-submission-status": Route(LIST, query="?organisation=MIN-A&kind=annual&year=2026"),
}


def rows(world):
    from attt.reports import services
    from attt.tenancy.roles import Role
    from attt.testing import make_user

    head = make_user("head.reports.a1", world.agency, Role.HEAD)
    when = datetime.datetime(2026, 12, 18, 9, tzinfo=datetime.timezone.utc)
    report = services.generate(head, world.agency, "annual", 2026, now=when)
    services.approve(head, report, now=when)
    world.periodic_submitted = services.submit(head, report, now=when)
    world.periodic_approved = services.approve(head, services.generate(head, world.agency, "quarterly", 2026, 4))
    world.periodic_draft = services.generate(world.officer_a, world.agency, "form05_year", 2026)


def state(world):
    from attt.reports.models import PeriodicReport

    return tuple(PeriodicReport.objects.order_by("pk").values_list(
        "pk", "state", "version", "approved_at", "signature_sha256", "submitted_at", "snapshot_sha256"))
