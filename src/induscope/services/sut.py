"""Supply-use use cases: derive BEA's requirements tables from make and use files, write them.

The files are read by ``readers.sut`` (wide MAKE/USE matrices, or BEA's published long files; the
layouts and every check are described there). The output folder receives
direct_requirements.csv, commodity_by_commodity.csv, industry_by_commodity.csv and
industry_by_industry.csv, written into a temporary folder that is renamed into place.
"""
from __future__ import annotations

from pathlib import Path

from ..core.iomodels.sut import TECHNOLOGIES, SupplyUseModel, SupplyUseResult
from ..errors import InputError
from ..readers.sut import read_bea_make_use, read_make_use

OUTPUT_FILES = ("direct_requirements.csv", "commodity_by_commodity.csv", "industry_by_commodity.csv",
                "industry_by_industry.csv")


def sut_requirements(make_path: str | Path, use_path: str | Path, *, scrap: str | None = None,
                     technology: str = "industry", layout: str = "wide") -> SupplyUseResult:
    """Direct and total requirements tables from make and use files (BEA's derivation).

    ``layout``: 'wide' (MAKE/USE matrices) or 'bea' (BEA's published long files)."""
    return derive_requirements(read_sut(make_path, use_path, scrap=scrap, technology=technology, layout=layout))


def read_sut(make_path: str | Path, use_path: str | Path, *, scrap: str | None = None,
             technology: str = "industry", layout: str = "wide") -> dict:
    """Read and check the files (every problem at once): the inputs of ``derive_requirements``, picklable
    (a background job reads in the web process and derives in a worker)."""
    if technology not in TECHNOLOGIES:
        raise InputError(f"--technology must be one of {', '.join(TECHNOLOGIES)}, got {technology!r}")
    if layout not in ("wide", "bea"):
        raise InputError(f"--layout must be one of wide, bea, got {layout!r}")
    reader = read_make_use if layout == "wide" else read_bea_make_use
    V, U, industries, commodities = reader(make_path, use_path, scrap)
    return {"V": V, "U": U, "industries": industries, "commodities": commodities, "scrap": scrap,
            "technology": technology}


def derive_requirements(inputs: dict) -> SupplyUseResult:
    """The requirements tables from what ``read_sut`` read."""
    return SupplyUseModel(inputs["V"], inputs["U"], inputs["industries"], inputs["commodities"],
                          scrap=inputs["scrap"], technology=inputs["technology"]).run()


def write_requirements(result: SupplyUseResult, out_dir: str | Path, *, force: bool = False) -> list[Path]:
    """Write the four tables into ``out_dir`` atomically (temporary folder, then rename).

    An existing ``out_dir`` is replaced only when it holds nothing but these four files, or with
    ``force=True``.
    """
    out = Path(out_dir)
    if out.exists():
        if not out.is_dir():
            raise InputError(f"{out} exists and is not a folder")
        others = sorted(p.name for p in out.iterdir() if p.name not in OUTPUT_FILES)
        if others and not force:
            raise InputError(f"{out} holds other files ({', '.join(others[:5])}); choose an empty or new "
                             "folder, or pass --force to replace it")
    from .._files import atomic_dir

    with atomic_dir(out) as tmp:
        for stem, frame in result.frames().items():
            frame.to_csv(tmp / f"{stem}.csv", float_format="%.17g")
    return [out / f for f in OUTPUT_FILES]
