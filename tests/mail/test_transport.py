"""Delivering mail through a real SMTP server on loopback, with and without STARTTLS, and to
the local maildir."""

import mailbox
import ssl
from collections.abc import Iterator

import pytest
import trustme
from aiosmtpd.smtp import AuthResult, LoginPassword

from myengine.mail.compose import compose
from myengine.mail.transport import MailDeliveryError, deliver, maildir_path
from myengine.settings import Settings
from tests.mail_server import MailServer, free_port

SECRET_KEY = "mail-test-secret-key-" + "y" * 32


def message(to: str = "ops@reseller.example"):  # type: ignore[no-untyped-def]
    return compose(template="portal_password_reset",
                   context={"product_name": "my-engine", "contact_name": "Ada",
                            "link": "http://127.0.0.1:8000/portal/reset/abc",
                            "expires": "2030-01-01 00:00"},
                   subject="Reset", to=to, from_name="my-engine",
                   from_address="no-reply@platform.example")


def settings_for(tmp_path, **overrides) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(secret_key=SECRET_KEY, var_dir=tmp_path,
                    database_url=f"sqlite:///{tmp_path}/unused.sqlite3", **overrides)


@pytest.fixture
def plain_server() -> Iterator[MailServer]:
    server = MailServer()
    server.start()
    yield server
    server.stop()


class _Authenticator:
    def __call__(self, server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"relay-user" \
            and auth_data.password == b"relay-password"
        return AuthResult(success=ok)


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_server(authority: trustme.CA) -> Iterator[MailServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    server = MailServer(tls_context=context, require_starttls=True,
                        authenticator=_Authenticator(), auth_require_tls=True)
    server.start()
    yield server
    server.stop()


class TestSmtp:
    def test_message_reaches_the_relay(self, tmp_path, plain_server):
        settings = settings_for(tmp_path, smtp_host="127.0.0.1", smtp_port=plain_server.port,
                                smtp_starttls=False)
        delivery = deliver(settings, message())
        assert delivery.location == f"127.0.0.1:{plain_server.port}"
        assert plain_server.last_to("ops@reseller.example", "portal_password_reset")

    def test_starttls_is_required_when_configured(self, tmp_path, plain_server):
        settings = settings_for(tmp_path, smtp_host="127.0.0.1", smtp_port=plain_server.port)
        with pytest.raises(MailDeliveryError, match="does not offer STARTTLS"):
            deliver(settings, message())

    def test_starttls_with_credentials(self, tmp_path, tls_server, authority):
        ca_file = tmp_path / "ca.pem"
        authority.cert_pem.write_to_path(str(ca_file))
        settings = settings_for(tmp_path, smtp_host="127.0.0.1", smtp_port=tls_server.port,
                                smtp_ca_file=ca_file, smtp_username="relay-user",
                                smtp_password="relay-password")
        deliver(settings, message("tls@reseller.example"))
        assert tls_server.last_to("tls@reseller.example", "portal_password_reset")

    def test_wrong_credentials_fail(self, tmp_path, tls_server, authority):
        ca_file = tmp_path / "ca.pem"
        authority.cert_pem.write_to_path(str(ca_file))
        settings = settings_for(tmp_path, smtp_host="127.0.0.1", smtp_port=tls_server.port,
                                smtp_ca_file=ca_file, smtp_username="relay-user",
                                smtp_password="wrong")
        with pytest.raises(MailDeliveryError):
            deliver(settings, message())

    def test_untrusted_certificate_fails(self, tmp_path, tls_server):
        settings = settings_for(tmp_path, smtp_host="127.0.0.1", smtp_port=tls_server.port)
        with pytest.raises(MailDeliveryError, match="SSL"):
            deliver(settings, message())

    def test_unreachable_relay_fails(self, tmp_path):
        settings = settings_for(tmp_path, smtp_host="127.0.0.1", smtp_port=free_port(),
                                smtp_starttls=False, smtp_timeout_seconds=5)
        with pytest.raises(MailDeliveryError, match="127.0.0.1"):
            deliver(settings, message())


class TestMaildir:
    def test_without_relay_mail_is_kept_in_the_maildir(self, tmp_path):
        settings = settings_for(tmp_path)
        delivery = deliver(settings, message())
        assert delivery.transport == "maildir"
        stored = list(mailbox.Maildir(maildir_path(settings)))
        assert len(stored) == 1
        assert stored[0]["To"] == "ops@reseller.example"

    def test_log_names_the_file_not_the_address(self, tmp_path, capsys):
        from myengine.logs import configure_logging

        configure_logging("INFO", "json")
        deliver(settings_for(tmp_path), message("secret-person@reseller.example"))
        output = capsys.readouterr().out
        assert "mail.stored" in output
        assert "secret-person" not in output
