# async-guru: one asyncio process serving Discord and Telegram (see docs/deploy.md).
# Build: docker compose build   Run: docker compose up -d   (with a .env from .env.example)
FROM python:3.11-slim-bookworm

# bubblewrap isolates each /run in the sandbox; Debian's python3 (/usr/bin/python3) is the
# interpreter the sandbox runs, with the read-only /usr bound inside it (the image's own Python
# lives in /usr/local and stays the bot's). setpriv/prlimit come with util-linux, which Debian
# always installs. No compilers, no shell tools beyond the base image.
RUN apt-get update \
    && apt-get install -y --no-install-recommends bubblewrap python3 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# The bot never needs root: a fixed, unprivileged uid (also the owner of the database volume).
# Trade-off: bubblewrap then relies on unprivileged user namespaces (the sandbox runs as this
# same uid, inside its own user namespace), which the container must allow: see the
# security_opt lines of docker-compose.yml.
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin bot \
    && mkdir -p /data && chown bot:bot /data

WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CONTENT__PATH=/app/content \
    STORAGE__PATH=/data/async-guru.sqlite3

# Dependencies first, from the runtime lock (exact versions, hashes checked): this layer is
# rebuilt only when requirements.lock changes. The code comes after it, without dependencies.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock
COPY pyproject.toml ./
COPY bot ./bot
RUN pip install --no-deps . && pip check && rm -rf build *.egg-info
COPY content ./content

USER bot
VOLUME ["/data"]
# SIGTERM (docker stop) shuts the bot down gracefully within 5 s.
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot"]
