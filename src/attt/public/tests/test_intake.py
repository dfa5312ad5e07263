"""The public intake form: a report from anyone lands in the organisation's incident queue, the
reporter and the security officers are told, and every abuse limit refuses without storing
anything (rate limit per address and per organisation, honeypot, too fast, attachments, body size,
bad input)."""

import datetime
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client
from django.utils import timezone

from attt.incidents.models import Incident, IncidentFile
from attt.public import intake, services_contact
from attt.public.models import IntakeAttempt

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n"
URL = "/o/AG-A1/report/"


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


@pytest.fixture
def contact(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ATTT_INTAKE_MIN_FILL_SECONDS = 0
    world.officer_a.email = "officer.a@min-a.example.vn"
    world.officer_a.save()
    return services_contact.save_contact(world.officer_a, world.agency, {
        "phone": "024 3943 6684", "email": "csirt@a1.example.vn", "languages": "vi, en", "published": True})


def form(world, **extra):
    detected = timezone.localtime() - datetime.timedelta(hours=2)
    return {"reporter_name": "Trần Thị Bình", "reporter_email": "binh@example.com", "reporter_phone": "0912 345 678",
            "title": "Trang web hiển thị nội dung lạ", "description": "Trang chủ bị thay bằng nội dung cờ bạc.",
            "detected_at": detected.strftime("%Y-%m-%dT%H:%M"), "affected_service": "https://a1.example.vn",
            "form_token": intake.form_token(world.agency), **extra}


def post(client, data, address="203.0.113.5", **extra):
    return client.post(URL, data, REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en", **extra)


def nothing_stored():
    media = Path(settings.MEDIA_ROOT)
    files = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
    return (not Incident.objects.exists() and not IncidentFile.objects.exists() and not IntakeAttempt.objects.exists()
            and not files)


def test_form_is_public(world, contact, client):
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'name="form_token"' in text and f'name="{intake.HONEYPOT_FIELD}"' in text
    assert 'type="datetime-local"' in text and 'enctype="multipart/form-data"' in text


def test_happy_path_files_a_public_case_and_tells_everyone(world, contact, client, login):
    files = [SimpleUploadedFile("trang-chu.png", PNG), SimpleUploadedFile("log.txt", b"GET / 200\n")]
    response = post(client, {**form(world), "attachments": files})
    assert response.status_code == 302, response.content.decode()[:2000]
    incident = Incident.objects.get()
    assert incident.from_public and incident.organisation == world.agency
    assert incident.reporter_name == "Trần Thị Bình" and incident.reporter_phone == "0912 345 678"
    assert "https://a1.example.vn" in incident.description
    assert sorted(IncidentFile.objects.values_list("original_name", flat=True)) == ["log.txt", "trang-chu.png"]
    assert IntakeAttempt.objects.get().client_address == "203.0.113.5"
    thanks = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert thanks.status_code == 200
    assert f'<strong id="intake-reference">{incident.reference}</strong>' in thanks.content.decode()
    # The reporter gets the reference; the security officer (at the parent ministry: AG-A1 has none of
    # its own) and the published intake mailbox are told.
    to_reporter = [m for m in mail.outbox if m.to == ["binh@example.com"]]
    assert len(to_reporter) == 1 and incident.reference in to_reporter[0].subject + to_reporter[0].body
    [to_officers] = [m for m in mail.outbox if "officer.a@min-a.example.vn" in m.to]
    assert "csirt@a1.example.vn" in to_officers.to and incident.reference in to_officers.subject
    assert f"/incidents/{incident.pk}/" in to_officers.body
    # The case is in the organisation's queue of public reports.
    queue = login(world.officer_a).get("/incidents/?source=public").content.decode()
    assert incident.reference in queue


def test_detected_time_is_read_in_vietnam(world, contact, client):
    post(client, form(world, detected_at="2026-01-05T10:00"))
    assert Incident.objects.get().detected_at == datetime.datetime(2026, 1, 5, 3, 0, tzinfo=datetime.UTC)


def test_email_optional_when_a_phone_is_given(world, contact, client):
    response = post(client, form(world, reporter_email=""))
    assert response.status_code == 302 and Incident.objects.count() == 1
    assert not [m for m in mail.outbox if m.to == [""]]


def test_a_mail_failure_never_loses_the_report(world, contact, client, settings):
    settings.EMAIL_BACKEND = "attt.public.tests.test_intake.FailingBackend"
    response = post(client, form(world))
    assert response.status_code == 302 and Incident.objects.count() == 1
    assert "?r=" in response["Location"]


def test_rate_limit_per_address(world, contact, client, settings):
    settings.ATTT_INTAKE_PER_ADDRESS_PER_HOUR = 2
    for _ in range(2):
        assert post(client, form(world)).status_code == 302
    response = post(client, form(world))
    assert response.status_code == 429 and "Too many reports" in response.content.decode()
    assert Incident.objects.count() == 2
    assert post(client, form(world), address="198.51.100.7").status_code == 302  # another address
    # An hour later the address may report again.
    IntakeAttempt.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=61))
    assert post(client, form(world)).status_code == 302


