"""Suspend one live service.

Usage: python examples/suspend_service.py SERVICE_ID
"""

import sys

from myengine_client import Client

service_id = int(sys.argv[1])

with Client() as client:
    service = client.live_services.suspend(service_id)

print(f"Service {service.id} is {service.status} ({', '.join(service.suspension_causes or [])}).")
