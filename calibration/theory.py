"""Queueing theory the model is checked against (a fixed-staff case flow is an M/M/c queue)."""

from __future__ import annotations

from dataclasses import dataclass


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability that an arrival waits in an M/M/c queue (Erlang's C formula)."""
    c, a = servers, offered_load
    if a >= c:
        return 1.0
    term, total = 1.0, 1.0  # a^k / k!, summed for k < c
    for k in range(1, c):
        term *= a / k
        total += term
    top = term * a / c * c / (c - a)  # a^c / c! * c / (c - a)
    return top / (total + top)


@dataclass(frozen=True)
class MMc:
    """Steady-state measures of an M/M/c queue; rates per day."""

    arrival_rate: float
    service_rate: float
    servers: int

    @property
    def offered_load(self) -> float:
        return self.arrival_rate / self.service_rate

    @property
    def utilisation(self) -> float:
        return self.offered_load / self.servers

    @property
    def p_wait(self) -> float:
        return erlang_c(self.servers, self.offered_load)

    @property
    def mean_wait(self) -> float:
        return self.p_wait / (self.servers * self.service_rate - self.arrival_rate)

    @property
    def mean_in_system(self) -> float:
        return self.offered_load + self.arrival_rate * self.mean_wait
