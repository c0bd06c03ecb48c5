"""Which settings the CLI uses: the env file (``--env-file`` or ``.env``) and absolute paths.

Relative paths written in an env file are taken relative to that file's folder, so the
bot finds the same database whichever folder it is started from; relative paths in the
process environment are taken relative to the current folder. Either way they become
absolute here, and the bot logs them at start-up.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path

from dotenv import dotenv_values, find_dotenv

from bot.cli.exits import CliError, ExitCode
from bot.config import ConfigError, Settings

PATH_VARIABLES = ("DATABASE_PATH", "ARTICLES_DIR")


def env_file_path(given: str | None) -> Path | None:
    """Return the env file to read: the one given, else ``.env`` here or in a parent folder."""
    if given:
        path = Path(given).expanduser()
        if not path.is_file():
            raise CliError(
                f"the env file {path} does not exist (given with --env-file)", ExitCode.CONFIG
            )
        return path.absolute()
    found = find_dotenv(usecwd=True)
    return Path(found).absolute() if found else None


def merged_environment(
    env_file: Path | None, environ: Mapping[str, str] = os.environ
) -> dict[str, str]:
    """Return the process environment over the env file's values (the environment wins)."""
    merged = dict(environ)
    if env_file is None:
        return merged
    try:
        values = dotenv_values(env_file, encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CliError(f"cannot read the env file {env_file}: {error}", ExitCode.CONFIG) from None
    for name, value in values.items():
        if value is None or name in environ:
            continue
        if name in PATH_VARIABLES and value.strip() and not Path(value.strip()).is_absolute():
            value = str(env_file.parent / value.strip())
        merged[name] = value
    return merged


def load_settings(env_file_option: str | None) -> Settings:
    """Return the settings of this run, with absolute paths; one-line `CliError` if bad."""
    env_file = env_file_path(env_file_option)
    try:
        settings = Settings.from_env(merged_environment(env_file))
    except ConfigError as error:
        raise CliError(str(error), ExitCode.CONFIG) from None
    return dataclasses.replace(
        settings,
        database_path=settings.database_path.expanduser().absolute(),
        articles_dir=settings.articles_dir.expanduser().absolute(),
        env_file=env_file,
    )
