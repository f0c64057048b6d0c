"""Readers: parse files into core objects or validated rows, reporting every problem at once.

- ``nbs.read_nbs``: NBS input-output tables (non-competitive 42-sector, competitive 149/153-sector)
- ``io_generic.read_generic`` / ``write_generic``: the generic CSV/XLSX input-output layout
- ``pymrio_io.from_pymrio`` / ``to_pymrio``: pymrio.IOSystem in and out
- ``series.read_series``: long statistical series
- ``firms.read_enterprises`` / ``read_supply_links``: enterprises and firm-to-firm links
- ``chains.read_chains``: chain nodes and the firms serving them
- ``common``: file opening, encodings, headers, numbers, units, codes

Layouts are documented in docs/formats.md.
"""
