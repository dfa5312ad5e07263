"""Routes of the warnings part for the visibility suite (see tenancy/tests/routes.py).

Tree A (AG-A1) holds a sent campaign with its delivery record, a draft with a customer list and a
campaign being sent. Public pages are checked with tree B's own published warning (PRV-B): they
are public by design, so what matters is that B's page never shows A's warnings.
"""

from attt.tenancy.tests.routes import (
    ACTION,
    DETAIL,
    EDIT,
    LIST,
    PUBLIC,
    Route,
    api_writes,
)

CUSTOMERS = "Họ tên,Email\nKhách hàng Alpha-Zq7,khach1@example.vn\nKhách AG-A1,khach2@example.vn\n"


def customer_list():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("customers.csv", "Họ tên,Email\nLén,len@example.vn\n".encode())


def campaign_form(code=None):
    form = {"title": "Lén cảnh báo", "risk": "x", "advice": "y", "language": "vi", "public": "on"}
    return {**form, "organisation": code} if code else form


ROUTES = {
    "warnings-campaign-list": Route(LIST, query="?q=Alpha"),
    "warnings-campaign-new": Route(LIST, writes=[("post", lambda w: campaign_form("AG-A1"))]),
    "warnings-campaign": Route(DETAIL, lambda w: {"pk": w.warning_sent.pk}, query="?status=sent"),
    "warnings-campaign-edit": Route(EDIT, lambda w: {"pk": w.warning_draft.pk},
                                    writes=[("post", lambda w: campaign_form())]),
    "warnings-audience": Route(EDIT, lambda w: {"pk": w.warning_draft.pk},
                               writes=[("post", lambda w: {"file": customer_list()})]),
    "warnings-send": Route(ACTION, lambda w: {"pk": w.warning_draft.pk}, writes=[("post", lambda w: {})]),
    "warnings-pause": Route(ACTION, lambda w: {"pk": w.warning_sending.pk}, writes=[("post", lambda w: {})]),
    "warnings-progress": Route(ACTION, lambda w: {"pk": w.warning_sending.pk}),
    "public-warning-list": Route(PUBLIC, lambda w: {"code": "PRV-B"}),
    "public-warning": Route(PUBLIC, lambda w: {"code": "PRV-B", "pk": w.warning_b.pk}),
    "api:warningcampaign-list": Route(LIST, query="?status=sent", writes=api_writes(
        create_payload=lambda w: campaign_form("AG-A1"))),
    "api:warningcampaign-detail": Route(DETAIL, lambda w: {"pk": w.warning_draft.pk},
                                        writes=api_writes(lambda w: {"title": "x"})),
    "api:warningcampaign-audience": Route(ACTION, lambda w: {"pk": w.warning_draft.pk},
                                          writes=[("post", lambda w: {"file": customer_list()})]),
    "api:warningcampaign-send": Route(ACTION, lambda w: {"pk": w.warning_draft.pk},
                                      writes=[("post", lambda w: {"resend_interrupted": True})]),
    "api:warningcampaign-pause": Route(ACTION, lambda w: {"pk": w.warning_sending.pk},
                                       writes=[("post", lambda w: {})]),
    "api:warningcampaign-deliveries": Route(DETAIL, lambda w: {"pk": w.warning_sent.pk}),
}


def _campaign(user, organisation, title, customers=CUSTOMERS, public=True):
    from attt.public import services_warnings as services

    campaign = services.create_campaign(user, organisation, {
        "title": title, "risk": "Tin nhắn giả mạo", "advice": "Không bấm vào đường link", "public": public})
    services.import_audience(user, campaign, customers.encode(), "customers.csv")
    return campaign


def rows(world):
    """Create tree A's rows of this part; keep what ROUTES need on world."""
    from attt.public import services_warnings as services

    world.warning_sent = _campaign(world.officer_a, world.agency, "Cảnh báo Alpha-Zq7 của AG-A1")
    services.start_sending(world.officer_a, world.warning_sent, queue=False)
    services.run_campaign(world.warning_sent.pk, rate_per_minute=0)
    world.warning_draft = _campaign(world.officer_a, world.agency, "Bản nháp Alpha-Zq7")
    world.warning_sending = _campaign(world.officer_a, world.agency, "Đang gửi Alpha-Zq7")
    services.start_sending(world.officer_a, world.warning_sending, queue=False)
    world.warning_b = _campaign(world.officer_b, world.province, "Cảnh báo của tỉnh B",
                                "Họ tên,Email\nKhách tỉnh B,b@example.vn\n")
    services.start_sending(world.officer_b, world.warning_b, queue=False)
    services.run_campaign(world.warning_b.pk, rate_per_minute=0)


def state(world):
    """Everything a write to this part could change."""
    from attt.public.models import WarningCampaign, WarningRecipient

    return (
        tuple(WarningCampaign.objects.order_by("pk").values_list(
            "pk", "title", "status", "public", "updated_at", "run_token", "audience_imported_at")),
        tuple(WarningRecipient.objects.order_by("pk").values_list("pk", "email", "status", "claim_token")),
    )
