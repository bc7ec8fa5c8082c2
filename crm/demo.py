"""Believable demo data: patients, clinics, procedures, coordinators and journeys whose event
histories replay exactly to their current stage.

How a journey is made (all in memory, then written in bulk):

1. Pick its final state (stage + outcome) from a funnel-shaped distribution.
2. Walk there from a fresh inquiry, one move at a time. Every move is looked up in
   `journeys.services.allowed_moves`, the single table the transition service checks, so an
   event sequence the service would refuse cannot be generated (a bad walk raises).
3. Times are laid out on a relative clock in *clinic-local days* (day 0 is the inquiry):
   coordinators act in business hours, arrival/procedure/departure fall on calendar days.
4. The whole history is then slid back to a calendar day chosen so that "now" falls where
   the final state needs it: after the last event; before the next event an active journey
   is waiting for (a booked journey's arrival is still ahead); before a postponed journey's
   re-engage date.
5. Rows carry exactly what `journey_create`/`journey_move`/`interaction_log` would have
   written, including the timestamps they would have written at the time.

Writes go through `seed()`: ids are reserved up front (so referrals and foreign keys are
known in memory), then each chunk is written with COPY on PostgreSQL (100,000 patients in
well under a minute; see bench/seed_demo.py) or with the ORM's batched INSERTs elsewhere
(SQLite for `make run`). Both writers take the same rows. Names, phone numbers and
emails are made up; every email is under the reserved `.example` TLD, so a demo that sends
real mail reaches nobody.
"""

# Turkish names are spelled with the dotless i on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import gc
import itertools
import json
import math
import random
import re
import time
import unicodedata
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, models, transaction
from django.utils import timezone

from crm.models import Clinic, Interaction, Patient, Procedure
from crm.roles import COORDINATOR, MANAGER
from journeys import hooks
from journeys.models import STAGE_ORDER, EventKind, Journey, JourneyEvent, LostReason, Outcome
from journeys.services import Move, allowed_moves

DEFAULT_SEED = 2026
DEFAULT_BATCH_SIZE = 5_000
DEFAULT_PASSWORD = "demo-pass-2026"  # noqa: S105 - the documented demo password

ACTIVE = Outcome.ACTIVE.value
LOST = Outcome.LOST.value
POSTPONED = Outcome.POSTPONED.value
COMPLETED = Outcome.COMPLETED.value
INQUIRY, BOOKED, ARRIVAL, PROCEDURE, FOLLOWUP = STAGE_ORDER

# Event kinds after which journey.stage_entered_at is the event's time (journey_move sets
# it for every move except lost/postponed/completed; journey_create sets it on creation).
STAGE_ENTERING_KINDS = frozenset(
    {
        EventKind.CREATED.value,
        EventKind.ADVANCED.value,
        EventKind.STEPPED_BACK.value,
        EventKind.REOPENED.value,
    }
)

# ---------------------------------------------------------------------------------------
# Reference data
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NamePool:
    female: tuple[str, ...]
    male: tuple[str, ...]
    last: tuple[str, ...]
    # Slavic surnames agree with gender: Kowalski/Kowalska, Ivanov/Ivanova.
    feminine: Callable[[str], str] | None = None


def _polish_feminine(last: str) -> str:
    return last[:-1] + "a" if last.endswith(("ski", "cki", "dzki")) else last


def _russian_feminine(last: str) -> str:
    if last.endswith(("ov", "ev", "yov", "in")):
        return last + "a"
    return last


