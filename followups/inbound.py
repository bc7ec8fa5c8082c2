"""Reading inbound email: raw RFC 5322 bytes -> a ParsedEmail, with warnings instead of
exceptions.

Pure functions, no database: followups.services_inbound decides where a message goes.
Everything here is written for mail as it really arrives: missing or broken headers,
charsets that are unknown or lie, HTML-only bodies, attachments without text, delivery
reports, autoresponders, and replies in many languages with the quoted history below
(or around) the patient's words. What cannot be read becomes a warning on the result;
the caller keeps the raw bytes whatever happens.

The message is parsed with the lenient `compat32` policy (it never raises on a header
and records what it had to guess as `defects`); headers, addresses and bodies are then
decoded here with explicit fallbacks.
"""

# Quote headers and closings are written in Turkish, Russian and Arabic on purpose.
# ruff: noqa: RUF001, RUF003

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
import mimetypes
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.header import decode_header
from email.message import Message as MimeMessage
from email.policy import Compat32
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any

import nh3
from mailparser_reply.parser import EmailMessage as _LibraryMessage

# --- Limits that keep one odd message from costing minutes of CPU --------------------

# The reply/quote split runs regular expressions over the text; beyond this many
# characters the rest is treated as part of the quote (or of the reply when no quote
# header was found) without being searched.
SPLIT_CHARS = 100_000
# Stored text and sanitised HTML are cut here (the raw message keeps everything).
MAX_TEXT_CHARS = 500_000
MAX_HTML_CHARS = 1_000_000


class Label:
    """What kind of inbound message this is (Message.label / TriageItem.label)."""

    REPLY = "reply"
    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"


@dataclass
class ParsedAttachment:
    filename: str  # safe to use as a file name
    original_filename: str  # as the sender's client wrote it (decoded), for display
    content_type: str
    payload: bytes
    inline: bool = False
    content_id: str = ""

    @property
    def size(self) -> int:
        return len(self.payload)


@dataclass
class DeliveryReport:
    """A delivery status notification (RFC 3464) or a bounce that looks like one."""

    failed_recipients: list[str] = field(default_factory=list)
    status: str = ""  # e.g. 5.1.1
    action: str = ""  # failed, delayed, delivered, relayed, expanded
    diagnostic: str = ""
    original_message_ids: list[str] = field(default_factory=list)

    @property
    def permanent(self) -> bool:
        """Only a 5.x.x failure means the address does not work; 4.x.x is a delay."""
        return self.action in {"", "failed"} and self.status.startswith("5")


@dataclass
class ReplySplit:
    reply: str
    quoted: str = ""
    signature: str = ""
    # top (reply above the quote), inline (answers between quoted lines), bottom (below
    # the quote), forward, plain (no quote at all)
    style: str = "plain"


@dataclass
class ParsedEmail:
    message_id: str = ""
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    from_email: str = ""
    from_name: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    # Delivered-To, X-Original-To, Envelope-To: where the MTA actually delivered it.
    delivered_to: list[str] = field(default_factory=list)
    subject: str = ""
    date: dt.datetime | None = None
    content_language: str = ""
    text: str = ""
    html: str = ""  # sanitised (nh3): safe to show
    split: ReplySplit = field(default_factory=lambda: ReplySplit(reply=""))
    attachments: list[ParsedAttachment] = field(default_factory=list)
    label: str = Label.REPLY
    label_reason: str = ""
    dsn: DeliveryReport | None = None
    # The receiving mail server (X-Spam-Flag / X-Spam-Status) or the ESP called it spam.
    spam: bool = False
    warnings: list[str] = field(default_factory=list)
    # Not empty: the input is not an email we can store (the caller refuses it).
    refusal: str = ""
    sha256: str = ""
    size: int = 0

    @property
    def dedupe_key(self) -> str:
        """The Message-ID, or for mail without one a stable stand-in from its bytes, so
        the same delivery twice is still recognised."""
        return self.message_id or f"<sha256.{self.sha256[:40]}@no-message-id.invalid>"

    @property
    def recipients(self) -> list[str]:
        seen: dict[str, None] = {}
        for address in [*self.delivered_to, *self.to, *self.cc]:
            seen.setdefault(address, None)
        return list(seen)


# --- Headers ---------------------------------------------------------------------------


class _RawHeaderPolicy(Compat32):
    """compat32, but header values with raw 8-bit bytes come back as (surrogate-escaped)
    strings instead of Header objects whose str() is replacement characters:
    header_text() then decodes them properly."""

    def _sanitize_header(self, name: str, value: Any) -> Any:
        return value


_POLICY = _RawHeaderPolicy()


def _bytes_of(value: str) -> bytes:
    # compat32 reads header bytes as ASCII with surrogateescape: 8-bit bytes that a
    # broken client put in a header come back as lone surrogates.
    return value.encode("ascii", "surrogateescape")


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str | None]:
    """Decode `data`, trusting the declared charset only if it decodes cleanly.

    Returns (text, warning or None). Tries the declared charset, UTF-8, then the best
    scoring of the single-byte charsets our patients write in, then Windows-1252 with
    replacement characters.
    """
    declared = (declared or "").strip().strip('"').lower() or None
    problem = ""
    if declared in {"unknown-8bit", "x-unknown", "unknown", "none"}:
        problem, declared = f"charset {declared!r} says it is unknown", None
    if declared:
        try:
            return data.decode(declared), None
        except LookupError:
            problem = f"unknown charset {declared!r}"
        except UnicodeDecodeError:
            problem = f"text is not valid {declared}"
    try:
        text = data.decode("utf-8")
        return text, (f"{problem}; read as UTF-8" if problem else None)
    except UnicodeDecodeError:
        pass
    guess = _guess_charset(data)
    if guess:
        try:
            text = data.decode(guess)
        except (LookupError, UnicodeDecodeError):
            pass
        else:
            reason = problem or "no charset declared"
            return text, f"{reason}; read as {guess} (a guess)"
    reason = problem or "no charset declared"
    return data.decode("cp1252", errors="replace"), f"{reason}; read as Windows-1252"


