"""Find clients whose username starts with a prefix and that are not deleted.

Usage: python examples/search_clients.py PREFIX
"""

import sys

from myengine_client import Client, ClientStatus

prefix = sys.argv[1]

with Client() as client:
    matches = client.clients.list(
        search={"username LIKE": f"{prefix}%", "client_status_id <": ClientStatus.DELETED.value},
        fields=["id", "username"],
    )
    for record in matches:
        print(record.id, record.username)
