"""Chain definitions: the linter's errors (unknown step, a loop that never ends, unknown template
fields, unknown codes), versioned storage over the API (admins only) and the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from server.chains.lint import Catalogue, lint, lint_text
from tests.server.chains.support import EXAMPLE, add_sale_code, chain, example
from tests.server.helpers import People
from tests.server.live import run_cli


def texts(doc: dict[str, Any], catalogue: Catalogue | None = None) -> list[str]:
    return [m.format() for m in lint(doc, None, "c", catalogue) if m.severity == "error"]


def test_the_shipped_example_lints_clean() -> None:
    assert (
        lint_text(
            EXAMPLE.read_text(encoding="utf-8"), "offer.yaml", Catalogue(dispositions=frozenset({"sale"}))
        )
        == []
    )


def test_an_unknown_step_is_named_with_the_closest_kind() -> None:
    doc = chain()
    doc["steps"][0] = {"id": "mail", "emial": {"subject": "x", "body": "y"}, "next": "wait"}
    (message,) = texts(doc)
    assert "unknown step 'emial' (did you mean 'email'?)" in message
    assert message.startswith("c:steps[0].emial: error:")


def test_a_loop_is_a_chain_that_never_ends() -> None:
    doc = chain()
    doc["steps"][3]["next"] = "wait"  # sms -> wait -> check -> sms ...
    (message,) = texts(doc)
    assert "loop: 'wait' -> 'check' -> 'sms' can go round forever" in message
    doc["steps"][2]["branch"]["reacted"] = "wait"  # and now no way to the stop at all
    (message,) = [t for t in texts(doc) if "loop" in t]
    assert "never reaches a stop" in message


def test_unknown_template_fields_and_names_with_their_lines() -> None:
    text = """id: x
version: 1
trigger: {event: disposition}
steps:
  - id: a
    sms:
      text: |
        Hello {{ contact.nmae }}
        {{ contact.custom.tarif }} {{ secrets.key }} {{ trigger.cod }}
    next: b
  - id: b
    stop: {}
