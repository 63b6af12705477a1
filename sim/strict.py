"""The strict validation shared by scenarios and policy parameters: numbers are numbers (never
booleans or text), finite, unknown keys are errors, and validated values are frozen."""

from pydantic import ConfigDict

STRICT = ConfigDict(strict=True, allow_inf_nan=False, extra="forbid", frozen=True)
