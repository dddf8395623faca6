"""What IAM condition values and resource patterns match, judged by meaning rather than spelling.

- IP ranges (``IpAddress`` / ``NotIpAddress``): a set of ranges that together covers all of IPv4 or
  all of IPv6 (``0.0.0.0/1`` + ``128.0.0.0/1``, ``::/0``, IPv4-mapped ``::ffff:0:0/96``) allows any
  network. Computed with :mod:`ipaddress` (collapsed ranges). A value that is not an address or a
  range cannot be judged, so it is taken as "any network" (it never proves a restriction).
- Glob patterns (``StringLike`` values, ``Resource`` names; ``*`` any run, ``?`` one character): a
  pattern with no letter or digit (``*``, ``**``, ``*?*``, ``*@*``, ``*@*.*``) pins neither a name nor
  a domain, so it matches any real value; a pattern with one (``*@example.com``) restricts.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any, Final

_IPV4_MAPPED: Final = ipaddress.IPv6Network("::ffff:0:0/96")
_ALL_IPV4: Final = ipaddress.IPv4Network("0.0.0.0/0")
_ALL_IPV6: Final = ipaddress.IPv6Network("::/0")


def covers_an_address_family(values: Iterable[Any]) -> bool:
    """Whether the ranges together allow every IPv4 address or every IPv6 address."""
    v4: list[ipaddress.IPv4Network] = []
    v6: list[ipaddress.IPv6Network] = []
    for value in values:
        try:
            network = ipaddress.ip_network(str(value).strip(), strict=False)
        except ValueError:
            return True  # not a range: it cannot be shown to restrict anything
        if isinstance(network, ipaddress.IPv6Network) and network.subnet_of(_IPV4_MAPPED):
            first = network.network_address.ipv4_mapped
            if first is not None:
                v4.append(ipaddress.IPv4Network(f"{first}/{max(network.prefixlen - 96, 0)}", strict=False))
        if isinstance(network, ipaddress.IPv4Network):
            v4.append(network)
        else:
            v6.append(network)
    return list(ipaddress.collapse_addresses(v4)) == [_ALL_IPV4] or list(
        ipaddress.collapse_addresses(v6)
    ) == [_ALL_IPV6]


def glob_matches_anything(pattern: str) -> bool:
    """Whether an IAM glob pins nothing: no letter or digit besides its wildcards and separators."""
    return not any(char.isalnum() for char in str(pattern))
