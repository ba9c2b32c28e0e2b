-- purpose: what a clean load wanted the user to know (documents after the extraction date,
--          advances, overpayments, orders closed without a date, earliest fx rates used).
-- parameters: none (the loader registers the notes frame as `staged`).
-- grain: one row per note (file, row, column, value, rule, message); at most the first 1,000
--        rows of a kind are kept, rows_of_kind counts them all.
create table load_notes as
with final as (
    select
        staged.table_name::varchar as table_name,
        staged.file::varchar as file,
        staged.row::bigint as row,
        staged.column_name::varchar as column_name,
        staged.value::varchar as value,
        staged.rule::varchar as rule,
        staged.message::varchar as message,
        staged.rows_of_kind::bigint as rows_of_kind
    from staged
)
select * from final;
