"""Create an outMail service (outbound SMTP relay) and print its SMTP credentials.

The password is in this response only: store it now.

Usage: python examples/create_outmail.py CLIENT_ID DOMAIN
"""

import sys

from myengine_client import Client

client_id, domain = int(sys.argv[1]), sys.argv[2]

with Client() as client:
    service = client.outmails.create(client_id=client_id, service_name="outmail-500", domain=domain)

print(
    f"outMail service {service.id}: "
    f"SMTP user {service.smtp_username}, password {service.smtp_password}"
)
