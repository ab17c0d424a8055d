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


def _net_1d():
    from symtrans import Box, MaxoutNet
    from symtrans.constructions.gu2026 import maxout_transformer

    tent, unit = MaxoutNet.tent(2), Box([(0, 1)])
    return tent, unit, maxout_transformer(tent, unit)


def test_figures_are_returned_without_pyplot_or_a_backend_switch(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    import sys

    from symtrans.plot import figure_regions, plot_regions

    def backend():  # the raw setting (matplotlib.get_backend() would itself import pyplot)
        return dict.__getitem__(matplotlib.rcParams, "backend")

    had_pyplot, before = "matplotlib.pyplot" in sys.modules, backend()
    tent, unit, G = _net_1d()
    fig = figure_regions(G, tent, unit, points=[["1/4"]])
    assert type(fig).__name__ == "Figure" and backend() == before
    assert ("matplotlib.pyplot" in sys.modules) == had_pyplot
    labels = [line.get_label() for line in fig.axes[0].lines]
    assert "counterexample" in labels and "target" in labels and "network (exact pieces)" in labels
    heads = {".pdf": b"%PDF", ".svg": b"<?xml", ".png": b"\x89PNG"}
    for suffix, head in heads.items():
        out = tmp_path / f"tent{suffix}"
        plot_regions(G, tent, unit, out)
        assert out.read_bytes().startswith(head), suffix


def test_difference_figure_draws_every_certified_leaf(tmp_path):
    pytest.importorskip("matplotlib")
    from symtrans import Box, Claim, MaxoutNet, verify
    from symtrans.constructions.gu2026 import maxout_transformer
    from symtrans.plot import figure_difference

    tent, unit = MaxoutNet.tent(1), Box([(0, 1)])
    G = maxout_transformer(tent, unit, score="softmax", beta=10)
    cert = verify(G, Claim("bound", tent, domain=unit, expected={"eps": "7/100"}))
    fig = figure_difference(G, tent, unit, "7/100", certificate=cert)
    ax = fig.axes[0]
    assert len(ax.patches) == cert.evidence["certified_boxes"]
    assert all(abs(p.get_y()) <= 0.07 and abs(p.get_y() + p.get_height()) <= 0.07 for p in ax.patches)
    two = Box([(0, 1), (0, 1)])
    net = MaxoutNet.max_of(2)
    fig2 = figure_difference(maxout_transformer(net, two, score="softmax", beta=20), net, two, "1/25")
    assert len(fig2.axes) == 2  # the map and its colour bar


def test_plot_cli_formats_marks_and_refusals(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    spec = EXAMPLES / "relu_2d.toml"
    out = tmp_path / "r.svg"
    assert main(["plot", str(spec), "--regions", str(out)]) == 0 and out.read_bytes().startswith(b"<?xml")
    assert main(["plot", str(spec), "--regions", str(tmp_path / "r.gif")]) == 2
    assert "unknown picture format '.gif'" in capsys.readouterr().err
    assert main(["plot", str(spec), "--difference", str(tmp_path / "d.png")]) == 2
    assert "needs an eps" in capsys.readouterr().err
    assert main(["plot", str(spec), "--difference", str(tmp_path / "d.png"), "--eps", "1/10"]) == 0
    assert not list(tmp_path.glob(".*tmp*"))  # no temporary file left behind


def test_separation_and_degree_pictures(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    from symtrans import Polynomial
    from symtrans.constructions.fang2022 import polynomial_transformer
    from symtrans.constructions.kajitsuka2024 import contextual_mapping
    from symtrans.plot import channel_degrees, figure_separations, separation_bits

    V = [["1", "0"], ["0", "2"], ["-1", "-1"]]
    seqs = [[V[0], V[1]], [V[0], V[2]], [V[1], V[2]]]
    G = contextual_mapping(seqs, w=["3/5", "4/5"], eps="11/5").graph
    rows = separation_bits(G, seqs, delta_log10=-1397, max_bits=4096)
    assert len(rows) == 15 and max(bits for _, bits, _ in rows) == 2048  # KS-T1's 10^-487.7 pair
    assert min(sep for _, _, sep in rows) == pytest.approx(-487.7, abs=0.1)
    fig = figure_separations(G, seqs, delta_log10=-1397)
    assert sum(len(c.get_offsets()) for c in fig.axes[0].collections) == 15
    groups, blocks, deg = channel_degrees(polynomial_transformer(Polynomial.general(2, 3)))
    assert blocks == [1, 2, 3] and deg[groups.index("R3")] == [-1, -1, 3] and deg[groups.index("X")] == [1, 1, 1]
    assert main(["plot", str(EXAMPLES / "ks_t1.toml"), "--separations", str(tmp_path / "s.svg")]) == 0
    assert main(["plot", str(EXAMPLES / "cubic.toml"), "--degrees", str(tmp_path / "d.pdf")]) == 0
    assert (tmp_path / "d.pdf").read_bytes().startswith(b"%PDF")
    assert main(["plot", str(EXAMPLES / "cubic.toml"), "--separations", str(tmp_path / "x.png")]) == 2
    assert "needs a contextual_mapping check" in capsys.readouterr().err
