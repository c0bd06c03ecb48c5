"""``copy-db``: move the bot's SQLite database into an empty PostgreSQL one."""

from __future__ import annotations

from bot.cli.exits import CliError, ExitCode
from bot.cli.progress import progress
from bot.config import POSTGRES_SCHEMES, Settings
from bot.store.postgres.copy import copy_sqlite_to_postgres, source_counts
from bot.store.postgres.database import safe_url


async def command_copy_db(settings: Settings, target_url: str) -> int:
    """Copy DATABASE_PATH's tables into the empty database ``target_url``; print the counts.

    Refuses a URL that is not PostgreSQL's, a missing source and a target with rows. The
    copy is one transaction: on any failure the target stays empty.
    """
    if not target_url.lower().startswith(POSTGRES_SCHEMES):
        raise CliError(
            "--to must be a PostgreSQL URL starting with postgresql:// or postgres://",
            ExitCode.BAD_INPUT,
        )
    source = settings.database_path
    total = sum((await source_counts(source)).values())
    with progress(total, "copy", "row") as advance:
        counts = await copy_sqlite_to_postgres(source, target_url, advance)
    for table, count in counts.items():
        print(f"{table}: {count}")
    print(
        f"copied {sum(counts.values())} row(s) from {source} to {safe_url(target_url)}; "
        "counts verified. Set DATABASE_URL to use it."
    )
    return ExitCode.OK
