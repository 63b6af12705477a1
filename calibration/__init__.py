"""Calibration: documented targets, DfE inputs, fitting by simulated moments, validation report."""
