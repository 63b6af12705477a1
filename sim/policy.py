"""The policy interface and registry: a lever a council can pull, acting on a running authority
through hooks. Policies live in the ``policies`` package (one module each) or register under the
entry-point group ``swsim.policies``; the model receives them and imports none.

A policy is a subclass of ``Policy`` with a ``name``, a ``label`` and a one-line ``description``
(templates over its parameters, see ``label_for`` and ``describe``), the ``source`` it comes from,
and a pydantic ``Params`` model of its parameters. It becomes active at its
``start_month`` (months after warm-up) and then acts through any of these hooks:

- ``adjust(rates)``: change the model's rates (salaries, limits, times to fill, hazards, ...);
  called whenever the set of active policies changes.
- ``start(ctx)``: once, when the policy starts (it may start SimPy processes of its own).
- ``monthly(ctx)``: every month while active, before the month is recorded.
- ``leaving_hazard(ctx, staff, hazard)``: adjust each permanent worker's annual hazard.
- ``on_vacancy(ctx, level)``, ``on_leaver(ctx, level, destination)``: when a funded post falls
  vacant, when a permanent worker leaves.
- ``monthly_cost(ctx)``: the policy's own cost this month, GBP.

A policy sees the authority it acts on only through ``ctx``, a ``Context``: what it may read (the
time, the rates in force, the waiting list, this month's counts) and do (start a process, hire,
hire agency staff above establishment, cover a vacancy, book a cost, recompute the rates). Random
draws come from ``self.rng``, a generator of the policy's own (common random numbers: a policy's
draws never shift another process's stream).

A policy's ``scope`` says what it acts on. A ``"council"`` policy (the default) is made once for
each council that adopts it. A ``"region"`` policy (a memorandum of understanding, a pooled bank,
an agreement with agencies) is made once for the region: the councils that adopt it call its
council hooks above, each with its own ``ctx``, and the region calls three more with ``region``, a
``RegionContext`` that sees every council (adopting or not) and the labour market's pools:

- ``adjust_market(rates)``: change the region's market rates (``agency_inflow_per_year``,
  ``agency_exit_rate``); called when the policy starts.
- ``start_region(region)``: once, when the policy starts (after the councils' ``start``).
- ``monthly_region(region)``: every month while active (after the councils' ``monthly``).

``self.adopters`` names the councils that adopt it (every council unless the scenario lists some).
In a scenario without councils the region is the one authority, which adopts it.
"""

from __future__ import annotations

import importlib
import pkgutil
import string
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import entry_points
from typing import Any, ClassVar, Literal, Protocol

import numpy as np
from pydantic import BaseModel

from sim.strict import STRICT


@dataclass(frozen=True)
class Staff:
    """The permanent staff a leaving hazard applies to, as arrays in one order."""

    level: np.ndarray  # level index (0 = ASYE) they practise at
    start_level: np.ndarray  # level they joined at
    pipeline: np.ndarray  # how they joined: "initial" (in post at the start),
    # "newly_qualified", "experienced", "conversion", or a policy's
    years_since_hire: np.ndarray  # years at this authority

    @property
    def asye_starter(self) -> np.ndarray:
        """Joined in an ASYE post during the run (not the staff in post at the start)."""
        return (self.start_level == 0) & (self.pipeline != "initial")


