"""``regions``: an output entry has exactly the claimed number of linear regions on a box.

Linear regions are maximal connected sets where the output is one affine map: exact
cells joined across shared facets.

>>> from symtrans import Box, Claim
>>> Claim("regions", expected={"regions": 4}, domain=Box([(-1, 1)] * 2)).describe()
'regions regions=4'
"""

from dataclasses import dataclass

from ..base import ClaimKind, Params, integer, param


@dataclass(frozen=True)
class RegionsParams(Params):
    regions: int = param(integer(lo=1), doc="the claimed number of linear regions")


def _summarize(cert):
    ev = cert.evidence
    return f"{ev['linear_regions']} linear regions ({ev['activation_cells']} activation cells)"


KIND = ClaimKind(
    name="regions", package=__name__, params=RegionsParams,
    doc="output[row, col] has exactly `regions` linear regions on the box",
    describe=lambda claim: f"regions regions={claim.expected.regions}", summarize=_summarize,
    evidence={"linear_regions": "the counted linear regions", "activation_cells": "distinct decision patterns",
              "network_cells": "cells", "dimension": "the box's dimension",
              "breakpoints": "1-D: the ends of the linear pieces", "pieces": "1-D: [lo, hi, slope, intercept]"},
    spec_targets=("maxout",), domain="box")
