"""Suspend a client; each of its live services is suspended too.

Usage: python examples/suspend_client.py CLIENT_ID
"""

import sys

from myengine_client import Client

client_id = int(sys.argv[1])

with Client() as client:
    record = client.clients.suspend(client_id)

print(f"Client {record.id} is suspended (client_status_id {record.client_status_id}).")
