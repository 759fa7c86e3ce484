"""Build the three language editions into ``_build/site``.

Steps: stage each edition's sources (``_build/stage/<lang>``), execute the notebook
chapters with papermill (cached), build each edition with Jupyter Book (nitpicky,
warnings as errors), assemble the site aside and swap it in only when everything
succeeded. Run ``python -m tooling.build``.
"""
from __future__ import annotations

import sys

if __name__ == "__main__":
    # Nothing changed since the last successful build? Decided from the inputs' content before
    # the libraries below are imported (a second of their own) or Sphinx is started.
    from tooling import build_key

    _arguments = build_key.parser().parse_args()
    if build_key.unchanged(_arguments.build_dir, _arguments.pdf):
        sys.stdout.write("[   done] nothing changed since the last build (inputs' key unchanged); "
                         "notebooks executed 0, cached 0; editions built 0, unchanged 3\n")
        sys.exit(0)

import functools
import hashlib
import json
import html
import os
import shutil
import subprocess
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import yaml

from analysis.present.i18n import LANGUAGES, t
from analysis.paths import DATA_DIR, REPO
from tooling import build_key, citation, kernels, notebooks, pdf, release_files, search_index, shared_assets

BUILD = REPO / "_build"
NOTEBOOK_DIR = REPO / "analysis" / "notebooks"
PROSE_DIR = REPO / "chapters"
MATHJAX = REPO / "node_modules" / "mathjax" / "es5"
# The interactive charts' scripts, published once beside the editions (``_assets/charts/``)
CHART_SCRIPTS = {"vega.min.js": REPO / "node_modules" / "vega" / "build" / "vega.min.js",
                 "vega-lite.min.js": REPO / "node_modules" / "vega-lite" / "build" / "vega-lite.min.js",
                 "vega-embed.min.js": REPO / "node_modules" / "vega-embed" / "build" / "vega-embed.min.js",
                 "charts.js": REPO / "tooling" / "charts" / "charts.js"}
# Theme files no page uses: template fragments, the theme's catalogues for other
# languages (used only while building), and source maps of minified scripts.
UNPUBLISHED = ["_static/webpack-macros.html", "_static/sbt-webpack-macros.html", ".buildinfo", "_static/locales"]
UNPUBLISHED_SUFFIXES = {".map", ".po"}


class BuildError(RuntimeError):
    pass


def log(step: str, message: str) -> None:
    sys.stdout.write(f"[{step:>7}] {message}\n")  # one write: lines from parallel runs stay whole
    sys.stdout.flush()


