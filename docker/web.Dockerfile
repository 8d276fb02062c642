# The Django web app, the connector daemon and the daily jobs share this image.
FROM python:3.12-slim-bookworm

RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        gettext ffmpeg sox libsox-fmt-all espeak-ng nodejs npm \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY hotline ./hotline
COPY hotline_crm ./hotline_crm
COPY hotline_asterisk_connector ./hotline_asterisk_connector
COPY hotline_reports ./hotline_reports
COPY hotline_admin ./hotline_admin
COPY hotline_workspace ./hotline_workspace
COPY asterisk ./asterisk
COPY manage.py package.json package-lock.json ./
RUN pip install --no-cache-dir -e . \
    && npm ci --no-audit --no-fund \
    && npm run --silent build \
    && python manage.py compilemessages --ignore=node_modules -v 0 \
    && SECRET_KEY=build python manage.py collectstatic --noinput -v 0

ENV HOTLINE_PRODUCTION=1 \
    HOTLINE_VAR_DIR=/var/lib/hotline
EXPOSE 8000
CMD ["daphne", "-b", "127.0.0.1", "-p", "8000", "hotline.asgi:application"]
