import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
application = get_wsgi_application()

# gunicorn runs no system checks: run them here and refuse to serve on an error.
from crm.startup import refuse_to_serve_on_errors  # noqa: E402

refuse_to_serve_on_errors()
