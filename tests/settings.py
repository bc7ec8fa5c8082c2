"""The test suite's settings: crm.settings without a developer's local .env.

The suite is defined by its environment alone (`make test`, CI, the command in the README):
a `.env` left in the checkout (DEBUG, SECRET_KEY, maybe an SMTP server or another time zone)
must not change what the tests see. ENV_FILE= turns the file off before crm.settings reads
it, and the processes the tests start (settings checks, Celery workers) inherit it.
"""

import os

os.environ["ENV_FILE"] = ""

from crm.settings import *  # noqa: F403
