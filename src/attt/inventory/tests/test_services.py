import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from attt.inventory import services
from attt.inventory.addressing import parse_networks
from attt.inventory.models import InformationSystem, SystemNetwork
from attt.tenancy.models import AuditEntry
from attt.testing import make_system


def data_for(owner, name="Hệ thống mới", networks=()):
    return services.SystemInput(
        owner=owner, operator=owner, name=name, system_type="internal", hosting="cloud", status="operating",
        hosting_provider="Viettel Cloud", networks=parse_networks(list(networks)),
    )


def test_security_officer_creates_a_system_in_their_subtree(world):
    system = services.save_system(world.officer_a, data_for(world.agency, networks=["10.9.0.0/24"]))
    assert system.owner == world.agency
    assert SystemNetwork.objects.get(system=system).last_address == "0a0900ff"


@pytest.mark.parametrize("user_attr", ["officer_b", "supervisor_a", "auditor_a", "regulator", "nobody"])
def test_others_may_not_create_or_change(world, user_attr):
    user = getattr(world, user_attr)
    with pytest.raises(PermissionDenied):
        services.save_system(user, data_for(world.agency))
    before = InformationSystem.objects.get(pk=world.system_a.pk).name
    with pytest.raises(PermissionDenied):
        services.save_system(user, data_for(world.agency, name="đổi tên"), instance=world.system_a)
    with pytest.raises(PermissionDenied):
        services.delete_system(user, world.system_a)
    assert InformationSystem.objects.get(pk=world.system_a.pk).name == before


def test_overlapping_range_in_the_same_organisation_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.save_system(world.officer_a, data_for(world.agency, networks=["10.1.0.128/25"]))
    assert "overlaps 10.1.0.0/24" in exc.value.message_dict["networks"][0]
    # The same range elsewhere in the country is another organisation's business.
    make_system(world.ministry, "Hệ thống Bộ", networks=["10.1.0.128/25"])


def test_same_name_twice_in_one_owner_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.save_system(world.officer_a, data_for(world.agency, name=world.system_a.name))
    assert "already has a system" in exc.value.message_dict["name"][0]


def test_failed_save_leaves_nothing_half_written(world):
    count, entries = InformationSystem.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        services.save_system(world.officer_a, data_for(world.agency, name="Trùng dải", networks=["10.1.0.0/24"]))
    assert InformationSystem.objects.count() == count
    assert AuditEntry.objects.count() == entries


def test_updating_parts_keeps_history_on_the_system(world):
    data = data_for(world.agency, name=world.system_a.name, networks=["10.1.0.0/24", "10.1.1.0/24"])
    data.domains = ["alpha.a1.gov.vn", "new.a1.gov.vn"]
    services.save_system(world.officer_a, data, instance=world.system_a)
    history = services.system_history(world.system_a)
    types = {e.object_type for e in history}
    assert {"inventory.informationsystem", "inventory.systemnetwork", "inventory.systemdomain", "inventory.systemhost"} <= types
    assert sorted(world.system_a.networks.values_list("cidr", flat=True)) == ["10.1.0.0/24", "10.1.1.0/24"]
    assert not world.system_a.hosts.exists()  # the host list was emptied


def test_unknown_information_class_is_refused(world):
    data = data_for(world.agency)
    data.information_classes = ["public", "top_secret"]
    with pytest.raises(ValidationError) as exc:
        services.save_system(world.officer_a, data)
    assert "top_secret" in exc.value.message_dict["information_classes"][0]
