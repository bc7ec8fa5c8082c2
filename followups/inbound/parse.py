"""Step 1, read: raw RFC 5322 bytes -> a ParsedEmail. Never raises on bad input; what
cannot be read becomes a warning, and the caller has kept the raw bytes before this runs.
"""

from __future__ import annotations

import email
import email.parser
import email.policy
import hashlib
import re
from dataclasses import fields
from email.message import Message as MimeMessage
from typing import Any

from followups.inbound.classify import classify, delivery_report
from followups.inbound.mime import (
    MAX_HTML_CHARS,
    MAX_TEXT_CHARS,
    RAW_POLICY,
    Label,
    ParsedEmail,
    ReplySplit,
    addresses,
    clean_display_name,
    decode_bytes,
    defects_of,
    header_date,
    header_text,
    html_to_text,
    looks_binary,
    message_ids,
    one_message_id,
    sanitize_html,
    walk_bodies,
)
from followups.inbound.reply import split_reply

# --- The whole message -----------------------------------------------------------------


def parse_email(raw: bytes, *, max_bytes: int | None = None) -> ParsedEmail:
    """Parse raw RFC 5322 bytes. Never raises on bad input: problems become warnings,
    and input that is not an email we can store sets `refusal` to one clear line.

    Every step is linear in the size of the message or works on a bounded piece of it
    (the split on SPLIT_CHARS, HTML on MAX_HTML_CHARS and MAX_HTML_DEPTH); MIME nested
    too deep for Python's recursive parser is read again as headers plus plain text."""
    parsed = ParsedEmail(sha256=hashlib.sha256(raw).hexdigest(), size=len(raw))
    if not raw.strip():
        parsed.refusal = "empty input: no message to read"
        return parsed
    if max_bytes is not None and len(raw) > max_bytes:
        parsed.refusal = (
            f"message is {human_size(len(raw))}, over the {human_size(max_bytes)} limit "
            "(INBOUND_MAX_MESSAGE_BYTES)"
        )
        return parsed
    try:
        if raw.count(b"\n") > MAX_MIME_LINES:
            raise RecursionError  # read it flat, as below
        _read(raw, parsed)
    except RecursionError:
        parsed = ParsedEmail(sha256=parsed.sha256, size=parsed.size)
        _read_flat(raw, parsed)
    if not parsed.refusal:
        scrub_nul(parsed)
    parsed.warnings[:] = list(dict.fromkeys(parsed.warnings))
    return parsed


# The stdlib's MIME parser costs about a microsecond per line: 25 MB of six-byte lines
# took seconds. Real mail stays far below this (base64 lines are 76 bytes: 25 MB is
# 340,000 lines); beyond it the message is read flat.
MAX_MIME_LINES = 1_000_000


def _header_end(raw: bytes, start: int = 0) -> tuple[int, int] | None:
    """(end of the headers, start of the body): the first empty line. bytes.find, not a
    regular expression: on 25 MB of folded header lines the engine took a second."""
    found = [
        (at, at + len(sep))
        for sep in (b"\r\n\r\n", b"\n\n", b"\n\r\n")
        if (at := raw.find(sep, start)) >= 0
    ]
    return min(found) if found else None


# Headers are parsed line by line too, and decoded: a 25 MB folded Subject took seconds.
# Real header blocks stay far below MAX_HEADER_BLOCK (long References: some 20 KB); above
# it each header keeps its first MAX_HEADER_BYTES.
MAX_HEADER_BLOCK = 256 * 1024
MAX_HEADER_BYTES = 64 * 1024
_HEADER_START_RE = re.compile(rb"\n(?=[^ \t\r\n])")


def _compact_headers(block: bytes, warnings: list[str]) -> bytes:
    """The header block with each header (its first line and continuations) cut at
    MAX_HEADER_BYTES, when the block is over MAX_HEADER_BLOCK. One pass."""
    if len(block) <= MAX_HEADER_BLOCK:
        return block
    # Where each header starts (a line that is not a continuation): a few dozen, found
    # by the regular-expression engine; each header is then cut as one slice.
    starts = [0, *(m.end() for m in _HEADER_START_RE.finditer(block))]
    out = [
        block[start : min(stop, start + MAX_HEADER_BYTES)].rstrip(b"\r\n")
        for start, stop in zip(starts, [*starts[1:], len(block)], strict=True)
    ]
    warnings.append(
        f"A header over {MAX_HEADER_BYTES // 1024} KB was cut (the raw message keeps it)."
    )
    return b"\r\n".join(out)


