"""Credit scoring: three rating models grade every customer from its own data at a month-end —
the expert scorecard of the credit policy (its weights a live what-if), the statistical model
(WoE logistic scorecard) and the machine-learning challenger, both trained on the portfolio's
own defaults — with each model's validation, its characteristics, the movers since the month
before with their reasons, the overrides against imported grades and the model card."""

import streamlit as st

from analytics.app import charts
from analytics.app.ui import (cached_model_runs, cached_model_scores, cached_model_validation, cached_movers,
                              cached_score_inputs, cached_scores_view, context, fmt_int, fmt_pct,
                              get_policy, kpi, open_customer_on_select, table, xlsx_bytes)
from analytics.views.models import (MODEL_NAMES, grade_pd_pct, label, model_card_markdown, model_card_sheets,
                                   with_labels)
from analytics.views.scoring import CHARACTERISTICS, scorecard_table, scores_from, with_weights

SHOWN_ROWS = 1_000  # a grid of 100k rows costs the page more than scoring them
MODEL_PARAM = "model"

ctx = context()
cur = ctx.currency
policy = get_policy()
card = policy.expert_scorecard
runs = cached_model_runs(ctx.version)
in_force = next((m for m, r in runs.items() if r.is_rating_model), None)
available = [m for m in MODEL_NAMES if m in runs and runs[m].is_available] or ["expert"]

st.title("Credit scoring")
st.caption("Three rating models grade every customer in scope from its own data at the last complete month-end: "
           "the expert scorecard of the credit policy ([scoring]), and the statistical model and the machine-learning "
           "challenger, trained on this portfolio's own defaults (default within 12 months: more than 90 days past "
           "due on a material amount, a write-off, an insolvency filing or a D rating). Characteristics use data up "
           "to the scored month-end only; grades map to PDs through the policy's master scale.")
if in_force:
    st.caption(f"Ratings with source = model come from the **{MODEL_NAMES[in_force].lower()}** "
               f"(ruling: {'imported ratings first, the model grades the others' if policy.rating.ruling == 'imported' else 'the model grades everyone'}). "
               "`python -m analytics score --model …` grades the warehouse with another.")

asked = st.query_params.get(MODEL_PARAM)
if asked is not None and asked not in available:
    st.warning(f"The link asks for the model {asked!r}, which is not "
               f"{'trained on this warehouse' if asked in MODEL_NAMES else 'one of expert, statistical, ml'}: "
               f"showing the {MODEL_NAMES[in_force or 'expert'].lower()}.")
    asked = None
fallback = in_force if in_force in available else "expert"
if asked is not None and asked != st.session_state.get("sc_model_url"):
    st.session_state["sc_model"] = asked  # a link (or the address bar) asks for this model
if st.session_state.get("sc_model") not in available:
    st.session_state["sc_model"] = fallback
choice = st.segmented_control("Model", available, key="sc_model",
                              format_func=lambda m: MODEL_NAMES[m] + (" · in force" if m == in_force else "")) \
    or fallback
st.session_state["sc_model_url"] = choice
st.query_params[MODEL_PARAM] = choice
for m, r in runs.items():
    if not r.is_available:
        st.caption(f"{MODEL_NAMES[m]}: {r.status}.")


def tiles(view, base_view, auroc: float | None, moved: int | None = None) -> None:
    row = st.columns(4 if moved is None else 5)
    kpi(row[0], "Scored", fmt_int(view.scores.height), kind="count",
        help=f"Customers scored: those in scope with a snapshot at {view.scored_at}, not in default.")
    kpi(row[1], "Median score", fmt_int(round(view.median_score)),
        None if base_view is None else view.median_score - base_view.median_score, "count", good="up",
        help="Expert: 0-1,000; statistical and challenger: points (600 at odds 50:1, 20 points double the odds).")
    kpi(row[2], "Weighted PD", fmt_pct(view.exposure_weighted_pd_pct, 2),
        help="Exposure-weighted: Σ PD of the grade × gross exposure / Σ gross exposure.")
    kpi(row[3], "OOT AUROC", "—" if auroc is None else f"{auroc:.3f}",
        help="Out-of-time AUROC: the probability that a customer that defaulted within 12 months scored below one "
             "that did not, on the held-out latest observation months (0.5 = chance).")
    if moved is not None:
        kpi(row[4], "Grades moved", fmt_int(moved), kind="count",
            help="Customers whose grade with these weights differs from the policy's weights.")


