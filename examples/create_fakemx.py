"""Create a fakeMX service (a decoy lowest-priority MX that always replies 451).

Usage: python examples/create_fakemx.py CLIENT_ID DOMAIN
"""

import sys

from myengine_client import Client

client_id, domain = int(sys.argv[1]), sys.argv[2]

with Client() as client:
    service = client.fakemxs.create(client_id=client_id, service_name="fakemx", domain=domain)

print(f"fakeMX service {service.id} guards {service.domain}.")
