"""A real SMTP server (aiosmtpd) on loopback that keeps every message it receives."""

import email
import email.policy
import re
import socket
import threading
from dataclasses import dataclass
from email.message import EmailMessage

from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://[^\s]+")


@dataclass(frozen=True)
class ReceivedMessage:
    recipients: list[str]
    message: EmailMessage

    @property
    def template(self) -> str:
        return str(self.message["X-Myengine-Template"])

    @property
    def body(self) -> str:
        return self.message.get_content()

    def links(self) -> list[str]:
        return LINK.findall(self.body)


class _Collector:
    def __init__(self) -> None:
        self.received: list[ReceivedMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(ReceivedMessage(list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


class MailServer:
    """aiosmtpd on 127.0.0.1 without TLS or authentication."""

    def __init__(self, **controller_options: object) -> None:
        self.collector = _Collector()
        self.port = free_port()
        self.controller = Controller(
            self.collector, hostname="127.0.0.1", port=self.port, **controller_options
        )

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def messages_to(self, address: str, template: str | None = None) -> list[ReceivedMessage]:
        with self.collector.lock:
            return [
                received for received in self.collector.received
                if address.lower() in (r.lower() for r in received.recipients)
                and (template is None or received.template == template)
            ]

    def last_to(self, address: str, template: str) -> ReceivedMessage:
        found = self.messages_to(address, template)
        assert found, f"no {template} message was sent to {address}"
        return found[-1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
