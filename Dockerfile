# The production image: the same Makefile targets as a developer uses (`make web`, `make worker`,
# `make beat`), with the virtual environment built at image time.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends make \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml requirements.lock Makefile ./
COPY bin ./bin
# Install dependencies first so code changes don't rebuild this layer. Runtime dependencies
# only: no test runner, linters or browser driver in the production image.
RUN python -m venv .venv \
 && .venv/bin/pip install --quiet -c requirements.lock -e .
COPY . .
RUN touch .venv/.installed \
 && useradd --system --home /app crm && mkdir -p /app/var && chown -R crm /app/var
USER crm

EXPOSE 8000
CMD ["make", "web"]