# The single-byte charsets our patients' mail comes in when it is mislabelled, and the
# letters each one is there to write. A general-purpose detector guesses badly on the
# two lines of a typical reply ("Lucía" came out as Urdu), so we score candidates by how
# many of their non-ASCII characters are letters of their own languages.
_LATIN_COMMON = set("áéíóúàèìòùâêîôûäëïöüçñÁÉÍÓÚÀÈÌÒÙÂÊÎÔÛÄËÏÖÜÇÑ")
_CHARSET_LETTERS: dict[str, set[str]] = {
    "cp1252": _LATIN_COMMON | set("¿¡ßœæøåÆØÅŒ€’‘“”–—…«»°"),
    "cp1254": _LATIN_COMMON | set("ğĞşŞıİ’‘“”–—…«»€"),
    # Of the Central European letters, only Polish ones: Polish is the language we
    # write in; counting Czech or Hungarian ones turns French "coûte" into "coűte".
    "cp1250": _LATIN_COMMON | set("ąćęłńśźżĄĆĘŁŃŚŹŻ’‘“”„–—…€"),
    "cp1251": {chr(c) for c in range(0x0410, 0x0450)} | set("ёЁ«»–—…№’“”„"),
    "cp1256": {chr(c) for c in range(0x0600, 0x0700)} | set("«»–—…’“”"),
}


def _guess_charset(data: bytes) -> str | None:
    sample = data[:100_000]
    best: tuple[float, str] | None = None
    for rank, charset in enumerate(_CHARSET_LETTERS):
        try:
            text = sample.decode(charset)
        except UnicodeDecodeError:
            continue
        high = [ch for ch in text if ord(ch) > 127]
        if not high:
            return "ascii"
        own = _CHARSET_LETTERS[charset]
        latin = charset in {"cp1252", "cp1254", "cp1250"}
        # Letters only one Latin charset's languages use (ş, ł, ß...) weigh more than
        # the accents they all share.
        score = sum(
            (1.5 if latin and ch not in _LATIN_COMMON else 1.0) for ch in high if ch in own
        ) / len(high)
        letters = sum(1 for ch in text if ch.isalpha())
        share = len(high) / letters if letters else 1.0
        if (latin and share > 0.3) or (not latin and share < 0.3):
            # Accent soup (Cyrillic or Arabic read as Latin), or a few Cyrillic/Arabic
            # letters inside Latin words (Latin read as Cyrillic): implausible.
            score *= 0.5
        if charset == "cp1251":
            cyrillic = [ch for ch in high if ch.isalpha()]
            if cyrillic and sum(ch.isupper() for ch in cyrillic) / len(cyrillic) > 0.4:
                score *= 0.5  # "гСНИЗ": Arabic read as Cyrillic comes out mostly capitals
        score -= rank * 1e-6  # ties go to the more common charset
        if best is None or score > best[0]:
            best = (score, charset)
    return best[1] if best is not None else None


def header_text(value: Any, warnings: list[str] | None = None) -> str:
    """A header value as readable text: RFC 2047 words decoded, raw 8-bit bytes read as
    UTF-8 (or guessed), folding removed. Never raises."""
    if value is None:
        return ""
    raw = str(value)
    try:
        parts = decode_header(raw)
    except Exception:  # noqa: BLE001 - a malformed encoded word: keep the raw text
        parts = [(raw, None)]
    out: list[str] = []
    for chunk, charset in parts:
        if isinstance(chunk, str):
            if any("\udc80" <= ch <= "\udcff" for ch in chunk):
                chunk, problem = decode_bytes(_bytes_of(chunk), None)
                if warnings is not None:
                    warnings.append(f"A header had raw 8-bit bytes ({problem or 'read as UTF-8'}).")
            out.append(chunk)
            continue
        if charset is None:
            # decode_header hands back the unencoded parts as raw-unicode-escape bytes.
            plain = chunk.decode("raw-unicode-escape")
            if any("\udc80" <= ch <= "\udcff" for ch in plain):
                plain, _ = decode_bytes(_bytes_of(plain), None)
            out.append(plain)
            continue
        text, problem = decode_bytes(chunk, charset)
        if problem and warnings is not None:
            warnings.append(f"A header's encoded text: {problem}.")
        out.append(text)
    text = "".join(out)
    return re.sub(r"\s*[\r\n]+\s*", " ", text).strip()


_ADDRESS_RE = re.compile(r"^[^@\s<>\"(),;:]+@[^@\s<>\"(),;:]+\.[^@\s<>\"(),;:]+$")


def normalize_address(address: str) -> str:
    address = address.strip().strip("<>").strip().lower()
    return address if _ADDRESS_RE.match(address) else ""


def addresses(values: Iterable[Any], warnings: list[str] | None = None) -> list[tuple[str, str]]:
    """(display name, lower-cased address) pairs of address headers; junk is skipped."""
    raw_values = [str(v) for v in values if v is not None]
    if not raw_values:
        return []
    try:
        pairs = getaddresses(raw_values)
    except Exception:  # noqa: BLE001 - the stdlib parser has raised on odd input before
        pairs = []
    found: list[tuple[str, str]] = []
    for name, address in pairs:
        clean = normalize_address(header_text(address))
        if clean:
            found.append((header_text(name, warnings).strip('"').strip(), clean))
    if not found:
        # Last resort for headers the parser gave up on ("Anna <anna@x.de" and friends).
        for value in raw_values:
            for candidate in re.findall(r"[^\s<>\"(),;:]+@[^\s<>\"(),;:]+", header_text(value)):
                clean = normalize_address(candidate)
                if clean:
                    found.append(("", clean))
    return found