def grades_and_table(view, key: str) -> None:
    left, right = st.columns([1, 1])
    with left:
        st.plotly_chart(charts.grade_distribution(view.by_grade, cur), key=f"{key}_grades")
    with right:
        st.markdown("**By grade**")
        table(view.by_grade, f"scores_by_grade_{view.scored_at}", f"{key}_t_grades", cur, height=300)
    st.subheader("Scores")
    columns = ["customer_id", "score", "grade", "pd_pct", *([] if choice == "expert" else ["model_pd_pct"]),
               "imported_grade", "notches_vs_imported", "reason_1", "reason_2", "reason_3", "gross_exposure_amt",
               "segment"]
    shown = with_labels(view.scores.select(columns).head(SHOWN_ROWS)).with_columns(view.scores["score"].head(
        SHOWN_ROWS).round(1))
    event = table(shown, f"scores_{choice}_{view.scored_at}", f"{key}_t_scores", cur, height=420, selectable=True,
                  download=view.scores)
    if view.scores.height > SHOWN_ROWS:
        st.caption(f"The table shows the first {SHOWN_ROWS:,} of {view.scores.height:,} customers (best score "
                   "first); the downloads hold them all.")
    open_customer_on_select(event, shown, ctx.as_of)
    st.caption("Reasons: the characteristics that cost the customer the most (points lost against the best bin; for "
               "the challenger, the rise in its predicted default odds against a typical value). Click a row to open "
               "its credit file.")


validation = cached_model_validation(ctx.version, choice)
if choice == "expert":
    # the expert scorecard as the policy file stands now (the weights' what-if starts from it);
    # the trained models' scores are read as the last load wrote them
    base = cached_scores_view(ctx.version, ctx.as_of, ctx.filters)
    inputs = cached_score_inputs(ctx.version, ctx.as_of, ctx.filters)
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
        view = base if unchanged else scores_from(inputs, policy, with_weights(card, weights),
                                                  grade_pd=grade_pd_pct(policy, validation))
        if view.scores.height == 0:
            return
        tiles(view, base, validation.auroc(), view.grades_moved(base))
        grades_and_table(view, "sc")

    workbench()
    view = base
else:
    view = cached_model_scores(ctx.version, ctx.as_of, ctx.filters, choice)
    for note in view.notes:
        st.info(note)
    if view.scores.height:
        tiles(view, None, validation.auroc())
        grades_and_table(view, f"sc_{choice}")

for note in validation.notes:
    st.info(note)

t_val, t_chars, t_movers, t_over, t_card = st.tabs(["Validation", "Characteristics", "Movers", "Overrides",
                                                    "Model card"])
with t_val:
    if validation.discrimination.height == 0:
        st.info("No validation yet: it needs an out-of-time sample with defaults (12 months of outcome after the "
                "observation month-ends).")
    else:
        st.markdown("**All models on the same out-of-time sample**")
        table(validation.comparison, "model_comparison", "t_sc_cmp", cur)
        st.markdown(f"**{MODEL_NAMES[choice]}: development and out-of-time**")
        table(validation.discrimination, f"discrimination_{choice}", "t_sc_disc", cur)
        c1, c2 = st.columns(2)
        with c1:
            st.markdown("**ROC curve**")
            st.plotly_chart(charts.model_curve(validation.curves, "roc"), key="sc_roc")
        with c2:
            st.markdown("**Cumulative accuracy profile (CAP)**")
            st.plotly_chart(charts.model_curve(validation.curves, "cap"), key="sc_cap")
        if validation.calibration.height:
            st.markdown("**Calibration by grade (out-of-time): observed default rate against the grade's PD**")
            cal = validation.calibration
            st.plotly_chart(charts.calibration_chart(cal.select(
                "grade", "customers", (cal["observed_rate_frac"] * 100).alias("observed_default_rate_pct"),
                (cal["jeffreys_low_frac"] * 100).alias("ci_low_pct"),
                (cal["jeffreys_high_frac"] * 100).alias("ci_high_pct"),
                (cal["pd_frac"] * 100).alias("assigned_pd_pct"))), key="sc_cal")
            table(cal.rename({"customers": "observations"}), f"calibration_{choice}", "t_sc_cal", cur)
            st.caption("Jeffreys interval (95 %) and one-sided test: a p-value near 0 says the grade's PD is too low "
                       "for the defaults observed; near 1, too high.")
        if validation.master_scale.height:
            in_force = ("calibrated to the observed defaults" if policy.rating.pd_source == "observed"
                        else "the policy's ([ratings] pd_pct)")
            st.markdown(f"**Master scale** — the PDs in force are {in_force} ([scoring.rating] pd_source)")
            table(validation.master_scale, f"master_scale_{choice}", "t_sc_scale", cur)
            st.caption("Calibrated PD: the smoothed default rate (d + ½) / (n + 1) of the grade's development and "
                       "out-of-time observations, made to rise grade by grade (isotonic regression weighted by the "
                       f"observations), never below {policy.rating.pd_floor_pct:g} %.")
        st.markdown("**Population stability: development sample against the latest month-end**")
        st.plotly_chart(charts.psi_bars(validation.stability, {**CHARACTERISTICS, "score": "score"}), key="sc_psi")
        hhi = validation.run.facts.get("grade_hhi_frac") if validation.run else None
        if hhi is not None:
            st.caption(f"Grade concentration at the latest month-end (Herfindahl Σ share²): {hhi:.3f} "
                       f"(1 / {len(policy.scale) - 1} = {1 / (len(policy.scale) - 1):.3f} when spread evenly).")