class Builder:
    def __init__(self, build_dir: Path = BUILD, jobs: int = 2, with_pdf: bool = False):
        self.build_dir = build_dir
        self.jobs = jobs
        self.with_pdf = with_pdf
        self.counts = {"executed": 0, "cached": 0, "built": 0, "unchanged": 0}
        self._counts_lock = threading.Lock()  # notebook runs and editions are counted from several threads
        self._worker = threading.local()  # each notebook worker's warm kernel
        self._kernels: list[kernels.WarmKernel] = []
        self._runs: dict[tuple[Path, str], tuple] = {}
        self._sources: dict[Path, object] = {}  # each notebook chapter's source, read once

    def count(self, key: str) -> None:
        with self._counts_lock:
            self.counts[key] += 1

    @functools.cached_property
    def release(self) -> citation.Release:
        """The version and the commit being built, dated by the commit."""
        try:
            return citation.current_release()
        except citation.CitationError as error:
            raise BuildError(str(error)) from None

    @functools.cached_property
    def site(self) -> citation.Site:
        """The public addresses (``_config.yml``'s ``silkroad`` block, or the environment)."""
        try:
            return citation.site()
        except citation.CitationError as error:
            raise BuildError(str(error)) from None

    # ---- staging -------------------------------------------------------------------
    def toc_files(self) -> list[str]:
        toc = yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))
        files = [toc["root"]]
        pending = list(toc.get("chapters", [])) + [e for p in toc.get("parts", []) for e in p.get("chapters", [])]
        while pending:
            entry = pending.pop(0)
            files.append(entry["file"])
            pending += entry.get("sections", [])
        return files

    def source_of(self, docname: str, lang: str) -> Path:
        name = Path(docname).name
        notebook = NOTEBOOK_DIR / f"{name}.md"
        prose = PROSE_DIR / lang / f"{name}.md"
        if notebook.is_file() and prose.is_file():
            raise BuildError(f"{docname}: both {prose} and {notebook} exist; a page is prose or a notebook")
        if notebook.is_file():
            return notebook
        if prose.is_file():
            return prose
        raise BuildError(f"{docname}: no page for language {lang!r} (expected {prose} or {notebook})")

    def stage(self, lang: str) -> None:
        stage = self.build_dir / "stage" / lang
        stage.mkdir(parents=True, exist_ok=True)
        wanted: dict[str, bytes] = {
            "_config.yml": self.config_for(lang).encode(),
            "_toc.yml": (REPO / "_toc.yml").read_bytes(),
            "references.bib": (REPO / "references.bib").read_bytes(),
        }
        for template in (REPO / "tooling" / "templates").glob("*.html"):
            wanted[f"_templates/{template.name}"] = template.read_bytes()
        for asset in (REPO / "tooling" / "static").glob("*"):
            wanted[f"_assets/{asset.name}"] = asset.read_bytes()
        wanted.update(self.mathjax_files())
        wanted.update(pdf.staged_files())
        for docname in self.toc_files():
            source = self.source_of(docname, lang)
            if source.parent == NOTEBOOK_DIR:
                wanted[f"{docname}.ipynb"] = self.executed(source, lang)
            else:
                wanted[f"{docname}.md"] = source.read_bytes()
        sync_tree(stage, wanted)

    def config_for(self, lang: str) -> str:
        config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
        config["title"] = t("book.title", lang)
        config["author"] = t("book.author", lang)
        sphinx = config.setdefault("sphinx", {})
        sphinx["local_extensions"] = {k: str(REPO / v) for k, v in sphinx.get("local_extensions", {}).items()}
        sphinx.setdefault("config", {})["language"] = lang
        # a copy: Sphinx compiles the catalogues next to themselves, keep that out of the sources
        sphinx["config"]["locale_dirs"] = [str(self.build_dir.resolve() / "locale")]
        sphinx["config"]["nb_code_prompt_show"] = t("notebook.show_code", lang)
        sphinx["config"]["nb_code_prompt_hide"] = t("notebook.hide_code", lang)
        # captions numbered as the language writes them: «2-сурет.», «Рис. 2.», "Fig. 2."
        sphinx["config"]["numfig_format"] = {kind: t(f"caption.{kind}", lang, number="%s") for kind in ("figure", "table")}
        # merged into Jupyter Book's own theme options rather than replacing them
        sphinx["recursive_update"] = True
        sphinx["config"]["html_theme_options"] = {"search_bar_text": t("search.placeholder", lang)}
        config["latex"] = pdf.book_config(lang)
        sphinx["config"].update(pdf.sphinx_config(lang))
        # the web edition links to its PDF only when this build makes one
        sphinx["config"]["pdf_edition"] = pdf.pdf_name(lang) if self.with_pdf else ""
        sphinx["config"]["today"] = citation.long_date(self.release.date, lang)  # the PDF's title page
        sphinx["config"]["book_release"] = {"version": self.release.version, "commit": self.release.commit,
                                            "date": self.release.date.isoformat()}
        # where the edition is published: Sphinx's own html_baseurl (the canonical links, and
        # what other extensions read) holds the edition's address, empty for a local build
        config.pop("silkroad", None)
        sphinx["config"]["html_baseurl"] = self.site.edition_url(lang)
        sphinx["config"]["book_site"] = {"base_url": self.site.base_url, "repository": self.site.repository,
                                         "doi": self.site.doi}
        return yaml.safe_dump(config, allow_unicode=True, sort_keys=True)

    def mathjax_files(self) -> dict[str, bytes]:
        if not (MATHJAX / "tex-chtml.js").is_file():
            raise BuildError(f"MathJax not found at {MATHJAX}: run `npm ci` (the Makefile does)")
        files = {"_assets/mathjax/tex-chtml.js": (MATHJAX / "tex-chtml.js").read_bytes()}
        fonts = MATHJAX / "output" / "chtml" / "fonts" / "woff-v2"
        for font in sorted(fonts.glob("*.woff")):
            files[f"_assets/mathjax/output/chtml/fonts/woff-v2/{font.name}"] = font.read_bytes()
        return files

    # ---- notebooks -----------------------------------------------------------------
    def cached_run(self, source: Path, lang: str):
        """The notebook's cells for ``lang`` and where its executed copy is cached (read once
        per build: both the cache look-up and the staging need it)."""
        if (source, lang) not in self._runs:
            if source not in self._sources:
                self._sources[source] = notebooks.read_source(source, self.build_dir / "cache" / "sources")
            notebook = notebooks.cells_for(self._sources[source], lang)
            parameters = {"lang": lang}
            key = notebooks.cache_key(notebook, parameters, self.inputs)
            self._runs[source, lang] = notebook, parameters, self.build_dir / "cache" / f"{source.stem}-{lang}-{key}.ipynb"
        return self._runs[source, lang]

    def pending_runs(self) -> dict[str, list]:
        """Per language, the notebook chapters not in the cache, in the order of the book."""
        chapters = [self.source_of(docname, LANGUAGES[0]) for docname in self.toc_files()]
        runs = {}
        for lang in LANGUAGES:
            runs[lang] = []
            for source in (s for s in chapters if s.parent == NOTEBOOK_DIR):
                notebook, parameters, cached = self.cached_run(source, lang)
                if cached.is_file():
                    self.count("cached")
                    log("cache", f"{lang} {source.name}: hit")
                else:
                    runs[lang].append((notebook, source, lang, parameters, cached))
        return runs

    def warm_kernel(self) -> kernels.WarmKernel:
        """This worker's kernel, started on first use and reset to a fresh session."""
        kernel = getattr(self._worker, "kernel", None)
        if kernel is None:
            kernel = self._worker.kernel = kernels.WarmKernel("python3", REPO)
            self._kernels.append(kernel)
        try:
            kernel.reset()
        except kernels.KernelError as error:
            raise BuildError(str(error)) from None
        return kernel

    def shutdown_kernels(self) -> None:
        for kernel in self._kernels:
            kernel.shutdown()
        self._kernels.clear()
        self._worker = threading.local()

    def executed(self, source: Path, lang: str) -> bytes:
        """The staged notebook: this language's cells with the cached run's outputs. Kept in
        ``staged/`` by the content of its cells, its run and the grafting code, so that a
        rebuild reads it back instead of grafting again."""
        notebook, _, cached = self.cached_run(source, lang)
        run = cached.stat()
        key = hashlib.sha256(json.dumps([notebooks.content_fingerprint(notebook), cached.name, run.st_size,
                                         run.st_mtime_ns]).encode()
                             + Path(notebooks.__file__).read_bytes()).hexdigest()[:32]
        staged = self.build_dir / "staged" / f"{source.stem}-{lang}-{key}.ipynb"
        if staged.is_file():
            return staged.read_bytes()
        result = notebooks.graft_outputs(notebook, nbformat.read(cached, as_version=4))
        content = nbformat.writes(notebooks.strip_volatile(result)).encode() + b"\n"
        staged.parent.mkdir(parents=True, exist_ok=True)
        for old in staged.parent.glob(f"{source.stem}-{lang}-*.ipynb"):
            old.unlink()
        staged.write_bytes(content)
        return content

    def run_notebook(self, notebook, source: Path, lang: str, parameters: dict, cached: Path) -> None:
        import papermill  # here: a rebuild that executes nothing need not load it

        started = time.perf_counter()
        log("execute", f"{lang} {source.name} ...")
        work = self.build_dir / "cache" / "running"
        work.mkdir(parents=True, exist_ok=True)
        unexecuted = work / f"{source.stem}-{lang}.in.ipynb"
        output = work / f"{source.stem}-{lang}.ipynb"
        nbformat.write(notebook, unexecuted)
        try:
            papermill.execute_notebook(str(unexecuted), str(output), parameters=parameters, cwd=str(REPO),
                                       kernel_name="python3", km=self.warm_kernel().manager,
                                       progress_bar=False, log_output=False,
                                       # written once at the end: papermill would otherwise
                                       # validate and write the whole notebook twice per cell
                                       request_save_on_cell_execute=False)
        except papermill.PapermillExecutionError as error:
            raise BuildError(f"notebook {source.name} ({lang}) failed in cell {error.exec_count} "
                             f"(execution count):\n{error.ename}: {error.evalue}\n{''.join(error.traceback)}") from None
        executed = notebooks.strip_volatile(nbformat.read(output, as_version=4))
        nbformat.write(executed, cached)
        self.count("executed")
        log("execute", f"{lang} {source.name}: done in {time.perf_counter() - started:.1f} s")

    # ---- Jupyter Book ----------------------------------------------------------------
    def build_edition(self, lang: str, stage: Path) -> None:
        started = time.perf_counter()
        out = self.build_dir / "editions" / lang
        stamp = self.build_dir / "editions" / f"{lang}.stamp"
        if not stamp.is_file() or stamp.read_text().split(":")[0] != self.tooling_digest():
            # Sphinx does not notice changed extensions or catalogues: build from scratch
            shutil.rmtree(out, ignore_errors=True)
        command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(stage), "--path-output", str(out),
                   "--warningiserror", "--nitpick", "--keep-going", "--quiet"]
        log("book", f"{lang}: building ...")
        result = subprocess.run(command, capture_output=True, text=True, cwd=REPO, env=book_environment())
        if result.returncode != 0:
            raise BuildError(f"Jupyter Book build of the {lang} edition failed:\n{result.stdout[-6000:]}\n{result.stderr[-6000:]}")
        stamp.write_text(f"{self.tooling_digest()}:{self.stage_digest(stage)}")
        self.count("built")
        log("book", f"{lang}: built in {time.perf_counter() - started:.1f} s")

    def build_pdf(self, lang: str, stage: Path) -> None:
        """The edition's PDF, typeset again only when its staged sources or the tooling changed."""
        out = self.build_dir / "pdf" / lang
        stamp = self.build_dir / "pdf" / f"{lang}.stamp"
        digest = f"{self.tooling_digest()}:{self.stage_digest(stage)}"
        if stamp.is_file() and stamp.read_text() == digest and (out / "_build" / "latex" / f"{pdf.TARGET}.pdf").is_file():
            log("pdf", f"{lang}: unchanged, not rebuilt")
            return
        started = time.perf_counter()
        log("pdf", f"{lang}: typesetting ...")
        shutil.rmtree(out, ignore_errors=True)
        try:
            pdf.build(stage, out, lang, book_environment())
        except pdf.PdfError as error:
            raise BuildError(str(error)) from None
        stamp.write_text(digest)
        log("pdf", f"{lang}: typeset in {time.perf_counter() - started:.1f} s")

    def stage_digest(self, stage: Path) -> str:
        digest = hashlib.sha256()
        for path in sorted(p for p in stage.rglob("*") if p.is_file()):
            digest.update(path.relative_to(stage).as_posix().encode() + hashlib.sha256(path.read_bytes()).digest())
        return digest.hexdigest()

    def tooling_digest(self) -> str:
        """The Sphinx extensions, templates and interface catalogues every edition uses."""
        digest = hashlib.sha256()
        for folder in (REPO / "tooling", REPO / "locale"):
            for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in {".py", ".po", ".js", ".html", ".css", ".sty", ".csl"}):
                digest.update(path.relative_to(REPO).as_posix().encode() + hashlib.sha256(path.read_bytes()).digest())
        return digest.hexdigest()

    def up_to_date(self, lang: str) -> bool:
        stamp = self.build_dir / "editions" / f"{lang}.stamp"
        html_dir = self.edition_html(lang)
        stage = self.build_dir / "stage" / lang
        return (stamp.is_file() and html_dir.is_dir()
                and stamp.read_text() == f"{self.tooling_digest()}:{self.stage_digest(stage)}")

    # ---- site ------------------------------------------------------------------------
    def assemble(self) -> None:
        new = self.build_dir / "site.new"
        shutil.rmtree(new, ignore_errors=True)
        for lang in LANGUAGES:
            shutil.copytree(self.edition_html(lang), new / lang)
            for unpublished in UNPUBLISHED:
                target = new / lang / unpublished
                shutil.rmtree(target) if target.is_dir() else target.unlink(missing_ok=True)
            for path in (new / lang).rglob("*"):
                if path.suffix in UNPUBLISHED_SUFFIXES and path.is_file():
                    path.unlink()
            drop_unreferenced_images(new / lang)
            if self.with_pdf:
                shutil.copyfile(self.build_dir / "pdf" / lang / "_build" / "latex" / f"{pdf.TARGET}.pdf",
                                new / lang / pdf.pdf_name(lang))
        (new / "index.html").write_text(language_chooser(), encoding="utf-8")
        step = time.perf_counter()
        try:
            sizes = shared_assets.share(new, list(LANGUAGES))
        except shared_assets.AssetError as error:
            raise BuildError(str(error)) from None
        log("assets", f"one copy of the editions' shared static files ({sizes['shared'] / 1e6:.1f} MB) in "
            f"{shared_assets.SHARED}/, {sizes['per_edition'] / 1e3:.0f} kB left in the editions, "
            f"in {time.perf_counter() - step:.1f} s")
        write_chart_scripts(new)
        try:
            report = search_index.build(new, self.build_dir / "search", {lang: self.edition_html(lang) for lang in LANGUAGES})
        except search_index.SearchIndexError as error:
            raise BuildError(str(error)) from None
        log("search", "indexed " + ", ".join(f"{lang} {n} pages" for lang, n in sorted(report.pages.items()))
            + f" in {report.seconds:.1f} s; index "
            + ", ".join(f"{lang} {size / 1024:.0f} KiB" for lang, size in sorted(report.bytes_by_edition.items()))
            + f"; shared code {report.shared_bytes / 1024:.0f} KiB; pages parsed {report.parsed}"
            + ("; index unchanged, reused" if report.reused else ""))
        write_data_archive(new / release_files.data_archive(self.release.version), self.release)
        write_release_manifest(new / release_files.manifest(self.release.version), self.release)
        (new / ".nojekyll").write_text("")
        site, old = self.build_dir / "site", self.build_dir / "site.old"
        shutil.rmtree(old, ignore_errors=True)
        if site.exists():
            site.rename(old)
        new.rename(site)
        shutil.rmtree(old, ignore_errors=True)

    def run(self) -> None:
        try:
            self._run()
        finally:
            cpu = os.times()
            log("cpu", f"processor time: build {cpu.user + cpu.system:.1f} s, "
                f"its notebook kernels and Sphinx {cpu.children_user + cpu.children_system:.1f} s")

    def _run(self) -> None:
        """Notebook runs go language by language, up to ``jobs`` at once, each worker in its
        own warm kernel: the three runs of one chapter rarely overlap, so the first computes
        what they share (the factor study) and the others only read it. An edition is staged
        and built as soon as its language's runs are done, while the next language's notebooks run."""
        started = time.perf_counter()
        key = build_key.inputs_key(self.build_dir, self.with_pdf)  # before anything is read
        self.inputs = notebooks.inputs_fingerprint()
        self.release  # fails early, before any notebook runs, when the build cannot be dated
        self.site  # ... or when an address in the configuration is malformed
        sync_tree(self.build_dir / "locale", {p.relative_to(REPO / "locale").as_posix(): p.read_bytes()
                                              for p in (REPO / "locale").rglob("*") if p.suffix in {".po", ".js"}})
        runs = self.pending_runs()
        stages = {lang: self.build_dir / "stage" / lang for lang in LANGUAGES}
        with ThreadPoolExecutor(max_workers=self.jobs) as notebook_pool, \
                ThreadPoolExecutor(max_workers=self.jobs) as edition_pool:
            pending = {lang: [notebook_pool.submit(self.run_notebook, *run) for run in runs[lang]] for lang in LANGUAGES}
            editions = [edition_pool.submit(self.publish_edition, lang, pending[lang]) for lang in LANGUAGES]
            try:
                for edition in editions:
                    edition.result()
            except BaseException:
                for future in (f for futures in pending.values() for f in futures):
                    future.cancel()
                raise
            finally:
                notebook_pool.shutdown(wait=True)
                self.shutdown_kernels()
            if self.with_pdf:
                list(edition_pool.map(lambda lang: self.build_pdf(lang, stages[lang]), LANGUAGES))
        if self.counts["built"] or self.with_pdf or not (self.build_dir / "site").is_dir():
            step = time.perf_counter()
            self.assemble()
            log("site", f"assembled {self.build_dir / 'site'} in {time.perf_counter() - step:.1f} s")
        build_key.record(self.build_dir, key)
        log("done", f"{time.perf_counter() - started:.1f} s; notebooks executed {self.counts['executed']}, "
            f"cached {self.counts['cached']}; editions built {self.counts['built']}, unchanged {self.counts['unchanged']}")

    def publish_edition(self, lang: str, runs: list) -> None:
        """Once ``lang``'s notebook runs are done, stage the edition and build it if it changed."""
        for run in runs:
            run.result()
        step = time.perf_counter()
        self.stage(lang)
        log("stage", f"{lang}: {time.perf_counter() - step:.1f} s")
        if self.up_to_date(lang):
            self.count("unchanged")
            log("book", f"{lang}: unchanged, not rebuilt")
        else:
            self.build_edition(lang, self.build_dir / "stage" / lang)
        step = time.perf_counter()
        parsed = search_index.warm(self.edition_html(lang), lang, self.build_dir / "search")
        log("search", f"{lang}: {parsed} pages parsed for the index in {time.perf_counter() - step:.1f} s")

    def edition_html(self, lang: str) -> Path:
        return self.build_dir / "editions" / lang / "_build" / "html"


