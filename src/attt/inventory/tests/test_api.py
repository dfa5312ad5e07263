import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from attt.inventory.models import InformationSystem
from attt.tenancy.models import AuditEntry
from attt.testing import PASSWORD

NEW_SYSTEM = {
    "owner": "AG-A1", "name": "Hệ thống qua API", "system_type": "online_service", "hosting": "cloud",
    "information_classes": ["public", "personal"], "data_subjects_basic": 150000,
    "hosts": [{"hostname": "api01", "ip_address": "10.8.0.10"}], "networks": ["10.8.0.0/24", "2001:db8:8::/48"],
    "domains": ["api.a1.gov.vn"], "go_live_date": "2025-01-15",
}


def token_client(user):
    client = APIClient()
    token = Token.objects.create(user=user)
    # Messages follow Accept-Language (Vietnamese by default); these tests read the English ones.
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE="en")
    return client


def test_token_is_obtained_with_a_password(world):
    response = APIClient().post("/api/auth/token/", {"username": "officer.a", "password": PASSWORD})
    assert response.status_code == 200 and len(response.json()["token"]) == 40


def test_create_read_update_delete_a_system_by_token(world):
    client = token_client(world.officer_a)
    response = client.post("/api/systems/", NEW_SYSTEM, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["owner"] == "AG-A1" and body["operator"] == "AG-A1"
    assert body["networks"] == ["10.8.0.0/24", "2001:db8:8::/48"]
    assert body["hosts"] == [{"hostname": "api01", "ip_address": "10.8.0.10"}]
    pk = body["id"]
    # The actor of an API write is the token's user.
    entry = AuditEntry.objects.filter(anchor=f"inventory.informationsystem:{pk}", action="create").first()
    assert entry.actor_username == "officer.a"

    response = client.patch(f"/api/systems/{pk}/", {"status": "retired", "domains": []}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "retired" and response.json()["domains"] == []
    assert response.json()["networks"] == ["10.8.0.0/24", "2001:db8:8::/48"]  # untouched by PATCH

    assert client.delete(f"/api/systems/{pk}/").status_code == 204
    assert not InformationSystem.objects.filter(pk=pk).exists()


def test_validation_errors_are_field_level(world):
    client = token_client(world.officer_a)
    response = client.post("/api/systems/", {**NEW_SYSTEM, "networks": ["10.1.0.0/25"]}, format="json")
    assert response.status_code == 400
    assert "overlaps 10.1.0.0/24" in response.json()["networks"][0]
    response = client.post("/api/systems/", {**NEW_SYSTEM, "networks": ["10.8.0.1/24"], "owner": "NOPE"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"owner"}
    response = client.post("/api/systems/", {**NEW_SYSTEM, "networks": ["10.8.0.1/24"]}, format="json")
    assert "did you mean 10.8.0.0/24" in response.json()["networks"][0]


def test_read_only_roles_get_403_on_write(world):
    client = token_client(world.supervisor_a)
    assert client.get(f"/api/systems/{world.system_a.pk}/").status_code == 200
    assert client.post("/api/systems/", NEW_SYSTEM, format="json").status_code == 403
    assert client.delete(f"/api/systems/{world.system_a.pk}/").status_code == 403


def test_import_and_export_through_the_api(world):
    client = token_client(world.officer_a)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Owner code", "Name", "Type", "Hosting", "IP ranges"])
    writer.writerow(["AG-A1", "Nhập qua API", "internal", "cloud", "10.9.0.0/24"])
    writer.writerow(["AG-A1", "Dòng lỗi", "internal", "moon", "10.9.0.0/24"])
    upload = SimpleUploadedFile("s.csv", buffer.getvalue().encode(), content_type="text/csv")
    response = client.post("/api/systems/import/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    problems = response.json()["problems"]
    assert {(p["row"], p["column"]) for p in problems} == {(3, "Hình thức triển khai")}
    assert "moon" in problems[0]["message"]
    assert not InformationSystem.objects.filter(name="Nhập qua API").exists()

    good = "\n".join(buffer.getvalue().splitlines()[:2]) + "\n"
    upload = SimpleUploadedFile("s.csv", good.encode(), content_type="text/csv")
    response = client.post("/api/systems/import/", {"file": upload, "organisation": "AG-A1"}, format="multipart")
    assert response.status_code == 201 and response.json() == {"created": 1, "updated": 0}

    response = client.get("/api/systems/export/?file_format=csv")
    text = response.content.decode("utf-8-sig")
    assert "Nhập qua API" in text and world.system_b.name not in text
    assert client.get("/api/systems/export/?file_format=pdf").status_code == 400
    assert client.get("/api/systems/template/")["Content-Type"].startswith("application/vnd.openxmlformats")


def test_organisations_and_roles_through_the_api(world):
    client = token_client(world.admin_a)
    response = client.post("/api/organisations/", {"code": "ag-a2", "kind": "agency", "parent": "MIN-A", "name_vi": "Cục mới"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["code"] == "AG-A2" and response.json()["depth"] == 2
    response = client.post("/api/role-assignments/", {"username": "new.person", "organisation": "AG-A2", "role": "operator",
                                                      "password": "a-long-enough-password"}, format="json")
    assert response.status_code == 201, response.json()
    response = client.post("/api/organisations/", {"code": "TOP", "kind": "ministry", "name_vi": "Bộ mới"}, format="json")
    assert response.status_code == 403  # only a platform administrator creates top-level organisations
    me = client.get("/api/me/").json()
    assert me["roles"] == [{"organisation": "MIN-A", "role": "org_admin"}]


def test_openapi_schema_and_docs_are_served_locally(world, client):
    client.force_login(world.officer_a)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/systems/import/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "drf_spectacular_sidecar" in docs or "/static/" in docs
    assert "cdn" not in docs.lower()
    assert client.get("/api/redoc/").status_code == 200


def test_api_messages_are_vietnamese_by_default(world):
    client = token_client(world.officer_a)
    client.credentials(HTTP_AUTHORIZATION=client._credentials["HTTP_AUTHORIZATION"])
    response = client.post("/api/systems/", {**NEW_SYSTEM, "networks": ["10.1.0.0/25"]}, format="json")
    assert "chồng lấn" in response.json()["networks"][0]


def test_anonymous_api_calls_are_refused(world):
    assert APIClient().get("/api/systems/").status_code in (401, 403)
