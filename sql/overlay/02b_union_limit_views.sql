-- purpose: after the limit-dependent per-date marts (customer snapshot, portfolio trend) were
--          built again for the dates decided limits change (sql/overlay/01_decided_dates.sql),
--          each of them becomes the warehouse's rows of the other dates plus the overlay's:
--          the overlay's tables are renamed on_demand_<name> and a view <name> unites them
--          with the warehouse table's rows of every other date. The other per-date marts do
--          not read limits and are read from the warehouse as they are.
-- parameters: none.
-- grain: as the warehouse tables (one view per rebuilt mart).
alter table memory.main.snapshot_dates rename to on_demand_snapshot_dates;
alter table memory.main.customer_snapshot rename to on_demand_customer_snapshot;
alter table memory.main.portfolio_trend rename to on_demand_portfolio_trend;
create view memory.main.snapshot_dates as
with final as (
    select * from wh.main.snapshot_dates
    where snapshot_date not in (select d.snapshot_date from memory.main.on_demand_snapshot_dates as d)
    union all by name
    select * from memory.main.on_demand_snapshot_dates
)
select * from final;
create view memory.main.customer_snapshot as
with final as (
    select * from wh.main.customer_snapshot
    where snapshot_date not in (select d.snapshot_date from memory.main.on_demand_snapshot_dates as d)
    union all by name
    select * from memory.main.on_demand_customer_snapshot
)
select * from final;
create view memory.main.portfolio_trend as
with final as (
    select * from wh.main.portfolio_trend
    where snapshot_date not in (select d.snapshot_date from memory.main.on_demand_snapshot_dates as d)
    union all by name
    select * from memory.main.on_demand_portfolio_trend
)
select * from final;
