"""Default automated patient emails, shipped with the product, in English, Spanish and German.

``TEMPLATES[key][language]`` holds ``subject``, ``text`` and ``html``, each Django template
source. They use only the documented message context (``patient``, ``coordinator``,
``clinic``, ``procedure``, ``journey``, ``links``, ``company``) and built-in tags and
filters. Optional values (phone numbers, planned dates, estimated cost, day counts) are
wrapped in ``{% if %}`` so a missing value never leaves a gap in the sentence.

Written the way a coordinator writes: short, specific, honest, no medical promises, and
always inviting a reply. Spanish uses "usted", German uses "Sie". Spanish and German dates
are numeric (``d/m/Y``, ``d.m.Y``) so they read correctly whichever language is active
when rendering; English uses ``j F Y``.

``html`` is a fragment (paragraphs, lists, links): the sending code adds the layout
wrapper. ``text`` and ``html`` say the same thing.

``KINDS[key]`` is "care" (a patient needs it for their treatment) or "marketing"
(promotional follow-up; its text and html end with the ``links.unsubscribe`` line).

``WINDOWS[key]`` is the default rule's send window in the patient's local time.
"""

import datetime as dt

TEMPLATES: dict[str, dict[str, dict[str, str]]] = {
    "inquiry_ack": {
        "en": {
            "subject": "We've received your inquiry, {{ patient.first_name }}",
            "text": (
                "Hi {{ patient.first_name }},\n\n"
                "Thank you for getting in touch{% if procedure.name %} about {{ procedure.name }}"
                "{% endif %}. {% if coordinator.assigned %}My name is "
                "{{ coordinator.first_name }}, and I'll be your coordinator at "
                "{{ company.name }}: the one person you can always come back to, whatever the "
                "question.{% else %}This is the care team at "
                "{{ company.name }}. One of our coordinators will look after you personally: the "
                "one person you can always come back to, whatever the question.{% endif %}\n\n"
                "Here is what happens next:\n"
                "- {% if coordinator.assigned %}I read{% else %}We read{% endif %} through "
                "everything you've sent us.\n"
                "- The doctor{% if clinic.name %} at {{ clinic.name }}{% endif %} reviews your "
                "medical information.\n"
                "- You receive a personal treatment plan and quote, usually within about 48 hours "
                "(sometimes a little longer if the doctor needs more information).\n\n"
                "It helps a lot if you can send recent photos, X-rays or medical reports. Just "
                "reply to this email and attach them. Whatever you have is a good start.\n\n"
                "You can reach {% if coordinator.assigned %}me{% else %}us{% endif %} at "
                "{{ coordinator.email }}{% if coordinator.phone %} or on "
                "{{ coordinator.phone }}{% endif %}.\n\n"
                "Warm regards,\n"
                "{% if coordinator.assigned %}{{ coordinator.name }}\n"
                "Patient coordinator, {{ company.name }}{% else %}The care team at "
                "{{ company.name }}{% endif %}"
            ),
            "html": (
                "<p>Hi {{ patient.first_name }},</p>\n"
                "<p>Thank you for getting in touch{% if procedure.name %} about "
                "{{ procedure.name }}{% endif %}. {% if coordinator.assigned %}My name is "
                "{{ coordinator.first_name }}, and I'll be your coordinator at {{ company.name }}: "
                "the one person you can always come back to, whatever the question.{% else %}"
                "This is the care team at {{ company.name }}. One of our coordinators will look "
                "after you personally: the one person you can always come back to, whatever the "
                "question.{% endif %}</p>\n"
                "<p>Here is what happens next:</p>\n"
                "<ul>\n"
                "<li>{% if coordinator.assigned %}I read{% else %}We read{% endif %} through "
                "everything you've sent us.</li>\n"
                "<li>The doctor{% if clinic.name %} at {{ clinic.name }}{% endif %} reviews your "
                "medical information.</li>\n"
                "<li>You receive a personal treatment plan and quote, usually within about 48 "
                "hours (sometimes a little longer if the doctor needs more information).</li>\n"
                "</ul>\n"
                "<p>It helps a lot if you can send recent photos, X-rays or medical reports. Just "
                "reply to this email and attach them. Whatever you have is a good start.</p>\n"
                "<p>You can reach {% if coordinator.assigned %}me{% else %}us{% endif %} at "
                '<a href="mailto:{{ coordinator.email }}">'
                "{{ coordinator.email }}</a>{% if coordinator.phone %} or on "
                "{{ coordinator.phone }}{% endif %}.</p>\n"
                "<p>Warm regards,<br>\n"
                "{% if coordinator.assigned %}{{ coordinator.name }}<br>\n"
                "Patient coordinator, {{ company.name }}{% else %}The care team at "
                "{{ company.name }}{% endif %}</p>"
            ),
        },
        "es": {
            "subject": "Hemos recibido su consulta, {{ patient.first_name }}",
            "text": (
                "Hola, {{ patient.first_name }}:\n\n"
                "Muchas gracias por escribirnos{% if procedure.name %} sobre {{ procedure.name }}"
                "{% endif %}. {% if coordinator.assigned %}Me llamo {{ coordinator.first_name }} y "
                "voy a acompañarle en {{ company.name }} durante todo el proceso. Para cualquier "
                "duda, puede dirigirse siempre a mí.{% else %}Le escribe el equipo de atención al "
                "paciente de {{ company.name }}. Muy pronto uno de nuestros coordinadores le "
                "acompañará personalmente durante todo el proceso.{% endif %}\n\n"
                "Así seguimos a partir de ahora:\n"
                "- Primero {% if coordinator.assigned %}leeré{% else %}leeremos{% endif %} con "
                "calma toda la información que nos ha enviado.\n"
                "- Después, el equipo médico{% if clinic.name %} de {{ clinic.name }}{% endif %} "
                "revisará su historial.\n"
                "- Normalmente, en unas 48 horas recibirá un plan de tratamiento personalizado "
                "con su presupuesto (a veces tarda algo más si el médico necesita más datos).\n\n"
                "Nos ayudaría mucho contar con fotos recientes, radiografías o informes médicos. "
                "Basta con responder a este correo y adjuntarlos. Con lo que tenga ya podemos "
                "empezar.\n\n"
                "Puede {% if coordinator.assigned %}escribirme{% else %}escribirnos{% endif %} a "
                "{{ coordinator.email }}{% if coordinator.phone %} o "
                "{% if coordinator.assigned %}llamarme{% else %}llamarnos{% endif %} al "
                "{{ coordinator.phone }}{% endif %}.\n\n"
                "Un cordial saludo,\n"
                "{% if coordinator.assigned %}{{ coordinator.name }}\n"
                "Coordinación de pacientes, {{ company.name }}{% else %}El equipo de atención al "
                "paciente de {{ company.name }}{% endif %}"
            ),
            "html": (
                "<p>Hola, {{ patient.first_name }}:</p>\n"
                "<p>Muchas gracias por escribirnos{% if procedure.name %} sobre "
                "{{ procedure.name }}{% endif %}. {% if coordinator.assigned %}Me llamo "
                "{{ coordinator.first_name }} y voy a acompañarle en {{ company.name }} durante "
                "todo el proceso. Para cualquier duda, puede dirigirse siempre a mí.{% else %}Le "
                "escribe el equipo de atención al paciente de {{ company.name }}. Muy pronto uno "
                "de nuestros coordinadores le acompañará personalmente durante todo el proceso."
                "{% endif %}</p>\n"
                "<p>Así seguimos a partir de ahora:</p>\n"
                "<ul>\n"
                "<li>Primero {% if coordinator.assigned %}leeré{% else %}leeremos{% endif %} con "
                "calma toda la información que nos ha enviado.</li>\n"
                "<li>Después, el equipo médico{% if clinic.name %} de {{ clinic.name }}"
                "{% endif %} revisará su historial.</li>\n"
                "<li>Normalmente, en unas 48 horas recibirá un plan de tratamiento personalizado "
                "con su presupuesto (a veces tarda algo más si el médico necesita más datos)."
                "</li>\n"
                "</ul>\n"
                "<p>Nos ayudaría mucho contar con fotos recientes, radiografías o informes "
                "médicos. Basta con responder a este correo y adjuntarlos. Con lo que tenga ya "
                "podemos empezar.</p>\n"
                "<p>Puede {% if coordinator.assigned %}escribirme{% else %}escribirnos{% endif %} "
                'a <a href="mailto:{{ coordinator.email }}">{{ coordinator.email }}</a>'
                "{% if coordinator.phone %} o {% if coordinator.assigned %}llamarme"
                "{% else %}llamarnos{% endif %} al {{ coordinator.phone }}{% endif %}.</p>\n"
                "<p>Un cordial saludo,<br>\n"
                "{% if coordinator.assigned %}{{ coordinator.name }}<br>\n"
                "Coordinación de pacientes, {{ company.name }}{% else %}El equipo de atención al "
                "paciente de {{ company.name }}{% endif %}</p>"
            ),
        },
        "de": {
            "subject": "Ihre Anfrage ist bei uns angekommen, {{ patient.first_name }}",
            "text": (
                "Hallo {{ patient.first_name }},\n\n"
                "vielen Dank für Ihre Anfrage{% if procedure.name %} zum Thema "
                "{{ procedure.name }}{% endif %}. {% if coordinator.assigned %}Ich bin "
                "{{ coordinator.first_name }} und begleite Sie bei {{ company.name }} durch den "
                "gesamten Ablauf. Mit allen Fragen können Sie sich jederzeit direkt an mich "
                "wenden.{% else %}Hier schreibt Ihnen das Betreuungsteam von {{ company.name }}. "
                "In Kürze begleitet Sie eine feste Ansprechperson aus unserem Team durch den "
                "gesamten Ablauf.{% endif %}\n\n"
                "So geht es jetzt weiter:\n"
                "- {% if coordinator.assigned %}Ich lese mir{% else %}Wir lesen uns{% endif %} "
                "alles, was Sie uns geschickt haben, in Ruhe durch.\n"
                "- Das Ärzteteam{% if clinic.name %} von {{ clinic.name }}{% endif %} prüft Ihre "
                "medizinischen Unterlagen.\n"
                "- Sie erhalten einen persönlichen Behandlungsplan mit Kostenvoranschlag, in der "
                "Regel innerhalb von etwa 48 Stunden (manchmal etwas später, wenn noch Angaben "
                "fehlen).\n\n"
                "Sehr hilfreich sind aktuelle Fotos, Röntgenbilder oder Arztberichte. Antworten "
                "Sie einfach auf diese E-Mail und hängen Sie sie an. Alles, was Sie schon haben, "
                "ist ein guter Anfang.\n\n"
                "Sie erreichen {% if coordinator.assigned %}mich{% else %}uns{% endif %} unter "
                "{{ coordinator.email }}{% if coordinator.phone %} oder "
                "telefonisch unter {{ coordinator.phone }}{% endif %}.\n\n"
                "Herzliche Grüße\n"
                "{% if coordinator.assigned %}{{ coordinator.name }}\n"
                "Patientenbetreuung, {{ company.name }}{% else %}Ihr Betreuungsteam von "
                "{{ company.name }}{% endif %}"
            ),
            "html": (
                "<p>Hallo {{ patient.first_name }},</p>\n"
                "<p>vielen Dank für Ihre Anfrage{% if procedure.name %} zum Thema "
                "{{ procedure.name }}{% endif %}. {% if coordinator.assigned %}Ich bin "
                "{{ coordinator.first_name }} und begleite Sie bei {{ company.name }} durch den "
                "gesamten Ablauf. Mit allen Fragen können Sie sich jederzeit direkt an mich "
                "wenden.{% else %}Hier schreibt Ihnen das Betreuungsteam von {{ company.name }}. "
                "In Kürze begleitet Sie eine feste Ansprechperson aus unserem Team durch den "
                "gesamten Ablauf.{% endif %}</p>\n"
                "<p>So geht es jetzt weiter:</p>\n"
                "<ul>\n"
                "<li>{% if coordinator.assigned %}Ich lese mir{% else %}Wir lesen uns{% endif %} "
                "alles, was Sie uns geschickt haben, in Ruhe durch.</li>\n"
                "<li>Das Ärzteteam{% if clinic.name %} von {{ clinic.name }}{% endif %} prüft "
                "Ihre medizinischen Unterlagen.</li>\n"
                "<li>Sie erhalten einen persönlichen Behandlungsplan mit Kostenvoranschlag, in "
                "der Regel innerhalb von etwa 48 Stunden (manchmal etwas später, wenn noch "
                "Angaben fehlen).</li>\n"
                "</ul>\n"
                "<p>Sehr hilfreich sind aktuelle Fotos, Röntgenbilder oder Arztberichte. "
                "Antworten Sie einfach auf diese E-Mail und hängen Sie sie an. Alles, was Sie "
                "schon haben, ist ein guter Anfang.</p>\n"
                "<p>Sie erreichen {% if coordinator.assigned %}mich{% else %}uns{% endif %} unter "
                '<a href="mailto:{{ coordinator.email }}">'
                "{{ coordinator.email }}</a>{% if coordinator.phone %} oder telefonisch unter "
                "{{ coordinator.phone }}{% endif %}.</p>\n"
                "<p>Herzliche Grüße<br>\n"
                "{% if coordinator.assigned %}{{ coordinator.name }}<br>\n"
                "Patientenbetreuung, {{ company.name }}{% else %}Ihr Betreuungsteam von "
                "{{ company.name }}{% endif %}</p>"
            ),
        },
    },
    "inquiry_info_pack": {
        "en": {
            "subject": "{{ procedure.name }}: what to expect",
            "text": (
                "Hi {{ patient.first_name }},\n\n"
                "So you can picture it all a bit better, here's what to expect with "
                "{{ procedure.name }}{% if clinic.name %} at {{ clinic.name }} in "
                "{{ clinic.city }}{% endif %}.\n\n"
                "How it goes. First you meet the doctor for a consultation and examination, and "
                "nothing is decided until your questions are answered. Then comes the treatment "
                "itself, and a check-up before you fly home. The exact plan depends on your "
                "situation, and the doctor will explain it to you in person.\n\n"
                "How long to plan for. A typical stay is about {{ procedure.typical_stay_days }} "
                "day{{ procedure.typical_stay_days|pluralize }}.{% if procedure.recovery_days %} "
                "Recovery usually takes around {{ procedure.recovery_days }} day"
                "{{ procedure.recovery_days|pluralize }}, though everyone heals at their own "
                "pace.{% endif %}\n\n"
                "Usually included:\n"
                "- airport transfers\n"
                "- your hotel\n"
                "- a translator at your appointments\n"
                "- aftercare, including check-ins after you're home\n\n"
                "Your personal quote shows exactly what's included in your case.\n\n"
                "If anything is unclear, just reply to this email. No question is too small.\n\n"
                "Warm regards,\n"
                "{{ coordinator.name }}\n"
                "Patient coordinator, {{ company.name }}"
            ),
            "html": (
                "<p>Hi {{ patient.first_name }},</p>\n"
                "<p>So you can picture it all a bit better, here's what to expect with "
                "{{ procedure.name }}{% if clinic.name %} at {{ clinic.name }} in "
                "{{ clinic.city }}{% endif %}.</p>\n"
                "<p><strong>How it goes.</strong> First you meet the doctor for a consultation "
                "and examination, and nothing is decided until your questions are answered. Then "
                "comes the treatment itself, and a check-up before you fly home. The exact plan "
                "depends on your situation, and the doctor will explain it to you in person.</p>"
                "\n"
                "<p><strong>How long to plan for.</strong> A typical stay is about "
                "{{ procedure.typical_stay_days }} day{{ procedure.typical_stay_days|pluralize }}"
                ".{% if procedure.recovery_days %} Recovery usually takes around "
                "{{ procedure.recovery_days }} day{{ procedure.recovery_days|pluralize }}, though "
                "everyone heals at their own pace.{% endif %}</p>\n"
                "<p><strong>Usually included:</strong></p>\n"
                "<ul>\n"
                "<li>airport transfers</li>\n"
                "<li>your hotel</li>\n"
                "<li>a translator at your appointments</li>\n"
                "<li>aftercare, including check-ins after you're home</li>\n"
                "</ul>\n"
                "<p>Your personal quote shows exactly what's included in your case.</p>\n"
                "<p>If anything is unclear, just reply to this email. No question is too small."
                "</p>\n"
                "<p>Warm regards,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patient coordinator, {{ company.name }}</p>"
            ),
        },
        "es": {
            "subject": "{{ procedure.name }}: qué puede esperar",
            "text": (
                "Hola, {{ patient.first_name }}:\n\n"
                "Para que pueda hacerse una idea más clara, le cuento cómo suele desarrollarse su "
                "tratamiento ({{ procedure.name }}) con nosotros{% if clinic.name %} en "
                "{{ clinic.name }} ({{ clinic.city }}){% endif %}.\n\n"
                "Cómo es el proceso. Primero tiene una consulta con el médico, con exploración "
                "incluida, y no se decide nada hasta que todas sus preguntas estén resueltas. "
                "Después viene el tratamiento y, antes de volver a casa, una revisión. El plan "
                "concreto depende de su caso, y el médico se lo explicará en persona.\n\n"
                "Cuánto tiempo reservar. La estancia suele ser de unos "
                "{{ procedure.typical_stay_days }} día{{ procedure.typical_stay_days|pluralize }}"
                ".{% if procedure.recovery_days %} La recuperación lleva normalmente alrededor de "
                "{{ procedure.recovery_days }} día{{ procedure.recovery_days|pluralize }}, aunque "
                "cada persona tiene su propio ritmo.{% endif %}\n\n"
                "Lo que suele estar incluido:\n"
                "- los traslados desde y hasta el aeropuerto\n"
                "- el hotel\n"
                "- un intérprete en sus citas\n"
                "- el seguimiento posterior, también cuando ya esté en casa\n\n"
                "En su presupuesto personal verá exactamente qué incluye su caso.\n\n"
                "Si algo no queda claro, responda a este correo. Ninguna pregunta es demasiado "
                "pequeña.\n\n"
                "Un cordial saludo,\n"
                "{{ coordinator.name }}\n"
                "Coordinación de pacientes, {{ company.name }}"
            ),
            "html": (
                "<p>Hola, {{ patient.first_name }}:</p>\n"
                "<p>Para que pueda hacerse una idea más clara, le cuento cómo suele desarrollarse "
                "su tratamiento ({{ procedure.name }}) con nosotros{% if clinic.name %} en "
                "{{ clinic.name }} ({{ clinic.city }}){% endif %}.</p>\n"
                "<p><strong>Cómo es el proceso.</strong> Primero tiene una consulta con el "
                "médico, con exploración incluida, y no se decide nada hasta que todas sus "
                "preguntas estén resueltas. Después viene el tratamiento y, antes de volver a "
                "casa, una revisión. El plan concreto depende de su caso, y el médico se lo "
                "explicará en persona.</p>\n"
                "<p><strong>Cuánto tiempo reservar.</strong> La estancia suele ser de unos "
                "{{ procedure.typical_stay_days }} día{{ procedure.typical_stay_days|pluralize }}"
                ".{% if procedure.recovery_days %} La recuperación lleva normalmente alrededor de "
                "{{ procedure.recovery_days }} día{{ procedure.recovery_days|pluralize }}, aunque "
                "cada persona tiene su propio ritmo.{% endif %}</p>\n"
                "<p><strong>Lo que suele estar incluido:</strong></p>\n"
                "<ul>\n"
                "<li>los traslados desde y hasta el aeropuerto</li>\n"
                "<li>el hotel</li>\n"
                "<li>un intérprete en sus citas</li>\n"
                "<li>el seguimiento posterior, también cuando ya esté en casa</li>\n"
                "</ul>\n"
                "<p>En su presupuesto personal verá exactamente qué incluye su caso.</p>\n"
                "<p>Si algo no queda claro, responda a este correo. Ninguna pregunta es demasiado "
                "pequeña.</p>\n"
                "<p>Un cordial saludo,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Coordinación de pacientes, {{ company.name }}</p>"
            ),
        },
        "de": {
            "subject": "{{ procedure.name }}: was Sie erwartet",
            "text": (
                "Hallo {{ patient.first_name }},\n\n"
                "damit Sie sich in Ruhe ein Bild machen können, fasse ich hier zusammen, wie eine "
                "Behandlung ({{ procedure.name }}) bei uns üblicherweise abläuft."
                "{% if clinic.name %} Behandelt werden Sie bei {{ clinic.name }} in "
                "{{ clinic.city }}.{% endif %}\n\n"
                "Der Ablauf. Zuerst lernen Sie Ihren Arzt oder Ihre Ärztin in einem "
                "Beratungsgespräch mit Untersuchung kennen. Entschieden wird erst, wenn alle Ihre "
                "Fragen beantwortet sind. Dann folgt die Behandlung selbst und vor Ihrem Rückflug "
                "eine Nachkontrolle. Der genaue Plan hängt von Ihrer persönlichen Situation ab "
                "und wird Ihnen vor Ort erklärt.\n\n"
                "Wie viel Zeit Sie einplanen sollten. Der Aufenthalt dauert meist etwa "
                "{{ procedure.typical_stay_days }} Tag"
                '{{ procedure.typical_stay_days|pluralize:"e" }}.{% if procedure.recovery_days %} '
                "Bis Sie sich erholt haben, vergehen in der Regel rund "
                '{{ procedure.recovery_days }} Tag{{ procedure.recovery_days|pluralize:"e" }}, '
                "wobei jeder Mensch in seinem eigenen Tempo heilt.{% endif %}\n\n"
                "Normalerweise inbegriffen:\n"
                "- Flughafentransfers\n"
                "- Ihr Hotel\n"
                "- Dolmetscherdienst bei Ihren Terminen\n"
                "- Nachsorge, auch nach Ihrer Rückkehr nach Hause\n\n"
                "Was in Ihrem Fall genau enthalten ist, steht in Ihrem persönlichen Angebot.\n\n"
                "Wenn etwas unklar ist, antworten Sie einfach auf diese E-Mail. Keine Frage ist "
                "zu klein.\n\n"
                "Herzliche Grüße\n"
                "{{ coordinator.name }}\n"
                "Patientenbetreuung, {{ company.name }}"
            ),
            "html": (
                "<p>Hallo {{ patient.first_name }},</p>\n"
                "<p>damit Sie sich in Ruhe ein Bild machen können, fasse ich hier zusammen, wie "
                "eine Behandlung ({{ procedure.name }}) bei uns üblicherweise abläuft."
                "{% if clinic.name %} Behandelt werden Sie bei {{ clinic.name }} in "
                "{{ clinic.city }}.{% endif %}</p>\n"
                "<p><strong>Der Ablauf.</strong> Zuerst lernen Sie Ihren Arzt oder Ihre Ärztin in "
                "einem Beratungsgespräch mit Untersuchung kennen. Entschieden wird erst, wenn "
                "alle Ihre Fragen beantwortet sind. Dann folgt die Behandlung selbst und vor "
                "Ihrem Rückflug eine Nachkontrolle. Der genaue Plan hängt von Ihrer persönlichen "
                "Situation ab und wird Ihnen vor Ort erklärt.</p>\n"
                "<p><strong>Wie viel Zeit Sie einplanen sollten.</strong> Der Aufenthalt dauert "
                "meist etwa {{ procedure.typical_stay_days }} Tag"
                '{{ procedure.typical_stay_days|pluralize:"e" }}.{% if procedure.recovery_days %} '
                "Bis Sie sich erholt haben, vergehen in der Regel rund "
                '{{ procedure.recovery_days }} Tag{{ procedure.recovery_days|pluralize:"e" }}, '
                "wobei jeder Mensch in seinem eigenen Tempo heilt.{% endif %}</p>\n"
                "<p><strong>Normalerweise inbegriffen:</strong></p>\n"
                "<ul>\n"
                "<li>Flughafentransfers</li>\n"
                "<li>Ihr Hotel</li>\n"
                "<li>Dolmetscherdienst bei Ihren Terminen</li>\n"
                "<li>Nachsorge, auch nach Ihrer Rückkehr nach Hause</li>\n"
                "</ul>\n"
                "<p>Was in Ihrem Fall genau enthalten ist, steht in Ihrem persönlichen Angebot."
                "</p>\n"
                "<p>Wenn etwas unklar ist, antworten Sie einfach auf diese E-Mail. Keine Frage "
                "ist zu klein.</p>\n"
                "<p>Herzliche Grüße<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patientenbetreuung, {{ company.name }}</p>"
            ),
        },
    },
    "inquiry_nudge_1": {
        "en": {
            "subject": "Any questions, {{ patient.first_name }}?",
            "text": (
                "Hi {{ patient.first_name }},\n\n"
                "I wanted to check in{% if procedure.name %} about your {{ procedure.name }} "
                "inquiry{% endif %}. Having treatment abroad is a big decision, and most people "
                "have a few worries before they go further. These are the ones I hear most:\n\n"
                "- Cost: what's included, and could it change? I'm happy to go through the quote "
                "with you line by line.\n"
                "- Safety: who the doctor is, and what happens if something isn't right "
                "afterwards. Ask me anything.\n"
                "- Travel: flights, where you'll stay, getting around. We organise most of it "
                "with you.\n\n"
                "If it would help, I can set up a short video call with the doctor, so you can "
                "ask your questions face to face. There's no commitment.\n\n"
                "Just reply to this email, even with a single line.\n\n"
                "Best wishes,\n"
                "{{ coordinator.name }}\n"
                "Patient coordinator, {{ company.name }}\n\n"
                "Don't want these reminders? Unsubscribe: {{ links.unsubscribe }}"
            ),
            "html": (
                "<p>Hi {{ patient.first_name }},</p>\n"
                "<p>I wanted to check in{% if procedure.name %} about your {{ procedure.name }} "
                "inquiry{% endif %}. Having treatment abroad is a big decision, and most people "
                "have a few worries before they go further. These are the ones I hear most:</p>\n"
                "<ul>\n"
                "<li><strong>Cost:</strong> what's included, and could it change? I'm happy to go "
                "through the quote with you line by line.</li>\n"
                "<li><strong>Safety:</strong> who the doctor is, and what happens if something "
                "isn't right afterwards. Ask me anything.</li>\n"
                "<li><strong>Travel:</strong> flights, where you'll stay, getting around. We "
                "organise most of it with you.</li>\n"
                "</ul>\n"
                "<p>If it would help, I can set up a short video call with the doctor, so you can "
                "ask your questions face to face. There's no commitment.</p>\n"
                "<p>Just reply to this email, even with a single line.</p>\n"
                "<p>Best wishes,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patient coordinator, {{ company.name }}</p>\n"
                '<p>Don\'t want these reminders? <a href="{{ links.unsubscribe }}">Unsubscribe'
                "</a></p>"
            ),
        },
        "es": {
            "subject": "¿Le ha surgido alguna duda, {{ patient.first_name }}?",
            "text": (
                "Hola, {{ patient.first_name }}:\n\n"
                "Le escribo para saber cómo está{% if procedure.name %} y si sigue pensando en su "
                "consulta sobre {{ procedure.name }}{% endif %}. Tratarse en el extranjero es una "
                "decisión importante, y es normal tener dudas antes de dar el paso. Estas son las "
                "que más escucho:\n\n"
                "- El coste: qué incluye y si puede cambiar. Con gusto repaso el presupuesto con "
                "usted punto por punto.\n"
                "- La seguridad: quién es el médico y qué pasa si algo no va bien después. "
                "Pregúnteme lo que necesite.\n"
                "- El viaje: vuelos, alojamiento, desplazamientos. Casi todo lo organizamos con "
                "usted.\n\n"
                "Si le resulta útil, puedo organizar una breve videollamada con el médico para "
                "que le plantee sus preguntas directamente. Sin ningún compromiso.\n\n"
                "Basta con responder a este correo, aunque sea con una sola línea.\n\n"
                "Un cordial saludo,\n"
                "{{ coordinator.name }}\n"
                "Coordinación de pacientes, {{ company.name }}\n\n"
                "¿Prefiere no recibir estos recordatorios? Darse de baja: {{ links.unsubscribe }}"
            ),
            "html": (
                "<p>Hola, {{ patient.first_name }}:</p>\n"
                "<p>Le escribo para saber cómo está{% if procedure.name %} y si sigue pensando en "
                "su consulta sobre {{ procedure.name }}{% endif %}. Tratarse en el extranjero es "
                "una decisión importante, y es normal tener dudas antes de dar el paso. Estas son "
                "las que más escucho:</p>\n"
                "<ul>\n"
                "<li><strong>El coste:</strong> qué incluye y si puede cambiar. Con gusto repaso "
                "el presupuesto con usted punto por punto.</li>\n"
                "<li><strong>La seguridad:</strong> quién es el médico y qué pasa si algo no va "
                "bien después. Pregúnteme lo que necesite.</li>\n"
                "<li><strong>El viaje:</strong> vuelos, alojamiento, desplazamientos. Casi todo "
                "lo organizamos con usted.</li>\n"
                "</ul>\n"
                "<p>Si le resulta útil, puedo organizar una breve videollamada con el médico para "
                "que le plantee sus preguntas directamente. Sin ningún compromiso.</p>\n"
                "<p>Basta con responder a este correo, aunque sea con una sola línea.</p>\n"
                "<p>Un cordial saludo,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Coordinación de pacientes, {{ company.name }}</p>\n"
                '<p>¿Prefiere no recibir estos recordatorios? <a href="{{ links.unsubscribe }}">'
                "Darse de baja</a></p>"
            ),
        },
        "de": {
            "subject": "Haben Sie noch Fragen, {{ patient.first_name }}?",
            "text": (
                "Hallo {{ patient.first_name }},\n\n"
                "ich wollte mich kurz{% if procedure.name %} wegen Ihrer Anfrage zum Thema "
                "{{ procedure.name }}{% endif %} bei Ihnen melden. Eine Behandlung im Ausland ist "
                "eine große Entscheidung, und die meisten Menschen haben vorher ein paar "
                "Bedenken. Diese höre ich am häufigsten:\n\n"
                "- Kosten: Was ist enthalten, und kann sich der Preis noch ändern? Ich gehe den "
                "Kostenvoranschlag gern Punkt für Punkt mit Ihnen durch.\n"
                "- Sicherheit: Wer ist der Arzt oder die Ärztin, und was passiert, wenn danach "
                "etwas nicht stimmt? Fragen Sie mich alles.\n"
                "- Reise: Flüge, Unterkunft, Wege vor Ort. Das meiste organisieren wir gemeinsam "
                "mit Ihnen.\n\n"
                "Wenn es Ihnen hilft, vereinbare ich gern ein kurzes Videogespräch mit dem Arzt "
                "oder der Ärztin, damit Sie Ihre Fragen direkt stellen können. Ganz "
                "unverbindlich.\n\n"
                "Antworten Sie einfach auf diese E-Mail, gern auch nur mit einer Zeile.\n\n"
                "Viele Grüße\n"
                "{{ coordinator.name }}\n"
                "Patientenbetreuung, {{ company.name }}\n\n"
                "Sie möchten diese Erinnerungen nicht mehr erhalten? Abmelden: "
                "{{ links.unsubscribe }}"
            ),
            "html": (
                "<p>Hallo {{ patient.first_name }},</p>\n"
                "<p>ich wollte mich kurz{% if procedure.name %} wegen Ihrer Anfrage zum Thema "
                "{{ procedure.name }}{% endif %} bei Ihnen melden. Eine Behandlung im Ausland ist "
                "eine große Entscheidung, und die meisten Menschen haben vorher ein paar "
                "Bedenken. Diese höre ich am häufigsten:</p>\n"
                "<ul>\n"
                "<li><strong>Kosten:</strong> Was ist enthalten, und kann sich der Preis noch "
                "ändern? Ich gehe den Kostenvoranschlag gern Punkt für Punkt mit Ihnen durch."
                "</li>\n"
                "<li><strong>Sicherheit:</strong> Wer ist der Arzt oder die Ärztin, und was "
                "passiert, wenn danach etwas nicht stimmt? Fragen Sie mich alles.</li>\n"
                "<li><strong>Reise:</strong> Flüge, Unterkunft, Wege vor Ort. Das meiste "
                "organisieren wir gemeinsam mit Ihnen.</li>\n"
                "</ul>\n"
                "<p>Wenn es Ihnen hilft, vereinbare ich gern ein kurzes Videogespräch mit dem "
                "Arzt oder der Ärztin, damit Sie Ihre Fragen direkt stellen können. Ganz "
                "unverbindlich.</p>\n"
                "<p>Antworten Sie einfach auf diese E-Mail, gern auch nur mit einer Zeile.</p>\n"
                "<p>Viele Grüße<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patientenbetreuung, {{ company.name }}</p>\n"
                "<p>Sie möchten diese Erinnerungen nicht mehr erhalten? "
                '<a href="{{ links.unsubscribe }}">Abmelden</a></p>'
            ),
        },
    },
    "inquiry_nudge_2": {
        "en": {
            "subject": "Still here whenever you're ready, {{ patient.first_name }}",
            "text": (
                "Hi {{ patient.first_name }},\n\n"
                "I haven't heard back from you, and that's completely fine. Decisions like this "
                "take time, and only you know when the moment is right.\n\n"
                "This is the last reminder I'll send about your inquiry{% if procedure.name %} "
                "for {{ procedure.name }}{% endif %}. The door stays open, though. If you decide "
                "to go ahead, want to talk through your options, or simply have a question months "
                "from now, reply to this email and it will reach me.\n\n"
                "Whatever you decide, I wish you good health.\n\n"
                "Warm regards,\n"
                "{{ coordinator.name }}\n"
                "Patient coordinator, {{ company.name }}\n\n"
                "Don't want these reminders? Unsubscribe: {{ links.unsubscribe }}"
            ),
            "html": (
                "<p>Hi {{ patient.first_name }},</p>\n"
                "<p>I haven't heard back from you, and that's completely fine. Decisions like "
                "this take time, and only you know when the moment is right.</p>\n"
                "<p>This is the last reminder I'll send about your inquiry{% if procedure.name %} "
                "for {{ procedure.name }}{% endif %}. The door stays open, though. If you decide "
                "to go ahead, want to talk through your options, or simply have a question months "
                "from now, reply to this email and it will reach me.</p>\n"
                "<p>Whatever you decide, I wish you good health.</p>\n"
                "<p>Warm regards,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patient coordinator, {{ company.name }}</p>\n"
                '<p>Don\'t want these reminders? <a href="{{ links.unsubscribe }}">Unsubscribe'
                "</a></p>"
            ),
        },
        "es": {
            "subject": "Aquí seguimos cuando lo necesite, {{ patient.first_name }}",
            "text": (
                "Hola, {{ patient.first_name }}:\n\n"
                "No he vuelto a saber de usted, y no pasa nada. Una decisión así lleva su tiempo, "
                "y solo usted sabe cuándo es el momento.\n\n"
                "Este es el último recordatorio que le envío sobre su consulta"
                "{% if procedure.name %} acerca de {{ procedure.name }}{% endif %}. Aun así, la "
                "puerta sigue abierta: si decide seguir adelante, quiere comparar opciones o "
                "simplemente le surge una pregunta dentro de unos meses, responda a este correo y "
                "me llegará a mí.\n\n"
                "Decida lo que decida, le deseo mucha salud.\n\n"
                "Un cordial saludo,\n"
                "{{ coordinator.name }}\n"
                "Coordinación de pacientes, {{ company.name }}\n\n"
                "¿Prefiere no recibir estos recordatorios? Darse de baja: {{ links.unsubscribe }}"
            ),
            "html": (
                "<p>Hola, {{ patient.first_name }}:</p>\n"
                "<p>No he vuelto a saber de usted, y no pasa nada. Una decisión así lleva su "
                "tiempo, y solo usted sabe cuándo es el momento.</p>\n"
                "<p>Este es el último recordatorio que le envío sobre su consulta"
                "{% if procedure.name %} acerca de {{ procedure.name }}{% endif %}. Aun así, la "
                "puerta sigue abierta: si decide seguir adelante, quiere comparar opciones o "
                "simplemente le surge una pregunta dentro de unos meses, responda a este correo y "
                "me llegará a mí.</p>\n"
                "<p>Decida lo que decida, le deseo mucha salud.</p>\n"
                "<p>Un cordial saludo,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Coordinación de pacientes, {{ company.name }}</p>\n"
                '<p>¿Prefiere no recibir estos recordatorios? <a href="{{ links.unsubscribe }}">'
                "Darse de baja</a></p>"
            ),
        },
        "de": {
            "subject": "Wir sind da, wenn Sie so weit sind, {{ patient.first_name }}",
            "text": (
                "Hallo {{ patient.first_name }},\n\n"
                "ich habe nichts mehr von Ihnen gehört, und das ist völlig in Ordnung. Eine "
                "solche Entscheidung braucht Zeit, und nur Sie wissen, wann der richtige Moment "
                "ist.\n\n"
                "Dies ist meine letzte Erinnerung zu Ihrer Anfrage{% if procedure.name %} zum "
                "Thema {{ procedure.name }}{% endif %}. Die Tür bleibt aber offen: Wenn Sie sich "
                "doch dafür entscheiden, Ihre Möglichkeiten besprechen möchten oder in ein paar "
                "Monaten einfach eine Frage haben, antworten Sie auf diese E-Mail. Sie erreicht "
                "mich.\n\n"
                "Wie auch immer Sie sich entscheiden: Ich wünsche Ihnen alles Gute und vor allem "
                "Gesundheit.\n\n"
                "Herzliche Grüße\n"
                "{{ coordinator.name }}\n"
                "Patientenbetreuung, {{ company.name }}\n\n"
                "Sie möchten diese Erinnerungen nicht mehr erhalten? Abmelden: "
                "{{ links.unsubscribe }}"
            ),
            "html": (
                "<p>Hallo {{ patient.first_name }},</p>\n"
                "<p>ich habe nichts mehr von Ihnen gehört, und das ist völlig in Ordnung. Eine "
                "solche Entscheidung braucht Zeit, und nur Sie wissen, wann der richtige Moment "
                "ist.</p>\n"
                "<p>Dies ist meine letzte Erinnerung zu Ihrer Anfrage{% if procedure.name %} zum "
                "Thema {{ procedure.name }}{% endif %}. Die Tür bleibt aber offen: Wenn Sie sich "
                "doch dafür entscheiden, Ihre Möglichkeiten besprechen möchten oder in ein paar "
                "Monaten einfach eine Frage haben, antworten Sie auf diese E-Mail. Sie erreicht "
                "mich.</p>\n"
                "<p>Wie auch immer Sie sich entscheiden: Ich wünsche Ihnen alles Gute und vor "
                "allem Gesundheit.</p>\n"
                "<p>Herzliche Grüße<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patientenbetreuung, {{ company.name }}</p>\n"
                "<p>Sie möchten diese Erinnerungen nicht mehr erhalten? "
                '<a href="{{ links.unsubscribe }}">Abmelden</a></p>'
            ),
        },
    },
    "booked_confirmation": {
        "en": {
            "subject": "Your booking is confirmed: {{ procedure.name }} in {{ clinic.city }}",
            "text": (
                "Hi {{ patient.first_name }},\n\n"
                "Good news: your booking is confirmed. Thank you for trusting us with your care."
                "\n\n"
                "Here is what we have planned:\n"
                "- Treatment: {{ procedure.name }} at {{ clinic.name }}, {{ clinic.city }}"
                "{% if journey.planned_arrival %}\n"
                '- Arrival: {{ journey.planned_arrival|date:"j F Y" }}{% endif %}'
                "{% if journey.planned_procedure %}\n"
                '- Procedure: {{ journey.planned_procedure|date:"j F Y" }}{% endif %}'
                "{% if journey.planned_departure %}\n"
                '- Departure: {{ journey.planned_departure|date:"j F Y" }}{% endif %}'
                "{% if not journey.planned_arrival %}\n\n"
                "We still need to fix your travel dates. I'll confirm them in writing as soon as "
                "they're set.{% endif %}\n\n"
                "What happens next:\n"
                "- About two weeks before you travel, I'll send you a pre-arrival checklist: "
                "documents, medical records, medications, flights and your airport pickup.\n"
                "- Once you've booked your flights, add them to your trip checklist on your "
                "page: {{ links.travel }}\n"
                "- If anything changes with your health or medications, tell me before you "
                "travel.\n\n"
                "I stay your contact for everything, before, during and after your trip. Just "
                "reply to this email{% if coordinator.phone %} or call me on "
                "{{ coordinator.phone }}{% endif %}.\n\n"
                "Warm regards,\n"
                "{{ coordinator.name }}\n"
                "Patient coordinator, {{ company.name }}"
            ),
            "html": (
                "<p>Hi {{ patient.first_name }},</p>\n"
                "<p>Good news: your booking is confirmed. Thank you for trusting us with your "
                "care.</p>\n"
                "<p>Here is what we have planned:</p>\n"
                "<ul>\n"
                "<li><strong>Treatment:</strong> {{ procedure.name }} at {{ clinic.name }}, "
                "{{ clinic.city }}</li>\n"
                "{% if journey.planned_arrival %}<li><strong>Arrival:</strong> "
                '{{ journey.planned_arrival|date:"j F Y" }}</li>{% endif %}\n'
                "{% if journey.planned_procedure %}<li><strong>Procedure:</strong> "
                '{{ journey.planned_procedure|date:"j F Y" }}</li>{% endif %}\n'
                "{% if journey.planned_departure %}<li><strong>Departure:</strong> "
                '{{ journey.planned_departure|date:"j F Y" }}</li>{% endif %}\n'
                "</ul>\n"
                "{% if not journey.planned_arrival %}<p>We still need to fix your travel dates. "
                "I'll confirm them in writing as soon as they're set.</p>{% endif %}\n"
                "<p>What happens next:</p>\n"
                "<ul>\n"
                "<li>About two weeks before you travel, I'll send you a pre-arrival checklist: "
                "documents, medical records, medications, flights and your airport pickup.</li>\n"
                "<li>Once you've booked your flights, add them to "
                '<a href="{{ links.travel }}">your trip checklist</a>.</li>\n'
                "<li>If anything changes with your health or medications, tell me before you "
                "travel.</li>\n"
                "</ul>\n"
                "<p>I stay your contact for everything, before, during and after your trip. Just "
                "reply to this email{% if coordinator.phone %} or call me on "
                "{{ coordinator.phone }}{% endif %}.</p>\n"
                "<p>Warm regards,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patient coordinator, {{ company.name }}</p>"
            ),
        },
        "es": {
            "subject": "Reserva confirmada: {{ procedure.name }} en {{ clinic.city }}",
            "text": (
                "Hola, {{ patient.first_name }}:\n\n"
                "¡Buenas noticias! Su reserva está confirmada. Gracias por confiar en nosotros."
                "\n\n"
                "Esto es lo que tenemos previsto:\n"
                "- Tratamiento: {{ procedure.name }} en {{ clinic.name }}, {{ clinic.city }}"
                "{% if journey.planned_arrival %}\n"
                '- Llegada: {{ journey.planned_arrival|date:"d/m/Y" }}{% endif %}'
                "{% if journey.planned_procedure %}\n"
                '- Fecha del tratamiento: {{ journey.planned_procedure|date:"d/m/Y" }}{% endif %}'
                "{% if journey.planned_departure %}\n"
                '- Regreso: {{ journey.planned_departure|date:"d/m/Y" }}{% endif %}'
                "{% if not journey.planned_arrival %}\n\n"
                "Todavía tenemos que cerrar las fechas del viaje. Se las confirmaré por escrito "
                "en cuanto estén fijadas.{% endif %}\n\n"
                "Próximos pasos:\n"
                "- Unas dos semanas antes del viaje le enviaré una lista de preparativos: "
                "documentos, informes médicos, medicación, vuelos y recogida en el aeropuerto.\n"
                "- Cuando tenga los vuelos reservados, añádalos a la lista de su viaje en su "
                "página: {{ links.travel }}\n"
                "- Si cambia algo en su salud o en su medicación, avíseme antes de viajar.\n\n"
                "Sigo siendo su persona de contacto para todo, antes, durante y después del "
                "viaje. Responda a este correo{% if coordinator.phone %} o llámeme al "
                "{{ coordinator.phone }}{% endif %} cuando lo necesite.\n\n"
                "Un cordial saludo,\n"
                "{{ coordinator.name }}\n"
                "Coordinación de pacientes, {{ company.name }}"
            ),
            "html": (
                "<p>Hola, {{ patient.first_name }}:</p>\n"
                "<p>¡Buenas noticias! Su reserva está confirmada. Gracias por confiar en "
                "nosotros.</p>\n"
                "<p>Esto es lo que tenemos previsto:</p>\n"
                "<ul>\n"
                "<li><strong>Tratamiento:</strong> {{ procedure.name }} en {{ clinic.name }}, "
                "{{ clinic.city }}</li>\n"
                "{% if journey.planned_arrival %}<li><strong>Llegada:</strong> "
                '{{ journey.planned_arrival|date:"d/m/Y" }}</li>{% endif %}\n'
                "{% if journey.planned_procedure %}<li><strong>Fecha del tratamiento:</strong> "
                '{{ journey.planned_procedure|date:"d/m/Y" }}</li>{% endif %}\n'
                "{% if journey.planned_departure %}<li><strong>Regreso:</strong> "
                '{{ journey.planned_departure|date:"d/m/Y" }}</li>{% endif %}\n'
                "</ul>\n"
                "{% if not journey.planned_arrival %}<p>Todavía tenemos que cerrar las fechas del "
                "viaje. Se las confirmaré por escrito en cuanto estén fijadas.</p>{% endif %}\n"
                "<p>Próximos pasos:</p>\n"
                "<ul>\n"
                "<li>Unas dos semanas antes del viaje le enviaré una lista de preparativos: "
                "documentos, informes médicos, medicación, vuelos y recogida en el aeropuerto."
                "</li>\n"
                "<li>Cuando tenga los vuelos reservados, añádalos a "
                '<a href="{{ links.travel }}">la lista de su viaje</a>.</li>\n'
                "<li>Si cambia algo en su salud o en su medicación, avíseme antes de viajar.</li>"
                "\n"
                "</ul>\n"
                "<p>Sigo siendo su persona de contacto para todo, antes, durante y después del "
                "viaje. Responda a este correo{% if coordinator.phone %} o llámeme al "
                "{{ coordinator.phone }}{% endif %} cuando lo necesite.</p>\n"
                "<p>Un cordial saludo,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Coordinación de pacientes, {{ company.name }}</p>"
            ),
        },
        "de": {
            "subject": "Ihre Buchung ist bestätigt: {{ procedure.name }} in {{ clinic.city }}",
            "text": (
                "Hallo {{ patient.first_name }},\n\n"
                "gute Nachrichten: Ihre Behandlung ist gebucht. Vielen Dank für Ihr Vertrauen."
                "\n\n"
                "Das ist geplant:\n"
                "- Behandlung: {{ procedure.name }} bei {{ clinic.name }}, {{ clinic.city }}"
                "{% if journey.planned_arrival %}\n"
                '- Anreise: {{ journey.planned_arrival|date:"d.m.Y" }}{% endif %}'
                "{% if journey.planned_procedure %}\n"
                '- Behandlungstermin: {{ journey.planned_procedure|date:"d.m.Y" }}{% endif %}'
                "{% if journey.planned_departure %}\n"
                '- Abreise: {{ journey.planned_departure|date:"d.m.Y" }}{% endif %}'
                "{% if not journey.planned_arrival %}\n\n"
                "Ihre Reisedaten legen wir noch gemeinsam fest. Sobald sie stehen, bestätige ich "
                "sie Ihnen schriftlich.{% endif %}\n\n"
                "Wie es weitergeht:\n"
                "- Etwa zwei Wochen vor Ihrer Reise schicke ich Ihnen eine Checkliste: Dokumente, "
                "Arztberichte, Medikamente, Flüge und Abholung am Flughafen.\n"
                "- Sobald Ihre Flüge gebucht sind, tragen Sie sie bitte in Ihre Reise-Checkliste "
                "ein: {{ links.travel }}\n"
                "- Falls sich an Ihrer Gesundheit oder Ihren Medikamenten etwas ändert, sagen Sie "
                "mir bitte vor der Reise Bescheid.\n\n"
                "Ich bleibe für alles Ihre Ansprechperson, vor, während und nach Ihrer Reise. "
                "Antworten Sie einfach auf diese E-Mail{% if coordinator.phone %} oder rufen Sie "
                "mich unter {{ coordinator.phone }} an{% endif %}.\n\n"
                "Herzliche Grüße\n"
                "{{ coordinator.name }}\n"
                "Patientenbetreuung, {{ company.name }}"
            ),
            "html": (
                "<p>Hallo {{ patient.first_name }},</p>\n"
                "<p>gute Nachrichten: Ihre Behandlung ist gebucht. Vielen Dank für Ihr Vertrauen."
                "</p>\n"
                "<p>Das ist geplant:</p>\n"
                "<ul>\n"
                "<li><strong>Behandlung:</strong> {{ procedure.name }} bei {{ clinic.name }}, "
                "{{ clinic.city }}</li>\n"
                "{% if journey.planned_arrival %}<li><strong>Anreise:</strong> "
                '{{ journey.planned_arrival|date:"d.m.Y" }}</li>{% endif %}\n'
                "{% if journey.planned_procedure %}<li><strong>Behandlungstermin:</strong> "
                '{{ journey.planned_procedure|date:"d.m.Y" }}</li>{% endif %}\n'
                "{% if journey.planned_departure %}<li><strong>Abreise:</strong> "
                '{{ journey.planned_departure|date:"d.m.Y" }}</li>{% endif %}\n'
                "</ul>\n"
                "{% if not journey.planned_arrival %}<p>Ihre Reisedaten legen wir noch gemeinsam "
                "fest. Sobald sie stehen, bestätige ich sie Ihnen schriftlich.</p>{% endif %}\n"
                "<p>Wie es weitergeht:</p>\n"
                "<ul>\n"
                "<li>Etwa zwei Wochen vor Ihrer Reise schicke ich Ihnen eine Checkliste: "
                "Dokumente, Arztberichte, Medikamente, Flüge und Abholung am Flughafen.</li>\n"
                "<li>Sobald Ihre Flüge gebucht sind, tragen Sie sie bitte in "
                '<a href="{{ links.travel }}">Ihre Reise-Checkliste</a> ein.</li>\n'
                "<li>Falls sich an Ihrer Gesundheit oder Ihren Medikamenten etwas ändert, sagen "
                "Sie mir bitte vor der Reise Bescheid.</li>\n"
                "</ul>\n"
                "<p>Ich bleibe für alles Ihre Ansprechperson, vor, während und nach Ihrer Reise. "
                "Antworten Sie einfach auf diese E-Mail{% if coordinator.phone %} oder rufen Sie "
                "mich unter {{ coordinator.phone }} an{% endif %}.</p>\n"
                "<p>Herzliche Grüße<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patientenbetreuung, {{ company.name }}</p>"
            ),
        },
    },
    "booked_reassurance": {
        "en": {
            "subject": "How are you feeling, {{ patient.first_name }}?",
            "text": (
                "Hi {{ patient.first_name }},\n\n"
                "Just my weekly check-in."
                "{% if journey.days_until_arrival and journey.days_until_arrival > 0 %} It's "
                "{{ journey.days_until_arrival }} day{{ journey.days_until_arrival|pluralize }} "
                "until you arrive in {{ clinic.city }}.{% endif %}\n\n"
                "How are you feeling about it all? A few things I like to ask:\n"
                "- Do you have any new questions about the treatment, the trip or the costs?\n"
                "- Has anything changed with your health, medications or travel plans?\n"
                "- Is there anything you'd like me to arrange or explain?\n\n"
                "If anything is making you hesitate, tell me. Whatever it is, I'd rather talk it "
                "through honestly with you than have you worry about it alone. And if your dates "
                "need to change, it's always easier to sort out early.\n\n"
                "Just reply to this email, a line or two is enough.\n\n"
                "Warm regards,\n"
                "{{ coordinator.name }}\n"
                "Patient coordinator, {{ company.name }}"
            ),
            "html": (
                "<p>Hi {{ patient.first_name }},</p>\n"
                "<p>Just my weekly check-in."
                "{% if journey.days_until_arrival and journey.days_until_arrival > 0 %} It's "
                "{{ journey.days_until_arrival }} day{{ journey.days_until_arrival|pluralize }} "
                "until you arrive in {{ clinic.city }}.{% endif %}</p>\n"
                "<p>How are you feeling about it all? A few things I like to ask:</p>\n"
                "<ul>\n"
                "<li>Do you have any new questions about the treatment, the trip or the costs?"
                "</li>\n"
                "<li>Has anything changed with your health, medications or travel plans?</li>\n"
                "<li>Is there anything you'd like me to arrange or explain?</li>\n"
                "</ul>\n"
                "<p>If anything is making you hesitate, tell me. Whatever it is, I'd rather talk "
                "it through honestly with you than have you worry about it alone. And if your "
                "dates need to change, it's always easier to sort out early.</p>\n"
                "<p>Just reply to this email, a line or two is enough.</p>\n"
                "<p>Warm regards,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patient coordinator, {{ company.name }}</p>"
            ),
        },
        "es": {
            "subject": "¿Cómo se encuentra, {{ patient.first_name }}?",
            "text": (
                "Hola, {{ patient.first_name }}:\n\n"
                "Le escribo como cada semana para saber cómo está."
                "{% if journey.days_until_arrival and journey.days_until_arrival > 0 %} Faltan "
                "{{ journey.days_until_arrival }} día{{ journey.days_until_arrival|pluralize }} "
                "para su llegada a {{ clinic.city }}.{% endif %}\n\n"
                "¿Cómo lleva los preparativos? Algunas preguntas que me gusta hacerle:\n"
                "- ¿Tiene alguna duda nueva sobre el tratamiento, el viaje o los costes?\n"
                "- ¿Ha cambiado algo en su salud, su medicación o sus planes de viaje?\n"
                "- ¿Hay algo que quiera que organice o le explique?\n\n"
                "Si hay algo que le hace dudar, cuéntemelo. Sea lo que sea, prefiero hablarlo con "
                "usted con sinceridad a que se quede con la preocupación. Y si necesita cambiar "
                "las fechas, siempre es más fácil resolverlo con tiempo.\n\n"
                "Responda a este correo; con un par de líneas es suficiente.\n\n"
                "Un cordial saludo,\n"
                "{{ coordinator.name }}\n"
                "Coordinación de pacientes, {{ company.name }}"
            ),
            "html": (
                "<p>Hola, {{ patient.first_name }}:</p>\n"
                "<p>Le escribo como cada semana para saber cómo está."
                "{% if journey.days_until_arrival and journey.days_until_arrival > 0 %} Faltan "
                "{{ journey.days_until_arrival }} día{{ journey.days_until_arrival|pluralize }} "
                "para su llegada a {{ clinic.city }}.{% endif %}</p>\n"
                "<p>¿Cómo lleva los preparativos? Algunas preguntas que me gusta hacerle:</p>\n"
                "<ul>\n"
                "<li>¿Tiene alguna duda nueva sobre el tratamiento, el viaje o los costes?</li>\n"
                "<li>¿Ha cambiado algo en su salud, su medicación o sus planes de viaje?</li>\n"
                "<li>¿Hay algo que quiera que organice o le explique?</li>\n"
                "</ul>\n"
                "<p>Si hay algo que le hace dudar, cuéntemelo. Sea lo que sea, prefiero hablarlo "
                "con usted con sinceridad a que se quede con la preocupación. Y si necesita "
                "cambiar las fechas, siempre es más fácil resolverlo con tiempo.</p>\n"
                "<p>Responda a este correo; con un par de líneas es suficiente.</p>\n"
                "<p>Un cordial saludo,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Coordinación de pacientes, {{ company.name }}</p>"
            ),
        },
        "de": {
            "subject": "Wie geht es Ihnen, {{ patient.first_name }}?",
            "text": (
                "Hallo {{ patient.first_name }},\n\n"
                "ich melde mich wie jede Woche kurz bei Ihnen."
                "{% if journey.days_until_arrival and journey.days_until_arrival > 0 %} Noch "
                "{{ journey.days_until_arrival }} Tag"
                '{{ journey.days_until_arrival|pluralize:"e" }}, dann sind Sie in '
                "{{ clinic.city }}.{% endif %}\n\n"
                "Wie geht es Ihnen mit allem? Ein paar Fragen, die ich gern stelle:\n"
                "- Haben Sie neue Fragen zur Behandlung, zur Reise oder zu den Kosten?\n"
                "- Hat sich an Ihrer Gesundheit, Ihren Medikamenten oder Ihren Reiseplänen etwas "
                "geändert?\n"
                "- Kann ich noch etwas für Sie organisieren oder erklären?\n\n"
                "Wenn Sie etwas zögern lässt, sagen Sie es mir. Was auch immer es ist: Ich "
                "spreche lieber offen mit Ihnen darüber, als dass Sie sich allein Sorgen machen. "
                "Und falls sich Ihre Termine ändern müssen, lässt sich das früh immer leichter "
                "regeln.\n\n"
                "Antworten Sie einfach auf diese E-Mail, ein, zwei Zeilen genügen.\n\n"
                "Herzliche Grüße\n"
                "{{ coordinator.name }}\n"
                "Patientenbetreuung, {{ company.name }}"
            ),
            "html": (
                "<p>Hallo {{ patient.first_name }},</p>\n"
                "<p>ich melde mich wie jede Woche kurz bei Ihnen."
                "{% if journey.days_until_arrival and journey.days_until_arrival > 0 %} Noch "
                "{{ journey.days_until_arrival }} Tag"
                '{{ journey.days_until_arrival|pluralize:"e" }}, dann sind Sie in '
                "{{ clinic.city }}.{% endif %}</p>\n"
                "<p>Wie geht es Ihnen mit allem? Ein paar Fragen, die ich gern stelle:</p>\n"
                "<ul>\n"
                "<li>Haben Sie neue Fragen zur Behandlung, zur Reise oder zu den Kosten?</li>\n"
                "<li>Hat sich an Ihrer Gesundheit, Ihren Medikamenten oder Ihren Reiseplänen "
                "etwas geändert?</li>\n"
                "<li>Kann ich noch etwas für Sie organisieren oder erklären?</li>\n"
                "</ul>\n"
                "<p>Wenn Sie etwas zögern lässt, sagen Sie es mir. Was auch immer es ist: Ich "
                "spreche lieber offen mit Ihnen darüber, als dass Sie sich allein Sorgen machen. "
                "Und falls sich Ihre Termine ändern müssen, lässt sich das früh immer leichter "
                "regeln.</p>\n"
                "<p>Antworten Sie einfach auf diese E-Mail, ein, zwei Zeilen genügen.</p>\n"
                "<p>Herzliche Grüße<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patientenbetreuung, {{ company.name }}</p>"
            ),
        },
    },
    "prearrival_14": {
        "en": {
            "subject": "Getting ready for {{ clinic.city }}: your checklist",
            "text": (
                "Hi {{ patient.first_name }},\n\n"
                "{% if journey.planned_arrival %}You arrive in {{ clinic.city }} on "
                '{{ journey.planned_arrival|date:"j F Y" }}'
                "{% if journey.days_until_arrival and journey.days_until_arrival > 0 %}, "
                "{{ journey.days_until_arrival }} day{{ journey.days_until_arrival|pluralize }} "
                "from now{% endif %}.{% else %}Your trip to {{ clinic.city }} is getting close."
                "{% endif %} Here's a checklist, so nothing is left to the last minute:\n\n"
                "{% if travel.open %}Still open on your trip checklist:\n"
                "{% for item in travel.open %}- {{ item }}\n{% endfor %}"
                "Please fill these in on your page, it takes a minute: {{ links.travel }}\n"
                "{% else %}Your trip checklist is complete: thank you!\n{% endif %}"
                "- Medications: send me a list of everything you take, with doses."
                "{% if company.phone_emergency %}\n\n"
                "Please save our 24/7 line in your phone now: {{ company.phone_emergency }}."
                "{% endif %}\n\n"
                "If anything on this list is unclear, just reply to this email.\n\n"
                "Warm regards,\n"
                "{{ coordinator.name }}\n"
                "Patient coordinator, {{ company.name }}"
            ),
            "html": (
                "<p>Hi {{ patient.first_name }},</p>\n"
                "<p>{% if journey.planned_arrival %}You arrive in {{ clinic.city }} on "
                '{{ journey.planned_arrival|date:"j F Y" }}'
                "{% if journey.days_until_arrival and journey.days_until_arrival > 0 %}, "
                "{{ journey.days_until_arrival }} day{{ journey.days_until_arrival|pluralize }} "
                "from now{% endif %}.{% else %}Your trip to {{ clinic.city }} is getting close."
                "{% endif %} Here's a checklist, so nothing is left to the last minute:</p>\n"
                "<ul>\n"
                "{% for item in travel.open %}<li>{{ item }}</li>{% endfor %}\n"
                "<li><strong>Medications:</strong> send me a list of everything you take, with "
                "doses.</li>\n"
                "</ul>\n"
                '{% if travel.open %}<p><a href="{{ links.travel }}">Fill in your trip checklist'
                "</a>: it takes a minute.</p>{% else %}<p>Your trip checklist is complete: thank "
                "you!</p>{% endif %}\n"
                "{% if company.phone_emergency %}<p>Please save our 24/7 line in your phone now: "
                "{{ company.phone_emergency }}.</p>{% endif %}\n"
                "<p>If anything on this list is unclear, just reply to this email.</p>\n"
                "<p>Warm regards,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patient coordinator, {{ company.name }}</p>"
            ),
        },
        "es": {
            "subject": "Su lista de preparativos para {{ clinic.city }}",
            "text": (
                "Hola, {{ patient.first_name }}:\n\n"
                "{% if journey.planned_arrival %}Llega a {{ clinic.city }} el "
                '{{ journey.planned_arrival|date:"d/m/Y" }}'
                "{% if journey.days_until_arrival and journey.days_until_arrival > 0 %}, dentro "
                "de {{ journey.days_until_arrival }} día"
                "{{ journey.days_until_arrival|pluralize }}{% endif %}.{% else %}Su viaje a "
                "{{ clinic.city }} se acerca.{% endif %} Le dejo una lista para que nada quede "
                "para el último momento:\n\n"
                "{% if travel.open %}Aún pendiente en la lista de su viaje:\n"
                "{% for item in travel.open %}- {{ item }}\n{% endfor %}"
                "Rellénela en su página, solo lleva un minuto: {{ links.travel }}\n"
                "{% else %}La lista de su viaje está completa: ¡gracias!\n{% endif %}"
                "- Medicación: envíeme una lista de todo lo que toma, con las dosis."
                "{% if company.phone_emergency %}\n\n"
                "Guarde ya en su teléfono nuestra línea 24 horas: {{ company.phone_emergency }}."
                "{% endif %}\n\n"
                "Si algo de la lista no le queda claro, responda a este correo.\n\n"
                "Un cordial saludo,\n"
                "{{ coordinator.name }}\n"
                "Coordinación de pacientes, {{ company.name }}"
            ),
            "html": (
                "<p>Hola, {{ patient.first_name }}:</p>\n"
                "<p>{% if journey.planned_arrival %}Llega a {{ clinic.city }} el "
                '{{ journey.planned_arrival|date:"d/m/Y" }}'
                "{% if journey.days_until_arrival and journey.days_until_arrival > 0 %}, dentro "
                "de {{ journey.days_until_arrival }} día"
                "{{ journey.days_until_arrival|pluralize }}{% endif %}.{% else %}Su viaje a "
                "{{ clinic.city }} se acerca.{% endif %} Le dejo una lista para que nada quede "
                "para el último momento:</p>\n"
                "<ul>\n"
                "{% for item in travel.open %}<li>{{ item }}</li>{% endfor %}\n"
                "<li><strong>Medicación:</strong> envíeme una lista de todo lo que toma, con las "
                "dosis.</li>\n"
                "</ul>\n"
                '{% if travel.open %}<p><a href="{{ links.travel }}">Rellene la lista de su viaje'
                "</a>: solo lleva un minuto.</p>{% else %}<p>La lista de su viaje está completa: "
                "¡gracias!</p>{% endif %}\n"
                "{% if company.phone_emergency %}<p>Guarde ya en su teléfono nuestra línea 24 "
                "horas: {{ company.phone_emergency }}.</p>{% endif %}\n"
                "<p>Si algo de la lista no le queda claro, responda a este correo.</p>\n"
                "<p>Un cordial saludo,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Coordinación de pacientes, {{ company.name }}</p>"
            ),
        },
        "de": {
            "subject": "Ihre Checkliste für {{ clinic.city }}",
            "text": (
                "Hallo {{ patient.first_name }},\n\n"
                '{% if journey.planned_arrival %}am {{ journey.planned_arrival|date:"d.m.Y" }} '
                "kommen Sie in {{ clinic.city }} an"
                "{% if journey.days_until_arrival and journey.days_until_arrival > 0 %}, also in "
                "{{ journey.days_until_arrival }} Tag"
                '{{ journey.days_until_arrival|pluralize:"en" }}{% endif %}.{% else %}Ihre Reise '
                "nach {{ clinic.city }} rückt näher.{% endif %} Hier eine Checkliste, damit "
                "nichts auf den letzten Moment liegen bleibt:\n\n"
                "{% if travel.open %}Noch offen auf Ihrer Reise-Checkliste:\n"
                "{% for item in travel.open %}- {{ item }}\n{% endfor %}"
                "Bitte tragen Sie es auf Ihrer Seite ein, das dauert nur eine Minute: "
                "{{ links.travel }}\n"
                "{% else %}Ihre Reise-Checkliste ist vollständig: danke!\n{% endif %}"
                "- Medikamente: Schicken Sie mir eine Liste aller Medikamente, die Sie nehmen, "
                "mit Dosierung.{% if company.phone_emergency %}\n\n"
                "Speichern Sie am besten gleich unsere 24-Stunden-Nummer in Ihrem Telefon: "
                "{{ company.phone_emergency }}.{% endif %}\n\n"
                "Wenn etwas auf der Liste unklar ist, antworten Sie einfach auf diese E-Mail.\n\n"
                "Herzliche Grüße\n"
                "{{ coordinator.name }}\n"
                "Patientenbetreuung, {{ company.name }}"
            ),
            "html": (
                "<p>Hallo {{ patient.first_name }},</p>\n"
                '<p>{% if journey.planned_arrival %}am {{ journey.planned_arrival|date:"d.m.Y" }} '
                "kommen Sie in {{ clinic.city }} an"
                "{% if journey.days_until_arrival and journey.days_until_arrival > 0 %}, also in "
                "{{ journey.days_until_arrival }} Tag"
                '{{ journey.days_until_arrival|pluralize:"en" }}{% endif %}.{% else %}Ihre Reise '
                "nach {{ clinic.city }} rückt näher.{% endif %} Hier eine Checkliste, damit "
                "nichts auf den letzten Moment liegen bleibt:</p>\n"
                "<ul>\n"
                "{% for item in travel.open %}<li>{{ item }}</li>{% endfor %}\n"
                "<li><strong>Medikamente:</strong> Schicken Sie mir eine Liste aller Medikamente, "
                "die Sie nehmen, mit Dosierung.</li>\n"
                "</ul>\n"
                '{% if travel.open %}<p><a href="{{ links.travel }}">Tragen Sie es in Ihre '
                "Reise-Checkliste ein</a>: das dauert nur eine Minute.</p>{% else %}<p>Ihre "
                "Reise-Checkliste ist vollständig: danke!</p>{% endif %}\n"
                "{% if company.phone_emergency %}<p>Speichern Sie am besten gleich unsere "
                "24-Stunden-Nummer in Ihrem Telefon: {{ company.phone_emergency }}.</p>"
                "{% endif %}\n"
                "<p>Wenn etwas auf der Liste unklar ist, antworten Sie einfach auf diese E-Mail."
                "</p>\n"
                "<p>Herzliche Grüße<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patientenbetreuung, {{ company.name }}</p>"
            ),
        },
    },
    "prearrival_3": {
        "en": {
            "subject": "Almost time, {{ patient.first_name }}: a few last things",
            "text": (
                "Hi {{ patient.first_name }},\n\n"
                "Only a few days until you arrive in {{ clinic.city }}"
                '{% if journey.planned_arrival %} on {{ journey.planned_arrival|date:"j F Y" }}'
                "{% endif %}. Here is the final check:\n\n"
                "{% if travel.open %}- Still open on your trip checklist: "
                '{{ travel.open|join:", " }}. Please fill it in today on your page, so the driver '
                "knows when to expect you: {{ links.travel }}\n{% endif %}"
                "- Documents: passport, visa if you need one, and your booking details on your "
                "phone or on paper.\n"
                "- Medical records: bring copies of the reports you've sent us.\n"
                "- Medications: pack them in your hand luggage, with enough for the whole trip.\n"
                "- Clothes: loose, comfortable clothing is easiest after treatment.\n"
                "- Airport pickup: a driver from {{ company.name }} will be waiting in the "
                "arrivals hall with a sign showing your name, and will take you to your hotel."
                "{% if coordinator.phone or company.phone_emergency %}\n\n"
                "Please save these numbers in your phone now, so you can reach us the moment you "
                "land:{% if coordinator.phone %}\n"
                "- my number: {{ coordinator.phone }}{% endif %}{% if company.phone_emergency %}"
                "\n"
                "- our 24/7 line: {{ company.phone_emergency }}{% endif %}{% endif %}\n\n"
                "Any questions at all, just reply.\n\n"
                "See you soon,\n"
                "{{ coordinator.name }}\n"
                "Patient coordinator, {{ company.name }}"
            ),
            "html": (
                "<p>Hi {{ patient.first_name }},</p>\n"
                "<p>Only a few days until you arrive in {{ clinic.city }}"
                '{% if journey.planned_arrival %} on {{ journey.planned_arrival|date:"j F Y" }}'
                "{% endif %}. Here is the final check:</p>\n"
                "<ul>\n"
                "{% if travel.open %}<li><strong>Still open on your trip checklist:</strong> "
                '{{ travel.open|join:", " }}. <a href="{{ links.travel }}">Please fill it in '
                "today</a>, so the driver knows when to expect you.</li>{% endif %}\n"
                "<li><strong>Documents:</strong> passport, visa if you need one, and your booking "
                "details on your phone or on paper.</li>\n"
                "<li><strong>Medical records:</strong> bring copies of the reports you've sent "
                "us.</li>\n"
                "<li><strong>Medications:</strong> pack them in your hand luggage, with enough "
                "for the whole trip.</li>\n"
                "<li><strong>Clothes:</strong> loose, comfortable clothing is easiest after "
                "treatment.</li>\n"
                "<li><strong>Airport pickup:</strong> a driver from {{ company.name }} will be "
                "waiting in the arrivals hall with a sign showing your name, and will take you to "
                "your hotel.</li>\n"
                "</ul>\n"
                "{% if coordinator.phone or company.phone_emergency %}\n"
                "<p>Please save these numbers in your phone now, so you can reach us the moment "
                "you land:</p>\n"
                "<ul>\n"
                "{% if coordinator.phone %}<li>my number: {{ coordinator.phone }}</li>{% endif %}"
                "\n"
                "{% if company.phone_emergency %}<li>our 24/7 line: {{ company.phone_emergency }}"
                "</li>{% endif %}\n"
                "</ul>\n"
                "{% endif %}\n"
                "<p>Any questions at all, just reply.</p>\n"
                "<p>See you soon,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patient coordinator, {{ company.name }}</p>"
            ),
        },
        "es": {
            "subject": "Ya casi está, {{ patient.first_name }}: los últimos detalles",
            "text": (
                "Hola, {{ patient.first_name }}:\n\n"
                "Quedan muy pocos días para su llegada a {{ clinic.city }}"
                '{% if journey.planned_arrival %}, el {{ journey.planned_arrival|date:"d/m/Y" }}'
                "{% endif %}. Repasemos lo último:\n\n"
                "{% if travel.open %}- Aún pendiente en la lista de su viaje: "
                '{{ travel.open|join:", " }}. Rellénela hoy en su página, para que el conductor '
                "sepa cuándo esperarle: {{ links.travel }}\n{% endif %}"
                "- Documentos: pasaporte, visado si lo necesita y los datos de su reserva, en el "
                "móvil o en papel.\n"
                "- Informes médicos: traiga copias de los informes que nos ha enviado.\n"
                "- Medicación: llévela en el equipaje de mano, con suficiente para todo el viaje."
                "\n"
                "- Ropa: después del tratamiento lo más cómodo es ropa holgada.\n"
                "- Recogida en el aeropuerto: un conductor de {{ company.name }} le esperará en "
                "la sala de llegadas con un cartel con su nombre y le llevará al hotel."
                "{% if coordinator.phone or company.phone_emergency %}\n\n"
                "Guarde ya estos números en su teléfono para poder localizarnos nada más "
                "aterrizar:{% if coordinator.phone %}\n"
                "- mi número: {{ coordinator.phone }}{% endif %}{% if company.phone_emergency %}"
                "\n"
                "- nuestra línea 24 horas: {{ company.phone_emergency }}{% endif %}{% endif %}"
                "\n\n"
                "Para cualquier pregunta, responda a este correo.\n\n"
                "Hasta muy pronto,\n"
                "{{ coordinator.name }}\n"
                "Coordinación de pacientes, {{ company.name }}"
            ),
            "html": (
                "<p>Hola, {{ patient.first_name }}:</p>\n"
                "<p>Quedan muy pocos días para su llegada a {{ clinic.city }}"
                '{% if journey.planned_arrival %}, el {{ journey.planned_arrival|date:"d/m/Y" }}'
                "{% endif %}. Repasemos lo último:</p>\n"
                "<ul>\n"
                "{% if travel.open %}<li><strong>Aún pendiente en la lista de su viaje:</strong> "
                '{{ travel.open|join:", " }}. <a href="{{ links.travel }}">Rellénela hoy</a>, '
                "para que el conductor sepa cuándo esperarle.</li>{% endif %}\n"
                "<li><strong>Documentos:</strong> pasaporte, visado si lo necesita y los datos de "
                "su reserva, en el móvil o en papel.</li>\n"
                "<li><strong>Informes médicos:</strong> traiga copias de los informes que nos ha "
                "enviado.</li>\n"
                "<li><strong>Medicación:</strong> llévela en el equipaje de mano, con suficiente "
                "para todo el viaje.</li>\n"
                "<li><strong>Ropa:</strong> después del tratamiento lo más cómodo es ropa "
                "holgada.</li>\n"
                "<li><strong>Recogida en el aeropuerto:</strong> un conductor de "
                "{{ company.name }} le esperará en la sala de llegadas con un cartel con su "
                "nombre y le llevará al hotel.</li>\n"
                "</ul>\n"
                "{% if coordinator.phone or company.phone_emergency %}\n"
                "<p>Guarde ya estos números en su teléfono para poder localizarnos nada más "
                "aterrizar:</p>\n"
                "<ul>\n"
                "{% if coordinator.phone %}<li>mi número: {{ coordinator.phone }}</li>{% endif %}"
                "\n"
                "{% if company.phone_emergency %}<li>nuestra línea 24 horas: "
                "{{ company.phone_emergency }}</li>{% endif %}\n"
                "</ul>\n"
                "{% endif %}\n"
                "<p>Para cualquier pregunta, responda a este correo.</p>\n"
                "<p>Hasta muy pronto,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Coordinación de pacientes, {{ company.name }}</p>"
            ),
        },
        "de": {
            "subject": "Bald geht es los, {{ patient.first_name }}: die letzten Punkte",
            "text": (
                "Hallo {{ patient.first_name }},\n\n"
                "nur noch wenige Tage, dann kommen Sie in {{ clinic.city }} an"
                '{% if journey.planned_arrival %} (am {{ journey.planned_arrival|date:"d.m.Y" }})'
                "{% endif %}. Hier der letzte Check:\n\n"
                "{% if travel.open %}- Noch offen auf Ihrer Reise-Checkliste: "
                '{{ travel.open|join:", " }}. Bitte tragen Sie es heute auf Ihrer Seite ein, '
                "damit der Fahrer weiß, wann Sie landen: {{ links.travel }}\n{% endif %}"
                "- Dokumente: Reisepass, ggf. Visum und Ihre Buchungsdaten, auf dem Handy oder "
                "ausgedruckt.\n"
                "- Arztberichte: Nehmen Sie Kopien der Unterlagen mit, die Sie uns geschickt "
                "haben.\n"
                "- Medikamente: Packen Sie sie ins Handgepäck, genug für die ganze Reise.\n"
                "- Kleidung: Nach der Behandlung ist bequeme, weite Kleidung am angenehmsten.\n"
                "- Abholung am Flughafen: Ein Fahrer von {{ company.name }} erwartet Sie in der "
                "Ankunftshalle mit einem Schild mit Ihrem Namen und bringt Sie ins Hotel."
                "{% if coordinator.phone or company.phone_emergency %}\n\n"
                "Speichern Sie diese Nummern jetzt in Ihrem Telefon, damit Sie uns direkt nach "
                "der Landung erreichen:{% if coordinator.phone %}\n"
                "- meine Nummer: {{ coordinator.phone }}{% endif %}"
                "{% if company.phone_emergency %}\n"
                "- unsere 24-Stunden-Nummer: {{ company.phone_emergency }}{% endif %}{% endif %}"
                "\n\n"
                "Bei Fragen antworten Sie einfach auf diese E-Mail.\n\n"
                "Bis bald\n"
                "{{ coordinator.name }}\n"
                "Patientenbetreuung, {{ company.name }}"
            ),
            "html": (
                "<p>Hallo {{ patient.first_name }},</p>\n"
                "<p>nur noch wenige Tage, dann kommen Sie in {{ clinic.city }} an"
                '{% if journey.planned_arrival %} (am {{ journey.planned_arrival|date:"d.m.Y" }})'
                "{% endif %}. Hier der letzte Check:</p>\n"
                "<ul>\n"
                "{% if travel.open %}<li><strong>Noch offen auf Ihrer Reise-Checkliste:</strong> "
                '{{ travel.open|join:", " }}. <a href="{{ links.travel }}">Bitte heute '
                "eintragen</a>, damit der Fahrer weiß, wann Sie landen.</li>{% endif %}\n"
                "<li><strong>Dokumente:</strong> Reisepass, ggf. Visum und Ihre Buchungsdaten, "
                "auf dem Handy oder ausgedruckt.</li>\n"
                "<li><strong>Arztberichte:</strong> Nehmen Sie Kopien der Unterlagen mit, die Sie "
                "uns geschickt haben.</li>\n"
                "<li><strong>Medikamente:</strong> Packen Sie sie ins Handgepäck, genug für die "
                "ganze Reise.</li>\n"
                "<li><strong>Kleidung:</strong> Nach der Behandlung ist bequeme, weite Kleidung "
                "am angenehmsten.</li>\n"
                "<li><strong>Abholung am Flughafen:</strong> Ein Fahrer von {{ company.name }} "
                "erwartet Sie in der Ankunftshalle mit einem Schild mit Ihrem Namen und bringt "
                "Sie ins Hotel.</li>\n"
                "</ul>\n"
                "{% if coordinator.phone or company.phone_emergency %}\n"
                "<p>Speichern Sie diese Nummern jetzt in Ihrem Telefon, damit Sie uns direkt nach "
                "der Landung erreichen:</p>\n"
                "<ul>\n"
                "{% if coordinator.phone %}<li>meine Nummer: {{ coordinator.phone }}</li>"
                "{% endif %}\n"
                "{% if company.phone_emergency %}<li>unsere 24-Stunden-Nummer: "
                "{{ company.phone_emergency }}</li>{% endif %}\n"
                "</ul>\n"
                "{% endif %}\n"
                "<p>Bei Fragen antworten Sie einfach auf diese E-Mail.</p>\n"
                "<p>Bis bald<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patientenbetreuung, {{ company.name }}</p>"
            ),
        },
    },
    "prearrival_1": {
        "en": {
            "subject": "See you tomorrow, {{ patient.first_name }}",
            "text": (
                "Hi {{ patient.first_name }},\n\n"
                "Tomorrow's the day! Here is everything for your arrival in one place.\n\n"
                "Meeting point: after passport control and baggage claim, walk out into the "
                "arrivals hall. Your driver will be waiting there with a sign showing your name "
                "and {{ company.name }}. Please don't go with anyone else who offers you a taxi."
                "\n\n"
                "If you can't find the driver, stay where you are and call "
                "{% if coordinator.phone %}me on {{ coordinator.phone }}"
                "{% elif company.phone_emergency %}our 24/7 line, {{ company.phone_emergency }}"
                "{% else %}reply to this email{% endif %}. We'll come to you. If your flight is "
                "delayed, don't worry: the driver will wait."
                "{% if coordinator.phone and company.phone_emergency %}\n\n"
                "At night or in an emergency, our 24/7 line is {{ company.phone_emergency }}."
                "{% endif %}\n\n"
                "Before you leave: passport, medications in your hand luggage, phone charged."
                "{% if travel.open %} Still open on your trip checklist: "
                '{{ travel.open|join:", " }}. Please fill it in now: {{ links.travel }}'
                "{% endif %}\n\n"
                "The driver takes you straight to your hotel, and the rest of the day is yours to "
                "rest.\n\n"
                "Safe travels, and see you soon,\n"
                "{{ coordinator.name }}\n"
                "Patient coordinator, {{ company.name }}"
            ),
            "html": (
                "<p>Hi {{ patient.first_name }},</p>\n"
                "<p>Tomorrow's the day! Here is everything for your arrival in one place.</p>\n"
                "<p><strong>Meeting point:</strong> after passport control and baggage claim, "
                "walk out into the arrivals hall. Your driver will be waiting there with a sign "
                "showing your name and {{ company.name }}. Please don't go with anyone else who "
                "offers you a taxi.</p>\n"
                "<p><strong>If you can't find the driver</strong>, stay where you are and call "
                "{% if coordinator.phone %}me on {{ coordinator.phone }}"
                "{% elif company.phone_emergency %}our 24/7 line, {{ company.phone_emergency }}"
                "{% else %}reply to this email{% endif %}. We'll come to you. If your flight is "
                "delayed, don't worry: the driver will wait.</p>\n"
                "{% if coordinator.phone and company.phone_emergency %}<p>At night or in an "
                "emergency, our 24/7 line is {{ company.phone_emergency }}.</p>{% endif %}\n"
                "<p><strong>Before you leave:</strong> passport, medications in your hand "
                "luggage, phone charged.{% if travel.open %} Still open on your trip checklist: "
                '{{ travel.open|join:", " }}. <a href="{{ links.travel }}">Please fill it in '
                "now</a>.{% endif %}</p>\n"
                "<p>The driver takes you straight to your hotel, and the rest of the day is yours "
                "to rest.</p>\n"
                "<p>Safe travels, and see you soon,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patient coordinator, {{ company.name }}</p>"
            ),
        },
        "es": {
            "subject": "Nos vemos mañana, {{ patient.first_name }}",
            "text": (
                "Hola, {{ patient.first_name }}:\n\n"
                "¡Mañana es el día! Aquí tiene todo lo necesario para su llegada.\n\n"
                "Punto de encuentro: después del control de pasaportes y de recoger el equipaje, "
                "salga a la sala de llegadas. Allí le esperará su conductor con un cartel con su "
                "nombre y el de {{ company.name }}. Por favor, no acepte ningún otro taxi.\n\n"
                "Si no encuentra al conductor, quédese donde está y {% if coordinator.phone %}"
                "llámeme al {{ coordinator.phone }}{% elif company.phone_emergency %}llame a "
                "nuestra línea 24 horas, {{ company.phone_emergency }}{% else %}responda a este "
                "correo{% endif %}. Iremos a buscarle. Si su vuelo se retrasa, no se preocupe: el "
                "conductor le esperará.{% if coordinator.phone and company.phone_emergency %}\n\n"
                "De noche o en caso de urgencia, nuestra línea 24 horas es el "
                "{{ company.phone_emergency }}.{% endif %}\n\n"
                "Antes de salir: pasaporte, medicación en el equipaje de mano y el móvil cargado."
                "{% if travel.open %} Aún pendiente en la lista de su viaje: "
                '{{ travel.open|join:", " }}. Rellénela ahora: {{ links.travel }}{% endif %}\n\n'
                "El conductor le llevará directamente al hotel, y el resto del día es para "
                "descansar.\n\n"
                "Buen viaje y hasta mañana,\n"
                "{{ coordinator.name }}\n"
                "Coordinación de pacientes, {{ company.name }}"
            ),
            "html": (
                "<p>Hola, {{ patient.first_name }}:</p>\n"
                "<p>¡Mañana es el día! Aquí tiene todo lo necesario para su llegada.</p>\n"
                "<p><strong>Punto de encuentro:</strong> después del control de pasaportes y de "
                "recoger el equipaje, salga a la sala de llegadas. Allí le esperará su conductor "
                "con un cartel con su nombre y el de {{ company.name }}. Por favor, no acepte "
                "ningún otro taxi.</p>\n"
                "<p><strong>Si no encuentra al conductor</strong>, quédese donde está y "
                "{% if coordinator.phone %}llámeme al {{ coordinator.phone }}"
                "{% elif company.phone_emergency %}llame a nuestra línea 24 horas, "
                "{{ company.phone_emergency }}{% else %}responda a este correo{% endif %}. Iremos "
                "a buscarle. Si su vuelo se retrasa, no se preocupe: el conductor le esperará."
                "</p>\n"
                "{% if coordinator.phone and company.phone_emergency %}<p>De noche o en caso de "
                "urgencia, nuestra línea 24 horas es el {{ company.phone_emergency }}.</p>"
                "{% endif %}\n"
                "<p><strong>Antes de salir:</strong> pasaporte, medicación en el equipaje de mano "
                "y el móvil cargado.{% if travel.open %} Aún pendiente en la lista de su viaje: "
                '{{ travel.open|join:", " }}. <a href="{{ links.travel }}">Rellénela ahora</a>.'
                "{% endif %}</p>\n"
                "<p>El conductor le llevará directamente al hotel, y el resto del día es para "
                "descansar.</p>\n"
                "<p>Buen viaje y hasta mañana,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Coordinación de pacientes, {{ company.name }}</p>"
            ),
        },
        "de": {
            "subject": "Bis morgen, {{ patient.first_name }}",
            "text": (
                "Hallo {{ patient.first_name }},\n\n"
                "morgen ist es so weit! Hier alles für Ihre Ankunft auf einen Blick.\n\n"
                "Treffpunkt: Nach der Passkontrolle und der Gepäckausgabe gehen Sie hinaus in die "
                "Ankunftshalle. Dort wartet Ihr Fahrer mit einem Schild, auf dem Ihr Name und "
                "{{ company.name }} stehen. Bitte gehen Sie nicht mit anderen Personen mit, die "
                "Ihnen ein Taxi anbieten.\n\n"
                "Falls Sie den Fahrer nicht finden, bleiben Sie, wo Sie sind, und "
                "{% if coordinator.phone %}rufen Sie mich an: {{ coordinator.phone }}"
                "{% elif company.phone_emergency %}rufen Sie unsere 24-Stunden-Nummer an: "
                "{{ company.phone_emergency }}{% else %}antworten Sie auf diese E-Mail{% endif %}"
                ". Wir kommen zu Ihnen. Falls Ihr Flug Verspätung hat: keine Sorge, der Fahrer "
                "wartet.{% if coordinator.phone and company.phone_emergency %}\n\n"
                "Nachts oder im Notfall erreichen Sie uns unter unserer 24-Stunden-Nummer: "
                "{{ company.phone_emergency }}.{% endif %}\n\n"
                "Bevor Sie losfahren: Reisepass, Medikamente im Handgepäck, Handy aufgeladen."
                "{% if travel.open %} Noch offen auf Ihrer Reise-Checkliste: "
                '{{ travel.open|join:", " }}. Bitte jetzt eintragen: {{ links.travel }}'
                "{% endif %}\n\n"
                "Der Fahrer bringt Sie direkt ins Hotel, und den Rest des Tages können Sie sich "
                "ausruhen.\n\n"
                "Gute Reise und bis morgen\n"
                "{{ coordinator.name }}\n"
                "Patientenbetreuung, {{ company.name }}"
            ),
            "html": (
                "<p>Hallo {{ patient.first_name }},</p>\n"
                "<p>morgen ist es so weit! Hier alles für Ihre Ankunft auf einen Blick.</p>\n"
                "<p><strong>Treffpunkt:</strong> Nach der Passkontrolle und der Gepäckausgabe "
                "gehen Sie hinaus in die Ankunftshalle. Dort wartet Ihr Fahrer mit einem Schild, "
                "auf dem Ihr Name und {{ company.name }} stehen. Bitte gehen Sie nicht mit "
                "anderen Personen mit, die Ihnen ein Taxi anbieten.</p>\n"
                "<p><strong>Falls Sie den Fahrer nicht finden</strong>, bleiben Sie, wo Sie sind, "
                "und {% if coordinator.phone %}rufen Sie mich an: {{ coordinator.phone }}"
                "{% elif company.phone_emergency %}rufen Sie unsere 24-Stunden-Nummer an: "
                "{{ company.phone_emergency }}{% else %}antworten Sie auf diese E-Mail{% endif %}"
                ". Wir kommen zu Ihnen. Falls Ihr Flug Verspätung hat: keine Sorge, der Fahrer "
                "wartet.</p>\n"
                "{% if coordinator.phone and company.phone_emergency %}<p>Nachts oder im Notfall "
                "erreichen Sie uns unter unserer 24-Stunden-Nummer: {{ company.phone_emergency }}"
                ".</p>{% endif %}\n"
                "<p><strong>Bevor Sie losfahren:</strong> Reisepass, Medikamente im Handgepäck, "
                "Handy aufgeladen.{% if travel.open %} Noch offen auf Ihrer Reise-Checkliste: "
                '{{ travel.open|join:", " }}. <a href="{{ links.travel }}">Bitte jetzt '
                "eintragen</a>.{% endif %}</p>\n"
                "<p>Der Fahrer bringt Sie direkt ins Hotel, und den Rest des Tages können Sie "
                "sich ausruhen.</p>\n"
                "<p>Gute Reise und bis morgen<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patientenbetreuung, {{ company.name }}</p>"
            ),
        },
    },
    "arrival_welcome": {
        "en": {
            "subject": "Welcome to {{ clinic.city }}, {{ patient.first_name }}",
            "text": (
                "Hi {{ patient.first_name }},\n\n"
                "Welcome to {{ clinic.city }}! I hope the journey went well.\n\n"
                "So that you have it in writing, here is what we agreed:\n"
                "- Treatment: {{ procedure.name }} at {{ clinic.name }}"
                "{% if journey.planned_procedure %}\n"
                '- Procedure date: {{ journey.planned_procedure|date:"j F Y" }}{% endif %}'
                "{% if journey.planned_departure %}\n"
                '- Departure: {{ journey.planned_departure|date:"j F Y" }}{% endif %}'
                "{% if journey.estimated_cost %}\n"
                '- Estimated cost: {{ journey.estimated_cost|floatformat:"-2" }} '
                "{{ journey.currency }}{% endif %}\n\n"
                "Before anything is done, the final bill is explained to you. If anything differs "
                "from the estimate, you'll see exactly what and why before you agree to it.\n\n"
                "Today: settle into your hotel, drink plenty of water and rest. I'll confirm the "
                "time of your first appointment at the clinic.\n\n"
                "If you need anything: {% if coordinator.phone %}call me on "
                "{{ coordinator.phone }}, whatever it is.{% if company.phone_emergency %} At any "
                "hour, you can also call our 24/7 line: {{ company.phone_emergency }}.{% endif %} "
                "Or simply reply to this email.{% elif company.phone_emergency %}call our 24/7 "
                "line, {{ company.phone_emergency }}, at any hour, or simply reply to this email."
                "{% else %}just reply to this email, and I'll get back to you as soon as I can."
                "{% endif %}\n\n"
                "Warm regards,\n"
                "{{ coordinator.name }}\n"
                "Patient coordinator, {{ company.name }}"
            ),
            "html": (
                "<p>Hi {{ patient.first_name }},</p>\n"
                "<p>Welcome to {{ clinic.city }}! I hope the journey went well.</p>\n"
                "<p>So that you have it in writing, here is what we agreed:</p>\n"
                "<ul>\n"
                "<li><strong>Treatment:</strong> {{ procedure.name }} at {{ clinic.name }}</li>\n"
                "{% if journey.planned_procedure %}<li><strong>Procedure date:</strong> "
                '{{ journey.planned_procedure|date:"j F Y" }}</li>{% endif %}\n'
                "{% if journey.planned_departure %}<li><strong>Departure:</strong> "
                '{{ journey.planned_departure|date:"j F Y" }}</li>{% endif %}\n'
                "{% if journey.estimated_cost %}<li><strong>Estimated cost:</strong> "
                '{{ journey.estimated_cost|floatformat:"-2" }} {{ journey.currency }}</li>'
                "{% endif %}\n"
                "</ul>\n"
                "<p>Before anything is done, the final bill is explained to you. If anything "
                "differs from the estimate, you'll see exactly what and why before you agree to "
                "it.</p>\n"
                "<p><strong>Today:</strong> settle into your hotel, drink plenty of water and "
                "rest. I'll confirm the time of your first appointment at the clinic.</p>\n"
                "<p><strong>If you need anything:</strong> {% if coordinator.phone %}call me on "
                "{{ coordinator.phone }}, whatever it is.{% if company.phone_emergency %} At any "
                "hour, you can also call our 24/7 line: {{ company.phone_emergency }}.{% endif %} "
                "Or simply reply to this email.{% elif company.phone_emergency %}call our 24/7 "
                "line, {{ company.phone_emergency }}, at any hour, or simply reply to this email."
                "{% else %}just reply to this email, and I'll get back to you as soon as I can."
                "{% endif %}</p>\n"
                "<p>Warm regards,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patient coordinator, {{ company.name }}</p>"
            ),
        },
        "es": {
            "subject": "Le damos la bienvenida a {{ clinic.city }}, {{ patient.first_name }}",
            "text": (
                "Hola, {{ patient.first_name }}:\n\n"
                "¡Ya está en {{ clinic.city }}! Espero que el viaje haya ido bien.\n\n"
                "Para que lo tenga por escrito, esto es lo que acordamos:\n"
                "- Tratamiento: {{ procedure.name }} en {{ clinic.name }}"
                "{% if journey.planned_procedure %}\n"
                '- Fecha del tratamiento: {{ journey.planned_procedure|date:"d/m/Y" }}{% endif %}'
                "{% if journey.planned_departure %}\n"
                '- Regreso: {{ journey.planned_departure|date:"d/m/Y" }}{% endif %}'
                "{% if journey.estimated_cost %}\n"
                '- Coste estimado: {{ journey.estimated_cost|floatformat:"-2" }} '
                "{{ journey.currency }}{% endif %}\n\n"
                "Antes de hacer nada, le explicarán la factura final. Si algo difiere del "
                "presupuesto, verá exactamente qué y por qué antes de dar su conformidad.\n\n"
                "Hoy: instálese en el hotel, beba mucha agua y descanse. Yo le confirmaré la hora "
                "de su primera cita en la clínica.\n\n"
                "Si necesita algo: {% if coordinator.phone %}llámeme al {{ coordinator.phone }}, "
                "para lo que sea.{% if company.phone_emergency %} A cualquier hora, también puede "
                "llamar a nuestra línea 24 horas: {{ company.phone_emergency }}.{% endif %} O, si "
                "lo prefiere, responda a este correo.{% elif company.phone_emergency %}llame a "
                "nuestra línea 24 horas, {{ company.phone_emergency }}, a cualquier hora, o "
                "responda a este correo.{% else %}responda a este correo y le contestaré lo antes "
                "posible.{% endif %}\n\n"
                "Un cordial saludo,\n"
                "{{ coordinator.name }}\n"
                "Coordinación de pacientes, {{ company.name }}"
            ),
            "html": (
                "<p>Hola, {{ patient.first_name }}:</p>\n"
                "<p>¡Ya está en {{ clinic.city }}! Espero que el viaje haya ido bien.</p>\n"
                "<p>Para que lo tenga por escrito, esto es lo que acordamos:</p>\n"
                "<ul>\n"
                "<li><strong>Tratamiento:</strong> {{ procedure.name }} en {{ clinic.name }}</li>"
                "\n"
                "{% if journey.planned_procedure %}<li><strong>Fecha del tratamiento:</strong> "
                '{{ journey.planned_procedure|date:"d/m/Y" }}</li>{% endif %}\n'
                "{% if journey.planned_departure %}<li><strong>Regreso:</strong> "
                '{{ journey.planned_departure|date:"d/m/Y" }}</li>{% endif %}\n'
                "{% if journey.estimated_cost %}<li><strong>Coste estimado:</strong> "
                '{{ journey.estimated_cost|floatformat:"-2" }} {{ journey.currency }}</li>'
                "{% endif %}\n"
                "</ul>\n"
                "<p>Antes de hacer nada, le explicarán la factura final. Si algo difiere del "
                "presupuesto, verá exactamente qué y por qué antes de dar su conformidad.</p>\n"
                "<p><strong>Hoy:</strong> instálese en el hotel, beba mucha agua y descanse. Yo "
                "le confirmaré la hora de su primera cita en la clínica.</p>\n"
                "<p><strong>Si necesita algo:</strong> {% if coordinator.phone %}llámeme al "
                "{{ coordinator.phone }}, para lo que sea.{% if company.phone_emergency %} A "
                "cualquier hora, también puede llamar a nuestra línea 24 horas: "
                "{{ company.phone_emergency }}.{% endif %} O, si lo prefiere, responda a este "
                "correo.{% elif company.phone_emergency %}llame a nuestra línea 24 horas, "
                "{{ company.phone_emergency }}, a cualquier hora, o responda a este correo."
                "{% else %}responda a este correo y le contestaré lo antes posible.{% endif %}"
                "</p>\n"
                "<p>Un cordial saludo,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Coordinación de pacientes, {{ company.name }}</p>"
            ),
        },
        "de": {
            "subject": "Willkommen in {{ clinic.city }}, {{ patient.first_name }}",
            "text": (
                "Hallo {{ patient.first_name }},\n\n"
                "willkommen in {{ clinic.city }}! Ich hoffe, Sie hatten eine gute Reise.\n\n"
                "Damit Sie alles schriftlich haben, hier noch einmal, was wir vereinbart haben:\n"
                "- Behandlung: {{ procedure.name }} bei {{ clinic.name }}"
                "{% if journey.planned_procedure %}\n"
                '- Behandlungstermin: {{ journey.planned_procedure|date:"d.m.Y" }}{% endif %}'
                "{% if journey.planned_departure %}\n"
                '- Abreise: {{ journey.planned_departure|date:"d.m.Y" }}{% endif %}'
                "{% if journey.estimated_cost %}\n"
                '- Voraussichtliche Kosten: {{ journey.estimated_cost|floatformat:"-2" }} '
                "{{ journey.currency }}{% endif %}\n\n"
                "Bevor irgendetwas gemacht wird, bekommen Sie die endgültige Rechnung erklärt. "
                "Weicht etwas vom Kostenvoranschlag ab, sehen Sie genau, was und warum, bevor Sie "
                "zustimmen.\n\n"
                "Heute: Kommen Sie erst einmal im Hotel an, trinken Sie viel Wasser und ruhen Sie "
                "sich aus. Die Uhrzeit Ihres ersten Termins in der Klinik bestätige ich Ihnen "
                "noch.\n\n"
                "Wenn Sie etwas brauchen: {% if coordinator.phone %}Rufen Sie mich unter "
                "{{ coordinator.phone }} an, egal worum es geht.{% if company.phone_emergency %} "
                "Rund um die Uhr erreichen Sie außerdem unsere 24-Stunden-Nummer: "
                "{{ company.phone_emergency }}.{% endif %} Oder antworten Sie einfach auf diese "
                "E-Mail.{% elif company.phone_emergency %}Rufen Sie jederzeit unsere "
                "24-Stunden-Nummer an: {{ company.phone_emergency }}. Oder antworten Sie einfach "
                "auf diese E-Mail.{% else %}Antworten Sie einfach auf diese E-Mail, ich melde "
                "mich so schnell wie möglich.{% endif %}\n\n"
                "Herzliche Grüße\n"
                "{{ coordinator.name }}\n"
                "Patientenbetreuung, {{ company.name }}"
            ),
            "html": (
                "<p>Hallo {{ patient.first_name }},</p>\n"
                "<p>willkommen in {{ clinic.city }}! Ich hoffe, Sie hatten eine gute Reise.</p>\n"
                "<p>Damit Sie alles schriftlich haben, hier noch einmal, was wir vereinbart "
                "haben:</p>\n"
                "<ul>\n"
                "<li><strong>Behandlung:</strong> {{ procedure.name }} bei {{ clinic.name }}</li>"
                "\n"
                "{% if journey.planned_procedure %}<li><strong>Behandlungstermin:</strong> "
                '{{ journey.planned_procedure|date:"d.m.Y" }}</li>{% endif %}\n'
                "{% if journey.planned_departure %}<li><strong>Abreise:</strong> "
                '{{ journey.planned_departure|date:"d.m.Y" }}</li>{% endif %}\n'
                "{% if journey.estimated_cost %}<li><strong>Voraussichtliche Kosten:</strong> "
                '{{ journey.estimated_cost|floatformat:"-2" }} {{ journey.currency }}</li>'
                "{% endif %}\n"
                "</ul>\n"
                "<p>Bevor irgendetwas gemacht wird, bekommen Sie die endgültige Rechnung erklärt. "
                "Weicht etwas vom Kostenvoranschlag ab, sehen Sie genau, was und warum, bevor Sie "
                "zustimmen.</p>\n"
                "<p><strong>Heute:</strong> Kommen Sie erst einmal im Hotel an, trinken Sie viel "
                "Wasser und ruhen Sie sich aus. Die Uhrzeit Ihres ersten Termins in der Klinik "
                "bestätige ich Ihnen noch.</p>\n"
                "<p><strong>Wenn Sie etwas brauchen:</strong> {% if coordinator.phone %}Rufen Sie "
                "mich unter {{ coordinator.phone }} an, egal worum es geht."
                "{% if company.phone_emergency %} Rund um die Uhr erreichen Sie außerdem unsere "
                "24-Stunden-Nummer: {{ company.phone_emergency }}.{% endif %} Oder antworten Sie "
                "einfach auf diese E-Mail.{% elif company.phone_emergency %}Rufen Sie jederzeit "
                "unsere 24-Stunden-Nummer an: {{ company.phone_emergency }}. Oder antworten Sie "
                "einfach auf diese E-Mail.{% else %}Antworten Sie einfach auf diese E-Mail, ich "
                "melde mich so schnell wie möglich.{% endif %}</p>\n"
                "<p>Herzliche Grüße<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patientenbetreuung, {{ company.name }}</p>"
            ),
        },
    },
    "procedure_comfort": {
        "en": {
            "subject": "How are you today, {{ patient.first_name }}?",
            "text": (
                "Hi {{ patient.first_name }},\n\n"
                "Just my short daily check-in. How are you today? One tap tells me:\n\n"
                "- I'm fine: {{ links.checkin_fine }}\n"
                "- I have a question: {{ links.checkin_question }}\n"
                "- I need help now: {{ links.checkin_help }}\n\n"
                "Each link opens your own page with that answer chosen; press the button there "
                "to send it. You can add your pain from 0 to 10 and a note. Think about:\n"
                "- Pain: is it manageable with what the doctor gave you?\n"
                "- Sleep: did you get some rest last night?\n"
                "- Eating and drinking: are you managing?\n\n"
                "You can also simply reply to this email; I read every one.\n\n"
                'If you need anything, at any time, choose "I need help now" or reply "I need '
                'help"{% if company.phone_emergency %} or call our 24/7 line on '
                "{{ company.phone_emergency }}{% elif coordinator.phone %} or call me on "
                "{{ coordinator.phone }}{% endif %}, and someone from our team will come to you."
                "{% if coordinator.phone and company.phone_emergency %} During the day you can "
                "also call me on {{ coordinator.phone }}.{% endif %}\n\n"
                "Take care,\n"
                "{{ coordinator.name }}\n"
                "Patient coordinator, {{ company.name }}"
            ),
            "html": (
                "<p>Hi {{ patient.first_name }},</p>\n"
                "<p>Just my short daily check-in. How are you today? One tap tells me:</p>\n"
                "<p>"
                '<a href="{{ links.checkin_fine }}"><strong>I\'m fine</strong></a><br>\n'
                '<a href="{{ links.checkin_question }}"><strong>I have a question</strong></a>'
                "<br>\n"
                '<a href="{{ links.checkin_help }}"><strong>I need help now</strong></a>'
                "</p>\n"
                "<p>Each link opens your own page with that answer chosen; press the button "
                "there to send it. You can add your pain from 0 to 10 and a note. Think about:"
                "</p>\n"
                "<ul>\n"
                "<li><strong>Pain:</strong> is it manageable with what the doctor gave you?</li>"
                "\n"
                "<li><strong>Sleep:</strong> did you get some rest last night?</li>\n"
                "<li><strong>Eating and drinking:</strong> are you managing?</li>\n"
                "</ul>\n"
                "<p>You can also simply reply to this email; I read every one.</p>\n"
                '<p>If you need anything, at any time, choose "I need help now" or reply "I need '
                'help"{% if company.phone_emergency %} or call our 24/7 line on '
                "{{ company.phone_emergency }}{% elif coordinator.phone %} or call me on "
                "{{ coordinator.phone }}{% endif %}, and someone from our team will come to you."
                "{% if coordinator.phone and company.phone_emergency %} During the day you can "
                "also call me on {{ coordinator.phone }}.{% endif %}</p>\n"
                "<p>Take care,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patient coordinator, {{ company.name }}</p>"
            ),
        },
        "es": {
            "subject": "¿Cómo está hoy, {{ patient.first_name }}?",
            "text": (
                "Hola, {{ patient.first_name }}:\n\n"
                "Le escribo, como cada día, para saber cómo está hoy. Con un toque me lo dice:"
                "\n\n"
                "- Estoy bien: {{ links.checkin_fine }}\n"
                "- Tengo una pregunta: {{ links.checkin_question }}\n"
                "- Necesito ayuda ahora: {{ links.checkin_help }}\n\n"
                "Cada enlace abre su propia página con esa respuesta elegida; pulse el botón "
                "para enviarla. Puede indicar su dolor de 0 a 10 y añadir una nota. Piense en:"
                "\n"
                "- Dolor: ¿lo tiene controlado con lo que le ha dado el médico?\n"
                "- Sueño: ¿ha podido descansar esta noche?\n"
                "- Comida y bebida: ¿puede comer y beber con normalidad?\n\n"
                "También puede responder a este correo; leo todas las respuestas.\n\n"
                "Si necesita cualquier cosa, a cualquier hora, elija «Necesito ayuda ahora» o "
                "responda «Necesito ayuda»"
                "{% if company.phone_emergency %} o llame a nuestra línea 24 horas, "
                "{{ company.phone_emergency }}{% elif coordinator.phone %} o llámeme al "
                "{{ coordinator.phone }}{% endif %}, y alguien de nuestro equipo irá a verle."
                "{% if coordinator.phone and company.phone_emergency %} Durante el día también "
                "puede llamarme al {{ coordinator.phone }}.{% endif %}\n\n"
                "Cuídese mucho,\n"
                "{{ coordinator.name }}\n"
                "Coordinación de pacientes, {{ company.name }}"
            ),
            "html": (
                "<p>Hola, {{ patient.first_name }}:</p>\n"
                "<p>Le escribo, como cada día, para saber cómo está hoy. Con un toque me lo "
                "dice:</p>\n"
                "<p>"
                '<a href="{{ links.checkin_fine }}"><strong>Estoy bien</strong></a><br>\n'
                '<a href="{{ links.checkin_question }}"><strong>Tengo una pregunta</strong></a>'
                "<br>\n"
                '<a href="{{ links.checkin_help }}"><strong>Necesito ayuda ahora</strong></a>'
                "</p>\n"
                "<p>Cada enlace abre su propia página con esa respuesta elegida; pulse el botón "
                "para enviarla. Puede indicar su dolor de 0 a 10 y añadir una nota. Piense en:"
                "</p>\n"
                "<ul>\n"
                "<li><strong>Dolor:</strong> ¿lo tiene controlado con lo que le ha dado el "
                "médico?</li>\n"
                "<li><strong>Sueño:</strong> ¿ha podido descansar esta noche?</li>\n"
                "<li><strong>Comida y bebida:</strong> ¿puede comer y beber con normalidad?</li>"
                "\n"
                "</ul>\n"
                "<p>También puede responder a este correo; leo todas las respuestas.</p>\n"
                "<p>Si necesita cualquier cosa, a cualquier hora, elija «Necesito ayuda ahora» o "
                "responda «Necesito ayuda»"
                "{% if company.phone_emergency %} o llame a nuestra línea 24 horas, "
                "{{ company.phone_emergency }}{% elif coordinator.phone %} o llámeme al "
                "{{ coordinator.phone }}{% endif %}, y alguien de nuestro equipo irá a verle."
                "{% if coordinator.phone and company.phone_emergency %} Durante el día también "
                "puede llamarme al {{ coordinator.phone }}.{% endif %}</p>\n"
                "<p>Cuídese mucho,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Coordinación de pacientes, {{ company.name }}</p>"
            ),
        },
        "de": {
            "subject": "Wie geht es Ihnen heute, {{ patient.first_name }}?",
            "text": (
                "Hallo {{ patient.first_name }},\n\n"
                "ich melde mich wie jeden Tag kurz: Wie geht es Ihnen heute? Ein Tipp genügt:"
                "\n\n"
                "- Mir geht es gut: {{ links.checkin_fine }}\n"
                "- Ich habe eine Frage: {{ links.checkin_question }}\n"
                "- Ich brauche jetzt Hilfe: {{ links.checkin_help }}\n\n"
                "Jeder Link öffnet Ihre eigene Seite mit dieser Antwort ausgewählt; tippen Sie "
                "dort auf die Schaltfläche, um sie zu senden. Sie können Ihre Schmerzen von 0 "
                "bis 10 angeben und eine Notiz schreiben. Denken Sie an:\n"
                "- Schmerzen: Sind sie mit den Medikamenten, die Sie bekommen haben, gut "
                "auszuhalten?\n"
                "- Schlaf: Konnten Sie letzte Nacht etwas schlafen?\n"
                "- Essen und Trinken: Klappt das?\n\n"
                "Sie können auch einfach auf diese E-Mail antworten, ich lese jede Antwort.\n\n"
                "Wenn Sie etwas brauchen, egal wann, wählen Sie „Ich brauche jetzt Hilfe“ oder "
                "antworten Sie „Ich brauche Hilfe“"
                "{% if company.phone_emergency %} oder rufen Sie unsere 24-Stunden-Nummer an: "
                "{{ company.phone_emergency }}{% elif coordinator.phone %} oder rufen Sie mich "
                "an: {{ coordinator.phone }}{% endif %}. Dann kommt jemand aus unserem Team zu "
                "Ihnen.{% if coordinator.phone and company.phone_emergency %} Tagsüber erreichen "
                "Sie auch mich direkt unter {{ coordinator.phone }}.{% endif %}\n\n"
                "Alles Gute\n"
                "{{ coordinator.name }}\n"
                "Patientenbetreuung, {{ company.name }}"
            ),
            "html": (
                "<p>Hallo {{ patient.first_name }},</p>\n"
                "<p>ich melde mich wie jeden Tag kurz: Wie geht es Ihnen heute? Ein Tipp "
                "genügt:</p>\n"
                "<p>"
                '<a href="{{ links.checkin_fine }}"><strong>Mir geht es gut</strong></a><br>\n'
                '<a href="{{ links.checkin_question }}"><strong>Ich habe eine Frage</strong></a>'
                "<br>\n"
                '<a href="{{ links.checkin_help }}"><strong>Ich brauche jetzt Hilfe</strong>'
                "</a></p>\n"
                "<p>Jeder Link öffnet Ihre eigene Seite mit dieser Antwort ausgewählt; tippen "
                "Sie dort auf die Schaltfläche, um sie zu senden. Sie können Ihre Schmerzen von "
                "0 bis 10 angeben und eine Notiz schreiben. Denken Sie an:</p>\n"
                "<ul>\n"
                "<li><strong>Schmerzen:</strong> Sind sie mit den Medikamenten, die Sie bekommen "
                "haben, gut auszuhalten?</li>\n"
                "<li><strong>Schlaf:</strong> Konnten Sie letzte Nacht etwas schlafen?</li>\n"
                "<li><strong>Essen und Trinken:</strong> Klappt das?</li>\n"
                "</ul>\n"
                "<p>Sie können auch einfach auf diese E-Mail antworten, ich lese jede Antwort."
                "</p>\n"
                "<p>Wenn Sie etwas brauchen, egal wann, wählen Sie „Ich brauche jetzt Hilfe“ "
                "oder antworten Sie „Ich brauche Hilfe“"
                "{% if company.phone_emergency %} oder rufen Sie unsere 24-Stunden-Nummer an: "
                "{{ company.phone_emergency }}{% elif coordinator.phone %} oder rufen Sie mich "
                "an: {{ coordinator.phone }}{% endif %}. Dann kommt jemand aus unserem Team zu "
                "Ihnen.{% if coordinator.phone and company.phone_emergency %} Tagsüber erreichen "
                "Sie auch mich direkt unter {{ coordinator.phone }}.{% endif %}</p>\n"
                "<p>Alles Gute<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patientenbetreuung, {{ company.name }}</p>"
            ),
        },
    },
    "aftercare_day1": {
        "en": {
            "subject": "Rest well today, {{ patient.first_name }}",
            "text": (
                "Hi {{ patient.first_name }},\n\n"
                "I hope you managed to get some rest. For now, take it easy, drink plenty of "
                "water and follow the doctor's instructions. They always come first, before "
                "anything in this email.\n\n"
                "Usually normal: some swelling, bruising, tiredness, and discomfort that eases "
                "with the medication you were given.\n\n"
                "Call us straight away if you notice:\n"
                "- a fever over 38 °C (100.4 °F)\n"
                "- bleeding that doesn't stop with gentle pressure\n"
                "- pain that gets worse instead of better\n"
                "- spreading redness, or discharge from the wound\n"
                "- shortness of breath, chest pain, or a painful, swollen leg"
                "{% if company.phone_emergency or coordinator.phone %}\n\n"
                "{% if company.phone_emergency %}Our 24/7 line is {{ company.phone_emergency }}."
                "{% if coordinator.phone %} You can also call me on {{ coordinator.phone }}."
                "{% endif %}{% else %}You can call me on {{ coordinator.phone }}.{% endif %}"
                "{% endif %}\n\n"
                "If it feels like an emergency, call the local emergency number first.\n\n"
                "Otherwise, just reply and tell me how you're feeling today.\n\n"
                "Take care,\n"
                "{{ coordinator.name }}\n"
                "Patient coordinator, {{ company.name }}"
            ),
            "html": (
                "<p>Hi {{ patient.first_name }},</p>\n"
                "<p>I hope you managed to get some rest. For now, take it easy, drink plenty of "
                "water and follow the doctor's instructions. They always come first, before "
                "anything in this email.</p>\n"
                "<p><strong>Usually normal:</strong> some swelling, bruising, tiredness, and "
                "discomfort that eases with the medication you were given.</p>\n"
                "<p><strong>Call us straight away if you notice:</strong></p>\n"
                "<ul>\n"
                "<li>a fever over 38 °C (100.4 °F)</li>\n"
                "<li>bleeding that doesn't stop with gentle pressure</li>\n"
                "<li>pain that gets worse instead of better</li>\n"
                "<li>spreading redness, or discharge from the wound</li>\n"
                "<li>shortness of breath, chest pain, or a painful, swollen leg</li>\n"
                "</ul>\n"
                "{% if company.phone_emergency or coordinator.phone %}<p>"
                "{% if company.phone_emergency %}Our 24/7 line is {{ company.phone_emergency }}."
                "{% if coordinator.phone %} You can also call me on {{ coordinator.phone }}."
                "{% endif %}{% else %}You can call me on {{ coordinator.phone }}.{% endif %}</p>"
                "{% endif %}\n"
                "<p>If it feels like an emergency, call the local emergency number first.</p>\n"
                "<p>Otherwise, just reply and tell me how you're feeling today.</p>\n"
                "<p>Take care,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patient coordinator, {{ company.name }}</p>"
            ),
        },
        "es": {
            "subject": "Hoy toca descansar, {{ patient.first_name }}",
            "text": (
                "Hola, {{ patient.first_name }}:\n\n"
                "Espero que haya podido descansar. Estos días, tómeselo con calma, beba mucha "
                "agua y siga las indicaciones del médico. Esas indicaciones siempre van por "
                "delante de lo que diga este correo.\n\n"
                "Suele ser normal: algo de hinchazón, moratones, cansancio y molestias que se "
                "alivian con la medicación que le han dado.\n\n"
                "Llámenos enseguida si nota:\n"
                "- fiebre de más de 38 °C\n"
                "- un sangrado que no se detiene al presionar suavemente\n"
                "- un dolor que empeora en lugar de mejorar\n"
                "- enrojecimiento que se extiende o supuración en la herida\n"
                "- falta de aire, dolor en el pecho o una pierna hinchada y dolorida"
                "{% if company.phone_emergency or coordinator.phone %}\n\n"
                "{% if company.phone_emergency %}Nuestra línea 24 horas es el "
                "{{ company.phone_emergency }}.{% if coordinator.phone %} También puede llamarme "
                "al {{ coordinator.phone }}.{% endif %}{% else %}Puede llamarme al "
                "{{ coordinator.phone }}.{% endif %}{% endif %}\n\n"
                "Si le parece una urgencia, llame primero al número de emergencias local.\n\n"
                "Y si todo va bien, respóndame igualmente y cuénteme cómo se encuentra hoy.\n\n"
                "Cuídese mucho,\n"
                "{{ coordinator.name }}\n"
                "Coordinación de pacientes, {{ company.name }}"
            ),
            "html": (
                "<p>Hola, {{ patient.first_name }}:</p>\n"
                "<p>Espero que haya podido descansar. Estos días, tómeselo con calma, beba mucha "
                "agua y siga las indicaciones del médico. Esas indicaciones siempre van por "
                "delante de lo que diga este correo.</p>\n"
                "<p><strong>Suele ser normal:</strong> algo de hinchazón, moratones, cansancio y "
                "molestias que se alivian con la medicación que le han dado.</p>\n"
                "<p><strong>Llámenos enseguida si nota:</strong></p>\n"
                "<ul>\n"
                "<li>fiebre de más de 38 °C</li>\n"
                "<li>un sangrado que no se detiene al presionar suavemente</li>\n"
                "<li>un dolor que empeora en lugar de mejorar</li>\n"
                "<li>enrojecimiento que se extiende o supuración en la herida</li>\n"
                "<li>falta de aire, dolor en el pecho o una pierna hinchada y dolorida</li>\n"
                "</ul>\n"
                "{% if company.phone_emergency or coordinator.phone %}<p>"
                "{% if company.phone_emergency %}Nuestra línea 24 horas es el "
                "{{ company.phone_emergency }}.{% if coordinator.phone %} También puede llamarme "
                "al {{ coordinator.phone }}.{% endif %}{% else %}Puede llamarme al "
                "{{ coordinator.phone }}.{% endif %}</p>{% endif %}\n"
                "<p>Si le parece una urgencia, llame primero al número de emergencias local.</p>"
                "\n"
                "<p>Y si todo va bien, respóndame igualmente y cuénteme cómo se encuentra hoy."
                "</p>\n"
                "<p>Cuídese mucho,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Coordinación de pacientes, {{ company.name }}</p>"
            ),
        },
        "de": {
            "subject": "Heute heißt es ausruhen, {{ patient.first_name }}",
            "text": (
                "Hallo {{ patient.first_name }},\n\n"
                "ich hoffe, Sie konnten sich etwas ausruhen. Lassen Sie es jetzt ruhig angehen, "
                "trinken Sie viel und halten Sie sich an die Anweisungen Ihres Arztes oder Ihrer "
                "Ärztin. Diese gehen immer vor, auch vor allem, was in dieser E-Mail steht.\n\n"
                "Meist normal: etwas Schwellung, Blutergüsse, Müdigkeit und Beschwerden, die mit "
                "den verordneten Medikamenten nachlassen.\n\n"
                "Rufen Sie uns sofort an, wenn Sie Folgendes bemerken:\n"
                "- Fieber über 38 °C\n"
                "- eine Blutung, die bei leichtem Druck nicht aufhört\n"
                "- Schmerzen, die stärker statt schwächer werden\n"
                "- eine sich ausbreitende Rötung oder Ausfluss aus der Wunde\n"
                "- Atemnot, Brustschmerzen oder ein geschwollenes, schmerzendes Bein"
                "{% if company.phone_emergency or coordinator.phone %}\n\n"
                "{% if company.phone_emergency %}Unsere 24-Stunden-Nummer: "
                "{{ company.phone_emergency }}.{% if coordinator.phone %} Mich erreichen Sie auch "
                "unter {{ coordinator.phone }}.{% endif %}{% else %}Mich erreichen Sie unter "
                "{{ coordinator.phone }}.{% endif %}{% endif %}\n\n"
                "Wenn es sich wie ein Notfall anfühlt, wählen Sie zuerst den örtlichen Notruf."
                "\n\n"
                "Ansonsten antworten Sie einfach und erzählen Sie mir, wie es Ihnen heute geht."
                "\n\n"
                "Gute Besserung\n"
                "{{ coordinator.name }}\n"
                "Patientenbetreuung, {{ company.name }}"
            ),
            "html": (
                "<p>Hallo {{ patient.first_name }},</p>\n"
                "<p>ich hoffe, Sie konnten sich etwas ausruhen. Lassen Sie es jetzt ruhig "
                "angehen, trinken Sie viel und halten Sie sich an die Anweisungen Ihres Arztes "
                "oder Ihrer Ärztin. Diese gehen immer vor, auch vor allem, was in dieser E-Mail "
                "steht.</p>\n"
                "<p><strong>Meist normal:</strong> etwas Schwellung, Blutergüsse, Müdigkeit und "
                "Beschwerden, die mit den verordneten Medikamenten nachlassen.</p>\n"
                "<p><strong>Rufen Sie uns sofort an, wenn Sie Folgendes bemerken:</strong></p>\n"
                "<ul>\n"
                "<li>Fieber über 38 °C</li>\n"
                "<li>eine Blutung, die bei leichtem Druck nicht aufhört</li>\n"
                "<li>Schmerzen, die stärker statt schwächer werden</li>\n"
                "<li>eine sich ausbreitende Rötung oder Ausfluss aus der Wunde</li>\n"
                "<li>Atemnot, Brustschmerzen oder ein geschwollenes, schmerzendes Bein</li>\n"
                "</ul>\n"
                "{% if company.phone_emergency or coordinator.phone %}<p>"
                "{% if company.phone_emergency %}Unsere 24-Stunden-Nummer: "
                "{{ company.phone_emergency }}.{% if coordinator.phone %} Mich erreichen Sie auch "
                "unter {{ coordinator.phone }}.{% endif %}{% else %}Mich erreichen Sie unter "
                "{{ coordinator.phone }}.{% endif %}</p>{% endif %}\n"
                "<p>Wenn es sich wie ein Notfall anfühlt, wählen Sie zuerst den örtlichen Notruf."
                "</p>\n"
                "<p>Ansonsten antworten Sie einfach und erzählen Sie mir, wie es Ihnen heute "
                "geht.</p>\n"
                "<p>Gute Besserung<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patientenbetreuung, {{ company.name }}</p>"
            ),
        },
    },
    "aftercare_day7": {
        "en": {
            "subject": "One week on: how are you healing, {{ patient.first_name }}?",
            "text": (
                "Hi {{ patient.first_name }},\n\n"
                "It's been about a week since your {{ procedure.name }}, and I'd love to know how "
                "you're doing.\n\n"
                "A few quick questions:\n"
                "- How is any pain or discomfort compared with the first days?\n"
                "- Is there swelling, redness or anything else that worries you?\n"
                "- Are you managing with your medication and aftercare instructions?\n\n"
                "Everyone heals at their own pace, so please don't compare yourself with anyone "
                "else. Tell me how it is for you.\n\n"
                "If you're comfortable with it, please send a photo of the treated area, taken in "
                "good daylight. I'll pass it on to the doctor so they can see how you're healing. "
                "Only if you want to, of course.\n\n"
                "If something doesn't feel right, don't wait: reply to this email"
                "{% if company.phone_emergency %} or call our 24/7 line, "
                "{{ company.phone_emergency }}{% endif %}.\n\n"
                "Take care,\n"
                "{{ coordinator.name }}\n"
                "Patient coordinator, {{ company.name }}"
            ),
            "html": (
                "<p>Hi {{ patient.first_name }},</p>\n"
                "<p>It's been about a week since your {{ procedure.name }}, and I'd love to know "
                "how you're doing.</p>\n"
                "<p>A few quick questions:</p>\n"
                "<ul>\n"
                "<li>How is any pain or discomfort compared with the first days?</li>\n"
                "<li>Is there swelling, redness or anything else that worries you?</li>\n"
                "<li>Are you managing with your medication and aftercare instructions?</li>\n"
                "</ul>\n"
                "<p>Everyone heals at their own pace, so please don't compare yourself with "
                "anyone else. Tell me how it is for you.</p>\n"
                "<p>If you're comfortable with it, please send a photo of the treated area, taken "
                "in good daylight. I'll pass it on to the doctor so they can see how you're "
                "healing. Only if you want to, of course.</p>\n"
                "<p>If something doesn't feel right, don't wait: reply to this email"
                "{% if company.phone_emergency %} or call our 24/7 line, "
                "{{ company.phone_emergency }}{% endif %}.</p>\n"
                "<p>Take care,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patient coordinator, {{ company.name }}</p>"
            ),
        },
        "es": {
            "subject": "Una semana después: ¿cómo va la recuperación, {{ patient.first_name }}?",
            "text": (
                "Hola, {{ patient.first_name }}:\n\n"
                "Ya ha pasado más o menos una semana desde su tratamiento ({{ procedure.name }}) "
                "y me gustaría saber cómo se encuentra.\n\n"
                "Unas preguntas rápidas:\n"
                "- ¿Cómo van el dolor o las molestias en comparación con los primeros días?\n"
                "- ¿Nota hinchazón, enrojecimiento o algo que le preocupe?\n"
                "- ¿Le resulta fácil seguir la medicación y las indicaciones de cuidado?\n\n"
                "Cada persona se recupera a su ritmo, así que no se compare con nadie. Cuénteme "
                "cómo lo vive usted.\n\n"
                "Si no le importa, envíeme una foto de la zona tratada, hecha con buena luz "
                "natural. Se la pasaré al médico para que vea cómo evoluciona. Solo si usted "
                "quiere, por supuesto.\n\n"
                "Si algo no le parece normal, no espere: responda a este correo"
                "{% if company.phone_emergency %} o llame a nuestra línea 24 horas, "
                "{{ company.phone_emergency }}{% endif %}.\n\n"
                "Cuídese mucho,\n"
                "{{ coordinator.name }}\n"
                "Coordinación de pacientes, {{ company.name }}"
            ),
            "html": (
                "<p>Hola, {{ patient.first_name }}:</p>\n"
                "<p>Ya ha pasado más o menos una semana desde su tratamiento ("
                "{{ procedure.name }}) y me gustaría saber cómo se encuentra.</p>\n"
                "<p>Unas preguntas rápidas:</p>\n"
                "<ul>\n"
                "<li>¿Cómo van el dolor o las molestias en comparación con los primeros días?"
                "</li>\n"
                "<li>¿Nota hinchazón, enrojecimiento o algo que le preocupe?</li>\n"
                "<li>¿Le resulta fácil seguir la medicación y las indicaciones de cuidado?</li>\n"
                "</ul>\n"
                "<p>Cada persona se recupera a su ritmo, así que no se compare con nadie. "
                "Cuénteme cómo lo vive usted.</p>\n"
                "<p>Si no le importa, envíeme una foto de la zona tratada, hecha con buena luz "
                "natural. Se la pasaré al médico para que vea cómo evoluciona. Solo si usted "
                "quiere, por supuesto.</p>\n"
                "<p>Si algo no le parece normal, no espere: responda a este correo"
                "{% if company.phone_emergency %} o llame a nuestra línea 24 horas, "
                "{{ company.phone_emergency }}{% endif %}.</p>\n"
                "<p>Cuídese mucho,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Coordinación de pacientes, {{ company.name }}</p>"
            ),
        },
        "de": {
            "subject": "Eine Woche danach: Wie verläuft die Heilung, {{ patient.first_name }}?",
            "text": (
                "Hallo {{ patient.first_name }},\n\n"
                "Ihre Behandlung ({{ procedure.name }}) ist jetzt etwa eine Woche her, und ich "
                "würde gern wissen, wie es Ihnen geht.\n\n"
                "Ein paar kurze Fragen:\n"
                "- Wie sind die Schmerzen oder Beschwerden im Vergleich zu den ersten Tagen?\n"
                "- Gibt es Schwellungen, Rötungen oder etwas anderes, das Sie beunruhigt?\n"
                "- Kommen Sie mit den Medikamenten und den Pflegehinweisen gut zurecht?\n\n"
                "Jeder Mensch heilt in seinem eigenen Tempo, vergleichen Sie sich also bitte "
                "nicht mit anderen. Erzählen Sie mir, wie es bei Ihnen ist.\n\n"
                "Wenn es für Sie in Ordnung ist, schicken Sie mir gern ein Foto der behandelten "
                "Stelle, bei gutem Tageslicht aufgenommen. Ich gebe es an das Ärzteteam weiter, "
                "damit es sehen kann, wie die Heilung verläuft. Natürlich nur, wenn Sie möchten."
                "\n\n"
                "Wenn sich etwas nicht richtig anfühlt, warten Sie nicht: Antworten Sie auf diese "
                "E-Mail{% if company.phone_emergency %} oder rufen Sie unsere 24-Stunden-Nummer "
                "an: {{ company.phone_emergency }}{% endif %}.\n\n"
                "Gute Besserung\n"
                "{{ coordinator.name }}\n"
                "Patientenbetreuung, {{ company.name }}"
            ),
            "html": (
                "<p>Hallo {{ patient.first_name }},</p>\n"
                "<p>Ihre Behandlung ({{ procedure.name }}) ist jetzt etwa eine Woche her, und ich "
                "würde gern wissen, wie es Ihnen geht.</p>\n"
                "<p>Ein paar kurze Fragen:</p>\n"
                "<ul>\n"
                "<li>Wie sind die Schmerzen oder Beschwerden im Vergleich zu den ersten Tagen?"
                "</li>\n"
                "<li>Gibt es Schwellungen, Rötungen oder etwas anderes, das Sie beunruhigt?</li>"
                "\n"
                "<li>Kommen Sie mit den Medikamenten und den Pflegehinweisen gut zurecht?</li>\n"
                "</ul>\n"
                "<p>Jeder Mensch heilt in seinem eigenen Tempo, vergleichen Sie sich also bitte "
                "nicht mit anderen. Erzählen Sie mir, wie es bei Ihnen ist.</p>\n"
                "<p>Wenn es für Sie in Ordnung ist, schicken Sie mir gern ein Foto der "
                "behandelten Stelle, bei gutem Tageslicht aufgenommen. Ich gebe es an das "
                "Ärzteteam weiter, damit es sehen kann, wie die Heilung verläuft. Natürlich nur, "
                "wenn Sie möchten.</p>\n"
                "<p>Wenn sich etwas nicht richtig anfühlt, warten Sie nicht: Antworten Sie auf "
                "diese E-Mail{% if company.phone_emergency %} oder rufen Sie unsere "
                "24-Stunden-Nummer an: {{ company.phone_emergency }}{% endif %}.</p>\n"
                "<p>Gute Besserung<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patientenbetreuung, {{ company.name }}</p>"
            ),
        },
    },
    "aftercare_day30": {
        "en": {
            "subject": "A month on, {{ patient.first_name }}: how are things settling?",
            "text": (
                "Hi {{ patient.first_name }},\n\n"
                "It's been about a month since your {{ procedure.name }}, and I wanted to see how "
                "you're getting on.\n\n"
                "At this stage, results are often still settling, and it can take a while before "
                "you see how things will finally look and feel. Everyone's timeline is a little "
                "different.\n\n"
                "So, how do you feel it's going? Is anything unclear, or is there something you'd "
                "like to ask the doctor? Send me your questions, all at once or as they come up, "
                "and I'll get the answers for you.\n\n"
                "If something doesn't feel right, please don't wait for my next check-in. Just "
                "reply to this email{% if coordinator.phone %} or call me on "
                "{{ coordinator.phone }}{% endif %}.\n\n"
                "Warm regards,\n"
                "{{ coordinator.name }}\n"
                "Patient coordinator, {{ company.name }}"
            ),
            "html": (
                "<p>Hi {{ patient.first_name }},</p>\n"
                "<p>It's been about a month since your {{ procedure.name }}, and I wanted to see "
                "how you're getting on.</p>\n"
                "<p>At this stage, results are often still settling, and it can take a while "
                "before you see how things will finally look and feel. Everyone's timeline is a "
                "little different.</p>\n"
                "<p>So, how do you feel it's going? Is anything unclear, or is there something "
                "you'd like to ask the doctor? Send me your questions, all at once or as they "
                "come up, and I'll get the answers for you.</p>\n"
                "<p>If something doesn't feel right, please don't wait for my next check-in. Just "
                "reply to this email{% if coordinator.phone %} or call me on "
                "{{ coordinator.phone }}{% endif %}.</p>\n"
                "<p>Warm regards,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patient coordinator, {{ company.name }}</p>"
            ),
        },
        "es": {
            "subject": "Un mes después, {{ patient.first_name }}: ¿cómo lo nota?",
            "text": (
                "Hola, {{ patient.first_name }}:\n\n"
                "Ha pasado alrededor de un mes desde su tratamiento ({{ procedure.name }}) y "
                "quería saber qué tal le va.\n\n"
                "En esta fase es habitual que el resultado todavía se esté asentando, y puede "
                "pasar un tiempo hasta ver cómo queda finalmente. Cada persona lleva su propio "
                "ritmo.\n\n"
                "Entonces, ¿cómo lo ve? ¿Hay algo que no tenga claro o que quiera preguntar al "
                "médico? Envíeme sus preguntas, todas juntas o según le vayan surgiendo, y yo me "
                "encargo de conseguirle las respuestas.\n\n"
                "Si algo no le parece normal, no espere a mi próximo mensaje. Responda a este "
                "correo{% if coordinator.phone %} o llámeme al {{ coordinator.phone }}{% endif %}"
                ".\n\n"
                "Un cordial saludo,\n"
                "{{ coordinator.name }}\n"
                "Coordinación de pacientes, {{ company.name }}"
            ),
            "html": (
                "<p>Hola, {{ patient.first_name }}:</p>\n"
                "<p>Ha pasado alrededor de un mes desde su tratamiento ({{ procedure.name }}) y "
                "quería saber qué tal le va.</p>\n"
                "<p>En esta fase es habitual que el resultado todavía se esté asentando, y puede "
                "pasar un tiempo hasta ver cómo queda finalmente. Cada persona lleva su propio "
                "ritmo.</p>\n"
                "<p>Entonces, ¿cómo lo ve? ¿Hay algo que no tenga claro o que quiera preguntar al "
                "médico? Envíeme sus preguntas, todas juntas o según le vayan surgiendo, y yo me "
                "encargo de conseguirle las respuestas.</p>\n"
                "<p>Si algo no le parece normal, no espere a mi próximo mensaje. Responda a este "
                "correo{% if coordinator.phone %} o llámeme al {{ coordinator.phone }}{% endif %}"
                ".</p>\n"
                "<p>Un cordial saludo,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Coordinación de pacientes, {{ company.name }}</p>"
            ),
        },
        "de": {
            "subject": "Ein Monat danach: Wie geht es Ihnen, {{ patient.first_name }}?",
            "text": (
                "Hallo {{ patient.first_name }},\n\n"
                "Ihre Behandlung ({{ procedure.name }}) ist jetzt etwa einen Monat her, und ich "
                "wollte hören, wie es Ihnen geht.\n\n"
                "In dieser Phase ist das Ergebnis oft noch nicht ganz „angekommen“, und es kann "
                "eine Weile dauern, bis Sie sehen, wie es am Ende aussieht und sich anfühlt. Das "
                "ist bei jedem ein wenig anders.\n\n"
                "Wie empfinden Sie es bisher? Ist etwas unklar, oder möchten Sie dem Ärzteteam "
                "eine Frage stellen? Schicken Sie mir Ihre Fragen, alle auf einmal oder so, wie "
                "sie Ihnen einfallen. Ich kümmere mich um die Antworten.\n\n"
                "Wenn sich etwas nicht richtig anfühlt, warten Sie bitte nicht auf meine nächste "
                "Nachricht. Antworten Sie einfach auf diese E-Mail{% if coordinator.phone %} oder "
                "rufen Sie mich an: {{ coordinator.phone }}{% endif %}.\n\n"
                "Herzliche Grüße\n"
                "{{ coordinator.name }}\n"
                "Patientenbetreuung, {{ company.name }}"
            ),
            "html": (
                "<p>Hallo {{ patient.first_name }},</p>\n"
                "<p>Ihre Behandlung ({{ procedure.name }}) ist jetzt etwa einen Monat her, und "
                "ich wollte hören, wie es Ihnen geht.</p>\n"
                "<p>In dieser Phase ist das Ergebnis oft noch nicht ganz „angekommen“, und es "
                "kann eine Weile dauern, bis Sie sehen, wie es am Ende aussieht und sich anfühlt. "
                "Das ist bei jedem ein wenig anders.</p>\n"
                "<p>Wie empfinden Sie es bisher? Ist etwas unklar, oder möchten Sie dem Ärzteteam "
                "eine Frage stellen? Schicken Sie mir Ihre Fragen, alle auf einmal oder so, wie "
                "sie Ihnen einfallen. Ich kümmere mich um die Antworten.</p>\n"
                "<p>Wenn sich etwas nicht richtig anfühlt, warten Sie bitte nicht auf meine "
                "nächste Nachricht. Antworten Sie einfach auf diese E-Mail"
                "{% if coordinator.phone %} oder rufen Sie mich an: {{ coordinator.phone }}"
                "{% endif %}.</p>\n"
                "<p>Herzliche Grüße<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patientenbetreuung, {{ company.name }}</p>"
            ),
        },
    },
    "aftercare_day90": {
        "en": {
            "subject": "Three months on: a last check-in, {{ patient.first_name }}",
            "text": (
                "Hi {{ patient.first_name }},\n\n"
                "It's been about three months since your {{ procedure.name }}. This is my last "
                "planned check-in, so I'd really like to hear how you're doing.\n\n"
                "- How do you feel about the result now?\n"
                "- Is anything still bothering you, even something small?\n"
                "- Is there anything you'd like the doctor to look at? A photo is welcome if it "
                "helps.\n\n"
                "If all is well, a short reply is perfect. If not, tell me, and we'll work out "
                "the next step together with the doctor.\n\n"
                "Thank you for trusting us with your care. It's been a pleasure to be part of "
                "your journey, and if you ever need anything, just reply to this email. It will "
                "still reach me.\n\n"
                "Warm regards,\n"
                "{{ coordinator.name }}\n"
                "Patient coordinator, {{ company.name }}"
            ),
            "html": (
                "<p>Hi {{ patient.first_name }},</p>\n"
                "<p>It's been about three months since your {{ procedure.name }}. This is my last "
                "planned check-in, so I'd really like to hear how you're doing.</p>\n"
                "<ul>\n"
                "<li>How do you feel about the result now?</li>\n"
                "<li>Is anything still bothering you, even something small?</li>\n"
                "<li>Is there anything you'd like the doctor to look at? A photo is welcome if it "
                "helps.</li>\n"
                "</ul>\n"
                "<p>If all is well, a short reply is perfect. If not, tell me, and we'll work out "
                "the next step together with the doctor.</p>\n"
                "<p>Thank you for trusting us with your care. It's been a pleasure to be part of "
                "your journey, and if you ever need anything, just reply to this email. It will "
                "still reach me.</p>\n"
                "<p>Warm regards,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patient coordinator, {{ company.name }}</p>"
            ),
        },
        "es": {
            "subject": "Tres meses después: un último seguimiento, {{ patient.first_name }}",
            "text": (
                "Hola, {{ patient.first_name }}:\n\n"
                "Han pasado unos tres meses desde su tratamiento ({{ procedure.name }}). Este es "
                "mi último mensaje de seguimiento previsto, así que me encantaría saber cómo "
                "está.\n\n"
                "- ¿Qué le parece el resultado ahora?\n"
                "- ¿Hay algo que todavía le moleste, aunque sea pequeño?\n"
                "- ¿Quiere que el médico revise algo? Si le ayuda, puede enviarme una foto.\n\n"
                "Si todo va bien, basta con una respuesta breve. Si no, dígamelo y buscaremos "
                "juntos, con el médico, el siguiente paso.\n\n"
                "Gracias por confiarnos su cuidado. Ha sido un placer acompañarle en este camino, "
                "y si alguna vez necesita algo, responda a este correo. Me seguirá llegando.\n\n"
                "Un cordial saludo,\n"
                "{{ coordinator.name }}\n"
                "Coordinación de pacientes, {{ company.name }}"
            ),
            "html": (
                "<p>Hola, {{ patient.first_name }}:</p>\n"
                "<p>Han pasado unos tres meses desde su tratamiento ({{ procedure.name }}). Este "
                "es mi último mensaje de seguimiento previsto, así que me encantaría saber cómo "
                "está.</p>\n"
                "<ul>\n"
                "<li>¿Qué le parece el resultado ahora?</li>\n"
                "<li>¿Hay algo que todavía le moleste, aunque sea pequeño?</li>\n"
                "<li>¿Quiere que el médico revise algo? Si le ayuda, puede enviarme una foto."
                "</li>\n"
                "</ul>\n"
                "<p>Si todo va bien, basta con una respuesta breve. Si no, dígamelo y buscaremos "
                "juntos, con el médico, el siguiente paso.</p>\n"
                "<p>Gracias por confiarnos su cuidado. Ha sido un placer acompañarle en este "
                "camino, y si alguna vez necesita algo, responda a este correo. Me seguirá "
                "llegando.</p>\n"
                "<p>Un cordial saludo,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Coordinación de pacientes, {{ company.name }}</p>"
            ),
        },
        "de": {
            "subject": "Drei Monate danach: ein letztes Nachfragen, {{ patient.first_name }}",
            "text": (
                "Hallo {{ patient.first_name }},\n\n"
                "Ihre Behandlung ({{ procedure.name }}) ist jetzt etwa drei Monate her. Dies ist "
                "meine letzte geplante Nachfrage, und ich würde sehr gern hören, wie es Ihnen "
                "geht.\n\n"
                "- Wie zufrieden sind Sie jetzt mit dem Ergebnis?\n"
                "- Stört Sie noch etwas, auch wenn es nur eine Kleinigkeit ist?\n"
                "- Soll sich das Ärzteteam etwas ansehen? Ein Foto ist willkommen, wenn es hilft."
                "\n\n"
                "Wenn alles gut ist, reicht eine kurze Antwort. Wenn nicht, sagen Sie es mir, und "
                "wir klären gemeinsam mit dem Ärzteteam den nächsten Schritt.\n\n"
                "Danke, dass Sie uns Ihre Behandlung anvertraut haben. Es war schön, Sie auf "
                "diesem Weg zu begleiten. Und falls Sie einmal etwas brauchen: Antworten Sie "
                "einfach auf diese E-Mail, sie erreicht mich weiterhin.\n\n"
                "Herzliche Grüße\n"
                "{{ coordinator.name }}\n"
                "Patientenbetreuung, {{ company.name }}"
            ),
            "html": (
                "<p>Hallo {{ patient.first_name }},</p>\n"
                "<p>Ihre Behandlung ({{ procedure.name }}) ist jetzt etwa drei Monate her. Dies "
                "ist meine letzte geplante Nachfrage, und ich würde sehr gern hören, wie es Ihnen "
                "geht.</p>\n"
                "<ul>\n"
                "<li>Wie zufrieden sind Sie jetzt mit dem Ergebnis?</li>\n"
                "<li>Stört Sie noch etwas, auch wenn es nur eine Kleinigkeit ist?</li>\n"
                "<li>Soll sich das Ärzteteam etwas ansehen? Ein Foto ist willkommen, wenn es "
                "hilft.</li>\n"
                "</ul>\n"
                "<p>Wenn alles gut ist, reicht eine kurze Antwort. Wenn nicht, sagen Sie es mir, "
                "und wir klären gemeinsam mit dem Ärzteteam den nächsten Schritt.</p>\n"
                "<p>Danke, dass Sie uns Ihre Behandlung anvertraut haben. Es war schön, Sie auf "
                "diesem Weg zu begleiten. Und falls Sie einmal etwas brauchen: Antworten Sie "
                "einfach auf diese E-Mail, sie erreicht mich weiterhin.</p>\n"
                "<p>Herzliche Grüße<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patientenbetreuung, {{ company.name }}</p>"
            ),
        },
    },
    "satisfaction_request": {
        "en": {
            "subject": "How did we do, {{ patient.first_name }}?",
            "text": (
                "Hi {{ patient.first_name }},\n\n"
                "Now that you've had a little time to settle, I'd like to ask you something: how "
                "did we do?\n\n"
                "We'd be grateful for your honest opinion, good or bad. It takes one to two "
                "minutes:\n\n"
                "Share your feedback: {{ links.survey }}\n\n"
                "Your answers go directly to our team, and we read every one. If something wasn't "
                "right, we especially want to know, so we can do better for the next person.\n\n"
                "If you'd rather tell me in your own words, just reply to this email.\n\n"
                "Thank you,\n"
                "{{ coordinator.name }}\n"
                "Patient coordinator, {{ company.name }}"
            ),
            "html": (
                "<p>Hi {{ patient.first_name }},</p>\n"
                "<p>Now that you've had a little time to settle, I'd like to ask you something: "
                "how did we do?</p>\n"
                "<p>We'd be grateful for your honest opinion, good or bad. It takes one to two "
                "minutes:</p>\n"
                '<p><a href="{{ links.survey }}">Share your feedback</a></p>\n'
                "<p>Your answers go directly to our team, and we read every one. If something "
                "wasn't right, we especially want to know, so we can do better for the next "
                "person.</p>\n"
                "<p>If you'd rather tell me in your own words, just reply to this email.</p>\n"
                "<p>Thank you,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patient coordinator, {{ company.name }}</p>"
            ),
        },
        "es": {
            "subject": "¿Qué tal lo hemos hecho, {{ patient.first_name }}?",
            "text": (
                "Hola, {{ patient.first_name }}:\n\n"
                "Ahora que ha pasado un poco de tiempo, me gustaría preguntarle algo: ¿qué tal lo "
                "hemos hecho?\n\n"
                "Le agradeceríamos mucho su opinión sincera, sea buena o mala. Solo le llevará "
                "uno o dos minutos:\n\n"
                "Dar mi opinión: {{ links.survey }}\n\n"
                "Sus respuestas llegan directamente a nuestro equipo, y las leemos todas. Si algo "
                "no estuvo bien, queremos saberlo especialmente, para hacerlo mejor con la "
                "próxima persona.\n\n"
                "Si prefiere contármelo con sus propias palabras, responda a este correo.\n\n"
                "Muchas gracias,\n"
                "{{ coordinator.name }}\n"
                "Coordinación de pacientes, {{ company.name }}"
            ),
            "html": (
                "<p>Hola, {{ patient.first_name }}:</p>\n"
                "<p>Ahora que ha pasado un poco de tiempo, me gustaría preguntarle algo: ¿qué tal "
                "lo hemos hecho?</p>\n"
                "<p>Le agradeceríamos mucho su opinión sincera, sea buena o mala. Solo le llevará "
                "uno o dos minutos:</p>\n"
                '<p><a href="{{ links.survey }}">Dar mi opinión</a></p>\n'
                "<p>Sus respuestas llegan directamente a nuestro equipo, y las leemos todas. Si "
                "algo no estuvo bien, queremos saberlo especialmente, para hacerlo mejor con la "
                "próxima persona.</p>\n"
                "<p>Si prefiere contármelo con sus propias palabras, responda a este correo.</p>"
                "\n"
                "<p>Muchas gracias,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Coordinación de pacientes, {{ company.name }}</p>"
            ),
        },
        "de": {
            "subject": "Wie zufrieden waren Sie, {{ patient.first_name }}?",
            "text": (
                "Hallo {{ patient.first_name }},\n\n"
                "jetzt, wo etwas Zeit vergangen ist, möchte ich Sie etwas fragen: Wie gut haben "
                "wir unsere Arbeit gemacht?\n\n"
                "Wir freuen uns über Ihre ehrliche Meinung, ob gut oder schlecht. Es dauert nur "
                "ein bis zwei Minuten:\n\n"
                "Zur Umfrage: {{ links.survey }}\n\n"
                "Ihre Antworten gehen direkt an unser Team, und wir lesen jede einzelne. Wenn "
                "etwas nicht gut war, möchten wir das ganz besonders wissen, damit wir es beim "
                "nächsten Mal besser machen.\n\n"
                "Wenn Sie es mir lieber in eigenen Worten sagen möchten, antworten Sie einfach "
                "auf diese E-Mail.\n\n"
                "Vielen Dank\n"
                "{{ coordinator.name }}\n"
                "Patientenbetreuung, {{ company.name }}"
            ),
            "html": (
                "<p>Hallo {{ patient.first_name }},</p>\n"
                "<p>jetzt, wo etwas Zeit vergangen ist, möchte ich Sie etwas fragen: Wie gut "
                "haben wir unsere Arbeit gemacht?</p>\n"
                "<p>Wir freuen uns über Ihre ehrliche Meinung, ob gut oder schlecht. Es dauert "
                "nur ein bis zwei Minuten:</p>\n"
                '<p><a href="{{ links.survey }}">Zur Umfrage</a></p>\n'
                "<p>Ihre Antworten gehen direkt an unser Team, und wir lesen jede einzelne. Wenn "
                "etwas nicht gut war, möchten wir das ganz besonders wissen, damit wir es beim "
                "nächsten Mal besser machen.</p>\n"
                "<p>Wenn Sie es mir lieber in eigenen Worten sagen möchten, antworten Sie einfach "
                "auf diese E-Mail.</p>\n"
                "<p>Vielen Dank<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patientenbetreuung, {{ company.name }}</p>"
            ),
        },
    },
    # One reminder, 5 days after the request, only while the survey is unanswered (feedback/
    # cancels it when the patient answers; a reply by email stops it too). Then nothing.
    "satisfaction_reminder": {
        "en": {
            "subject": "A minute for your feedback, {{ patient.first_name }}?",
            "text": (
                "Hi {{ patient.first_name }},\n\n"
                "A few days ago I asked how we did. If you have a minute, your answer would "
                "help us a lot, and it helps the next patient too:\n\n"
                "Share your feedback: {{ links.survey }}\n\n"
                "This is the only reminder I will send. If you would rather tell me in your own "
                "words, just reply to this email.\n\n"
                "Thank you,\n"
                "{{ coordinator.name }}\n"
                "Patient coordinator, {{ company.name }}"
            ),
            "html": (
                "<p>Hi {{ patient.first_name }},</p>\n"
                "<p>A few days ago I asked how we did. If you have a minute, your answer would "
                "help us a lot, and it helps the next patient too:</p>\n"
                '<p><a href="{{ links.survey }}">Share your feedback</a></p>\n'
                "<p>This is the only reminder I will send. If you would rather tell me in your "
                "own words, just reply to this email.</p>\n"
                "<p>Thank you,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patient coordinator, {{ company.name }}</p>"
            ),
        },
        "es": {
            "subject": "¿Un minuto para su opinión, {{ patient.first_name }}?",
            "text": (
                "Hola, {{ patient.first_name }}:\n\n"
                "Hace unos días le pregunté qué tal lo hicimos. Si tiene un minuto, su respuesta "
                "nos ayudaría mucho, y también al próximo paciente:\n\n"
                "Dar mi opinión: {{ links.survey }}\n\n"
                "Es el único recordatorio que le enviaré. Si prefiere contármelo con sus propias "
                "palabras, responda a este correo.\n\n"
                "Muchas gracias,\n"
                "{{ coordinator.name }}\n"
                "Coordinación de pacientes, {{ company.name }}"
            ),
            "html": (
                "<p>Hola, {{ patient.first_name }}:</p>\n"
                "<p>Hace unos días le pregunté qué tal lo hicimos. Si tiene un minuto, su "
                "respuesta nos ayudaría mucho, y también al próximo paciente:</p>\n"
                '<p><a href="{{ links.survey }}">Dar mi opinión</a></p>\n'
                "<p>Es el único recordatorio que le enviaré. Si prefiere contármelo con sus "
                "propias palabras, responda a este correo.</p>\n"
                "<p>Muchas gracias,<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Coordinación de pacientes, {{ company.name }}</p>"
            ),
        },
        "de": {
            "subject": "Eine Minute für Ihre Meinung, {{ patient.first_name }}?",
            "text": (
                "Hallo {{ patient.first_name }},\n\n"
                "vor ein paar Tagen habe ich Sie gefragt, wie zufrieden Sie waren. Wenn Sie eine "
                "Minute haben, hilft uns Ihre Antwort sehr, und dem nächsten Patienten auch:\n\n"
                "Zur Umfrage: {{ links.survey }}\n\n"
                "Das ist meine einzige Erinnerung. Wenn Sie es mir lieber in eigenen Worten sagen "
                "möchten, antworten Sie einfach auf diese E-Mail.\n\n"
                "Vielen Dank\n"
                "{{ coordinator.name }}\n"
                "Patientenbetreuung, {{ company.name }}"
            ),
            "html": (
                "<p>Hallo {{ patient.first_name }},</p>\n"
                "<p>vor ein paar Tagen habe ich Sie gefragt, wie zufrieden Sie waren. Wenn Sie "
                "eine Minute haben, hilft uns Ihre Antwort sehr, und dem nächsten Patienten "
                "auch:</p>\n"
                '<p><a href="{{ links.survey }}">Zur Umfrage</a></p>\n'
                "<p>Das ist meine einzige Erinnerung. Wenn Sie es mir lieber in eigenen Worten "
                "sagen möchten, antworten Sie einfach auf diese E-Mail.</p>\n"
                "<p>Vielen Dank<br>\n"
                "{{ coordinator.name }}<br>\n"
                "Patientenbetreuung, {{ company.name }}</p>"
            ),
        },
    },
}