def _names(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


NAME_POOLS: dict[str, NamePool] = {
    "en_gb": NamePool(
        _names(
            "Olivia, Amelia, Emily, Sophie, Charlotte, Jessica, Lucy, Hannah, Grace, Chloe, "
            "Emma, Rebecca, Laura, Sarah, Rachel, Katie, Helen, Claire, Joanne, Karen, Nicola, "
            "Gemma, Louise, Victoria, Megan, Eleanor, Abigail, Natalie, Zoe, Ruth"
        ),
        _names(
            "Oliver, George, Harry, Jack, James, Thomas, William, Daniel, Matthew, David, "
            "Michael, Paul, Mark, Andrew, Richard, Christopher, Stephen, Gareth, Liam, Ryan, "
            "Callum, Connor, Samuel, Joseph, Benjamin, Adam, Simon, Peter, Robert, Alistair"
        ),
        _names(
            "Smith, Jones, Taylor, Brown, Williams, Wilson, Johnson, Davies, Robinson, Wright, "
            "Thompson, Evans, Walker, White, Roberts, Green, Hall, Wood, Jackson, Clarke, "
            "Patel, Khan, Hughes, Edwards, Lewis, Harris, Martin, Cooper, Morris, Ward, "
            "Turner, Hill, Baker, Clark, Moore, Murphy, Kelly, O'Brien, Campbell, Stewart"
        ),
    ),
    "en_us": NamePool(
        _names(
            "Jennifer, Jessica, Ashley, Emily, Sarah, Amanda, Megan, Lauren, Rachel, Nicole, "
            "Stephanie, Elizabeth, Heather, Melissa, Michelle, Kimberly, Amy, Rebecca, "
            "Brittany, Samantha, Danielle, Kayla, Madison, Hannah, Taylor, Olivia, Abigail, "
            "Courtney, Erin, Linda"
        ),
        _names(
            "Michael, Christopher, Matthew, Joshua, David, James, Daniel, Robert, John, "
            "Joseph, Jason, Justin, Andrew, Ryan, William, Brian, Brandon, Jonathan, Nicholas, "
            "Anthony, Eric, Kevin, Tyler, Kyle, Steven, Timothy, Jeffrey, Scott, Gregory, Brett"
        ),
        _names(
            "Smith, Johnson, Williams, Brown, Jones, Miller, Davis, Wilson, Anderson, Taylor, "
            "Thomas, Moore, Jackson, Martin, Thompson, White, Harris, Clark, Lewis, Robinson, "
            "Walker, Young, Allen, King, Wright, Scott, Hill, Green, Adams, Baker, Nelson, "
            "Carter, Mitchell, Roberts, Turner, Phillips, Campbell, Parker, Evans, Collins"
        ),
    ),
    "de": NamePool(
        _names(
            "Anna, Laura, Julia, Lena, Sarah, Lisa, Katharina, Johanna, Sophie, Hannah, "
            "Leonie, Marie, Sabine, Petra, Claudia, Susanne, Andrea, Stefanie, Nicole, Birgit, "
            "Monika, Ursula, Heike, Franziska, Jana, Melanie, Nina, Carina, Miriam, Anja"
        ),
        _names(
            "Lukas, Jonas, Leon, Felix, Maximilian, Paul, Tobias, Florian, Sebastian, "
            "Alexander, Michael, Thomas, Andreas, Stefan, Christian, Markus, Matthias, Jürgen, "
            "Klaus, Uwe, Frank, Dirk, Jan, Tim, Niklas, Moritz, Philipp, Benedikt, Dominik, "
            "Wolfgang"
        ),
        _names(
            "Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, "
            "Hoffmann, Schäfer, Koch, Bauer, Richter, Klein, Wolf, Schröder, Neumann, Schwarz, "
            "Zimmermann, Braun, Krüger, Hofmann, Hartmann, Lange, Schmitt, Werner, Schmitz, "
            "Krause, Meier, Lehmann, Huber, Kaiser, Fuchs, Vogel, Berger, Lang, Winkler, "
            "Gruber, Brandt"
        ),
    ),
    "nl": NamePool(
        _names(
            "Emma, Julia, Sophie, Anna, Lisa, Eva, Sanne, Anouk, Fleur, Lotte, Iris, Femke, "
            "Marieke, Ingrid, Annemiek, Esther, Linda, Petra, Mirjam, Noor, Roos, Sara, Maud, "
            "Liselotte, Tessa, Kim, Evi, Nina, Lieke, Janneke"
        ),
        _names(
            "Daan, Sem, Lucas, Levi, Thijs, Jesse, Bram, Ruben, Lars, Stijn, Joris, Pieter, "
            "Jeroen, Maarten, Bas, Sander, Wouter, Niels, Koen, Tim, Mark, Erik, Hans, Jan, "
            "Willem, Gerrit, Dirk, Kees, Floris, Rik"
        ),
        _names(
            "de Jong, Jansen, de Vries, van den Berg, van Dijk, Bakker, Janssen, Visser, Smit, "
            "Meijer, de Boer, Mulder, de Groot, Bos, Vos, Peters, Hendriks, van Leeuwen, "
            "Dekker, Brouwer, de Wit, Dijkstra, Smits, de Graaf, van der Meer, "
            "van der Linden, Kok, Jacobs, de Haan, Vermeulen, Peeters, Maes, Claes, Wouters, "
            "Willems, Goossens, Mertens"
        ),
    ),
    "fr": NamePool(
        _names(
            "Camille, Léa, Manon, Chloé, Emma, Inès, Sarah, Julie, Marie, Laura, Pauline, "
            "Mathilde, Céline, Nathalie, Isabelle, Sophie, Sandrine, Valérie, Aurélie, Émilie, "
            "Claire, Hélène, Margaux, Juliette, Lucie, Élise, Anaïs, Océane, Louise, Charlotte"
        ),
        _names(
            "Lucas, Hugo, Louis, Thomas, Nicolas, Julien, Antoine, Alexandre, Maxime, Pierre, "
            "Mathieu, Guillaume, Romain, Sébastien, Olivier, François, Philippe, Laurent, Éric, "
            "Christophe, Jérôme, Benoît, Théo, Arthur, Raphaël, Clément, Baptiste, Vincent, "
            "Yann, Cédric"
        ),
        _names(
            "Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau, "
            "Simon, Laurent, Lefebvre, Michel, Garcia, David, Bertrand, Roux, Vincent, "
            "Fournier, Morel, Girard, André, Lefèvre, Mercier, Dupont, Lambert, Bonnet, "
            "François, Martinez, Legrand, Garnier, Faure, Rousseau, Blanc, Guérin, Muller, "
            "Henry, Roussel, Nicolas"
        ),
    ),
    "it": NamePool(
        _names(
            "Giulia, Francesca, Chiara, Sara, Martina, Valentina, Alessandra, Federica, Silvia, "
            "Elena, Laura, Paola, Roberta, Simona, Monica, Elisa, Ilaria, Giorgia, Alice, "
            "Sofia, Aurora, Beatrice, Serena, Claudia, Daniela, Cristina, Barbara, Anna, "
            "Veronica, Marta"
        ),
        _names(
            "Marco, Alessandro, Andrea, Luca, Francesco, Matteo, Lorenzo, Davide, Simone, "
            "Federico, Giuseppe, Giovanni, Antonio, Roberto, Stefano, Paolo, Massimo, Fabio, "
            "Riccardo, Emanuele, Gabriele, Tommaso, Nicola, Daniele, Salvatore, Vincenzo, "
            "Michele, Pietro, Claudio, Enrico"
        ),
        _names(
            "Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, Greco, "
            "Bruno, Gallo, Conti, De Luca, Mancini, Costa, Giordano, Rizzo, Lombardi, Moretti, "
            "Barbieri, Fontana, Santoro, Mariani, Rinaldi, Caruso, Ferrara, Galli, Martini, "
            "Leone, Longo, Gentile, Martinelli, Vitale, Lombardo, Serra, Coppola, De Santis, "
            "D'Angelo, Marchetti"
        ),
    ),
    "es": NamePool(
        _names(
            "Lucía, María, Paula, Laura, Marta, Sara, Andrea, Ana, Carmen, Elena, Cristina, "
            "Isabel, Raquel, Beatriz, Nuria, Silvia, Patricia, Rocío, Pilar, Alba, Irene, "
            "Claudia, Sofía, Julia, Noelia, Lorena, Mónica, Teresa, Eva, Inés"
        ),
        _names(
            "Hugo, Daniel, Pablo, Alejandro, Álvaro, Adrián, David, Javier, Sergio, Carlos, "
            "Jorge, Manuel, Antonio, José, Francisco, Miguel, Rubén, Iván, Diego, Marcos, Raúl, "
            "Alberto, Fernando, Luis, Óscar, Víctor, Jesús, Ignacio, Gonzalo, Enrique"
        ),
        _names(
            "García, Rodríguez, González, Fernández, López, Martínez, Sánchez, Pérez, Gómez, "
            "Martín, Jiménez, Ruiz, Hernández, Díaz, Moreno, Muñoz, Álvarez, Romero, Alonso, "
            "Gutiérrez, Navarro, Torres, Domínguez, Vázquez, Ramos, Gil, Ramírez, Serrano, "
            "Blanco, Molina, Morales, Suárez, Ortega, Delgado, Castro, Ortiz, Rubio, Marín, "
            "Sanz, Iglesias"
        ),
    ),
    "es_latam": NamePool(
        _names(
            "María, Guadalupe, Sofía, Valeria, Camila, Daniela, Gabriela, Alejandra, Mariana, "
            "Fernanda, Ana, Verónica, Claudia, Adriana, Patricia, Leticia, Rosa, Carmen, "
            "Yesenia, Jazmín, Ximena, Andrea, Paola, Karla, Diana, Lorena, Elena, Isabel, "
            "Marisol, Brenda"
        ),
        _names(
            "José, Juan, Luis, Carlos, Jorge, Miguel, Jesús, Antonio, Alejandro, Francisco, "
            "Ricardo, Eduardo, Fernando, Roberto, Manuel, Javier, Rafael, Sergio, Héctor, "
            "Raúl, Arturo, Mario, Oscar, Diego, Andrés, Emiliano, Santiago, Mateo, Ángel, "
            "Gerardo"
        ),
        _names(
            "Hernández, García, Martínez, López, González, Rodríguez, Pérez, Sánchez, "
            "Ramírez, Flores, Gómez, Díaz, Cruz, Morales, Reyes, Gutiérrez, Ortiz, Torres, "
            "Rivera, Ramos, Chávez, Mendoza, Ruiz, Castillo, Vázquez, Jiménez, Romero, "
            "Álvarez, Herrera, Medina, Aguilar, Vargas, Castro, Guzmán, Salazar, Delgado, "
            "Contreras, Estrada, Navarro, Silva"
        ),
    ),
    "pl": NamePool(
        _names(
            "Anna, Maria, Katarzyna, Małgorzata, Agnieszka, Barbara, Ewa, Krystyna, "
            "Magdalena, Joanna, Aleksandra, Monika, Natalia, Karolina, Justyna, Paulina, Marta, "
            "Dorota, Beata, Zofia, Julia, Zuzanna, Weronika, Marlena, Iwona, Sylwia, Renata, "
            "Alicja, Patrycja, Dominika"
        ),
        _names(
            "Piotr, Krzysztof, Andrzej, Tomasz, Paweł, Jan, Michał, Marcin, Jakub, Adam, "
            "Łukasz, Grzegorz, Mateusz, Wojciech, Mariusz, Dariusz, Marek, Rafał, Kamil, "
            "Maciej, Szymon, Bartosz, Filip, Kacper, Sebastian, Damian, Przemysław, Robert, "
            "Artur, Zbigniew"
        ),
        _names(
            "Nowak, Kowalski, Wiśniewski, Wójcik, Kowalczyk, Kamiński, Lewandowski, "
            "Zieliński, Szymański, Woźniak, Dąbrowski, Kozłowski, Jankowski, Mazur, "
            "Kwiatkowski, Krawczyk, Piotrowski, Grabowski, Nowakowski, Pawłowski, Michalski, "
            "Adamczyk, Dudek, Zając, Wieczorek, Jabłoński, Król, Majewski, Olszewski, Jaworski"
        ),
        _polish_feminine,
    ),
    "ru": NamePool(
        _names(
            "Anastasia, Ekaterina, Maria, Anna, Olga, Tatiana, Natalia, Elena, Irina, "
            "Svetlana, Yulia, Daria, Alina, Polina, Ksenia, Viktoria, Marina, Larisa, Galina, "
            "Oksana, Vera, Sofia, Valeria, Alexandra, Kristina, Evgenia, Lyudmila, Nadezhda, "
            "Veronika, Yana"
        ),
        _names(
            "Alexander, Dmitry, Sergei, Andrei, Alexei, Maxim, Ivan, Mikhail, Nikolai, "
            "Vladimir, Evgeny, Pavel, Artem, Igor, Roman, Denis, Kirill, Oleg, Yuri, Anton, "
            "Konstantin, Ilya, Vadim, Viktor, Stanislav, Timur, Ruslan, Egor, Nikita, Boris"
        ),
        _names(
            "Ivanov, Smirnov, Kuznetsov, Popov, Vasiliev, Petrov, Sokolov, Mikhailov, Novikov, "
            "Fedorov, Morozov, Volkov, Alekseev, Lebedev, Semenov, Egorov, Pavlov, Kozlov, "
            "Stepanov, Nikolaev, Orlov, Andreev, Makarov, Nikitin, Zakharov, Zaitsev, "
            "Solovyov, Borisov, Yakovlev, Grigoriev, Romanov, Vorobyov, Sergeev, Kuzmin, "
            "Frolov, Belov, Tarasov, Belyaev, Komarov, Medvedev"
        ),
        _russian_feminine,
    ),
    "tr": NamePool(
        _names(
            "Ayşe, Fatma, Emine, Hatice, Zeynep, Elif, Meryem, Şerife, Zehra, Sultan, Hanife, "
            "Merve, Büşra, Esra, Özlem, Yasemin, Derya, Gamze, Tuğba, Sevgi, Ebru, Aslı, "
            "Gizem, Ece, Selin, Defne, Nur, Pınar, Melek, Cansu"
        ),
        _names(
            "Mehmet, Mustafa, Ahmet, Ali, Hüseyin, Hasan, İbrahim, İsmail, Osman, Yusuf, "
            "Murat, Ömer, Ramazan, Halil, Süleyman, Abdullah, Mahmut, Emre, Burak, Serkan, "
            "Kemal, Cem, Can, Onur, Eren, Kaan, Tolga, Volkan, Barış, Deniz"
        ),
        _names(
            "Yılmaz, Kaya, Demir, Şahin, Çelik, Yıldız, Yıldırım, Öztürk, Aydın, Özdemir, "
            "Arslan, Doğan, Kılıç, Aslan, Çetin, Kara, Koç, Kurt, Özkan, Şimşek, Polat, "
            "Korkmaz, Karataş, Erdem, Güneş, Aktaş, Keskin, Bulut, Ünal, Tekin"
        ),
    ),
    "ar": NamePool(
        _names(
            "Fatima, Aisha, Maryam, Noura, Sara, Layla, Reem, Hessa, Latifa, Mariam, Shaikha, "
            "Amal, Huda, Dana, Lulwa, Mona, Nadia, Rania, Salma, Yasmin, Zainab, Hind, Asma, "
            "Jawaher, Maha, Nawal, Abeer, Rasha, Ghada, Dalal"
        ),
        _names(
            "Mohammed, Ahmed, Abdullah, Khalid, Fahad, Saud, Faisal, Sultan, Omar, Ali, Hamad, "
            "Nasser, Saeed, Rashid, Majed, Turki, Bandar, Yousef, Ibrahim, Hassan, Hussain, "
            "Mansour, Tariq, Waleed, Salem, Mubarak, Khalifa, Hamdan, Ziyad, Badr"
        ),
        _names(
            "Al-Harbi, Al-Otaibi, Al-Qahtani, Al-Ghamdi, Al-Zahrani, Al-Dosari, Al-Shehri, "
            "Al-Mutairi, Al-Anazi, Al-Shammari, Al-Mansoori, Al-Nuaimi, Al-Hashimi, "
            "Al-Suwaidi, Al-Falasi, Al-Mazrouei, Al-Kaabi, Al-Shamsi, Al-Ketbi, Al-Ajmi, "
            "Al-Rashidi, Al-Enezi, Al-Kandari, Al-Mutawa, Al-Hajri, Al-Marri, Al-Tamimi, "
            "Al-Jaber, Haddad, Saleh"
        ),
    ),
    "nordic": NamePool(
        _names(
            "Emma, Ida, Maja, Sara, Nora, Ingrid, Astrid, Freja, Karin, Anna, Elin, Linnea, "
            "Sofie, Hanna, Mette, Kristin, Silje, Tuva, Ebba, Signe, Camilla, Helle, Lene, "
            "Marit, Sigrid"
        ),
        _names(
            "Lars, Erik, Anders, Johan, Magnus, Henrik, Ole, Nils, Mikkel, Jonas, Oskar, Emil, "
            "Filip, Jakob, Rasmus, Kristian, Per, Sven, Bjørn, Gustav, Axel, Mathias, Thomas, "
            "Martin, Fredrik"
        ),
        _names(
            "Hansen, Johansen, Olsen, Larsen, Andersen, Pedersen, Nilsen, Kristiansen, Jensen, "
            "Karlsen, Andersson, Johansson, Karlsson, Nilsson, Eriksson, Larsson, Olsson, "
            "Persson, Svensson, Gustafsson, Nielsen, Christensen, Sørensen, Rasmussen, Berg, "
            "Lindberg, Holm, Dahl, Lund, Bakken"
        ),
    ),
}


@dataclass(frozen=True)
class CountryProfile:
    code: str  # ISO 3166-1 alpha-2
    weight: float  # share of patients
    region: str  # which clinics these patients tend to choose
    phone: str  # "+44 7### ######": the country prefix, then # for random digits
    # (preferred_language, weight, name pool): diaspora communities keep their language.
    languages: tuple[tuple[str, float, str], ...]
    timezones: tuple[tuple[str, float], ...]
    mail_hosts: tuple[str, ...]


_GENERIC_HOSTS = ("mailbox.example", "inbox.example", "webmail.example")

# fmt: off
COUNTRIES: tuple[CountryProfile, ...] = (
    CountryProfile("GB", 14, "uk", "+44 7### ######", (("en", 1, "en_gb"),),
                   (("Europe/London", 1),), ("post-uk.example", *_GENERIC_HOSTS)),
    CountryProfile("IE", 3, "uk", "+353 8# ### ####", (("en", 1, "en_gb"),),
                   (("Europe/Dublin", 1),), _GENERIC_HOSTS),
    CountryProfile("US", 13, "americas", "+1 ### ### ####",
                   (("en", 0.85, "en_us"), ("es", 0.15, "es_latam")),
                   (("America/New_York", 0.45), ("America/Chicago", 0.28),
                    ("America/Denver", 0.07), ("America/Los_Angeles", 0.2)),
                   ("homemail-us.example", *_GENERIC_HOSTS)),
    CountryProfile("CA", 4, "americas", "+1 ### ### ####",
                   (("en", 0.8, "en_us"), ("fr", 0.2, "fr")),
                   (("America/Toronto", 0.6), ("America/Vancouver", 0.25),
                    ("America/Edmonton", 0.15)), _GENERIC_HOSTS),
    CountryProfile("AU", 4, "oceania", "+61 4## ### ###", (("en", 1, "en_gb"),),
                   (("Australia/Sydney", 0.4), ("Australia/Melbourne", 0.35),
                    ("Australia/Brisbane", 0.15), ("Australia/Perth", 0.1)),
                   ("post-au.example", *_GENERIC_HOSTS)),
    CountryProfile("DE", 12, "europe", "+49 15# ########", (("de", 0.9, "de"), ("tr", 0.1, "tr")),
                   (("Europe/Berlin", 1),), ("post-de.example", "web-de.example", *_GENERIC_HOSTS)),
    CountryProfile("AT", 2, "europe", "+43 6## #######", (("de", 1, "de"),),
                   (("Europe/Vienna", 1),), ("post-at.example", *_GENERIC_HOSTS)),
    CountryProfile("CH", 2, "europe", "+41 7# ### ## ##",
                   (("de", 0.7, "de"), ("fr", 0.25, "fr"), ("it", 0.05, "it")),
                   (("Europe/Zurich", 1),), ("post-ch.example", *_GENERIC_HOSTS)),
    CountryProfile("NL", 5, "europe", "+31 6 ########", (("nl", 0.92, "nl"), ("tr", 0.08, "tr")),
                   (("Europe/Amsterdam", 1),), ("post-nl.example", *_GENERIC_HOSTS)),
    CountryProfile("BE", 3, "europe", "+32 4## ## ## ##", (("nl", 0.55, "nl"), ("fr", 0.45, "fr")),
                   (("Europe/Brussels", 1),), ("post-be.example", *_GENERIC_HOSTS)),
    CountryProfile("FR", 7, "europe", "+33 6 ## ## ## ##", (("fr", 1, "fr"),),
                   (("Europe/Paris", 1),), ("post-fr.example", "courriel-fr.example",
                                            *_GENERIC_HOSTS)),
    CountryProfile("IT", 5, "europe", "+39 3## ### ####", (("it", 1, "it"),),
                   (("Europe/Rome", 1),), ("posta-it.example", *_GENERIC_HOSTS)),
    CountryProfile("ES", 4, "europe", "+34 6## ### ###", (("es", 1, "es"),),
                   (("Europe/Madrid", 1),), ("correo-es.example", *_GENERIC_HOSTS)),
    CountryProfile("PL", 3, "europe", "+48 ### ### ###", (("pl", 1, "pl"),),
                   (("Europe/Warsaw", 1),), ("poczta-pl.example", *_GENERIC_HOSTS)),
    CountryProfile("NO", 2, "europe", "+47 ### ## ###", (("en", 1, "nordic"),),
                   (("Europe/Oslo", 1),), _GENERIC_HOSTS),
    CountryProfile("SE", 2, "europe", "+46 7# ### ## ##", (("en", 1, "nordic"),),
                   (("Europe/Stockholm", 1),), _GENERIC_HOSTS),
    CountryProfile("DK", 1, "europe", "+45 ## ## ## ##", (("en", 1, "nordic"),),
                   (("Europe/Copenhagen", 1),), _GENERIC_HOSTS),
    CountryProfile("RU", 4, "russia", "+7 9## ###-##-##", (("ru", 1, "ru"),),
                   (("Europe/Moscow", 0.75), ("Asia/Yekaterinburg", 0.1),
                    ("Asia/Novosibirsk", 0.08), ("Asia/Vladivostok", 0.04),
                    ("Europe/Kaliningrad", 0.03)), ("pochta-ru.example", *_GENERIC_HOSTS)),
    CountryProfile("SA", 4, "gulf", "+966 5# ### ####", (("ar", 1, "ar"),),
                   (("Asia/Riyadh", 1),), _GENERIC_HOSTS),
    CountryProfile("AE", 3, "gulf", "+971 5# ### ####", (("ar", 0.6, "ar"), ("en", 0.4, "en_gb")),
                   (("Asia/Dubai", 1),), _GENERIC_HOSTS),
    CountryProfile("KW", 1, "gulf", "+965 #### ####", (("ar", 1, "ar"),),
                   (("Asia/Kuwait", 1),), _GENERIC_HOSTS),
)
# fmt: on
COUNTRIES_BY_CODE = {c.code: c for c in COUNTRIES}


@dataclass(frozen=True)
class ProcedureProfile:
    name: str
    stay_days: int  # nights at the destination, arrival to departure
    recovery_days: int
    cost_eur: tuple[int, int]  # typical quote range in Turkey; clinics scale it
    popularity: float
    female_share: float  # who inquires: IVF and breast surgery mostly women, hair mostly men


PROCEDURES: tuple[ProcedureProfile, ...] = (
    ProcedureProfile("Dental implants", 6, 10, (3_000, 9_000), 22, 0.5),
    ProcedureProfile("Dental veneers", 5, 2, (2_500, 6_500), 10, 0.65),
    ProcedureProfile("Hair transplant (FUE)", 3, 10, (1_800, 3_800), 20, 0.12),
    ProcedureProfile("IVF", 12, 14, (3_500, 7_000), 7, 0.97),
    ProcedureProfile("Knee replacement", 12, 42, (7_500, 14_000), 6, 0.58),
    ProcedureProfile("Hip replacement", 12, 42, (8_000, 15_000), 4, 0.55),
    ProcedureProfile("Rhinoplasty", 7, 14, (2_500, 5_500), 8, 0.7),
    ProcedureProfile("Bariatric surgery (gastric sleeve)", 5, 28, (3_500, 7_500), 8, 0.7),
    ProcedureProfile("Breast augmentation", 6, 21, (3_000, 6_000), 6, 1.0),
    ProcedureProfile("Liposuction", 5, 14, (2_000, 4_500), 5, 0.8),
    ProcedureProfile("LASIK eye surgery", 3, 7, (1_000, 2_400), 4, 0.55),
)
PROCEDURES_BY_NAME = {p.name: p for p in PROCEDURES}

# Rough rates and rounding per quote currency: demo figures only, not for anything real.
CURRENCIES: dict[str, tuple[float, int]] = {
    "EUR": (1.0, 50),
    "GBP": (0.86, 50),
    "USD": (1.1, 50),
    "TRY": (45.0, 1_000),
    "PLN": (4.25, 100),
    "THB": (38.0, 1_000),
}


@dataclass(frozen=True)
class ClinicProfile:
    # Clinic names are invented; the cities are real medical-tourism destinations.
    name: str
    city: str
    country: str
    timezone: str
    currency: str
    price_factor: float
    procedures: tuple[str, ...]
    regions: tuple[tuple[str, float], ...]  # how strongly each patient region picks it


# fmt: off
CLINICS: tuple[ClinicProfile, ...] = (
    ClinicProfile("Bosphorus Dental Clinic", "Istanbul", "TR", "Europe/Istanbul", "EUR", 1.0,
                  ("Dental implants", "Dental veneers"),
                  (("uk", 14), ("europe", 12), ("gulf", 8), ("russia", 10), ("americas", 1),
                   ("oceania", 2))),
    ClinicProfile("Galata Hair Institute", "Istanbul", "TR", "Europe/Istanbul", "EUR", 1.0,
                  ("Hair transplant (FUE)",),
                  (("uk", 12), ("europe", 14), ("gulf", 14), ("russia", 6), ("americas", 2),
                   ("oceania", 3))),
    ClinicProfile("Marmara Surgical Hospital", "Istanbul", "TR", "Europe/Istanbul", "TRY", 1.0,
                  ("Knee replacement", "Hip replacement", "Bariatric surgery (gastric sleeve)",
                   "Rhinoplasty"),
                  (("uk", 6), ("europe", 6), ("gulf", 12), ("russia", 8), ("americas", 1),
                   ("oceania", 1))),
    ClinicProfile("Lara Aesthetic Hospital", "Antalya", "TR", "Europe/Istanbul", "EUR", 1.0,
                  ("Rhinoplasty", "Breast augmentation", "Liposuction"),
                  (("uk", 8), ("europe", 6), ("gulf", 4), ("russia", 12), ("americas", 1),
                   ("oceania", 1))),
    ClinicProfile("Antalya Smile Centre", "Antalya", "TR", "Europe/Istanbul", "GBP", 0.95,
                  ("Dental implants", "Dental veneers"),
                  (("uk", 14), ("europe", 4), ("gulf", 1), ("russia", 6))),
    ClinicProfile("Danube Dental Budapest", "Budapest", "HU", "Europe/Budapest", "EUR", 1.2,
                  ("Dental implants", "Dental veneers"),
                  (("uk", 12), ("europe", 10), ("americas", 1), ("oceania", 1))),
    ClinicProfile("Vltava Fertility Centre", "Prague", "CZ", "Europe/Prague", "EUR", 1.2,
                  ("IVF",),
                  (("uk", 6), ("europe", 6), ("russia", 2), ("americas", 1), ("gulf", 1))),
    ClinicProfile("Vistula Orthopaedic Clinic", "Warsaw", "PL", "Europe/Warsaw", "PLN", 1.1,
                  ("Knee replacement", "Hip replacement"),
                  (("uk", 5), ("europe", 5))),
    ClinicProfile("Baja Bariatric Institute", "Tijuana", "MX", "America/Tijuana", "USD", 1.15,
                  ("Bariatric surgery (gastric sleeve)", "Dental implants"),
                  (("americas", 30), ("oceania", 1))),
    ClinicProfile("Caribe Dental Cancún", "Cancún", "MX", "America/Cancun", "USD", 1.2,
                  ("Dental implants", "Dental veneers"),
                  (("americas", 22), ("uk", 1), ("europe", 1))),
    ClinicProfile("Sukhumvit International Hospital", "Bangkok", "TH", "Asia/Bangkok", "THB",
                  1.3,
                  ("Knee replacement", "Hip replacement", "Bariatric surgery (gastric sleeve)",
                   "Rhinoplasty", "LASIK eye surgery"),
                  (("oceania", 30), ("gulf", 10), ("uk", 2), ("europe", 2), ("americas", 3),
                   ("russia", 3))),
    ClinicProfile("Gangnam Aesthetic Clinic", "Seoul", "KR", "Asia/Seoul", "USD", 1.6,
                  ("Rhinoplasty", "Breast augmentation", "LASIK eye surgery"),
                  (("oceania", 12), ("gulf", 6), ("russia", 8), ("americas", 4), ("uk", 1),
                   ("europe", 1))),
    ClinicProfile("Barcelona Reproductive Institute", "Barcelona", "ES", "Europe/Madrid", "EUR",
                  1.7,
                  ("IVF",),
                  (("uk", 5), ("europe", 7), ("americas", 2), ("gulf", 1))),
)
# fmt: on


@dataclass(frozen=True)
class StaffProfile:
    username: str
    first_name: str
    last_name: str
    role: str
    languages: tuple[str, ...]
    capacity: float  # relative share of new journeys among those speaking the language


# The demo logins demo_setup creates. `coordinator` carries a full queue on purpose: it is
# the login people try first.
DEMO_STAFF: tuple[StaffProfile, ...] = (
    StaffProfile("coordinator", "Clara", "Hoffmann", COORDINATOR, ("en", "de", "nl"), 1.3),
    StaffProfile("manager", "Sarah", "Mitchell", MANAGER, ("en",), 0),
    StaffProfile("elif", "Elif", "Yılmaz", COORDINATOR, ("en", "tr", "de"), 1.2),
    StaffProfile("karim", "Karim", "Haddad", COORDINATOR, ("en", "ar", "fr"), 1.0),
    StaffProfile("lucia", "Lucía", "Romero", COORDINATOR, ("en", "es", "it"), 0.9),
    StaffProfile("anna", "Anna", "Nowak", COORDINATOR, ("en", "pl", "ru"), 0.6),
)
DEMO_STAFF_BY_USERNAME = {s.username: s for s in DEMO_STAFF}
# Extra assignee-only coordinators for big runs (see ensure_coordinator_capacity).
EXTRA_COORDINATOR_PREFIX = "demo-coordinator-"
_EXTRA_LANGUAGES: tuple[tuple[str, ...], ...] = (
    ("en", "de"),
    ("en", "fr"),
    ("en", "es"),
    ("en", "ar"),
    ("en", "ru"),
    ("en", "tr"),
    ("en", "it"),
    ("en", "nl"),
    ("en", "pl"),
    ("en",),
)
# Open (active or postponed) journeys a coordinator can realistically carry.
OPEN_JOURNEYS_PER_COORDINATOR = 120

# Final states and their shares of all journeys: a funnel, most lost early, few in the
# short arrival/procedure windows. (stage index, outcome) -> weight.
FINAL_STATES: tuple[tuple[tuple[int, str], float], ...] = (
    ((0, ACTIVE), 12),
    ((1, ACTIVE), 6),
    ((2, ACTIVE), 1.5),
    ((3, ACTIVE), 2.5),
    ((4, ACTIVE), 5),
    ((4, COMPLETED), 21),
    ((0, LOST), 33),
    ((1, LOST), 8),
    ((2, LOST), 0.8),
    ((3, LOST), 0.4),
    ((4, LOST), 1.8),
    ((0, POSTPONED), 5.5),
    ((1, POSTPONED), 2.5),
)
# The first journeys of every run take these states, so even a tiny demo shows every
# column of the board and every outcome.
SHOWCASE: tuple[tuple[int, str], ...] = (
    (0, ACTIVE),
    (1, ACTIVE),
    (2, ACTIVE),
    (3, ACTIVE),
    (4, ACTIVE),
    (4, COMPLETED),
    (0, LOST),
    (1, LOST),
    (0, POSTPONED),
    (1, POSTPONED),
)

LOST_REASONS_BY_STAGE: dict[int, tuple[tuple[str, float], ...]] = {
    0: (
        ("no_reply", 40),
        ("price", 20),
        ("competitor", 15),
        ("fear", 8),
        ("health", 6),
        ("financing", 5),
        ("travel", 4),
        ("other", 2),
    ),
    1: (
        ("competitor", 25),
        ("fear", 20),
        ("financing", 15),
        ("travel", 12),
        ("price", 10),
        ("health", 10),
        ("no_reply", 5),
        ("other", 3),
    ),
    2: (("health", 60), ("fear", 20), ("other", 20)),
    3: (("health", 60), ("fear", 20), ("other", 20)),
    4: (("no_reply", 70), ("other", 30)),
}
# Free-text reasons a coordinator might type; otherwise the service uses the label.
LOST_TEXTS: dict[str, tuple[str, ...]] = {
    "price": ("Quote above the patient's budget", "Found the total with flights too high"),
    "competitor": ("Chose another clinic", "Went with a clinic closer to home"),
    "fear": ("Decided against surgery for now", "Too anxious to travel for surgery"),
    "health": (
        "Not a candidate after reviewing the medical history",
        "Blood tests on arrival ruled out surgery",
    ),
    "no_reply": (),
    "travel": ("Visa refused", "Cannot take time off work to travel"),
    "financing": ("Loan not approved", "Insurance would not cover it"),
    "other": ("Personal reasons",),
}
POSTPONE_TEXTS = (
    "Saving up for the treatment",
    "Could not get time off work",
    "Wants to travel after the summer holidays",
    "Family matters come first for now",
    "Doctor at home advised waiting a few months",
    "Waiting for a visa appointment",
)
STEP_BACK_TEXTS: dict[str, tuple[str, ...]] = {
    BOOKED: (
        "Patient wants a different treatment plan; new quote needed",
        "Dates fell through before the deposit; back to planning",
    ),
    ARRIVAL: ("Flight cancelled; arrival rebooked", "Missed the connection; new arrival date"),
}
REOPEN_TEXTS = ("Patient back in touch and ready to plan", "Patient confirmed new dates", "")
NOTE_TEXTS: dict[str, tuple[str, ...]] = {
    INQUIRY: (
        "Sent the info pack and price list",
        "Patient asked for before/after photos",
        "Requested a video consultation with the doctor",
        "Waiting for X-rays and medical history",
        "Patient is comparing us with another clinic",
    ),
    BOOKED: (
        "Flights booked; sent the pre-arrival checklist",
        "Hotel and airport transfer confirmed",
        "Patient anxious about the anaesthesia; doctor will call",
        "Deposit received",
    ),
    ARRIVAL: (
        "Picked up at the airport and checked in to the hotel",
        "Final quote reviewed with the patient",
    ),
    PROCEDURE: (
        "Procedure went as planned",
        "Patient in some discomfort; nurse visited",
        "Comfort check-in: all fine",
    ),
    FOLLOWUP: (
        "Day 7 check-in: healing well",
        "Asked for a review",
        "Patient sent photos; the doctor is happy with the result",
        "Patient referred a friend",
    ),
}
FIRST_RESPONSE: tuple[tuple[str, str, float, tuple[int, int]], ...] = (
    # (interaction kind, summary, weight, minutes spent range)
    ("email", "Replied with the info pack and a first estimate", 0.6, (5, 20)),
    ("whatsapp", "WhatsApp reply: introduced myself and asked for photos", 0.25, (3, 12)),
    ("call", "Called back; explained the procedure and the next steps", 0.15, (10, 30)),
)
SOURCES: tuple[tuple[str, float], ...] = (
    ("website", 40),
    ("social", 18),
    ("referral", 14),
    ("agent", 14),
    ("email", 8),
    ("phone", 6),
)
# Inquiries that staff type in (calls, agents, referrals) have an actor; web forms don't.
STAFF_ENTERED_SOURCES = frozenset({"phone", "agent", "referral"})
AGENCIES: dict[str, tuple[str, ...]] = {
    "uk": ("MediTravel UK", "SmileAway Travel"),
    "europe": ("Gesundheitsreisen Nord", "Voyage Santé Conseil"),
    "americas": ("Border Health Partners", "Sunbelt Medical Travel"),
    "gulf": ("Gulf Care Connect",),
    "russia": ("Zdorovye Travel",),
    "oceania": ("Southern Cross Med Travel",),
}
PATIENT_NOTES = (
    "Prefers WhatsApp over email",
    "Travelling with spouse",
    "Needs wheelchair assistance at the airport",
    "Vegetarian; tell the hotel",
    "Asked for a female doctor",
    "Nervous flyer",
    "Prefers calls after 6 pm local time",
    "Bringing previous X-rays on a USB stick",
)

# Business hours as fractions of a clinic-local day.
DAY_START = 8.5 / 24
DAY_END = 18.5 / 24
MINUTE = 1 / 1440
TWO_YEARS = 730

PATIENT_COLUMNS = (
    "id",
    "full_name",
    "email",
    "phone",
    "country",
    "preferred_language",
    "timezone",
    "source",
    "referred_by_id",
    "notes",
    "created_at",
    "updated_at",
)
JOURNEY_COLUMNS = (
    "id",
    "patient_id",
    "procedure_id",
    "clinic_id",
    "coordinator_id",
    "stage",
    "outcome",
    "lost_reason",
    "postponed_until",
    "stage_entered_at",
    "inquiry_received_at",
    "first_response_at",
    "closed_at",
    "planned_arrival",
    "planned_procedure",
    "planned_departure",
    "estimated_cost",
    "currency",
    "created_at",
    "updated_at",
    # Written by journey_move for the managers' reports (reports/).
    "booked_at",
    "arrived_at",
    "procedure_at",
    "followup_at",
    "times_postponed",
)
EVENT_COLUMNS = (
    "journey_id",
    "kind",
    "actor_id",
    "from_stage",
    "to_stage",
    "outcome",
    "reason",
    "data",
    "created_at",
)
INTERACTION_COLUMNS = (
    "journey_id",
    "kind",
    "direction",
    "summary",
    "minutes_spent",
    "by_id",
    "occurred_at",
    "created_at",
)

Row = tuple[Any, ...]

# ---------------------------------------------------------------------------------------
# Catalog and staff (small, idempotent ORM writes)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogEntry:
    procedure_id: int
    clinic_id: int
    procedure: ProcedureProfile
    clinic: ClinicProfile


def ensure_catalog() -> list[CatalogEntry]:
    """The demo clinics and their procedures, created if missing (matched by name)."""
    entries: list[CatalogEntry] = []
    for profile in CLINICS:
        clinic, _ = Clinic.objects.get_or_create(
            name=profile.name,
            city=profile.city,
            defaults={"country": profile.country, "timezone": profile.timezone},
        )
        for name in profile.procedures:
            spec = PROCEDURES_BY_NAME[name]
            procedure, _ = Procedure.objects.get_or_create(
                clinic=clinic,
                name=name,
                defaults={
                    "typical_stay_days": spec.stay_days,
                    "recovery_days": spec.recovery_days,
                },
            )
            entries.append(CatalogEntry(procedure.pk, clinic.pk, spec, profile))
    return entries


@dataclass(frozen=True)
class StaffLogin:
    username: str
    full_name: str
    role: str
    created: bool


def ensure_demo_staff(password: str) -> list[StaffLogin]:
    """Create the demo logins that are missing; never touch an existing user's password.

    Existing users are put (back) into their group; managers are staff (the admin is
    theirs), coordinators are not (they need only the dashboard). Idempotent.
    All new logins share one hash: hashing is deliberately slow and these are demo
    accounts with one published password anyway.
    """
    user_model = get_user_model()
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in (COORDINATOR, MANAGER)}
    hashed: str | None = None
    logins: list[StaffLogin] = []
    for staff in DEMO_STAFF:
        user = user_model.objects.filter(username=staff.username).first()
        created = user is None
        if user is None:
            hashed = hashed or make_password(password)
            user = user_model.objects.create(
                username=staff.username,
                first_name=staff.first_name,
                last_name=staff.last_name,
                email=f"{staff.username}@clinic.example",
                is_staff=staff.role == MANAGER,
                password=hashed,
            )
        elif user.is_staff != (staff.role == MANAGER) and not user.is_superuser:
            user.is_staff = staff.role == MANAGER
            user.save(update_fields=["is_staff"])
        user.groups.add(groups[staff.role])
        logins.append(
            StaffLogin(staff.username, f"{staff.first_name} {staff.last_name}", staff.role, created)
        )
    return logins


