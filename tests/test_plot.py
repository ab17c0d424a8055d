"""`symtrans plot`: pictures of regions (optional matplotlib extra)."""

from __future__ import annotations

import builtins
from pathlib import Path

import pytest

from symtrans.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"


def test_plot_1d_and_2d(tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "tent.png"
    assert main(["plot", str(EXAMPLES / "tent3.toml"), "--regions", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    spec = tmp_path / "two.toml"
    spec.write_text((EXAMPLES / "tent3.toml").read_text().split("[target]")[0] + """
[target]
kind = "cpwl"
variables = ["x", "y"]
expr = "max(x, y) - min(x, 0)"
[domain]
box = [["-1", "1"], ["-1", "1"]]
[check]
method = "emulation"
""")
    out2 = tmp_path / "two.png"
    assert main(["plot", str(spec), "--regions", str(out2)]) == 0 and out2.stat().st_size > 1000


def test_plot_without_matplotlib_is_a_clear_error(tmp_path, monkeypatch, capsys):
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    out = tmp_path / "x.png"
    assert main(["plot", str(EXAMPLES / "tent3.toml"), "--regions", str(out)]) == 2
    err = capsys.readouterr().err
    assert "plotting needs matplotlib" in err and "pip install symtrans[plot]" in err and err.count("\n") == 1
    assert not out.exists()
