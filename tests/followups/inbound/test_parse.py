"""followups.inbound parsing: reading mail as clients really write it. No database."""

# Quote headers in Turkish, Arabic and Russian, on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import pytest

from followups.inbound import parse
from followups.inbound.classify import guess_language
from followups.inbound.mime import (
    MAX_HTML_DEPTH,
    Label,
    clean_display_name,
    decode_bytes,
    flatten_deep_html,
    header_text,
    html_to_text,
    safe_filename,
    sanitize_html,
)
from followups.inbound.parse import parse_email
from followups.inbound.reply import split_reply

from .hostile import (
    deep_multipart,
    folded_subject,
    hang_guard,
    long_sender,
    many_lines,
    nested_divs,
    with_nul,
)

# (language, reply as the client writes it, what the patient wrote, a line of the quote)
CLIENTS = [
    (
        "gmail-en",
        "Yes, Tuesday works.\n\nOn Tue, 3 Nov 2026 at 10:15, Clinic Care <reply+1-ab@x.example>"
        "\nwrote:\n\n> Dear Anna,\n> see you soon\n",
        "Yes, Tuesday works.",
        "> Dear Anna,",
    ),
    (
        "apple-en",
        "Yes\n\nSent from my iPhone\n\n> On 3 Nov 2026, at 10:15, Clinic Care <c@x.example> "
        "wrote:\n> \n> Dear Anna\n",
        "Yes",
        "> Dear Anna",
    ),
    (
        "outlook-en",
        "Fine by me.\n\n________________________________\nFrom: Clinic Care <c@x.example>\n"
        "Sent: Tuesday, November 3, 2026 10:15 AM\nTo: Anna <a@x.example>\nSubject: Visit\n\n"
        "Dear Anna\n",
        "Fine by me.",
        "Dear Anna",
    ),
    (
        "gmail-es",
        "Sí, me viene bien.\n\nEl mar, 3 nov 2026 a las 10:15, Clinic Care (<c@x.example>) "
        "escribió:\n> Hola Ana\n",
        "Sí, me viene bien.",
        "> Hola Ana",
    ),
    (
        "gmail-es-wrapped",
        "Vale.\n\nEl mar, 3 nov 2026 a las 10:15, Clinic Care (<\nc@x.example>) escribió:\n"
        "> Hola Ana\n",
        "Vale.",
        "> Hola Ana",
    ),
    (
        "outlook-es",
        "Perfecto.\n\nDe: Clinic Care <c@x.example>\nEnviado: martes, 3 de noviembre de 2026 "
        "10:15\nPara: Ana <a@x.example>\nAsunto: Visita\n\nHola Ana\n",
        "Perfecto.",
        "Hola Ana",
    ),
    (
        "gmail-de",
        "Passt.\n\nAm Di., 3. Nov. 2026 um 10:15 Uhr schrieb Clinic Care <\nc@x.example>:\n\n"
        "> Hallo Anna\n",
        "Passt.",
        "> Hallo Anna",
    ),
    (
        "apple-de",
        "Ja gern.\n\n> Am 03.11.2026 um 10:15 schrieb Clinic Care <c@x.example>:\n> \n"
        "> Liebe Frau Schmidt\n",
        "Ja gern.",
        "> Liebe Frau Schmidt",
    ),
    (
        "outlook-de",
        "Danke.\n\n-----Ursprüngliche Nachricht-----\nVon: Clinic Care <c@x.example>\n"
        "Gesendet: Dienstag, 3. November 2026 10:15\nAn: Anna\nBetreff: Termin\n\nHallo\n",
        "Danke.",
        "Von: Clinic Care",
    ),
    (
        "gmail-tr",
        "Salı uygun.\n\n3 Kas 2026 Sal, 10:15 tarihinde Clinic Care <c@x.example> şunu yazdı:\n"
        "\n> Merhaba\n",
        "Salı uygun.",
        "> Merhaba",
    ),
    (
        "apple-tr",
        "Tamam.\n\n3 Kas 2026 tarihinde 10:15 saatinde, Clinic Care <c@x.example> şunları yazdı:"
        "\n\n> Merhaba\n",
        "Tamam.",
        "> Merhaba",
    ),
    (
        "outlook-tr",
        "Teşekkürler, geliyorum.\n\nKimden: Clinic Care <c@x.example>\nGönderildi: 3 Kasım 2026"
        " Salı 10:15\nKime: Mehmet\nKonu: Bilgi\n\nSayın Mehmet Bey\n",
        "Teşekkürler, geliyorum.",
        "Sayın Mehmet Bey",
    ),
    (
        "gmail-ar",
        "الثلاثاء مناسب لي.\n\nفي الثلاثاء، 3 نوفمبر 2026 في 10:15 ص، Clinic Care "
        "<c@x.example> كتب:\n\n> مرحبا أحمد\n",
        "الثلاثاء مناسب لي.",
        "> مرحبا أحمد",
    ),
    (
        "apple-ar",
        "نعم.\n\n> في 3 نوفمبر 2026، الساعة 10:15 ص، كتب Clinic Care <c@x.example>:\n> \n> مرحبا\n",
        "نعم.",
        "> مرحبا",
    ),
    (
        "gmail-ru",
        "Да, подходит.\n\nвт, 3 нояб. 2026 г. в 10:15, Clinic Care <c@x.example>:\n\n"
        "> Здравствуйте\n",
        "Да, подходит.",
        "> Здравствуйте",
    ),
    (
        "thunderbird-ru",
        "Хорошо.\n\n03.11.2026 10:15, Clinic Care пишет:\n> Здравствуйте\n",
        "Хорошо.",
        "> Здравствуйте",
    ),
    (
        "gmail-fr",
        "D'accord.\n\nLe mar. 3 nov. 2026 à 10:15, Clinic Care <c@x.example> a écrit :\n\n"
        "> Bonjour\n",
        "D'accord.",
        "> Bonjour",
    ),
    (
        "samsung-en",
        "OK\n\nSent from my Galaxy\n\n\n-------- Original message --------\nFrom: Clinic Care "
        "<c@x.example>\nDate: 07/11/2026 09:00\nTo: e@x.example\nSubject: Checklist\n\n"
        "Dear Emily\n",
        "OK",
        "Dear Emily",
    ),
    (
        "no-attribution",
        "Fine by me\n\n> Dear Anna,\n> see you\n",
        "Fine by me",
        "> see you",
    ),
]


