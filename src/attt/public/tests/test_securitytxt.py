"""security.txt (RFC 9116) of an organisation: checked against the RFC's rules by a small validator,
at both addresses (by organisation code, by the host name the request came to), with 404s for
organisations that publish nothing and hosts nobody claims, and an Expires that is always less
than a year ahead and renews itself."""

import datetime
import re

import pytest
from django.utils import timezone

from attt.public import securitytxt, services_contact

HOST = "security.ag-a1.example.vn"

# RFC 9116 §2.5 (and §2.4 for unknown fields): known fields, and which may appear only once.
KNOWN_FIELDS = {"acknowledgments", "canonical", "contact", "encryption", "expires", "hiring", "policy",
                "preferred-languages", "csaf"}
SINGLE_FIELDS = {"expires", "preferred-languages"}
FIELD_LINE = re.compile(r"^([A-Za-z0-9-]+): (\S.*)$")
URI = re.compile(r"^[a-z][a-z0-9+.-]*:\S+$")
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def validate(body: bytes, url: str, now=None) -> dict[str, list[str]]:
    """Check a security.txt against RFC 9116; returns field name → values. Raises AssertionError."""
    now = now or timezone.now()
    text = body.decode("utf-8")  # §3: UTF-8
    assert "\r" not in text.replace("\r\n", ""), "lines end with CRLF or LF"
    fields: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = FIELD_LINE.match(line)
        assert match, f"not a field or a comment: {line!r}"
        name, value = match.group(1).lower(), match.group(2).strip()
        assert name in KNOWN_FIELDS, f"unknown field {name}"
        fields.setdefault(name, []).append(value)
    for name in SINGLE_FIELDS:
        assert len(fields.get(name, [])) <= 1, f"{name} appears more than once"
    assert fields.get("contact"), "Contact is mandatory"
    assert fields.get("canonical"), "Canonical names where the file is served (ATTT always gives it)"
    for value in fields["contact"] + fields.get("encryption", []) + fields.get("policy", []) + fields["canonical"]:
        assert URI.match(value), f"not a URI: {value}"
        if value.startswith("http"):
            assert value.startswith("https://") or value in fields["canonical"], f"web URIs must be https: {value}"
    assert len(fields.get("expires", [])) == 1, "exactly one Expires"
    expires = datetime.datetime.fromisoformat(fields["expires"][0])
    assert expires.tzinfo is not None, "Expires carries its time zone"
    assert now < expires < now + datetime.timedelta(days=365), f"Expires {expires} not within a year of {now}"
    for tag in (fields["preferred-languages"][0].split(",") if "preferred-languages" in fields else []):
        assert LANGUAGE_TAG.match(tag.strip()), f"bad language tag {tag!r}"
    assert url in fields["canonical"], f"Canonical {fields['canonical']} does not name {url}"
    return fields


@pytest.fixture
def contact(world, settings):
    settings.ALLOWED_HOSTS = ["testserver", HOST, "other.example.vn"]
    return services_contact.save_contact(world.officer_a, world.agency, {
        "phone": "024 3943 6684", "email": "csirt@a1.example.vn", "hours": "24/7", "languages": "vi, en",
        "host_names": f"{HOST.upper()}\n", "pgp_key_url": "https://a1.example.vn/pgp.asc", "published": True})


