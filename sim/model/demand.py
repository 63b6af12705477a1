"""Referrals and case careers, drawn up front as arrays.

Referrals arrive as a non-homogeneous Poisson process; counts per day are independent Poisson
variables with the day's integrated rate, which is exact at the model's one-day resolution. Each
case's career (its sequence of case types and episode durations) is drawn at once from the case
type chain, so every scenario with the same seed sees the same families in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.clock import DAYS_PER_YEAR, Calendar
from sim.model.series import by_year
from sim.scenario import CLOSE, LEVELS, MAX_EPISODES, CaseType, Demand, Scenario

# MAX_EPISODES: a career is cut after this many episodes (the chain's mean is about 2; a scenario
# whose chain expects more is refused)


def referrals_per_year(
    demand: Demand, day: np.ndarray | float, calendar: Calendar | None = None
) -> np.ndarray:
    """The yearly referral rate at ``day``: the year's value of ``referrals_by_year`` on the
    run's ``calendar`` (``referrals_per_year`` before reporting starts if ``demand.warmup`` is
    'start'), else ``referrals_per_year`` grown by the trend."""
    t = np.asarray(day, dtype=float)
    if demand.referrals_by_year and calendar is not None:
        rate = by_year(demand.referrals_by_year, calendar.reporting_year(t), demand.annual_trend)
        if demand.warmup == "start":  # the warm-up at the start's rate
            rate = np.where(t < calendar.report_start_day, demand.referrals_per_year, rate)
        return rate
    return demand.referrals_per_year * (1.0 + demand.annual_trend) ** (t / DAYS_PER_YEAR)


def referral_rate_per_day(
    demand: Demand, day: np.ndarray | float, calendar: Calendar | None = None
) -> np.ndarray:
    """Expected referrals per day at ``day``: the yearly rate with seasonality (peaking on
    ``seasonal_peak_day`` of the calendar year with a ``calendar``, else of the run's year)."""
    t = np.asarray(day, dtype=float)
    of_year = t if calendar is None else (calendar.date(t) % 1.0) * DAYS_PER_YEAR
    season = 1.0 + demand.seasonal_amplitude * np.cos(
        2.0 * np.pi * (of_year - demand.seasonal_peak_day) / DAYS_PER_YEAR
    )
    return referrals_per_year(demand, t, calendar) / DAYS_PER_YEAR * season


@dataclass(frozen=True)
class CaseTypeTable:
    """The case types as arrays indexed by type number (the order of the scenario)."""

    names: tuple[str, ...]
    weight: np.ndarray  # float64
    min_level: np.ndarray  # int64, index into LEVELS
    priority_order: np.ndarray  # int64, type numbers in allocation order
    next_cum: np.ndarray  # (types, types + 1) cumulative probabilities; last column = close
    mean_days: np.ndarray
    team: np.ndarray  # int64: the team that allocates each type
    works: np.ndarray  # int64 (teams, types): 1 if a worker of the team may hold the type
    team_names: tuple[str, ...]
    looked_after: np.ndarray  # bool: types of children looked after (reporting)
    in_need: np.ndarray  # bool: types of children in need (reporting)

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> CaseTypeTable:
        names = tuple(scenario.type_names)
        cts = [scenario.case_types[n] for n in names]
        n = len(names)
        probs = np.zeros((n, n + 1))
        for i, ct in enumerate(cts):
            for target, p in ct.next.items():
                probs[i, n if target == CLOSE else names.index(target)] += p
        order = sorted(range(n), key=lambda i: (cts[i].priority, i))
        teams = scenario.team_list()
        team = np.zeros(n, dtype=np.int64)
        works = np.zeros((len(teams), n), dtype=np.int64)
        for k, (_, t) in enumerate(teams):
            for name in t.case_types:
                team[names.index(name)] = k
            for name in (*t.case_types, *t.keeps):
                works[k, names.index(name)] = 1
        return cls(
            names=names,
            weight=np.array([ct.weight for ct in cts], dtype=float),
            min_level=np.array([LEVELS.index(ct.min_level) for ct in cts], dtype=np.int64),
            priority_order=np.array(order, dtype=np.int64),
            next_cum=np.cumsum(probs, axis=1),
            mean_days=np.array([ct.mean_days for ct in cts], dtype=float),
            team=team,
            works=works,
            team_names=tuple(name for name, _ in teams),
            looked_after=np.array([n in scenario.looked_after_types() for n in names], dtype=bool),
            in_need=np.array([n in scenario.in_need_types() for n in names], dtype=bool),
        )

    @property
    def transition(self) -> np.ndarray:
        """Type-to-type transition matrix (without the close column)."""
        probs = np.diff(self.next_cum, axis=1, prepend=0.0)
        return probs[:, :-1]


def draw_durations(ct: CaseType, n: int, rng: np.random.Generator) -> np.ndarray:
    """Episode durations in whole days (at least one)."""
    if ct.distribution == "exponential":
        x = rng.exponential(ct.mean_days, n)
    elif ct.distribution == "lognormal":
        sigma2 = np.log1p(ct.cv**2)
        x = rng.lognormal(np.log(ct.mean_days) - sigma2 / 2.0, np.sqrt(sigma2), n)
    else:
        x = np.full(n, ct.mean_days)
    return np.maximum(1, np.rint(x)).astype(np.int64)


@dataclass(frozen=True)
class Caseload:
    """All cases of one run: arrival, and their careers as flat episode arrays."""

    arrival_day: np.ndarray  # int64, sorted; cases open at the start have day 0 and initial=True
    initial: np.ndarray  # bool
    first_episode: np.ndarray  # int64 offset into episode arrays
    n_episodes: np.ndarray  # int64
    episode_type: np.ndarray  # int64
    episode_days: np.ndarray  # int64
    referrals_per_day: np.ndarray  # int64, length n_days

    @property
    def n_cases(self) -> int:
        return len(self.arrival_day)


def draw_careers(
    scenario: Scenario, table: CaseTypeTable, first_type: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Careers of cases starting with ``first_type``: (first_episode, n_episodes, type, days)."""
    n = len(first_type)
    n_types = len(table.names)
    cts = [scenario.case_types[name] for name in table.names]
    rows, types, days = [], [], []
    idx = np.arange(n)
    cur = np.asarray(first_type, dtype=np.int64)
    for _ in range(MAX_EPISODES):
        if len(idx) == 0:
            break
        dur = np.empty(len(idx), dtype=np.int64)
        of_type = [np.flatnonzero(cur == t) for t in range(n_types)]
        for t, sel in enumerate(of_type):
            if sel.size:
                dur[sel] = draw_durations(cts[t], sel.size, rng)
        rows.append(idx)
        types.append(cur)
        days.append(dur)
        u = rng.random(len(idx))
        # the next type: the first cumulative share above u (shares at or below u, counted)
        nxt = (table.next_cum[cur] <= u[:, None]).sum(axis=1)
        nxt = np.minimum(nxt, n_types)  # guards against rounding in the cumulative sum
        keep = nxt < n_types
        idx, cur = idx[keep], nxt[keep]
    # episodes case by case: the k-th episode of case i at first[i] + k
    n_ep = np.zeros(n, dtype=np.int64)
    for idx in rows:
        n_ep[idx] += 1  # each step's cases are distinct
    first = np.concatenate(([0], np.cumsum(n_ep)[:-1])).astype(np.int64)
    ep_type = np.empty(int(n_ep.sum()), dtype=np.int64)
    ep_days = np.empty(int(n_ep.sum()), dtype=np.int64)
    for k, (idx, t, d) in enumerate(zip(rows, types, days)):
        ep_type[first[idx] + k] = t
        ep_days[first[idx] + k] = d
    return first, n_ep, ep_type, ep_days


def expected_open_cases(
    scenario: Scenario, table: CaseTypeTable | None = None, referrals_per_year: float | None = None
) -> np.ndarray:
    """Steady-state mean open cases by type, from the traffic equations and Little's law.

    Waiting time is not included: this is the allocated caseload when allocation is immediate.
    """
    table = table or CaseTypeTable.from_scenario(scenario)
    d = scenario.demand
    lam = (referrals_per_year or d.referrals_per_year) * d.case_share / DAYS_PER_YEAR
    gamma = np.array([d.initial_type.get(name, 0.0) for name in table.names]) * lam
    flow = np.linalg.solve(np.eye(len(table.names)) - table.transition.T, gamma)
    return flow * table.mean_days


def team_post_weights(scenario: Scenario, table: CaseTypeTable | None = None) -> np.ndarray:
    """How each level's funded posts split between the teams (levels x teams, rows summing to 1).

    A team takes its posts from the levels that may hold one of its case types, in proportion to
    those levels' posts (a court team whose work needs level 3 draws on levels 3 to 5 only); each
    level's posts then split in proportion to what the teams ask of it. Given shares are shares of
    posts. When posts follow the work, each team asks for the posts its expected weighted open
    cases fill at its levels' caseload limits (its offered load, R), plus a share of the spare
    posts in proportion to the square root of R: the square-root staffing rule of many-server
    queues (Halfin and Whitt 1981), which gives a small team the larger margin it needs for the
    same chance of a wait. Where every team may hold every level's work, each level splits alike."""
    table = table or CaseTypeTable.from_scenario(scenario)
    teams = scenario.team_list()
    levels = scenario.workforce.levels.ordered()
    posts = np.array([lv.establishment for lv in levels], dtype=float)
    n_teams = len(teams)
    lowest = np.array(
        [
            table.min_level[table.team == k].min() if (table.team == k).any() else 0
            for k in range(n_teams)
        ]
    )
    eligible = (np.arange(len(posts))[:, None] >= lowest[None, :]).astype(float)  # levels x teams
    reach = (posts[:, None] * eligible).sum(axis=0)  # posts it may use
    if all(t.share is not None for _, t in teams):
        wanted = np.array([t.share for _, t in teams], dtype=float) * posts.sum()
    else:
        limit = np.array([lv.caseload_limit for lv in levels], dtype=float)
        factor = np.array([t.caseload_limit_factor for _, t in teams])
        per_post = (posts * limit) @ eligible / np.where(reach > 0, reach, 1.0) * factor
        work = np.bincount(
            table.team,
            weights=expected_open_cases(scenario, table) * table.weight,
            minlength=n_teams,
        )
        load = work / np.where(per_post > 0, per_post, 1.0)  # R, in posts
        spare = posts.sum() - load.sum()
        root = np.sqrt(load)
        wanted = load + spare * root / root.sum() if spare > 0 else load * posts.sum() / load.sum()
    asked = wanted[None, :] * posts[:, None] * eligible / np.where(reach > 0, reach, 1.0)
    total = asked.sum(axis=1, keepdims=True)
    return np.where(total > 0, asked / np.where(total > 0, total, 1.0), 1.0 / n_teams)


def draw_caseload(
    scenario: Scenario,
    n_days: int,
    referral_rng: np.random.Generator,
    career_rng: np.random.Generator,
    initial_rng: np.random.Generator,
    calendar: Calendar | None = None,
) -> Caseload:
    """The open caseload at the start (steady-state mix) and every referral of the run
    (``calendar``: the run's dates, for a yearly referral series)."""
    d = scenario.demand
    table = CaseTypeTable.from_scenario(scenario)
    # Referrals: Poisson count per day, thinned to cases.
    day = np.arange(n_days)
    mean_per_day = referral_rate_per_day(d, day + 0.5, calendar)
    referrals = referral_rng.poisson(mean_per_day)
    cases = referral_rng.binomial(referrals, d.case_share)
    arrival = np.repeat(day, cases).astype(np.int64)
    shares = np.array([d.initial_type.get(name, 0.0) for name in table.names])
    first_new = np.searchsorted(np.cumsum(shares), career_rng.random(len(arrival)), side="right")
    first_new = np.minimum(first_new, len(shares) - 1).astype(np.int64)
    # Open caseload at the start: Poisson(expected open cases) per type. For exponential
    # durations the remaining time of an open episode has the same law as a fresh one.
    stock = initial_rng.poisson(
        expected_open_cases(scenario, table, float(referrals_per_year(d, 0.0, calendar)))
    )
    first_init = np.repeat(np.arange(len(table.names)), stock).astype(np.int64)
    # Careers of new cases come from their own stream whatever the size of the opening stock.
    f_new, n_new, t_new, d_new = draw_careers(scenario, table, first_new, career_rng)
    f_init, n_init_ep, t_init, d_init = draw_careers(scenario, table, first_init, initial_rng)
    first = np.concatenate((f_init, f_new + len(t_init)))
    n_ep = np.concatenate((n_init_ep, n_new))
    ep_type = np.concatenate((t_init, t_new))
    ep_days = np.concatenate((d_init, d_new))
    n_init = len(first_init)
    return Caseload(
        arrival_day=np.concatenate((np.zeros(n_init, np.int64), arrival)),
        initial=np.concatenate((np.ones(n_init, bool), np.zeros(len(arrival), bool))),
        first_episode=first,
        n_episodes=n_ep,
        episode_type=ep_type,
        episode_days=ep_days,
        referrals_per_day=referrals.astype(np.int64),
    )
