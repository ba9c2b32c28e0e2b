-- purpose: in_period_chain() keeps, of the snapshot dates, the month-ends before an as-of
--          date's month and the as-of date itself: periods that follow each other without
--          overlap (the extraction date and the month-end after it cover the same documents).
-- parameters: none (the macro takes the snapshot day and the as-of date as arguments).
-- grain: a scalar macro.
create or replace macro in_period_chain(snapshot_day, as_of) as
    snapshot_day = as_of
    or (snapshot_day = last_day(snapshot_day) and snapshot_day < date_trunc('month', as_of::date));
