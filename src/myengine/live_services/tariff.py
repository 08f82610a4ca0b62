"""The default tariff installed by the first migration.

Each package belongs to one product and costs a whole number of Partner Credits per
create; ``limits`` carries the product-specific allowance of the package.
"""

DEFAULT_TARIFF: list[dict] = [
    {"service_name": "outmail-500", "product": "outMail", "credits": 2,
     "description": "Outbound SMTP relay, 500 messages a day",
     "limits": {"messages_per_day": 500}},
    {"service_name": "outmail-5000", "product": "outMail", "credits": 6,
     "description": "Outbound SMTP relay, 5,000 messages a day",
     "limits": {"messages_per_day": 5000}},
    {"service_name": "profilter-5", "product": "proFilter", "credits": 3,
     "description": "Inbound spam and virus filter, up to 5 mailboxes",
     "limits": {"mailboxes": 5}},
    {"service_name": "profilter-25", "product": "proFilter", "credits": 10,
     "description": "Inbound spam and virus filter, up to 25 mailboxes",
     "limits": {"mailboxes": 25}},
    {"service_name": "profilter-100", "product": "proFilter", "credits": 30,
     "description": "Inbound spam and virus filter, up to 100 mailboxes",
     "limits": {"mailboxes": 100}},
    {"service_name": "fakemx", "product": "fakeMX", "credits": 1,
     "description": "Decoy lowest-priority MX that always answers 451",
     "limits": {}},
    {"service_name": "backupmx-7", "product": "backupMX", "credits": 2,
     "description": "Store-and-forward secondary MX, queues mail for 7 days",
     "limits": {"queue_days": 7}},
    {"service_name": "backupmx-30", "product": "backupMX", "credits": 5,
     "description": "Store-and-forward secondary MX, queues mail for 30 days",
     "limits": {"queue_days": 30}},
    {"service_name": "masterdns-100", "product": "masterDNS", "credits": 1,
     "description": "Primary authoritative DNS zone, up to 100 records",
     "limits": {"records": 100}},
    {"service_name": "masterdns-1000", "product": "masterDNS", "credits": 3,
     "description": "Primary authoritative DNS zone, up to 1,000 records",
     "limits": {"records": 1000}},
    {"service_name": "backupdns", "product": "backupDNS", "credits": 1,
     "description": "Secondary DNS zone fed by zone transfer from the client's master",
     "limits": {}},
]
