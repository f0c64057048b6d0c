"""Readers: parse files into core objects or validated rows, reporting every problem at once.

- ``nbs.read_nbs``: NBS input-output tables (non-competitive 42-sector, competitive 149/153-sector)
- ``io_generic.read_generic`` / ``write_generic``: the generic CSV/XLSX input-output layout
- ``pymrio_io.from_pymrio`` / ``to_pymrio``: pymrio.IOSystem in and out
- ``series.read_series``: long statistical series
- ``firms.read_enterprises`` / ``read_supply_links``: enterprises and firm-to-firm links
- ``chains.read_chains``: chain nodes and the firms serving them
- ``io_tables.read_io_table``: the one IO-table entry point (layout detection, NBS or generic)
- ``sut``: make/use matrices and BEA's published long files
- ``nbs_macro``: the NBS quarterly database export and the transcribed official figures
- ``sheets``: opening CSV/XLSX (encodings, streaming XLSX, limits); ``columns``: headers, numbers,
  periods, codes, problem reports. Units: ``induscope.units``; region and industry spellings:
  ``induscope.reference``.

Layouts are documented in docs/formats.md.
"""
