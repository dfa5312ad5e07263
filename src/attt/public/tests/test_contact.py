"""Published incident-report contacts: the officers' list and edit page, the public contact page
(no login), publishing as evidence of duties D18-5 and IR-5, rights, bad input, and the API."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import get_language_info

from attt.obligations.models import Evidence
from attt.public import services_contact
from attt.public.models import ContactPublication, PublicContact
from attt.tenancy.models import AuditEntry

FORM = {"phone": "024 3943 6684", "email": "csirt@a1.example.vn", "hours": "24/7", "languages": "vi, en",
        "pgp_key_url": "", "policy_url": "", "host_names": "security.a1.example.vn", "published": "on"}


def evidence_rows(organisation):
    return Evidence.objects.filter(kind="incident_contacts_published", organisation=organisation)


@pytest.fixture
def published(world):
    return services_contact.save_contact(world.officer_a, world.agency, {**FORM, "published": True})


def test_publish_through_the_edit_page_records_evidence(world, login):
    client = login(world.officer_a)
    page = client.get("/public/contacts/AG-A1/edit/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and 'name="host_names"' in page.content.decode()
    response = client.post("/public/contacts/AG-A1/edit/", FORM)
    assert response.status_code == 302 and response["Location"] == "/public/contacts/"
    contact = PublicContact.objects.get(organisation=world.agency)
    assert contact.published and contact.published_at is not None
    assert contact.host_list == ["security.a1.example.vn"]
    [row] = evidence_rows(world.agency)
    assert row.withdrawn_at is None and row.occurred_on == timezone.localdate()
    assert row.recorded_by == world.officer_a
    publication = ContactPublication.objects.get()
    assert publication.snapshot["email"] == "csirt@a1.example.vn"
    assert AuditEntry.objects.filter(object_type__icontains="publiccontact", organisation_code="AG-A1").exists()
    assert services_contact.published_contact(world.agency) == contact
    # The list shows it published, with its public links.
    listing = client.get("/public/contacts/?published=yes").content.decode()
    assert "/o/AG-A1/contact/" in listing and "/o/MIN-A/contact/" not in listing


def test_saving_again_the_same_day_updates_one_publication(world, published):
    services_contact.save_contact(world.officer_a, world.agency, {**FORM, "hours": "8-17", "published": True})
    assert ContactPublication.objects.count() == 1
    assert ContactPublication.objects.get().snapshot["hours"] == "8-17"
    assert evidence_rows(world.agency).count() == 1


def test_taking_the_contacts_down_withdraws_the_evidence(world, published, client):
    services_contact.save_contact(world.officer_a, world.agency, {**FORM, "published": False})
    assert services_contact.published_contact(world.agency) is None
    assert not evidence_rows(world.agency).filter(withdrawn_at__isnull=True).exists()
    assert evidence_rows(world.agency).count() == 1  # stays on record, withdrawn
    assert client.get("/o/AG-A1/contact/").status_code == 404
    services_contact.save_contact(world.officer_a, world.agency, {**FORM, "published": True})
    assert evidence_rows(world.agency).filter(withdrawn_at__isnull=True).count() == 1


def test_saving_unpublished_records_no_evidence(world):
    services_contact.save_contact(world.officer_a, world.agency, {**FORM, "published": False})
    assert not evidence_rows(world.agency).exists() and not ContactPublication.objects.exists()


def test_contact_page_is_public_without_login(world, published, client):
    response = client.get("/o/AG-A1/contact/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    text = response.content.decode()
    assert "csirt@a1.example.vn" in text and "024 3943 6684" in text and 'href="tel:+842439436684"' in text
    assert "/o/AG-A1/report/" in text and "/o/AG-A1/.well-known/security.txt" in text
    assert "24/7" in text and get_language_info("vi")["name_local"] in text
    assert client.get("/o/ag-a1/contact/").status_code == 200  # codes are typed in any case


def test_contact_page_404_for_unpublished_and_unknown(world, client):
    services_contact.save_contact(world.officer_a, world.agency, {**FORM, "published": False})
    assert client.get("/o/AG-A1/contact/").status_code == 404
    assert client.get("/o/MIN-A/contact/").status_code == 404
    assert client.get("/o/NOPE/contact/").status_code == 404


@pytest.mark.parametrize("field,value,message", [
    ("email", "not-an-email", "valid e-mail"),
    ("phone", "call me maybe", "phone number"),
    ("languages", "vi, english!", "language tag"),
    ("languages", "", "at least one language"),
    ("pgp_key_url", "http://a1.example.vn/key.asc", "https://"),
    ("policy_url", "javascript:alert(1)", "https://"),
    ("host_names", "https://a1.example.vn/", "Not a host name"),
])
def test_bad_input_gets_a_clear_error_and_stores_nothing(world, login, field, value, message):
    client = login(world.officer_a)
    response = client.post("/public/contacts/AG-A1/edit/", {**FORM, field: value}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PublicContact.objects.exists() and not Evidence.objects.filter(kind="incident_contacts_published").exists()


def test_publishing_needs_an_email_or_a_phone(world):
    with pytest.raises(ValidationError) as error:
        services_contact.save_contact(world.officer_a, world.agency, {**FORM, "email": "", "phone": "", "published": True})
    assert "at least an e-mail address or a phone number" in error.value.message_dict["email"][0]
    assert not PublicContact.objects.exists()


def test_rights(world, login, published):
    # Read-only supervisor of tree A: sees the list, may not edit.
    client = login(world.supervisor_a)
    assert "AG-A1" in client.get("/public/contacts/").content.decode()
    assert client.get("/public/contacts/AG-A1/edit/").status_code == 403
    assert client.post("/public/contacts/AG-A1/edit/", {**FORM, "email": "x@x.vn"}).status_code == 403
    # Another tree: the organisation does not exist for it.
    client = login(world.officer_b)
    assert client.get("/public/contacts/AG-A1/edit/").status_code == 404
    assert client.post("/public/contacts/AG-A1/edit/", {**FORM, "email": "x@x.vn"}).status_code == 404
    assert "AG-A1" not in client.get("/public/contacts/").content.decode()
    assert PublicContact.objects.get().email == "csirt@a1.example.vn"
    # The rights are checked before the input.
    with pytest.raises(PermissionDenied):
        services_contact.save_contact(world.supervisor_a, world.agency, {"email": "bad"})
    # The organisation administrator may publish (MANAGE_PUBLIC_CONTACT).
    services_contact.save_contact(world.admin_a, world.agency, {**FORM, "email": "ir@a1.example.vn", "published": True})
    assert PublicContact.objects.get().email == "ir@a1.example.vn"


def test_anonymous_officer_pages_redirect_to_login(world, client):
    assert client.get("/public/contacts/").status_code == 302
    assert client.get("/public/contacts/AG-A1/edit/").status_code == 302


@pytest.mark.parametrize("phone,uri", [
    ("024 3943 6684", "tel:+842439436684"), ("+84 (24) 3943-6684", "tel:+842439436684"),
    ("0084 24 3943 6684", "tel:+842439436684"), ("1900 1234", "tel:19001234;phone-context=+84"), ("", ""),
])
def test_tel_uri(phone, uri):
    assert services_contact.tel_uri(phone) == uri


# --- API ---------------------------------------------------------------------------------------

def test_api_list_detail_scoped(world, login, published):
    services_contact.save_contact(world.officer_b, world.province, {**FORM, "email": "csirt@b.example.vn",
                                                                     "host_names": "", "published": True})
    client = login(world.officer_a)
    rows = client.get("/api/public/contacts/").json()["results"]
    assert [row["organisation"] for row in rows] == ["AG-A1"]
    detail = client.get("/api/public/contacts/AG-A1/").json()
    assert detail["email"] == "csirt@a1.example.vn" and detail["host_names"] == ["security.a1.example.vn"]
    assert detail["intake_url"].endswith("/o/AG-A1/report/") and detail["can_manage"] is True
    assert client.get("/api/public/contacts/PRV-B/").status_code == 404
    supervisor = login(world.supervisor_a)
    assert supervisor.get("/api/public/contacts/AG-A1/").json()["can_manage"] is False
    assert supervisor.get("/api/public/contacts/").json()["count"] == 1
    assert supervisor.get("/api/public/contacts/?can_manage=true").json()["count"] == 0


def test_api_put_creates_patch_updates(world, login):
    client = login(world.officer_a)
    response = client.put("/api/public/contacts/AG-A1/", {"email": "csirt@a1.example.vn", "languages": "vi",
                                                          "host_names": ["a1.example.vn"], "published": True},
                          content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["published"] is True
    assert evidence_rows(world.agency).count() == 1
    response = client.patch("/api/public/contacts/AG-A1/", {"phone": "024 1234 5678"}, content_type="application/json")
    assert response.status_code == 200
    contact = PublicContact.objects.get()
    assert contact.phone == "024 1234 5678" and contact.published and contact.host_list == ["a1.example.vn"]
    assert client.delete("/api/public/contacts/AG-A1/").status_code == 405
    assert client.post("/api/public/contacts/", {"organisation": "AG-A1"}, content_type="application/json").status_code == 405


def test_api_errors(world, login, published):
    client = login(world.officer_a)
    response = client.patch("/api/public/contacts/AG-A1/", {"email": "nope"}, content_type="application/json")
    assert response.status_code == 400 and "email" in response.json()
    assert PublicContact.objects.get().email == "csirt@a1.example.vn"
    response = login(world.supervisor_a).patch("/api/public/contacts/AG-A1/", {"email": "x@x.vn"},
                                               content_type="application/json")
    assert response.status_code == 403
    response = login(world.officer_b).put("/api/public/contacts/AG-A1/", {"email": "x@x.vn"},
                                          content_type="application/json")
    assert response.status_code == 404
    assert PublicContact.objects.get().email == "csirt@a1.example.vn"


def test_publishing_meets_the_telecom_duty(world):
    """D18-5: telecoms and ISPs publish their incident-report contacts; the engine sees the evidence."""
    from attt.obligations import recompute
    from attt.obligations.models import DutyStatus

    world.agency.is_telecom = True
    world.agency.save()
    recompute.recompute_all()
    assert DutyStatus.objects.get(organisation=world.agency, system=None, duty_id="D18-5").status != "met"
    services_contact.save_contact(world.officer_a, world.agency, {**FORM, "published": True})
    recompute.recompute_all()
    assert DutyStatus.objects.get(organisation=world.agency, system=None, duty_id="D18-5").status == "met"
    services_contact.save_contact(world.officer_a, world.agency, {**FORM, "published": False})
    recompute.recompute_all()
    assert DutyStatus.objects.get(organisation=world.agency, system=None, duty_id="D18-5").status != "met"
