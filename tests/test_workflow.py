"""The GitHub Actions workflows: the book's build and publication to GitHub Pages, and the
scheduled data refresh."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOW = REPO / ".github" / "workflows" / "book.yml"
REFRESH = REPO / ".github" / "workflows" / "refresh.yml"
ON_PUSH_TO_MAIN = {"github.event_name == 'push'", "github.ref == 'refs/heads/main'"}


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def triggers_of(workflow: dict) -> dict:
    # YAML 1.1 (PyYAML) reads the key `on` as the boolean True.
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        on = {on: None}
    elif isinstance(on, list):
        on = dict.fromkeys(on)
    return on


@pytest.fixture(scope="module")
def triggers(workflow) -> dict:
    return triggers_of(workflow)


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


@pytest.mark.parametrize("path", [WORKFLOW, REFRESH], ids=lambda path: path.name)
def test_workflow_matches_github_schema(path):
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{path.name} is not a valid workflow:\n{result.stdout}\n{result.stderr}"


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


# --- the scheduled data refresh ------------------------------------------------------------

@pytest.fixture(scope="module")
def refresh() -> dict:
    return yaml.safe_load(REFRESH.read_text(encoding="utf-8"))


def command_lines(job: dict) -> list[str]:
    """Each step's commands, one per line, continuation lines joined."""
    text = runs(job).replace("\\\n", " ")
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_refresh_runs_monthly_and_on_demand(refresh):
    on = triggers_of(refresh)
    assert set(on) == {"schedule", "workflow_dispatch"}, sorted(map(str, on))
    (entry,) = on["schedule"]
    minute, hour, day, month, weekday = entry["cron"].split()
    assert minute.isdigit() and hour.isdigit() and day.isdigit() and 1 <= int(day) <= 28
    assert (month, weekday) == ("*", "*"), f"not monthly: {entry['cron']!r}"


def test_refresh_refreshes_rebuilds_and_tests_in_that_order(refresh):
    job = refresh["jobs"]["refresh"]
    lines = command_lines(job)

    def first(fragment: str) -> int:
        found = [number for number, line in enumerate(lines) if fragment in line]
        assert found, f"no command with {fragment!r} in the refresh job"
        return found[0]

    order = [first("-m analysis.data.refresh --raw-dir \"$SILKROAD_RAW_DIR\" --overwrite imts"),
             first("-m analysis.data.refresh --raw-dir \"$SILKROAD_RAW_DIR\" --overwrite wdi"),
             first("make extract"), first("-m tooling.manifest_diff"), first("make test")]
    assert order == sorted(order), lines
    assert job["env"]["SILKROAD_RAW_DIR"], "the rebuild must read the refreshed raw folder"
    # coverage losses stop the run; the summary becomes the pull request's body
    diff = lines[first("-m tooling.manifest_diff")]
    assert "--fail-on-loss" in diff and "--output" in diff and "manifest-before.json" in diff
    assert lines.index(next(line for line in lines if "manifest-before.json" in line)) < first("make extract")
    # a domain rule broken by the new data stops `make extract`, which must not be softened
    extract_step = next(step for step in job["steps"] if "make extract" in str(step.get("run", "")))
    assert not extract_step.get("continue-on-error")


def test_refresh_opens_a_pull_request_with_the_summary(refresh):
    job = refresh["jobs"]["pull-request"]
    needs = job["needs"] if isinstance(job["needs"], list) else [job["needs"]]
    assert needs == ["refresh"]
    text = runs(job)
    assert "gh pr create" in text and "--body-file" in text and "pr-body.md" in text
    assert "GH_TOKEN" in next(step for step in job["steps"] if "gh pr create" in str(step.get("run", "")))["env"]


def test_refresh_only_the_pull_request_job_may_write(refresh):
    assert refresh.get("permissions") == {"contents": "read"}
    writers = {name: job.get("permissions") for name, job in refresh["jobs"].items()
               if any(value == "write" for value in (job.get("permissions") or {}).values())}
    assert writers == {"pull-request": {"contents": "write", "pull-requests": "write"}}


def test_refresh_actions_are_pinned_to_a_version(refresh):
    for name, job in refresh["jobs"].items():
        for step in job["steps"]:
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", step["uses"]), (name, step["uses"])
