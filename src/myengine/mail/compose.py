"""Build plain-text messages from the templates in ``mail/templates``."""

from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from myengine.clock import utcnow

_templates = Environment(
    loader=PackageLoader("myengine.mail", "templates"),
    autoescape=False,
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


def compose(
    *,
    template: str,
    context: dict[str, Any],
    subject: str,
    to: str,
    from_name: str,
    from_address: str,
    reply_to: str | None = None,
) -> EmailMessage:
    """Render ``template`` into a message; the display name of ``From`` is ``from_name``.

    ``X-Myengine-Template`` names the template, so logs and tests can tell messages apart
    without reading addresses or bodies.
    """
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = Address(display_name=from_name, addr_spec=from_address)
    message["To"] = to
    if reply_to:
        message["Reply-To"] = reply_to
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=from_address.rpartition("@")[2] or None)
    message["X-Myengine-Template"] = template
    # 8bit, not quoted-printable: quoted-printable breaks long links with "=" soft line breaks,
    # so a link copied from a stored message file would not work.
    message.set_content(
        _templates.get_template(f"{template}.txt").render(**context), cte="8bit"
    )
    return message
