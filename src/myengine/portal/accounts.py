"""Portal accounts: sign-up, email confirmation, login and password reset.

Sign-up and reset requests return the same outcome whether or not the address has an
account, and cost the same Argon2id work either way, so neither reveals which addresses are
registered. The mail each one sends goes through the jobs queue (``portal.mail_jobs``).
"""

import enum
from dataclasses import dataclass

import structlog
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from myengine.clock import utcnow
from myengine.jobs.queue import enqueue
from myengine.partners.operations import register_partner
from myengine.portal import passwords, sessions, throttle, tokens
from myengine.portal.audit_trail import record
from myengine.portal.models import PortalUser, TokenPurpose

log = structlog.get_logger()

CONFIRM_EMAIL_JOB = "portal.confirm_email"
SIGNUP_EXISTING_JOB = "portal.signup_existing"
PASSWORD_RESET_JOB = "portal.password_reset"


@dataclass(frozen=True)
class SignUpForm:
    company: str
    contact_name: str
    email: str
    password: str


def normalise_email(raw: str) -> str | None:
    """Return the address in lower case, or None when it is not a deliverable-looking address."""
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError:
        return None
    return result.normalized.lower()


def sign_up_problems(form: SignUpForm) -> dict[str, str]:
    """Map each invalid field of the sign-up form to a message that explains how to fix it."""
    problems: dict[str, str] = {}
    if not form.company.strip():
        problems["company"] = "Enter your company's name."
    elif len(form.company.strip()) > 255:
        problems["company"] = "The company name must be at most 255 characters."
    if not form.contact_name.strip():
        problems["contact_name"] = "Enter the name of the person we should write to."
    elif len(form.contact_name.strip()) > 255:
        problems["contact_name"] = "The contact name must be at most 255 characters."
    email = normalise_email(form.email)
    if email is None:
        problems["email"] = "Enter an email address such as ops@reseller.example."
    password_problem = passwords.password_problem(form.password, email=form.email)
    if password_problem:
        problems["password"] = password_problem
    return problems


def find_user(session: Session, email: str) -> PortalUser | None:
    return session.scalar(select(PortalUser).where(PortalUser.email == email.strip().lower()))


def ensure_login(session: Session, *, partner_id: int, email: str, contact_name: str,
                 password: str) -> PortalUser | None:
    """Give the partner a confirmed portal user at ``email`` whose password is ``password``.

    An existing user of the partner at that address gets the new password. Returns None when
    the address belongs to another partner's user. The operator command line uses this for
    the sandbox's demo partner, whose login it prints.
    """
    normalised = normalise_email(email)
    if normalised is None:
        raise ValueError(f"ensure_login needs a valid email address, not {email!r}")
    now = utcnow()
    user = find_user(session, normalised)
    if user is not None and user.partner_id != partner_id:
        return None
    if user is None:
        user = PortalUser(partner_id=partner_id, email=normalised, contact_name=contact_name,
                          created=now)
        session.add(user)
    user.password_hash = passwords.hash_password(password)
    user.password_changed = now
    user.email_confirmed = user.email_confirmed or now
    session.flush()
    log.info("portal.login_ensured", portal_user_id=user.id, partner_id=partner_id)
    return user


