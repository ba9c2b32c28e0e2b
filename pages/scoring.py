"""Credit scoring: three rating models grade every customer from its own data at a month-end —
the expert scorecard of the credit policy (its weights a live what-if), the statistical model
(WoE logistic scorecard) and the machine-learning challenger, both trained on the portfolio's
own defaults — with each model's validation, its characteristics, the movers since the month
before with their reasons, the overrides against imported grades and the model card."""

import streamlit as st

from analytics.app import charts
from analytics.app.ui import (cached_model_runs, cached_model_scores, cached_model_validation, cached_movers,
                              cached_score_inputs, cached_scores_view, context, fmt_date, fmt_int, fmt_number, fmt_pd,
                              get_policy, kpi, open_customer_on_select, plain, table, xlsx_bytes)
from analytics.i18n import _, ngettext
from analytics.views.models import (MODEL_NAMES, RULINGS, grade_pd_pct, label, model_card_markdown,
                                    model_card_sheets, model_name, note_text, status_text, with_labels)
from analytics.views.scoring import CHARACTERISTICS, dimension_label, scorecard_table, scores_from, with_weights
from analytics.views.scoring import note_text as scores_note_text

SHOWN_ROWS = 1_000  # a grid of 100k rows costs the page more than scoring them
MODEL_PARAM = "model"

ctx = context()
cur = ctx.currency
policy = get_policy()
card = policy.expert_scorecard
runs = cached_model_runs(ctx.version)
in_force = next((m for m, r in runs.items() if r.is_rating_model), None)
available = [m for m in MODEL_NAMES if m in runs and runs[m].is_available] or ["expert"]


def notches(n: int) -> str:
    return ngettext("{n} notch", "{n} notches", n).format(n=fmt_int(n))


st.title(_("Credit scoring"))
st.caption(_("Three rating models grade every customer in scope from its own data at the last complete month-end: "
             "the expert scorecard of the credit policy (`[scoring]`), and the statistical model and the "
             "machine-learning challenger, trained on this portfolio's own defaults (default within 12 months: more "
             "than 90 days past due on a material amount, a write-off, an insolvency filing or a D rating). "
             "Characteristics use data up to the scored month-end only; grades map to PDs through the policy's "
             "master scale."))
if in_force:
    st.caption(_("Ratings with `source = model` come from the **{model}** (ruling: {ruling}). "
                 "`python -m analytics score --model …` grades the warehouse with another.").format(
        model=model_name(in_force), ruling=_(RULINGS.get(policy.rating.ruling, policy.rating.ruling))))

asked = st.query_params.get(MODEL_PARAM)
if asked is not None and asked not in available:
    shown_model = model_name(in_force or "expert")
    if asked in MODEL_NAMES:
        st.warning(_("The link asks for the model {model}, which is not trained on this warehouse: showing the "
                     "{shown}.").format(model=plain(repr(asked)), shown=shown_model))
    else:
        st.warning(_("The link asks for the model {model}, which is not one of expert, statistical, ml: showing the "
                     "{shown}.").format(model=plain(repr(asked)), shown=shown_model))
    asked = None
fallback = in_force if in_force in available else "expert"
if asked is not None and asked != st.session_state.get("sc_model_url"):
    st.session_state["sc_model"] = asked  # a link (or the address bar) asks for this model
if st.session_state.get("sc_model") not in available:
    st.session_state["sc_model"] = fallback
choice = st.segmented_control(
    _("Model"), available, key="sc_model",
    format_func=lambda m: _("{model} · in force").format(model=model_name(m)) if m == in_force else model_name(m)) \
    or fallback
st.session_state["sc_model_url"] = choice
st.query_params[MODEL_PARAM] = choice
for m, r in runs.items():
    if not r.is_available:
        st.caption(_("{model}: {status}.").format(model=model_name(m), status=status_text(r.status)))


def tiles(view, base_view, auroc: float | None, moved: int | None = None) -> None:
    # at most four tiles in a row (a projector at 1280 × 720 shows them whole): five go 3 + 2
    row = st.columns(4) if moved is None else [*st.columns(3), *st.columns(3)]
    kpi(row[0], _("Scored"), fmt_int(view.scores.height), kind="count",
        help=_("Customers scored: those in scope with a snapshot at {date}, not in default.").format(
            date=fmt_date(view.scored_at)))
    kpi(row[1], _("Median score"), fmt_int(round(view.median_score)),
        None if base_view is None else view.median_score - base_view.median_score, "count", good="up",
        help=_("Expert: 0-1,000; statistical and challenger: points (600 at odds 50:1, 20 points double the odds)."))
    kpi(row[2], _("Weighted PD"), fmt_pd(view.exposure_weighted_pd_pct),
        help=_("Exposure-weighted: Σ PD of the grade × gross exposure / Σ gross exposure."))
    kpi(row[3], _("OOT AUROC"), fmt_number(auroc, 3),
        help=_("Out-of-time AUROC: the probability that a customer that defaulted within 12 months scored below one "
               "that did not, on the held-out latest observation months (0.5 = chance)."))
    if moved is not None:
        kpi(row[4], _("Grades moved"), fmt_int(moved), kind="count",
            help=_("Customers whose grade with these weights differs from the policy's weights."))


