"""The dashboard pages and API: drilling down with ?org inside the user's scope (it moves the
organisation switcher, so the record lists the figures link to show the same subtree), 404 outside
it, the links behind the figures, and tree B never seeing tree A on any page, export or API."""

import io
import re
import xml.etree.ElementTree as ET
import zipfile

import pytest

from attt.tenancy.access import CURRENT_ORG_SESSION_KEY

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
MARKERS = ("Alpha-Zq7", "Alpha-2", "AG-A1", "MIN-A", "Mã độc Alpha")
PAGES = ["/dashboard/", "/dashboard/ranking/", "/dashboard/ranking/?all=1", "/dashboard/overdue/",
         "/dashboard/?export=csv", "/dashboard/?export=xlsx", "/dashboard/ranking/?export=csv",
         "/dashboard/ranking/?all=1&export=xlsx", "/dashboard/overdue/?export=csv", "/dashboard/overdue/?export=xlsx",
         "/api/dashboard/summary/", "/api/dashboard/ranking/", "/api/dashboard/ranking/?all=1", "/"]


def text(response):
    content = response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist() if n.endswith(".xml"))
    return content.decode("utf-8-sig")


def test_drill_down_inside_the_scope_moves_the_switcher(data, login):
    client = login(data.supervisor_a)
    response = client.get("/dashboard/?org=ag-a1", **EN)
    assert response.status_code == 200 and response.context["root"] == data.agency
    assert client.session[CURRENT_ORG_SESSION_KEY] == "AG-A1"
    page = response.content.decode()
    assert "AG-A1 – Organisation AG-A1" in page and 'href="?org=MIN-A"' in page  # breadcrumb back up
    # The record list a figure links to now shows the same subtree.
    assert client.get("/obligations/?status=overdue").status_code == 200
    assert client.get("/dashboard/", **EN).context["root"] == data.agency  # remembered
    assert client.get("/dashboard/?org=", **EN).context["root"] == data.ministry  # back to the whole scope
    assert CURRENT_ORG_SESSION_KEY not in client.session


@pytest.mark.parametrize("url", ["/dashboard/?org=PRV-B", "/dashboard/ranking/?org=UN-B1", "/dashboard/overdue/?org=ROOT",
                                 "/dashboard/?org=NO-SUCH", "/api/dashboard/summary/?org=PRV-B",
                                 "/api/dashboard/ranking/?org=ROOT"])
def test_an_organisation_outside_the_scope_is_not_found(data, login, url):
    client = login(data.supervisor_a)
    assert client.get(url).status_code == 404
    assert CURRENT_ORG_SESSION_KEY not in client.session


def test_every_figure_links_to_its_records(data, login):
    client = login(data.regulator)
    page = client.get("/dashboard/?org=ROOT", **EN).content.decode()
    for href in ("/levels/", "/obligations/?tab=rollup", "/obligations/?status=met", "/dashboard/overdue/",
                 "/scans/?overdue=1", "/scans/?severity=critical&amp;overdue=1", "/incidents/?status=open",
                 "/incidents/?status=open&amp;overdue=1", "/incidents/inbox/?pending=1&amp;org=ROOT",
                 "/readiness/maturity/", "/dashboard/?org=MIN-A", "/dashboard/?org=PRV-B", "/incidents/?type=malware",
                 "/dashboard/ranking/?all=1"):
        assert f'href="{href}' in page, href
    assert re.search(r'href="/reports/status/', page)
    # The linked lists agree with the figures.
    assert client.get("/scans/?severity=critical&overdue=1").context["page"].paginator.count == 1
    inbox = client.get("/incidents/inbox/?pending=1&org=ROOT")
    assert inbox.context["page"].paginator.count == 1


def test_the_page_shows_well_formed_accessible_charts(data, login):
    page = login(data.supervisor_a).get("/dashboard/?org=MIN-A", **EN).content.decode()
    svgs = re.findall(r"<svg .*?</svg>", page, flags=re.S)
    assert len(svgs) == 7
    for svg in svgs:
        root = ET.fromstring(svg)
        assert root.get("role") == "img" and root.find("{http://www.w3.org/2000/svg}title").text
    assert "<script" not in page.split("<main", 1)[1]  # no JavaScript in the dashboard itself
    assert "How the compliance score is computed" in page and "CT 18/CT-TTg" in page
    assert '66.7 % <small class="muted">2/3</small>' in page  # the subtree's value of each component


