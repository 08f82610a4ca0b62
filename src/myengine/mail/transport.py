"""Deliver a composed message to the configured SMTP relay, or to the local maildir.

Logs name the template, the Message-ID and where the message went, never the recipient.
"""

import mailbox
import smtplib
import ssl
import weakref
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import structlog

from myengine.db.engine import Database
from myengine.settings import Settings, get_settings

log = structlog.get_logger()


class MailDeliveryError(RuntimeError):
    """The relay could not be reached or did not accept the message; sending may be retried."""


@dataclass(frozen=True)
class Delivery:
    transport: str  # "smtp" or "maildir"
    location: str  # host:port of the relay, or the file written in the maildir


def maildir_path(settings: Settings) -> Path:
    return Path(settings.var_dir) / "mail"


def deliver(settings: Settings, message: EmailMessage) -> Delivery:
    """Send ``message`` through the relay when ``smtp_host`` is set, else store it in the maildir."""
    if settings.smtp_host:
        delivery = _send_smtp(settings, message)
        log.info(
            "mail.sent",
            template=message["X-Myengine-Template"],
            message_id=message["Message-ID"],
            relay=delivery.location,
        )
    else:
        delivery = _store(maildir_path(settings), message)
        log.info(
            "mail.stored",
            template=message["X-Myengine-Template"],
            message_id=message["Message-ID"],
            path=delivery.location,
        )
    return delivery


def _send_smtp(settings: Settings, message: EmailMessage) -> Delivery:
    host, port = settings.smtp_host or "", settings.smtp_port
    relay = f"{host}:{port}"
    try:
        with smtplib.SMTP(host, port, timeout=settings.smtp_timeout_seconds) as smtp:
            smtp.ehlo()
            if settings.smtp_starttls:
                if not smtp.has_extn("starttls"):
                    # Sending in the clear would expose credentials and tokens on the wire.
                    raise MailDeliveryError(
                        f"SMTP relay {relay} does not offer STARTTLS; enable it on the relay, "
                        "or set MYENGINE_SMTP_STARTTLS=false for a relay on a trusted network."
                    )
                context = ssl.create_default_context(
                    cafile=str(settings.smtp_ca_file) if settings.smtp_ca_file else None
                )
                smtp.starttls(context=context)
                smtp.ehlo()
            if settings.smtp_username:
                password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
                smtp.login(settings.smtp_username, password)
            smtp.send_message(message)
    except MailDeliveryError:
        raise
    except (OSError, smtplib.SMTPException) as exc:
        raise MailDeliveryError(
            f"Sending through SMTP relay {relay} failed: {type(exc).__name__}: {exc}"
        ) from exc
    return Delivery(transport="smtp", location=relay)


def _store(path: Path, message: EmailMessage) -> Delivery:
    box = mailbox.Maildir(path, create=True)
    key = box.add(message)
    return Delivery(transport="maildir", location=str(path / "new" / key))


# Job handlers receive the database but not the settings, so each app registers its settings
# here against its database. A worker process that never created an app reads them from the
# environment (``get_settings``), as its API servers do.
_settings_by_database: weakref.WeakKeyDictionary[Database, Settings] = weakref.WeakKeyDictionary()


def configure(database: Database, settings: Settings) -> None:
    _settings_by_database[database] = settings


def settings_for(database: Database) -> Settings:
    return _settings_by_database.get(database) or get_settings()