@pytest.mark.parametrize(
    ("client", "text", "reply", "quoted"), CLIENTS, ids=[c[0] for c in CLIENTS]
)
def test_the_reply_is_separated_from_the_quoted_history(
    client: str, text: str, reply: str, quoted: str
) -> None:
    split = split_reply(text)
    assert split.reply == reply
    assert quoted in split.quoted
    assert reply not in split.quoted
    assert split.style == "top"


def test_inline_answers_keep_the_whole_text() -> None:
    text = (
        "On 04/11/2026 09:00, Clinic Care wrote:\n> When do you arrive?\nOn the 15th.\n"
        "> Do you need a hotel?\nYes please.\n"
    )
    split = split_reply(text)
    assert split.style == "inline"
    assert "On the 15th." in split.reply and "Yes please." in split.reply
    assert split.quoted == ""


def test_an_answer_below_the_quote_is_kept() -> None:
    split = split_reply("On Tue, Clinic Care <c@x.example> wrote:\n> When?\n\nOn the 15th.\n")
    assert split.style == "bottom"
    assert "On the 15th." in split.reply


def test_a_forward_keeps_the_forwarded_mail_visible() -> None:
    text = (
        "Here is my flight.\n\n---------- Forwarded message ---------\nFrom: Airline "
        "<noreply@air.example>\nDate: Fri, 6 Nov 2026\nSubject: Booking\nTo: <a@x.example>\n\n"
        "IB 3210 Madrid - Istanbul\n"
    )
    split = split_reply(text, subject="Fwd: Booking")
    assert split.style == "forward"
    assert "IB 3210" in split.reply


