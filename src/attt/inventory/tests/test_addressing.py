import pytest
from django.core.exceptions import ValidationError

from attt.inventory.addressing import parse_domain, parse_host, parse_network, parse_networks, split_list


def test_ipv4_and_ipv6_ranges_are_normalised():
    net = parse_network(" 10.0.0.0/24 ")
    assert (net.cidr, net.ip_version, net.first_address, net.last_address) == ("10.0.0.0/24", 4, "0a000000", "0a0000ff")
    v6 = parse_network("2001:DB8::/32")
    assert v6.cidr == "2001:db8::/32" and v6.ip_version == 6 and len(v6.first_address) == 32
    assert parse_network("192.0.2.7").cidr == "192.0.2.7/32"


@pytest.mark.parametrize("text,fragment", [
    ("10.0.0.300/24", "not a valid IP range"),
    ("10.0.0.1/24", "did you mean 10.0.0.0/24"),
    ("banana", "not a valid IP range"),
    ("10.0.0.0/33", "not a valid IP range"),
])
def test_bad_ranges_get_clear_messages(text, fragment):
    with pytest.raises(ValidationError) as exc:
        parse_network(text)
    assert fragment in exc.value.messages[0]


def test_overlap_inside_one_list_is_refused():
    with pytest.raises(ValidationError) as exc:
        parse_networks(["10.0.0.0/16", "10.0.5.0/24"])
    assert "overlap" in exc.value.messages[0]
    assert len(parse_networks(["10.0.0.0/24", "10.0.1.0/24", "2001:db8::/64"])) == 3


def test_ipv4_and_ipv6_never_overlap():
    assert not parse_network("0.0.0.0/0").overlaps(parse_network("::/0"))


def test_domains():
    assert parse_domain("Portal.Example.GOV.vn.") == "portal.example.gov.vn"
    assert parse_domain("bộtàichính.vn") == "bộtàichính.vn"
    for bad in ("localhost", "-bad.vn", "a..vn", "10.0.0.1", "x" * 64 + ".vn"):
        with pytest.raises(ValidationError):
            parse_domain(bad)


def test_hosts():
    assert parse_host("web01 10.0.0.5").as_text() == "web01 10.0.0.5"
    assert parse_host("2001:db8::5").ip_address == "2001:db8::5"
    assert parse_host("DB01").hostname == "db01"
    for bad in ("a b c", "10.0.0.1 10.0.0.2", "bad/name"):
        with pytest.raises(ValidationError):
            parse_host(bad)


def test_split_list_accepts_lines_semicolons_and_commas():
    assert split_list("a; b,c\n d\r\n") == ["a", "b", "c", "d"]
    assert split_list(None) == []
