"""Credit scoring: the expert scorecard grades every customer from its own data (payment
behaviour, use of credit, the relationship, disputes and events) at a month-end; the weights
are a what-if that re-grades the whole portfolio at once."""

import streamlit as st

from analytics.app import charts
from analytics.app.ui import cached_score_inputs, cached_scores_view, context, fmt_int, fmt_pct, get_policy, kpi, open_customer_on_select, table
from analytics.views.scoring import scorecard_table, scores_from, with_reason_text, with_weights

SHOWN_ROWS = 1_000  # a grid of 100k rows costs the page more than scoring them

ctx = context()
cur = ctx.currency
policy = get_policy()
card = policy.expert_scorecard
inputs = cached_score_inputs(ctx.version, ctx.as_of, ctx.filters)

st.title("Credit scoring")
st.caption("The expert scorecard of the credit policy ([scoring]) grades every customer in scope from its own "
           "trading: each characteristic's value scores the points of its bin (0-100), a dimension the mean of its "
           "characteristics, the score 10 × Σ weight × dimension points (0-1,000); score bands give the grade and "
           "the grade its PD. Characteristics use data up to the scored month-end only.")
base = cached_scores_view(ctx.version, ctx.as_of, ctx.filters)
for note in base.notes:
    st.info(note)


@st.fragment
def workbench() -> None:
    st.subheader("Weights: a what-if on the scorecard")
    cols = st.columns(len(card.dimensions))
    weights = {}
    for col, dim in zip(cols, card.dimensions):
        weights[dim.name] = col.slider(dim.name.replace("_", " ").capitalize() + " (%)", 0, 100,
                                       int(round(dim.weight_pct)), 1, key=f"sc_w_{dim.name}",
                                       help="Weights are scaled to add up to 100 %.")
    if sum(weights.values()) == 0:
        st.warning("All weights are 0: nothing to score. The policy's weights are shown.")
        weights = {d.name: d.weight_pct for d in card.dimensions}
    unchanged = all(weights[d.name] == d.weight_pct for d in card.dimensions)
    view = base if unchanged else scores_from(inputs, policy, with_weights(card, weights))
    if view.scores.height == 0:
        return
    moved = view.grades_moved(base)
    tiles = st.columns(4)
    kpi(tiles[0], "Customers scored", fmt_int(view.scores.height), kind="count",
        help=f"Customers in scope with a snapshot at {view.scored_at}.")
    kpi(tiles[1], "Median score", fmt_int(round(view.median_score)), view.median_score - base.median_score, "count",
        good="up", help="0-1,000; the change is against the policy's weights.")
    kpi(tiles[2], "Exposure-weighted PD", fmt_pct(view.exposure_weighted_pd_pct, 2),
        help="Σ PD × gross exposure / Σ gross exposure.")
    kpi(tiles[3], "Grades moved", fmt_int(moved), kind="count",
        help="Customers whose grade with these weights differs from the policy's weights.")
    left, right = st.columns([1, 1])
    with left:
        st.plotly_chart(charts.grade_distribution(view.by_grade, cur), key="sc_grades")
    with right:
        st.markdown("**By grade**")
        table(view.by_grade, f"scores_by_grade_{view.scored_at}", "t_sc_grades", cur, height=300)
    st.subheader("Scores")
    shown = with_reason_text(view.scores.select("customer_id", "score", "grade", "pd_pct", "imported_grade",
                                           "notches_vs_imported", "reason_1", "reason_2", "reason_3",
                                           "gross_exposure_amt", "segment"))
    shown = shown.head(SHOWN_ROWS)
    event = table(shown, f"scores_{view.scored_at}", "t_sc_scores", cur, height=420, selectable=True,
                  download=view.scores)
    if view.scores.height > SHOWN_ROWS:
        st.caption(f"The table shows the first {SHOWN_ROWS:,} of {view.scores.height:,} customers (best score "
                   "first); the downloads hold them all.")
    open_customer_on_select(event, shown, ctx.as_of)
    st.caption("Reasons: the characteristics that cost the customer the most weighted points. Click a row to open "
               "its credit file.")
    if view.differences.height:
        st.subheader(f"Model and imported grade more than {view.max_notches} notches apart "
                     f"({fmt_int(view.differences.height)})")
        table(with_reason_text(view.differences), f"grade_differences_{view.scored_at}", "t_sc_diff", cur, height=300)


workbench()

with st.expander("The scorecard: characteristics, bins and points"):
    table(scorecard_table(card), "expert_scorecard", "t_sc_card", cur)
