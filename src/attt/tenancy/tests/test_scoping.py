import pytest

from attt.inventory.models import InformationSystem
from attt.tenancy.models import AuditEntry, Organisation, RoleAssignment
from attt.tenancy.roles import READ_ONLY_ROLES, ROLE_PERMISSIONS, Permission, Role
from attt.tenancy.scoping import UserScope, scope_for


def codes(queryset):
    return sorted(o.code for o in queryset)


def test_organisation_paths_make_subtrees(world):
    assert world.agency.path == f"/{world.root.pk}/{world.ministry.pk}/{world.agency.pk}/"
    assert world.agency.depth == 2
    assert codes(Organisation.objects.subtree(world.ministry)) == ["AG-A1", "MIN-A"]


def test_role_reaches_the_whole_subtree_and_nothing_else(world):
    assert codes(Organisation.objects.visible_to(world.officer_a)) == ["AG-A1", "MIN-A"]
    assert codes(Organisation.objects.visible_to(world.officer_b)) == ["PRV-B", "UN-B1"]
    assert list(InformationSystem.objects.visible_to(world.officer_a)) == [world.system_a]
    assert list(InformationSystem.objects.visible_to(world.officer_b)) == [world.system_b]


def test_regulator_at_the_root_sees_everything_but_writes_nothing(world):
    assert Organisation.objects.visible_to(world.regulator).count() == 5
    assert InformationSystem.objects.visible_to(world.regulator).count() == 2
    assert not InformationSystem.objects.editable_by(world.regulator, Permission.EDIT_INVENTORY).exists()


def test_user_without_roles_sees_nothing(world):
    for model in (Organisation, InformationSystem, RoleAssignment, AuditEntry):
        assert not model.objects.visible_to(world.nobody).exists()



def test_read_only_roles_are_exactly_supervisor_regulator_auditor():
    assert READ_ONLY_ROLES == {Role.SUPERVISOR, Role.AUDITOR}
    # An incident responder changes nothing in the inventory or levels; it imports scans, triages
    # findings and works incident cases (sending the reports is the officer's, head's or operator's).
    assert ROLE_PERMISSIONS[Role.INCIDENT_RESPONDER] == {Permission.VIEW, Permission.IMPORT_SCANS,
                                                         Permission.TRIAGE_FINDINGS, Permission.HANDLE_INCIDENTS}
    # The regulator edits nothing an organisation owns; it appraises level 4–5 dossiers and
    # acknowledges the incident reports it receives; it prepares and approves its own periodic
    # reports (the national consolidation), never an organisation's (reports.services).
    assert ROLE_PERMISSIONS[Role.REGULATOR] == {Permission.VIEW, Permission.APPRAISE_LEVEL_DOSSIER,
                                                Permission.ACKNOWLEDGE_REPORTS, Permission.PREPARE_REPORTS,
                                                Permission.APPROVE_REPORTS}


def test_scope_collapses_nested_paths(world):
    RoleAssignment.objects.create(user=world.officer_a, organisation=world.agency, role=Role.OPERATOR)
    scope = UserScope(world.officer_a)
    assert scope.paths_with(Permission.VIEW) == [world.ministry.path]


def test_moving_an_organisation_moves_its_subtree(world):
    world.ministry.parent = world.province
    world.ministry.save()
    world.agency.refresh_from_db()
    assert world.agency.path.startswith(world.province.path)
    assert world.agency.depth == 3
    assert "AG-A1" in codes(Organisation.objects.visible_to(world.officer_b))


def test_scope_is_cached_per_user_object(world):
    assert scope_for(world.officer_a) is scope_for(world.officer_a)


@pytest.mark.parametrize("role,can_edit", [
    (Role.SECURITY_OFFICER, True), (Role.HEAD, True), (Role.OPERATOR, True), (Role.ORG_ADMIN, True),
    (Role.SUPERVISOR, False), (Role.REGULATOR, False), (Role.AUDITOR, False), (Role.INCIDENT_RESPONDER, False),
])
def test_edit_permission_by_role(world, role, can_edit):
    from attt.testing import make_user

    user = make_user(f"user-{role}", world.ministry, role)
    assert scope_for(user).can(Permission.EDIT_INVENTORY, world.agency) is can_edit
    assert scope_for(user).can(Permission.VIEW, world.agency)
    assert not scope_for(user).can(Permission.VIEW, world.unit)

def test_operator_organisation_tree_sees_the_system_it_runs(world):
    from attt.testing import make_system

    shared = make_system(world.ministry, "Hệ thống vận hành hộ", operator=world.unit)
    assert shared in InformationSystem.objects.visible_to(world.officer_b)
    assert shared in InformationSystem.objects.visible_to(world.officer_a)
