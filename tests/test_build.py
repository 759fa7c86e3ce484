"""The build pipeline: offline, reproducible, loud on failure, never half-published."""
from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
from queue import Empty

import nbformat
import papermill
import pytest

from analysis.paths import REPO
from tooling import build, kernels, notebooks


@pytest.fixture(scope="module")
def offline_build(tmp_path_factory):
    """A clean build of the whole book with networking switched off: a new network
    namespace whose only interface is loopback (the notebook kernels talk to papermill
    over 127.0.0.1), so any request leaving the machine fails."""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        pytest.fail("unshare (util-linux) and ip (iproute2) are needed to run the build without a network")
    build_dir = tmp_path_factory.mktemp("offline")
    command = [sys.executable, "-m", "tooling.build", "--build-dir", str(build_dir)]
    result = subprocess.run(["unshare", "--net", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", *command],
                            cwd=REPO, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return build_dir, result.stdout


@pytest.mark.slow
def test_build_without_network_succeeds_and_reports_progress(offline_build):
    build_dir, output = offline_build
    for lang in ("kk", "en", "ru"):
        assert (build_dir / "site" / lang / "chapters" / "index.html").is_file()
        assert f"[execute] {lang} data.md" in output
    assert "notebooks executed" in output


@pytest.mark.slow
def test_two_clean_builds_give_identical_notebooks_and_figures(offline_build):
    """The book built by `make book` and the offline build above started from nothing."""
    build_dir, _ = offline_build
    reference = REPO / "_build"
    if not (reference / "site").is_dir():
        pytest.fail("run `make book` first: the test compares against its output")
    for lang in ("kk", "en", "ru"):
        for executed in (build_dir / "stage" / lang).rglob("*.ipynb"):
            twin = reference / "stage" / lang / executed.relative_to(build_dir / "stage" / lang)
            assert executed.read_bytes() == twin.read_bytes(), executed.name
        images = build_dir / "site" / lang / "_images"
        if images.is_dir():
            comparison = filecmp.dircmp(images, reference / "site" / lang / "_images")
            assert not comparison.left_only and not comparison.right_only
            _, mismatch, errors = filecmp.cmpfiles(images, reference / "site" / lang / "_images",
                                                   comparison.common_files, shallow=False)
            assert not mismatch and not errors


def test_executed_notebooks_carry_no_volatile_metadata():
    notebook = nbformat.v4.new_notebook(metadata={"papermill": {"start_time": "x"}})
    cell = nbformat.v4.new_code_cell("1", metadata={"execution": {"iopub.status.busy": "t"}, "papermill": {}})
    notebook.cells.append(cell)
    cleaned = notebooks.strip_volatile(notebook)
    assert "papermill" not in cleaned.metadata
    assert cleaned.cells[0].metadata == {} and "id" not in cleaned.cells[0]


def test_failing_notebook_names_notebook_cell_and_traceback(tmp_path):
    source = tmp_path / "broken.md"
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('lang = "en"', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("raise ValueError('no such indicator')")])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    builder = build.Builder(tmp_path / "build")
    with pytest.raises(build.BuildError) as error:
        try:
            builder.run_notebook(notebook, source, "kk", {"lang": "kk"}, tmp_path / "out.ipynb")
        finally:
            builder.shutdown_kernels()
    message = str(error.value)
    assert "broken.md (kk)" in message and "cell" in message
    assert "ValueError" in message and "no such indicator" in message
    assert not (tmp_path / "out.ipynb").exists()


def test_failed_build_leaves_the_previous_site(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    (site / "marker.html").write_text("previous good site")

    def fail(self, lang, stage):
        raise build.BuildError(f"{lang}: broken cross-reference")

    monkeypatch.setattr(build.Builder, "build_edition", fail)
    monkeypatch.setattr(build.Builder, "up_to_date", lambda self, lang: False)
    with pytest.raises(build.BuildError):
        build.Builder(tmp_path).run()
    assert (site / "marker.html").read_text() == "previous good site"
    assert not (tmp_path / "site.new").exists()


def test_prose_edit_does_not_change_the_cache_key():
    source = next((REPO / "analysis" / "notebooks").glob("*.md"))
    notebook = notebooks.cells_for(notebooks.read_source(source), "en")
    edited = nbformat.from_dict(nbformat.from_dict(notebook))
    markdown = next(c for c in edited.cells if c.cell_type == "markdown")
    markdown.source += "\n\nOne more sentence."
    assert notebooks.cache_key(notebook, {"lang": "en"}, "x") == notebooks.cache_key(edited, {"lang": "en"}, "x")
    code = next(c for c in edited.cells if c.cell_type == "code")
    code.source += "\n# changed"
    assert notebooks.cache_key(notebook, {"lang": "en"}, "x") != notebooks.cache_key(edited, {"lang": "en"}, "x")


def toy_notebook(*sources: str) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('lang = "en"', metadata={"tags": ["parameters"]}),
        *(nbformat.v4.new_code_cell(source) for source in sources)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


def test_a_warm_kernel_forgets_the_previous_chapter(tmp_path):
    """What one chapter leaves behind (names, open figures, Matplotlib settings, the
    warnings already shown, the execution count) is gone when the next one starts."""
    (tmp_path / "chatty.py").write_text(
        "import warnings\n\ndef speak():\n    warnings.warn('shown in every chapter', UserWarning)\n")
    speak = f"import sys\nsys.path.insert(0, {str(tmp_path)!r})\nimport chatty\nchatty.speak()"
    messy = toy_notebook(
        "import matplotlib, matplotlib.pyplot as plt\n"
        "leftover = 1\n"
        "plt.figure()\n"
        "matplotlib.rcParams['lines.linewidth'] = 9", speak)
    checking = toy_notebook(
        "import matplotlib, matplotlib.pyplot as plt\n"
        "assert 'leftover' not in globals(), 'a name of the previous chapter survived'\n"
        "assert plt.get_fignums() == [], 'a figure of the previous chapter is still open'\n"
        "assert matplotlib.rcParams['lines.linewidth'] == matplotlib.rcParamsDefault['lines.linewidth']", speak)
    builder = build.Builder(tmp_path / "build", jobs=1)
    try:
        for name, notebook in (("messy", messy), ("checking", checking)):
            builder.run_notebook(notebook, tmp_path / f"{name}.md", "en", {"lang": "en"}, tmp_path / f"{name}.ipynb")
        assert len(builder._kernels) == 1, "the two chapters did not share a kernel"
    finally:
        builder.shutdown_kernels()
    executed = nbformat.read(tmp_path / "checking.ipynb", as_version=4)
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    streams = [o.get("text", "") for o in code[-1].outputs if o.output_type == "stream"]
    assert any("shown in every chapter" in text for text in streams), "the repeated warning was swallowed"


def test_a_kernel_that_cannot_be_reset_stops_the_build(tmp_path, monkeypatch):
    monkeypatch.setattr(kernels, "RESET", "raise RuntimeError('kernel state unknown')")
    builder = build.Builder(tmp_path / "build", jobs=1)
    try:
        with pytest.raises(build.BuildError, match="kernel state unknown"):
            builder.warm_kernel()
    finally:
        builder.shutdown_kernels()


@pytest.mark.slow
def test_a_chapter_run_in_a_warm_kernel_equals_a_run_in_a_fresh_one(tmp_path):
    """Byte for byte, figures included: the claims chapter after the routes chapter in
    one kernel, against the claims chapter alone in a new kernel started by papermill."""
    builder = build.Builder(tmp_path / "build", jobs=1)
    builder.inputs = notebooks.inputs_fingerprint()
    warm = {}
    try:
        for name in ("routes", "claims"):
            source = build.NOTEBOOK_DIR / f"{name}.md"
            notebook, parameters, _ = builder.cached_run(source, "ru")
            warm[name] = tmp_path / f"{name}-warm.ipynb"
            builder.run_notebook(notebook, source, "ru", parameters, warm[name])
    finally:
        builder.shutdown_kernels()
    notebook, parameters, _ = builder.cached_run(build.NOTEBOOK_DIR / "claims.md", "ru")
    nbformat.write(notebook, tmp_path / "claims.in.ipynb")
    papermill.execute_notebook(str(tmp_path / "claims.in.ipynb"), str(tmp_path / "claims-fresh.ipynb"),
                               parameters=parameters, cwd=str(REPO), kernel_name="python3",
                               progress_bar=False, log_output=False)
    fresh = notebooks.strip_volatile(nbformat.read(tmp_path / "claims-fresh.ipynb", as_version=4))
    assert nbformat.writes(fresh) == warm["claims"].read_text(encoding="utf-8").rstrip("\n")


def test_a_chapter_source_is_parsed_once_and_read_back_until_it_changes(tmp_path, monkeypatch):
    source = tmp_path / "chapter.md"
    source.write_text((REPO / "analysis" / "notebooks" / "glossary.md").read_text(encoding="utf-8"), encoding="utf-8")
    cache = tmp_path / "sources"
    first = notebooks.read_source(source, cache)
    fresh = notebooks.read_source(source)
    strip = lambda notebook: [(c.cell_type, c.source, c.metadata) for c in notebook.cells]  # noqa: E731
    assert strip(first) == strip(fresh) and first.metadata == fresh.metadata

    def no_parse(*args, **kwargs):
        raise AssertionError("parsed again")
    monkeypatch.setattr(notebooks.jupytext, "reads", no_parse)
    again = notebooks.read_source(source, cache)
    assert again == first  # the same notebook, cell ids included
    source.write_text(source.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="parsed again"):
        notebooks.read_source(source, cache)
    monkeypatch.undo()
    changed = notebooks.read_source(source, cache)
    assert changed.cells[-1].source.endswith("One more line.")
    assert len(list(cache.glob("chapter-*.json"))) == 1


def test_a_kernel_is_ready_once_it_answered_and_its_iopub_is_drained():
    """The warm kernel's client does not wait for a fifth of a second of IOPub silence (twice
    per notebook run): it waits for the kernel's reply and its idle status after it, which
    drains what IOPub still held (here the output of a cell nobody read)."""
    kernel = kernels.WarmKernel("python3", REPO, quiet=True)
    try:
        client = kernel.manager.client()
        assert isinstance(client, kernels.ReadyClient)
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            assert client.execute("print('left over')\n1 + 1") and client.get_shell_msg(timeout=30)
            client.wait_for_ready(timeout=60)
            with pytest.raises(Empty):  # nothing left on IOPub
                client.get_iopub_msg(timeout=0.3)
        finally:
            client.stop_channels()
        kernel.reset()  # the build's own use: a new client, ready, runs the reset
    finally:
        kernel.shutdown()


def test_a_notebook_s_fingerprint_ignores_the_cell_ids_of_a_parse():
    """Jupytext draws new cell ids at each parse; the staged copy, which drops them, must not
    be grafted again because of them."""
    source = REPO / "analysis" / "notebooks" / "glossary.md"
    first, second = notebooks.read_source(source), notebooks.read_source(source)
    assert [c.id for c in first.cells] != [c.id for c in second.cells]
    assert notebooks.content_fingerprint(first) == notebooks.content_fingerprint(second)
    second.cells[-1].source += "\n# changed"
    assert notebooks.content_fingerprint(first) != notebooks.content_fingerprint(second)