@pytest.mark.parametrize(
    ("text", "reply", "signature"),
    [
        ("Yes.\n\nBest regards,\nAnna", "Yes.", "Best regards,\nAnna"),
        ("Ja.\n\nViele Grüße\nAnna", "Ja.", "Viele Grüße\nAnna"),
        ("Sí.\n\nUn saludo,\nLucía", "Sí.", "Un saludo,\nLucía"),
        ("Tamam.\n\nSaygılarımla\nMehmet Yılmaz", "Tamam.", "Saygılarımla\nMehmet Yılmaz"),
        ("نعم.\n\nمع خالص التحيات\nأحمد", "نعم.", "مع خالص التحيات\nأحمد"),
        ("Да.\n\nС уважением,\nОльга", "Да.", "С уважением,\nОльга"),
        ("Yes.\n-- \nAnna Schmidt\n+49 30 1234567", "Yes.", "--\nAnna Schmidt\n+49 30 1234567"),
        ("Yes.\n\nSent from my iPhone", "Yes.", "Sent from my iPhone"),
        ("Ja.\n\nVon meinem iPhone gesendet", "Ja.", "Von meinem iPhone gesendet"),
        ("Tamam.\n\niPhone'umdan gönderildi", "Tamam.", "iPhone'umdan gönderildi"),
    ],
)
def test_signatures_are_split_off(text: str, reply: str, signature: str) -> None:
    split = split_reply(text)
    assert (split.reply, split.signature) == (reply, signature)


@pytest.mark.parametrize(
    "text",
    [
        # A sentence that starts like a closing is part of the reply.
        "Hi Carmen,\nThanks, the dates work for me and my husband.\nSee you then",
        # So is a hyphen list of questions.
        "My questions:\n- how long is the stay?\n- is the hotel included?",
        # A closing followed by more questions is not a signature.
        "Hi,\nThanks,\nand one more thing: is the transfer included?\nAnd the hotel?",
    ],
)
def test_the_reply_is_not_cut_short(text: str) -> None:
    split = split_reply(text)
    assert split.reply == text.strip()
    assert split.signature == ""


def test_html_only_mail_becomes_text_with_quotes() -> None:
    html = (
        "<html><head><style>p{x:y}</style></head><body><p>Yes&nbsp;please</p>"
        "<div class='gmail_quote'>On Tue, Clinic Care wrote:<br>"
        "<blockquote>Dear Anna<br>see you</blockquote></div></body></html>"
    )
    text = html_to_text(html)
    assert text.splitlines()[0] == "Yes please"
    assert "> Dear Anna" in text and "p{x:y}" not in text
    assert split_reply(text).reply == "Yes please"


def test_html_is_sanitised() -> None:
    dirty = (
        "<p onclick='steal()'>Hi<script>alert(1)</script></p><img src='https://t.example/p.gif'>"
        "<a href='javascript:alert(1)'>x</a><a href='https://ok.example'>ok</a>"
        "<iframe src='https://evil.example'></iframe><style>body{}</style>"
    )
    clean = sanitize_html(dirty)
    for bad in ("onclick", "<script", "alert(1)", "<img", "javascript:", "<iframe", "<style"):
        assert bad not in clean
    assert 'href="https://ok.example"' in clean and "noopener" in clean


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\anna\\x-ray.png", "x-ray.png"),
        ("<script>alert(1)</script>.html", "script_.html"),
        ("<img src=x onerror=alert(1)>.svg", "_img_src=x_onerror=alert(1)_.svg"),
        (".htaccess", "htaccess"),
        ("Röntgen Bild 1.JPG", "Röntgen_Bild_1.JPG"),
        ("تقرير طبي.pdf", "تقرير_طبي.pdf"),
        ("", "attachment.pdf"),
        ("a" * 300 + ".pdf", "a" * 96 + ".pdf"),
        ("bad\x00name\r\n.txt", "badname.txt"),
    ],
)
def test_attachment_names_are_made_safe(name: str, expected: str) -> None:
    assert safe_filename(name, content_type="application/pdf") == expected


