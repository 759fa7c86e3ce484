"""The no-op decision (tooling/build_key.py): the inputs' key changes with any input the
build reads, and only with those; a build with a recorded key and its site does nothing."""
from __future__ import annotations

import subprocess

import pytest

from tooling import build_key


@pytest.fixture
def repo(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    (root / "chapters" / "en").mkdir(parents=True)
    (root / "chapters" / "en" / "index.md").write_text("# Title\n\nText.\n")
    (root / ".gitignore").write_text("/_build/\n")
    for command in (["init", "-q"], ["add", "-A"],
                    ["-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "one"]):
        subprocess.run(["git", *command], cwd=root, check=True, capture_output=True)
    monkeypatch.setattr(build_key, "REPO", root)
    monkeypatch.setattr(build_key, "INSTALLED", [root / "node_modules" / ".package-lock.json"])
    return root


def key(repo, pdf=False, environ=None):
    return build_key.inputs_key(repo / "_build", pdf, environ or {})


def test_the_key_changes_with_every_input_and_only_with_inputs(repo):
    first = key(repo)
    assert first == key(repo)
    (repo / "_build").mkdir()
    (repo / "_build" / "site.html").write_text("output, not input")
    assert key(repo) == first, "the build's own output is not an input"
    page = repo / "chapters" / "en" / "index.md"
    page.write_text("# Title\n\nText, edited.\n")
    edited = key(repo)
    assert edited != first
    page.write_text("# Title\n\nText.\n")
    assert key(repo) == first, "the key is the content's, not the file's time"
    (repo / "chapters" / "en" / "new.md").write_text("new page")
    assert key(repo) != first, "a new file git would track is an input"
    (repo / "chapters" / "en" / "new.md").unlink()
    assert key(repo, pdf=True) != first
    assert key(repo, environ={"SILKROAD_BASE_URL": "https://example.org/"}) != first
    assert key(repo, environ={"HOME": "/elsewhere"}) == first
    (repo / "node_modules").mkdir()
    (repo / "node_modules" / ".package-lock.json").write_text("{}")
    assert key(repo) != first, "the installed front-end packages are an input"


def test_a_build_is_skipped_only_with_its_key_recorded_and_its_site_present(repo, monkeypatch):
    build_dir = repo / "_build"
    build_dir.mkdir()
    monkeypatch.setattr(build_key.os, "environ", {})
    assert not build_key.unchanged(build_dir, False)
    build_key.record(build_dir, key(repo))
    assert not build_key.unchanged(build_dir, False), "no site: build"
    (build_dir / "site").mkdir()
    assert build_key.unchanged(build_dir, False)
    assert not build_key.unchanged(build_dir, True), "the PDFs were not built"
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "--allow-empty",
                    "-m", "two"], cwd=repo, check=True)
    assert not build_key.unchanged(build_dir, False), "a new commit is a new release"
