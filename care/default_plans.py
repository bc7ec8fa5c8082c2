# ruff: noqa: E501 - one step of prose per line reads better than wrapped fragments.
"""Shipped after-care plans for the demo procedures (read by care's data migration
0002_default_plans when it runs; editable in the admin afterwards).

Each step: (anchor, day offset, must confirm, {language: (title, instructions)}).
"procedure" counts from the procedure date, "departure" from the flight home. Written as
a coordinator would: practical, no medical promises, and "your doctor" decides.
"""

from __future__ import annotations

Step = tuple[str, int, bool, dict[str, tuple[str, str]]]

PLANS: dict[str, list[Step]] = {
    "Hair transplant (FUE)": [
        (
            "procedure",
            1,
            True,
            {
                "en": (
                    "Sleep half upright",
                    "Sleep with your head raised on two pillows or the travel pillow for the first nights, and do not touch the grafts.",
                ),
                "es": (
                    "Dormir semiincorporado",
                    "Duerma con la cabeza elevada sobre dos almohadas o la almohada de viaje las primeras noches y no toque los injertos.",
                ),
                "de": (
                    "Halb aufrecht schlafen",
                    "Schlafen Sie die ersten Nächte mit erhöhtem Kopf (zwei Kissen oder das Nackenkissen) und berühren Sie die Grafts nicht.",
                ),
            },
        ),
        (
            "procedure",
            3,
            True,
            {
                "en": (
                    "First hair wash as shown",
                    "Wash your hair for the first time exactly as the clinic showed you: lotion first, lukewarm water, no rubbing.",
                ),
                "es": (
                    "Primer lavado como le enseñaron",
                    "Lave el pelo por primera vez exactamente como le enseñó la clínica: primero la loción, agua tibia, sin frotar.",
                ),
                "de": (
                    "Erste Haarwäsche wie gezeigt",
                    "Waschen Sie die Haare zum ersten Mal genau wie in der Klinik gezeigt: erst die Lotion, lauwarmes Wasser, nicht reiben.",
                ),
            },
        ),
        (
            "procedure",
            10,
            True,
            {
                "en": (
                    "Scabs gone",
                    "By now most scabs should have come off with the daily wash. Confirm when the recipient area is clear.",
                ),
                "es": (
                    "Costras fuera",
                    "A estas alturas la mayoría de las costras deberían haberse ido con el lavado diario. Confirme cuando la zona esté limpia.",
                ),
                "de": (
                    "Krusten abgelöst",
                    "Inzwischen sollten sich die meisten Krusten mit der täglichen Wäsche gelöst haben. Bestätigen Sie, wenn die Empfängerzone frei ist.",
                ),
            },
        ),
        (
            "procedure",
            30,
            False,
            {
                "en": (
                    "Shedding is normal",
                    "Between weeks 2 and 8 the transplanted hairs fall out; the roots stay. New growth starts around month 3.",
                ),
                "es": (
                    "La caída es normal",
                    "Entre las semanas 2 y 8 el pelo trasplantado se cae; las raíces se quedan. El nuevo crecimiento empieza hacia el tercer mes.",
                ),
                "de": (
                    "Ausfallen ist normal",
                    "Zwischen Woche 2 und 8 fallen die transplantierten Haare aus; die Wurzeln bleiben. Neues Wachstum beginnt etwa im dritten Monat.",
                ),
            },
        ),
    ],
    "Dental implants": [
        (
            "procedure",
            1,
            True,
            {
                "en": (
                    "Soft, cool food only",
                    "Soft and cool food for the first days, chew on the other side, no hot drinks, no smoking.",
                ),
                "es": (
                    "Solo comida blanda y fría",
                    "Comida blanda y fría los primeros días, mastique por el otro lado, nada de bebidas calientes ni tabaco.",
                ),
                "de": (
                    "Nur weiche, kühle Kost",
                    "In den ersten Tagen weiche, kühle Kost, auf der anderen Seite kauen, keine heißen Getränke, nicht rauchen.",
                ),
            },
        ),
        (
            "procedure",
            2,
            True,
            {
                "en": (
                    "Start the salt-water rinses",
                    "Rinse gently with warm salt water after each meal, as the clinic explained.",
                ),
                "es": (
                    "Empiece los enjuagues con agua salada",
                    "Enjuague suavemente con agua tibia con sal después de cada comida, como le explicó la clínica.",
                ),
                "de": (
                    "Mit Salzwasserspülungen beginnen",
                    "Spülen Sie nach jeder Mahlzeit sanft mit warmem Salzwasser, wie in der Klinik erklärt.",
                ),
            },
        ),
        (
            "departure",
            -1,
            True,
            {
                "en": (
                    "Check-up before you fly",
                    "Your control appointment before the flight home: the doctor checks the healing and the stitches.",
                ),
                "es": (
                    "Revisión antes del vuelo",
                    "Su cita de control antes del vuelo de regreso: el médico revisa la cicatrización y los puntos.",
                ),
                "de": (
                    "Kontrolle vor dem Flug",
                    "Ihr Kontrolltermin vor dem Rückflug: Der Arzt prüft die Heilung und die Nähte.",
                ),
            },
        ),
        (
            "procedure",
            10,
            True,
            {
                "en": (
                    "Stitches removed",
                    "Stitches removed by your local dentist (or dissolved). Upload nothing, just confirm.",
                ),
                "es": (
                    "Puntos retirados",
                    "Su dentista local retira los puntos (o se han reabsorbido). No hace falta enviar nada, solo confirmar.",
                ),
                "de": (
                    "Fäden gezogen",
                    "Fäden beim Zahnarzt zu Hause gezogen (oder aufgelöst). Nichts hochladen, nur bestätigen.",
                ),
            },
        ),
    ],
    "Dental veneers": [
        (
            "procedure",
            1,
            True,
            {
                "en": (
                    "Go easy on the new veneers",
                    "No biting into hard food (apples, nuts, crusty bread) with the front teeth for the first week.",
                ),
                "es": (
                    "Cuide las carillas nuevas",
                    "No muerda alimentos duros (manzanas, frutos secos, pan crujiente) con los dientes delanteros la primera semana.",
                ),
                "de": (
                    "Die neuen Veneers schonen",
                    "In der ersten Woche nichts Hartes (Äpfel, Nüsse, Krustenbrot) mit den Frontzähnen abbeißen.",
                ),
            },
        ),
        (
            "departure",
            -1,
            True,
            {
                "en": (
                    "Bite check before you fly",
                    "The final bite check and polish at the clinic before the flight home.",
                ),
                "es": (
                    "Control de mordida antes del vuelo",
                    "El control final de la mordida y el pulido en la clínica antes del vuelo de regreso.",
                ),
                "de": (
                    "Bisskontrolle vor dem Flug",
                    "Die letzte Bisskontrolle und Politur in der Klinik vor dem Rückflug.",
                ),
            },
        ),
        (
            "procedure",
            14,
            True,
            {
                "en": (
                    "Night guard if advised",
                    "If the doctor advised a night guard, wear it every night from now on. Confirm when you have it.",
                ),
                "es": (
                    "Férula nocturna si se la indicaron",
                    "Si el médico le indicó una férula nocturna, úsela cada noche a partir de ahora. Confirme cuando la tenga.",
                ),
                "de": (
                    "Knirscherschiene, falls empfohlen",
                    "Wenn der Arzt eine Knirscherschiene empfohlen hat, tragen Sie sie ab jetzt jede Nacht. Bestätigen Sie, wenn Sie sie haben.",
                ),
            },
        ),
    ],
    "Rhinoplasty": [
        (
            "procedure",
            1,
            True,
            {
                "en": (
                    "Head up, cool compresses",
                    "Keep your head raised, use cool compresses around (not on) the nose, and do not blow your nose.",
                ),
                "es": (
                    "Cabeza alta y compresas frías",
                    "Mantenga la cabeza elevada, use compresas frías alrededor (no encima) de la nariz y no se suene.",
                ),
                "de": (
                    "Kopf hoch, kühle Kompressen",
                    "Halten Sie den Kopf erhöht, kühlen Sie um die Nase herum (nicht darauf) und schnäuzen Sie nicht.",
                ),
            },
        ),
        (
            "procedure",
            7,
            True,
            {
                "en": (
                    "Splint removed",
                    "The splint and any stitches are removed at the clinic around day 7.",
                ),
                "es": (
                    "Retirada de la férula",
                    "La férula y los puntos se retiran en la clínica hacia el día 7.",
                ),
                "de": (
                    "Schiene entfernt",
                    "Die Schiene und eventuelle Fäden werden etwa an Tag 7 in der Klinik entfernt.",
                ),
            },
        ),
        (
            "procedure",
            14,
            True,
            {
                "en": (
                    "No glasses on the nose yet",
                    "Do not rest glasses on the bridge of your nose for six weeks; tape them to the forehead or wear contacts.",
                ),
                "es": (
                    "Todavía sin gafas sobre la nariz",
                    "No apoye gafas sobre el puente de la nariz durante seis semanas; péguelas a la frente o use lentillas.",
                ),
                "de": (
                    "Noch keine Brille auf der Nase",
                    "Sechs Wochen lang keine Brille auf dem Nasenrücken; kleben Sie sie an die Stirn oder tragen Sie Kontaktlinsen.",
                ),
            },
        ),
        (
            "procedure",
            42,
            False,
            {
                "en": (
                    "Sport again, gently",
                    "Most patients may start sport again now; contact sports only when your surgeon says so.",
                ),
                "es": (
                    "Deporte de nuevo, con calma",
                    "La mayoría puede volver al deporte ahora; los deportes de contacto solo cuando su cirujano lo diga.",
                ),
                "de": (
                    "Wieder Sport, behutsam",
                    "Die meisten dürfen jetzt wieder Sport treiben; Kontaktsport erst, wenn Ihr Chirurg es sagt.",
                ),
            },
        ),
    ],
    "Bariatric surgery (gastric sleeve)": [
        (
            "procedure",
            1,
            True,
            {
                "en": (
                    "Clear liquids, small sips",
                    "Clear liquids only, in small sips through the day: at least 1.5 litres. Walk a little every few hours.",
                ),
                "es": (
                    "Líquidos claros, a sorbos",
                    "Solo líquidos claros, a pequeños sorbos durante el día: al menos 1,5 litros. Camine un poco cada pocas horas.",
                ),
                "de": (
                    "Klare Flüssigkeit, kleine Schlucke",
                    "Nur klare Flüssigkeit, in kleinen Schlucken über den Tag: mindestens 1,5 Liter. Gehen Sie alle paar Stunden ein wenig.",
                ),
            },
        ),
        (
            "procedure",
            7,
            True,
            {
                "en": (
                    "Pureed food stage",
                    "From now on pureed food as in your diet sheet, protein first, no drinking with meals.",
                ),
                "es": (
                    "Fase de comida triturada",
                    "A partir de ahora comida triturada según su hoja de dieta, primero la proteína, sin beber con las comidas.",
                ),
                "de": (
                    "Pürierte Kost",
                    "Ab jetzt pürierte Kost laut Ernährungsplan, zuerst Eiweiß, nicht zu den Mahlzeiten trinken.",
                ),
            },
        ),
        (
            "procedure",
            14,
            True,
            {
                "en": (
                    "Vitamins every day",
                    "Take the vitamins and supplements on your list every day, for life. Confirm you have a supply at home.",
                ),
                "es": (
                    "Vitaminas cada día",
                    "Tome cada día las vitaminas y suplementos de su lista, de por vida. Confirme que tiene en casa.",
                ),
                "de": (
                    "Täglich Vitamine",
                    "Nehmen Sie die Vitamine und Ergänzungen von Ihrer Liste täglich, lebenslang. Bestätigen Sie, dass Sie zu Hause Vorrat haben.",
                ),
            },
        ),
        (
            "procedure",
            30,
            True,
            {
                "en": (
                    "Blood test at home",
                    "A blood test with your family doctor around one month after surgery. Upload nothing, just confirm.",
                ),
                "es": (
                    "Análisis de sangre en casa",
                    "Un análisis de sangre con su médico de cabecera al mes de la operación. No envíe nada, solo confirme.",
                ),
                "de": (
                    "Blutbild zu Hause",
                    "Ein Blutbild beim Hausarzt etwa einen Monat nach der Operation. Nichts hochladen, nur bestätigen.",
                ),
            },
        ),
    ],
    "IVF": [
        (
            "procedure",
            0,
            True,
            {
                "en": (
                    "Start the support medication",
                    "Start the medication on your sheet today, at the times written there.",
                ),
                "es": (
                    "Empiece la medicación de soporte",
                    "Empiece hoy la medicación de su hoja, a las horas indicadas.",
                ),
                "de": (
                    "Unterstützende Medikamente beginnen",
                    "Beginnen Sie heute mit den Medikamenten auf Ihrem Blatt, zu den dort genannten Zeiten.",
                ),
            },
        ),
        (
            "procedure",
            2,
            False,
            {
                "en": (
                    "Rest, but normal life",
                    "Light activity is fine; avoid heavy lifting, hot baths and saunas until the test.",
                ),
                "es": (
                    "Descanso, pero vida normal",
                    "La actividad ligera está bien; evite cargar peso, baños calientes y saunas hasta la prueba.",
                ),
                "de": (
                    "Ruhe, aber normaler Alltag",
                    "Leichte Aktivität ist in Ordnung; meiden Sie schweres Heben, heiße Bäder und Sauna bis zum Test.",
                ),
            },
        ),
        (
            "procedure",
            12,
            True,
            {
                "en": (
                    "Blood pregnancy test",
                    "The blood test (beta hCG) at your local lab, as planned with the clinic. Tell us when it is done.",
                ),
                "es": (
                    "Prueba de embarazo en sangre",
                    "El análisis de sangre (beta hCG) en su laboratorio, como acordó con la clínica. Díganos cuando lo haya hecho.",
                ),
                "de": (
                    "Bluttest auf Schwangerschaft",
                    "Der Bluttest (Beta-hCG) in Ihrem Labor, wie mit der Klinik geplant. Sagen Sie uns, wenn er gemacht ist.",
                ),
            },
        ),
    ],
    "Knee replacement": [
        (
            "procedure",
            1,
            True,
            {
                "en": (
                    "First steps with the physio",
                    "Stand and take your first steps with the physiotherapist; keep the compression stockings on.",
                ),
                "es": (
                    "Primeros pasos con el fisioterapeuta",
                    "Póngase de pie y dé los primeros pasos con el fisioterapeuta; no se quite las medias de compresión.",
                ),
                "de": (
                    "Erste Schritte mit der Physiotherapie",
                    "Stehen Sie auf und gehen Sie die ersten Schritte mit der Physiotherapie; lassen Sie die Kompressionsstrümpfe an.",
                ),
            },
        ),
        (
            "procedure",
            2,
            True,
            {
                "en": (
                    "Blood thinner injections",
                    "Take the blood thinner every day for as long as the doctor prescribed, also on the flight home.",
                ),
                "es": (
                    "Inyecciones anticoagulantes",
                    "Póngase el anticoagulante cada día durante el tiempo indicado, también el día del vuelo.",
                ),
                "de": (
                    "Blutverdünner-Spritzen",
                    "Spritzen Sie den Blutverdünner täglich so lange wie verordnet, auch am Tag des Rückflugs.",
                ),
            },
        ),
        (
            "departure",
            -1,
            True,
            {
                "en": (
                    "Fit-to-fly check",
                    "The doctor's fit-to-fly check and your discharge letter before the flight home.",
                ),
                "es": (
                    "Control apto para volar",
                    "El control del médico para volar y su informe de alta antes del vuelo de regreso.",
                ),
                "de": (
                    "Flugtauglichkeit prüfen",
                    "Die ärztliche Flugtauglichkeitsprüfung und Ihr Entlassbrief vor dem Rückflug.",
                ),
            },
        ),
        (
            "procedure",
            14,
            True,
            {
                "en": (
                    "Clips or stitches out",
                    "Clips or stitches removed by your family doctor or nurse. Just confirm.",
                ),
                "es": (
                    "Retirada de grapas o puntos",
                    "Su médico o enfermera de cabecera retira las grapas o los puntos. Solo confirme.",
                ),
                "de": (
                    "Klammern oder Fäden entfernt",
                    "Klammern oder Fäden beim Hausarzt oder Pflegedienst entfernt. Nur bestätigen.",
                ),
            },
        ),
        (
            "procedure",
            21,
            True,
            {
                "en": (
                    "Physio at home has started",
                    "Your physiotherapy at home should have started by now; confirm when you have had the first session.",
                ),
                "es": (
                    "Fisioterapia en casa",
                    "Su fisioterapia en casa ya debería haber empezado; confirme cuando haya tenido la primera sesión.",
                ),
                "de": (
                    "Physiotherapie zu Hause begonnen",
                    "Ihre Physiotherapie zu Hause sollte jetzt begonnen haben; bestätigen Sie nach der ersten Stunde.",
                ),
            },
        ),
    ],
    "Liposuction": [
        (
            "procedure",
            1,
            True,
            {
                "en": (
                    "Compression garment day and night",
                    "Wear the compression garment day and night; take it off only to shower.",
                ),
                "es": (
                    "Prenda de compresión día y noche",
                    "Lleve la prenda de compresión día y noche; quítesela solo para ducharse.",
                ),
                "de": (
                    "Kompressionsmieder Tag und Nacht",
                    "Tragen Sie das Kompressionsmieder Tag und Nacht; nur zum Duschen ausziehen.",
                ),
            },
        ),
        (
            "procedure",
            5,
            False,
            {
                "en": (
                    "Lymphatic massage",
                    "If the clinic booked lymphatic drainage massages, today is a good day for the first one.",
                ),
                "es": (
                    "Drenaje linfático",
                    "Si la clínica le reservó masajes de drenaje linfático, hoy es buen día para el primero.",
                ),
                "de": (
                    "Lymphdrainage",
                    "Wenn die Klinik Lymphdrainagen gebucht hat, ist heute ein guter Tag für die erste.",
                ),
            },
        ),
        (
            "procedure",
            10,
            True,
            {
                "en": (
                    "Stitches out",
                    "The small stitches are removed (at the clinic or at home). Just confirm.",
                ),
                "es": (
                    "Retirada de puntos",
                    "Se retiran los pequeños puntos (en la clínica o en casa). Solo confirme.",
                ),
                "de": (
                    "Fäden gezogen",
                    "Die kleinen Fäden werden gezogen (in der Klinik oder zu Hause). Nur bestätigen.",
                ),
            },
        ),
        (
            "procedure",
            42,
            False,
            {
                "en": (
                    "Garment off, results settle",
                    "Most patients may stop the garment now; swelling keeps going down for a few months.",
                ),
                "es": (
                    "Fin de la prenda",
                    "La mayoría puede dejar la prenda ahora; la inflamación sigue bajando unos meses.",
                ),
                "de": (
                    "Mieder ablegen",
                    "Die meisten dürfen das Mieder jetzt ablegen; die Schwellung geht noch einige Monate zurück.",
                ),
            },
        ),
    ],
}