@pytest.mark.parametrize(
    ("data", "declared", "expected", "warns"),
    [
        ("Grüße".encode(), "utf-8", "Grüße", False),
        (b"Luc\xeda", "x-unknown", "Lucía", True),
        (b"Luc\xeda", "utf-8", "Lucía", True),  # wrong charset
        ("Kasım sonu teşekkürler".encode("cp1254"), "utf-8", "Kasım sonu teşekkürler", True),
        ("Dzień dobry, proszę".encode("cp1250"), None, "Dzień dobry, proszę", True),
        ("Здравствуйте".encode("cp1251"), "x-mac-unknown", "Здравствуйте", True),
        ("مرحبا بكم".encode("cp1256"), None, "مرحبا بكم", True),
        ("Très cher, ça coûte".encode("cp1252"), "bogus", "Très cher, ça coûte", True),
    ],
)
def test_charsets_that_are_missing_unknown_or_wrong(
    data: bytes, declared: str | None, expected: str, warns: bool
) -> None:
    text, warning = decode_bytes(data, declared)
    assert text == expected
    assert bool(warning) is warns


def test_headers_with_encoded_words_and_raw_bytes() -> None:
    warnings: list[str] = []
    assert header_text("=?UTF-8?Q?Luc=C3=ADa_Fern=C3=A1ndez?=") == "Lucía Fernández"
    assert header_text("Anna M\udcc3\udcbcller", warnings) == "Anna Müller"
    assert warnings


def test_automatic_replies_are_recognised() -> None:
    def label(headers: str) -> str:
        raw = f"From: a@x.example\nTo: b@x.example\n{headers}\n\nbody\n".encode()
        return parse_email(raw).label

    assert label("Subject: Hi\nAuto-Submitted: auto-replied") == Label.AUTO_REPLY
    assert label("Subject: Hi\nAuto-Submitted: no") == Label.REPLY
    assert label("Subject: Hi\nX-Autoreply: yes") == Label.AUTO_REPLY
    assert label("Subject: Hi\nPrecedence: bulk") == Label.AUTO_REPLY
    assert label("Subject: Hi\nPrecedence: auto_reply") == Label.AUTO_REPLY
    for subject in (
        "Out of Office: Your visit",
        "Automatic reply: Your visit",
        "Abwesenheitsnotiz: Termin",
        "Automatische Antwort: Termin",
        "Respuesta automática: Visita",
        "Réponse automatique : Visite",
        "Otomatik yanıt: Bilgi",
        "رد تلقائي: زيارة",
        "Автоматический ответ: Визит",
    ):
        assert label(f"Subject: {subject}") == Label.AUTO_REPLY, subject
    assert label("Subject: Re: Out of office hours, can I call?") == Label.REPLY


def test_the_language_of_a_new_inquiry() -> None:
    languages = ["en", "es", "de", "fr", "it", "nl", "tr", "ar", "ru", "pl"]
    for text, expected in [
        ("Hola, quiero saber el precio para los implantes", "es"),
        ("Hallo, ich möchte bitte einen Termin", "de"),
        ("مرحبا، أريد معرفة السعر لزراعة الأسنان من فضلكم", "ar"),
        ("Здравствуйте, сколько стоят импланты для зубов?", "ru"),
        ("Merhaba, bir fiyat için bilgi", "tr"),
        ("xyz", "en"),
    ]:
        assert guess_language(text, allowed=languages) == expected, text
    assert guess_language("anything", header="it-IT", allowed=languages) == "it"


# --- Hostile shapes: every step linear or capped (issue 10) -------------------------------


def test_a_forty_thousand_line_email_is_read_in_one_pass() -> None:
    # The signature split rebuilt the remaining lines for every line: 49 s for this.
    with hang_guard():
        parsed = parse_email(many_lines())
    assert parsed.text.count("hello") == 40_000
    assert parsed.split.style == "plain" and parsed.split.signature == ""


def test_a_signature_is_still_cut_only_near_the_end() -> None:
    body = "Thanks, the dates work.\n" + "line\n" * 20 + "Best regards,\nAnna\n"
    split = split_reply(body)
    assert split.reply.startswith("Thanks, the dates work.") and split.signature.startswith(
        "Best regards"
    )
    long_tail = "Yes.\nBest regards,\n" + "\n".join(f"line {i}" for i in range(12))
    assert split_reply(long_tail).signature == ""  # too much after the closing