# "marketing" messages carry an unsubscribe line; "care" messages are part of treatment.
KINDS: dict[str, str] = {
    "inquiry_ack": "care",
    "inquiry_info_pack": "care",
    "inquiry_nudge_1": "marketing",
    "inquiry_nudge_2": "marketing",
    "booked_confirmation": "care",
    "booked_reassurance": "care",
    "prearrival_14": "care",
    "prearrival_3": "care",
    "prearrival_1": "care",
    "arrival_welcome": "care",
    "procedure_comfort": "care",
    "aftercare_day1": "care",
    "aftercare_day7": "care",
    "aftercare_day30": "care",
    "aftercare_day90": "care",
    "satisfaction_request": "care",
    "satisfaction_reminder": "care",
}

# Send windows of the default rules: (start, end, weekdays) in the patient's local time, the
# weekdays a bit mask with Monday = bit 0 (as CadenceRule.window_weekdays). No patient email
# goes out at night. What belongs to the sale and to the long after-care goes Monday to
# Friday, when a coordinator is there to answer the reply; what is tied to a day of the trip
# or the treatment goes every day, because a weekend does not move a flight, a procedure or
# the first day after it. The rules sent at once (send_any_time) ignore their window.
# The data migrations read this: 0002 for a new database, 0006 to bring rules still at the
# first shipped windows up to these.
MON_TO_FRI = 0b0011111
EVERY_DAY = 0b1111111
_NINE, _TWO_PM, _SIX_PM = dt.time(9, 0), dt.time(14, 0), dt.time(18, 0)
WINDOWS: dict[str, tuple[dt.time, dt.time, int]] = {
    "inquiry_ack": (_NINE, _SIX_PM, EVERY_DAY),  # at once
    "inquiry_info_pack": (_NINE, _SIX_PM, MON_TO_FRI),
    "inquiry_nudge_1": (_NINE, _SIX_PM, MON_TO_FRI),
    "inquiry_nudge_2": (_NINE, _SIX_PM, MON_TO_FRI),
    "booked_confirmation": (_NINE, _SIX_PM, EVERY_DAY),  # at once
    "booked_reassurance": (_NINE, _SIX_PM, MON_TO_FRI),
    # T-14/T-3/T-1 before the arrival date: a Saturday T-1 must not wait for Monday.
    "prearrival_14": (_NINE, _SIX_PM, EVERY_DAY),
    "prearrival_3": (_NINE, _SIX_PM, EVERY_DAY),
    "prearrival_1": (_NINE, _SIX_PM, EVERY_DAY),
    "arrival_welcome": (_NINE, _SIX_PM, EVERY_DAY),  # at once
    "procedure_comfort": (_NINE, _SIX_PM, EVERY_DAY),
    # The day after the procedure is the day after, even on a Saturday.
    "aftercare_day1": (_NINE, _SIX_PM, EVERY_DAY),
    "aftercare_day7": (_NINE, _SIX_PM, MON_TO_FRI),
    "aftercare_day30": (_NINE, _SIX_PM, MON_TO_FRI),
    "aftercare_day90": (_NINE, _SIX_PM, MON_TO_FRI),
    # Day 7 as well: in the afternoon, after the day-7 check-in of the morning.
    "satisfaction_request": (_TWO_PM, _SIX_PM, MON_TO_FRI),
    "satisfaction_reminder": (_TWO_PM, _SIX_PM, MON_TO_FRI),
}