def test_ranking_page_and_overdue_page(data, login):
    client = login(data.regulator)
    ranking = client.get("/dashboard/ranking/?org=ROOT", **EN)
    rows = list(ranking.context["page"])
    assert sorted(row.organisation.code for row in rows) == ["MIN-A", "PRV-B"]
    assert rows[0].score.value >= rows[1].score.value and [row.rank for row in rows] == [1, 2]
    assert "compliance-score.yaml" in ranking.content.decode()
    flat = client.get("/dashboard/ranking/?all=1", **EN)
    assert len(flat.context["page"].object_list) == 5
    overdue = client.get("/dashboard/overdue/?org=MIN-A", **EN)
    page = overdue.content.decode()
    assert overdue.context["page"].paginator.count == 3 and "Alpha-2 Zq7" in page
    assert f'href="/obligations/systems/{data.system_a2.pk}/"' in page
    assert 'href="/obligations/organisations/AG-A1/"' in page
    assert ">30</span>" in page  # days overdue


def test_api_summary_and_ranking(data, login):
    client = login(data.supervisor_a)
    summary = client.get("/api/dashboard/summary/", **EN).json()
    assert summary["organisation"]["code"] == "MIN-A"
    assert summary["figures"]["systems"] == {"counted": 3, "approved": 2, "missing": 1, "approved_share": 66.7}
    assert summary["figures"]["duties"]["by_status"] == {"met": 2, "overdue": 3, "due_soon": 1}
    assert summary["inbox"] == {"received": 1, "pending": 1}
    assert [c["id"] for c in summary["score"]["components"]][0] == "approved_levels"
    assert len(summary["trend"]["quarters"]) == 8 and summary["reports"] is not None
    agency = client.get("/api/dashboard/summary/?org=AG-A1").json()
    assert agency["organisation"]["code"] == "AG-A1" and agency["figures"]["systems"]["counted"] == 2
    ranking = client.get("/api/dashboard/ranking/?all=1").json()
    assert ranking["mode"] == "all" and {row["organisation"]["code"] for row in ranking["rows"]} == {"MIN-A", "AG-A1"}
    assert client.post("/api/dashboard/summary/", {}).status_code == 405
    schema = client.get("/api/schema/").content
    assert b"/api/dashboard/summary/" in schema and b"/api/dashboard/ranking/" in schema
    client.logout()
    assert client.get("/api/dashboard/summary/").status_code in (401, 403)


def test_anonymous_users_are_sent_to_log_in(client):
    for url in ("/dashboard/", "/dashboard/ranking/", "/dashboard/overdue/?export=csv"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_tree_b_never_sees_tree_a(data, login):
    client = login(data.officer_b)
    for url in PAGES:
        response = client.get(url, **EN)
        assert response.status_code == 200, url
        body = text(response)
        leaked = [marker for marker in MARKERS if marker in body]
        assert not leaked, f"{url} shows {leaked}"
    summary = client.get("/api/dashboard/summary/").json()
    assert summary["organisation"]["code"] == "PRV-B" and summary["figures"]["systems"]["counted"] == 1
    assert summary["inbox"] == {"received": 0, "pending": 0}
    for url in ("/dashboard/?org=AG-A1", "/dashboard/ranking/?org=MIN-A&export=csv", "/api/dashboard/summary/?org=MIN-A",
                "/api/dashboard/ranking/?org=AG-A1"):
        assert client.get(url).status_code == 404, url


def test_a_user_without_any_role_sees_empty_dashboards(world, login):
    client = login(world.nobody)
    response = client.get("/dashboard/", **EN)
    assert response.status_code == 200 and response.context["dash"].organisation_count == 0
    assert not any(marker in response.content.decode() for marker in MARKERS)
    assert client.get("/api/dashboard/summary/").json()["figures"]["systems"]["counted"] == 0
