import os
import sys

import mpmath
import pytest

sys.path.insert(0, os.path.dirname(__file__))


@pytest.fixture(autouse=True)
def _reset_global_precision():
    """symtrans never sets global precision; this guards that no test leaks one either."""
    import flint

    saved = (mpmath.mp.prec, mpmath.iv.prec, flint.ctx.prec)
    yield
    assert (mpmath.mp.prec, mpmath.iv.prec, flint.ctx.prec) == saved, "a global precision leaked"
    mpmath.mp.prec, mpmath.iv.prec = saved[0], saved[1]
    flint.ctx.prec = saved[2]
