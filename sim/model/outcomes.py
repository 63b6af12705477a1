"""Kept for ``sim.cli.commands`` while the command-line orchestration moves: the output columns are
declared in ``sim.columns`` and computed in ``sim.model.summary``; import them from there."""
from sim.columns import OUTCOMES, undefined_warnings

__all__ = ["OUTCOMES", "undefined_warnings"]
