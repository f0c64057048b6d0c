"""One registry: the field's symbol -> long name, unit, meaning.

Inside ``core/iomodels`` the code speaks in symbols (Z, A, L, ...); everything that leaves the core
(API, CLI, store, reports) uses the long names from here, so the two never drift apart.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Symbol:
    symbol: str
    long_name: str
    unit: str
    meaning: str


_ENTRIES = [
    # tables
    Symbol("Z", "intermediate_transactions", "currency", "inter-industry flows; row i sells to column j"),
    Symbol("Zm", "imported_intermediate_use", "currency",
           "imported products used by each industry (non-competitive-import tables)"),
    Symbol("Y", "final_demand", "currency", "final demand by category (domestic products in non-competitive tables)"),
    Symbol("Ym", "imported_final_demand", "currency", "imported products in final demand"),
    Symbol("x", "gross_output", "currency", "total output of each industry"),
    Symbol("f", "final_demand_total", "currency", "final demand consistent with x: f = x - Z 1"),
    Symbol("V", "value_added", "currency", "value added components (rows) by industry"),
    Symbol("m", "imports", "currency", "imports by product (competitive-import tables)"),
    Symbol("F", "satellite_account", "unit of the extension", "factor inputs or emissions by industry"),
    # coefficients
    Symbol("A", "technical_coefficients", "currency/currency", "A = Z x^-1: input of i per unit of output of j"),
    Symbol("A_d", "domestic_technical_coefficients", "currency/currency", "A_d = Z_d x^-1 (domestic inputs only)"),
    Symbol("A_m", "import_coefficients", "currency/currency", "A_m = Z_m x^-1 (imported inputs)"),
    Symbol("v", "value_added_coefficients", "currency/currency", "v = 1'V x^-1: value added per unit of output"),
    Symbol("e", "employment_coefficients", "persons/currency", "employment per unit of output"),
    Symbol("S", "extension_coefficients", "unit/currency", "S = F x^-1: satellite account per unit of output"),
    Symbol("L", "leontief_inverse", "currency/currency",
           "L = (I - A)^-1: output of i needed per unit of final demand for j"),
    Symbol("B", "allocation_coefficients", "currency/currency", "Ghosh B = x^-1 Z: share of i's output sold to j"),
    Symbol("G", "ghosh_inverse", "currency/currency",
           "G = (I - B)^-1 = x^-1 L x: output of j enabled per unit of primary input in i"),
    # multipliers and linkages
    Symbol("m_o", "output_multiplier", "currency/currency", "column sums of L (simple output multiplier)"),
    Symbol("m_v", "value_added_multiplier", "currency/currency", "v'L: value added generated per unit of final demand"),
    Symbol("m_v1", "value_added_multiplier_type_i", "ratio", "v'L / v: total over direct value added"),
    Symbol("m_e", "employment_multiplier", "persons/currency", "e'L: employment per unit of final demand"),
    Symbol("m_e1", "employment_multiplier_type_i", "ratio", "e'L / e: total over direct employment"),
    Symbol("M", "extension_multipliers", "unit/currency", "M = S L: satellite account per unit of final demand"),
    Symbol("M_down", "downstream_extension_multipliers", "unit/currency",
           "M_down = S (G' - I) (pymrio's downstream multipliers)"),
    Symbol("BL", "backward_linkage", "currency/currency", "total backward linkage: column sums of L"),
    Symbol("FL", "forward_linkage", "currency/currency",
           "total forward linkage: row sums of G (Ghosh) or of L (Rasmussen's original)"),
    Symbol("BL_direct", "direct_backward_linkage", "currency/currency", "column sums of A"),
    Symbol("FL_direct", "direct_forward_linkage", "currency/currency", "row sums of B"),
    Symbol("U_b", "backward_linkage_index", "ratio",
           "Rasmussen-Hirschman power of dispersion: BL_j / mean(BL)"),
    Symbol("U_f", "forward_linkage_index", "ratio",
           "Rasmussen-Hirschman sensitivity of dispersion: FL_i / mean(FL)"),
    Symbol("key", "key_sector_class", "", "key / backward-oriented / forward-oriented / weak"),
    # shocks, extraction, inoperability
    Symbol("dx", "output_change", "currency", "change in gross output"),
    Symbol("df", "final_demand_change", "currency", "change in final demand (Leontief shock)"),
    Symbol("dv", "primary_input_change", "currency", "change in primary inputs (Ghosh shock)"),
    Symbol("T", "extraction_loss", "currency", "output lost when a sector is hypothetically extracted"),
    Symbol("A*", "interdependency_matrix", "ratio", "A* = x^-1 A x (demand-side inoperability model)"),
    Symbol("c*", "demand_perturbation", "ratio", "c* = x^-1 df: demand reduction relative to output"),
    Symbol("q", "inoperability", "ratio", "q = (I - A*)^-1 c*: share of output that cannot be delivered"),
    Symbol("Q", "economic_loss", "currency", "Q = x q: output lost"),
    Symbol("delta", "dependency_index", "ratio", "Setola et al. (2009): mean of row i of A* off the diagonal"),
    Symbol("rho", "influence_gain", "ratio", "Setola et al. (2009): mean of column j of A* off the diagonal"),
    Symbol("delta_o", "overall_dependency_index", "ratio", "same on S = (I - A*)^-1"),
    Symbol("rho_o", "overall_influence_gain", "ratio", "same on S = (I - A*)^-1"),
    # supply-use
    Symbol("U", "use_table", "currency", "commodity x industry: commodities used by each industry"),
    Symbol("Vmake", "make_table", "currency", "industry x commodity: commodities made by each industry"),
    Symbol("g", "industry_output", "currency", "industry output including scrap"),
    Symbol("q_c", "commodity_output", "currency", "commodity output"),
    Symbol("h", "scrap_output", "currency", "scrap made by each industry"),
    Symbol("p", "scrap_ratio", "ratio", "p = h / g"),
    Symbol("B_sut", "direct_requirements", "currency/currency", "B = U g^-1 (commodity x industry)"),
    Symbol("D", "market_shares", "ratio", "D = V q^-1 (industry x commodity)"),
    Symbol("W", "transformation_matrix", "ratio", "W = (I - p^)^-1 D: market shares adjusted for scrap"),
    Symbol("TR_cc", "commodity_by_commodity_total_requirements", "currency/currency", "(I - BW)^-1"),
    Symbol("TR_ic", "industry_by_commodity_total_requirements", "currency/currency", "W (I - BW)^-1"),
    Symbol("TR_ii", "industry_by_industry_total_requirements", "currency/currency", "(I - WB)^-1"),
]

SYMBOLS: dict[str, Symbol] = {s.symbol: s for s in _ENTRIES}
_BY_LONG = {s.long_name: s for s in _ENTRIES}


def long_name(symbol: str) -> str:
    """The long name of a symbol (KeyError for an unknown symbol, so typos fail loudly)."""
    return SYMBOLS[symbol].long_name


def symbol_of(long: str) -> str:
    return _BY_LONG[long].symbol


def describe(symbol: str) -> dict[str, str]:
    s = SYMBOLS[symbol]
    return {"symbol": s.symbol, "long_name": s.long_name, "unit": s.unit, "meaning": s.meaning}