def test_rate_limit_per_organisation_per_day(world, contact, client, settings):
    settings.ATTT_INTAKE_PER_ORGANISATION_PER_DAY = 2
    for n in range(2):
        assert post(client, form(world), address=f"198.51.100.{n}").status_code == 302
    response = post(client, form(world), address="198.51.100.9")
    assert response.status_code == 429 and "too many reports" in response.content.decode()
    assert Incident.objects.count() == 2
    IntakeAttempt.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    assert post(client, form(world), address="198.51.100.9").status_code == 302
    assert IntakeAttempt.objects.count() == 3


def test_old_attempts_are_forgotten(world, contact, client):
    IntakeAttempt.objects.create(organisation=world.agency, client_address="192.0.2.1",
                                 created_at=timezone.now() - datetime.timedelta(days=3))
    post(client, form(world))
    assert list(IntakeAttempt.objects.values_list("client_address", flat=True)) == ["203.0.113.5"]


def test_honeypot_looks_accepted_but_stores_nothing(world, contact, client):
    response = post(client, {**form(world, **{intake.HONEYPOT_FIELD: "http://spam.example"}),
                             "attachments": [SimpleUploadedFile("a.png", PNG)]})
    assert response.status_code == 302 and response["Location"] == "/o/AG-A1/report/thanks/"
    assert client.get(response["Location"]).status_code == 200
    assert nothing_stored() and mail.outbox == []


def test_too_fast_submission_is_refused(world, contact, client, settings):
    settings.ATTT_INTAKE_MIN_FILL_SECONDS = 3
    client.get(URL)
    response = post(client, form(world))  # the token was signed a moment ago
    assert response.status_code == 400 and "too quickly" in response.content.decode()
    assert nothing_stored()
    # The same form filled in over ten seconds goes through.
    response = post(client, form(world, form_token=intake.form_token(world.agency, now=time.time() - 10)))
    assert response.status_code == 302


@pytest.mark.parametrize("token,message", [
    ("", "could not be checked"),
    ("forged:token", "could not be checked"),
    ("other-organisation", "could not be checked"),
    ("expired", "open too long"),
])
def test_missing_forged_or_expired_form_token(world, contact, client, token, message):
    if token == "other-organisation":
        token = intake.form_token(world.province)
    elif token == "expired":
        token = intake.form_token(world.agency, now=time.time() - 13 * 3600)
    response = post(client, form(world, form_token=token))
    assert response.status_code == 400 and message in response.content.decode()
    assert nothing_stored()