def book_environment() -> dict[str, str]:
    """Jupyter Book's environment: the project's own extensions import ``analysis``."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}


def release_metadata(release: citation.Release) -> dict:
    """What a downloaded file says about the release it belongs to."""
    return {"title": t("book.title", "en"), "version": release.version, "release": release.label,
            "date": release.date.isoformat()}


def write_data_archive(target: Path, release: citation.Release) -> None:
    """The committed extract (``data/``: tables, manifest, reference files) as one zip,
    the same bytes for the same commit: entries sorted, dated by the commit. It unpacks
    to one folder named with the book's version, holds ``release.json`` (title,
    version, commit, date) and says the release in the archive's comment."""
    target.parent.mkdir(parents=True, exist_ok=True)
    stamp = (release.date.year, release.date.month, release.date.day, 0, 0, 0)
    folder = release_files.archive_folder(release.version)
    entries = {path.relative_to(DATA_DIR).as_posix(): path.read_bytes()
               for path in sorted(p for p in DATA_DIR.rglob("*") if p.is_file())}
    entries["release.json"] = (json.dumps(release_metadata(release), indent=2) + "\n").encode("utf-8")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.comment = f"{t('book.title', 'en')} {release.label} ({release.date.isoformat()})".encode("utf-8")
        for name in sorted(entries):
            entry = zipfile.ZipInfo(f"{folder}/{name}", stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, entries[name])