class Context(Protocol):
    """What a policy may read and do in the authority it acts on."""

    @property
    def name(self) -> str:
        """The council's name."""

    @property
    def now(self) -> float:
        """Days since the run started."""

    @property
    def rates(self) -> Any:
        """The rates in force (salaries, limits, times to fill, ...); change them in ``adjust``."""

    @property
    def waiting_cases(self) -> int:
        """Cases waiting for a worker."""

    @property
    def extra_agency(self) -> int:
        """Agency workers held above establishment."""

    def waiting_work(self) -> np.ndarray:
        """Weighted cases waiting for a worker, by the team that allocates them (the scenario's
        teams in order)."""

    def agency_caseload_limit(self, team: int = 0) -> float:
        """The weighted caseload an agency worker may hold in ``team``."""

    def headcount(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(permanent staff, agency workers, funded vacancies) by level now."""

    def uncovered_vacancies(self) -> int:
        """Funded posts with neither a permanent holder nor cover."""

    def vacancies_covered_by_agency(self) -> int:
        """Funded posts without a permanent holder that an agency worker covers."""

    def this_month(self, count: str) -> float:
        """A count of this month so far: "hires", "external_hires", "conversions", "leavers", ..."""

    def process(self, generator: Generator) -> None:
        """Start a SimPy process (a generator that yields ``timeout`` events)."""

    def timeout(self, days: float) -> Any:
        """An event ``days`` from now, for a process to yield."""

    def hire(self, level: int, pipeline: str) -> None:
        """A permanent worker joins at ``level``: into a vacant funded post, else above establishment."""

    def hire_extra_agency(self, team: int = 0) -> None:
        """An agency worker joins ``team`` above establishment (at the agency level) for one
        assignment."""

    def cover_vacancy(
        self, level: int, on_end: Callable[[Any], None], replace_agency: bool = False
    ) -> Any:
        """A worker employed by the region (not the council, not an agency) covers a vacant funded
        post, practising at ``level``: one without cover, or (``replace_agency``) one an agency
        worker covers, who goes back to the pool. Returns the worker, or None if no post is open;
        ``on_end(worker)`` is called when the cover ends (the post is filled, or ``end_cover``)."""

    def release_staff(self, level: int, u: float) -> bool:
        """A permanent worker at ``level`` leaves the council to work for the region (the one at
        place ``u`` in [0, 1) in the order they joined); False if there is none."""

    def end_cover(self, worker: Any) -> None:
        """End a cover started by ``cover_vacancy``; the council may then seek agency cover."""

    def offer_incentive(self, gbp_per_year: float) -> None:
        """Offer recruits an incentive on top of salary (GBP a year as recruits weigh it), seen
        by applicants choosing a council and by other councils' staff weighing a move."""

    def charge(self, gbp: float) -> None:
        """Book a cost of the policy to this council this month (besides ``monthly_cost``)."""

    def refresh_rates(self) -> None:
        """Recompute the rates (after a policy's own state changes what ``adjust`` does)."""


class RegionContext(Protocol):
    """What a region policy may read and do in the region."""

    @property
    def councils(self) -> dict[str, Context]:
        """Every council of the region, by name, in the region's order."""

    @property
    def now(self) -> float:
        """Days since the run started."""

    @property
    def regional_market(self) -> bool:
        """Whether the councils share one labour market (else each recruits from outside)."""

    def post_shares(self, names: Any, level: int | None = None) -> dict[str, float]:
        """Each named council's share of their funded posts (at ``level``, or all posts): how a
        shared cost is split; equal shares if they have none."""

    @property
    def agency_available(self) -> int:
        """Agency workers in the region's pool without an assignment."""

    def take_agency_worker(self) -> bool:
        """An idle agency worker takes work with the region instead (False: the pool is empty)."""

    def process(self, generator: Generator) -> None:
        """Start a SimPy process."""

    def timeout(self, days: float) -> Any:
        """An event ``days`` from now, for a process to yield."""

    def refresh_rates(self) -> None:
        """Recompute the market's and every council's rates."""


class PolicyParams(BaseModel):
    """Base of every policy's parameters: strict types, finite numbers in range, unknown keys are
    errors, values are frozen (as in the scenario schema)."""

    model_config = STRICT


class PlainWords(string.Formatter):
    """Format specs for policy labels and descriptions: ``pct`` (0.05 -> 5%), ``gbp`` (250000 ->
    £250,000), ``ratio`` (0.95 -> 5% lower), ``level`` (l3 -> level 3), ``?TEXT`` (TEXT if true)."""

    def format_field(self, value: Any, spec: str) -> str:
        if spec == "pct":
            return f"{100 * value:g}%"
        if spec == "gbp":
            return f"£{value:,.0f}"
        if spec == "ratio":
            change = round(100 * (value - 1), 6)
            return (
                "unchanged"
                if change == 0
                else f"{abs(change):g}% {'higher' if change > 0 else 'lower'}"
            )
        if spec == "level":
            return "ASYE" if value == "asye" else f"level {str(value).lstrip('l')}"
        if spec.startswith("?"):
            return spec[1:] if value else ""
        return super().format_field(value, spec)


WORDS = PlainWords()


class Policy:
    name: ClassVar[str] = ""
    label: ClassVar[str] = ""  # e.g. "a caseload cap of {cap:g} cases"
    description: ClassVar[str] = ""  # what it does, e.g. "No worker holds more than {cap:g} cases"
    source: ClassVar[str] = ""
    scope: ClassVar[Literal["council", "region"]] = "council"
    Params: ClassVar[type[PolicyParams]] = PolicyParams

    def __init__(
        self,
        params: PolicyParams,
        start_month: int,
        rng: np.random.Generator,
        adopters: frozenset[str] = frozenset(),
    ):
        self.params = params
        self.start_month = start_month
        self.rng = rng
        self.adopters = adopters  # a region policy: the councils that adopt it

    # -- hooks (all optional) ---------------------------------------------------------------
    def adjust(self, rates: Any) -> None:
        """Change the model's rates while this policy is active."""

    def start(self, ctx: Context) -> None:
        """Called once when the policy starts."""

    def monthly(self, ctx: Context) -> None:
        """Called every month while the policy is active."""

    def leaving_hazard(self, ctx: Context, staff: Staff, hazard: np.ndarray) -> np.ndarray:
        """Each permanent worker's annual leaving hazard (in ``staff``'s order), adjusted."""
        return hazard

    def on_vacancy(self, ctx: Context, level: int) -> None:
        """A funded post at ``level`` has just fallen vacant."""

    def on_leaver(self, ctx: Context, level: int, destination: str) -> None:
        """A permanent worker at ``level`` has just left for ``destination``."""

    def monthly_cost(self, ctx: Context) -> float:
        """This policy's own cost in the current month, GBP."""
        return 0.0

    # -- hooks of a region policy (all optional) ---------------------------------------------
    def adjust_market(self, rates: Any) -> None:
        """Change the region's market rates while this policy is active."""

    def start_region(self, region: RegionContext) -> None:
        """Called once when the policy starts, after each adopting council's ``start``."""

    def monthly_region(self, region: RegionContext) -> None:
        """Called every month while the policy is active, after the councils' ``monthly``."""

    # -- description -------------------------------------------------------------------------
    @classmethod
    def label_for(cls, params: Mapping[str, Any] | PolicyParams | None = None) -> str:
        """The policy in plain words with its parameter values ("a caseload cap of 18 cases"):
        ``label`` filled in (the defaults where ``params`` gives none)."""
        return cls._fill(cls.label, params) if cls.label else cls.name.replace("_", " ")

    @classmethod
    def describe(cls, params: Mapping[str, Any] | PolicyParams | None = None) -> str:
        """What the policy does, ``description`` filled in with the parameter values."""
        return cls._fill(cls.description, params)

    @classmethod
    def inactive(cls, params: PolicyParams) -> set[str]:
        """The parameters that do nothing with these values (not shown as assumptions)."""
        return set()

    @classmethod
    def label_fields(cls) -> set[str]:
        """The parameters that ``label`` names."""
        return {field for _, field, _, _ in string.Formatter().parse(cls.label) if field}

    @classmethod
    def _fill(cls, template: str, params) -> str:
        values = (
            params
            if isinstance(params, PolicyParams)
            else cls.Params.model_validate(dict(params or {}))
        )
        try:
            return WORDS.format(template, **dict(values))
        except (KeyError, IndexError, ValueError, TypeError):
            return template  # a template that names no parameter, or a stray brace

    @classmethod
    def parameters(cls) -> dict[str, dict[str, Any]]:
        """Each parameter's default and description (for ``swsim policies``)."""
        out = {}
        for key, field in cls.Params.model_fields.items():
            out[key] = {
                "default": field.get_default(call_default_factory=True),
                "description": field.description or "",
            }
        return out


ENTRY_POINT_GROUP = "swsim.policies"
POLICY_PACKAGE = "policies"


@lru_cache(maxsize=1)
def registry() -> dict[str, type[Policy]]:
    """Every installed policy class by name: the modules of the ``policies`` package (found by
    name, so that package depends on this one and not the reverse) and the entry points."""
    found: dict[str, type[Policy]] = {}
    package = importlib.import_module(POLICY_PACKAGE)
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{POLICY_PACKAGE}.{info.name}")
        for obj in vars(module).values():
            if (
                isinstance(obj, type)
                and issubclass(obj, Policy)
                and obj is not Policy
                and obj.__module__ == module.__name__
                and obj.name
            ):
                found[obj.name] = obj
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        cls = ep.load()
        if not (isinstance(cls, type) and issubclass(cls, Policy)):
            raise TypeError(
                f"entry point {ep.name} in {ENTRY_POINT_GROUP} is not a Policy subclass"
            )
        found[cls.name or ep.name] = cls
    return dict(sorted(found.items()))


def get_policy(name: str) -> type[Policy]:
    known = registry()
    if name not in known:
        raise KeyError(f"unknown policy '{name}'; known policies: {', '.join(known)}")
    return known[name]