@dataclass(frozen=True)
class Assignee:
    user_id: int
    languages: frozenset[str] | None  # None: assign whatever comes
    capacity: float


def _assignees() -> tuple[list[Assignee], list[int]]:
    user_model = get_user_model()
    coordinators: list[Assignee] = []
    rows = (
        user_model.objects.filter(is_active=True, groups__name=COORDINATOR)
        .order_by("pk")
        .values_list("pk", "username")
        .distinct()
    )
    for pk, username in rows:
        staff = DEMO_STAFF_BY_USERNAME.get(username)
        if staff is not None:
            coordinators.append(Assignee(pk, frozenset(staff.languages), staff.capacity))
        elif (suffix := username.removeprefix(EXTRA_COORDINATOR_PREFIX)) != username and (
            suffix.isdigit()
        ):
            number = int(suffix)
            languages = _EXTRA_LANGUAGES[number % len(_EXTRA_LANGUAGES)]
            coordinators.append(Assignee(pk, frozenset(languages), 1.0))
        else:
            coordinators.append(Assignee(pk, None, 1.0))
    managers = list(
        user_model.objects.filter(is_active=True, groups__name=MANAGER)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )
    return coordinators, managers


def ensure_coordinator_capacity(*, new_patients: int) -> int:
    """Add assignee-only coordinators (unusable passwords) until the open journeys after
    this run fit OPEN_JOURNEYS_PER_COORDINATOR each. Returns how many were created.

    Without this, 100,000 patients on the six demo logins would give each coordinator
    thousands of open journeys, which is not a load anyone carries.
    """
    user_model = get_user_model()
    open_now = Journey.objects.filter(outcome__in=[ACTIVE, POSTPONED]).count()
    open_share = sum(w for (_, o), w in FINAL_STATES if o in (ACTIVE, POSTPONED)) / sum(
        w for _, w in FINAL_STATES
    )
    expected_open = open_now + new_patients * 1.21 * open_share
    needed = math.ceil(expected_open / OPEN_JOURNEYS_PER_COORDINATOR)
    have = user_model.objects.filter(is_active=True, groups__name=COORDINATOR).distinct().count()
    missing = needed - have
    if missing <= 0:
        return 0
    taken = user_model.objects.filter(username__startswith=EXTRA_COORDINATOR_PREFIX).count()
    group = Group.objects.get_or_create(name=COORDINATOR)[0]
    unusable = make_password(None)
    users = []
    for number in range(taken + 1, taken + missing + 1):
        # Names from the number, not the run's random stream, so the data stays the same.
        rng = random.Random(number)
        pool = NAME_POOLS[rng.choice(("en_gb", "de", "fr", "es", "it", "tr", "ar", "nl"))]
        first = rng.choice(pool.female if rng.random() < 0.6 else pool.male)
        users.append(
            user_model(
                username=f"{EXTRA_COORDINATOR_PREFIX}{number:04d}",
                first_name=first,
                last_name=rng.choice(pool.last),
                email=f"{EXTRA_COORDINATOR_PREFIX}{number:04d}@clinic.example",
                is_staff=False,
                password=unusable,
            )
        )
    created = user_model.objects.bulk_create(users)
    through = user_model.groups.through
    through.objects.bulk_create([through(user_id=u.pk, group_id=group.pk) for u in created])
    return len(created)


