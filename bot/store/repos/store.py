"""The store: every concern's part over one database port, whatever the backend."""

from __future__ import annotations

from bot.store.protocol import ReactionStore
from bot.store.repos.articles import ArticleRepo
from bot.store.repos.curation import CurationRepo
from bot.store.repos.meta import MetaRepo
from bot.store.repos.movies import MovieRepo
from bot.store.repos.operator import OperatorRepo
from bot.store.repos.reading import ReadingRepo
from bot.store.repos.schedules import ScheduleRepo
from bot.store.repos.search import SearchRepo
from bot.store.repos.settings import SettingsRepo


class Store(
    ArticleRepo,
    MovieRepo,
    CurationRepo,
    ReadingRepo,
    SettingsRepo,
    ScheduleRepo,
    SearchRepo,
    MetaRepo,
    OperatorRepo,
):
    """The ReactionStore, written once; a backend supplies only its `Database`."""


def _satisfies_protocol(store: Store) -> ReactionStore:
    # Never called: makes mypy prove Store implements every ReactionStore method.
    return store