def write_release_manifest(target: Path, release: citation.Release) -> None:
    """The extract's manifest as published beside the archive, with the release it
    belongs to under ``book``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    manifest = json.loads((DATA_DIR / "manifest.json").read_text(encoding="utf-8"))
    target.write_text(json.dumps({"book": release_metadata(release), **manifest}, ensure_ascii=False, indent=1) + "\n",
                      encoding="utf-8")


def write_chart_scripts(site: Path) -> None:
    """The interactive charts' scripts, one copy for the three editions (their pages load
    them from ``../../_assets/charts/``; see ``tooling/sphinx_ext/interactive_charts.py``)."""
    from tooling.sphinx_ext.interactive_charts import ASSETS, SCRIPTS
    if set(SCRIPTS) != set(CHART_SCRIPTS):
        raise BuildError(f"the chart scripts the pages load ({SCRIPTS}) differ from those published ({list(CHART_SCRIPTS)})")
    for name, source in CHART_SCRIPTS.items():
        if not source.is_file():
            raise BuildError(f"{source} not found: run `npm ci` (the Makefile does)")
        target = site / ASSETS / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def drop_unreferenced_images(edition: Path) -> None:
    """Sphinx's incremental builds keep images of earlier runs in ``_images``: publish
    only those a page of this build shows."""
    images = edition / "_images"
    if not images.is_dir():
        return
    pages = "\n".join(page.read_text(encoding="utf-8") for page in edition.rglob("*.html"))
    for image in images.iterdir():
        if f"_images/{image.name}" not in pages:
            image.unlink()


def sync_tree(root: Path, wanted: dict[str, bytes]) -> None:
    """Make ``root`` hold exactly ``wanted``, rewriting only files whose bytes differ
    (unchanged files keep their mtime, so Sphinx rebuilds only what changed)."""
    for relative, content in wanted.items():
        path = root / relative
        if path.is_file() and path.read_bytes() == content:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    for path in sorted(root.rglob("*"), reverse=True):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and relative not in wanted:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def language_chooser() -> str:
    links = "\n".join(
        f'      <li><a href="{lang}/index.html" hreflang="{lang}" lang="{lang}">{html.escape(t("language.name", lang))}</a>'
        f' <span lang="{lang}">— {html.escape(t("book.title", lang))}</span></li>' for lang in LANGUAGES)
    return f"""<!DOCTYPE html>
<html lang="kk">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{html.escape(t("book.title", "kk"))} · {html.escape(t("book.title", "en"))} · {html.escape(t("book.title", "ru"))}</title>
  <style>
    body {{ font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.5; }}
    @media (prefers-color-scheme: dark) {{ body {{ background: #14181e; color: #e6e6e6; }} a {{ color: #8ab4f8; }} }}
  </style>
</head>
<body>
  <main>
    <h1>{html.escape(t("language.choose", "kk"))} / {html.escape(t("language.choose", "en"))} / {html.escape(t("language.choose", "ru"))}</h1>
    <ul>
{links}
    </ul>
  </main>
</body>
</html>
"""


def main(argv: list[str] | None = None) -> int:
    args = build_key.parser().parse_args(argv)
    try:
        Builder(args.build_dir, args.jobs, args.pdf).run()
    except BuildError as error:
        log("FAILED", str(error))
        log("FAILED", "the previous site (if any) was left untouched")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
