"""Outgoing mail: composing messages from templates and delivering them.

Delivery goes to the SMTP relay named by ``MYENGINE_SMTP_HOST``. Without one (the embedded
default of ``make run``), each message is kept as a file in the maildir ``var/mail``.
"""
