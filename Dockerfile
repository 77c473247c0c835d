# Production image: gunicorn web and Celery worker (same image, different command; see docker-compose.yml).
# Debian 12 (bookworm), like the project's machines: the font and library packages below are checked there.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings

# WeasyPrint (PDF documents): Pango, HarfBuzz subsetting, and Liberation Serif 2.x, metric-compatible with
# Times New Roman and complete for Vietnamese (fonts-liberation 1.x lacks most accented letters).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them. Pinned with hashes.
COPY requirements/base.txt requirements/base.txt
RUN pip install --require-hashes -r requirements/base.txt

COPY . .

RUN useradd --system --create-home --home-dir /home/app app \
    && mkdir -p /app/var/media /app/staticfiles \
    && chown -R app:app /app/var /app/staticfiles
USER app

EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "5", "--access-logfile", "-"]
