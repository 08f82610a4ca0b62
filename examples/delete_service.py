"""Delete (terminate) one live service; its history is kept.

Usage: python examples/delete_service.py SERVICE_ID
"""

import sys

from myengine_client import Client

service_id = int(sys.argv[1])

with Client() as client:
    service = client.live_services.delete(service_id)

print(f"Service {service.id} is {service.status} since {service.deleted}.")
