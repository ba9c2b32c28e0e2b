-- purpose: after the per-date marts were built for the overlay's dates (an on-demand as-of
--          date, and the dates decided limits change), each of them becomes the warehouse's
--          rows of the other dates plus the overlay's: the overlay's tables are renamed
--          on_demand_<name> and a view <name> unites them with the warehouse table's rows of
--          every other date, so every query runs unchanged on the overlay.
-- parameters: none.
-- grain: as the warehouse tables (one view per per-date mart).
alter table memory.main.snapshot_dates rename to on_demand_snapshot_dates;
alter table memory.main.fx_snapshot rename to on_demand_fx_snapshot;
alter table memory.main.account_pool_snapshot rename to on_demand_account_pool_snapshot;
alter table memory.main.open_items_snapshot rename to on_demand_open_items_snapshot;
alter table memory.main.customer_snapshot rename to on_demand_customer_snapshot;
alter table memory.main.customer_month rename to on_demand_customer_month;
alter table memory.main.portfolio_trend rename to on_demand_portfolio_trend;
alter table memory.main.aging_cube rename to on_demand_aging_cube;
create view memory.main.snapshot_dates as
with final as (
    select * from wh.main.snapshot_dates
    where snapshot_date not in (select d.snapshot_date from memory.main.on_demand_snapshot_dates as d)
    union all by name
    select * from memory.main.on_demand_snapshot_dates
)
select * from final;
create view memory.main.fx_snapshot as
with final as (
    select * from wh.main.fx_snapshot
    where snapshot_date not in (select d.snapshot_date from memory.main.on_demand_snapshot_dates as d)
    union all by name
    select * from memory.main.on_demand_fx_snapshot
)
select * from final;
create view memory.main.account_pool_snapshot as
with final as (
    select * from wh.main.account_pool_snapshot
    where snapshot_date not in (select d.snapshot_date from memory.main.on_demand_snapshot_dates as d)
    union all by name
    select * from memory.main.on_demand_account_pool_snapshot
)
select * from final;
create view memory.main.open_items_snapshot as
with final as (
    select * from wh.main.open_items_snapshot
    where snapshot_date not in (select d.snapshot_date from memory.main.on_demand_snapshot_dates as d)
    union all by name
    select * from memory.main.on_demand_open_items_snapshot
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
create view memory.main.customer_month as
with final as (
    select * from wh.main.customer_month
    where snapshot_date not in (select d.snapshot_date from memory.main.on_demand_snapshot_dates as d)
    union all by name
    select * from memory.main.on_demand_customer_month
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
create view memory.main.aging_cube as
with final as (
    select * from wh.main.aging_cube
    where snapshot_date not in (select d.snapshot_date from memory.main.on_demand_snapshot_dates as d)
    union all by name
    select * from memory.main.on_demand_aging_cube
)
select * from final;
