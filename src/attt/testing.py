"""Factories for tests: organisations, users with roles, systems (through the real services)."""

from types import SimpleNamespace

from django.contrib.auth import get_user_model

from attt.inventory import services as inventory
from attt.inventory.addressing import parse_domains, parse_hosts, parse_networks
from attt.tenancy.models import Organisation, RoleAssignment
from attt.tenancy.roles import Role

PASSWORD = "a-long-test-password"



def make_org(code, kind, parent=None, **extra):
    org = Organisation(code=code, kind=kind, parent=parent, name_vi=f"Tổ chức {code}", name_en=f"Organisation {code}", **extra)
    org.save()
    return org


def make_user(username, organisation=None, role=None, **extra):
    user = get_user_model()(username=username, **extra)
    user.set_password(PASSWORD)
    user.save()
    if organisation is not None:
        RoleAssignment.objects.create(user=user, organisation=organisation, role=role)
    return user


def make_system(owner, name, networks=(), domains=(), hosts=(), operator=None, **extra):
    admin = get_user_model()(username="fixture-admin", is_superuser=True, is_active=True)
    data = inventory.SystemInput(
        owner=owner, operator=operator or owner, name=name, system_type=extra.pop("system_type", "online_service"),
        hosting=extra.pop("hosting", "data_centre"), status=extra.pop("status", "operating"),
        networks=parse_networks(list(networks)), domains=parse_domains(list(domains)), hosts=parse_hosts(list(hosts)),
        **extra,
    )
    return inventory.save_system(admin, data)


def build_world():
    """ROOT (regulator) ─┬─ MIN-A (ministry) ── AG-A1 (agency)
                         └─ PRV-B (province) ── UN-B1 (unit)"""
    w = SimpleNamespace()
    w.root = make_org("ROOT", "national_regulator")
    w.ministry = make_org("MIN-A", "ministry", w.root, is_state_body=True)
    w.agency = make_org("AG-A1", "agency", w.ministry)
    w.province = make_org("PRV-B", "province", w.root)
    w.unit = make_org("UN-B1", "unit", w.province)
    w.officer_a = make_user("officer.a", w.ministry, Role.SECURITY_OFFICER)
    w.operator_a1 = make_user("operator.a1", w.agency, Role.OPERATOR)
    w.supervisor_a = make_user("supervisor.a", w.ministry, Role.SUPERVISOR)
    w.auditor_a = make_user("auditor.a", w.ministry, Role.AUDITOR)
    w.admin_a = make_user("admin.a", w.ministry, Role.ORG_ADMIN)
    w.officer_b = make_user("officer.b", w.province, Role.SECURITY_OFFICER)
    w.admin_b = make_user("admin.b", w.province, Role.ORG_ADMIN)
    w.regulator = make_user("regulator", w.root, Role.REGULATOR)
    w.platform_admin = make_user("platform", is_superuser=True, is_staff=True)
    w.nobody = make_user("nobody")
    w.system_a = make_system(w.agency, "Hệ thống Alpha-Zq7 của A1", networks=["10.1.0.0/24"], domains=["alpha.a1.gov.vn"],
                             hosts=["alpha01 10.1.0.10"])
    w.system_b = make_system(w.unit, "Hệ thống Beta-Kx3 của B1", networks=["10.2.0.0/24"], domains=["beta.b1.gov.vn"],
                             hosts=["beta01 10.2.0.10"])
    return w



def browser_log_in(page, username, password=PASSWORD):
    """Log in through the login page in a Playwright tab (browser tests); any earlier session ends."""
    import re

    from playwright.sync_api import expect

    page.context.clear_cookies()
    page.goto("/accounts/login/")
    form = page.locator("main form")
    form.locator('input[name="username"]').fill(username)
    form.locator('input[name="password"]').fill(password)
    form.locator('button[type="submit"]').click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
