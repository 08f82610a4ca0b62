"""Unsuspend one live service; a suspension by the platform stays and raises PermissionDeniedError.

Usage: python examples/unsuspend_service.py SERVICE_ID
"""

import sys

from myengine_client import Client

service_id = int(sys.argv[1])

with Client() as client:
    service = client.live_services.unsuspend(service_id)

print(f"Service {service.id} is {service.status}.")
