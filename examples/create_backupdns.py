"""Create a backupDNS service: a secondary zone fed by transfers from the client's master servers.

Usage: python examples/create_backupdns.py CLIENT_ID ZONE MASTER_ADDRESS [MASTER_ADDRESS ...]
"""

import sys

from myengine_client import Client

client_id, zone, masters = int(sys.argv[1]), sys.argv[2], sys.argv[3:]

with Client() as client:
    service = client.backupdns.create(
        client_id=client_id, service_name="backupdns", domain=zone, master_addresses=masters
    )

print(
    f"backupDNS service {service.id} transfers {service.domain} "
    f"from {', '.join(service.master_addresses or [])}."
)