_MSGID_RE = re.compile(r"<([^<>\s]+)>")


def message_ids(value: Any) -> list[str]:
    """Message-IDs in a header (In-Reply-To, References), each as <id>, in order."""
    if value is None:
        return []
    text = str(value)
    ids = [f"<{m}>" for m in _MSGID_RE.findall(text)]
    if not ids:
        # Some clients drop the angle brackets.
        ids = [f"<{t}>" for t in text.split() if "@" in t and "<" not in t and ">" not in t]
    return ids


def one_message_id(value: Any) -> str:
    ids = message_ids(value)
    return ids[0][:255] if ids else ""


def _date(value: Any, warnings: list[str]) -> dt.datetime | None:
    if value is None:
        return None
    try:
        parsed = parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        warnings.append(f"Unreadable Date header {str(value)[:60]!r}.")
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


# --- Automated mail --------------------------------------------------------------------

# Subjects autoresponders use, at the start of the subject, in the languages we see.
_AUTO_SUBJECT_RE = re.compile(
    r"^\s*(?:\[?(?:"
    r"out of (?:the )?office|automatic reply|auto(?:matic)?[- ]?(?:reply|response)|autoreply"
    r"|away from (?:the )?office|on vacation|on holiday|vacation reply"
    r"|abwesenheitsnotiz|automatische antwort|abwesend|außer haus|nicht im büro"
    r"|respuesta autom[aá]tica|fuera de la oficina|ausente"
    r"|r[ée]ponse automatique|absence du bureau|absent"
    r"|risposta automatica|fuori sede|fuori ufficio"
    r"|automatisch antwoord|afwezig"
    r"|odpowied[zź] automatyczna|poza biurem"
    r"|otomatik yan[ıi]t|otomatik cevap|ofis d[ıi][şs][ıi]nda|izindeyim"
    r"|رد تلقائي|الرد التلقائي|خارج المكتب"
    r"|автоматический ответ|автоответ|нет на месте|вне офиса"
    r")\b\]?)",
    re.IGNORECASE,
)
_BOUNCE_SUBJECT_RE = re.compile(
    r"^\s*(?:undeliver(?:able|ed)|undelivered mail|delivery status notification"
    r"|delivery (?:has )?failed|mail delivery failed|failure notice|returned mail"
    r"|mail system error|non[- ]?delivery|unzustellbar|nicht zustellbar"
    r"|no se puede entregar|no entregado|non remis|iletilemedi|teslim edilemedi)",
    re.IGNORECASE,
)
_DAEMON_RE = re.compile(r"^(?:mailer-daemon|postmaster|mail-daemon|bounces?)@", re.IGNORECASE)


def classify(msg: MimeMessage, *, subject: str, from_email: str) -> tuple[str, str]:
    """(label, reason): a delivery report, an automatic reply, or a real message.

    RFC 3834 headers first (Auto-Submitted), then the de-facto ones (X-Autoreply,
    Precedence), then the forms autoresponders' subjects take in several languages.
    """
    content_type = msg.get_content_type()
    param = msg.get_param("report-type") if msg.is_multipart() else None
    report_type = param.lower() if isinstance(param, str) else ""
    if content_type == "multipart/report" and report_type == "delivery-status":
        return Label.BOUNCE, "delivery status report (RFC 3464)"
    if any(p.get_content_type() == "message/delivery-status" for p in msg.walk()):
        return Label.BOUNCE, "delivery status report (RFC 3464)"
    if msg.get("X-Failed-Recipients"):
        return Label.BOUNCE, "X-Failed-Recipients header"
    if _DAEMON_RE.match(from_email) and _BOUNCE_SUBJECT_RE.match(subject):
        return Label.BOUNCE, f"bounce from {from_email}"
    if content_type == "multipart/report":
        return Label.AUTO_REPLY, f"{report_type or 'unknown'} report (e.g. a read receipt)"

    auto_submitted = str(msg.get("Auto-Submitted", "")).strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return Label.AUTO_REPLY, f"Auto-Submitted: {auto_submitted[:40]}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-AutoReply-From"):
        value = str(msg.get(name, "")).strip().lower()
        if value and value not in {"no", "false", "0"}:
            return Label.AUTO_REPLY, f"{name} header"
    if str(msg.get("X-Autogenerated", "")).strip().lower() == "reply":
        return Label.AUTO_REPLY, "X-Autogenerated: Reply"
    for name in ("Precedence", "X-Precedence"):
        value = str(msg.get(name, "")).strip().lower()
        if value in {"bulk", "auto_reply", "junk", "list"}:
            return Label.AUTO_REPLY, f"{name}: {value}"
    if msg.get("List-Id") or msg.get("List-Unsubscribe"):
        return Label.AUTO_REPLY, "mailing-list or newsletter headers"
    if _AUTO_SUBJECT_RE.match(subject):
        return Label.AUTO_REPLY, "automatic-reply subject"
    if _DAEMON_RE.match(from_email):
        return Label.AUTO_REPLY, f"sent by {from_email}"
    return Label.REPLY, ""


