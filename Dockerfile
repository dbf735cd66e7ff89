# async-guru: one asyncio process serving Discord and Telegram (see docs/deploy.md).
# Build: docker compose build   Run: docker compose up -d   (with a .env from .env.example)
# The base is a build argument so that a mirror's copy, or a stand-in built where no registry is
# reachable (the Docker test does that), can replace it: it needs `python` with a usable pip.
ARG BASE=python:3.11-slim-bookworm
FROM ${BASE}

# bubblewrap isolates each /run in the sandbox; Debian's python3 (/usr/bin/python3) is the
# interpreter the sandbox runs, with the read-only /usr bound inside it (the image's own Python
# lives in /usr/local and stays the bot's). setpriv/prlimit come with util-linux, which Debian
# always installs; tini is the sandbox service's PID 1 (deploy/sandbox-entrypoint.sh). No
# compilers, no shell tools beyond the base image.
RUN apt-get update \
    && apt-get install -y --no-install-recommends bubblewrap python3 fonts-dejavu-core tini \
    && rm -rf /var/lib/apt/lists/*

# Two fixed, unprivileged uids, one per service of docker-compose.yml. `bot` (10001) owns the
# database volume and holds the tokens; `sandbox` (10002) serves /run and /demo, its sandboxes
# running as it inside their own user namespaces. The bot is in the sandbox's group: that is
# what lets it connect to the service's socket (mode 0660) in /run/sandbox, and nothing else.
RUN groupadd --system --gid 10002 sandbox && groupadd --system --gid 10001 bot \
    && useradd --system --uid 10002 --gid sandbox --home-dir /nonexistent --no-create-home \
       --shell /usr/sbin/nologin sandbox \
    && useradd --system --uid 10001 --gid bot --groups sandbox --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin bot \
    && mkdir -p /data /run/sandbox && chown bot:bot /data \
    && chown sandbox:sandbox /run/sandbox && chmod 0750 /run/sandbox

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
COPY deploy/sandbox-entrypoint.sh ./deploy/

USER bot
VOLUME ["/data"]
# SIGTERM (docker stop) shuts the bot down gracefully within 5 s.
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot"]
