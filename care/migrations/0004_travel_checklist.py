"""The travel checklist (care/travel/): per-journey items, their summary row, and the
defaults managers set per clinic or procedure.

The booking confirmation and the T-14/T-3/T-1 pre-arrival emails asked patients to email
their flight number, which nobody recorded: they now list the checklist items still open
(`travel.open`) with the link to fill them in (`links.travel`). Only templates nobody
edited are changed: a row whose subject, text and html are still exactly the shipped
wording below (frozen here) gets the current wording from followups/default_content.py
(`manage.py followups_load_defaults --overwrite` forces the others).
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The four templates as shipped before this migration.
OLD = {
    "booked_confirmation": {
        "de": {
            "html": "<p>Hallo {{ patient.first_name }},</p>\n"
            "<p>gute Nachrichten: Ihre Behandlung ist gebucht. "
            "Vielen Dank für Ihr Vertrauen.</p>\n"
            "<p>Das ist geplant:</p>\n"
            "<ul>\n"
            "<li><strong>Behandlung:</strong> {{ procedure.name "
            "}} bei {{ clinic.name }}, {{ clinic.city }}</li>\n"
            "{% if journey.planned_arrival "
            "%}<li><strong>Anreise:</strong> {{ "
            'journey.planned_arrival|date:"d.m.Y" }}</li>{% endif '
            "%}\n"
            "{% if journey.planned_procedure "
            "%}<li><strong>Behandlungstermin:</strong> {{ "
            'journey.planned_procedure|date:"d.m.Y" }}</li>{% '
            "endif %}\n"
            "{% if journey.planned_departure "
            "%}<li><strong>Abreise:</strong> {{ "
            'journey.planned_departure|date:"d.m.Y" }}</li>{% '
            "endif %}\n"
            "</ul>\n"
            "{% if not journey.planned_arrival %}<p>Ihre "
            "Reisedaten legen wir noch gemeinsam fest. Sobald sie "
            "stehen, bestätige ich sie Ihnen schriftlich.</p>{% "
            "endif %}\n"
            "<p>Wie es weitergeht:</p>\n"
            "<ul>\n"
            "<li>Etwa zwei Wochen vor Ihrer Reise schicke ich "
            "Ihnen eine Checkliste: Dokumente, Arztberichte, "
            "Medikamente, Flüge und Abholung am Flughafen.</li>\n"
            "<li>Sobald Ihre Flüge gebucht sind, schicken Sie mir "
            "bitte Ihre Flugnummer.</li>\n"
            "<li>Falls sich an Ihrer Gesundheit oder Ihren "
            "Medikamenten etwas ändert, sagen Sie mir bitte vor "
            "der Reise Bescheid.</li>\n"
            "</ul>\n"
            "<p>Ich bleibe für alles Ihre Ansprechperson, vor, "
            "während und nach Ihrer Reise. Antworten Sie einfach "
            "auf diese E-Mail{% if coordinator.phone %} oder "
            "rufen Sie mich unter {{ coordinator.phone }} an{% "
            "endif %}.</p>\n"
            "<p>Herzliche Grüße<br>\n"
            "{{ coordinator.name }}<br>\n"
            "Patientenbetreuung, {{ company.name }}</p>",
            "subject": "Ihre Buchung ist bestätigt: {{ procedure.name }} in {{ clinic.city }}",
            "text": "Hallo {{ patient.first_name }},\n"
            "\n"
            "gute Nachrichten: Ihre Behandlung ist gebucht. "
            "Vielen Dank für Ihr Vertrauen.\n"
            "\n"
            "Das ist geplant:\n"
            "- Behandlung: {{ procedure.name }} bei {{ "
            "clinic.name }}, {{ clinic.city }}{% if "
            "journey.planned_arrival %}\n"
            '- Anreise: {{ journey.planned_arrival|date:"d.m.Y" '
            "}}{% endif %}{% if journey.planned_procedure %}\n"
            "- Behandlungstermin: {{ "
            'journey.planned_procedure|date:"d.m.Y" }}{% endif '
            "%}{% if journey.planned_departure %}\n"
            '- Abreise: {{ journey.planned_departure|date:"d.m.Y" '
            "}}{% endif %}{% if not journey.planned_arrival %}\n"
            "\n"
            "Ihre Reisedaten legen wir noch gemeinsam fest. "
            "Sobald sie stehen, bestätige ich sie Ihnen "
            "schriftlich.{% endif %}\n"
            "\n"
            "Wie es weitergeht:\n"
            "- Etwa zwei Wochen vor Ihrer Reise schicke ich Ihnen "
            "eine Checkliste: Dokumente, Arztberichte, "
            "Medikamente, Flüge und Abholung am Flughafen.\n"
            "- Sobald Ihre Flüge gebucht sind, schicken Sie mir "
            "bitte Ihre Flugnummer.\n"
            "- Falls sich an Ihrer Gesundheit oder Ihren "
            "Medikamenten etwas ändert, sagen Sie mir bitte vor "
            "der Reise Bescheid.\n"
            "\n"
            "Ich bleibe für alles Ihre Ansprechperson, vor, "
            "während und nach Ihrer Reise. Antworten Sie einfach "
            "auf diese E-Mail{% if coordinator.phone %} oder "
            "rufen Sie mich unter {{ coordinator.phone }} an{% "
            "endif %}.\n"
            "\n"
            "Herzliche Grüße\n"
            "{{ coordinator.name }}\n"
            "Patientenbetreuung, {{ company.name }}",
        },
        "en": {
            "html": "<p>Hi {{ patient.first_name }},</p>\n"
            "<p>Good news: your booking is confirmed. Thank you "
            "for trusting us with your care.</p>\n"
            "<p>Here is what we have planned:</p>\n"
            "<ul>\n"
            "<li><strong>Treatment:</strong> {{ procedure.name }} "
            "at {{ clinic.name }}, {{ clinic.city }}</li>\n"
            "{% if journey.planned_arrival "
            "%}<li><strong>Arrival:</strong> {{ "
            'journey.planned_arrival|date:"j F Y" }}</li>{% endif '
            "%}\n"
            "{% if journey.planned_procedure "
            "%}<li><strong>Procedure:</strong> {{ "
            'journey.planned_procedure|date:"j F Y" }}</li>{% '
            "endif %}\n"
            "{% if journey.planned_departure "
            "%}<li><strong>Departure:</strong> {{ "
            'journey.planned_departure|date:"j F Y" }}</li>{% '
            "endif %}\n"
            "</ul>\n"
            "{% if not journey.planned_arrival %}<p>We still need "
            "to fix your travel dates. I'll confirm them in "
            "writing as soon as they're set.</p>{% endif %}\n"
            "<p>What happens next:</p>\n"
            "<ul>\n"
            "<li>About two weeks before you travel, I'll send you "
            "a pre-arrival checklist: documents, medical records, "
            "medications, flights and your airport pickup.</li>\n"
            "<li>Once you've booked your flights, please send me "
            "your flight number.</li>\n"
            "<li>If anything changes with your health or "
            "medications, tell me before you travel.</li>\n"
            "</ul>\n"
            "<p>I stay your contact for everything, before, "
            "during and after your trip. Just reply to this "
            "email{% if coordinator.phone %} or call me on {{ "
            "coordinator.phone }}{% endif %}.</p>\n"
            "<p>Warm regards,<br>\n"
            "{{ coordinator.name }}<br>\n"
            "Patient coordinator, {{ company.name }}</p>",
            "subject": "Your booking is confirmed: {{ procedure.name }} in {{ clinic.city }}",
            "text": "Hi {{ patient.first_name }},\n"
            "\n"
            "Good news: your booking is confirmed. Thank you for "
            "trusting us with your care.\n"
            "\n"
            "Here is what we have planned:\n"
            "- Treatment: {{ procedure.name }} at {{ clinic.name "
            "}}, {{ clinic.city }}{% if journey.planned_arrival "
            "%}\n"
            '- Arrival: {{ journey.planned_arrival|date:"j F Y" '
            "}}{% endif %}{% if journey.planned_procedure %}\n"
            '- Procedure: {{ journey.planned_procedure|date:"j F '
            'Y" }}{% endif %}{% if journey.planned_departure %}\n'
            '- Departure: {{ journey.planned_departure|date:"j F '
            'Y" }}{% endif %}{% if not journey.planned_arrival '
            "%}\n"
            "\n"
            "We still need to fix your travel dates. I'll confirm "
            "them in writing as soon as they're set.{% endif %}\n"
            "\n"
            "What happens next:\n"
            "- About two weeks before you travel, I'll send you a "
            "pre-arrival checklist: documents, medical records, "
            "medications, flights and your airport pickup.\n"
            "- Once you've booked your flights, please send me "
            "your flight number.\n"
            "- If anything changes with your health or "
            "medications, tell me before you travel.\n"
            "\n"
            "I stay your contact for everything, before, during "
            "and after your trip. Just reply to this email{% if "
            "coordinator.phone %} or call me on {{ "
            "coordinator.phone }}{% endif %}.\n"
            "\n"
            "Warm regards,\n"
            "{{ coordinator.name }}\n"
            "Patient coordinator, {{ company.name }}",
        },
        "es": {
            "html": "<p>Hola, {{ patient.first_name }}:</p>\n"
            "<p>¡Buenas noticias! Su reserva está confirmada. "
            "Gracias por confiar en nosotros.</p>\n"
            "<p>Esto es lo que tenemos previsto:</p>\n"
            "<ul>\n"
            "<li><strong>Tratamiento:</strong> {{ procedure.name "
            "}} en {{ clinic.name }}, {{ clinic.city }}</li>\n"
            "{% if journey.planned_arrival "
            "%}<li><strong>Llegada:</strong> {{ "
            'journey.planned_arrival|date:"d/m/Y" }}</li>{% endif '
            "%}\n"
            "{% if journey.planned_procedure %}<li><strong>Fecha "
            "del tratamiento:</strong> {{ "
            'journey.planned_procedure|date:"d/m/Y" }}</li>{% '
            "endif %}\n"
            "{% if journey.planned_departure "
            "%}<li><strong>Regreso:</strong> {{ "
            'journey.planned_departure|date:"d/m/Y" }}</li>{% '
            "endif %}\n"
            "</ul>\n"
            "{% if not journey.planned_arrival %}<p>Todavía "
            "tenemos que cerrar las fechas del viaje. Se las "
            "confirmaré por escrito en cuanto estén "
            "fijadas.</p>{% endif %}\n"
            "<p>Próximos pasos:</p>\n"
            "<ul>\n"
            "<li>Unas dos semanas antes del viaje le enviaré una "
            "lista de preparativos: documentos, informes médicos, "
            "medicación, vuelos y recogida en el "
            "aeropuerto.</li>\n"
            "<li>Cuando tenga los vuelos reservados, envíeme su "
            "número de vuelo, por favor.</li>\n"
            "<li>Si cambia algo en su salud o en su medicación, "
            "avíseme antes de viajar.</li>\n"
            "</ul>\n"
            "<p>Sigo siendo su persona de contacto para todo, "
            "antes, durante y después del viaje. Responda a este "
            "correo{% if coordinator.phone %} o llámeme al {{ "
            "coordinator.phone }}{% endif %} cuando lo "
            "necesite.</p>\n"
            "<p>Un cordial saludo,<br>\n"
            "{{ coordinator.name }}<br>\n"
            "Coordinación de pacientes, {{ company.name }}</p>",
            "subject": "Reserva confirmada: {{ procedure.name }} en {{ clinic.city }}",
            "text": "Hola, {{ patient.first_name }}:\n"
            "\n"
            "¡Buenas noticias! Su reserva está confirmada. "
            "Gracias por confiar en nosotros.\n"
            "\n"
            "Esto es lo que tenemos previsto:\n"
            "- Tratamiento: {{ procedure.name }} en {{ "
            "clinic.name }}, {{ clinic.city }}{% if "
            "journey.planned_arrival %}\n"
            '- Llegada: {{ journey.planned_arrival|date:"d/m/Y" '
            "}}{% endif %}{% if journey.planned_procedure %}\n"
            "- Fecha del tratamiento: {{ "
            'journey.planned_procedure|date:"d/m/Y" }}{% endif '
            "%}{% if journey.planned_departure %}\n"
            '- Regreso: {{ journey.planned_departure|date:"d/m/Y" '
            "}}{% endif %}{% if not journey.planned_arrival %}\n"
            "\n"
            "Todavía tenemos que cerrar las fechas del viaje. Se "
            "las confirmaré por escrito en cuanto estén "
            "fijadas.{% endif %}\n"
            "\n"
            "Próximos pasos:\n"
            "- Unas dos semanas antes del viaje le enviaré una "
            "lista de preparativos: documentos, informes médicos, "
            "medicación, vuelos y recogida en el aeropuerto.\n"
            "- Cuando tenga los vuelos reservados, envíeme su "
            "número de vuelo, por favor.\n"
            "- Si cambia algo en su salud o en su medicación, "
            "avíseme antes de viajar.\n"
            "\n"
            "Sigo siendo su persona de contacto para todo, antes, "
            "durante y después del viaje. Responda a este "
            "correo{% if coordinator.phone %} o llámeme al {{ "
            "coordinator.phone }}{% endif %} cuando lo necesite.\n"
            "\n"
            "Un cordial saludo,\n"
            "{{ coordinator.name }}\n"
            "Coordinación de pacientes, {{ company.name }}",
        },
    },
    "prearrival_1": {
        "de": {
            "html": "<p>Hallo {{ patient.first_name }},</p>\n"
            "<p>morgen ist es so weit! Hier alles für Ihre Ankunft auf "
            "einen Blick.</p>\n"
            "<p><strong>Treffpunkt:</strong> Nach der Passkontrolle und "
            "der Gepäckausgabe gehen Sie hinaus in die Ankunftshalle. "
            "Dort wartet Ihr Fahrer mit einem Schild, auf dem Ihr Name "
            "und {{ company.name }} stehen. Bitte gehen Sie nicht mit "
            "anderen Personen mit, die Ihnen ein Taxi anbieten.</p>\n"
            "<p><strong>Falls Sie den Fahrer nicht finden</strong>, "
            "bleiben Sie, wo Sie sind, und {% if coordinator.phone "
            "%}rufen Sie mich an: {{ coordinator.phone }}{% elif "
            "company.phone_emergency %}rufen Sie unsere "
            "24-Stunden-Nummer an: {{ company.phone_emergency }}{% else "
            "%}antworten Sie auf diese E-Mail{% endif %}. Wir kommen zu "
            "Ihnen. Falls Ihr Flug Verspätung hat: keine Sorge, der "
            "Fahrer wartet.</p>\n"
            "{% if coordinator.phone and company.phone_emergency "
            "%}<p>Nachts oder im Notfall erreichen Sie uns unter unserer "
            "24-Stunden-Nummer: {{ company.phone_emergency }}.</p>{% "
            "endif %}\n"
            "<p><strong>Bevor Sie losfahren:</strong> Reisepass, "
            "Medikamente im Handgepäck, Handy aufgeladen. Falls Sie mir "
            "Ihre Flugnummer noch nicht geschickt haben, antworten Sie "
            "bitte jetzt damit.</p>\n"
            "<p>Der Fahrer bringt Sie direkt ins Hotel, und den Rest des "
            "Tages können Sie sich ausruhen.</p>\n"
            "<p>Gute Reise und bis morgen<br>\n"
            "{{ coordinator.name }}<br>\n"
            "Patientenbetreuung, {{ company.name }}</p>",
            "subject": "Bis morgen, {{ patient.first_name }}",
            "text": "Hallo {{ patient.first_name }},\n"
            "\n"
            "morgen ist es so weit! Hier alles für Ihre Ankunft auf "
            "einen Blick.\n"
            "\n"
            "Treffpunkt: Nach der Passkontrolle und der Gepäckausgabe "
            "gehen Sie hinaus in die Ankunftshalle. Dort wartet Ihr "
            "Fahrer mit einem Schild, auf dem Ihr Name und {{ "
            "company.name }} stehen. Bitte gehen Sie nicht mit anderen "
            "Personen mit, die Ihnen ein Taxi anbieten.\n"
            "\n"
            "Falls Sie den Fahrer nicht finden, bleiben Sie, wo Sie "
            "sind, und {% if coordinator.phone %}rufen Sie mich an: {{ "
            "coordinator.phone }}{% elif company.phone_emergency %}rufen "
            "Sie unsere 24-Stunden-Nummer an: {{ company.phone_emergency "
            "}}{% else %}antworten Sie auf diese E-Mail{% endif %}. Wir "
            "kommen zu Ihnen. Falls Ihr Flug Verspätung hat: keine "
            "Sorge, der Fahrer wartet.{% if coordinator.phone and "
            "company.phone_emergency %}\n"
            "\n"
            "Nachts oder im Notfall erreichen Sie uns unter unserer "
            "24-Stunden-Nummer: {{ company.phone_emergency }}.{% endif "
            "%}\n"
            "\n"
            "Bevor Sie losfahren: Reisepass, Medikamente im Handgepäck, "
            "Handy aufgeladen. Falls Sie mir Ihre Flugnummer noch nicht "
            "geschickt haben, antworten Sie bitte jetzt damit.\n"
            "\n"
            "Der Fahrer bringt Sie direkt ins Hotel, und den Rest des "
            "Tages können Sie sich ausruhen.\n"
            "\n"
            "Gute Reise und bis morgen\n"
            "{{ coordinator.name }}\n"
            "Patientenbetreuung, {{ company.name }}",
        },
        "en": {
            "html": "<p>Hi {{ patient.first_name }},</p>\n"
            "<p>Tomorrow's the day! Here is everything for your arrival "
            "in one place.</p>\n"
            "<p><strong>Meeting point:</strong> after passport control "
            "and baggage claim, walk out into the arrivals hall. Your "
            "driver will be waiting there with a sign showing your name "
            "and {{ company.name }}. Please don't go with anyone else "
            "who offers you a taxi.</p>\n"
            "<p><strong>If you can't find the driver</strong>, stay "
            "where you are and call {% if coordinator.phone %}me on {{ "
            "coordinator.phone }}{% elif company.phone_emergency %}our "
            "24/7 line, {{ company.phone_emergency }}{% else %}reply to "
            "this email{% endif %}. We'll come to you. If your flight is "
            "delayed, don't worry: the driver will wait.</p>\n"
            "{% if coordinator.phone and company.phone_emergency %}<p>At "
            "night or in an emergency, our 24/7 line is {{ "
            "company.phone_emergency }}.</p>{% endif %}\n"
            "<p><strong>Before you leave:</strong> passport, medications "
            "in your hand luggage, phone charged. If you haven't sent me "
            "your flight number yet, please reply with it now.</p>\n"
            "<p>The driver takes you straight to your hotel, and the "
            "rest of the day is yours to rest.</p>\n"
            "<p>Safe travels, and see you soon,<br>\n"
            "{{ coordinator.name }}<br>\n"
            "Patient coordinator, {{ company.name }}</p>",
            "subject": "See you tomorrow, {{ patient.first_name }}",
            "text": "Hi {{ patient.first_name }},\n"
            "\n"
            "Tomorrow's the day! Here is everything for your arrival in "
            "one place.\n"
            "\n"
            "Meeting point: after passport control and baggage claim, "
            "walk out into the arrivals hall. Your driver will be "
            "waiting there with a sign showing your name and {{ "
            "company.name }}. Please don't go with anyone else who "
            "offers you a taxi.\n"
            "\n"
            "If you can't find the driver, stay where you are and call "
            "{% if coordinator.phone %}me on {{ coordinator.phone }}{% "
            "elif company.phone_emergency %}our 24/7 line, {{ "
            "company.phone_emergency }}{% else %}reply to this email{% "
            "endif %}. We'll come to you. If your flight is delayed, "
            "don't worry: the driver will wait.{% if coordinator.phone "
            "and company.phone_emergency %}\n"
            "\n"
            "At night or in an emergency, our 24/7 line is {{ "
            "company.phone_emergency }}.{% endif %}\n"
            "\n"
            "Before you leave: passport, medications in your hand "
            "luggage, phone charged. If you haven't sent me your flight "
            "number yet, please reply with it now.\n"
            "\n"
            "The driver takes you straight to your hotel, and the rest "
            "of the day is yours to rest.\n"
            "\n"
            "Safe travels, and see you soon,\n"
            "{{ coordinator.name }}\n"
            "Patient coordinator, {{ company.name }}",
        },
        "es": {
            "html": "<p>Hola, {{ patient.first_name }}:</p>\n"
            "<p>¡Mañana es el día! Aquí tiene todo lo necesario para su "
            "llegada.</p>\n"
            "<p><strong>Punto de encuentro:</strong> después del control "
            "de pasaportes y de recoger el equipaje, salga a la sala de "
            "llegadas. Allí le esperará su conductor con un cartel con "
            "su nombre y el de {{ company.name }}. Por favor, no acepte "
            "ningún otro taxi.</p>\n"
            "<p><strong>Si no encuentra al conductor</strong>, quédese "
            "donde está y {% if coordinator.phone %}llámeme al {{ "
            "coordinator.phone }}{% elif company.phone_emergency %}llame "
            "a nuestra línea 24 horas, {{ company.phone_emergency }}{% "
            "else %}responda a este correo{% endif %}. Iremos a "
            "buscarle. Si su vuelo se retrasa, no se preocupe: el "
            "conductor le esperará.</p>\n"
            "{% if coordinator.phone and company.phone_emergency %}<p>De "
            "noche o en caso de urgencia, nuestra línea 24 horas es el "
            "{{ company.phone_emergency }}.</p>{% endif %}\n"
            "<p><strong>Antes de salir:</strong> pasaporte, medicación "
            "en el equipaje de mano y el móvil cargado. Si aún no me ha "
            "enviado su número de vuelo, respóndame con él ahora.</p>\n"
            "<p>El conductor le llevará directamente al hotel, y el "
            "resto del día es para descansar.</p>\n"
            "<p>Buen viaje y hasta mañana,<br>\n"
            "{{ coordinator.name }}<br>\n"
            "Coordinación de pacientes, {{ company.name }}</p>",
            "subject": "Nos vemos mañana, {{ patient.first_name }}",
            "text": "Hola, {{ patient.first_name }}:\n"
            "\n"
            "¡Mañana es el día! Aquí tiene todo lo necesario para su "
            "llegada.\n"
            "\n"
            "Punto de encuentro: después del control de pasaportes y de "
            "recoger el equipaje, salga a la sala de llegadas. Allí le "
            "esperará su conductor con un cartel con su nombre y el de "
            "{{ company.name }}. Por favor, no acepte ningún otro taxi.\n"
            "\n"
            "Si no encuentra al conductor, quédese donde está y {% if "
            "coordinator.phone %}llámeme al {{ coordinator.phone }}{% "
            "elif company.phone_emergency %}llame a nuestra línea 24 "
            "horas, {{ company.phone_emergency }}{% else %}responda a "
            "este correo{% endif %}. Iremos a buscarle. Si su vuelo se "
            "retrasa, no se preocupe: el conductor le esperará.{% if "
            "coordinator.phone and company.phone_emergency %}\n"
            "\n"
            "De noche o en caso de urgencia, nuestra línea 24 horas es "
            "el {{ company.phone_emergency }}.{% endif %}\n"
            "\n"
            "Antes de salir: pasaporte, medicación en el equipaje de "
            "mano y el móvil cargado. Si aún no me ha enviado su número "
            "de vuelo, respóndame con él ahora.\n"
            "\n"
            "El conductor le llevará directamente al hotel, y el resto "
            "del día es para descansar.\n"
            "\n"
            "Buen viaje y hasta mañana,\n"
            "{{ coordinator.name }}\n"
            "Coordinación de pacientes, {{ company.name }}",
        },
    },
    "prearrival_14": {
        "de": {
            "html": "<p>Hallo {{ patient.first_name }},</p>\n"
            "<p>{% if journey.planned_arrival %}am {{ "
            'journey.planned_arrival|date:"d.m.Y" }} kommen Sie in {{ '
            "clinic.city }} an{% if journey.days_until_arrival and "
            "journey.days_until_arrival > 0 %}, also in {{ "
            "journey.days_until_arrival }} Tag{{ "
            'journey.days_until_arrival|pluralize:"en" }}{% endif %}.{% '
            "else %}Ihre Reise nach {{ clinic.city }} rückt näher.{% "
            "endif %} Hier eine Checkliste, damit nichts auf den "
            "letzten Moment liegen bleibt:</p>\n"
            "<ul>\n"
            "<li><strong>Reisepass:</strong> Prüfen Sie, ob er noch "
            "deutlich über Ihr Rückreisedatum hinaus gültig ist.</li>\n"
            "<li><strong>Visum:</strong> Klären Sie, ob Sie für die "
            "Einreise eines brauchen, und beantragen Sie es "
            "gegebenenfalls jetzt.</li>\n"
            "<li><strong>Arztberichte:</strong> Schicken Sie mir neue "
            "Befunde, Aufnahmen oder Laborwerte.</li>\n"
            "<li><strong>Medikamente:</strong> Schicken Sie mir eine "
            "Liste aller Medikamente, die Sie nehmen, mit "
            "Dosierung.</li>\n"
            "<li><strong>Flüge:</strong> Bitte schicken Sie mir Ihre "
            "Flugnummer und Ankunftszeit.</li>\n"
            "<li><strong>Hotel und Transfer:</strong> Sobald ich Ihren "
            "Flug kenne, bestätigen wir Hotel und Abholung am "
            "Flughafen.</li>\n"
            "</ul>\n"
            "{% if company.phone_emergency %}<p>Speichern Sie am besten "
            "gleich unsere 24-Stunden-Nummer in Ihrem Telefon: {{ "
            "company.phone_emergency }}.</p>{% endif %}\n"
            "<p>Wenn etwas auf der Liste unklar ist, antworten Sie "
            "einfach auf diese E-Mail.</p>\n"
            "<p>Herzliche Grüße<br>\n"
            "{{ coordinator.name }}<br>\n"
            "Patientenbetreuung, {{ company.name }}</p>",
            "subject": "Ihre Checkliste für {{ clinic.city }}",
            "text": "Hallo {{ patient.first_name }},\n"
            "\n"
            "{% if journey.planned_arrival %}am {{ "
            'journey.planned_arrival|date:"d.m.Y" }} kommen Sie in {{ '
            "clinic.city }} an{% if journey.days_until_arrival and "
            "journey.days_until_arrival > 0 %}, also in {{ "
            "journey.days_until_arrival }} Tag{{ "
            'journey.days_until_arrival|pluralize:"en" }}{% endif %}.{% '
            "else %}Ihre Reise nach {{ clinic.city }} rückt näher.{% "
            "endif %} Hier eine Checkliste, damit nichts auf den "
            "letzten Moment liegen bleibt:\n"
            "\n"
            "- Reisepass: Prüfen Sie, ob er noch deutlich über Ihr "
            "Rückreisedatum hinaus gültig ist.\n"
            "- Visum: Klären Sie, ob Sie für die Einreise eines "
            "brauchen, und beantragen Sie es gegebenenfalls jetzt.\n"
            "- Arztberichte: Schicken Sie mir neue Befunde, Aufnahmen "
            "oder Laborwerte.\n"
            "- Medikamente: Schicken Sie mir eine Liste aller "
            "Medikamente, die Sie nehmen, mit Dosierung.\n"
            "- Flüge: Bitte schicken Sie mir Ihre Flugnummer und "
            "Ankunftszeit.\n"
            "- Hotel und Transfer: Sobald ich Ihren Flug kenne, "
            "bestätigen wir Hotel und Abholung am Flughafen.{% if "
            "company.phone_emergency %}\n"
            "\n"
            "Speichern Sie am besten gleich unsere 24-Stunden-Nummer in "
            "Ihrem Telefon: {{ company.phone_emergency }}.{% endif %}\n"
            "\n"
            "Wenn etwas auf der Liste unklar ist, antworten Sie einfach "
            "auf diese E-Mail.\n"
            "\n"
            "Herzliche Grüße\n"
            "{{ coordinator.name }}\n"
            "Patientenbetreuung, {{ company.name }}",
        },
        "en": {
            "html": "<p>Hi {{ patient.first_name }},</p>\n"
            "<p>{% if journey.planned_arrival %}You arrive in {{ "
            'clinic.city }} on {{ journey.planned_arrival|date:"j F Y" '
            "}}{% if journey.days_until_arrival and "
            "journey.days_until_arrival > 0 %}, {{ "
            "journey.days_until_arrival }} day{{ "
            "journey.days_until_arrival|pluralize }} from now{% endif "
            "%}.{% else %}Your trip to {{ clinic.city }} is getting "
            "close.{% endif %} Here's a checklist, so nothing is left "
            "to the last minute:</p>\n"
            "<ul>\n"
            "<li><strong>Passport:</strong> check that it's valid well "
            "beyond your return date.</li>\n"
            "<li><strong>Visa:</strong> check whether you need one for "
            "{{ clinic.country_name }}, and apply now if you do.</li>\n"
            "<li><strong>Medical records:</strong> send me any new "
            "reports, scans or test results.</li>\n"
            "<li><strong>Medications:</strong> send me a list of "
            "everything you take, with doses.</li>\n"
            "<li><strong>Flights:</strong> please send me your flight "
            "number and arrival time.</li>\n"
            "<li><strong>Hotel and transfer:</strong> once I have your "
            "flight, we confirm your hotel and airport pickup.</li>\n"
            "</ul>\n"
            "{% if company.phone_emergency %}<p>Please save our 24/7 "
            "line in your phone now: {{ company.phone_emergency "
            "}}.</p>{% endif %}\n"
            "<p>If anything on this list is unclear, just reply to this "
            "email.</p>\n"
            "<p>Warm regards,<br>\n"
            "{{ coordinator.name }}<br>\n"
            "Patient coordinator, {{ company.name }}</p>",
            "subject": "Getting ready for {{ clinic.city }}: your checklist",
            "text": "Hi {{ patient.first_name }},\n"
            "\n"
            "{% if journey.planned_arrival %}You arrive in {{ "
            'clinic.city }} on {{ journey.planned_arrival|date:"j F Y" '
            "}}{% if journey.days_until_arrival and "
            "journey.days_until_arrival > 0 %}, {{ "
            "journey.days_until_arrival }} day{{ "
            "journey.days_until_arrival|pluralize }} from now{% endif "
            "%}.{% else %}Your trip to {{ clinic.city }} is getting "
            "close.{% endif %} Here's a checklist, so nothing is left "
            "to the last minute:\n"
            "\n"
            "- Passport: check that it's valid well beyond your return "
            "date.\n"
            "- Visa: check whether you need one for {{ "
            "clinic.country_name }}, and apply now if you do.\n"
            "- Medical records: send me any new reports, scans or test "
            "results.\n"
            "- Medications: send me a list of everything you take, with "
            "doses.\n"
            "- Flights: please send me your flight number and arrival "
            "time.\n"
            "- Hotel and transfer: once I have your flight, we confirm "
            "your hotel and airport pickup.{% if "
            "company.phone_emergency %}\n"
            "\n"
            "Please save our 24/7 line in your phone now: {{ "
            "company.phone_emergency }}.{% endif %}\n"
            "\n"
            "If anything on this list is unclear, just reply to this "
            "email.\n"
            "\n"
            "Warm regards,\n"
            "{{ coordinator.name }}\n"
            "Patient coordinator, {{ company.name }}",
        },
        "es": {
            "html": "<p>Hola, {{ patient.first_name }}:</p>\n"
            "<p>{% if journey.planned_arrival %}Llega a {{ clinic.city "
            '}} el {{ journey.planned_arrival|date:"d/m/Y" }}{% if '
            "journey.days_until_arrival and journey.days_until_arrival "
            "> 0 %}, dentro de {{ journey.days_until_arrival }} día{{ "
            "journey.days_until_arrival|pluralize }}{% endif %}.{% else "
            "%}Su viaje a {{ clinic.city }} se acerca.{% endif %} Le "
            "dejo una lista para que nada quede para el último "
            "momento:</p>\n"
            "<ul>\n"
            "<li><strong>Pasaporte:</strong> compruebe que siga vigente "
            "bastante después de su fecha de regreso.</li>\n"
            "<li><strong>Visado:</strong> consulte si lo necesita para "
            "este viaje y, si es así, solicítelo ya.</li>\n"
            "<li><strong>Informes médicos:</strong> envíeme cualquier "
            "informe, prueba o análisis nuevo.</li>\n"
            "<li><strong>Medicación:</strong> envíeme una lista de todo "
            "lo que toma, con las dosis.</li>\n"
            "<li><strong>Vuelos:</strong> envíeme su número de vuelo y "
            "la hora de llegada, por favor.</li>\n"
            "<li><strong>Hotel y traslado:</strong> con los datos del "
            "vuelo confirmamos el hotel y la recogida en el "
            "aeropuerto.</li>\n"
            "</ul>\n"
            "{% if company.phone_emergency %}<p>Guarde ya en su "
            "teléfono nuestra línea 24 horas: {{ "
            "company.phone_emergency }}.</p>{% endif %}\n"
            "<p>Si algo de la lista no le queda claro, responda a este "
            "correo.</p>\n"
            "<p>Un cordial saludo,<br>\n"
            "{{ coordinator.name }}<br>\n"
            "Coordinación de pacientes, {{ company.name }}</p>",
            "subject": "Su lista de preparativos para {{ clinic.city }}",
            "text": "Hola, {{ patient.first_name }}:\n"
            "\n"
            "{% if journey.planned_arrival %}Llega a {{ clinic.city }} "
            'el {{ journey.planned_arrival|date:"d/m/Y" }}{% if '
            "journey.days_until_arrival and journey.days_until_arrival "
            "> 0 %}, dentro de {{ journey.days_until_arrival }} día{{ "
            "journey.days_until_arrival|pluralize }}{% endif %}.{% else "
            "%}Su viaje a {{ clinic.city }} se acerca.{% endif %} Le "
            "dejo una lista para que nada quede para el último "
            "momento:\n"
            "\n"
            "- Pasaporte: compruebe que siga vigente bastante después "
            "de su fecha de regreso.\n"
            "- Visado: consulte si lo necesita para este viaje y, si es "
            "así, solicítelo ya.\n"
            "- Informes médicos: envíeme cualquier informe, prueba o "
            "análisis nuevo.\n"
            "- Medicación: envíeme una lista de todo lo que toma, con "
            "las dosis.\n"
            "- Vuelos: envíeme su número de vuelo y la hora de llegada, "
            "por favor.\n"
            "- Hotel y traslado: con los datos del vuelo confirmamos el "
            "hotel y la recogida en el aeropuerto.{% if "
            "company.phone_emergency %}\n"
            "\n"
            "Guarde ya en su teléfono nuestra línea 24 horas: {{ "
            "company.phone_emergency }}.{% endif %}\n"
            "\n"
            "Si algo de la lista no le queda claro, responda a este "
            "correo.\n"
            "\n"
            "Un cordial saludo,\n"
            "{{ coordinator.name }}\n"
            "Coordinación de pacientes, {{ company.name }}",
        },
    },
    "prearrival_3": {
        "de": {
            "html": "<p>Hallo {{ patient.first_name }},</p>\n"
            "<p>nur noch wenige Tage, dann kommen Sie in {{ clinic.city "
            "}} an{% if journey.planned_arrival %} (am {{ "
            'journey.planned_arrival|date:"d.m.Y" }}){% endif %}. Hier '
            "der letzte Check:</p>\n"
            "<ul>\n"
            "<li><strong>Flug:</strong> Falls Sie mir Ihre Flugnummer "
            "noch nicht geschickt haben, antworten Sie bitte heute "
            "damit, damit der Fahrer weiß, wann Sie landen.</li>\n"
            "<li><strong>Dokumente:</strong> Reisepass, ggf. Visum und "
            "Ihre Buchungsdaten, auf dem Handy oder ausgedruckt.</li>\n"
            "<li><strong>Arztberichte:</strong> Nehmen Sie Kopien der "
            "Unterlagen mit, die Sie uns geschickt haben.</li>\n"
            "<li><strong>Medikamente:</strong> Packen Sie sie ins "
            "Handgepäck, genug für die ganze Reise.</li>\n"
            "<li><strong>Kleidung:</strong> Nach der Behandlung ist "
            "bequeme, weite Kleidung am angenehmsten.</li>\n"
            "<li><strong>Abholung am Flughafen:</strong> Ein Fahrer von "
            "{{ company.name }} erwartet Sie in der Ankunftshalle mit "
            "einem Schild mit Ihrem Namen und bringt Sie ins "
            "Hotel.</li>\n"
            "</ul>\n"
            "{% if coordinator.phone or company.phone_emergency %}\n"
            "<p>Speichern Sie diese Nummern jetzt in Ihrem Telefon, "
            "damit Sie uns direkt nach der Landung erreichen:</p>\n"
            "<ul>\n"
            "{% if coordinator.phone %}<li>meine Nummer: {{ "
            "coordinator.phone }}</li>{% endif %}\n"
            "{% if company.phone_emergency %}<li>unsere "
            "24-Stunden-Nummer: {{ company.phone_emergency }}</li>{% "
            "endif %}\n"
            "</ul>\n"
            "{% endif %}\n"
            "<p>Bei Fragen antworten Sie einfach auf diese E-Mail.</p>\n"
            "<p>Bis bald<br>\n"
            "{{ coordinator.name }}<br>\n"
            "Patientenbetreuung, {{ company.name }}</p>",
            "subject": "Bald geht es los, {{ patient.first_name }}: die letzten Punkte",
            "text": "Hallo {{ patient.first_name }},\n"
            "\n"
            "nur noch wenige Tage, dann kommen Sie in {{ clinic.city }} "
            "an{% if journey.planned_arrival %} (am {{ "
            'journey.planned_arrival|date:"d.m.Y" }}){% endif %}. Hier '
            "der letzte Check:\n"
            "\n"
            "- Flug: Falls Sie mir Ihre Flugnummer noch nicht geschickt "
            "haben, antworten Sie bitte heute damit, damit der Fahrer "
            "weiß, wann Sie landen.\n"
            "- Dokumente: Reisepass, ggf. Visum und Ihre Buchungsdaten, "
            "auf dem Handy oder ausgedruckt.\n"
            "- Arztberichte: Nehmen Sie Kopien der Unterlagen mit, die "
            "Sie uns geschickt haben.\n"
            "- Medikamente: Packen Sie sie ins Handgepäck, genug für die "
            "ganze Reise.\n"
            "- Kleidung: Nach der Behandlung ist bequeme, weite Kleidung "
            "am angenehmsten.\n"
            "- Abholung am Flughafen: Ein Fahrer von {{ company.name }} "
            "erwartet Sie in der Ankunftshalle mit einem Schild mit "
            "Ihrem Namen und bringt Sie ins Hotel.{% if "
            "coordinator.phone or company.phone_emergency %}\n"
            "\n"
            "Speichern Sie diese Nummern jetzt in Ihrem Telefon, damit "
            "Sie uns direkt nach der Landung erreichen:{% if "
            "coordinator.phone %}\n"
            "- meine Nummer: {{ coordinator.phone }}{% endif %}{% if "
            "company.phone_emergency %}\n"
            "- unsere 24-Stunden-Nummer: {{ company.phone_emergency }}{% "
            "endif %}{% endif %}\n"
            "\n"
            "Bei Fragen antworten Sie einfach auf diese E-Mail.\n"
            "\n"
            "Bis bald\n"
            "{{ coordinator.name }}\n"
            "Patientenbetreuung, {{ company.name }}",
        },
        "en": {
            "html": "<p>Hi {{ patient.first_name }},</p>\n"
            "<p>Only a few days until you arrive in {{ clinic.city }}{% "
            "if journey.planned_arrival %} on {{ "
            'journey.planned_arrival|date:"j F Y" }}{% endif %}. Here is '
            "the final check:</p>\n"
            "<ul>\n"
            "<li><strong>Flight:</strong> if you haven't sent me your "
            "flight number yet, please reply with it today, so the "
            "driver knows when to expect you.</li>\n"
            "<li><strong>Documents:</strong> passport, visa if you need "
            "one, and your booking details on your phone or on "
            "paper.</li>\n"
            "<li><strong>Medical records:</strong> bring copies of the "
            "reports you've sent us.</li>\n"
            "<li><strong>Medications:</strong> pack them in your hand "
            "luggage, with enough for the whole trip.</li>\n"
            "<li><strong>Clothes:</strong> loose, comfortable clothing "
            "is easiest after treatment.</li>\n"
            "<li><strong>Airport pickup:</strong> a driver from {{ "
            "company.name }} will be waiting in the arrivals hall with a "
            "sign showing your name, and will take you to your "
            "hotel.</li>\n"
            "</ul>\n"
            "{% if coordinator.phone or company.phone_emergency %}\n"
            "<p>Please save these numbers in your phone now, so you can "
            "reach us the moment you land:</p>\n"
            "<ul>\n"
            "{% if coordinator.phone %}<li>my number: {{ "
            "coordinator.phone }}</li>{% endif %}\n"
            "{% if company.phone_emergency %}<li>our 24/7 line: {{ "
            "company.phone_emergency }}</li>{% endif %}\n"
            "</ul>\n"
            "{% endif %}\n"
            "<p>Any questions at all, just reply.</p>\n"
            "<p>See you soon,<br>\n"
            "{{ coordinator.name }}<br>\n"
            "Patient coordinator, {{ company.name }}</p>",
            "subject": "Almost time, {{ patient.first_name }}: a few last things",
            "text": "Hi {{ patient.first_name }},\n"
            "\n"
            "Only a few days until you arrive in {{ clinic.city }}{% if "
            "journey.planned_arrival %} on {{ "
            'journey.planned_arrival|date:"j F Y" }}{% endif %}. Here is '
            "the final check:\n"
            "\n"
            "- Flight: if you haven't sent me your flight number yet, "
            "please reply with it today, so the driver knows when to "
            "expect you.\n"
            "- Documents: passport, visa if you need one, and your "
            "booking details on your phone or on paper.\n"
            "- Medical records: bring copies of the reports you've sent "
            "us.\n"
            "- Medications: pack them in your hand luggage, with enough "
            "for the whole trip.\n"
            "- Clothes: loose, comfortable clothing is easiest after "
            "treatment.\n"
            "- Airport pickup: a driver from {{ company.name }} will be "
            "waiting in the arrivals hall with a sign showing your name, "
            "and will take you to your hotel.{% if coordinator.phone or "
            "company.phone_emergency %}\n"
            "\n"
            "Please save these numbers in your phone now, so you can "
            "reach us the moment you land:{% if coordinator.phone %}\n"
            "- my number: {{ coordinator.phone }}{% endif %}{% if "
            "company.phone_emergency %}\n"
            "- our 24/7 line: {{ company.phone_emergency }}{% endif %}{% "
            "endif %}\n"
            "\n"
            "Any questions at all, just reply.\n"
            "\n"
            "See you soon,\n"
            "{{ coordinator.name }}\n"
            "Patient coordinator, {{ company.name }}",
        },
        "es": {
            "html": "<p>Hola, {{ patient.first_name }}:</p>\n"
            "<p>Quedan muy pocos días para su llegada a {{ clinic.city "
            "}}{% if journey.planned_arrival %}, el {{ "
            'journey.planned_arrival|date:"d/m/Y" }}{% endif %}. '
            "Repasemos lo último:</p>\n"
            "<ul>\n"
            "<li><strong>Vuelo:</strong> si aún no me ha enviado su "
            "número de vuelo, respóndame hoy con él, para que el "
            "conductor sepa cuándo esperarle.</li>\n"
            "<li><strong>Documentos:</strong> pasaporte, visado si lo "
            "necesita y los datos de su reserva, en el móvil o en "
            "papel.</li>\n"
            "<li><strong>Informes médicos:</strong> traiga copias de los "
            "informes que nos ha enviado.</li>\n"
            "<li><strong>Medicación:</strong> llévela en el equipaje de "
            "mano, con suficiente para todo el viaje.</li>\n"
            "<li><strong>Ropa:</strong> después del tratamiento lo más "
            "cómodo es ropa holgada.</li>\n"
            "<li><strong>Recogida en el aeropuerto:</strong> un "
            "conductor de {{ company.name }} le esperará en la sala de "
            "llegadas con un cartel con su nombre y le llevará al "
            "hotel.</li>\n"
            "</ul>\n"
            "{% if coordinator.phone or company.phone_emergency %}\n"
            "<p>Guarde ya estos números en su teléfono para poder "
            "localizarnos nada más aterrizar:</p>\n"
            "<ul>\n"
            "{% if coordinator.phone %}<li>mi número: {{ "
            "coordinator.phone }}</li>{% endif %}\n"
            "{% if company.phone_emergency %}<li>nuestra línea 24 horas: "
            "{{ company.phone_emergency }}</li>{% endif %}\n"
            "</ul>\n"
            "{% endif %}\n"
            "<p>Para cualquier pregunta, responda a este correo.</p>\n"
            "<p>Hasta muy pronto,<br>\n"
            "{{ coordinator.name }}<br>\n"
            "Coordinación de pacientes, {{ company.name }}</p>",
            "subject": "Ya casi está, {{ patient.first_name }}: los últimos detalles",
            "text": "Hola, {{ patient.first_name }}:\n"
            "\n"
            "Quedan muy pocos días para su llegada a {{ clinic.city }}{% "
            "if journey.planned_arrival %}, el {{ "
            'journey.planned_arrival|date:"d/m/Y" }}{% endif %}. '
            "Repasemos lo último:\n"
            "\n"
            "- Vuelo: si aún no me ha enviado su número de vuelo, "
            "respóndame hoy con él, para que el conductor sepa cuándo "
            "esperarle.\n"
            "- Documentos: pasaporte, visado si lo necesita y los datos "
            "de su reserva, en el móvil o en papel.\n"
            "- Informes médicos: traiga copias de los informes que nos "
            "ha enviado.\n"
            "- Medicación: llévela en el equipaje de mano, con "
            "suficiente para todo el viaje.\n"
            "- Ropa: después del tratamiento lo más cómodo es ropa "
            "holgada.\n"
            "- Recogida en el aeropuerto: un conductor de {{ "
            "company.name }} le esperará en la sala de llegadas con un "
            "cartel con su nombre y le llevará al hotel.{% if "
            "coordinator.phone or company.phone_emergency %}\n"
            "\n"
            "Guarde ya estos números en su teléfono para poder "
            "localizarnos nada más aterrizar:{% if coordinator.phone %}\n"
            "- mi número: {{ coordinator.phone }}{% endif %}{% if "
            "company.phone_emergency %}\n"
            "- nuestra línea 24 horas: {{ company.phone_emergency }}{% "
            "endif %}{% endif %}\n"
            "\n"
            "Para cualquier pregunta, responda a este correo.\n"
            "\n"
            "Hasta muy pronto,\n"
            "{{ coordinator.name }}\n"
            "Coordinación de pacientes, {{ company.name }}",
        },
    },
}


KEYS = ("booked_confirmation", "prearrival_14", "prearrival_3", "prearrival_1")


def _current():
    templates = importlib.import_module("followups.default_content").TEMPLATES
    return {key: templates[key] for key in KEYS}


def _swap(apps, source, target):
    MessageTemplate = apps.get_model("followups", "MessageTemplate")
    for key in KEYS:
        for language, parts in source[key].items():
            if language not in target[key]:
                continue
            MessageTemplate.objects.filter(
                key=key,
                language=language,
                subject=parts["subject"],
                text=parts["text"],
                html=parts["html"],
            ).update(**target[key][language])


def forwards(apps, schema_editor):
    _swap(apps, OLD, _current())


def backwards(apps, schema_editor):
    _swap(apps, _current(), OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("followups", "0010_care_links_comfort"),
        ("care", "0003_quotes_bills"),
        ("crm", "0005_interaction_inbound_index"),
        ("journeys", "0008_funnel_day_rollup"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.CreateModel(
            name="TravelChecklist",
            fields=[
                (
                    "journey",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="travel",
                        serialize=False,
                        to="journeys.journey",
                    ),
                ),
                ("open_count", models.PositiveSmallIntegerField(default=0)),
                ("open_items", models.JSONField(blank=True, default=list)),
                ("updated_at", models.DateTimeField()),
            ],
        ),
        migrations.CreateModel(
            name="TravelDefault",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("flight_out", models.BooleanField(default=True, verbose_name="Outbound flight")),
                ("flight_back", models.BooleanField(default=True, verbose_name="Return flight")),
                ("hotel", models.BooleanField(default=True)),
                ("transfer", models.BooleanField(default=True, verbose_name="Airport transfer")),
                ("passport", models.BooleanField(default=True)),
                (
                    "visa",
                    models.BooleanField(default=False, help_text="Every patient of this clinic."),
                ),
                (
                    "visa_countries",
                    models.CharField(
                        blank=True,
                        help_text="Patients from these countries need a visa (ISO codes, e.g. IN, NG, PK).",
                        max_length=300,
                    ),
                ),
                ("companion", models.BooleanField(default=False)),
                (
                    "medical_docs",
                    models.BooleanField(default=True, verbose_name="Medical documents"),
                ),
                ("deposit", models.BooleanField(default=True, verbose_name="Deposit")),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "clinic",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="crm.clinic",
                    ),
                ),
                (
                    "procedure",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="crm.procedure",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("procedure__isnull", True)),
                        fields=("clinic",),
                        name="care_travel_clinic",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("clinic__isnull", False), ("procedure__isnull", False), _connector="OR"
                        ),
                        name="care_travel_default_scope",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="TravelItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("flight_out", "Outbound flight"),
                            ("flight_back", "Return flight"),
                            ("hotel", "Hotel"),
                            ("transfer", "Airport transfer"),
                            ("passport", "Passport valid for the trip"),
                            ("visa", "Visa"),
                            ("companion", "Companion"),
                            ("medical_docs", "Medical documents"),
                            ("deposit", "Deposit paid"),
                        ],
                        max_length=16,
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("not_needed", "Not needed"),
                            ("todo", "To do"),
                            ("asked", "Asked"),
                            ("given", "Given by the patient"),
                            ("confirmed", "Confirmed by us"),
                        ],
                        default="todo",
                        max_length=16,
                    ),
                ),
                ("number", models.CharField(blank=True, max_length=12)),
                ("date", models.DateField(blank=True, null=True)),
                ("time", models.TimeField(blank=True, null=True)),
                ("place", models.CharField(blank=True, max_length=120)),
                ("name", models.CharField(blank=True, max_length=120)),
                ("end_date", models.DateField(blank=True, null=True)),
                ("reference", models.CharField(blank=True, max_length=60)),
                ("documents", models.CharField(blank=True, max_length=60)),
                ("note", models.CharField(blank=True, max_length=300)),
                ("changed_at", models.DateTimeField()),
                ("by_patient", models.BooleanField(default=False)),
                (
                    "changed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "journey",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="travel_items",
                        to="journeys.journey",
                    ),
                ),
            ],
            options={
                "ordering": ["journey", "id"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("kind", "flight_out")),
                        fields=["date"],
                        name="care_travel_landing",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("journey", "kind"), name="care_travel_item_once"
                    )
                ],
            },
        ),
    ]