@pytest.mark.parametrize("files,message", [
    ([SimpleUploadedFile("virus.exe", b"MZ\x90\x00")], "only PNG, JPG, PDF, TXT and LOG"),
    ([SimpleUploadedFile("screen.png", b"MZ\x90\x00 not a png")], "content is not a .png"),
    ([SimpleUploadedFile("report.pdf", PNG)], "content is not a .pdf"),
    ([SimpleUploadedFile("dump.log", b"\xff\xfe\x00binary")], "content is not a .log"),
    ([SimpleUploadedFile("empty.txt", b"")], "empty"),
    ([SimpleUploadedFile("big.pdf", PDF + b"x" * (1024 * 1024))], "larger than 1 MB"),
    ([SimpleUploadedFile(f"{n}.pdf", PDF) for n in range(4)], "at most 3 files"),
])
def test_bad_attachments_are_refused_and_nothing_is_stored(world, contact, client, settings, files, message):
    settings.ATTT_INTAKE_MAX_FILE_MB = 1
    response = post(client, {**form(world), "attachments": [SimpleUploadedFile("ok.pdf", PDF), *files][-4:]})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert nothing_stored() and mail.outbox == []


def test_three_good_attachments_are_kept(world, contact, client):
    files = [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.jpg", b"\xff\xd8\xff\xe0rest"),
             SimpleUploadedFile("c.log", "Nhật ký truy cập\n".encode())]
    assert post(client, {**form(world), "attachments": files}).status_code == 302
    assert IncidentFile.objects.count() == 3


def test_oversize_body_is_refused_before_it_is_read(world, contact, client, settings):
    settings.ATTT_INTAKE_MAX_BODY_BYTES = 4096
    response = post(client, {**form(world), "attachments": [SimpleUploadedFile("a.txt", b"x" * 8000)]})
    assert response.status_code == 413 and "too large" in response.content.decode()
    assert nothing_stored()


@pytest.mark.parametrize("field,value,message", [
    ("title", "", "This field is required"),
    ("description", "", "This field is required"),
    ("reporter_name", "", "This field is required"),
    ("reporter_email", "not-an-address", "valid e-mail"),
    ("reporter_phone", "call me", "phone number"),
    ("detected_at", "", "This field is required"),
    ("detected_at", "yesterday", "YYYY-MM-DD"),
    ("detected_at", "2099-01-01T10:00", "cannot be in the future"),
    ("title", "x" * 300, "under 255 characters"),
])
def test_bad_input_gets_a_clear_error_and_stores_nothing(world, contact, client, field, value, message):
    response = post(client, {**form(world, **{field: value}), "attachments": [SimpleUploadedFile("a.png", PNG)]})
    assert response.status_code == 400
    text = response.content.decode()
    assert message in text
    if field != "reporter_name":  # what was typed is kept for the next try
        assert "Trần Thị Bình" in text
    assert nothing_stored() and mail.outbox == []


def test_no_way_to_reach_the_reporter(world, contact, client):
    response = post(client, form(world, reporter_email="", reporter_phone=""))
    assert response.status_code == 400 and "e-mail address or a phone number" in response.content.decode()
    assert nothing_stored()


def test_unpublished_organisation_has_no_form(world, contact, client):
    services_contact.save_contact(world.officer_a, world.agency, {"email": "csirt@a1.example.vn", "languages": "vi",
                                                                  "published": False})
    assert client.get(URL).status_code == 404
    assert post(client, form(world)).status_code == 404
    assert client.get("/o/PRV-B/report/").status_code == 404
    assert client.get("/o/AG-A1/report/thanks/").status_code == 404
    assert not Incident.objects.exists()


def test_csrf_is_checked(world, contact):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(URL, form(world), REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 403 and not Incident.objects.exists()


def test_thanks_page_shows_only_a_signed_reference(world, contact, client):
    assert 'id="intake-reference"' not in client.get("/o/AG-A1/report/thanks/?r=SC-2026-9999").content.decode()
    token = intake.thanks_token("SC-2026-0042")
    page = client.get(f"/o/AG-A1/report/thanks/?r={token}").content.decode()
    assert '<strong id="intake-reference">SC-2026-0042</strong>' in page
