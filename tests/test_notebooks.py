"""The worked analyses in notebooks/ run top to bottom (with few replications) and draw figures."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.slow  # the full tier (see pyproject.toml)

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_there_are_three_worked_analyses():
    assert [p.stem[:2] for p in NOTEBOOKS] == ["01", "02", "03"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, monkeypatch):
    monkeypatch.setenv("SWSIM_NOTEBOOK_REPS", "4")
    monkeypatch.setenv("SWSIM_NOTEBOOK_YEARS", "2")
    # the kernel draws inline only without a backend in its environment, and importing streamlit
    # (test_explore, `swsim explore`, earlier in this process) sets MPLBACKEND=Agg
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    images = [
        o
        for cell in nb.cells
        if cell.cell_type == "code"
        for o in cell.get("outputs", [])
        if "image/png" in o.get("data", {})
    ]
    assert len(images) >= 2, f"{path.name} drew {len(images)} figures"
