"""The GitHub Actions workflow that builds the book and publishes it to GitHub Pages."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOW = REPO / ".github" / "workflows" / "book.yml"
ON_PUSH_TO_MAIN = {"github.event_name == 'push'", "github.ref == 'refs/heads/main'"}


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def triggers(workflow) -> dict:
    # YAML 1.1 (PyYAML) reads the key `on` as the boolean True.
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        on = {on: None}
    elif isinstance(on, list):
        on = dict.fromkeys(on)
    return on


def conjuncts(condition: str) -> set[str]:
    """The parts of an `a && b && ...` condition, spacing and quotes normalised."""
    condition = condition.strip()
    if condition.startswith("${{") and condition.endswith("}}"):
        condition = condition[3:-2]
    assert "||" not in condition and "!" not in condition.replace("!=", ""), f"unexpected condition {condition!r}"
    return {re.sub(r"\s+", " ", part.strip().replace('"', "'")) for part in condition.split("&&")}


def steps_using(job: dict, action: str) -> list[dict]:
    return [step for step in job.get("steps", []) if str(step.get("uses", "")).split("@")[0] == action]


def runs(job: dict) -> str:
    return "\n".join(str(step.get("run", "")) for step in job.get("steps", []))


def test_workflow_matches_github_schema():
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{WORKFLOW.name} is not a valid workflow:\n{result.stdout}\n{result.stderr}"


def test_triggers_are_pushes_to_main_and_pull_requests(triggers):
    assert "push" in triggers and "pull_request" in triggers, f"triggers: {sorted(map(str, triggers))}"
    assert (triggers["push"] or {}).get("branches") == ["main"], f"push trigger: {triggers['push']}"


def test_build_job_runs_on_pull_requests_and_builds_the_book(workflow):
    build = workflow["jobs"]["build"]
    assert "if" not in build, f"the build job is conditioned ({build['if']!r}); it must run on pull requests too"
    assert "make book" in runs(build)
    python = steps_using(build, "actions/setup-python")
    node = steps_using(build, "actions/setup-node")
    assert python and str(python[0]["with"]["python-version"]) == "3.11"
    assert node and str(node[0]["with"]["node-version"]) == "20"
    upload = steps_using(build, "actions/upload-pages-artifact")
    assert len(upload) == 1 and upload[0]["with"]["path"] == "_build/site"


def test_test_job_runs_make_test_unconditionally(workflow):
    test = workflow["jobs"]["test"]
    assert "if" not in test
    assert "make test" in runs(test)


def test_deploy_job_runs_only_on_push_to_main(workflow, triggers):
    deploy = workflow["jobs"]["deploy"]
    assert conjuncts(deploy["if"]) == ON_PUSH_TO_MAIN, f"deploy job condition: {deploy['if']!r}"
    needs = deploy["needs"] if isinstance(deploy["needs"], list) else [deploy["needs"]]
    assert "build" in needs
    assert steps_using(deploy, "actions/deploy-pages")
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["concurrency"]["group"] and deploy["concurrency"].get("cancel-in-progress") is False
    # The Pages artifact is uploaded under the same condition as the deployment.
    upload = steps_using(workflow["jobs"]["build"], "actions/upload-pages-artifact")[0]
    assert conjuncts(upload["if"]) == ON_PUSH_TO_MAIN, f"upload step condition: {upload['if']!r}"


def test_only_the_deploy_job_may_write(workflow):
    assert workflow.get("permissions") == {"contents": "read"}
    writers = [name for name, job in workflow["jobs"].items()
               if any(value == "write" for value in (job.get("permissions") or {}).values())]
    assert writers == ["deploy"]


def test_the_published_build_gets_the_site_s_and_repository_s_addresses(workflow):
    """The base URL comes from the Pages deployment (configure-pages, run only where the site
    is published) and the repository's address from the run; the names are the variables
    tooling/citation.py reads."""
    from tooling.citation import ENVIRONMENT
    build = workflow["jobs"]["build"]
    pages = steps_using(build, "actions/configure-pages")
    assert len(pages) == 1 and pages[0].get("id"), "the build job must run actions/configure-pages once, with an id"
    assert conjuncts(pages[0]["if"]) == ON_PUSH_TO_MAIN, f"configure-pages condition: {pages[0].get('if')!r}"
    assert build["permissions"].get("pages") == "read"
    (make,) = [step for step in build["steps"] if "make book" in str(step.get("run", ""))]
    env = make.get("env") or {}
    assert re.fullmatch(rf"\$\{{\{{\s*steps\.{pages[0]['id']}\.outputs\.base_url\s*\}}\}}",
                        str(env.get(ENVIRONMENT["base_url"], ""))), env
    assert re.fullmatch(r"\$\{\{\s*github\.server_url\s*\}\}/\$\{\{\s*github\.repository\s*\}\}",
                        str(env.get(ENVIRONMENT["repository"], ""))), env
