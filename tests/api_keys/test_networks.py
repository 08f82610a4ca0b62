"""Allowed source networks: parsing and matching, without HTTP."""

import pytest

from myengine.partners.operations import PartnerError, address_allowed, normalise_cidr


@pytest.mark.parametrize(
    ("cidr", "normalised"),
    [("192.0.2.7/24", "192.0.2.0/24"), ("2001:DB8::/32", "2001:db8::/32"), ("10.0.0.1", "10.0.0.1/32")],
)
def test_cidr_is_normalised(cidr, normalised):
    assert normalise_cidr(cidr) == normalised


@pytest.mark.parametrize("cidr", ["", "300.1.1.1/8", "192.0.2.0/33", "example.com"])
def test_invalid_cidr_is_rejected_naming_it(cidr):
    with pytest.raises(PartnerError, match="is not an IPv4 or IPv6 network"):
        normalise_cidr(cidr)


def test_empty_list_allows_any_address():
    assert address_allowed("203.0.113.9", [])


def test_ipv6_address_matches_ipv6_network():
    assert address_allowed("2001:db8::1", ["2001:db8::/32"])


def test_ipv4_mapped_ipv6_address_matches_ipv4_network():
    assert address_allowed("::ffff:192.0.2.5", ["192.0.2.0/24"])


def test_address_outside_every_network_is_refused():
    assert not address_allowed("198.51.100.1", ["192.0.2.0/24", "2001:db8::/32"])
