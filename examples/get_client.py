"""Show one client, whatever its state.

Usage: python examples/get_client.py CLIENT_ID
"""

import sys

from myengine_client import Client, NotFoundError

client_id = int(sys.argv[1])

with Client() as client:
    try:
        record = client.clients.get(client_id)
    except NotFoundError as error:
        sys.exit(f"{error.message} (request id {error.request_id})")

print(record.model_dump_json(indent=2, exclude_unset=True))
