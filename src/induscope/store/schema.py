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
    (2, "monitoring: alerts, alert events, watch lists, enterprise operating reports", """
    CREATE TABLE alerts (
        alert_id     VARCHAR PRIMARY KEY,     -- AL000001, ...
        subject      VARCHAR NOT NULL,        -- region:320000, industry:C, enterprise:F00012, series:...
        indicator    VARCHAR NOT NULL,        -- value_added.growth_yoy, pmi_manufacturing, orders, ...
        rule_id      VARCHAR NOT NULL,
        family       VARCHAR NOT NULL,        -- rule / statistical
        status       VARCHAR NOT NULL,        -- open / acknowledged / closed
        active       BOOLEAN NOT NULL,        -- still firing in the latest period at the last scan
        level        VARCHAR NOT NULL,        -- blue / yellow / orange / red (at the last firing)
        level_rank   INTEGER NOT NULL,        -- 1..4
        peak_level   VARCHAR NOT NULL,
        start_period VARCHAR NOT NULL,
        last_period  VARCHAR NOT NULL,
        n_firings    INTEGER NOT NULL,
        reason       VARCHAR NOT NULL,
        numbers      JSON,                    -- the numbers that fired it (last firing)
        vintage      VARCHAR,                 -- data vintage of the scan that last updated it
        created_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
        updated_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
        closed_at    TIMESTAMP
    );
    CREATE TABLE alert_events (
        alert_id  VARCHAR NOT NULL,
        seq       INTEGER NOT NULL,           -- 1, 2, ... per alert
        event_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
        kind      VARCHAR NOT NULL,           -- opened, updated, escalated, deescalated, inactive,
                                              -- acknowledged, closed
        actor     VARCHAR,
        note      VARCHAR,
        level     VARCHAR,
        period    VARCHAR,
        numbers   JSON,
        PRIMARY KEY (alert_id, seq)
    );
    CREATE TABLE watch_lists (
        list_id     VARCHAR PRIMARY KEY,
        name        VARCHAR NOT NULL,
        description VARCHAR,
        created_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
    );
    CREATE TABLE watch_items (
        list_id       VARCHAR NOT NULL,
        kind          VARCHAR NOT NULL,       -- region / industry / enterprise
        code          VARCHAR NOT NULL,       -- GB/T 2260, GB/T 4754 (or aggregate), firm_id
        label         VARCHAR,
        target_growth DOUBLE,                 -- optional target for year-to-date growth (%)
        added_at      TIMESTAMP NOT NULL DEFAULT current_timestamp,
        PRIMARY KEY (list_id, kind, code)
    );
    -- enterprise operating reports, long form; a late correction is a new vintage, never an update
    CREATE TABLE operating_reports (
        firm_id      VARCHAR NOT NULL,
        period       VARCHAR NOT NULL,        -- 2024-03 (monthly) or 2024-03-15 (daily)
        freq         VARCHAR NOT NULL,        -- M / D
        metric       VARCHAR NOT NULL,        -- output_value, sales, export_delivery_value, orders,
                                              -- inventory, power_consumption, employment,
                                              -- capacity_utilisation
        value        DOUBLE NOT NULL,
        unit         VARCHAR NOT NULL,        -- canonical unit of the metric (converted on arrival)
        region       VARCHAR NOT NULL,
        industry     VARCHAR NOT NULL,
        vintage      VARCHAR NOT NULL,
        source       VARCHAR,
        submitted_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
        PRIMARY KEY (firm_id, period, metric, vintage)
    );
    """),
]

CURRENT_VERSION = MIGRATIONS[-1][0]
