"""The model: one authority's case flow and workforce as a SimPy discrete-event simulation."""
