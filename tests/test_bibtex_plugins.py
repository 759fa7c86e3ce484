"""The per-build cache of pybtex's plugin lookups: each (group, name) reads the package
metadata once, and a plugin registered at run time still wins over an installed one."""
from __future__ import annotations

import sys

import pybtex.plugin
import pytest
from pybtex.style.formatting.plain import Style as Plain

from analysis.paths import REPO

sys.path.insert(0, str(REPO / "tooling" / "sphinx_ext"))
import bibtex_plugins  # noqa: E402  (a Sphinx extension, loaded by path like Sphinx does)


@pytest.fixture
def counted_lookups(monkeypatch):
    calls = []
    original = pybtex.plugin.entry_points

    def counting(**query):
        calls.append(query)
        return original(**query)

    monkeypatch.setattr(pybtex.plugin, "entry_points", counting)
    bibtex_plugins.setup(app=None)
    return calls


def test_each_lookup_reads_the_metadata_once(counted_lookups):
    for _ in range(5):
        assert pybtex.plugin.find_plugin("pybtex.style.formatting", "plain") is Plain
    assert counted_lookups == [{"group": "pybtex.style.formatting", "name": "plain"}]
    list(pybtex.plugin.enumerate_plugin_names("pybtex.style.formatting"))
    list(pybtex.plugin.enumerate_plugin_names("pybtex.style.formatting"))
    assert counted_lookups[1:] == [{"group": "pybtex.style.formatting"}]


def test_a_plugin_registered_at_run_time_still_comes_first(counted_lookups):
    class Local(Plain):
        pass

    assert pybtex.plugin.find_plugin("pybtex.style.formatting", "plain") is Plain
    pybtex.plugin.register_plugin("pybtex.style.formatting", "plain", Local, force=True)
    try:
        assert pybtex.plugin.find_plugin("pybtex.style.formatting", "plain") is Local
    finally:
        del pybtex.plugin._RUNTIME_PLUGINS["pybtex.style.formatting"]["plain"]
    assert pybtex.plugin.find_plugin("pybtex.style.formatting", "plain") is Plain
