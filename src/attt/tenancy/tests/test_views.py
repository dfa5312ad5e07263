import pytest

from attt.inventory.models import InformationSystem
from attt.tenancy.models import Organisation, RoleAssignment


@pytest.fixture(autouse=True)
def _english_pages(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def test_org_admin_builds_the_subtree_and_assigns_roles(world, login):
    client = login(world.admin_a)
    response = client.post("/organisations/new/", {"code": "ag-a9", "kind": "agency", "parent": world.ministry.pk,
                                                    "name_vi": "Cục Chín", "name_en": "Ninth Department"})
    assert response.status_code == 302 and response["Location"] == "/organisations/AG-A9/"
    child = Organisation.objects.get(code="AG-A9")
    assert child.parent == world.ministry and child.path.startswith(world.ministry.path)

    response = client.post("/organisations/AG-A9/roles/", {"username": "can.bo.moi", "role": "security_officer",
                                                          "full_name": "Cán bộ Mới", "password": "mat-khau-du-dai-2026"})
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user__username="can.bo.moi")
    assert assignment.organisation == child
    page = client.get("/organisations/AG-A9/").content.decode()
    assert "Cán bộ Mới" in page

    client.post(f"/roles/{assignment.pk}/revoke/")
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert client.post("/organisations/AG-A9/delete/").status_code == 302
    assert not Organisation.objects.filter(code="AG-A9").exists()


def test_organisation_with_systems_cannot_be_deleted(world, login):
    client = login(world.admin_a)
    response = client.post("/organisations/AG-A1/delete/", follow=True)
    assert "still owns or operates" in response.content.decode()
    assert Organisation.objects.filter(code="AG-A1").exists()


def test_organisation_cannot_move_under_its_own_subtree(world, login):
    client = login(world.platform_admin)
    response = client.post("/organisations/MIN-A/edit/", {"code": "MIN-A", "kind": "ministry", "parent": world.agency.pk,
                                                         "name_vi": "Bộ A"})
    assert response.status_code == 200  # the form comes back with the error
    world.ministry.refresh_from_db()
    assert world.ministry.parent == world.root


def test_switcher_narrows_every_list_to_one_subtree(world, login):
    client = login(world.regulator)
    assert "Alpha-Zq7" in client.get("/systems/").content.decode()
    client.post("/switch-organisation/", {"organisation": "PRV-B", "next": "/systems/"})
    page = client.get("/systems/").content.decode()
    assert "Beta-Kx3" in page and "Alpha-Zq7" not in page
    client.post("/switch-organisation/", {"organisation": "", "next": "https://evil.example/"})
    assert "Alpha-Zq7" in client.get("/systems/").content.decode()


def test_system_form_shows_field_errors_and_keeps_nothing(world, login):
    client = login(world.officer_a)
    count = InformationSystem.objects.count()
    response = client.post("/systems/new/", {
        "owner": world.agency.pk, "operator": world.agency.pk, "name": "Thử lỗi", "system_type": "internal",
        "hosting": "cloud", "status": "operating", "networks_text": "10.1.0.0/25\n10.5.0.1/24", "domains_text": "x",
        "hosts_text": "", "data_subjects_basic": 0, "data_subjects_sensitive": 0,
    })
    page = response.content.decode()
    assert response.status_code == 200
    assert "did you mean 10.5.0.0/24" in page and "not a valid domain name" in page
    assert InformationSystem.objects.count() == count


def test_htmx_search_returns_only_rows(world, login):
    client = login(world.officer_a)
    response = client.get("/systems/?q=alpha", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Alpha-Zq7" in body and "<html" not in body
