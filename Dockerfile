# PEP Portal: one image for the web process, the Celery worker and Celery beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

# WeasyPrint's system libraries (Pango, HarfBuzz) and fonts for the PEP PDFs; pg_dump and
# pg_restore (PostgreSQL 15, as in docker-compose.yml) for `manage.py backup` and `restore`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
        fonts-liberation shared-mime-info postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 pep
WORKDIR /app

COPY . .
# The settings refuse to load without production values; these exist only for collectstatic.
RUN pip install -c requirements.lock '.[postgres,production]' \
    && SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost EMAIL_HOST=localhost \
       python manage.py collectstatic --no-input \
    && mkdir -p /var/lib/pep-portal/private \
    && chown -R pep /var/lib/pep-portal

USER pep
EXPOSE 8000
# gunicorn.conf.py: access lines carry the path without its query string, and the request id.
CMD ["gunicorn", "--config", "gunicorn.conf.py", "pep_portal.wsgi"]
