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
    (5, "monitoring: any series watched, alerts with the series' name and the peak period", """
    ALTER TABLE watch_items ADD COLUMN indicator VARCHAR;   -- kind 'series': value_added, pmi_manufacturing, ...
    ALTER TABLE watch_items ADD COLUMN region VARCHAR;      -- kind 'series': GB/T 2260 code
    ALTER TABLE watch_items ADD COLUMN industry VARCHAR;    -- kind 'series': GB/T 4754 code or aggregate
    ALTER TABLE watch_items ADD COLUMN subject VARCHAR;     -- kind 'series': park, cluster, firm, free id
    ALTER TABLE alerts ADD COLUMN series_name VARCHAR;      -- the watched series' own name
    ALTER TABLE alerts ADD COLUMN peak_period VARCHAR;      -- the period at which the peak level was reached
    """),
    (7, "API users (roles, enterprise binding, Argon2id password hashes) and per-user API tokens", """
    CREATE TABLE users (
        name          VARCHAR PRIMARY KEY,   -- the login name
        role          VARCHAR NOT NULL,      -- viewer / analyst / admin / reporter
        enterprises   JSON,                  -- reporter: the firm ids it reports for
        password_hash VARCHAR,               -- Argon2id (argon2-cffi encoded form); NULL: tokens only
        disabled      BOOLEAN NOT NULL DEFAULT FALSE,
        created_at    TIMESTAMP NOT NULL DEFAULT current_timestamp
    );
    CREATE TABLE api_tokens (
        token_id    VARCHAR PRIMARY KEY,     -- the public part of the token (shown in lists)
        user_name   VARCHAR NOT NULL,
        secret_hash VARCHAR NOT NULL,        -- SHA-256 of the random secret (the secret is shown once)
        label       VARCHAR,
        created_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
        expires_at  TIMESTAMP NOT NULL,
        revoked_at  TIMESTAMP
    );
    """),
    (8, "audit log: who did what, when, on which object, from where, with what outcome", """
    CREATE SEQUENCE audit_seq START 1;
    CREATE TABLE audit_log (
        seq      BIGINT PRIMARY KEY DEFAULT nextval('audit_seq'),
        at_time  TIMESTAMP NOT NULL DEFAULT current_timestamp,
        actor    VARCHAR,                    -- user name, 'api-token', 'anonymous', 'cli:<os user>'
        role     VARCHAR,
        action   VARCHAR NOT NULL,           -- operation id (API) or command (CLI), 'login'
        target   VARCHAR,                    -- the object: path, dataset, user, token id
        remote   VARCHAR,                    -- client address (API) or 'cli'
        outcome  VARCHAR NOT NULL,           -- ok / denied / invalid / error
        status   INTEGER,                    -- HTTP status or CLI exit code
        detail   JSON
    );
    """),
    (9, "background jobs: state, progress, result", """
    CREATE TABLE jobs (
        job_id      VARCHAR PRIMARY KEY,
        kind        VARCHAR NOT NULL,
        params      JSON,
        owner       VARCHAR,
        runner      VARCHAR,                 -- host:pid of the web process that runs it
        state       VARCHAR NOT NULL,        -- queued / running / succeeded / failed / cancelled / interrupted
        cancel      BOOLEAN NOT NULL DEFAULT FALSE,  -- a cancel was asked for
        progress    DOUBLE NOT NULL DEFAULT 0,
        message     VARCHAR,
        created_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
        started_at  TIMESTAMP,
        finished_at TIMESTAMP,
        result      JSON,
        error       VARCHAR
    );
    """),
    (10, "chains: node codes, key-core flag, trade and output figures; node firms' output and capacity", """
    -- 'parent' keeps its name and now holds every downstream node fed, comma-separated
    ALTER TABLE chain_nodes ADD COLUMN io_sector VARCHAR;        -- IO sector (overrides the concordance)
    ALTER TABLE chain_nodes ADD COLUMN hs_codes VARCHAR;         -- HS codes, comma-separated
    ALTER TABLE chain_nodes ADD COLUMN key_core BOOLEAN;         -- key core technology (NULL: not said)
    ALTER TABLE chain_nodes ADD COLUMN imports DOUBLE;           -- 10,000 CNY a year
    ALTER TABLE chain_nodes ADD COLUMN exports DOUBLE;
    ALTER TABLE chain_nodes ADD COLUMN domestic_output DOUBLE;
    ALTER TABLE chain_node_firms ADD COLUMN output DOUBLE;       -- the firm's output of the node, 10,000 CNY a year
    ALTER TABLE chain_node_firms ADD COLUMN capacity DOUBLE;     -- annual capacity, 10,000 CNY
    """),
    (11, "clusters: registry of advanced-manufacturing and SME characteristic clusters, members", """
    CREATE TABLE clusters (
        cluster_id     VARCHAR PRIMARY KEY,
        name           VARCHAR NOT NULL,
        kind           VARCHAR NOT NULL,     -- advanced_manufacturing / sme_characteristic
        regions        JSON NOT NULL,        -- GB/T 2260 codes
        lead_industries JSON NOT NULL,       -- GB/T 4754 codes
        dataset_id     VARCHAR
    );
    CREATE TABLE cluster_members (
        cluster_id VARCHAR NOT NULL,
        firm_id    VARCHAR NOT NULL,
        PRIMARY KEY (cluster_id, firm_id)
    );
    """),
    (12, "SME cultivation: tier certificates, major-change reports, revocations", """
    CREATE TABLE sme_certificates (
        cert_id     VARCHAR PRIMARY KEY,
        firm_id     VARCHAR NOT NULL,
        name        VARCHAR,
        tier        VARCHAR NOT NULL,        -- innovative / srdi / little_giant
        rule_set    VARCHAR,                 -- 2022-63 / 2026-2 (the measures it was granted under)
        region      VARCHAR,                 -- GB/T 2260 province code
        industry    VARCHAR,                 -- GB/T 4754-2017 code
        issued      DATE NOT NULL,
        expires     DATE NOT NULL,           -- issued + validity (3 years), re-review due then
        status      VARCHAR NOT NULL,        -- valid / revoked (expired is computed from the date)
        revoked_on  DATE,
        revoke_cause VARCHAR,
        batch       VARCHAR,                 -- announcement batch, e.g. 'national batch 4'
        dataset_id  VARCHAR
    );
    CREATE TABLE sme_changes (
        change_id   VARCHAR PRIMARY KEY,
        firm_id     VARCHAR NOT NULL,
        kind        VARCHAR NOT NULL,        -- rename / merger / restructuring / relocation / overseas_branch / other
        occurred    DATE NOT NULL,
        due         DATE NOT NULL,           -- occurred + 3 months: the reporting deadline
        reported    DATE,
        note        VARCHAR,
        dataset_id  VARCHAR
    );
    """),
    (13, "digital-transformation registry: platforms, 5G + industrial internet projects, 5G factories", """
    CREATE TABLE dt_registry (
        item_id     VARCHAR PRIMARY KEY,
        kind        VARCHAR NOT NULL,        -- platform / 5g_iiot_project / 5g_factory
        name        VARCHAR NOT NULL,
        firm_id     VARCHAR,
        region      VARCHAR,                 -- GB/T 2260 province code
        industry    VARCHAR,                 -- GB/T 4754-2017 code (division or finer)
        year        INTEGER NOT NULL,        -- year listed / started
        list_name   VARCHAR,                 -- e.g. 双跨平台 2023, 5G工厂名录 2024
        status      VARCHAR,
        dataset_id  VARCHAR
    );
    """),
    (14, "series: an optional subject (park, cluster, enterprise, chain node, free id) in the series key", """
    -- DuckDB cannot alter a primary key: build the new table, copy, drop, rename (one transaction)
    CREATE TABLE series_v14 (
        dataset_id  VARCHAR NOT NULL,
        indicator   VARCHAR NOT NULL,
        region      VARCHAR NOT NULL,
        industry    VARCHAR NOT NULL,
        subject     VARCHAR NOT NULL DEFAULT '',  -- '' = the region x industry series itself
        period      VARCHAR NOT NULL,
        freq        VARCHAR NOT NULL,
        value       DOUBLE,
        unit        VARCHAR NOT NULL,
        price_basis VARCHAR NOT NULL,
        vintage     VARCHAR NOT NULL,
        PRIMARY KEY (indicator, region, industry, subject, period, price_basis, vintage)
    );
    INSERT INTO series_v14 (dataset_id, indicator, region, industry, subject, period, freq, value, unit,
                            price_basis, vintage)
        SELECT dataset_id, indicator, region, industry, '', period, freq, value, unit, price_basis, vintage
        FROM series;
    DROP TABLE series;
    ALTER TABLE series_v14 RENAME TO series;
    """),
    (15, "figures: indicator figures computed once per data version and served from the store", """
    CREATE TABLE figures (
        kind         VARCHAR NOT NULL,          -- growth / contribution / headline
        indicator    VARCHAR NOT NULL,
        region       VARCHAR NOT NULL,
        industry     VARCHAR NOT NULL,
        subject      VARCHAR NOT NULL DEFAULT '',
        params       VARCHAR NOT NULL,          -- the other arguments, canonical JSON
        data_version BIGINT NOT NULL,           -- the workspace's data version they were computed from
        payload      JSON NOT NULL,             -- the figures as the API serves them
        computed_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
        PRIMARY KEY (kind, indicator, region, industry, subject, params)
    );
    """),
]

CURRENT_VERSION = MIGRATIONS[-1][0]