# ---------------------------------------------------------------------------------------
# Generation (no database access)
# ---------------------------------------------------------------------------------------

_ASCII_FOLD = str.maketrans(
    {"ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "ß": "ss"}
)


def email_local_part(first: str, last: str) -> str:
    """'Łukasz', 'Wiśniewski' -> 'lukasz.wisniewski' (ASCII, lower-case)."""

    def fold(text: str) -> str:
        text = unicodedata.normalize("NFKD", text.translate(_ASCII_FOLD))
        return "".join(ch for ch in text.encode("ascii", "ignore").decode() if ch.isalnum())

    return f"{fold(first)}.{fold(last)}".lower()


@dataclass(frozen=True)
class _Clock:
    """'Now' seen from one clinic: today's local date and that midnight as an instant."""

    today: int  # proleptic ordinal of the local date
    midnight: dt.datetime  # aware, UTC
    fraction: float  # days from midnight to now

    @classmethod
    def at(cls, now: dt.datetime, tz_name: str) -> _Clock:
        tz = zoneinfo.ZoneInfo(tz_name)
        today = now.astimezone(tz).date()
        midnight = dt.datetime.combine(today, dt.time(0), tzinfo=tz).astimezone(dt.UTC)
        # A hair under the true value, so an event placed "at now" is never after now.
        fraction = (now - midnight).total_seconds() / 86_400 - 1e-7
        return cls(today.toordinal(), midnight, fraction)


@dataclass
class _Path:
    """A journey being walked, on a relative clock in clinic-local days (day 0 = inquiry)."""

    stage: str = INQUIRY
    outcome: str = ACTIVE
    t: float = 0.0  # time of the latest event or action
    entered: float = 0.0  # stage_entered_at
    closed: float | None = None
    lost_reason: str = ""
    postponed_day: int | None = None
    # (arrival day, procedure day, departure day) of the current booking
    plan: tuple[int, int, int] | None = None
    # (r, kind, actor_id, from_stage, to_stage, outcome, reason, from_outcome, extra)
    events: list[list[Any]] = field(default_factory=list)


@dataclass
class ChunkPlan:
    """One chunk of generated rows, waiting for journey ids."""

    patients: list[Row]
    # (journey row without id, event rows without journey_id, interaction row or None)
    journeys: list[tuple[Row, list[Row], Row | None]]

    def rows(self, journey_ids: Sequence[int]) -> tuple[list[Row], list[Row], list[Row]]:
        journeys: list[Row] = []
        events: list[Row] = []
        interactions: list[Row] = []
        for jid, (journey, journey_events, interaction) in zip(
            journey_ids, self.journeys, strict=True
        ):
            journeys.append((jid, *journey))
            events.extend((jid, *event) for event in journey_events)
            if interaction is not None:
                interactions.append((jid, *interaction))
        return journeys, events, interactions


def _cumulative(weights: Iterable[float]) -> list[float]:
    return list(itertools.accumulate(weights))


class DemoGenerator:
    """Deterministic rows for a run: the same seed, catalog, staff and `now` give the same
    patients, journeys and events (ids and email numbers aside)."""

    def __init__(
        self,
        *,
        seed: int,
        now: dt.datetime,
        catalog: Sequence[CatalogEntry],
        coordinators: Sequence[Assignee],
        managers: Sequence[int],
        first_email_number: int,
        showcase: bool = True,
    ) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.managers = list(managers)
        self.email_number = first_email_number
        self.showcase = list(SHOWCASE) if showcase else []
        self.counts: Counter[tuple[str, str]] = Counter()
        self._country_cum = _cumulative(c.weight for c in COUNTRIES)
        self._final_cum = _cumulative(w for _, w in FINAL_STATES)
        self._source_cum = _cumulative(w for _, w in SOURCES)
        self._sources = [s for s, _ in SOURCES]
        self._finals = [s for s, _ in FINAL_STATES]
        self._clocks = {tz: _Clock.at(now, tz) for tz in {c.timezone for c in CLINICS}}
        self._moves: dict[tuple[str, str, bool], list[Move]] = {}
        self._referrers: list[tuple[dt.datetime, int]] = []
        # Per region: the catalog entries and cumulative weights; a clinic's regional share
        # is split among its procedures by popularity.
        self._by_region: dict[str, tuple[list[CatalogEntry], list[float]]] = {}
        for region in {c.region for c in COUNTRIES}:
            chosen: list[CatalogEntry] = []
            weights: list[float] = []
            for entry in catalog:
                regional = dict(entry.clinic.regions).get(region, 0)
                if not regional:
                    continue
                clinic_popularity = sum(
                    PROCEDURES_BY_NAME[name].popularity for name in entry.clinic.procedures
                )
                chosen.append(entry)
                weights.append(regional * entry.procedure.popularity / clinic_popularity)
            self._by_region[region] = (chosen, _cumulative(weights))
        # Per language: who can take the patient, weighted by capacity.
        self._by_language: dict[str, tuple[list[int], list[float]]] = {}
        for language, _ in settings.PATIENT_LANGUAGES:
            speakers = [
                a
                for a in coordinators
                if a.capacity > 0 and (a.languages is None or language in a.languages)
            ]
            if not speakers:
                speakers = [a for a in coordinators if a.capacity > 0]
            self._by_language[language] = (
                [a.user_id for a in speakers],
                _cumulative(a.capacity for a in speakers),
            )

    # --- small helpers -------------------------------------------------------------------

    def _pick(self, items: Sequence[Any], cum: list[float]) -> Any:
        return items[bisect.bisect(cum, self.rng.random() * cum[-1])]

    def _weighted(self, pairs: Sequence[tuple[Any, float]]) -> Any:
        total = sum(w for _, w in pairs)
        x = self.rng.random() * total
        for value, weight in pairs:
            x -= weight
            if x < 0:
                return value
        return pairs[-1][0]

    def _business(self, t: float, low: float, high: float) -> float:
        """A coordinator's action `low`..`high` days after t, in business hours."""
        c = t + self.rng.uniform(low, high)
        day = math.floor(c)
        frac = c - day
        if frac < DAY_START:
            frac = DAY_START + self.rng.random() * 0.06
        elif frac > DAY_END:
            day += 1
            frac = DAY_START + self.rng.random() * 0.1
        return max(day + frac, t + MINUTE)

    def _before(self, low: float, high: float) -> float:
        """An action after `low` and before `high`, in business hours when possible."""
        c = low + (high - low) * self.rng.uniform(0.1, 0.9)
        day = math.floor(c)
        frac = c - day
        if frac < DAY_START:
            frac = DAY_START + self.rng.random() * 0.06
        elif frac > DAY_END:
            day += 1
            frac = DAY_START + self.rng.random() * 0.1
        snapped = day + frac
        return snapped if low + MINUTE < snapped < high else (low + high) / 2

    def _coordinator(self, language: str) -> int | None:
        ids, cum = self._by_language.get(language, ([], []))
        return self._pick(ids, cum) if ids else None

    # --- the walk ------------------------------------------------------------------------

    def _move(
        self,
        p: _Path,
        target: str,
        at: float,
        actor: int | None,
        *,
        manager: bool = False,
        reason: str = "",
        lost_reason: str = "",
        postponed_day: int | None = None,
    ) -> None:
        """Apply one move exactly as journey_move would, refusing what it would refuse."""
        key = (p.stage, p.outcome, manager)
        moves = self._moves.get(key)
        if moves is None:
            moves = self._moves[key] = allowed_moves(
                stage=p.stage, outcome=p.outcome, manager=manager
            )
        move = next((m for m in moves if m.target == target), None)
        if move is None:
            raise AssertionError(f"demo walk: {target} is not allowed from {p.stage}/{p.outcome}")
        if move.needs_reason and not reason and target != LOST:
            raise AssertionError(f"demo walk: {target} needs a reason")
        if at <= p.t:
            raise AssertionError("demo walk: time went backwards")
        kind = str(move.kind)
        from_stage, from_outcome = p.stage, p.outcome
        extra: Any = None
        if kind == EventKind.LOST:
            p.outcome, p.lost_reason, p.closed = LOST, lost_reason, at
            reason = reason or str(LostReason(lost_reason).label)
            extra = lost_reason
        elif kind == EventKind.POSTPONED:
            assert postponed_day is not None and postponed_day > math.floor(at)
            p.outcome, p.postponed_day = POSTPONED, postponed_day
            # The booking's dates no longer hold; re-engaging plans new ones.
            p.plan = None
            extra = postponed_day
        elif kind == EventKind.COMPLETED:
            p.outcome, p.closed = COMPLETED, at
        else:
            if kind == EventKind.REOPENED:
                p.outcome, p.postponed_day = ACTIVE, None
            p.stage, p.entered = target, at
        p.t = at
        p.events.append(
            [at, kind, actor, from_stage, p.stage, p.outcome, reason, from_outcome, extra]
        )

    def _book(self, p: _Path, at: float, spec: ProcedureProfile, lead: float) -> None:
        """Plan arrival, procedure and departure days for a booking made at `at`."""
        arrival = math.floor(at) + max(2, round(lead))
        procedure = arrival + (1 if self.rng.random() < 0.7 else 2)
        departure = arrival + max(spec.stay_days, procedure - arrival + 1)
        p.plan = (arrival, procedure, departure)

    def _advance(self, p: _Path, spec: ProcedureProfile, actor: int | None) -> None:
        rng = self.rng
        index = STAGE_ORDER.index(p.stage)
        if index == 0:
            at = self._business(p.t, 1, rng.triangular(1, 45, 7))
            self._move(p, BOOKED, at, actor)
            self._book(p, at, spec, rng.triangular(10, 120, 35))
            return
        assert p.plan is not None
        arrival, procedure, departure = p.plan
        if index == 1:
            self._move(p, ARRIVAL, arrival + rng.uniform(0.45, 0.8), actor)
        elif index == 2:
            self._move(p, PROCEDURE, procedure + rng.uniform(0.33, 0.42), actor)
        else:
            self._move(p, FOLLOWUP, departure + rng.uniform(0.38, 0.5), actor)

    def _next_time(self, p: _Path, spec: ProcedureProfile) -> float:
        """When an active journey would take its next step (advance or complete)."""
        rng = self.rng
        index = STAGE_ORDER.index(p.stage)
        if index == 0:
            return self._business(p.t, 1, rng.triangular(1, 45, 7))
        if index == 4:
            days = self._aftercare_days(spec)
            return self._business(p.t, days, days + 5)
        assert p.plan is not None
        arrival, procedure, departure = p.plan
        if index == 1:
            return arrival + rng.uniform(0.45, 0.8)
        if index == 2:
            return procedure + rng.uniform(0.33, 0.42)
        return departure + rng.uniform(0.38, 0.5)

    def _aftercare_days(self, spec: ProcedureProfile) -> float:
        # Check-ins at day 1/7/30/90: most journeys close after the day-90 one.
        return max(spec.recovery_days + 7, self.rng.choice((30, 90, 90, 90)))

    def _leave_time(self, p: _Path) -> float:
        """When a journey is lost, postponed or stepped back from its current stage."""
        rng = self.rng
        index = STAGE_ORDER.index(p.stage)
        if index == 0:
            return self._business(p.t, 1, rng.triangular(2, 60, 14))
        if index == 4:
            return self._business(p.t, 5, rng.triangular(5, 60, 20))
        assert p.plan is not None
        if index == 1:  # before the flight lands
            return self._before(p.t, p.plan[0] + 0.3)
        if index == 2:  # arrival day evening, before the next morning's procedure
            return p.t + rng.uniform(0.02, 0.3)
        return p.t + rng.uniform(0.1, 0.5)  # during the stay, before departure

    def _postpone(self, p: _Path, actor: int | None) -> None:
        at = self._leave_time(p)
        day = math.floor(at) + round(self.rng.triangular(21, 180, 60))
        self._move(
            p, POSTPONED, at, actor, reason=self.rng.choice(POSTPONE_TEXTS), postponed_day=day
        )

    def _plan_path(
        self,
        final: tuple[int, str],
        spec: ProcedureProfile,
        coordinator: int | None,
        created_by: int | None,
    ) -> tuple[_Path, float | None, float]:
        """Walk to `final`. Returns the path, the first-response time and the time of the
        next step an active journey is waiting for (or of its closing event)."""
        rng = self.rng
        final_index, final_outcome = final
        p = _Path()
        t0 = rng.random()
        p.t = p.entered = t0
        p.events.append(
            [t0, EventKind.CREATED.value, created_by, "", INQUIRY, ACTIVE, "", None, None]
        )
        if coordinator is None:
            # An unassigned inquiry waits in the intake queue: nobody has answered yet and
            # someone picks it up within a day or two.
            return p, None, t0 + rng.uniform(0.1, 2.5)
        p.events.append(
            [t0, EventKind.ASSIGNED.value, created_by, "", "", "", "", None, (coordinator, None)]
        )
        response = self._business(t0, 0.004, rng.uniform(0.01, 0.3))
        p.t = response

        postpone_at = None
        if rng.random() < 0.07:
            postpone_at = rng.choice([s for s in (0, 1) if s <= final_index])
        step_back_from = None
        if self.managers and final_index >= 1 and rng.random() < 0.04:
            step_back_from = rng.choice([s for s in (1, 2) if s <= final_index])

        index = 0
        while True:
            if postpone_at == index:
                postpone_at = None
                self._postpone(p, coordinator)
                assert p.postponed_day is not None
                at = p.postponed_day + rng.randint(0, 5) + rng.uniform(DAY_START, DAY_END)
                target = INQUIRY if index == 0 or rng.random() < 0.35 else BOOKED
                self._move(p, target, at, coordinator, reason=rng.choice(REOPEN_TEXTS))
                if target == BOOKED:
                    self._book(p, at, spec, rng.triangular(7, 90, 30))
                index = STAGE_ORDER.index(target)
                continue
            if step_back_from == index:
                step_back_from = None
                stage = p.stage
                at = self._leave_time(p)
                self._move(
                    p,
                    STAGE_ORDER[index - 1],
                    at,
                    rng.choice(self.managers),
                    manager=True,
                    reason=rng.choice(STEP_BACK_TEXTS[stage]),
                )
                if stage == ARRIVAL:
                    self._book(p, at, spec, rng.uniform(3, 21))
                else:
                    p.plan = None
                index -= 1
                continue
            if index == final_index:
                break
            self._advance(p, spec, coordinator)
            index += 1

        if final_outcome == ACTIVE:
            return p, response, self._next_time(p, spec)
        if final_outcome == COMPLETED:
            days = self._aftercare_days(spec)
            self._move(p, COMPLETED, self._business(p.t, days, days + 5), coordinator)
        elif final_outcome == LOST:
            lost_reason = self._weighted(LOST_REASONS_BY_STAGE[final_index])
            texts = LOST_TEXTS[lost_reason]
            text = rng.choice(texts) if texts and rng.random() < 0.5 else ""
            self._move(
                p, LOST, self._leave_time(p), coordinator, reason=text, lost_reason=lost_reason
            )
        else:
            self._postpone(p, coordinator)
        return p, response, p.t

    def _slide(self, p: _Path, final: tuple[int, str], next_at: float, clock: _Clock) -> int:
        """How many days before today day 0 of the path falls (k), so that now sits where
        the final state needs it. now = k + clock.fraction on the path's clock.

        One draw whatever the bounds (which depend on the time of day): runs on different
        days then make the same patients and journeys, only dated differently.
        """
        u = self.rng.random()

        def between(low: int, high: int) -> int:
            return low + int(u * (high - low + 1))

        f = clock.fraction
        # Every event at or before now. (Not p.t: an active inquiry's first reply may
        # still be ahead.)
        earliest = math.ceil(p.events[-1][0] - f)
        outcome = final[1]
        if outcome in (LOST, COMPLETED):
            return between(earliest, max(earliest, TWO_YEARS))
        if outcome == POSTPONED:
            assert p.postponed_day is not None
            # The re-engage date stays at least two days ahead (whatever the time zone).
            return between(earliest, min(max(earliest, TWO_YEARS), p.postponed_day - 2))
        # Active: now between entering the stage and the next step. When the window falls
        # between two business days (a one-day arrival), the next step slips a day.
        while True:
            latest = math.ceil(next_at - f) - 1
            if p.stage == BOOKED:
                assert p.plan is not None
                latest = min(latest, p.plan[0] - 1)  # planned arrival strictly in the future
            if latest >= earliest:
                return between(earliest, latest)
            next_at += 1
            if p.plan is not None and p.stage in (BOOKED, ARRIVAL, PROCEDURE):
                arrival, procedure, departure = p.plan
                if p.stage == BOOKED:
                    p.plan = (arrival + 1, procedure + 1, departure + 1)
                elif p.stage == ARRIVAL:
                    p.plan = (arrival, procedure + 1, departure + 1)
                else:
                    p.plan = (arrival, procedure, departure + 1)

    def _journey(
        self,
        patient_id: int,
        language: str,
        entry: CatalogEntry,
        coordinator: int | None,
        created_by_staff: bool,
        final: tuple[int, str],
    ) -> tuple[Row, list[Row], Row | None, dt.datetime, dt.datetime | None]:
        rng = self.rng
        spec = entry.procedure
        clinic = entry.clinic
        if final == (0, ACTIVE) and rng.random() < 0.3:
            coordinator = None
        created_by = coordinator if created_by_staff else None
        p, response, next_at = self._plan_path(final, spec, coordinator, created_by)
        clock = self._clocks[clinic.timezone]
        k = self._slide(p, final, next_at, clock)
        now_r = k + clock.fraction
        events = p.events

        # Reassignment: a manager hands the journey to a colleague (holiday, language).
        if coordinator is not None and len(events) >= 4 and rng.random() < 0.04:
            i = rng.randrange(2, len(events) - 1)
            cut = rng.uniform(events[i][0], events[i + 1][0])
            new = self._coordinator(language)
            if new is not None and new != coordinator:
                for event in events:
                    if event[0] > cut and event[2] == coordinator:
                        event[2] = new
                manager = rng.choice(self.managers) if self.managers else None
                events.append(
                    [
                        cut,
                        EventKind.ASSIGNED.value,
                        manager,
                        "",
                        "",
                        "",
                        "",
                        None,
                        (new, coordinator),
                    ]
                )
                coordinator = new
        writes = max(e[0] for e in events)  # the last write to the journey row
        # A note in some stage, from whoever held the journey then. (Draws are made
        # whether used or not, so that `now` never shifts the random stream.)
        note_wanted, note_slot, note_at, note_text = (
            rng.random() < 0.3,
            rng.random(),
            rng.random(),
            rng.random(),
        )
        if coordinator is not None and note_wanted:
            times = sorted(e[0] for e in events if e[1] != EventKind.ASSIGNED)
            if p.outcome in (ACTIVE, POSTPONED):
                times.append(now_r)
            i = int(note_slot * (len(times) - 1)) if len(times) > 1 else -1
            if i >= 0 and times[i + 1] - times[i] > 2 * MINUTE:
                at = times[i] + MINUTE + note_at * (times[i + 1] - times[i] - 2 * MINUTE)
                stage, author = INQUIRY, coordinator
                for e in events:
                    if e[0] <= at and e[1] != EventKind.ASSIGNED:
                        stage = e[4]
                    if e[0] <= at and e[1] == EventKind.ASSIGNED:
                        author = e[8][0]
                events.append(
                    [
                        at,
                        EventKind.NOTE.value,
                        author,
                        "",
                        "",
                        "",
                        NOTE_TEXTS[stage][int(note_text * len(NOTE_TEXTS[stage]))],
                        None,
                        None,
                    ]
                )
        events.sort(key=lambda e: e[0])

        base = clock.midnight - dt.timedelta(days=k)
        base_day = clock.today - k

        def when(r: float) -> dt.datetime:
            return base + dt.timedelta(days=r)

        def day(d: int) -> dt.date:
            return dt.date.fromordinal(base_day + d)

        event_rows: list[Row] = []
        for r, kind, actor, from_stage, to_stage, outcome, reason, from_outcome, extra in events:
            data: dict[str, Any]
            if kind == EventKind.ASSIGNED:
                data = {"coordinator_id": extra[0], "previous_id": extra[1]}
            elif from_outcome is None:  # created, note
                data = {}
            elif kind == EventKind.LOST:
                data = {"from_outcome": from_outcome, "lost_reason": extra}
            elif kind == EventKind.POSTPONED:
                data = {"from_outcome": from_outcome, "postponed_until": day(extra).isoformat()}
            else:
                data = {"from_outcome": from_outcome}
            event_rows.append((kind, actor, from_stage, to_stage, outcome, reason, data, when(r)))

        received = when(events[0][0])
        # What journey_move writes for the reports: the first entry into each stage (events
        # are in time order) and how many times the journey was postponed.
        reached: dict[str, dt.datetime] = {}
        postponements = 0
        for kind, _, _, to_stage, _, _, _, at in event_rows:
            if kind in STAGE_ENTERING_KINDS:
                reached.setdefault(to_stage, at)
            postponements += kind == EventKind.POSTPONED
        first_response = when(response) if response is not None and response <= now_r else None
        updated = when(writes)
        if first_response is not None and first_response > updated:
            updated = first_response
        plan = p.plan if p.stage != INQUIRY else None
        cost: Decimal | None = None
        quoted, price = rng.random() < 0.7, rng.random()
        if p.stage != INQUIRY or (first_response is not None and quoted):
            rate, step = CURRENCIES[clinic.currency]
            low, high = spec.cost_eur
            amount = (low + price * (high - low)) * clinic.price_factor * rate
            cost = Decimal(max(step, round(amount / step) * step))
        journey: Row = (
            patient_id,
            entry.procedure_id,
            entry.clinic_id,
            coordinator,
            p.stage,
            p.outcome,
            p.lost_reason,
            day(p.postponed_day) if p.postponed_day is not None else None,
            when(p.entered),
            received,
            first_response,
            when(p.closed) if p.closed is not None else None,
            day(plan[0]) if plan else None,
            day(plan[1]) if plan else None,
            day(plan[2]) if plan else None,
            cost,
            clinic.currency,
            received,  # created_at: when journey_create would have run
            updated,
            reached.get(BOOKED),
            reached.get(ARRIVAL),
            reached.get(PROCEDURE),
            reached.get(FOLLOWUP),
            postponements,
        )
        interaction: Row | None = None
        kind, summary, _, (low_min, high_min) = self._weighted([(r, r[2]) for r in FIRST_RESPONSE])
        minutes = low_min + int(rng.random() * (high_min - low_min + 1))
        if first_response is not None:
            # What interaction_log writes for the reply that stopped the response clock,
            # by the coordinator first assigned.
            interaction = (
                kind,
                "out",
                summary,
                minutes,
                _first_assignee(events),
                first_response,
                first_response,
            )
        self.counts[(p.stage, p.outcome)] += 1
        completed_at = when(p.closed) if p.outcome == COMPLETED and p.closed is not None else None
        return journey, event_rows, interaction, received, completed_at

    # --- patients ------------------------------------------------------------------------

    def plan_chunk(self, patient_ids: Sequence[int]) -> ChunkPlan:
        patients: list[Row] = []
        journeys: list[tuple[Row, list[Row], Row | None]] = []
        for pid in patient_ids:
            patient, planned = self._patient(pid)
            patients.append(patient)
            journeys.extend(planned)
        return ChunkPlan(patients, journeys)

    def _patient(self, pid: int) -> tuple[Row, list[tuple[Row, list[Row], Row | None]]]:
        rng = self.rng
        country: CountryProfile = self._pick(COUNTRIES, self._country_cum)
        language, pool_name = self._weighted(
            [((lang, pool), w) for lang, w, pool in country.languages]
        )
        tz_name = self._weighted(country.timezones)
        entries, cum = self._by_region[country.region]
        first_entry: CatalogEntry = self._pick(entries, cum)
        female = rng.random() < first_entry.procedure.female_share
        chosen = [first_entry]
        extra = rng.random()
        wanted = 3 if extra < 0.04 else 2 if extra < 0.17 else 1
        for _ in range(12):
            if len(chosen) >= wanted:
                break
            entry = self._pick(entries, cum)
            share = entry.procedure.female_share if female else 1 - entry.procedure.female_share
            # One journey per procedure row keeps "one active per patient and procedure".
            if share >= 0.05 and all(e.procedure_id != entry.procedure_id for e in chosen):
                chosen.append(entry)

        pool = NAME_POOLS[pool_name]
        first = rng.choice(pool.female if female else pool.male)
        last = rng.choice(pool.last)
        if female and pool.feminine is not None:
            last = pool.feminine(last)
        source: str = self._pick(self._sources, self._source_cum)
        coordinator = self._coordinator(language)

        planned = []
        first_seen: dt.datetime | None = None
        completed: dt.datetime | None = None
        for entry in chosen:
            if self.showcase and entry is first_entry:
                final = self.showcase.pop(0)
            else:
                final = self._pick(self._finals, self._final_cum)
            journey, events, interaction, received, done = self._journey(
                pid, language, entry, coordinator, source in STAFF_ENTERED_SOURCES, final
            )
            planned.append((journey, events, interaction))
            first_seen = received if first_seen is None else min(first_seen, received)
            if done is not None:
                completed = done if completed is None else min(completed, done)
        assert first_seen is not None

        referred_by = None
        notes = ""
        if source == "referral" and self._referrers:
            # Referred by an earlier patient whose own journey was already completed.
            candidates = [rng.randrange(len(self._referrers)) for _ in range(5)]
            for done_at, referrer in (self._referrers[i] for i in candidates):
                if done_at < first_seen:
                    referred_by = referrer
                    break
        elif source == "agent" and rng.random() < 0.6:
            notes = f"Via partner agency {rng.choice(AGENCIES[country.region])}"
        if not notes and rng.random() < 0.12:
            notes = rng.choice(PATIENT_NOTES)
        if completed is not None:
            self._referrers.append((completed, pid))

        self.email_number += 1
        email = (
            f"{email_local_part(first, last)}.{self.email_number}@{rng.choice(country.mail_hosts)}"
        )
        digits = country.phone.count("#")
        number = iter(f"{rng.randrange(10**digits):0{digits}d}")
        phone = "".join(next(number) if ch == "#" else ch for ch in country.phone)
        patient: Row = (
            pid,
            f"{first} {last}",
            email.lower(),
            phone,
            country.code,
            language,
            tz_name,
            source,
            referred_by,
            notes,
            first_seen,  # created_at: when the first inquiry came in
            first_seen,
        )
        return patient, planned


def _first_assignee(events: list[list[Any]]) -> int | None:
    for event in events:
        if event[1] == EventKind.ASSIGNED:
            return int(event[8][0])
    return None


# ---------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------


def _reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Primary keys for rows not yet written, so foreign keys can be filled in memory."""
    if count == 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk
    assert pk is not None
    column = str(pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # nextval is safe against concurrent inserts and never hands out a value twice.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # Elsewhere (SQLite): the transaction holds the write lock (IMMEDIATE), so nobody
        # else inserts between this read and our insert.
        qn = connection.ops.quote_name
        cursor.execute(f"SELECT MAX({qn(column)}) FROM {qn(table)}")  # noqa: S608
        row = cursor.fetchone()
        start = (row[0] if row and row[0] is not None else 0) + 1
    return list(range(start, start + count))


class _CopyWriter:
    """PostgreSQL COPY: an order of magnitude faster than INSERT for hundreds of thousands
    of rows. Columns the rows don't name (added to the model later) get their defaults.

    Built in the seeding thread, which owns the transaction; `write` may then run on a
    worker thread. It only touches the raw psycopg connection (thread-safe, and locked for
    the whole COPY), never Django's thread-local `connection`.
    """

    name = "copy"
    threaded = True

    def __init__(
        self, now: dt.datetime, tables: Sequence[tuple[type[models.Model], Sequence[str]]]
    ):
        connection.ensure_connection()
        self.raw = connection.connection
        assert self.raw is not None
        self.specs = {model: self._spec(model, columns, now) for model, columns in tables}

    @staticmethod
    def _spec(
        model: type[models.Model], columns: Sequence[str], now: dt.datetime
    ) -> tuple[str, list[int], tuple[Any, ...]]:
        opts = model._meta
        by_attname = {f.attname: f for f in opts.concrete_fields}
        named = [by_attname[name] for name in columns]
        # Generated columns (journeys.Journey.furthest_stage) are computed by PostgreSQL,
        # which refuses them in a COPY.
        extra_fields = [
            f
            for f in opts.concrete_fields
            if f.attname not in columns and not f.primary_key and not f.generated
        ]
        extra_values = tuple(
            now
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            else f.get_db_prep_save(f.get_default(), connection)
            for f in extra_fields
        )
        json_positions = [i for i, f in enumerate(named) if f.get_internal_type() == "JSONField"]
        qn = connection.ops.quote_name
        column_sql = ", ".join(qn(str(f.column)) for f in [*named, *extra_fields])
        sql = f"COPY {qn(opts.db_table)} ({column_sql}) FROM STDIN"
        return sql, json_positions, extra_values

    def write(self, model: type[models.Model], columns: Sequence[str], rows: list[Row]) -> None:
        if not rows:
            return
        sql, json_positions, extra_values = self.specs[model]
        with self.raw.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                if json_positions:
                    values = list(row)
                    for i in json_positions:
                        values[i] = json.dumps(values[i])
                    row = tuple(values)
                copy.write_row(row + extra_values if extra_values else row)


class _OrmWriter:
    """Batched multi-row INSERTs through the ORM, on any database (SQLite for `make run`).

    The same batched insert bulk_create runs, but in raw mode, as loaddata saves fixtures:
    bulk_create would let auto_now/auto_now_add stamp every row with the time of seeding,
    and restoring the planned times afterwards with bulk_update cost more than the insert.
    """

    name = "orm"
    threaded = False  # Django connections belong to one thread

    def __init__(self, now: dt.datetime, batch_size: int) -> None:
        self.now = now
        self.batch_size = batch_size

    def write(self, model: type[models.Model], columns: Sequence[str], rows: list[Row]) -> None:
        if not rows:
            return
        opts = model._meta
        # Every column, the primary key too when we chose it; the rest get model defaults.
        # Generated columns (journeys.Journey.furthest_stage) are the database's to write.
        fields = [
            f
            for f in opts.concrete_fields
            if (f.attname in columns or not f.primary_key) and not f.generated
        ]
        unstamped = [
            f.attname
            for f in fields
            if (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
            and f.attname not in columns
        ]
        objs = []
        for row in rows:
            obj = model(**dict(zip(columns, row, strict=True)))
            for name in unstamped:
                setattr(obj, name, self.now)
            objs.append(obj)
        size = min(self.batch_size, max(connection.ops.bulk_batch_size(fields, objs), 1))
        manager = model._default_manager
        for start in range(0, len(objs), size):
            # QuerySet._insert is what bulk_create and Model.save() call; the stubs leave the
            # private API out. raw=True skips pre_save (auto_now), as loaddata does.
            manager._insert(  # type: ignore[attr-defined]
                objs[start : start + size], fields=fields, raw=True
            )


_EMAIL_NUMBER = re.compile(r"\.(\d+)@[^@]+\.example$")


TABLES: tuple[tuple[type[models.Model], Sequence[str]], ...] = (
    (Patient, PATIENT_COLUMNS),
    (Journey, JOURNEY_COLUMNS),
    (JourneyEvent, EVENT_COLUMNS),
    (Interaction, INTERACTION_COLUMNS),
)


def _write_chunk(out: _CopyWriter | _OrmWriter, rows: Sequence[list[Row]]) -> float:
    """Write one chunk's rows, parents first; returns the seconds it took."""
    started = time.perf_counter()
    for (model, columns), table_rows in zip(TABLES, rows, strict=True):
        out.write(model, columns, table_rows)
    return time.perf_counter() - started


def _next_email_number() -> int:
    """Seeded emails end in .<n>@<host>.example; continue after the highest n in use, so a
    second run adds patients instead of colliding with the first."""
    highest = 0
    for email in Patient.objects.filter(email__iendswith=".example").values_list(
        "email", flat=True
    ):
        match = _EMAIL_NUMBER.search(email.lower())
        if match:
            highest = max(highest, int(match.group(1)))
    return highest


def plan_followups_for_seeded(journey_ids: list[int]) -> None:
    """Seeding writes what journey_move would have written, but not what its listeners
    would have: the JOURNEYS_SEEDED hook lets each app (follow-ups: the current stage's
    check-ins) plan for every journey of the chunk, in the seeding transaction."""
    hooks.fire(hooks.JOURNEYS_SEEDED, journey_ids=journey_ids)


@contextlib.contextmanager
def _gc_running() -> Iterator[None]:
    """Collect as usual inside (around code that isn't ours, which may make cycles)."""
    was_enabled = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not was_enabled:
            gc.disable()


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while generating and writing a chunk.

    A chunk is a few hundred thousand small tuples and lists that live until it is written;
    the collector would rescan them again and again (it made 100,000 patients about 40%
    slower). None of them form reference cycles, so reference counting frees them all.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class SeedStats:
    patients: int = 0
    journeys: int = 0
    events: int = 0
    interactions: int = 0
    coordinators_created: int = 0
    seconds: float = 0.0
    writer: str = ""
    now: dt.datetime | None = None
    patient_ids: list[int] = field(default_factory=list)
    states: Counter[tuple[str, str]] = field(default_factory=Counter)
    timings: dict[str, float] = field(default_factory=dict)


def seed(
    *,
    patients: int,
    seed: int = DEFAULT_SEED,
    batch_size: int = DEFAULT_BATCH_SIZE,
    writer: str = "auto",
    now: dt.datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SeedStats:
    """Add `patients` demo patients with their journeys, events and first-response
    interactions, in one transaction. `writer`: "copy" (PostgreSQL only), "orm" (batched
    INSERTs, any database), or "auto" (COPY on PostgreSQL)."""
    if patients < 0:
        raise ValueError("patients must be zero or more")
    if batch_size < 1:
        raise ValueError("batch_size must be positive")
    started = time.perf_counter()
    now = now or timezone.now()
    use_copy = writer == "copy" or (writer == "auto" and connection.vendor == "postgresql")
    if use_copy and connection.vendor != "postgresql":
        raise ValueError("The copy writer needs PostgreSQL.")
    stats = SeedStats(now=now)
    timings: dict[str, float] = defaultdict(float)
    with transaction.atomic():
        catalog = ensure_catalog()
        stats.coordinators_created = ensure_coordinator_capacity(new_patients=patients)
        coordinators, managers = _assignees()
        generator = DemoGenerator(
            seed=seed,
            now=now,
            catalog=catalog,
            coordinators=coordinators,
            managers=managers,
            first_email_number=_next_email_number(),
        )
        out = _CopyWriter(now, TABLES) if use_copy else _OrmWriter(now, batch_size)
        stats.writer = out.name
        patient_ids = _reserve_ids(Patient, patients)
        # COPY runs on a worker thread while this one generates the next chunk: writing is
        # mostly PostgreSQL's work (indexes), generating is all Python, so they overlap.
        pool = ThreadPoolExecutor(max_workers=1) if out.threaded else None
        pending: tuple[Future[float] | None, list[int], int] | None = None

        def finish(future: Future[float] | None, journey_ids: list[int], done: int) -> None:
            t = time.perf_counter()
            if future is not None:
                timings["write"] += future.result()
            timings["wait"] += time.perf_counter() - t
            t = time.perf_counter()
            with _gc_running():
                plan_followups_for_seeded(journey_ids)
            timings["followups"] += time.perf_counter() - t
            if progress is not None:
                progress(done, patients)

        try:
            with _gc_paused():
                for start in range(0, patients, batch_size):
                    chunk_ids = patient_ids[start : start + batch_size]
                    t = time.perf_counter()
                    plan = generator.plan_chunk(chunk_ids)
                    timings["generate"] += time.perf_counter() - t
                    if pending is not None:
                        finish(*pending)  # the previous chunk is written: the connection is free
                    journey_ids = _reserve_ids(Journey, len(plan.journeys))
                    journeys, events, interactions = plan.rows(journey_ids)
                    rows = (plan.patients, journeys, events, interactions)
                    if pool is not None:
                        future: Future[float] | None = pool.submit(_write_chunk, out, rows)
                    else:
                        timings["write"] += _write_chunk(out, rows)
                        future = None
                    pending = (future, journey_ids, start + len(chunk_ids))
                    stats.patients += len(chunk_ids)
                    stats.journeys += len(journeys)
                    stats.events += len(events)
                    stats.interactions += len(interactions)
                if pending is not None:
                    finish(*pending)
        finally:
            if pool is not None:
                # Never leave the transaction (commit or rollback) with a COPY in flight.
                pool.shutdown(wait=True)
        # The funnel rollup journey_create/journey_move keep current (reports/),
        # recounted once for the rows written around them.
        from journeys.services import journeys_rebuild_funnel_days

        t = time.perf_counter()
        journeys_rebuild_funnel_days()
        timings["rollup"] += time.perf_counter() - t
        stats.patient_ids = patient_ids
        stats.states = generator.counts
        body_done = time.perf_counter()
    # Committing is not free: PostgreSQL checks the deferred foreign keys of every row now.
    timings["commit"] = time.perf_counter() - body_done
    stats.timings = dict(timings)
    stats.seconds = time.perf_counter() - started
    return stats