def grades_and_table(view, key: str) -> None:
    left, right = st.columns([1, 1])
    with left:
        st.plotly_chart(charts.grade_distribution(view.by_grade, cur), key=f"{key}_grades")
    with right:
        st.markdown("**" + _("By grade") + "**")
        table(view.by_grade, f"scores_by_grade_{view.scored_at}", f"{key}_t_grades", cur, height=300)
    st.subheader(_("Scores"))
    # what a reader looks at first: score, grade, PD and exposure, then the comparison and the reasons
    columns = ["customer_id", "score", "grade", "pd_pct", "gross_exposure_amt",
               *([] if choice == "expert" else ["model_pd_pct"]), "imported_grade", "notches_vs_imported",
               "reason_1", "reason_2", "reason_3", "segment"]
    shown = with_labels(view.scores.select(columns).head(SHOWN_ROWS)).with_columns(view.scores["score"].head(
        SHOWN_ROWS).round(1))
    event = table(shown, f"scores_{choice}_{view.scored_at}", f"{key}_t_scores", cur, height=420, selectable=True,
                  download=view.scores)
    if view.scores.height > SHOWN_ROWS:
        st.caption(ngettext("The table shows the first {shown} of {total} customer (best score first); the downloads "
                            "hold them all.",
                            "The table shows the first {shown} of {total} customers (best score first); the downloads "
                            "hold them all.", view.scores.height).format(shown=fmt_int(SHOWN_ROWS),
                                                                         total=fmt_int(view.scores.height)))
    open_customer_on_select(event, shown, ctx.as_of)
    st.caption(_("Reasons: the characteristics that cost the customer the most (points lost against the best bin; "
                 "for the challenger, the rise in its predicted default odds against a typical value). Click a row to "
                 "open its credit file."))


validation = cached_model_validation(ctx.version, choice)
if choice == "expert":
    # the expert scorecard as the policy file stands now (the weights' what-if starts from it);
    # the trained models' scores are read as the last load wrote them
    base = cached_scores_view(ctx.version, ctx.as_of, ctx.filters)
    inputs = cached_score_inputs(ctx.version, ctx.as_of, ctx.filters)
    for note in base.notes:
        st.info(scores_note_text(note))

    @st.fragment
    def workbench() -> None:
        st.subheader(_("Weights: a what-if on the scorecard"))
        cols = st.columns(len(card.dimensions))
        weights = {}
        for col, dim in zip(cols, card.dimensions):
            weights[dim.name] = col.slider(_("{dimension} (%)").format(dimension=dimension_label(dim.name)), 0, 100,
                                           int(round(dim.weight_pct)), 1, key=f"sc_w_{dim.name}",
                                           help=_("Weights are scaled to add up to 100 %."))
        if sum(weights.values()) == 0:
            st.warning(_("All weights are 0: nothing to score. The policy's weights are shown."))
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
        st.info(scores_note_text(note))
    if view.scores.height:
        tiles(view, None, validation.auroc())
        grades_and_table(view, f"sc_{choice}")

for note in validation.notes:
    st.info(note_text(note))

t_val, t_chars, t_movers, t_over, t_card = st.tabs([_("Validation"), _("Characteristics"), _("Movers"),
                                                    _("Overrides"), _("Model card")])
with t_val:
    if validation.discrimination.height == 0:
        st.info(_("No validation yet: it needs an out-of-time sample with defaults (12 months of outcome after the "
                  "observation month-ends)."))
    else:
        st.markdown("**" + _("All models on the same out-of-time sample") + "**")
        table(with_labels(validation.comparison), "model_comparison", "t_sc_cmp", cur)
        st.markdown("**" + _("{model}: development and out-of-time").format(model=model_name(choice)) + "**")
        table(with_labels(validation.discrimination), f"discrimination_{choice}", "t_sc_disc", cur)
        c1, c2 = st.columns(2)
        with c1:
            st.markdown("**" + _("ROC curve") + "**")
            st.plotly_chart(charts.model_curve(validation.curves, "roc"), key="sc_roc")
        with c2:
            st.markdown("**" + _("Cumulative accuracy profile (CAP)") + "**")
            st.plotly_chart(charts.model_curve(validation.curves, "cap"), key="sc_cap")
        if validation.calibration.height:
            st.markdown("**" + _("Calibration by grade (out-of-time): observed default rate against the grade's PD")
                        + "**")
            cal = validation.calibration
            st.plotly_chart(charts.calibration_chart(cal.select(
                "grade", "customers", (cal["observed_rate_frac"] * 100).alias("observed_default_rate_pct"),
                (cal["jeffreys_low_frac"] * 100).alias("ci_low_pct"),
                (cal["jeffreys_high_frac"] * 100).alias("ci_high_pct"),
                (cal["pd_frac"] * 100).alias("assigned_pd_pct"))), key="sc_cal")
            table(cal.rename({"customers": "observations"}), f"calibration_{choice}", "t_sc_cal", cur)
            st.caption(_("Jeffreys interval (95 %) and one-sided test: a p-value near 0 says the grade's PD is too low "
                         "for the defaults observed; near 1, too high."))
        if validation.master_scale.height:
            source = (_("calibrated to the observed defaults") if policy.rating.pd_source == "observed"
                      else _("the policy's (`[ratings] pd_pct`)"))
            st.markdown(_("**Master scale** — the PDs in force are {source} (`[scoring.rating] pd_source`)").format(
                source=source))
            table(validation.master_scale, f"master_scale_{choice}", "t_sc_scale", cur)
            st.caption(_("Calibrated PD: the smoothed default rate (d + ½) / (n + 1) of the grade's development and "
                         "out-of-time observations, made to rise grade by grade (isotonic regression weighted by the "
                         "observations), never below {floor}.").format(floor=fmt_pd(policy.rating.pd_floor_pct)))
        st.markdown("**" + _("Population stability: development sample against the latest month-end") + "**")
        names = {name: label(name) for name in [*CHARACTERISTICS, "score",
                                                *validation.stability["variable"].to_list()]}
        st.plotly_chart(charts.psi_bars(validation.stability, names), key="sc_psi")
        hhi = validation.run.facts.get("grade_hhi_frac") if validation.run else None
        if hhi is not None:
            grades = len(policy.scale) - 1
            st.caption(_("Grade concentration at the latest month-end (Herfindahl Σ share²): {hhi} (1 / {grades} = "
                         "{even} when spread evenly).").format(hhi=fmt_number(hhi, 3), grades=fmt_int(grades),
                                                               even=fmt_number(1 / grades, 3)))

