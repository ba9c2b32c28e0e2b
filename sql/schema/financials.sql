-- purpose: create the raw contract table financials from the validated staged frame.
-- parameters: none (the loader registers the validated frame as `staged`).
-- grain: yearly financial statements, one row per customer per period end. key: (customer_id, period_end).
create table financials as
with final as (
    select
        staged.customer_id::varchar as customer_id,
        staged.period_end::date as period_end,
        staged.revenue::double as revenue,
        staged.ebit::double as ebit,
        staged.interest_expense::double as interest_expense,
        staged.net_income::double as net_income,
        staged.total_assets::double as total_assets,
        staged.current_assets::double as current_assets,
        staged.cash::double as cash,
        staged.inventory::double as inventory,
        staged.intangible_assets::double as intangible_assets,
        staged.total_liabilities::double as total_liabilities,
        staged.current_liabilities::double as current_liabilities,
        staged.equity::double as equity,
        staged.retained_earnings::double as retained_earnings,
        staged.operating_cash_flow::double as operating_cash_flow
    from staged
)
select * from final;
