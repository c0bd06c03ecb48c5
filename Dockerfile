# Reaction Reel: the bot in a container, installed the way the README's quick start does.
# Build: docker build -t reaction-reel .    Run: see compose.yaml and docs/deployment.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

# A dedicated user without a login shell; the bot never runs as root.
RUN useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin reel

WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY cogs ./cogs
RUN pip install .

# The database lives on a volume; a named volume takes this folder's owner when created.
RUN mkdir /data && chown reel:reel /data
ENV DATABASE_PATH=/data/reactions.db
VOLUME ["/data"]

USER reel
# ARTICLES_DIR is left unset: the bundled articles load at start-up.
CMD ["python", "-m", "bot"]