with t_chars:
    if choice == "expert":
        table(scorecard_table(card), "expert_scorecard", "t_sc_card", cur)
    elif choice == "statistical":
        st.markdown("**" + _("Logistic regression: ln(odds good) = β0 + Σ β × WoE") + "**")
        table(with_labels(validation.terms), "statistical_coefficients", "t_sc_coef", cur)
        st.markdown("**" + _("The scorecard: bins, weight of evidence and points") + "**")
        table(with_labels(validation.bins), "statistical_scorecard", "t_sc_bins", cur, height=420)
        st.markdown("**" + _("Every candidate characteristic: information value and why it left") + "**")
        table(with_labels(validation.candidates), "statistical_candidates", "t_sc_iv", cur, height=360)
    elif validation.terms.height:
        st.markdown(_("**Permutation importance on the out-of-time sample** (AUROC lost when a characteristic is "
                      "shuffled; monotonic: never less risk as it rises, never more, or free)"))
        table(with_labels(validation.terms), "challenger_importance", "t_sc_imp", cur, height=420)

with t_movers:
    mv = cached_movers(ctx.version, ctx.as_of, ctx.filters, choice)
    if mv.scored_at is None or mv.frame.height == 0:
        st.info(_("No customer's grade moved between the two month-ends.") if mv.scored_at else
                _("No month-end yet."))
    else:
        st.markdown(_("**{down} downgraded and {up} upgraded from {previous} to {date}**, biggest score change "
                      "first").format(down=fmt_int(mv.downgrades), up=fmt_int(mv.upgrades),
                                      previous=fmt_date(mv.previous_at), date=fmt_date(mv.scored_at)))
        shown = with_labels(mv.frame).head(SHOWN_ROWS)
        event = table(shown, f"movers_{choice}_{mv.scored_at}", "t_sc_movers", cur, height=380, selectable=True,
                      download=mv.frame)
        open_customer_on_select(event, shown, ctx.as_of)
        if choice == "ml":
            st.caption(_("The challenger's reasons are computed at the latest month-end (each costs a prediction per "
                         "characteristic); at earlier month-ends its rows show none."))

with t_over:
    limit = policy.rating.override_notches
    n_diff = view.differences.height
    if n_diff == 0:
        st.info(_("No customer's model grade is more than {notches} from its imported grade.").format(
            notches=notches(limit)))
    else:
        st.markdown(ngettext(
            "**{n} customer whose model grade is more than {notches} from the imported one** (positive: the model "
            "grades worse). Where the imported grade rules, each is an override to justify in the credit file.",
            "**{n} customers whose model grade is more than {notches} from the imported one** (positive: the model "
            "grades worse). Where the imported grade rules, each is an override to justify in the credit file.",
            n_diff).format(n=fmt_int(n_diff), notches=notches(limit)))
        table(with_labels(view.differences), f"grade_differences_{choice}_{view.scored_at}", "t_sc_diff", cur,
              height=300)

with t_card:
    md = model_card_markdown(validation, policy)
    row = st.container(horizontal=True, gap="small")
    row.download_button(_("Model card (Markdown)"), md.encode("utf-8"), f"model_card_{choice}.md", "text/markdown",
                        key="sc_card_md", icon=":material/download:", on_click="ignore", width="content")
    row.download_button(_("Model card (XLSX)"), lambda: xlsx_bytes(model_card_sheets(validation, policy)),
                        f"model_card_{choice}.xlsx",
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="sc_card_xlsx",
                        icon=":material/download:", on_click="ignore", width="content")
    st.markdown(md)