def sign_up(session: Session, form: SignUpForm) -> None:
    """Create a partner (API access off) and its first portal user, or mail the existing one.

    The form must have passed ``sign_up_problems``. The caller shows the same page in both
    cases. A partner created here has no credits and no API key until its user makes one.
    """
    email = normalise_email(form.email)
    assert email is not None, "sign_up needs a form that passed sign_up_problems"
    # Hash first, so that an address with an account costs the same time as a new one.
    password_hash = passwords.hash_password(form.password)

    existing = find_user(session, email)
    if existing is not None:
        enqueue(session, SIGNUP_EXISTING_JOB, {"user_id": existing.id},
                dedup_key=f"{SIGNUP_EXISTING_JOB}:{existing.id}")
        log.info("portal.signup_for_existing_account", portal_user_id=existing.id)
        return

    now = utcnow()
    try:
        with session.begin_nested():
            partner = register_partner(
                session, name=form.company.strip(), email=email, credits=0, api_enabled=False
            )
            user = PortalUser(
                partner_id=partner.id,
                email=email,
                contact_name=form.contact_name.strip(),
                password_hash=password_hash,
                created=now,
                password_changed=now,
            )
            session.add(user)
            session.flush()
    except IntegrityError:
        # A concurrent sign-up took the address between the lookup and the insert.
        existing = find_user(session, email)
        if existing is not None:
            enqueue(session, SIGNUP_EXISTING_JOB, {"user_id": existing.id},
                    dedup_key=f"{SIGNUP_EXISTING_JOB}:{existing.id}")
        return

    enqueue(session, CONFIRM_EMAIL_JOB, {"user_id": user.id},
            dedup_key=f"{CONFIRM_EMAIL_JOB}:{user.id}")
    record(session, action="partner.signed_up", subject_type="partner", subject_id=partner.id,
           partner_id=partner.id, portal_user_id=user.id, api_enabled=False)
    log.info("portal.signed_up", partner_id=partner.id, portal_user_id=user.id)


def _confirmation(session: Session, token: str) -> tuple[PortalUser | None, tokens.LinkState]:
    row = tokens.find(session, TokenPurpose.CONFIRM_EMAIL, token)
    if row is None or row.user_id is None:
        return None, tokens.LinkState.INVALID
    user = session.get(PortalUser, row.user_id)
    if user is None:
        return None, tokens.LinkState.INVALID
    if user.email_confirmed is not None and row.used is not None:
        return user, tokens.LinkState.DONE
    if not tokens.is_usable(row, email=user.email):
        return None, tokens.LinkState.INVALID
    return user, tokens.LinkState.PENDING


def confirmation_state(session: Session, token: str) -> tokens.LinkState:
    """Return the status of a confirmation link without changing anything."""
    return _confirmation(session, token)[1]


def confirm_email(session: Session, token: str) -> PortalUser | None:
    """Mark the account's address confirmed; None when the link is unknown, used or expired.

    Following the link again after it confirmed the address returns the account unchanged.
    """
    user, state = _confirmation(session, token)
    if user is None or state is not tokens.LinkState.PENDING:
        return user

    user.email_confirmed = utcnow()
    tokens.use_all(session, TokenPurpose.CONFIRM_EMAIL, user_id=user.id)
    record(session, action="portal_user.email_confirmed", subject_type="partner",
           subject_id=user.partner_id, partner_id=user.partner_id, portal_user_id=user.id)
    log.info("portal.email_confirmed", portal_user_id=user.id)
    return user


class LoginOutcome(enum.Enum):
    SUCCESS = "success"
    INVALID = "invalid"
    UNCONFIRMED = "unconfirmed"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    user: PortalUser | None = None
    retry_after: int | None = None


