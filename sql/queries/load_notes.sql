-- purpose: what the last clean load wanted the user to know (documents after the extraction
--          date, advances, overpayments, orders closed without a date, earliest fx rates
--          used), for the Data page.
-- parameters: none.
-- grain: one row per note.
with final as (
    select ln.rule, ln.file, ln.row, ln.column_name, ln.value, ln.message, ln.rows_of_kind
    from load_notes as ln
    order by ln.rule, ln.file, ln.row
)
select * from final;