"""
    found = [m.format() for m in lint_text(text, "x.yaml", Catalogue(custom_fields=frozenset({"tariff"})))]
    assert found == [
        "x.yaml:8: error: unknown contact field 'nmae' (did you mean 'name'?)",
        "x.yaml:9: error: unknown custom contact field 'tarif' (not in the field schema)"
        " (did you mean 'tariff'?)",
        "x.yaml:9: error: unknown name 'secrets' (a chain's templates can use contact, trigger, chain)",
        "x.yaml:9: error: unknown field trigger.cod"
        " (known: call_id, code, comment, kind, operator, outcome, queue) (did you mean 'code'?)",
    ]


def test_shape_errors_are_each_named() -> None:
    doc = chain(trigger={"event": "hangup", "codes": ["sael"]})
    doc["steps"][1] = {"id": "wait", "wait": {"hours": -1}, "next": "nowhere"}
    doc["steps"][0]["email"]["body"] = "{{ contact.__class__ }}"
    found = texts(doc, Catalogue(dispositions=frozenset({"sale"})))
    assert any("trigger.event: one of disposition, task_result, not 'hangup'" in t for t in found)
    assert any("unknown task outcome 'sael'" in t for t in found)
    assert any("wait: hours and minutes are numbers from 0" in t for t in found)
    assert any("unknown step 'nowhere'" in t for t in found)
    assert any("'__class__' is not allowed" in t for t in found)
    doc = chain(trigger={"event": "disposition", "codes": ["sael"]})
    assert any(
        "unknown disposition code 'sael' (did you mean 'sale'?)" in t
        for t in texts(doc, Catalogue(dispositions=frozenset({"sale"})))
    )


def test_a_dead_end_and_two_kinds_in_one_step() -> None:
    doc = chain()
    del doc["steps"][3]["next"]
    doc["steps"][1]["sms"] = {"text": "x"}
    found = texts(doc)
    assert any("dead end: step 'sms' has no next and is not a stop" in t for t in found)
    assert any("step 'wait': has wait and sms: one kind per step" in t for t in found)


def test_versions_over_the_api_admins_only(people: People) -> None:
    add_sale_code(people)
    admin = people.headers(people.admin)
    for user in (people.op_n1, people.lead_n):
        for method, path in (("post", "/chains"), ("get", "/chains"), ("post", "/chains/lint"),
                             ("get", "/chains/runs"), ("post", "/chains/follow/disable")):  # fmt: skip
            response = people.client.request(method.upper(), path, json=chain(), headers=people.headers(user))
            assert response.status_code == 403, (user.name, path, response.text)
    assert people.client.get("/chains").status_code == 401

    first = people.client.post("/chains", json=chain(), headers=admin)
    assert first.status_code == 201, first.text
    assert people.client.post("/chains", json=chain(), headers=admin).status_code == 200  # a re-upload
    changed = chain(name="Other")
    conflict = people.client.post("/chains", json=changed, headers=admin)
    assert conflict.status_code == 409 and "upload it as a new version" in conflict.text
    assert people.client.post("/chains", json=changed | {"version": 2}, headers=admin).status_code == 201
    (listed,) = people.client.get("/chains", headers=admin).json()
    assert (listed["id"], listed["version"], listed["name"], listed["active"]) == ("follow", 2, "Other", True)
    versions = people.client.get("/chains/follow/versions", headers=admin).json()
    assert [v["version"] for v in versions] == [1, 2]
    one = people.client.get("/chains/follow/versions/1", headers=admin).json()
    assert one["document"] == chain()

    bad = chain(version=3, trigger={"event": "disposition", "codes": ["nope"]})
    bad["steps"][0]["email"]["subject"] = "{{ contact.nmae }}"
    refused = people.client.post("/chains", json=bad, headers=admin)
    assert refused.status_code == 422
    errors = {(tuple(e["loc"]), e["msg"]) for e in refused.json()["errors"]}
    assert (("body", "trigger", "codes", 0), "trigger.codes.0: unknown disposition code 'nope'") in errors
    assert (
        ("body", "steps", 0, "email", "subject"),
        "steps.0.email.subject: unknown contact field 'nmae' (did you mean 'name'?)",
    ) in errors
    linted = people.client.post("/chains/lint", json=bad, headers=admin).json()
    assert {m["path"] for m in linted} == {"trigger.codes[0]", "steps[0].email.subject"}

    assert people.client.post("/chains/follow/disable", headers=admin).json()["active"] is False
    assert people.client.post("/chains/nope/disable", headers=admin).status_code == 404
    assert people.client.post("/chains/follow/enable", headers=admin).json()["active"] is True


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_cli_lints_uploads_and_lists(db_url: str, tmp_path: Path) -> None:
    env = {"RINGDESK_DATABASE_URL": db_url}
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: x\nversion: 1\ntrigger: {event: disposition}\nsteps:\n"
        "  - id: a\n    wait: {hours: 1}\n    next: a\n",
        encoding="utf-8",
    )
    result = run_cli(["chain", "lint", str(bad)], env=env)
    assert result.returncode == 1
    assert f"{bad}:5: error: loop: 'a' can go round forever and never reaches a stop" in result.stdout

    assert run_cli(["chain", "lint", str(EXAMPLE)], env=env).returncode == 0
    refused = run_cli(["chain", "upload", str(EXAMPLE)], env=env)  # no "sale" code on this server yet
    assert refused.returncode == 1 and "unknown disposition code 'sale'" in refused.stderr

    doc = example()
    doc["trigger"] = {"event": "task_result", "codes": ["not_reached"]}
    import yaml

    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    stored = run_cli(["chain", "upload", str(good)], env=env)
    assert stored.returncode == 0, stored.stderr
    assert "chain offer-followup version 1: stored" in stored.stdout
    listed = run_cli(["chain", "list"], env=env)
    assert "offer-followup\tv1\tactive\ttask_result:not_reached\tOffer after a sales call" in listed.stdout
    assert run_cli(["chain", "disable", "offer-followup"], env=env).returncode == 0
    assert "\tdisabled\t" in run_cli(["chain", "list"], env=env).stdout
    shown = run_cli(["chain", "show", "offer-followup"], env=env)
    assert '"id": "offer-followup"' in shown.stdout
    assert run_cli(["chain", "show", "nope"], env=env).returncode == 1
