"""Job handlers that send the portal's mail and the clients' verification mail.

Each handler issues its one-time token in a short transaction and sends the message after
the commit, so a slow relay never holds a database lock. A failed send raises, and the
worker retries the job; the token of the failed attempt is simply never used. A job that
runs twice sends two messages, each with a working link.
"""

from email.message import EmailMessage

import structlog

from myengine.clients.models import Client
from myengine.db.engine import Database
from myengine.jobs.models import Job
from myengine.jobs.registry import job_handler
from myengine.mail.compose import compose
from myengine.mail.transport import deliver, settings_for
from myengine.partners.models import Partner
from myengine.portal import tokens
from myengine.portal.accounts import CONFIRM_EMAIL_JOB, PASSWORD_RESET_JOB, SIGNUP_EXISTING_JOB
from myengine.portal.models import PortalUser, TokenPurpose
from myengine.portal.verification_requests import CLIENT_VERIFICATION_JOB
from myengine.settings import Settings

log = structlog.get_logger()

PRODUCT_NAME = "my-engine"


def _link(settings: Settings, path: str) -> str:
    return settings.public_url.rstrip("/") + path


def _expiry(issued: tokens.IssuedToken) -> str:
    return issued.expires.strftime("%Y-%m-%d %H:%M")


def _platform_message(settings: Settings, user_email: str, *, template: str, subject: str,
                      context: dict) -> EmailMessage:  # type: ignore[type-arg]
    return compose(
        template=template,
        context={"product_name": PRODUCT_NAME, **context},
        subject=subject,
        to=user_email,
        from_name=settings.mail_from_name,
        from_address=settings.mail_from_address,
    )


@job_handler(CONFIRM_EMAIL_JOB)
def send_confirmation(database: Database, job: Job) -> None:
    settings = settings_for(database)
    with database.write(operator=True) as session:
        user = session.get(PortalUser, job.payload["user_id"])
        if user is None or user.email_confirmed is not None:
            log.info("mail.skipped", template="portal_confirm_email", reason="nothing_to_confirm")
            return
        partner = session.get(Partner, user.partner_id)
        issued = tokens.issue(session, TokenPurpose.CONFIRM_EMAIL, partner_id=user.partner_id,
                              user_id=user.id, email=user.email)
        message = _platform_message(
            settings, user.email, template="portal_confirm_email",
            subject=f"Confirm your {PRODUCT_NAME} partner account",
            context={
                "contact_name": user.contact_name,
                "company": partner.name if partner else "",
                "link": _link(settings, f"/portal/confirm/{issued.token}"),
                "expires": _expiry(issued),
            },
        )
    deliver(settings, message)


@job_handler(SIGNUP_EXISTING_JOB)
def send_signup_notice(database: Database, job: Job) -> None:
    settings = settings_for(database)
    with database.write(operator=True) as session:
        user = session.get(PortalUser, job.payload["user_id"])
        if user is None:
            log.info("mail.skipped", template="portal_signup_existing", reason="no_account")
            return
        context = {
            "contact_name": user.contact_name,
            "login_link": _link(settings, "/portal/login"),
            "reset_link": _link(settings, "/portal/reset"),
            "confirm_link": None,
            "confirm_expires": None,
        }
        if user.email_confirmed is None:
            issued = tokens.issue(session, TokenPurpose.CONFIRM_EMAIL, partner_id=user.partner_id,
                                  user_id=user.id, email=user.email)
            context["confirm_link"] = _link(settings, f"/portal/confirm/{issued.token}")
            context["confirm_expires"] = _expiry(issued)
        message = _platform_message(
            settings, user.email, template="portal_signup_existing",
            subject=f"Sign-up attempt for your {PRODUCT_NAME} partner account", context=context,
        )
    deliver(settings, message)


@job_handler(PASSWORD_RESET_JOB)
def send_password_reset(database: Database, job: Job) -> None:
    settings = settings_for(database)
    with database.write(operator=True) as session:
        user = session.get(PortalUser, job.payload["user_id"])
        if user is None:
            log.info("mail.skipped", template="portal_password_reset", reason="no_account")
            return
        issued = tokens.issue(session, TokenPurpose.RESET_PASSWORD, partner_id=user.partner_id,
                              user_id=user.id, email=user.email)
        message = _platform_message(
            settings, user.email, template="portal_password_reset",
            subject=f"Reset the password of your {PRODUCT_NAME} partner account",
            context={
                "contact_name": user.contact_name,
                "link": _link(settings, f"/portal/reset/{issued.token}"),
                "expires": _expiry(issued),
            },
        )
    deliver(settings, message)


@job_handler(CLIENT_VERIFICATION_JOB)
def send_client_verification(database: Database, job: Job) -> None:
    """Mail the client a verification link in the partner's name, with Reply-To the partner."""
    settings = settings_for(database)
    partner_id = job.payload["partner_id"]
    with database.write(partner_id=partner_id) as session:
        client = session.get(Client, job.payload["client_id"])
        partner = session.get(Partner, partner_id)
        if client is None or partner is None or client.verified or client.deleted is not None \
                or not client.email:
            log.info("mail.skipped", template="client_verification", reason="nothing_to_verify",
                     client_id=job.payload["client_id"])
            return
        issued = tokens.issue(session, TokenPurpose.VERIFY_CLIENT, partner_id=partner_id,
                              client_id=client.id, email=client.email)
        name = " ".join(part for part in (client.firstname, client.surname) if part)
        message = compose(
            template="client_verification",
            context={
                "name": name,
                "partner_name": partner.name,
                "link": _link(settings, f"/portal/verify/{issued.token}"),
                "expires": _expiry(issued),
            },
            subject=f"{partner.name}: confirm your email address",
            to=client.email,
            from_name=partner.name,
            from_address=settings.mail_from_address,
            reply_to=partner.email,
        )
    deliver(settings, message)
