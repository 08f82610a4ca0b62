"""Create a client.

Usage: python examples/create_client.py USERNAME EMAIL
Every example reads MYENGINE_URL, MYENGINE_PARTNER_ID and MYENGINE_API_KEY.
"""

import sys

from myengine_client import Client

username, email = sys.argv[1], sys.argv[2]

with Client() as client:
    created = client.clients.create(
        username=username, email=email, firstname="Fred", surname="Bloggs", country="GB"
    )

print(f"Created client {created.id} ({created.username}).")