def log_in(session: Session, *, email: str, password: str, address: str, pepper: bytes) -> LoginResult:
    """Check the credentials under the per-account and per-address limits on failures.

    Failures are recorded in ``session``, so the caller commits whatever the outcome. A
    throttled attempt is refused before the password is checked.
    """
    account = throttle.account_subject(pepper, email)
    origin = throttle.address_subject(pepper, address)
    waits = [
        throttle.retry_after(session, throttle.LOGIN_PER_ACCOUNT, account),
        throttle.retry_after(session, throttle.LOGIN_PER_ADDRESS, origin),
    ]
    if any(wait is not None for wait in waits):
        log.info("portal.login_throttled")
        return LoginResult(LoginOutcome.THROTTLED, retry_after=max(w for w in waits if w))

    user = find_user(session, email) if len(password) <= passwords.MAX_LENGTH else None
    if user is None:
        passwords.burn_verification_time(password[: passwords.MAX_LENGTH])
        matched = False
    else:
        matched = passwords.verify_password(user.password_hash, password)
    if not matched:
        throttle.record(session, throttle.LOGIN_PER_ACCOUNT, account)
        throttle.record(session, throttle.LOGIN_PER_ADDRESS, origin)
        throttle.purge_expired(session)
        log.info("portal.login_failed", portal_user_id=user.id if user else None)
        return LoginResult(LoginOutcome.INVALID)

    assert user is not None
    throttle.forget(session, throttle.LOGIN_PER_ACCOUNT, account)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    if user.email_confirmed is None:
        enqueue(session, CONFIRM_EMAIL_JOB, {"user_id": user.id},
                dedup_key=f"{CONFIRM_EMAIL_JOB}:{user.id}")
        return LoginResult(LoginOutcome.UNCONFIRMED, user=user)

    user.last_login = utcnow()
    log.info("portal.logged_in", portal_user_id=user.id, partner_id=user.partner_id)
    return LoginResult(LoginOutcome.SUCCESS, user=user)


def request_reset(session: Session, *, email: str, address: str, pepper: bytes) -> int | None:
    """Queue a reset mail when the address has an account; return seconds to wait if throttled.

    Every request counts against both limits, with or without an account, so the limits
    reveal nothing either.
    """
    account = throttle.account_subject(pepper, email)
    origin = throttle.address_subject(pepper, address)
    waits = [
        throttle.retry_after(session, throttle.RESET_PER_ACCOUNT, account),
        throttle.retry_after(session, throttle.RESET_PER_ADDRESS, origin),
    ]
    if any(wait is not None for wait in waits):
        log.info("portal.reset_throttled")
        return max(w for w in waits if w)
    throttle.record(session, throttle.RESET_PER_ACCOUNT, account)
    throttle.record(session, throttle.RESET_PER_ADDRESS, origin)

    normalised = normalise_email(email)
    user = find_user(session, normalised) if normalised else None
    if user is not None:
        enqueue(session, PASSWORD_RESET_JOB, {"user_id": user.id},
                dedup_key=f"{PASSWORD_RESET_JOB}:{user.id}")
        log.info("portal.reset_requested", portal_user_id=user.id)
    return None


def throttle_sign_up(session: Session, *, address: str, pepper: bytes) -> int | None:
    """Count a sign-up from ``address``; return seconds to wait when over the limit."""
    origin = throttle.address_subject(pepper, address)
    wait = throttle.retry_after(session, throttle.SIGNUP_PER_ADDRESS, origin)
    if wait is not None:
        return wait
    throttle.record(session, throttle.SIGNUP_PER_ADDRESS, origin)
    return None


def reset_token_user(session: Session, token: str) -> PortalUser | None:
    """Return the account a reset link belongs to while the link is usable."""
    row = tokens.find(session, TokenPurpose.RESET_PASSWORD, token)
    if row is None or row.user_id is None:
        return None
    user = session.get(PortalUser, row.user_id)
    if user is None or not tokens.is_usable(row, email=user.email):
        return None
    return user


def reset_password(session: Session, *, token: str, password: str) -> PortalUser | None:
    """Set a new password through a reset link and end every session of the account.

    Returns None when the link is not usable. The password must have passed
    ``passwords.password_problem``. Following the link proves the mailbox, so an address not
    yet confirmed becomes confirmed.
    """
    user = reset_token_user(session, token)
    if user is None:
        return None
    now = utcnow()
    user.password_hash = passwords.hash_password(password)
    user.password_changed = now
    if user.email_confirmed is None:
        user.email_confirmed = now
    tokens.use_all(session, TokenPurpose.RESET_PASSWORD, user_id=user.id)
    sessions.end_all_for_user(session, user.id)
    record(session, action="portal_user.password_reset", subject_type="partner",
           subject_id=user.partner_id, partner_id=user.partner_id, portal_user_id=user.id)
    log.info("portal.password_reset", portal_user_id=user.id)
    return user

