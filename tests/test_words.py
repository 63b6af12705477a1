"""Words generated from the declarations: the policy table (which the docs' policies page embeds), each policy's
label and description from its parameters."""

from __future__ import annotations

import re

import pages

from sim.cli.main import main
from sim.policy import registry
from sim.scenario import load_scenario

BEGIN, END = "<!-- generated: policies -->\n", "<!-- end generated -->"


def test_policy_table_lists_every_policy_with_its_label(capsys):
    assert main(["policies", "--markdown"]) == 0
    table = capsys.readouterr().out
    for name, cls in registry().items():
        row = next(line for line in table.splitlines() if line.startswith(f"| `{name}` |"))
        assert f"| {cls.label_for()} |" in row and cls.describe() in row
        for key in cls.Params.model_fields:
            assert f"`{key}` = " in row
    policies = pages.page("reference/policies.md")  # as the site's build fills it in
    start = policies.index(BEGIN) + len(BEGIN)
    embedded = policies[start : policies.index(END, start)]
    assert embedded.strip() == table.strip(), (
        "the policies page's table is not `swsim policies --markdown`"
    )


def test_labels_and_descriptions_come_from_the_parameters():
    cap = registry()["caseload_cap"]
    assert cap.label_for({"cap": 18}) == "a caseload cap of 18 cases"
    assert (
        registry()["pay_alignment"].label_for({"uplift": 0.025, "to_market": False}) == "pay +2.5%"
    )
    assert (
        "5% lower" in registry()["support_officers"].describe()
    )  # a hazard ratio of 0.95 lowers it
    assert "10 points" not in pages.text()
    for cls in registry().values():
        assert "{" not in cls.label_for() + cls.describe()


def test_scenario_labels_name_added_policies():
    from sim.present.labels import scenario_labels

    base = load_scenario("baseline")
    scenarios = {
        "baseline": base,
        "a": base.with_policy("caseload_cap", cap=18, when_full="agency"),
        "b": base.with_policy("pay_alignment", start_month=12),
        "c": base.with_values({"turnover.pressure_threshold": 18.0}).with_overrides(name="c"),
    }
    labels = scenario_labels(scenarios, list(scenarios))
    assert labels["a"] == "a caseload cap of 18 cases (when nobody has room: agency)"
    assert labels["b"].startswith("pay +5%") and "from month 12" in labels["b"]
    assert labels["c"] == "c"
    assert not any(re.search(r"[a-z]_[a-z]|\+", v) for k, v in labels.items() if k != "b")
