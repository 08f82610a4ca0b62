"""Print the tariff: every package, its product and cost, and your credit balance.

Usage: python examples/read_tariff.py
"""

from myengine_client import Client

with Client() as client:
    tariff = client.live_services.service_names()

for package in tariff.packages:
    print(
        f"{package.service_name:<16} {package.product:<10} {package.credits:>4} credits  "
        f"{package.description}"
    )
print(f"Your balance: {tariff.credit} credits")