with t_chars:
    if choice == "expert":
        table(scorecard_table(card), "expert_scorecard", "t_sc_card", cur)
    elif choice == "statistical":
        st.markdown("**Logistic regression: ln(odds good) = β0 + Σ β × WoE**")
        table(validation.terms.with_columns(validation.terms["term"].map_elements(label, return_dtype=str)),
              "statistical_coefficients", "t_sc_coef", cur)
        st.markdown("**The scorecard: bins, weight of evidence and points**")
        table(validation.bins.with_columns(validation.bins["characteristic"].map_elements(label, return_dtype=str)),
              "statistical_scorecard", "t_sc_bins", cur, height=420)
        st.markdown("**Every candidate characteristic: information value and why it left**")
        table(validation.candidates.with_columns(
            validation.candidates["characteristic"].map_elements(label, return_dtype=str)),
            "statistical_candidates", "t_sc_iv", cur, height=360)
    elif validation.terms.height:
        st.markdown("**Permutation importance on the out-of-time sample** (AUROC lost when a characteristic is "
                    "shuffled; monotonic: +1 never less risk as it rises, −1 never more, 0 free)")
        table(validation.terms.with_columns(validation.terms["characteristic"].map_elements(label, return_dtype=str)),
              "challenger_importance", "t_sc_imp", cur, height=420)

with t_movers:
    mv = cached_movers(ctx.version, ctx.as_of, ctx.filters, choice)
    if mv.scored_at is None or mv.frame.height == 0:
        st.info("No customer's grade moved between the two month-ends." if mv.scored_at else "No month-end yet.")
    else:
        st.markdown(f"**{mv.downgrades:,} downgraded and {mv.upgrades:,} upgraded from {mv.previous_at} to "
                    f"{mv.scored_at}**, biggest score change first")
        shown = with_labels(mv.frame).head(SHOWN_ROWS)
        event = table(shown, f"movers_{choice}_{mv.scored_at}", "t_sc_movers", cur, height=380, selectable=True,
                      download=mv.frame)
        open_customer_on_select(event, shown, ctx.as_of)
        if choice == "ml":
            st.caption("The challenger's reasons are computed at the latest month-end (each costs a prediction per "
                       "characteristic); at earlier month-ends its rows show none.")

with t_over:
    notches = policy.rating.override_notches
    if view.differences.height == 0:
        st.info(f"No customer's model grade is more than {notches} notches from its imported grade.")
    else:
        st.markdown(f"**{view.differences.height:,} customers whose model grade is more than {notches} notches from "
                    "the imported one** (positive: the model grades worse). Where the imported grade rules, each is an "
                    "override to justify in the credit file.")
        table(with_labels(view.differences), f"grade_differences_{choice}_{view.scored_at}", "t_sc_diff", cur,
              height=300)

with t_card:
    md = model_card_markdown(validation, policy)
    row = st.container(horizontal=True, gap="small")
    row.download_button("Model card (Markdown)", md.encode("utf-8"), f"model_card_{choice}.md", "text/markdown",
                        key="sc_card_md", icon=":material/download:", on_click="ignore", width="content")
    row.download_button("Model card (XLSX)", lambda: xlsx_bytes(model_card_sheets(validation, policy)),
                        f"model_card_{choice}.xlsx",
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="sc_card_xlsx",
                        icon=":material/download:", on_click="ignore", width="content")
    st.markdown(md)
