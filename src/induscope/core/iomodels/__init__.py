"""Sector-level input-output models: tables, the Leontief/Ghosh static set, shocks, extraction,
inoperability, footprints, supply-use -> symmetric tables (pure numpy/scipy/pandas)."""
from .checks import ProductivityReport, check_productive, require_productive, spectral_radius
from .extraction import ExtractionModel, ExtractionResult
from .footprints import FootprintResult, footprint_accounts
from .inoperability import InoperabilityModel, InoperabilityResult
from .shocks import ShockModel, ShockResult
from .static import StaticModel, StaticResult
from .sut import SupplyUseModel, SupplyUseResult
from .symbols import SYMBOLS, describe, long_name
from .system import LeontiefSystem
from .table import Extension, IOTable

__all__ = [
    "Extension", "ExtractionModel", "ExtractionResult", "FootprintResult", "IOTable",
    "InoperabilityModel", "InoperabilityResult", "LeontiefSystem", "ProductivityReport", "SYMBOLS",
    "ShockModel", "ShockResult", "StaticModel", "StaticResult", "SupplyUseModel", "SupplyUseResult",
    "check_productive", "describe", "footprint_accounts", "long_name", "require_productive",
    "spectral_radius",
]
