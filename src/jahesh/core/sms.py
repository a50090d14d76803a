"""Sending a text message: one gateway interface, several backends.

This is the transport only: what to send, to whom, when (quiet hours,
retries, idempotency, the delivery log) is the notifications app's business.
``send_sms`` sends at once and returns the gateway's message id; it raises
:class:`SmsError` when the gateway refuses or cannot be reached, so the caller
(a task with retries) decides what to do.

Backends, chosen by ``JAHESH_SMS_BACKEND``:

- ``file`` (the default, and the demo's): appends ``{"to", "text", "at"}`` as
  one JSON line to ``$JAHESH_VAR/sms-outbox.jsonl``;
- ``console``: prints the message to standard output;
- ``locmem``: keeps messages in :data:`outbox` (tests);
- ``kavenegar``: Kavenegar's HTTP API (``JAHESH_SMS_API_KEY``,
  ``JAHESH_SMS_SENDER``).

Persian text is sent as UCS-2: 70 characters in a single message, 67 a
segment once it is split; text in the GSM 7-bit alphabet gets 160 and 153.
"""

from __future__ import annotations

import json
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone

from jahesh.core.identifiers import normalize_mobile

# The GSM 03.38 basic alphabet (and its extension table, which takes two
# septets a character): text made only of these goes as 7-bit.
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = frozenset("^{}\\[~]|€\f")


class SmsError(Exception):
    """The gateway refused the message or could not be reached."""


@dataclass(frozen=True)
class Sms:
    to: str  # a normalised mobile number, 09xxxxxxxxx
    text: str


def segments(text: str) -> int:
    """How many messages ``text`` costs (0 for empty text)."""
    if not text:
        return 0
    if all(c in _GSM_BASIC or c in _GSM_EXTENDED for c in text):
        length = sum(2 if c in _GSM_EXTENDED else 1 for c in text)
        single, part = 160, 153
    else:
        # UCS-2 counts UTF-16 code units: a character outside the BMP takes two.
        length = len(text.encode("utf-16-le")) // 2
        single, part = 70, 67
    return 1 if length <= single else -(-length // part)


class SmsBackend(Protocol):
    def send(self, message: Sms) -> str:
        """Send one message; return the gateway's id for it."""
        ...


class FileBackend:
    """One JSON line per message in ``$JAHESH_VAR/sms-outbox.jsonl``."""

    _lock = threading.Lock()

    @staticmethod
    def path() -> Path:
        return Path(settings.VAR_DIR) / "sms-outbox.jsonl"

    def send(self, message: Sms) -> str:
        line = json.dumps(
            {"to": message.to, "text": message.text, "at": timezone.now().isoformat()},
            ensure_ascii=False,
        )
        path = self.path()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")
        return f"file-{uuid.uuid4().hex}"


class ConsoleBackend:
    def send(self, message: Sms) -> str:
        sys.stdout.write(f"SMS to {message.to}: {message.text}\n")
        return f"console-{uuid.uuid4().hex}"


# Messages sent with the ``locmem`` backend, oldest first (tests empty it).
outbox: list[Sms] = []


class LocmemBackend:
    def send(self, message: Sms) -> str:
        outbox.append(message)
        return f"locmem-{len(outbox)}"


class KavenegarBackend:
    """Kavenegar's ``sms/send`` method (https://kavenegar.com/rest.html)."""

    url = "https://api.kavenegar.com/v1/{key}/sms/send.json"
    timeout = 10

    def send(self, message: Sms) -> str:
        key = settings.JAHESH_SMS_API_KEY
        if not key:
            raise SmsError("JAHESH_SMS_API_KEY is not set")
        data = {"receptor": message.to, "message": message.text}
        if settings.JAHESH_SMS_SENDER:
            data["sender"] = settings.JAHESH_SMS_SENDER
        request = urllib.request.Request(
            self.url.format(key=urllib.parse.quote(key, safe="")),
            data=urllib.parse.urlencode(data).encode(),
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = json.loads(response.read().decode("utf-8"))
        except (urllib.error.URLError, TimeoutError, ValueError) as error:
            raise SmsError(f"Kavenegar: {error}") from error
        status = body.get("return", {}).get("status")
        entries = body.get("entries") or []
        if status != 200 or not entries:
            raise SmsError(f"Kavenegar: {body.get('return', {}).get('message', status)}")
        return str(entries[0].get("messageid", ""))


BACKENDS: dict[str, type[SmsBackend]] = {
    "file": FileBackend,
    "console": ConsoleBackend,
    "locmem": LocmemBackend,
    "kavenegar": KavenegarBackend,
}


def backend() -> SmsBackend:
    name = settings.JAHESH_SMS_BACKEND
    if name not in BACKENDS:
        raise SmsError(f"JAHESH_SMS_BACKEND: unknown backend {name!r}; use {', '.join(BACKENDS)}")
    return BACKENDS[name]()


def send_sms(to: str, text: str) -> str:
    """Send ``text`` to the mobile ``to`` now; return the gateway's message id."""
    return backend().send(Sms(to=normalize_mobile(to), text=text))
