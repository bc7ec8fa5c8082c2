"""Logging filters that keep personal data out of the logs."""

from __future__ import annotations

import logging
import re

_QUERY = re.compile(r"\?[^\s\"']*")


class StripQueryString(logging.Filter):
    """runserver's access log (`make run`) writes the request line with its query string:
    `"GET /search/?q=Anna+Schmidt HTTP/1.1" 200`. Drop the query from every string argument
    (gunicorn's own format does the same in production: gunicorn.conf.py)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _QUERY.sub("", arg) if isinstance(arg, str) else arg for arg in record.args
            )
        if isinstance(record.msg, str) and not record.args:
            record.msg = _QUERY.sub("", record.msg)
        return True
