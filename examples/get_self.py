"""Show your own partner record and your Partner Credit balance.

Usage: python examples/get_self.py
"""

from myengine_client import Client

with Client() as client:
    me = client.clients.self()

print(f"Partner {me.id} ({me.company or me.email}) has {me.credit} credits.")
