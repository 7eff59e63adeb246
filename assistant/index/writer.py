"""The write side of the index: files -> documents -> chunks -> embeddings -> committed index.

Idempotent by construction: a file whose hash matches its manifest record is skipped without
parsing or loading the model; chunk ids derive from content and position, so only new chunks
are embedded. One bad file is reported and skipped while the rest of the batch goes on, and
because a file only becomes visible when its manifest record is committed, nothing already
indexed is lost when a file fails or the process is killed.

Chunks that a commit replaced are deleted only after ``publish`` (the retriever's refresh) has
returned: a question asked during a re-ingest is answered from the old snapshot, whose chunks
are all still there, or from the new one, never from a half-deleted mix.

Several ingests may run at once (uploads in a serving process): only committing, publishing
and removing orphans are serialized, so an upload embedding a large file for minutes never
holds up another upload or a delete. The chunks of files prepared but not yet committed are
claimed, and orphan removal spares them.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from assistant.access.visibility import PUBLIC_TAG, Visibility
from assistant.catalog import Catalog
from assistant.chunking import split_into_chunks
from assistant.config import Settings
from assistant.embedding import Embedder, release_freed_memory
from assistant.errors import AssistantError, IngestCancelledError, IngestError
from assistant.index.store import VectorStore
from assistant.ingest import SUPPORTED_SUFFIXES, load_document
from assistant.types import Chunk, ManifestEntry

log = logging.getLogger(__name__)


@dataclass
class IngestReport:
    """What one ingest run did, file by file."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    chunks_embedded: int = 0

    @property
    def ok(self) -> bool:
        """True when no file failed."""
        return not self.failed


def expand_paths(paths: Iterable[Path]) -> tuple[list[Path], list[Path], list[tuple[str, str]]]:
    """Split inputs into (files, directories, problems); directories are searched recursively."""
    files: list[Path] = []
    directories: list[Path] = []
    problems: list[tuple[str, str]] = []
    for path in paths:
        if path.is_dir():
            directories.append(path)
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and p.suffix.lower() in SUPPORTED_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.is_file():
            files.append(path)
        else:
            problems.append((str(path), f"{path}: no such file or directory"))
    return files, directories, problems


# New chunks are embedded in groups of about this many, across files.
EMBED_GROUP = 64
# A large file's chunks are embedded and written in slices of this many, so that progress can
# be shown and a cancel takes effect within seconds rather than after the whole file.
EMBED_SLICE = 4 * EMBED_GROUP


def _never() -> bool:
    return False


def _ignore(_done: int, _total: int) -> None:
    return None


@dataclass(frozen=True)
class IngestWatch:
    """What a caller may watch and steer in a long ingest (an upload of a large file).

    ``cancelled`` is asked before each slice of chunks is embedded: when it says yes the ingest
    stops before committing the file being embedded (``IngestCancelledError``) and its chunks are
    removed as orphans, so the index is as it was. ``progress`` hears (chunks embedded, chunks
    to embed) after each slice.
    """

    cancelled: Callable[[], bool] = _never
    progress: Callable[[int, int], None] = _ignore


@dataclass
class _Run:
    """One ingest call's choices, and the chunk ids it has claimed (several may run at once)."""

    visibility: Visibility | None = None
    owner: str = ""
    watch: IngestWatch = field(default_factory=IngestWatch)
    claimed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Pending:
    """A file read and chunked, waiting for its new chunks to be embedded and committed."""

    entry: ManifestEntry
    chunks: list[Chunk]
    replaces: bool


@dataclass
class _Batch:
    """Files waiting to be embedded together, and the ids already stored in Chroma."""

    stored: set[str]
    files: list[_Pending] = field(default_factory=list)

    def new_chunks(self) -> list[Chunk]:
        """Chunks of the waiting files not yet in Chroma (each id once)."""
        seen: dict[str, Chunk] = {}
        for pending in self.files:
            for chunk in pending.chunks:
                if chunk.chunk_id not in self.stored:
                    seen.setdefault(chunk.chunk_id, chunk)
        return list(seen.values())

    def new_chunk_count(self) -> int:
        """How many new chunks the waiting files hold."""
        return len(self.new_chunks())


# Bump when loaders or chunking change in a way that must re-index every file.
PIPELINE_VERSION = "4"  # 3: law texts chunked by 条・項 with paragraph and item; 4: visibility tags


