"""Create a masterDNS service: the platform serves the zone as its primary.

Usage: python examples/create_masterdns.py CLIENT_ID ZONE
"""

import sys

from myengine_client import Client

client_id, zone = int(sys.argv[1]), sys.argv[2]

with Client() as client:
    service = client.masterdns.create(
        client_id=client_id, service_name="masterdns-100", domain=zone
    )

print(f"masterDNS service {service.id} serves {service.domain}.")
