"""Policies: one module per policy, each a ``sim.policy.Policy`` subclass, found by name.

The interface and the registry live in ``sim.policy``; a module here needs nothing else to be found.
"""
