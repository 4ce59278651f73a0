"""The base of the local messenger servers (企业微信, 钉钉, 飞书): an aiohttp app on 127.0.0.1 in its own thread
and event loop, a log of what the bot sent, and waiting for a condition on it.

Usage::

    class MyServer(PlatformServer):
        def routes(self, app): app.router.add_post("/send", self._send)

    with MyServer() as server:
        server.wait_for(lambda: server.sent_to("u1"))
"""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import ssl
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

T = TypeVar("T")


@dataclass
class Sent:
    """One message the bot sent: to whom, in what form, the payload as received, and its size."""

    to: str
    kind: str
    payload: Any
    size: int = 0


class PlatformServer:
    """A local server for a messenger's protocol; subclasses add their routes and protocol state."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.tls = tls
        self.sent: list[Sent] = []
        self._changed = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None
        self.port = 0

    def __enter__(self) -> PlatformServer:
        self._thread.start()
        self.run(self._start())
        return self

    def __exit__(self, *exc: object) -> None:
        self.run(self.stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def routes(self, app: web.Application) -> None:
        """Add the protocol's routes."""

    async def _start(self) -> None:
        app = web.Application()
        self.routes(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=self.tls)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        """Run a coroutine on the server's loop and return its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=timeout)

    def record(self, sent: Sent) -> None:
        with self._changed:
            self.sent.append(sent)
            self._changed.notify_all()

    def changed(self) -> None:
        """Wake the waiters (after a change other than a sent message)."""
        with self._changed:
            self._changed.notify_all()

    def mark(self) -> int:
        with self._changed:
            return len(self.sent)

    def sent_since(self, mark: int, to: str | None = None) -> list[Sent]:
        with self._changed:
            return [s for s in self.sent[mark:] if to is None or s.to == to]

    def wait_for(self, condition: Callable[[], T], timeout: float = 60) -> T:
        """Wait until ``condition()`` is truthy (checked whenever something is sent); its value."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not (value := condition()):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"condition not met within {timeout} s; last: {self.recent()}")
                self._changed.wait(min(remaining, 0.5))
            return value

    def recent(self) -> list[Any]:
        """The last few records, for a timeout's message."""
        return self.sent[-3:]

    def settle(self, mark: int, to: str, seconds: float = 1.0) -> list[Sent]:
        """What was sent to ``to`` since ``mark`` once nothing more has come for ``seconds``."""
        count = -1
        while count != len(self.sent_since(mark, to)):
            count = len(self.sent_since(mark, to))
            time.sleep(seconds)
        return self.sent_since(mark, to)


def tls_files(folder: Path) -> tuple[Path, ssl.SSLContext]:
    """A certificate authority (its certificate in folder/ca.pem, for the client's SSL_CERT_FILE) and a
    server context whose certificate it signed for 127.0.0.1."""
    now = datetime.datetime.now(datetime.UTC)

    def certificate(subject: str, key: Any, issuer: str, issuer_key: Any, ca: bool) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if not ca:
            address = x509.IPAddress(ipaddress.ip_address("127.0.0.1"))
            builder = builder.add_extension(x509.SubjectAlternativeName([address]), critical=False)
        return builder.sign(issuer_key, hashes.SHA256())

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = certificate("local test CA", ca_key, "local test CA", ca_key, ca=True)
    leaf = certificate("127.0.0.1", key, "local test CA", ca_key, ca=False)
    ca_file, chain, key_file = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    chain.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(chain, key_file)
    return ca_file, context