def delivery_report(msg: MimeMessage, text: str) -> DeliveryReport:
    """What a bounce says: who failed, how, and which of our messages it returns."""
    report = DeliveryReport()
    for part in msg.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            blocks = part.get_payload()
            if isinstance(blocks, str):
                blocks = [email.message_from_string(b) for b in blocks.split("\n\n") if b.strip()]
            for block in blocks if isinstance(blocks, list) else []:
                if not isinstance(block, MimeMessage):
                    continue
                recipient = str(
                    block.get("Final-Recipient") or block.get("Original-Recipient") or ""
                )
                if recipient:
                    address = normalize_address(recipient.rpartition(";")[2])
                    if address and address not in report.failed_recipients:
                        action = str(block.get("Action", "")).strip().lower()
                        if action in {"failed", "delayed", ""} or not report.action:
                            report.action = action
                            report.status = str(block.get("Status", "")).strip()[:16]
                            report.diagnostic = header_text(block.get("Diagnostic-Code"))[:500]
                        if action in {"failed", "delayed", ""}:
                            report.failed_recipients.append(address)
        elif kind == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], MimeMessage):
                found = one_message_id(inner[0].get("Message-ID"))
                if found:
                    report.original_message_ids.append(found)
        elif kind == "text/rfc822-headers":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                headers = email.message_from_bytes(payload, policy=_POLICY)
                found = one_message_id(headers.get("Message-ID"))
                if found:
                    report.original_message_ids.append(found)
    failed = msg.get("X-Failed-Recipients")
    if failed and not report.failed_recipients:
        report.failed_recipients = [a for _, a in addresses([failed])]
        report.action = report.action or "failed"
        status = re.search(r"\b([45]\.\d{1,3}\.\d{1,3})\b", text)
        report.status = status.group(1) if status else ""
    if not report.failed_recipients:
        # qmail and friends: "<anna@example.de>:" on a line, then "... (#5.1.1)".
        for match in re.finditer(r"(?m)^<([^<>\s]+@[^<>\s]+)>:\s*$", text):
            address = normalize_address(match.group(1))
            if address:
                report.failed_recipients.append(address)
        status = re.search(r"#([45]\.\d{1,3}\.\d{1,3})", text)
        if report.failed_recipients and status:
            report.status, report.action = status.group(1), "failed"
    if not report.original_message_ids:
        # Bounces that quote the original as text ("This is the mail system at ...").
        for match in re.finditer(r"(?im)^\s*>?\s*Message-ID:\s*(<[^<>\s]+>)", text):
            report.original_message_ids.append(match.group(1))
    return report


# --- Bodies ----------------------------------------------------------------------------