def _message_from_bytes(raw: bytes, warnings: list[str]) -> tuple[MimeMessage, bytes]:
    """email.message_from_bytes, with a shortcut for a message that is one part: its
    headers are parsed and its body attached as the parser would (ASCII with surrogate
    escapes), instead of being fed through the parser line by line. Returns the message
    and the bytes it was read from (with over-long headers cut)."""
    end = _header_end(raw)
    if end is not None:
        block = _compact_headers(raw[: end[0]], warnings)
        if len(block) < end[0]:
            raw = block + raw[end[0] :]
            end = _header_end(raw, len(block))
            assert end is not None
        head = email.parser.BytesHeaderParser(policy=RAW_POLICY).parsebytes(block + b"\n\n")
        single = head.get_content_maintype() not in {"multipart", "message"}
        clean = not any(
            type(d).__name__
            in {"MissingHeaderBodySeparatorDefect", "FirstHeaderLineIsContinuationDefect"}
            for d in head.defects
        )
        if head.keys() and single and clean:
            head.set_payload(raw[end[1] :].decode("ascii", "surrogateescape"))
            return head, raw
    return email.message_from_bytes(raw, policy=RAW_POLICY), raw


def _read(raw: bytes, parsed: ParsedEmail) -> None:
    warnings = parsed.warnings
    msg, raw = _message_from_bytes(raw, warnings)
    if not msg.keys():
        if looks_binary(raw):
            parsed.refusal = f"not an email: {len(raw):,} bytes of binary data with no headers"
            return
        warnings.append("No headers at all: stored as text from an unknown sender.")
    warnings.extend(defects_of(msg))
    _read_headers(msg, parsed)

    # Bodies.
    if msg.keys():
        texts, htmls, parsed.attachments = walk_bodies(msg, warnings)
    else:
        body, problem = decode_bytes(raw, None)
        texts, htmls = [body], []
        if problem:
            warnings.append(f"Body: {problem}.")
    _finish_bodies(msg, parsed, texts, htmls)


def _read_flat(raw: bytes, parsed: ParsedEmail) -> None:
    """MIME nested deeper than Python's parser can recurse (a thousand multiparts): the
    headers as usual, everything below them as one plain text (the raw keeps it all)."""
    end = _header_end(raw)
    head = raw[: end[0]] if end is not None else raw[:65536]
    head = _compact_headers(head, parsed.warnings)
    msg = email.parser.BytesHeaderParser(policy=RAW_POLICY).parsebytes(head + b"\n\n")
    parsed.warnings.append(
        "The MIME structure is nested too deep (or has too many lines) to read: the body "
        "is shown as plain text (all of it is in the raw message)."
    )
    _read_headers(msg, parsed)
    body = raw[end[1] :] if end is not None else b""
    text, _ = decode_bytes(body[: MAX_TEXT_CHARS * 2], None)
    _finish_bodies(msg, parsed, [text], [])


def _read_headers(msg: MimeMessage, parsed: ParsedEmail) -> None:
    warnings = parsed.warnings
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
        name = senders[0][0]
        parsed.from_name = clean_display_name(name)
        if name and parsed.from_name != name.strip():
            warnings.append(
                "The sender's name had links, addresses or control characters: they were left out."
            )
        parsed.from_email = senders[0][1]
    parsed.to = [a for _, a in addresses(msg.get_all("To") or [], warnings)]
    parsed.cc = [a for _, a in addresses(msg.get_all("Cc") or [], warnings)]
    parsed.delivered_to = [
        a
        for name in ("Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To")
        for _, a in addresses(msg.get_all(name) or [], warnings)
    ]
    parsed.subject = header_text(msg.get("Subject"), warnings)[:300]
    parsed.date = header_date(msg.get("Date"), warnings)
    parsed.spam = any(
        str(msg.get(name, "")).strip().lower().startswith("yes")
        for name in ("X-Spam-Flag", "X-Spam-Status")
    )
    parsed.content_language = header_text(
        msg.get("Content-Language") or msg.get("Accept-Language")
    )[:35]
    # Top-most first, as the receiving servers added them; followups.inbound.auth decides
    # which one to trust.
    parsed.authentication_results = [
        header_text(value)[:4000] for value in (msg.get_all("Authentication-Results") or [])[:20]
    ]


def _finish_bodies(
    msg: MimeMessage, parsed: ParsedEmail, texts: list[str], htmls: list[str]
) -> None:
    warnings = parsed.warnings
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


def scrub_nul(parsed: ParsedEmail) -> None:
    """PostgreSQL stores no NUL character in text or JSON: take them out of everything
    that is stored (headers, bodies, names, warnings), with a warning when there were."""
    found = False

    def clean(value: Any) -> Any:
        nonlocal found
        if isinstance(value, str):
            if "\x00" in value:
                found = True
                return value.replace("\x00", "")
            return value
        if isinstance(value, list):
            return [clean(item) for item in value]
        return value

    holders: list[Any] = [parsed, parsed.split, *parsed.attachments]
    if parsed.dsn is not None:
        holders.append(parsed.dsn)
    for holder in holders:
        for item in fields(holder):
            if item.name in {"payload", "split", "attachments", "dsn", "date"}:
                continue
            setattr(holder, item.name, clean(getattr(holder, item.name)))
    if found:
        parsed.warnings.append("NUL characters were removed from the message (the raw keeps them).")


def human_size(size: int) -> str:
    """5.2 MB, 4.9 KB: sizes in one-line messages."""
    if size >= 1_048_576:
        return f"{size / 1_048_576:.1f} MB"
    return f"{size / 1024:.1f} KB"
