-- purpose: which contract tables were loaded, from which files, with row counts.
-- parameters: none.
-- grain: one row per contract table.
with final as (
    select ti.table_name, ti.source_file, ti.row_count, ti.is_present from table_info as ti
)
select * from final;
