"""List one client's live services.

Usage: python examples/list_client_live_services.py CLIENT_ID
"""

import sys

from myengine_client import Client

client_id = int(sys.argv[1])

with Client() as client:
    for service in client.clients.live_services(client_id):
        print(service.id, service.product, service.service_name, service.status, service.domain)
