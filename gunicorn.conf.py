"""gunicorn's settings for `make web` (the command line adds --bind and --workers).

The access log never holds personal data: gunicorn's default format logs the request line
with its query string (%(r)s: /search/?q=Anna+Schmidt) and the Referer (%(f)s, which carries
the previous page's query string). This one logs the path without the query (%(U)s), the
method, status, size and duration, and nothing the client typed.
"""

accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
