"""The errors a user can act on: bad input (exit code 2), as opposed to faults in swsim (exit 1)."""

from __future__ import annotations


class BadInput(ValueError):
    """An argument, scenario, data file or output folder that cannot be used; ``problems`` holds
    one line per problem, each naming the field or file, the bad value and what is allowed."""

    def __init__(self, problems: list[str] | str):
        problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(problems))
        self.problems = problems
