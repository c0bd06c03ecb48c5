from pathlib import Path

from bot.ingest.files import MAX_ARTICLE_BYTES, ingest_paths
from bot.store import Store

SEED = Path(__file__).resolve().parents[2] / "bot" / "data" / "articles" / "12th-fail.txt"


async def test_one_bad_file_is_skipped_and_the_rest_load(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a-good.txt").write_bytes(SEED.read_bytes())
    (folder / "b-empty.txt").write_text("No posts in here at all.", encoding="utf-8")
    (folder / "c-binary.html").write_bytes(b"\x00\xff" * 100)
    (folder / "d-huge.txt").write_bytes(b"x" * (MAX_ARTICLE_BYTES + 1))
    (folder / "notes.md").write_text("ignored: not an article suffix", encoding="utf-8")

    report = await ingest_paths(store, [folder])

    assert [path.name for path, _ in report.stored] == ["a-good.txt"]
    assert sorted(path.name for path, _ in report.failed) == [
        "b-empty.txt",
        "c-binary.html",
        "d-huge.txt",
    ]
    counts = await store.counts()
    assert (counts.articles, counts.reactions) == (1, 10)


async def test_article_without_a_movie_is_refused_with_a_reason(
    store: Store, tmp_path: Path
) -> None:
    article = tmp_path / "nomovie.txt"
    article.write_text("Nice — A (@a) May 1, 2024", encoding="utf-8")
    report = await ingest_paths(store, [article])
    assert report.stored == []
    assert "--movie" in report.failed[0][1]
    report = await ingest_paths(store, [article], movie="Some Film")
    assert report.stored[0][1].movie.slug == "somefilm"
