import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
application = get_asgi_application()

# No ASGI server runs system checks: run them here and refuse to serve on an error.
from crm.startup import refuse_to_serve_on_errors  # noqa: E402

refuse_to_serve_on_errors()
