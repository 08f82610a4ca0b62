"""Create a proFilter service (inbound spam and virus filter) for 20 mailboxes.

Usage: python examples/create_profilter.py CLIENT_ID DOMAIN
"""

import sys

from myengine_client import Client

client_id, domain = int(sys.argv[1]), sys.argv[2]

with Client() as client:
    service = client.profilters.create(
        client_id=client_id, service_name="profilter-25", domain=domain, mailboxes=20
    )

print(f"proFilter service {service.id} filters {service.domain} for {service.mailboxes} mailboxes.")
