"""Resource namespaces of the clients: ``clients``, ``live_services`` and one per product."""
