"""List every client, walking the pages as the loop reaches them.

Usage: python examples/list_clients.py
"""

from myengine_client import Client

with Client() as client:
    for record in client.clients.list():
        print(record.id, record.username, record.email, record.client_status_id)