class _HtmlText(HTMLParser):
    """HTML to plain text for HTML-only mail: block elements break lines, blockquotes
    become "> " quotes, so the reply/quote split works on it like on a text part."""

    BLOCKS = frozenset(
        {"p", "div", "br", "li", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "hr"}
        | {"blockquote", "pre", "ul", "ol", "section", "article", "header", "footer"}
    )
    SKIP = frozenset({"script", "style", "head", "title", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.depth = 0
        self.line_depth = 0
        self.skipping = 0
        self.pre = 0

    def _break(self) -> None:
        text = "".join(self.current)
        if not self.pre:
            text = re.sub(r"[ \t\r\n\f\u00a0]+", " ", text).strip()
        if text or (self.lines and self.lines[-1] != ""):
            self.lines.append(("> " * self.line_depth) + text if text else "")
        self.current = []
        self.line_depth = self.depth

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self._break()
            if tag == "blockquote":
                self.depth += 1
                self.line_depth = self.depth
            elif tag == "pre":
                self.pre += 1
            elif tag == "li":
                self.current.append("- ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self._break()
            if tag == "blockquote":
                self.depth = max(0, self.depth - 1)
                self.line_depth = self.depth
            elif tag == "pre":
                self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if not self.current:
            self.line_depth = self.depth
        if self.pre:
            for i, piece in enumerate(data.split("\n")):
                if i:
                    self._break()
                self.current.append(piece)
        else:
            self.current.append(data)

    def result(self) -> str:
        self._break()
        return "\n".join(self.lines).strip()


def html_to_text(html: str) -> str:
    parser = _HtmlText()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001 - HTMLParser is lenient, but never lose the text
        return re.sub(r"<[^>]+>", " ", html)
    return parser.result()


# Remote images are left out: they are tracking pixels or need a network fetch, and the
# inline ones (cid:) are attachments shown as such.
_SAFE_TAGS = set(nh3.ALLOWED_TAGS) - {"img"}


def sanitize_html(html: str) -> str:
    """HTML that is safe to show: no scripts, styles, event handlers, forms or images;
    links get rel="noopener noreferrer nofollow"."""
    return nh3.clean(
        html, tags=_SAFE_TAGS, link_rel="noopener noreferrer nofollow", strip_comments=True
    )


def _is_attachment(part: MimeMessage) -> bool:
    disposition = str(part.get("Content-Disposition", "")).split(";")[0].strip().lower()
    if disposition == "attachment":
        return True
    if part.get_content_maintype() in {"text", "multipart"} and not part.get_filename():
        return False
    if part.get_content_type() in {"message/delivery-status", "text/rfc822-headers"}:
        return False
    return bool(part.get_filename()) or part.get_content_maintype() not in {"text", "multipart"}


_UNSAFE_NAME_RE = re.compile(r"[^\w.\- ()+,@=\[\]]", re.UNICODE)


def safe_filename(name: str, *, content_type: str = "", fallback: str = "attachment") -> str:
    """A file name that is safe on disk and in a Content-Disposition header: no path,
    no control or shell characters, no leading dot, at most 100 characters with the
    extension kept. Letters of any script stay (a patient's Arabic file name is fine)."""
    name = unicodedata.normalize("NFKC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE_NAME_RE.sub("_", name).strip(" .")
    name = re.sub(r"\s+", "_", name)
    name = re.sub(r"_+", "_", name).lstrip(".")
    if not name or name in {"_", "-"}:
        extension = mimetypes.guess_extension(content_type or "") or ".bin"
        name = f"{fallback}{extension}"
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extension = extension[:10]
    budget = 100 - (len(extension) + 1 if extension else 0)
    return f"{stem[:budget]}.{extension}" if extension else stem[:100]


def _payload_bytes(part: MimeMessage, warnings: list[str]) -> bytes:
    payload = part.get_payload(decode=True)
    for defect in getattr(part, "defects", []):
        name = type(defect).__name__
        if "Base64" in name or "Padding" in name:
            warnings.append(
                f"Damaged base64 in a {part.get_content_type()} part; read what was there."
            )
            break
    if isinstance(payload, bytes):
        return payload
    raw = part.get_payload()
    if isinstance(raw, str):
        return raw.encode("utf-8", "surrogateescape")
    return b""


def _walk_bodies(
    msg: MimeMessage, warnings: list[str]
) -> tuple[list[str], list[str], list[ParsedAttachment]]:
    texts: list[str] = []
    htmls: list[str] = []
    attachments: list[ParsedAttachment] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        if kind in {"message/delivery-status", "text/rfc822-headers"}:
            continue
        if _is_attachment(part) or kind == "message/rfc822":
            if kind == "message/rfc822" and not part.get_filename():
                # A returned or forwarded message: its own parts are walked too.
                continue
            original = header_text(part.get_filename() or "", warnings)
            data = _payload_bytes(part, warnings)
            attachments.append(
                ParsedAttachment(
                    filename=safe_filename(original, content_type=kind),
                    original_filename=original[:255],
                    content_type=kind[:100],
                    payload=data,
                    inline=str(part.get("Content-Disposition", "")).lower().startswith("inline"),
                    content_id=one_message_id(part.get("Content-ID")) or "",
                )
            )
            continue
        if kind not in {"text/plain", "text/html"}:
            continue
        data = _payload_bytes(part, warnings)
        text, problem = decode_bytes(data, part.get_content_charset())
        if problem:
            warnings.append(f"Body ({kind}): {problem}.")
        (texts if kind == "text/plain" else htmls).append(text)
    return texts, htmls, attachments


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls / len(sample) > 0.05


_DEFECT_TEXT = {
    "NoBoundaryInMultipartDefect": "a multipart part without a boundary (read as one part)",
    "StartBoundaryNotFoundDefect": "the multipart boundary never appears (read as one part)",
    "CloseBoundaryNotFoundDefect": "the message ends before its closing boundary (truncated?)",
    "FirstHeaderLineIsContinuationDefect": "the first header line is a continuation",
    "MisplacedEnvelopeHeaderDefect": "a stray 'From ' envelope line among the headers",
    "MissingHeaderBodySeparatorDefect": "a line in the headers that is not a header",
    "MultipartInvariantViolationDefect": "declared multipart but is not",
    "InvalidMultipartContentTransferEncodingDefect": "a multipart part with a body encoding",
    "InvalidBase64PaddingDefect": "damaged base64 padding",
    "InvalidBase64CharactersDefect": "characters that are not base64 in a base64 body",
    "InvalidBase64LengthDefect": "a base64 body of impossible length",
}


def _defects(msg: MimeMessage) -> list[str]:
    seen: list[str] = []
    for part in msg.walk():
        for defect in getattr(part, "defects", []):
            name = type(defect).__name__
            text = _DEFECT_TEXT.get(name, name)
            if text not in seen:
                seen.append(text)
    return [f"Malformed MIME: {text}." for text in seen]


# --- Reply / quote / signature ----------------------------------------------------------

_Q = r"(?:> ?)*"  # inside quoted levels too, like the library's QUOTED_MATCH_INCLUDE
# Quote headers the library does not know (Turkish, Arabic, Russian) or misses (Gmail's
# Spanish "El mar, 3 nov 2026 a las 10:15, Ana (<a@b>) escribió:" has one space before
# "escribió", the library wants two; Gmail also wraps the line before the verb).
# Each pattern has exactly one capturing group: the library joins them and uses findall.
EXTRA_PATTERNS: dict[str, dict[str, list[str]]] = {
    "en": {
        # "-----Original Message-----" in the other languages' clients (Outlook, Samsung).
        "from_header": [
            r"(^-{5,}\s?(?:Ursprüngliche Nachricht|Originalnachricht|Mensaje original"
            r"|Message d'origine|Messaggio originale|Oorspronkelijk bericht|Orijinal Mesaj"
            r"|Özgün İleti|Özgün ileti|Wiadomość oryginalna|Исходное сообщение"
            r"|Пересылаемое сообщение|الرسالة الأصلية|الرسالة الاصلية)\s?-{5,}\s*$)"
        ],
    },
    "es": {
        "wrote_header": [rf"^({_Q}El\s[^\n]{{0,300}}(?:\n{_Q}[^\n]{{0,200}})?\sescribi[oó]:)$"],
    },
    "tr": {
        # Gmail: "3 Kas 2026 Sal, 10:15 tarihinde Ana <a@b> şunu yazdı:"
        # Apple Mail: "3 Kas 2026 tarihinde 10:15 saatinde, Ana <a@b> şunları yazdı:"
        "wrote_header": [
            rf"^({_Q}[^\n]{{0,300}}(?:\n{_Q}[^\n]{{0,200}})?\s(?:şunu|şunları)\s+yazdı:)$",
            rf"^({_Q}[^\n]{{0,300}}tarihinde[^\n]{{0,300}}yazdı:)$",
        ],
        "from_header": [
            rf"((?:(?:^|\n){_Q}[* ]*(?:Kimden|Gönderildi|Gönderilme Tarihi|Kime|Konu|Tarih|Bilgi):"
            r"[ *]*(?:\s{,2}).*){2,}(?:\n.*){,1})"
        ],
    },
    "ar": {
        # Gmail: "في الثلاثاء، 3 نوفمبر 2026 في 10:15 ص، Ana <a@b> كتب:"
        # Apple Mail: "في 3 نوفمبر 2026، الساعة 10:15 ص، كتب Ana <a@b>:"
        "wrote_header": [
            rf"^({_Q}في\s[^\n]{{0,300}}(?:\n{_Q}[^\n]{{0,200}})?كتب[^\n]{{0,200}}:)$",
        ],
        "from_header": [
            rf"((?:(?:^|\n){_Q}[* ]*(?:من|تاريخ الإرسال|أرسل|إلى|الموضوع|التاريخ|نسخة):"
            r"[ *]*(?:\s{,2}).*){2,}(?:\n.*){,1})"
        ],
    },
    "ru": {
        # Gmail: "вт, 3 нояб. 2026 г. в 10:15, Ana <a@b>:"; Thunderbird: "03.11.2026 10:15,
        # Ana пишет:"; older clients: "... пользователь Ana написал:"
        "wrote_header": [
            rf"^({_Q}(?:пн|вт|ср|чт|пт|сб|вс),\s\d{{1,2}}\s[^\n]{{1,12}}\s\d{{4}}\sг\.\sв\s"
            rf"\d{{1,2}}:\d{{2}},?\s[^\n]{{0,200}}:)$",
            rf"^({_Q}[^\n]{{0,300}}\s(?:написал|написала|пишет)(?:\(а\))?:)$",
        ],
        "from_header": [
            rf"((?:(?:^|\n){_Q}[* ]*(?:От|Отправлено|Кому|Тема|Дата|Копия):"
            r"[ *]*(?:\s{,2}).*){2,}(?:\n.*){,1})"
        ],
    },
    "pl": {
        # The library accepts a single "Data:" or "Do:" line as an Outlook header block;
        # a patient's "Data: 12 maja" would cut the reply. Require two lines like the rest.
        "from_header": [
            rf"((?:(?:^|\n){_Q}[* ]*(?:Od|Wysłano|Do|Temat|Data|DW):"
            r"[ *]*(?:\s{,2}).*){2,}(?:\n.*){,1})"
        ],
    },
}
# Languages whose library patterns are replaced rather than extended.
_REPLACED = {("pl", "from_header")}
REPLY_LANGUAGES = ["en", "es", "de", "fr", "it", "nl", "pl", "tr", "ar", "ru"]


class _ReplyText(_LibraryMessage):
    """mail-parser-reply's message with our extra quote-header patterns."""

    def _get_language_regex(self, language: str, regex_key: str) -> str:
        extra = EXTRA_PATTERNS.get(language, {}).get(regex_key, [])
        if (language, regex_key) in _REPLACED:
            return "|".join(extra)
        base = super()._get_language_regex(language, regex_key)
        return "|".join(p for p in [base, *extra] if p)


_FORWARD_SUBJECT_RE = re.compile(
    r"^\s*(?:fwd?|wg|rv|tr|enc|i̇lt|ilt|pd|doorst|пересл|fw)\s*:", re.IGNORECASE
)
_FORWARD_BODY_RE = re.compile(
    r"^[-\s]*(?:forwarded message|begin forwarded message|weitergeleitete nachricht"
    r"|mensaje reenviado|message transf[ée]r[ée]|messaggio inoltrato|doorgestuurd bericht"
    r"|wiadomo[śs][ćc] przekazana|i̇letilen (?:ileti|mesaj)|iletilen (?:ileti|mesaj)"
    r"|пересылаемое сообщение|الرسالة المعاد توجيهها|رسالة معاد توجيهها)[-\s:]*$",
    re.IGNORECASE | re.MULTILINE,
)

_CLOSINGS = [
    # en
    "best regards",
    "kind regards",
    "warm regards",
    "regards",
    "best wishes",
    "best",
    "all the best",
    "many thanks",
    "thanks a lot",
    "thanks",
    "thank you",
    "thx",
    "cheers",
    "sincerely",
    "yours sincerely",
    "yours",
    "take care",
    # es
    "saludos",
    "un saludo",
    "saludos cordiales",
    "atentamente",
    "gracias",
    "muchas gracias",
    "cordialmente",
    "un abrazo",
    # de
    "mit freundlichen grüßen",
    "mit freundlichen grüssen",
    "freundliche grüße",
    "viele grüße",
    "viele grüsse",
    "beste grüße",
    "liebe grüße",
    "herzliche grüße",
    "grüße",
    "gruß",
    "lg",
    "mfg",
    "danke",
    "vielen dank",
    # fr / it / nl / pl
    "cordialement",
    "bien cordialement",
    "merci",
    "salutations",
    "bien à vous",
    "cordiali saluti",
    "distinti saluti",
    "saluti",
    "un saluto",
    "grazie",
    "met vriendelijke groet",
    "vriendelijke groet",
    "groeten",
    "hartelijke groeten",
    "bedankt",
    "pozdrawiam",
    "z poważaniem",
    "dziękuję",
    # tr
    "saygılarımla",
    "saygılar",
    "iyi günler",
    "iyi çalışmalar",
    "teşekkürler",
    "teşekkür ederim",
    "selamlar",
    "sevgiler",
    # ar
    "مع خالص التحيات",
    "مع أطيب التحيات",
    "مع التحية",
    "تحياتي",
    "شكرا",
    "شكراً",
    "مع الشكر",
    # ru
    "с уважением",
    "спасибо",
    "всего доброго",
    "с наилучшими пожеланиями",
]
_CLOSING_RE = re.compile(
    r"^(?:"
    + "|".join(re.escape(c) for c in sorted(_CLOSINGS, key=len, reverse=True))
    + r")\s*[,.!،]?\s*(?:[^\s,.!?]+(?:\s+[^\s,.!?]+){0,2})?\s*$",
    re.IGNORECASE,
)
_SENT_FROM_RE = re.compile(
    r"^(?:sent from my|sent from|get outlook for|enviado desde mi|enviado desde"
    r"|von meinem \S+ gesendet|gesendet von|envoyé de mon|envoyé depuis|inviato da"
    r"|verzonden vanaf mijn|verstuurd vanaf mijn|wysłano z"
    r"|\S+['’]?(?:umdan|undan|imden|ımdan|dan|den) gönderildi"
    r"|отправлено с|أرسلت من|أُرسلت من|مرسل من|تم الإرسال من)\b.{0,60}$",
    re.IGNORECASE,
)


def _split_signature(body: str) -> tuple[str, str]:
    """Cut a signature off the end of the reply, conservatively: a "-- " line, a
    "Sent from my phone" line near the end, or a closing line ("Best regards, Anna")
    followed only by a few short lines. A reply that merely starts a sentence with
    "Thanks, ..." keeps it."""
    lines = body.split("\n")
    for index, line in enumerate(lines):
        if index == 0:
            continue  # a message does not start with its signature
        stripped = line.strip().lstrip("> ").strip()
        rest = [r.strip() for r in lines[index + 1 :] if r.strip()]
        if stripped in {"--", "-- ", "__"}:
            return "\n".join(lines[:index]).rstrip(), "\n".join(lines[index:]).strip()
        if _SENT_FROM_RE.match(stripped) and len(rest) <= 2:
            return "\n".join(lines[:index]).rstrip(), "\n".join(lines[index:]).strip()
        if (
            _CLOSING_RE.match(stripped)
            and len(rest) <= 8
            and all(len(r) <= 60 and not r.endswith("?") for r in rest)
        ):
            return "\n".join(lines[:index]).rstrip(), "\n".join(lines[index:]).strip()
    return body, ""


def _is_quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def _interleaved(block: str) -> bool:
    """Unquoted, non-empty lines after a quoted line, which are not just a closing
    signature: the patient answered between (or below) the quoted lines."""
    seen_quote = False
    for line in block.split("\n"):
        if _is_quoted(line):
            seen_quote = True
        elif seen_quote and line.strip():
            return True
    return False


def _answer_style(block: str) -> str:
    """inline: quoted lines come back after an answer; bottom: the answer is at the end."""
    seen_quote = answered = False
    for line in block.split("\n"):
        if _is_quoted(line):
            if answered:
                return "inline"
            seen_quote = True
        elif seen_quote and line.strip():
            answered = True
    return "bottom"


_BIDI_RE = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def split_reply(text: str, *, subject: str = "") -> ReplySplit:
    """Separate what the patient wrote from the quoted history and their signature.

    Uses mail-parser-reply's quote-header patterns ("On ... wrote:", Outlook's
    From/Sent/To block, "-----Original Message-----") for en, es, de, fr, it, nl, pl,
    with our additions for es, tr, ar and ru. Inline answers (between quoted lines) and
    forwards keep the whole text as the reply: hiding either would hide the answer.
    """
    text = _BIDI_RE.sub("", text or "")
    head, tail = text[:SPLIT_CHARS], text[SPLIT_CHARS:]
    parsed = _ReplyText(text=head, languages=list(REPLY_LANGUAGES), keep_hyphen_lists=True)
    canon = parsed.text
    if tail:
        canon += tail
    if not canon.strip():
        return ReplySplit(reply="", style="plain")
    forwarded = bool(_FORWARD_SUBJECT_RE.match(subject or "")) or bool(
        _FORWARD_BODY_RE.search(canon[:SPLIT_CHARS])
    )
    if forwarded:
        return ReplySplit(reply=canon.strip(), style="forward")

    positions = []
    for found in parsed.HEADER_REGEX.finditer(canon[:SPLIT_CHARS]):
        positions.append(found.start())
    # The start of a trailing block of "> " lines with no header line above it.
    lines = canon.split("\n")
    quoted_tail_start = None
    for index in range(len(lines) - 1, -1, -1):
        if _is_quoted(lines[index]):
            quoted_tail_start = index
        elif lines[index].strip():
            break
    if quoted_tail_start is not None:
        positions.append(len("\n".join(lines[:quoted_tail_start])))
    if not positions:
        if _interleaved(canon):
            return ReplySplit(reply=canon.strip(), style=_answer_style(canon))
        reply, signature = _split_signature(canon.strip())
        return ReplySplit(reply=reply, signature=signature, style="plain")

    cut = min(positions)
    # The header regex may match from the line start before it (the "\n" of ^|\n).
    while cut < len(canon) and canon[cut] == "\n":
        cut += 1
    above, below = canon[:cut].strip(), canon[cut:].strip()
    after_header = below.split("\n", 1)[1] if "\n" in below else ""
    if _interleaved(after_header) or (not above and _interleaved(below)):
        return ReplySplit(reply=canon.strip(), style=_answer_style(after_header))
    reply, signature = _split_signature(above)
    return ReplySplit(reply=reply, quoted=below, signature=signature, style="top")


# --- Language of a new patient ---------------------------------------------------------

_STOPWORDS = {
    "en": {"the", "and", "is", "my", "for", "you", "have", "would", "like", "hello", "please"},
    "es": {"el", "la", "que", "los", "para", "por", "hola", "quiero", "gracias", "una", "mi"},
    "de": {"ich", "und", "die", "der", "nicht", "mit", "hallo", "bitte", "für", "eine", "ist"},
    "fr": {"je", "et", "les", "pour", "bonjour", "une", "est", "vous", "merci", "avec", "des"},
    "it": {"il", "che", "per", "sono", "ciao", "una", "grazie", "vorrei", "della", "gli"},
    "nl": {"ik", "en", "het", "een", "voor", "niet", "graag", "hallo", "bedankt", "met", "van"},
    "tr": {"ve", "bir", "bu", "için", "merhaba", "ben", "çok", "teşekkürler", "ile", "mi"},
    "pl": {"nie", "się", "jest", "dzień", "dobry", "chciałbym", "dziękuję", "jak", "na"},
}


def guess_language(text: str, *, header: str = "", allowed: Iterable[str] = ()) -> str:
    """The patient's language for a new inquiry: Content-Language if it is one we write
    in, else the script (Arabic, Cyrillic), else the most common function words."""
    allowed = set(allowed)
    primary = header.split(",")[0].strip().split("-")[0].lower()
    if primary in allowed:
        return primary
    sample = text[:5000]
    if len(re.findall(r"[\u0600-\u06ff]", sample)) > 20 and "ar" in allowed:
        return "ar"
    if len(re.findall(r"[\u0400-\u04ff]", sample)) > 20 and "ru" in allowed:
        return "ru"
    words = re.findall(r"\w+", sample.lower())
    scores = {
        lang: sum(1 for w in words if w in stop)
        for lang, stop in _STOPWORDS.items()
        if lang in allowed
    }
    best = max(scores.items(), key=lambda item: item[1], default=("en", 0))
    return best[0] if best[1] >= 2 else "en"


# --- The whole message -----------------------------------------------------------------


def parse_email(raw: bytes, *, max_bytes: int | None = None) -> ParsedEmail:
    """Parse raw RFC 5322 bytes. Never raises on bad input: problems become warnings,
    and input that is not an email we can store sets `refusal` to one clear line."""
    parsed = ParsedEmail(sha256=hashlib.sha256(raw).hexdigest(), size=len(raw))
    warnings = parsed.warnings
    if not raw.strip():
        parsed.refusal = "empty input: no message to read"
        return parsed
    if max_bytes is not None and len(raw) > max_bytes:
        parsed.refusal = (
            f"message is {human_size(len(raw))}, over the {human_size(max_bytes)} limit "
            "(INBOUND_MAX_MESSAGE_BYTES)"
        )
        return parsed
    msg = email.message_from_bytes(raw, policy=_POLICY)
    if not msg.keys():
        if _looks_binary(raw):
            parsed.refusal = f"not an email: {len(raw):,} bytes of binary data with no headers"
            return parsed
        warnings.append("No headers at all: stored as text from an unknown sender.")
    warnings.extend(_defects(msg))

    # Headers.
    parsed.message_id = one_message_id(msg.get("Message-ID"))
    if msg.keys() and not parsed.message_id:
        warnings.append("No Message-ID: duplicates are recognised by content instead.")
    parsed.in_reply_to = message_ids(msg.get("In-Reply-To"))
    parsed.references = message_ids(" ".join(str(v) for v in msg.get_all("References") or []))
    senders = addresses(msg.get_all("From") or [], warnings)
    if not senders:
        senders = addresses(msg.get_all("Sender") or msg.get_all("Return-Path") or [], warnings)
        if msg.keys():
            warnings.append(
                "No usable From address" + (f"; using {senders[0][1]}." if senders else ".")
            )
    if senders:
        parsed.from_name, parsed.from_email = senders[0][0][:200], senders[0][1][:320]
    parsed.to = [a for _, a in addresses(msg.get_all("To") or [], warnings)]
    parsed.cc = [a for _, a in addresses(msg.get_all("Cc") or [], warnings)]
    parsed.delivered_to = [
        a
        for name in ("Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To")
        for _, a in addresses(msg.get_all(name) or [], warnings)
    ]
    parsed.subject = header_text(msg.get("Subject"), warnings)[:300]
    parsed.date = _date(msg.get("Date"), warnings)
    parsed.spam = any(
        str(msg.get(name, "")).strip().lower().startswith("yes")
        for name in ("X-Spam-Flag", "X-Spam-Status")
    )
    parsed.content_language = header_text(
        msg.get("Content-Language") or msg.get("Accept-Language")
    )[:35]

    # Bodies.
    if msg.keys():
        texts, htmls, parsed.attachments = _walk_bodies(msg, warnings)
    else:
        body, problem = decode_bytes(raw, None)
        texts, htmls = [body], []
        if problem:
            warnings.append(f"Body: {problem}.")
    html = "\n".join(htmls)
    if texts:
        text = "\n\n".join(t for t in texts if t.strip())
    elif html:
        text = html_to_text(html)
        warnings.append("No plain-text part: the text was taken from the HTML.")
    else:
        text = ""
    if not text.strip():
        count = len(parsed.attachments)
        if count:
            warnings.append(f"No text, only {count} attachment{'s' if count != 1 else ''}.")
        else:
            warnings.append("The message has no text.")
    if len(text) > MAX_TEXT_CHARS:
        warnings.append(
            f"The text was cut at {MAX_TEXT_CHARS:,} characters (all of it is in the raw message)."
        )
        text = text[:MAX_TEXT_CHARS]
    parsed.text = text.replace("\r\n", "\n")
    if html:
        safe = sanitize_html(html[:MAX_HTML_CHARS])
        if len(html) > MAX_HTML_CHARS:
            warnings.append("The HTML was cut before sanitising (all of it is in the raw message).")
        parsed.html = safe
    parsed.label, parsed.label_reason = classify(
        msg, subject=parsed.subject, from_email=parsed.from_email
    )
    if parsed.label == Label.BOUNCE:
        parsed.dsn = delivery_report(msg, parsed.text)
        parsed.split = ReplySplit(reply=parsed.text.strip(), style="plain")
    else:
        parsed.split = split_reply(parsed.text, subject=parsed.subject)
    warnings[:] = list(dict.fromkeys(warnings))
    return parsed


def human_size(size: int) -> str:
    """5.2 MB, 4.9 KB: sizes in one-line messages."""
    if size >= 1_048_576:
        return f"{size / 1_048_576:.1f} MB"
    return f"{size / 1024:.1f} KB"


__all__ = [
    "DeliveryReport",
    "Label",
    "ParsedAttachment",
    "ParsedEmail",
    "ReplySplit",
    "classify",
    "decode_bytes",
    "guess_language",
    "header_text",
    "html_to_text",
    "human_size",
    "parse_email",
    "safe_filename",
    "sanitize_html",
    "split_reply",
]
