"""Firm-level networks: ESRI / GL cascade, scenarios, chokepoints, alternative suppliers,
synthetic networks. See ``esri`` for the cascade's definition and engines."""
from .esri import CascadeResult, ESRIResult, GLCascade
from .network import Essentiality, SupplyNetwork
from .synthetic import power_law_network, synthetic_firm_network, truncated_power_law_network

__all__ = ["CascadeResult", "ESRIResult", "Essentiality", "GLCascade", "SupplyNetwork",
           "power_law_network", "synthetic_firm_network",
           "truncated_power_law_network"]
