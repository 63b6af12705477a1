"""Experiments: replications, comparisons on common random numbers, sweeps, result files."""
