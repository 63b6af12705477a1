"""The README's commands are the ones CI runs."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci_lines = [line for line in (ROOT / ".ci" / "run").read_text().splitlines()
                if line and not line.startswith("#") and not line.startswith(("set ", "cd "))]
    assert ci_lines, "no command in .ci/run"
    assert ci_lines[-1] in readme
    assert "pytest" in ci_lines[-1]
    first_block = readme.split("```bash")[1]
    assert "swsim run baseline --report" in first_block
    assert "swsim compare baseline caseload_cap --report" in first_block
