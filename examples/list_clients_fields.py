"""List every client with only the fields you need, which makes each page smaller.

Usage: python examples/list_clients_fields.py
"""

from myengine_client import Client

with Client() as client:
    for record in client.clients.list(fields=["id", "username", "active"]):
        print(record.to_dict())