def test_by_code_is_valid_and_lists_every_contact(contact, client):
    response = client.get("/o/AG-A1/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    fields = validate(response.content, "http://testserver/o/AG-A1/.well-known/security.txt")
    assert fields["contact"] == ["mailto:csirt@a1.example.vn", "tel:+842439436684",
                                 "https://testserver/o/AG-A1/report/"]
    assert fields["preferred-languages"] == ["vi, en"]
    assert fields["encryption"] == ["https://a1.example.vn/pgp.asc"]
    assert fields["policy"] == ["https://testserver/o/AG-A1/contact/"]
    assert "hiring" not in fields
    assert "AG-A1" in response.content.decode()  # the comment names whose file it is


def test_canonical_is_https_when_the_request_is(contact, client):
    response = client.get("/o/AG-A1/.well-known/security.txt", secure=True)
    validate(response.content, "https://testserver/o/AG-A1/.well-known/security.txt")


def test_by_host_name_with_or_without_port(contact, client):
    for host in (HOST, f"{HOST}:8443"):
        response = client.get("/.well-known/security.txt", HTTP_HOST=host, secure=True)
        assert response.status_code == 200, host
        fields = validate(response.content, f"https://{host}/.well-known/security.txt")
        assert "mailto:csirt@a1.example.vn" in fields["contact"]


def test_policy_url_when_given(contact, world, client):
    services_contact.save_contact(world.officer_a, world.agency, {
        "email": "csirt@a1.example.vn", "languages": "vi", "policy_url": "https://a1.example.vn/policy",
        "host_names": HOST, "published": True})
    fields = validate(client.get("/o/AG-A1/.well-known/security.txt").content,
                      "http://testserver/o/AG-A1/.well-known/security.txt")
    assert fields["policy"] == ["https://a1.example.vn/policy"]
    assert fields["contact"] == ["mailto:csirt@a1.example.vn", "https://testserver/o/AG-A1/report/"]
    assert fields["preferred-languages"] == ["vi"]


def test_public_base_url_names_the_links(contact, client, settings):
    settings.ATTT_PUBLIC_BASE_URL = "https://attt.example.vn"
    fields = validate(client.get("/o/AG-A1/.well-known/security.txt").content,
                      "http://testserver/o/AG-A1/.well-known/security.txt")
    assert "https://attt.example.vn/o/AG-A1/report/" in fields["contact"]


def test_404_for_unknown_host_unpublished_and_unknown_organisation(contact, world, client):
    assert client.get("/.well-known/security.txt").status_code == 404  # testserver: nobody's host
    assert client.get("/.well-known/security.txt", HTTP_HOST="other.example.vn").status_code == 404
    assert client.get("/o/NOPE/.well-known/security.txt").status_code == 404
    assert client.get("/o/PRV-B/.well-known/security.txt").status_code == 404  # no contacts at all
    services_contact.save_contact(world.officer_a, world.agency, {
        "email": "csirt@a1.example.vn", "languages": "vi", "host_names": HOST, "published": False})
    assert client.get("/o/AG-A1/.well-known/security.txt").status_code == 404
    assert client.get("/.well-known/security.txt", HTTP_HOST=HOST).status_code == 404


def test_expires_is_renewed_on_every_request(contact, client, monkeypatch):
    now = timezone.now()
    first = validate(client.get("/o/AG-A1/.well-known/security.txt").content,
                     "http://testserver/o/AG-A1/.well-known/security.txt", now)
    expires = datetime.datetime.fromisoformat(first["expires"][0])
    assert abs(expires - (now + datetime.timedelta(days=180))) < datetime.timedelta(minutes=1)
    later = now + datetime.timedelta(days=300)  # past the first Expires: a stored file would be stale
    monkeypatch.setattr(timezone, "now", lambda: later)
    second = validate(client.get("/o/AG-A1/.well-known/security.txt").content,
                      "http://testserver/o/AG-A1/.well-known/security.txt", later)
    assert datetime.datetime.fromisoformat(second["expires"][0]) > expires + datetime.timedelta(days=299)


@pytest.mark.parametrize("days", [1, 364, 365, 800, 0, -5])
def test_expires_stays_under_a_year_whatever_the_setting(days, settings):
    settings.ATTT_SECURITY_TXT_DAYS = days
    now = timezone.now()
    assert now < securitytxt.expires(now) < now + datetime.timedelta(days=365)


def test_the_validator_catches_broken_files():
    """The validator must fail on what the RFC forbids, or the tests above prove nothing."""
    now = timezone.now()
    good_expires = (now + datetime.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    url = "https://x.vn/.well-known/security.txt"
    base = f"Contact: mailto:a@x.vn\nExpires: {good_expires}\nCanonical: {url}\n"
    validate(base.encode(), url, now)
    broken = [
        f"Expires: {good_expires}\nCanonical: {url}\n",  # no Contact
        f"Contact: mailto:a@x.vn\nCanonical: {url}\n",  # no Expires
        base + f"Expires: {good_expires}\n",  # two Expires
        base.replace(good_expires, (now + datetime.timedelta(days=400)).strftime("%Y-%m-%dT%H:%M:%SZ")),
        base.replace(good_expires, (now - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")),
        base.replace(good_expires, (now + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%S")),  # no zone
        base + "Hobby: chess\n",  # unknown field
        base + "just some text\n",  # neither field nor comment
        base + "Contact: not a uri\n",
        base + "Policy: http://x.vn/policy\n",  # web URIs are https
        base + "Preferred-Languages: vi; en\n",
        base.replace(url, "https://y.vn/.well-known/security.txt"),  # Canonical names another URL
    ]
    for text in broken:
        with pytest.raises((AssertionError, ValueError)):
            validate(text.encode(), url, now)
    with pytest.raises(UnicodeDecodeError):
        validate(base.encode() + b"# \xff\xfe\n", url, now)


def test_host_names_are_unique_and_valid(contact, world):
    from django.core.exceptions import ValidationError

    from attt.public.models import PublicContact

    with pytest.raises(ValidationError) as error:
        services_contact.save_contact(world.officer_b, world.province, {
            "email": "csirt@b.example.vn", "languages": "vi", "host_names": f"www.b.example.vn\n{HOST}",
            "published": True})
    assert HOST in error.value.message_dict["host_names"][0]
    assert "AG-A1" not in error.value.message_dict["host_names"][0]  # another tree's mapping is not named
    for bad in ("https://www.b.example.vn", "www.b.example.vn:443", "-bad.example.vn", "localhost", "a b.vn/x"):
        with pytest.raises(ValidationError) as error:
            services_contact.save_contact(world.officer_b, world.province, {
                "email": "csirt@b.example.vn", "languages": "vi", "host_names": bad, "published": True})
        assert "host_names" in error.value.message_dict, bad
    assert not PublicContact.objects.filter(organisation=world.province).exists()
    assert services_contact.normalise_host("Bộ.Example.VN.") == "xn--b-8xm.example.vn"
    # A host that merely ends like a mapped one is not mapped.
    assert services_contact.contact_for_host("ag-a1.example.vn") is None
    assert services_contact.contact_for_host(HOST.upper()) == contact
