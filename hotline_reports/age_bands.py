"""Age bands for the consultation pivots, computed in the database from the snapshot age.

Three sets are offered: a default fit for sexual and reproductive health
(where 14 is the age of medical consent in Ukraine and adolescents are
counted apart), the Primero child-protection set and the UNHCR set.
"""

from dataclasses import dataclass

from django.db.models import Case, CharField, Q, Value, When
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hotline_crm.models import AgeStatus
from hotline_reports.models import AgeBandSet

UNKNOWN_BAND = "unknown"


@dataclass(frozen=True)
class AgeBand:
    key: str
    label: str | Promise
    lowest: int
    highest: int | None  # inclusive; None: no upper bound


def _bands(*limits: tuple[int, int | None]) -> tuple[AgeBand, ...]:
    bands = []
    for lowest, highest in limits:
        if lowest == 0 and highest is not None:
            label = f"0–{highest}"
        elif highest is None:
            label = f"{lowest}+"
        else:
            label = f"{lowest}–{highest}"
        key = f"{lowest}-{highest}" if highest is not None else f"{lowest}-"
        bands.append(AgeBand(key, label, lowest, highest))
    return tuple(bands)


BAND_SETS: dict[str, tuple[AgeBand, ...]] = {
    AgeBandSet.SRH: (
        AgeBand("0-13", _("under 14"), 0, 13),
        *_bands((14, 17), (18, 24), (25, 34), (35, 49), (50, None)),
    ),
    AgeBandSet.PRIMERO: _bands((0, 5), (6, 11), (12, 17), (18, None)),
    AgeBandSet.UNHCR: _bands((0, 4), (5, 11), (12, 17), (18, 59), (60, None)),
}


def bands_of(band_set: str) -> tuple[AgeBand, ...]:
    return BAND_SETS.get(band_set, BAND_SETS[AgeBandSet.SRH])


def band_labels(band_set: str) -> dict[str, str | Promise]:
    """Band keys to labels, in the bands' order, unknown last."""
    labels: dict[str, str | Promise] = {band.key: band.label for band in bands_of(band_set)}
    labels[UNKNOWN_BAND] = _("unknown")
    return labels


def band_expression(band_set: str, prefix: str = "snapshot_") -> Case:
    """SQL CASE giving each consultation its band key; an age not known counts as unknown."""
    age = f"{prefix}age"
    known = Q(**{f"{prefix}age_status": AgeStatus.KNOWN, f"{age}__isnull": False})
    whens = []
    for band in bands_of(band_set):
        in_band = Q(**{f"{age}__gte": band.lowest})
        if band.highest is not None:
            in_band &= Q(**{f"{age}__lte": band.highest})
        whens.append(When(known & in_band, then=Value(band.key)))
    return Case(*whens, default=Value(UNKNOWN_BAND), output_field=CharField())
