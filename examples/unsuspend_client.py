"""Re-enable a suspended client, then unsuspend each of its services, which stay suspended.

Usage: python examples/unsuspend_client.py CLIENT_ID
"""

import sys

from myengine_client import Client, ServiceStatus

client_id = int(sys.argv[1])

with Client() as client:
    record = client.clients.unsuspend(client_id)
    for service in client.clients.live_services(
        client_id, search={"status": ServiceStatus.SUSPENDED.value}
    ):
        client.live_services.unsuspend(service.id)
        print(f"Service {service.id} is live again.")

print(f"Client {record.id} is enabled (client_status_id {record.client_status_id}).")
