"""Create a backupMX service that queues mail while the domain's own server is down.

Usage: python examples/create_backupmx.py CLIENT_ID DOMAIN PRIMARY_MAIL_SERVER
"""

import sys

from myengine_client import Client

client_id, domain, primary = int(sys.argv[1]), sys.argv[2], sys.argv[3]

with Client() as client:
    service = client.backupmxs.create(
        client_id=client_id, service_name="backupmx-7", domain=domain, destination=primary
    )

print(
    f"backupMX service {service.id} queues mail for {service.domain} "
    f"and delivers it to {service.destination}."
)
