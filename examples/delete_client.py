"""Delete a client: it is disabled, its services suspended and its personal data anonymised later.

Usage: python examples/delete_client.py CLIENT_ID
"""

import sys

from myengine_client import Client

client_id = int(sys.argv[1])

with Client() as client:
    record = client.clients.delete(client_id)

print(
    f"Client {record.id} is deleted. "
    f"Its personal data is anonymised after {record.anonymise_after}."
)
