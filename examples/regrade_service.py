"""Move a service to another package of its product; an upgrade charges the difference.

Usage: python examples/regrade_service.py SERVICE_ID [SERVICE_NAME]
Without SERVICE_NAME, the first package the service may move to is chosen.
"""

import sys

from myengine_client import Client, InsufficientCreditError

service_id = int(sys.argv[1])

with Client() as client:
    targets = client.live_services.get(service_id).regrade_servicenames or []
    target = sys.argv[2] if len(sys.argv) > 2 else targets[0]
    try:
        service = client.live_services.regrade(service_id, target)
    except InsufficientCreditError as error:
        sys.exit(f"Not enough credits: {error.message}")

print(f"Service {service.id} is now on {service.service_name}.")
