"""Edit a client: only the fields you pass change, and None empties a field.

Usage: python examples/edit_client.py CLIENT_ID
"""

import sys

from myengine_client import Client

client_id = int(sys.argv[1])

with Client() as client:
    record = client.clients.update(client_id, city="Leeds", postcode="LS1 4AP", company=None)

print(f"Client {record.id} now lives in {record.city}.")