def pipeline_fingerprint(settings: Settings, embedder: Embedder) -> str:
    """Identify how chunks are made and embedded; a different value re-indexes every file."""
    key = f"{PIPELINE_VERSION}|{settings.chunk_size}|{settings.chunk_overlap}|{embedder.name}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class IndexWriter:
    """Brings the index in line with a set of files."""

    def __init__(
        self,
        settings: Settings,
        store: VectorStore,
        embedder: Embedder,
        catalog: Catalog,
        publish: Callable[[], None] | None = None,
        embed: Callable[[Sequence[Chunk]], list[list[float]]] | None = None,
    ) -> None:
        self._settings = settings
        self._store = store
        self._embedder = embedder
        self._catalog = catalog
        self._fingerprint = pipeline_fingerprint(settings, embedder)
        self._publish = publish or (lambda: None)
        # Embeds new chunks; the pipeline's also stores their sentences' vectors (see
        # SentenceIndexer), so no start after an ingest has to embed them.
        self._embed = embed or (lambda part: embedder.embed_passages([c.search_text for c in part]))
        self._commit_lock = threading.Lock()
        self._claims_lock = threading.Lock()
        self._claims: Counter[str] = Counter()  # chunk ids of runs that have not committed yet

    def ingest(
        self,
        paths: Sequence[Path],
        *,
        prune: bool = True,
        visibility: Visibility | None = None,
        owner: str = "",
        watch: IngestWatch | None = None,
    ) -> IngestReport:
        """Index new and changed files; with prune, drop files gone from the given folders.

        ``visibility`` (an upload's, chosen by its uploader) overrides the catalog's for every
        file given; ``owner`` names the uploader, whom the rights on replace and delete read.
        """
        run = _Run(visibility, owner, watch or IngestWatch())
        try:
            return self._ingest(paths, prune, run)
        except IngestCancelledError:
            self._release(run)
            with self._commit_lock:
                self._link_versions()
                self._publish()
                self._remove_orphans()  # what the cancelled file had written so far
            raise
        finally:
            self._release(run)

    def _claim(self, run: _Run, chunks: Sequence[Chunk]) -> None:
        ids = [c.chunk_id for c in chunks]
        with self._claims_lock:
            self._claims.update(ids)
        run.claimed.extend(ids)

    def _release(self, run: _Run) -> None:
        with self._claims_lock:
            self._claims.subtract(run.claimed)
            self._claims = +self._claims  # drop ids no run claims any more
        run.claimed.clear()

    def _ingest(self, paths: Sequence[Path], prune: bool, run: _Run) -> IngestReport:
        report = IngestReport()
        files, directories, problems = expand_paths(paths)
        report.failed.extend(problems)
        manifest = self._store.manifest()
        batch = _Batch(stored=self._store.stored_chunk_ids())
        for path in files:
            try:
                pending = self._prepare(path, manifest, report, run)
            except IngestCancelledError:
                raise
            except AssistantError as exc:
                report.failed.append((str(path), str(exc)))
                continue
            except Exception as exc:
                log.exception("unexpected failure on %s", path)
                report.failed.append((str(path), f"{path.name}: unexpected error: {exc}"))
                continue
            if pending:
                self._claim(run, pending.chunks)
                batch.files.append(pending)
                if batch.new_chunk_count() >= EMBED_GROUP:
                    self._flush(batch, manifest, report, run)
        self._flush(batch, manifest, report, run)
        with self._commit_lock:
            if prune:
                self._prune(directories, manifest, report)
            self._link_versions()
            self._publish()
            # Replaced chunks of changed and removed files, and leftovers of a killed run.
            self._remove_orphans()
        return report

    def _prepare(
        self, path: Path, manifest: dict[str, ManifestEntry], report: IngestReport, run: _Run
    ) -> _Pending | None:
        """Read and chunk one file, or None when it is unchanged since its last commit."""
        name = path.name
        old = manifest.get(name)
        resolved = str(path.resolve())
        if old and old.path and old.path != resolved and Path(old.path).exists():
            raise IngestError(
                f"{name}: a different file with this name is already indexed from {old.path}; "
                "rename one of them"
            )
        tag = self._visibility_of(name, run)
        owner = run.owner or (old.owner if old else "")
        current = (
            old
            and old.pipeline == self._fingerprint
            and old.path == resolved
            and (old.visibility, old.owner) == (tag, owner)
        )
        if current and old and old.sha256 == _sha256(path):
            report.unchanged.append(name)
            return None
        document = load_document(path, self._catalog)
        report.warnings.extend(document.warnings)
        # A restricted file's chunk ids differ from the same text made public, so a change of
        # visibility writes new chunks (tagged anew in the store's metadata) instead of
        # finding the old ids stored and keeping their old tag.
        salt = self._fingerprint if tag == PUBLIC_TAG else f"{self._fingerprint}|{tag}"
        chunks = [
            replace(c, visibility=tag)
            for c in split_into_chunks(
                document, self._settings.chunk_size, self._settings.chunk_overlap, salt
            )
        ]
        entry = ManifestEntry(
            source=name,
            sha256=document.sha256,
            chunk_ids=tuple(c.chunk_id for c in chunks),
            title=document.title,
            kind=document.kind,
            version=document.version,
            path=resolved,
            pipeline=self._fingerprint,
            visibility=tag,
            owner=owner,
        )
        return _Pending(entry, chunks, replaces=old is not None)

    def _visibility_of(self, name: str, run: _Run) -> str:
        """The tag of a file: the upload's choice, else its catalog entry's, else public."""
        if run.visibility is not None:
            return run.visibility.tag
        listed = self._catalog.get(name)
        return listed.visibility if listed and listed.visibility else PUBLIC_TAG

    def _flush(
        self, batch: _Batch, manifest: dict[str, ManifestEntry], report: IngestReport, run: _Run
    ) -> None:
        """Embed the batch's new chunks in one call, write them, then commit file by file.

        Embedding many small files one by one wastes most of the model's time on tiny
        batches; grouping them keeps ingest of a folder of short documents fast.
        """
        new = batch.new_chunks()
        for start in range(0, len(new), EMBED_SLICE):
            if run.watch.cancelled():
                raise IngestCancelledError("the upload was cancelled; nothing was indexed")
            part = new[start : start + EMBED_SLICE]
            vectors = self._embed(part)
            release_freed_memory()  # a serving process ingests uploads: keep its peak down
            self._store.add_chunks(part, vectors)
            batch.stored.update(c.chunk_id for c in part)
            report.chunks_embedded += len(part)
            run.watch.progress(start + len(part), len(new))
        with self._commit_lock:
            for pending in batch.files:
                self._store.commit(pending.entry)
                manifest[pending.entry.source] = pending.entry
                (report.updated if pending.replaces else report.added).append(pending.entry.source)
                log.info("indexed %s: %d chunks", pending.entry.source, len(pending.chunks))
        batch.files.clear()

    def remove(self, source: str) -> bool:
        """Remove one document (by file name) from the index; False if it was not indexed."""
        with self._commit_lock:
            entry = self._store.manifest().get(source)
            if entry is None:
                return False
            self._store.uncommit(source)
            self._link_versions()  # an older edition it superseded is current again
            self._publish()
            self._store.delete_chunks(entry.chunk_ids)
            return True

    def _prune(
        self, directories: list[Path], manifest: dict[str, ManifestEntry], report: IngestReport
    ) -> None:
        roots = [str(d.resolve()) for d in directories]
        for name, entry in list(manifest.items()):
            inside = any(entry.path.startswith(root.rstrip("/") + "/") for root in roots)
            if inside and not Path(entry.path).exists():
                self._store.uncommit(name)  # its chunks go with the orphans, after publishing
                del manifest[name]
                report.removed.append(name)

    def _remove_orphans(self) -> None:
        """Delete chunks no manifest record points to (left by a killed or failed ingest), but
        not those of a file another ingest is still embedding."""
        live = {cid for e in self._store.manifest().values() for cid in e.chunk_ids}
        with self._claims_lock:
            live.update(self._claims)
        orphans = sorted(self._store.stored_chunk_ids() - live)
        if orphans:
            log.info("removing %d orphaned chunks", len(orphans))
            self._store.delete_chunks(orphans)

    def _link_versions(self) -> None:
        """Record in the manifest the newest indexed version that supersedes each document."""
        manifest = self._store.manifest()
        newest = latest_versions(catalog_successors(self._catalog), set(manifest))
        for name, entry in manifest.items():
            if entry.superseded_by != newest[name]:
                self._store.commit(replace(entry, superseded_by=newest[name]))


def catalog_successors(catalog: Catalog) -> dict[str, str]:
    """File name -> file name of its next version, from ``supersedes`` and ``superseded_by``."""
    successors: dict[str, str] = {}
    for entry in catalog.entries:
        if entry.supersedes:
            successors[Path(entry.supersedes).name] = entry.name
        if entry.superseded_by:
            successors[entry.name] = Path(entry.superseded_by).name
    return successors


def latest_versions(successors: Mapping[str, str], indexed: set[str]) -> dict[str, str]:
    """For each indexed file, the newest indexed file that supersedes it ("" if none).

    Versions not indexed are stepped over: when v1 and v3 are indexed but v2 is not, v1 is
    still superseded (by v3). A document on a cycle (a catalog mistake) counts as current:
    hiding every edition of it would be worse than showing two.
    """
    newest: dict[str, str] = {}
    for name in indexed:
        seen, current, found = {name}, name, ""
        while current in successors and successors[current] not in seen:
            current = successors[current]
            seen.add(current)
            found = current if current in indexed else found
        on_cycle = successors.get(current) == name and current != name
        newest[name] = "" if on_cycle else found
    return newest
