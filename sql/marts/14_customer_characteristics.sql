-- purpose: the rating models' behavioural characteristics of every customer at every
--          month-end, from data on or before that month-end only (no look-ahead): payment
--          behaviour (amount-weighted days beyond terms over 3, 6 and 12 months and its trend,
--          the worst days past due in 12 months, the share of invoices settled late, the
--          disputed share, write-offs, utilization and months over limit), the trading
--          relationship (months on book, months with sales, sales over 12 months, their trend,
--          volatility and share of our sales), adverse events in 12 months and the cover by
--          collateral and insurance. A window of N months is the month-end and the N - 1
--          before it (fewer for a young customer: months_on_book + 1 of them). Null is a
--          state of its own (no settled invoice, no limit, no open items), never a zero.
-- parameters: none.
-- grain: one row per customer per month-end snapshot. key: (customer_id, snapshot_date).
create table customer_characteristics as
with month_ends as (
    select
        cs.customer_id,
        cs.snapshot_date,
        year(cs.snapshot_date) * 12 + month(cs.snapshot_date) as month_idx,
        cs.open_ar_amt,
        cs.overdue_amt,
        cs.disputed_amt,
        cs.max_days_past_due,
        cs.gross_exposure_amt,
        cs.limit_amt,
        coalesce(cs.line_exposure_amt, cs.gross_exposure_amt) as line_exposure_amt,
        cs.collateral_amt,
        cs.insured_amt
    from customer_snapshot as cs
    where cs.snapshot_date = last_day(cs.snapshot_date)
),
-- invoices settled in each month (by their settlement date), and those settled after their due date
settled_counts as (
    select
        f.customer_id,
        year(f.settled_on) * 12 + month(f.settled_on) as month_idx,
        count(*) as settled_invoices,
        count(*) filter (where f.settled_on > f.due_date) as settled_late_invoices
    from invoice_facts as f
    -- the documents customer_month's days beyond terms weigh: settled by payment, not written
    -- off, not fully credited
    where f.is_receivable and f.amount > 0 and f.settled_on is not null and f.written_off_doc_ccy = 0
        and f.credited_doc_ccy < f.amount - 0.005
    group by all
),
event_counts as (
    select
        ev.customer_id,
        year(ev.event_date) * 12 + month(ev.event_date) as month_idx,
        count(*) as events,
        count(*) filter (where ev.severity in ('high', 'critical')) as severe_events
    from events as ev
    group by all
),
monthly as (
    select
        me.*,
        coalesce(cm.sales_amt, 0) as sales_amt,
        coalesce(cm.write_offs_amt, 0) as write_offs_amt,
        coalesce(cm.settled_amt, 0) as settled_amt,
        coalesce(cm.settled_days_beyond_x_amt, 0) as settled_days_beyond_x_amt,
        coalesce(sc.settled_invoices, 0) as settled_invoices,
        coalesce(sc.settled_late_invoices, 0) as settled_late_invoices,
        coalesce(ec.events, 0) as events,
        coalesce(ec.severe_events, 0) as severe_events,
        me.limit_amt > 0 and me.line_exposure_amt > me.limit_amt as is_over_limit
    from month_ends as me
    left join customer_month as cm on cm.customer_id = me.customer_id and cm.snapshot_date = me.snapshot_date
    left join settled_counts as sc on sc.customer_id = me.customer_id and sc.month_idx = me.month_idx
    left join event_counts as ec on ec.customer_id = me.customer_id and ec.month_idx = me.month_idx
),
windowed as (
    select
        m.*,
        sum(m.settled_days_beyond_x_amt) over w3 as beyond_x_3m,
        sum(m.settled_amt) over w3 as settled_3m,
        sum(m.settled_days_beyond_x_amt) over w6 as beyond_x_6m,
        sum(m.settled_amt) over w6 as settled_6m,
        sum(m.settled_days_beyond_x_amt) over w12 as beyond_x_12m,
        sum(m.settled_amt) over w12 as settled_12m,
        max(m.max_days_past_due) over w12 as max_days_past_due_12m,
        sum(m.settled_invoices) over w12 as settled_invoices_12m,
        sum(m.settled_late_invoices) over w12 as settled_late_invoices_12m,
        sum(m.write_offs_amt) over w12 as write_offs_12m,
        count(*) filter (where m.is_over_limit) over w12 as over_limit_months_12m,
        count(*) filter (where m.sales_amt > 0) over w12 as months_with_sales_12m,
        sum(m.sales_amt) over w12 as sales_12m,
        sum(m.sales_amt) over w6 as sales_6m,
        sum(m.sales_amt) over w12 - sum(m.sales_amt) over w6 as sales_prior_6m,
        avg(m.sales_amt) over w12 as sales_avg_12m,
        stddev_pop(m.sales_amt) over w12 as sales_sd_12m,
        sum(m.events) over w12 as events_12m,
        sum(m.severe_events) over w12 as severe_events_12m,
        count(*) over w12 as months_in_window_12m
    from monthly as m
    -- a customer has every month-end from its entry on (customer_snapshot), so N rows are N
    -- months: row frames (7.5 s at 10M invoices against 9.7 s with range frames on the month
    -- index, bench/scoring.py; tests/sql/test_characteristics.py checks the density)
    window
        w3 as (partition by m.customer_id order by m.month_idx rows between 2 preceding and current row),
        w6 as (partition by m.customer_id order by m.month_idx rows between 5 preceding and current row),
        w12 as (partition by m.customer_id order by m.month_idx rows between 11 preceding and current row)
),
portfolio_sales as (
    select w.snapshot_date, sum(w.sales_12m) as portfolio_sales_12m
    from windowed as w
    group by w.snapshot_date
),
final as (
    select
        w.customer_id,
        w.snapshot_date,
        -- from onboarding or the first document, whichever came first (as the snapshots start)
        w.month_idx - (year(least(c.onboarded_on, cd.first_document_date)) * 12
                       + month(least(c.onboarded_on, cd.first_document_date))) as months_on_book,
        case when w.settled_3m > 0 then w.beyond_x_3m / w.settled_3m end as days_beyond_terms_3m_days,
        case when w.settled_6m > 0 then w.beyond_x_6m / w.settled_6m end as days_beyond_terms_6m_days,
        case when w.settled_12m > 0 then w.beyond_x_12m / w.settled_12m end as days_beyond_terms_12m_days,
        case when w.settled_3m > 0 and w.settled_12m > 0
                 then w.beyond_x_3m / w.settled_3m - w.beyond_x_12m / w.settled_12m
        end as days_beyond_terms_trend_days,
        -- not-due items count 0 days; no open item in 12 months stays missing
        case when w.max_days_past_due_12m is not null then greatest(w.max_days_past_due_12m, 0) end
            as max_days_past_due_12m_days,
        case when w.settled_invoices_12m > 0
                 then w.settled_late_invoices_12m / w.settled_invoices_12m * 100
        end as late_settled_12m_pct,
        case when w.open_ar_amt > 0 then w.disputed_amt / w.open_ar_amt * 100 end as disputed_share_pct,
        case when w.open_ar_amt > 0 then greatest(w.overdue_amt, 0) / w.open_ar_amt * 100 end as overdue_share_pct,
        w.write_offs_12m as write_offs_12m_amt,
        case when w.limit_amt > 0 then w.line_exposure_amt / w.limit_amt * 100 end as utilization_pct,
        w.over_limit_months_12m,
        w.months_with_sales_12m,
        w.sales_12m as sales_12m_amt,
        case when w.sales_prior_6m > 0 and w.months_in_window_12m = 12
                 then (w.sales_6m - w.sales_prior_6m) / w.sales_prior_6m * 100
        end as sales_trend_pct,
        case when w.sales_avg_12m > 0 then w.sales_sd_12m / w.sales_avg_12m * 100 end as sales_volatility_pct,
        case when ps.portfolio_sales_12m > 0 then w.sales_12m / ps.portfolio_sales_12m * 100 end as sales_share_pct,
        w.events_12m,
        w.severe_events_12m,
        case when w.gross_exposure_amt > 0
                 then least(w.collateral_amt + w.insured_amt, w.gross_exposure_amt) / w.gross_exposure_amt * 100
        end as cover_pct
    from windowed as w
    join customers as c on c.customer_id = w.customer_id
    join customer_dims as cd on cd.customer_id = w.customer_id
    join portfolio_sales as ps on ps.snapshot_date = w.snapshot_date
    order by w.snapshot_date, w.customer_id
)
select * from final;
