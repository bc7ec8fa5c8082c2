"""Reading the patient's own words: the reply split from the quoted history and the
signature, in the languages our patients write. Pure functions, no database."""

# Quote headers and closings are written in Turkish, Russian and Arabic on purpose.
# ruff: noqa: RUF001, RUF003

from __future__ import annotations

import re

from mailparser_reply.parser import EmailMessage as _LibraryMessage

from followups.inbound.mime import SPLIT_CHARS, ReplySplit

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
    "Thanks, ..." keeps it.

    One pass from the end first counts, for every line, the non-empty lines after it and
    whether they are all short: a forty-thousand-line email costs forty thousand steps,
    not one rebuild of the rest per line."""
    lines = body.split("\n")
    # after[i]: non-empty lines after line i; short[i]: all of them short, no question.
    after = [0] * len(lines)
    short = [True] * len(lines)
    count, all_short = 0, True
    for index in range(len(lines) - 1, -1, -1):
        after[index], short[index] = count, all_short
        rest = lines[index].strip()
        if rest:
            count += 1
            all_short = all_short and len(rest) <= 60 and not rest.endswith("?")
    for index, line in enumerate(lines):
        if index == 0:
            continue  # a message does not start with its signature
        stripped = line.strip().lstrip("> ").strip()
        if (
            stripped in {"--", "-- ", "__"}
            or (after[index] <= 2 and _SENT_FROM_RE.match(stripped))
            or (after[index] <= 8 and short[index] and _CLOSING_RE.match(stripped))
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
