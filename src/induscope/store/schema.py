"""Workspace schema as an append-only list of migrations.

Never edit a released migration: add a new one. ``schema_version`` records what was applied.
"""
from __future__ import annotations

MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "foundation tables", """
    CREATE TABLE datasets (
        dataset_id   VARCHAR PRIMARY KEY,
        kind         VARCHAR NOT NULL,       -- io_table, series, enterprises, supply_links, chains
        name         VARCHAR NOT NULL,
        source       VARCHAR,                -- file name or 'demo' or 'api'
        unit         VARCHAR,
        vintage      VARCHAR,
        synthetic    BOOLEAN NOT NULL DEFAULT FALSE,
        imported_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
        meta         JSON
    );
    CREATE TABLE io_tables (
        table_id      VARCHAR PRIMARY KEY,
        name          VARCHAR NOT NULL,
        year          INTEGER,
        unit          VARCHAR NOT NULL,
        import_type   VARCHAR NOT NULL,      -- competitive / non-competitive
        regions       JSON NOT NULL,
        sectors       JSON NOT NULL,
        sector_names  JSON,
        final_demand_labels JSON,
        value_added_labels  JSON,
        meta          JSON
    );
    -- matrices in long form, zeros omitted: matrix in (Z, Y, x, V, Zm, Ym, m, exports)
    CREATE TABLE io_cells (
        table_id VARCHAR NOT NULL,
        matrix   VARCHAR NOT NULL,
        i        INTEGER NOT NULL,
        j        INTEGER NOT NULL,
        value    DOUBLE NOT NULL,
        PRIMARY KEY (table_id, matrix, i, j)
    );
    CREATE TABLE series (
        dataset_id  VARCHAR NOT NULL,
        indicator   VARCHAR NOT NULL,
        region      VARCHAR NOT NULL,
        industry    VARCHAR NOT NULL,
        period      VARCHAR NOT NULL,        -- 2024-03, 2024Q1, 2024
        freq        VARCHAR NOT NULL,        -- M, Q, A
        value       DOUBLE,
        unit        VARCHAR NOT NULL,
        price_basis VARCHAR NOT NULL,        -- current, constant, index_prev_year_100, growth_pct, ...
        vintage     VARCHAR NOT NULL,
        PRIMARY KEY (indicator, region, industry, period, price_basis, vintage)
    );
    CREATE TABLE enterprises (
        firm_id     VARCHAR PRIMARY KEY,
        name        VARCHAR NOT NULL,
        region      VARCHAR NOT NULL,        -- GB/T 2260 province code
        industry    VARCHAR NOT NULL,        -- GB/T 4754-2017 code (division or finer)
        revenue     DOUBLE,                  -- 10,000 CNY
        employees   INTEGER,
        founded     INTEGER,
        attributes  JSON,                    -- SME-rule attributes (R&D, patents, ...)
        dataset_id  VARCHAR
    );
    CREATE TABLE supply_links (
        supplier    VARCHAR NOT NULL,
        customer    VARCHAR NOT NULL,
        value       DOUBLE NOT NULL,         -- 10,000 CNY per year
        product     VARCHAR NOT NULL DEFAULT '',
        dataset_id  VARCHAR,
        PRIMARY KEY (supplier, customer, product)
    );
    CREATE TABLE chains (
        chain_id    VARCHAR PRIMARY KEY,
        name        VARCHAR NOT NULL,
        description VARCHAR,
        dataset_id  VARCHAR
    );
    CREATE TABLE chain_nodes (
        chain_id    VARCHAR NOT NULL,
        node_id     VARCHAR NOT NULL,
        name        VARCHAR NOT NULL,
        stage       VARCHAR NOT NULL,        -- upstream / midstream / downstream
        position    INTEGER NOT NULL,        -- order from upstream (0) to downstream
        parent      VARCHAR,                 -- the node it feeds (downstream neighbour), if any
        industry    VARCHAR,                 -- GB/T 4754 code(s), comma-separated
        PRIMARY KEY (chain_id, node_id)
    );
    CREATE TABLE chain_node_firms (
        chain_id VARCHAR NOT NULL,
        node_id  VARCHAR NOT NULL,
        firm_id  VARCHAR NOT NULL,
        role     VARCHAR NOT NULL DEFAULT 'member',   -- member / leader
        PRIMARY KEY (chain_id, node_id, firm_id)
    );
    """),
]

CURRENT_VERSION = MIGRATIONS[-1][0]
