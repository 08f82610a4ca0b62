"""my-engine: a partner platform for resellers of hosted DNS and mail services."""

__version__ = "0.1.0"
