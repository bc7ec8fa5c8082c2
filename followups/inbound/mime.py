"""The pieces of a message (types, limits, headers, addresses, bodies) that parsing,
classifying and splitting share, with warnings instead of exceptions.

Pure functions, no database: followups.inbound.match and .store decide where a message
goes.
Everything here is written for mail as it really arrives: missing or broken headers,
charsets that are unknown or lie, HTML-only bodies, attachments without text, delivery
reports, autoresponders, and replies in many languages with the quoted history below
(or around) the patient's words. What cannot be read becomes a warning on the result;
the caller keeps the raw bytes whatever happens.

The message is parsed with the lenient `compat32` policy (it never raises on a header
and records what it had to guess as `defects`); headers, addresses and bodies are then
decoded here with explicit fallbacks.
"""

# Patterns are written in many languages on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import datetime as dt
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

# --- Limits that keep one odd message from costing minutes of CPU --------------------

# The reply/quote split runs regular expressions over the text; beyond this many
# characters the rest is treated as part of the quote (or of the reply when no quote
# header was found) without being searched.
SPLIT_CHARS = 100_000
# Stored text and sanitised HTML are cut here (the raw message keeps everything).
MAX_TEXT_CHARS = 500_000
MAX_HTML_CHARS = 1_000_000
# HTML nested deeper than this is flattened before sanitising: the sanitiser's tree
# builder costs time in the square of the depth (1 MB of nested <div> took minutes).
MAX_HTML_DEPTH = 200
# RFC 5321: a path is at most 256 octets with its angle brackets, a local part 64.
MAX_ADDRESS_CHARS = 254
# A display name we show or write back (the acknowledgment's greeting) is cut here.
MAX_NAME_CHARS = 80


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
    # The Authentication-Results headers, top-most (added last, by our side) first.
    authentication_results: list[str] = field(default_factory=list)
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


RAW_POLICY = _RawHeaderPolicy()


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
    # A NUL in a charset name makes codecs raise ValueError rather than LookupError.
    declared = (declared or "").replace("\x00", "").strip().strip('"').lower()[:40] or None
    problem = ""
    if declared in {"unknown-8bit", "x-unknown", "unknown", "none"}:
        problem, declared = f"charset {declared!r} says it is unknown", None
    if declared:
        try:
            return data.decode(declared), None
        except UnicodeDecodeError:  # (a ValueError: before the next line)
            problem = f"text is not valid {declared}"
        except (LookupError, ValueError):
            problem = f"unknown charset {declared!r}"
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
    """The address lower-cased, or "" when it is not one we can store and match: junk,
    NUL or control characters, longer than RFC 5321 allows."""
    address = address.strip().strip("<>").strip().lower()
    if len(address) > MAX_ADDRESS_CHARS or len(address.partition("@")[0]) > 64:
        return ""
    if any(ch < " " or ch == "\x7f" for ch in address):
        return ""
    return address if _ADDRESS_RE.match(address) else ""


# Anything that reads as a link or an address in a display name: a scheme, www., an
# @, or a dotted host name ("Win big at evil.example/x").
_NAME_LINK_RE = re.compile(
    r"(?:[a-z][a-z0-9+.\-]*:/+\S*|www\.\S*|\S*@\S*|\S*[\w-]\.[a-z][\w-]*(?:[./:?#]\S*)?)",
    re.IGNORECASE,
)


def clean_display_name(name: str) -> str:
    """A display name that is safe to show and to write back to the sender (we greet new
    patients by it): no links or addresses, no control or bidi characters, collapsed
    spaces, at most MAX_NAME_CHARS. Empty if nothing of a name is left."""
    name = unicodedata.normalize("NFKC", name or "")
    name = "".join(" " if unicodedata.category(ch)[0] in {"C", "Z"} else ch for ch in name)
    name = _NAME_LINK_RE.sub(" ", name)
    name = re.sub(r"\s+", " ", name).strip(" \"'<>()[]{},;:")
    if not any(ch.isalpha() for ch in name):
        return ""
    return name[:MAX_NAME_CHARS].strip()


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


def header_date(value: Any, warnings: list[str]) -> dt.datetime | None:
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
    """Plain text of (at most MAX_HTML_CHARS of) an HTML body; linear in its length."""
    html = flatten_deep_html(html[:MAX_HTML_CHARS])
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
    links get rel="noopener noreferrer nofollow". Nesting beyond MAX_HTML_DEPTH is
    flattened first, so the cost stays linear in the length."""
    return nh3.clean(
        flatten_deep_html(html[:MAX_HTML_CHARS]),
        tags=_SAFE_TAGS,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)\b[^<>]*?(/?)>")
_VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    | {"track", "wbr", "param", "keygen"}
)


def flatten_deep_html(html: str, *, max_depth: int = MAX_HTML_DEPTH) -> str:
    """Drop the tags (not the text) that open or close below `max_depth` levels of
    nesting. One regular-expression pass; real mail rarely nests 30 deep."""
    depth = 0
    out: list[str] = []
    last = 0
    changed = False
    for tag in _TAG_RE.finditer(html):
        closing, name, self_closing = tag.group(1), tag.group(2).lower(), tag.group(3)
        if name in _VOID_TAGS or self_closing:
            continue
        if closing:
            drop = depth > max_depth
            depth = max(0, depth - 1)
        else:
            depth += 1
            drop = depth > max_depth
        if drop:
            out.append(html[last : tag.start()])
            last = tag.end()
            changed = True
    if not changed:
        return html
    out.append(html[last:])
    return "".join(out)


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


def walk_bodies(
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


def looks_binary(data: bytes) -> bool:
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


def defects_of(msg: MimeMessage) -> list[str]:
    seen: list[str] = []
    for part in msg.walk():
        for defect in getattr(part, "defects", []):
            name = type(defect).__name__
            text = _DEFECT_TEXT.get(name, name)
            if text not in seen:
                seen.append(text)
    return [f"Malformed MIME: {text}." for text in seen]
