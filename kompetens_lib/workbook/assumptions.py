"""The assumptions a participant sets in the parameters cells of notebooks 03 and 05,
validated, with their defaults and the reason for each default (no display)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kompetens_lib._internal.checks import check_number, check_share
from kompetens_lib.errors import KompetensError
from kompetens_lib.methods.need import (
    COMPLETION_RATES,
    GRADUATE_SHARE,
    STAY_SHARES,
)
from kompetens_lib.methods.supply import EXIT_AGE, check_exit_age
from kompetens_lib.reference.taxonomy import (
    FORMS,
)

__all__ = [
    "ASSUMPTION_REASONS",
    "NET_MIGRATION_RANGE",
    "Assumptions",
    "SupplyAssumptions",
    "assumptions",
    "check_net_migration",
    "scenario_exit_age",
    "supply_assumptions",
]

#: Yearly net in-migration a scenario may assume, as a share of the labour force.
NET_MIGRATION_RANGE: tuple[float, float] = (-0.05, 0.05)


def _per_form(value: object, name: str, defaults: Mapping[str, float]) -> dict[str, float]:
    """A share in (0, 1] per form from one number or a mapping by form (aliases allowed)."""
    if not isinstance(value, Mapping):
        share = check_share(value, name, allow_zero=False)
        return {f: share for f in FORMS}
    aliases = {"hogskola": "högskola", "gymnasieskola": "gymnasium", "yrkeshögskola": "yh"}
    given = {aliases.get(str(k).strip().lower(), str(k).strip().lower()): v
             for k, v in value.items()}
    unknown = sorted(set(given) - set(FORMS))
    if unknown:
        raise KompetensError(
            f"{name} har okända utbildningsformer: {', '.join(unknown)}. Giltiga former: "
            f"{', '.join(FORMS)}."
        )
    return {f: check_share(given.get(f, defaults[f]), f"{name}['{f}']", allow_zero=False)
            for f in FORMS}


@dataclass(frozen=True)
class Assumptions:
    """The dimensioning assumptions of notebook 06, validated (see :func:`assumptions`)."""

    graduate_share: float = GRADUATE_SHARE
    completion_rate: dict[str, float] = field(default_factory=lambda: dict(COMPLETION_RATES))
    stay_share: dict[str, float] = field(default_factory=lambda: dict(STAY_SHARES))
    exit_age: int = EXIT_AGE

    def as_dict(self) -> dict[str, Any]:
        return {"graduate_share": self.graduate_share,
                "completion_rate": dict(self.completion_rate),
                "stay_share": dict(self.stay_share), "exit_age": self.exit_age}


def assumptions(
    graduate_share: object = GRADUATE_SHARE,
    completion_rate: object = None,
    stay_share: object = None,
    exit_age: object = EXIT_AGE,
) -> Assumptions:
    """Validate the assumptions a participant set in the parameters cell.

    Accepts numbers or text ("0,7" from ``kompetens run --param``), one number for every
    form or a mapping per form (missing forms keep their defaults). Raises
    :class:`KompetensError` in Swedish naming the valid range.

    >>> assumptions("0,6", {"högskola": 0.5}).completion_rate["högskola"]
    0.5
    """
    share = check_share(graduate_share, "graduate_share")
    completion = _per_form(COMPLETION_RATES if completion_rate is None else completion_rate,
                           "completion_rate", COMPLETION_RATES)
    stay = _per_form(STAY_SHARES if stay_share is None else stay_share, "stay_share",
                     STAY_SHARES)
    age = check_exit_age(exit_age)
    return Assumptions(share, completion, stay, age)


#: Why each default is what it is (shown beside the values in notebooks 03 and 05).
ASSUMPTION_REASONS: dict[str, str] = {
    "graduate_share": "Resten av behovet möts av yrkesbytare, inflyttade, inpendlare och "
                      "arbetssökande.",
    "completion_rate": "Avrundade planeringsantaganden; jämför med Skolverkets, MYH:s och "
                       "UKÄ:s uppföljningar.",
    "stay_share": "Vuxenstuderande är bofasta, YH byggs med lokala arbetsgivare, "
                  "högskoleutbildade flyttar mest.",
    "exit_age": "Riktåldern för pension i början av 2020-talet; den höjs över tid.",
}


@dataclass(frozen=True)
class SupplyAssumptions:
    """The supply assumptions of notebook 03, validated (see :func:`supply_assumptions`)."""

    exit_age: int = EXIT_AGE
    graduate_stay_share: float = 0.8
    net_migration: float = 0.0


def supply_assumptions(
    exit_age: object = EXIT_AGE, graduate_stay_share: object = 0.8, net_migration: object = 0.0
) -> SupplyAssumptions:
    """Validate the supply assumptions set in notebook 03's parameters cell.

    ``exit_age`` is a whole number of years in
    :data:`~kompetens_lib.methods.supply.EXIT_AGE_RANGE` (60–72); ``graduate_stay_share`` a share in
    [0, 1]; ``net_migration`` the yearly net in-migration as a share of the labour force,
    in [−0.05, 0.05]. Text such as "0,8" is accepted.

    >>> supply_assumptions("67", "0,75").graduate_stay_share
    0.75
    """
    age = check_exit_age(exit_age)
    stay = check_share(graduate_stay_share, "graduate_stay_share")
    return SupplyAssumptions(age, stay, check_net_migration(net_migration))


def check_net_migration(value: object) -> float:
    """Yearly net in-migration as a share of the labour force, in [−0.05, 0.05], from a
    number or text ("0,005"); Swedish error otherwise.

    >>> check_net_migration("-0,01")
    -0.01
    """
    low, high = NET_MIGRATION_RANGE
    rate = check_number(value, "net_migration")
    if not low <= rate <= high:
        raise KompetensError(
            f"net_migration ska vara nettoinflyttningen per år som andel av arbetskraften, "
            f"mellan -0,05 och 0,05 (t.ex. 0.005 för 0,5 %); fick {value!r}."
        )
    return rate


def scenario_exit_age(exit_age: int | Mapping[int, float]) -> int | Mapping[int, float]:
    """A scenario's exit age: one age is checked with
    :func:`~kompetens_lib.methods.supply.check_exit_age`; a distribution over ages
    (``{65: 0.5, 67: 0.5}``) passes on to :func:`~kompetens_lib.methods.supply.retirements`,
    which checks it."""
    return exit_age if isinstance(exit_age, Mapping) else check_exit_age(exit_age)