def test_a_megabyte_of_nested_divs_is_flattened_before_sanitising() -> None:
    with hang_guard():
        parsed = parse_email(nested_divs())
    assert "Where do I send the X-ray?" in parsed.text
    assert "Where do I send the X-ray?" in parsed.html
    assert parsed.html.count("<div>") <= MAX_HTML_DEPTH


def test_flattening_keeps_shallow_html_and_the_text_of_deep_html() -> None:
    shallow = "<div><p>Hi <b>there</b></p><br></div>"
    assert flatten_deep_html(shallow) == shallow
    deep = "<div>" * 5 + "x" + "</div>" * 5
    assert flatten_deep_html(deep, max_depth=2) == "<div><div>x</div></div>"


def test_a_megabyte_of_folded_subject() -> None:
    with hang_guard():
        parsed = parse_email(folded_subject())
    assert parsed.subject.startswith("word word") and len(parsed.subject) == 300
    assert parsed.split.reply == "Please call me back."
    assert parsed.from_email == "anna@example.de" and parsed.message_id == "<hostile-1@example.de>"
    assert any("A header over 64 KB was cut" in w for w in parsed.warnings)


@pytest.mark.parametrize("depth", [500, 1000])
def test_multipart_nested_hundreds_deep(depth: int) -> None:
    # 1,000 levels raised RecursionError in the stdlib parser.
    with hang_guard():
        parsed = parse_email(deep_multipart(depth))
    assert "The bottom line." in parsed.text
    assert parsed.from_email == "anna@example.de" and parsed.message_id
    if depth == 1000:
        assert any("nested too deep" in w for w in parsed.warnings)


def test_nul_characters_are_taken_out_of_everything_stored() -> None:
    parsed = parse_email(with_nul())
    stored = [
        parsed.subject,
        parsed.text,
        parsed.split.reply,
        *parsed.warnings,
        *(a.original_filename for a in parsed.attachments),
        *(a.filename for a in parsed.attachments),
        *(a.content_type for a in parsed.attachments),
    ]
    assert not any("\x00" in value for value in stored), stored
    assert parsed.subject == "Hello there" and parsed.split.reply == "My reply."
    assert [a.original_filename for a in parsed.attachments] == ["scan.pdf"]
    assert any("NUL characters were removed" in w for w in parsed.warnings)


def test_an_address_longer_than_rfc_5321_allows_is_not_used() -> None:
    parsed = parse_email(long_sender())
    assert parsed.from_email == ""
    assert any("No usable From address" in w for w in parsed.warnings)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Anna Müller", "Anna Müller"),
        ("Dr. J. R. Smith", "Dr. J. R. Smith"),
        ("Claim your prize at http://evil.example/win now", "Claim your prize at now"),
        ("Win big: evil.example", "Win big"),
        ("www.evil.example", ""),
        ("x@evil.example", ""),
        ("Anna\x00\u202e Smith\r\n", "Anna Smith"),
        ("A" * 300, "A" * 80),
    ],
)
def test_display_names_lose_links_and_control_characters(name: str, expected: str) -> None:
    assert clean_display_name(name) == expected


def test_a_multipart_of_too_many_lines_is_read_flat(monkeypatch: pytest.MonkeyPatch) -> None:
    # The stdlib parser costs about a microsecond a line: 25 MB of six-byte lines in a
    # multipart took seconds. Real mail stays far below the cap (base64 lines are long).
    monkeypatch.setattr(parse, "MAX_MIME_LINES", 100)
    raw = deep_multipart(1).replace(b"The bottom line.", b"hello\r\n" * 200)
    parsed = parse_email(raw)
    assert parsed.text.count("hello") == 200
    assert any("too many lines" in w for w in parsed.warnings)


def test_a_single_part_body_keeps_its_bytes_through_the_shortcut() -> None:
    raw = (
        b"From: a@example.de\r\nSubject: x\r\nContent-Type: text/plain; charset=cp1254\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\nTe\xfeekk\xfcrler, g\xfcle g\xfcle.\r\n"
    )
    assert parse_email(raw).text.strip() == "Teşekkürler, güle güle."
