// The parameter table. Each entry: key, default, allowed range, unit,
// description, source. "assumption" marks a value no public figure gives;
// those are the natural targets of the sensitivity analysis (MODEL.md §7).
//
// Sources, cited by short name (full references in docs/MODEL.md):
//   OHCHR 2023   UN Human Rights Office, "Online scam operations and trafficking
//                into forced criminality in Southeast Asia", August 2023
//   USIP 2024    US Institute of Peace, "Transnational Crime in Southeast Asia:
//                A Growing Threat to Global Peace and Security", May 2024
//   Amnesty 2025 Amnesty International, "I was someone else's property", June 2025
//   UNODC 2025   UNODC, "Inflection Point", April 2025
//   TIP 2024     US State Department, Trafficking in Persons Report 2024
//   seed         the news analysis in shared/seed/ the project grew from
//   MODEL.md     the model specification, section given

#include "sim/scenario/parameters.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "sim/scenario/fields.hpp"

namespace scamsim::scenario {
namespace detail {
namespace {

using namespace table_values;

#define RUN(member, ...) SCAMSIM_FIELD(RunSettings, "run.", member, __VA_ARGS__)
const Field<RunSettings> run_table[] = {
    RUN(start_date, required, {}, "date", "First day simulated (YYYY-MM-DD).",
        "MODEL.md §7 (baseline starts 2025-01-01)"),
    RUN(years, 5.0, {0, 100, true}, "years", "Length of the run.", "MODEL.md §2 (runs last years)"),
    RUN(dt_days, 1.0, {1, 7}, "days", "Days per step: 1 (daily) to 7 (weekly).", "MODEL.md §2"),
    RUN(seed, 1.0, {0, 9.2e18}, "-", "Seed of every random stream of the run.", "MODEL.md §5"),
    RUN(replicates, 1.0, {1, 100000}, "runs", "Independent replicates, seeds derived from `seed`.", "MODEL.md §1"),
    RUN(scale, 1.0, {0, 100, true}, "-", "Factor on agent counts (0.05: a 5% world for quick runs).", "issue #3"),
};
#undef RUN

#define P(member, ...) SCAMSIM_FIELD(Parameters, "", member, __VA_ARGS__)
const Field<Parameters> model_parameter_table[] = {
    // 4.1 operator economics and the size trade-off
    P(economics.revenue_usd_per_worker_day, 340.0, money_per_day, "USD/worker-day",
      "Gross scam revenue of one held worker per day at infrastructure 1, no AI, no victim awareness.",
      "USIP 2024 (12.5 bn USD/yr in Cambodia) / OHCHR 2023 (100,000 held) = 342; to be calibrated"),
    P(economics.fixed_cost_usd_per_day, 2000.0, money_per_day, "USD/operation-day",
      "Fixed cost of running one operation: rent, guards, equipment.", "assumption"),
    P(economics.visibility_reference_workers, 200.0, {0, 1e8, true}, "workers",
      "Size s0 at which an operation has visibility 1: visibility = (workers/s0)^beta.",
      "assumption; Amnesty 2025 (compounds hold hundreds to thousands)"),
    P(economics.visibility_exponent, 1.0, {0, 3}, "-", "Exponent beta of visibility in size.",
      "MODEL.md §4.1 (beta near 1)"),
    P(economics.protection_cost_share, 0.1, share, "share of revenue",
      "Share of revenue paid in bribes to hold protection 1 (pro rata below).",
      "assumption; TIP 2024 (official complicity)"),
    P(economics.victim_awareness, 0.2, share, "-", "Awareness of scams in the victims' markets.", "assumption"),
    P(economics.awareness_conversion_loss, 0.5, share, "share",
      "Share of victim conversions lost at victim awareness 1.", "assumption"),
    P(economics.max_split_cells, 4.0, {2, 64}, "cells", "Most cells one operation splits into at once.", "assumption"),
    P(economics.min_cell_workers, 10.0, {1, 1e6}, "workers", "Smallest workforce a cell runs with.", "assumption"),
    P(economics.max_operation_workers, 5000.0, {1, 1e6}, "workers",
      "Largest workforce an operation aims for when enforcement is negligible.",
      "assumption; Amnesty 2025 (compounds of up to thousands)"),
    P(economics.merge_window_days, 0.0, {0, 3650}, "days",
      "How long an operation that would merge waits for a partner of its network in its country (one that wanted "
      "to merge as long ago at most). 0: only a partner that decides the same step (v0.3, where decision days are "
      "staggered by id, so that operations merge only if their ids are congruent modulo the decision interval).",
      "assumption (model v2): operations that want to merge find each other within their decision interval"),
    P(economics.small_operation_workers, 50.0, {1, 1e6}, "workers",
      "Operations of at most this many workers count as small, hidden cells in the output.",
      "assumption; seed (decentralisation into small cells)"),
    P(economics.loss_horizon_days, 180.0, duration, "days",
      "Days of profit an operator expects to lose if dismantled; also the period over which it weighs a move's cost.",
      "assumption: about half a year, because compounds often operate again after raids (Amnesty 2025); at 365 "
      "a Cambodian crackdown emptied the country within two months"),
    P(economics.target_growth_per_year, 0.1, {0, 10}, "1/year",
      "Rate at which an operation's target workforce moves toward its most profitable size.", "assumption"),
    P(economics.target_efficient_scale, 0.0, {0, 1}, "switch",
      "1: an operation's target is the smaller of its most profitable size and its efficient scale (greatest "
      "expected profit per worker, where F/s equals the marginal raid loss per worker), so that a network grows by "
      "opening operations rather than by one operation hiring without end. 0: the most profitable size (v0.3).",
      "assumption (model v2, docs/MODEL.md section 7.10): with labour that answers demand, targets above the size "
      "at which splitting pays let the industry grow without bound"),
    P(economics.market_saturation, 0.0, {0, 2}, "-",
      "Elasticity of revenue per worker-day to the region's industry: revenue is multiplied by (held on the first "
      "day / held at the start of the step)^this, the ratio capped at 10. 1: the victims' money a year is fixed and "
      "shared by whoever works them; 0: revenue per worker does not depend on how many work (v0.3).",
      "assumption (model v2, docs/MODEL.md section 7.10): the compounds fish in one pool of victims, so that a larger "
      "industry earns less per worker and a smaller one more, which is what lets entry balance exits and the "
      "industry come back after a crackdown (AFP 14 Oct 2025; Amnesty 2025)"),
    P(economics.congestion_cost_share, 0.0, {0, 10}, "share of margin",
      "What crowding costs in a host that holds more than on its first day: every worker-day there bears, on top of "
      "the host's labour cost, this share of the first day's gross margin per worker-day (at no protection) times "
      "the relative excess, (held / first day's held - 1), never less than 0. Hosts with no industry on the first "
      "day bear none. 0: no crowding cost (v0.3).",
      "assumption (model v2, docs/MODEL.md section 7.10): a host's sites, protection and staff are what its "
      "industry uses on the first day; more has to be bought dear (KK Park's workers moved into rented houses "
      "around Myawaddy, AFP 14 Oct 2025), and the host a crackdown displaces the industry into does not take it "
      "in without limit"),
    // 4.6 money
    P(money.laundered_share, 0.7, share, "share of revenue", "Share of revenue laundered through cryptocurrency.",
      "assumption; UNODC 2025 (crypto central to laundering)"),
    P(money.laundering_cost_share, 0.1, share, "share", "Share of laundered money lost to fees and brokers.",
      "assumption"),
    P(money.frozen_share, 0.02, share, "share", "Share of laundered money frozen by financial regulation at baseline.",
      "assumption"),
    P(money.seizure_share, 0.3, share, "share", "Share of an operation's capital seized by a successful raid.",
      "assumption"),
    // 4.2 pressure and will
    P(pressure.half_life_days, 180.0, duration, "days", "Half-life of international pressure.",
      "MODEL.md §4.2 (e.g. 6 months); seed (durability of pressure)"),
    P(pressure.relaxes_to_initial, 0.0, {0, 1}, "switch",
      "1: international pressure relaxes toward each country's initial_pressure (its background: yearly TIP "
      "reports, standing sanctions, foreign governments' demands) with its half-life; 0: toward 0 (v0.3), so that "
      "with no events every host's will and raids fade within two years.",
      "assumption (model v2, docs/MODEL.md section 7.10): the baseline is a steady state only if the pressure it "
      "starts from is the pressure it keeps"),
    P(pressure.gain_above_background, 0.0, {0, 1}, "switch",
      "1: will_pressure_gain acts on pressure above each country's initial_pressure, whose will is part of "
      "will_base; 0: on all of it (v0.3).",
      "assumption (model v2, docs/MODEL.md section 7.8, eleventh trials): with a background that stays, the gain "
      "on all of it also sets the baseline's will, and the two calibration stages are no longer separable"),
    P(pressure.will_base, 0.1, share, "-",
      "Domestic will to enforce at governance 1, before damping by corruption and dependence.", "assumption"),
    P(pressure.will_pressure_gain, 1.0, {0, 10}, "-",
      "Will added per unit of international pressure, times governance (not damped).", "assumption"),
    P(pressure.corruption_damping, 1.0, share, "-",
      "Domestic will is multiplied by 1 - corruption_damping x corruption.", "seed (selective enforcement); TIP 2024"),
    P(pressure.dependence_damping, 2.0, {0, 100}, "-",
      "Domestic will is divided by 1 + dependence_damping x (scam revenue / GDP).", "seed (\"too big to fail\")"),
    P(pressure.revenue_memory_days, 90.0, {0, 3650, true}, "days",
      "Averaging time of a country's scam revenue per year R, which damps domestic will.",
      "assumption: a quarter, so that one day's takings do not swing will"),
    // 4.3 enforcement
    P(enforcement.raid_success_probability, 0.6, share, "probability",
      "Chance that a raid that is not leaked dismantles its target.",
      "assumption; Amnesty 2025 (two thirds of compounds untouched or operating again)"),
    P(enforcement.leak_release_share, 0.3, share, "share of workers",
      "Share of its workers an operator releases when a raid on it is leaked.", "assumption"),
    P(enforcement.intelligence_detection_gain, 1.0, {0, 10}, "-",
      "Detection of an operator that moved in from a partner is multiplied by 1 + gain x sharing.", "MODEL.md §4.3"),
    P(enforcement.risk_memory_days, 30.0, duration, "days", "Averaging time of an operator's perceived risk.",
      "assumption: operators hear of raids and sanctions within weeks (seed: releases within weeks)"),
    P(enforcement.risk_perception_spread, 0.0, {0, 3}, "log units (standard deviation)",
      "How far operators differ in the risk they read from the same public signal: each sees its country's signal "
      "(at home and where it might move) times its own factor exp(sigma Z - sigma^2 / 2), Z standard normal, drawn "
      "when it opens (a compound's cells keep its factor). 0: every operator reads the same risk (v0.3).",
      "assumption (model v2, docs/MODEL.md section 7.10): operators hear of raids through their own informants and "
      "protectors; with one reading, a country's compounds all release, disperse or move on the same day"),
    P(enforcement.visibility_floor, 0.0, {0, 1e6}, "operations of s0 workers",
      "Least industry a host's raids are spread over, times run.scale: a host with less visible industry than this "
      "finds it in proportion, so a first entrant does not draw the whole national raid capacity. 0: the first "
      "day's industry only (v0.3, where a host with none finds every newcomer at once).",
      "assumption; UNODC 2025 (hubs open where there was no industry); issue 13"),
    P(enforcement.raids_follow_industry, 0.0, {0, 1}, "switch",
      "1: at a given will, a host's raids grow with its visible industry beyond the first day's, up to its full "
      "capacity (will 1), so an operation's risk does not fall as the industry around it grows. 0: raids stop "
      "growing at the first day's industry (v0.3), so that an industry larger than it is safer per operation.",
      "assumption (model v2, docs/MODEL.md section 7.10): without it an industry whose labour answers demand grows "
      "without bound"),
    // 4.4 relocation
    P(relocation.decision_interval_days, 30.0, {1, 3650}, "days",
      "Days between an operator's relocation and size decisions (staggered by id).", "MODEL.md §4.4 (e.g. monthly)"),
    P(relocation.logit_scale, 0.05, positive, "relative utility",
      "Spread of the logit choice between countries: a utility gap of this (relative to profit) is e-fold odds.",
      "assumption: at 0.1 operators drifted between countries with no pressure to drive them, which no report "
      "describes; moves should follow differences in risk"),
    P(relocation.inertia, 0.2, {0, 10}, "relative utility", "Utility bonus of staying where one is.", "assumption"),
    P(relocation.workers_moved_share, 0.7, share, "share of workers",
      "Share of its workers an operator takes across the border; the rest are abandoned.", "assumption; seed"),
    P(relocation.protection_kept_share, 0.2, share, "share", "Share of protection an operator keeps when it moves.",
      "assumption"),
    P(relocation.news_reaction_days, 0.0, {0, 365}, "days",
      "Days after a successful raid in its country or on its network within which an operator decides again, "
      "whatever its decision day; it then sees the risk of the day. 0: decisions only on decision days (v0.3).",
      "assumption; PAOCC 2025 (a raided hub re-formed in Cebu within four days); issue 13"),
    // 4.5 workers
    P(workers.initial_vulnerability, 0.7, share, "-", "Vulnerability (debt, trauma, no papers) of a new worker.",
      "assumption"),
    P(workers.escape_hazard_per_year, 0.03, {0, 365}, "1/year", "Hazard of a held worker escaping.", "assumption"),
    P(workers.pressure_release_threshold, 0.5, share, "-", "Perceived risk above which an operator releases workers.",
      "seed (mass releases under pressure)"),
    P(workers.pressure_release_share, 0.3, share, "share of workers",
      "Share of its workers an operator releases when its risk passes the threshold.", "assumption; seed"),
    P(workers.pressure_release_horizon_days, 30.0, {0, 3650, true}, "days",
      "Horizon of the acute risk an operator weighs against the release threshold: the chance of a successful raid "
      "within this many days.",
      "assumption: about a month (seed: releases within weeks of pressure)"),
    P(workers.release_by_utility, 0.0, {0, 1}, "switch",
      "1: releasing pressure_release_share of its workers is one of the alternatives an operator weighs on its "
      "decision day by expected daily profit, with splitting, changing form and moving, and is chosen when it gains "
      "the most; the release threshold and horizon are then unused. 0: the threshold rule of v0.3, which fires "
      "first and pre-empts a split or a change of form the same day.",
      "issue 13 (one decision, one footing); assumption"),
    P(workers.rerecruit_hazard_per_month, 0.2, {0, 30}, "1/month",
      "Re-recruitment hazard of a released, unsupported worker at vulnerability 1 and full local demand.",
      "assumption (no public figure, MODEL.md §7); seed (re-recruitment the dominant risk)"),
    P(workers.retraffick_hazard_per_year, 0.02, {0, 365}, "1/year",
      "Hazard of a repatriated person being trafficked again.", "assumption"),
    P(workers.vulnerability_spread, 0.0, {0, 3}, "log units (standard deviation)",
      "How far new workers' vulnerability differs: each gets 1 - (1 - initial_vulnerability) x F, F lognormal with "
      "mean 1 and this log standard deviation, cut to [0, 1]. 0: every new worker has initial_vulnerability (v0.3).",
      "assumption (issue 13): debt, papers, trauma and a way home differ from person to person; one shared value "
      "makes every aftercare bed avert the same until beds outnumber the released (docs/MODEL.md section 7.8)"),
    // 4.5 aftercare
    P(aftercare.cost_usd_per_person_day, 20.0, money_per_day, "USD/person-day",
      "Cost of one aftercare place for a day: shelter, care, paperwork.", "assumption (no public figure, MODEL.md §7)"),
    P(aftercare.programme_days, 90.0, duration, "days", "Length of the aftercare programme before repatriation.",
      "assumption"),
    P(aftercare.effectiveness, 0.8, share, "share", "Share of re-recruitment hazard removed while in aftercare.",
      "assumption; seed (aftercare prevents re-recruitment)"),
    P(aftercare.vulnerability_recovery_per_month, 0.15, share, "1/month",
      "Share of vulnerability shed per month in aftercare.", "assumption"),
    P(aftercare.most_vulnerable_first, 0.0, {0, 1}, "switch",
      "1: a free bed goes to the most vulnerable released person waiting in the country (ties: the lower "
      "worker id). 0: to the first released (v0.3).",
      "assumption (issue 13): shelters screen those they take in and take the most at risk first"),
    // 4.5 recruitment
    P(recruitment.trafficking_rate_per_year, 0.002, share, "1/year",
      "Share of an origin's vulnerable population trafficked per year at susceptibility 1, awareness 0, full demand.",
      "assumption; to be calibrated"),
    P(recruitment.pipeline_lag_days, 0.0, {0, 3650}, "days",
      "Time the trafficking pipelines (brokers, job adverts) take to follow operators' open places: each origin's "
      "recruiting effort moves toward its share of the open places over this many days, and fills them within it. "
      "0: a fixed supply, trafficking_rate_per_year, whatever the demand (v0.3).",
      "assumption; UNODC 2025 and OHCHR 2023 (recruitment is a business that answers demand); issue 13"),
    P(recruitment.pipeline_cap_factor, 4.0, {1, 1000}, "-",
      "Most an origin's pipeline can send, as a multiple of trafficking_rate_per_year's flow: the susceptible "
      "people brokers can reach.",
      "assumption"),
    // 4.7 entry: new operations (phases/entry.cpp)
    P(entry.entrant_rate_per_year, 0.0, {0, 1e4}, "operations/year",
      "Operations opened per year in a host at full opportunity, times run.scale; opportunity is what an entrant "
      "keeps of its gross margin after fixed cost and expected raid losses, in shares of the host's first-day "
      "margin (1 on the first day at no cost and no risk). 0: no entry (v0.3).",
      "assumption; UNODC 2025 (hubs open where there was no industry, 'a hedging against future risks')"),
    P(entry.reopen_rate_per_year, 0.0, {0, 365}, "1/year",
      "Rate at which each vacant premises in a host (left by a raid, a closure or a move) is taken again, at "
      "full opportunity. 0: no reopening (v0.3).",
      "assumption; Amnesty 2025 (more than two thirds of raided compounds operating again); AFP 14 Oct 2025"),
    P(entry.entrant_workers, 200.0, {1, 1e6}, "workers", "Workforce a new operation first aims for.",
      "assumption; Amnesty 2025 (compounds hold hundreds to thousands)"),
    P(entry.entrant_capital_usd, 2000000.0, money, "USD",
      "Capital a network puts into a new operation (new money entering the industry, in the ledger's invested).",
      "assumption"),
    P(entry.normal_return_share, 0.0, {0, 1}, "share",
      "Share of a host's first-day opportunity that is a normal return: new operations are built there in "
      "proportion to the opportunity above it (reopened premises still in proportion to all of it). 1: the first day "
      "is the industry's long-run balance, and only returns above it draw new building; 0: any positive return "
      "does (model v2 before this rule).",
      "assumption (model v2, docs/MODEL.md section 7.10): free entry; the seventh trials' entry added operations "
      "while any profit was left, so that the industry grew without bound after a crackdown"),
    P(entry.cell_entrants, 0.0, {0, 1}, "-",
      "1: a new operation is built in the form that keeps more of its gross margin, a compound of entrant_workers "
      "or a cell of forms.cell_max_workers (a rented house), so that a host where raids would find a compound at "
      "once can still be entered; vacant premises are always taken as a compound. 0: every entrant is a "
      "compound (model v2 before this rule).",
      "UNODC 2025 (new hubs beyond the region, in rented premises); PAOCC 2025 (cells of 20 to 50); docs/MODEL.md "
      "section 7.10"),
    P(entry.hedging_elasticity, 0.0, {0, 10}, "-",
      "Elasticity of the normal return to the region's going rate: the return asked of a new building in a host is "
      "normal_return_share x its first-day opportunity x (going rate / first day's)^this, the going rate being each "
      "host's opportunity weighed by its share of the people held on the first day. 0: the normal return is fixed "
      "(model v2 before this rule); 1: it falls in proportion when returns fall where the industry is.",
      "assumption; UNODC 2025 (hubs opened where there was no industry as 'a hedging against future risks')"),
    P(entry.exit_rate_per_year, 0.0, {0, 365}, "1/year",
      "Rate at which a network closes each of its operations in a host whose opportunity has fallen below the normal "
      "return (entry.normal_return_share, hedged), at a shortfall of the whole normal return; in proportion below "
      "it, drawn on the operation's decision days. Its workers are let go and a compound's premises stand vacant. "
      "0: operations close only when bankrupt or dismantled (model v2 before this rule).",
      "assumption (model v2, docs/MODEL.md section 7.10): free exit, the other half of free entry; without it the "
      "operations a crackdown drove into other hosts stayed there after it, and the region ended above its baseline"),
    P(entry.exit_return_share, 1.0, share, "share",
      "Share of the normal return below which networks close operations (entry.exit_rate_per_year): between it "
      "and the normal return nothing is built and nothing closes. 1: no such band.",
      "assumption; Dixit 1989 (sunk costs open a band of inaction between the returns that draw entry and those "
      "that force exit): a compound is built, so a return a little below normal does not close it"),
    // 4.8 operation forms: compounds and dispersed cells
    P(forms.cell_max_workers, 0.0, {0, 1e6}, "workers",
      "Most people a dispersed cell (a rented house, a resort floor) holds; an operation may disperse into cells of "
      "at most this size. 0: no dispersal (v0.3).",
      "PAOCC 2025 ('guerrilla cells of 20 to 50'); issue 13"),
    P(forms.max_cells_per_dispersal, 6.0, {1, 64}, "cells",
      "Most cells one operation disperses into; whom they cannot hold is released.", "assumption"),
    P(forms.cell_fixed_cost_usd_per_day, 200.0, money_per_day, "USD/operation-day",
      "Fixed cost of a cell: rent of a house or floor, a few guards.", "assumption"),
    P(forms.cell_productivity, 0.8, share, "-",
      "Revenue of a cell's worker-day relative to a compound's (no infrastructure, poorer connections).", "assumption"),
    P(forms.cell_visibility, 0.5, {0, 10}, "-",
      "Visibility of a cell relative to a compound of the same size (houses among houses).", "assumption"),
    P(forms.premises_capacity_factor, 0.0, {0, 100}, "-",
      "A compound's premises hold this many times the workforce they were built for (the start's size, an "
      "entrant's, a mover's); premises left behind keep their size for whoever takes them again. 0: no premises, "
      "compounds grow to max_operation_workers (v0.3).",
      "assumption; issue 13 (compounds are buildings: KK Park, Shwe Kokko)"),
    P(forms.consolidation_cost_usd, 500000.0, money, "USD",
      "What cells pay to take a compound again and bring their people back into it.",
      "assumption; AFP 14 Oct 2025 (Myawaddy's compounds rebuilt within months)"),
    // 4.6 AI
    P(ai.uplift, 0.3, {0, 10}, "-", "Revenue multiplier added at tech 1: (1 + uplift x tech).",
      "assumption; seed (AI chatbots, deepfakes)"),
    P(ai.adoption_per_year, 0.05, share, "1/year", "Yearly rise of an operator's tech toward 1.",
      "assumption; UNODC 2025"),
};
#undef P

#define C(member, ...) SCAMSIM_FIELD(CountrySpec, "countries.<id>.", member, __VA_ARGS__)
const Field<CountrySpec> country_table[] = {
    C(latitude_deg, required, {-90, 90}, "degrees", "Latitude, for maps.", "any atlas"),
    C(longitude_deg, required, {-180, 180}, "degrees", "Longitude, for maps.", "any atlas"),
    C(governance, required, share, "-", "State capacity to enforce.", "scenario (e.g. World Bank WGI)"),
    C(corruption, required, share, "-",
      "Elite complicity: chance a raid on a fully protected operator leaks; damps will.",
      "scenario (e.g. TI CPI); TIP 2024"),
    C(enforcement_capacity_raids_per_year, 0.0, {0, max_input_raids_per_year}, "raids/year",
      "Raids the country can mount at full will.", "scenario"),
    C(initial_pressure, 0.0, share, "-", "International pressure at the start.", "scenario"),
    C(domestic_resolve, 0.0, {0, 10}, "-",
      "The state's own will to enforce beyond pressure.will_base (a ban, a standing campaign of its own making), "
      "added to will_base and damped with it by corruption and dependence: a more corrupt state keeps less of it.",
      "scenario; assumption (model v2, docs/MODEL.md section 7.10): the Philippines' POGO ban (EO 74, 2024) is "
      "the state's decision, not international pressure, which corruption does not damp"),
    C(gdp_usd, required, {0, max_input_usd, true}, "USD/year", "Formal GDP, to report scam revenue as a share of it.",
      "scenario (World Bank)"),
};
#undef C

#define H(member, ...) SCAMSIM_FIELD(HostRole, "countries.<id>.host.", member, __VA_ARGS__)
const Field<HostRole> host_table[] = {
    H(aftercare_budget_usd_per_year, 0.0, money, "USD/year",
      "Aftercare budget (safe housing, support, repatriation help).", "scenario; seed"),
    H(labour_cost_usd_per_day, 5.0, money_per_day, "USD/worker-day", "Upkeep of one held worker.", "assumption"),
    H(infrastructure, 1.0, {0, 10}, "-", "Scam productivity multiplier (connectivity, power, premises).", "assumption"),
};
#undef H

#define O(member, ...) SCAMSIM_FIELD(OriginRole, "countries.<id>.origin.", member, __VA_ARGS__)
const Field<OriginRole> origin_table[] = {
    O(vulnerable_population, required, {0, max_input_people}, "persons",
      "People exposed to deceptive job offers (young, unemployed, online).", "scenario"),
    O(recruitment_susceptibility, 0.5, share, "-", "Propensity of the vulnerable to accept a deceptive offer.",
      "assumption"),
    O(embassy_repatriation_rate_per_month, 0.1, share, "1/month",
      "Share of its stranded released nationals an embassy repatriates per month.",
      "assumption; seed (Indonesian embassy: 1,440 then 3,400 within weeks)"),
    O(awareness, 0.2, share, "-", "Awareness of trafficking schemes among the vulnerable.", "assumption"),
    O(initial_workforce_share, 0.0, share, "share",
      "Share of the region's held workers of this nationality at the start (normalised over origins).",
      "scenario; OHCHR 2023"),
};
#undef O

#define N(member, ...) SCAMSIM_FIELD(NetworkSpec, "networks.<id>.", member, __VA_ARGS__)
const Field<NetworkSpec> network_table[] = {
    N(capital_usd, required, money, "USD", "Capital at the start, shared among its operations by workforce.",
      "scenario"),
    N(protection, 0.5, share, "-", "Paid political cover of its operations at the start.", "assumption; TIP 2024"),
    N(tech, 0.2, share, "-", "AI tooling of its operations at the start.", "assumption; seed"),
};
#undef N

#define G(member, ...) SCAMSIM_FIELD(OperationGroupSpec, "operations.<n>.", member, __VA_ARGS__)
const Field<OperationGroupSpec> operation_table[] = {
    G(operations, required, {1, 1e6}, "operations", "Number of operations (compounds) in the group.", "scenario"),
    G(workers, required, {0, 1e8}, "workers", "People held across the group at scale 1.", "scenario; OHCHR 2023"),
};
#undef G

// Matrix entries are checked element by element; they fill no single member.
const ParameterInfo matrix_table[] = {
    {"matrices.relocation_cost_usd", ValueKind::integer, required, money, "USD",
     "Cost for an operation to move from the row country to the column country.", "assumption"},
    {"matrices.transit_days",
     ValueKind::real,
     required,
     {0, max_input_days},
     "days",
     "Travel time from the row country to the column country (trafficking and relocation).",
     "assumption"},
    {"matrices.intelligence_sharing", ValueKind::real, 0.0, share, "-",
     "Intelligence sharing between two countries; events can raise it.", "MODEL.md §4.3 (0 by default)"},
};

}  // namespace

std::span<const Field<RunSettings>> run_fields() { return run_table; }
std::span<const Field<Parameters>> parameter_fields() { return model_parameter_table; }
std::span<const Field<CountrySpec>> country_fields() { return country_table; }
std::span<const Field<HostRole>> host_fields() { return host_table; }
std::span<const Field<OriginRole>> origin_fields() { return origin_table; }
std::span<const Field<NetworkSpec>> network_fields() { return network_table; }
std::span<const Field<OperationGroupSpec>> operation_fields() { return operation_table; }

}  // namespace detail

namespace {

template <class Spec>
void append(std::vector<ParameterInfo>& out, std::span<const detail::Field<Spec>> fields) {
  for (const auto& f : fields) out.push_back(f.info);
}

// Each kind's fields, in the order of the EventPayload variant (sim/scenario/events/kinds.hpp).
template <class... Payload>
void append_events(std::vector<ParameterInfo>& out, std::variant<Payload...>* /*tag*/) {
  (append(out, fields(Payload{})), ...);
}

std::vector<ParameterInfo> build_table() {
  std::vector<ParameterInfo> out;
  append(out, detail::run_fields());
  append(out, detail::parameter_fields());
  append(out, detail::country_fields());
  append(out, detail::host_fields());
  append(out, detail::origin_fields());
  append(out, detail::network_fields());
  append(out, detail::operation_fields());
  out.insert(out.end(), std::begin(detail::matrix_table), std::end(detail::matrix_table));
  append_events(out, static_cast<EventPayload*>(nullptr));
  return out;
}

std::string format_number(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (std::trunc(v) == v && std::abs(v) < 1e15) return fmt::format("{:.0f}", v);  // 1000000, not 1e+06
  std::string text = fmt::format("{:g}", v);
  if (const auto plus = text.find("e+"); plus != std::string::npos) text.erase(plus + 1, 1);  // 1e15, as TOML reads
  return text;
}

std::string_view kind_name(ValueKind kind) {
  switch (kind) {
    case ValueKind::real:
      return "number";
    case ValueKind::integer:
      return "integer";
    case ValueKind::date:
      return "date";
  }
  return "?";
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string markdown_field(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

std::string range_text(const ParameterInfo& p) {
  return p.kind == ValueKind::date ? std::string("YYYY-MM-DD") : p.range.describe();
}

}  // namespace

std::string Range::describe() const {
  const bool open_top = std::isinf(max);
  if (open_top) return fmt::format("{} {}", min_exclusive ? ">" : "≥", format_number(min));
  return fmt::format("{}{}, {}]", min_exclusive ? "(" : "[", format_number(min), format_number(max));
}

std::span<const ParameterInfo> parameter_table() {
  static const std::vector<ParameterInfo> table = build_table();
  return table;
}

const ParameterInfo* find_parameter(std::string_view key) {
  const auto table = parameter_table();
  const auto it = std::find_if(table.begin(), table.end(), [&](const ParameterInfo& p) { return p.key == key; });
  return it == table.end() ? nullptr : &*it;
}

std::string format_default(const ParameterInfo& info) {
  if (!info.default_value) return "required";
  return format_number(*info.default_value);
}

namespace {
// The letters of docs/MODEL.md section 7's formulas; every other parameter appears there by the last part
// of its key.
constexpr std::pair<std::string_view, std::string_view> letters[] = {
    {"run.dt_days", "dt"},
    {"economics.fixed_cost_usd_per_day", "F"},
    {"economics.visibility_reference_workers", "s0"},
    {"economics.visibility_exponent", "beta"},
    {"economics.loss_horizon_days", "H"},
    {"countries.<id>.governance", "g"},
    {"countries.<id>.corruption", "k"},
    {"countries.<id>.initial_pressure", "p(0)"},
    {"countries.<id>.gdp_usd", "GDP"},
};
}  // namespace

std::span<const std::pair<std::string_view, std::string_view>> parameter_letters() { return letters; }

std::string_view parameter_symbol(const ParameterInfo& info) {
  for (const auto& [key, letter] : letters)
    if (key == info.key) return letter;
  const auto dot = info.key.rfind('.');
  return dot == std::string_view::npos ? info.key : info.key.substr(dot + 1);
}

std::string format_parameter_table(TableFormat format) {
  std::string out;
  const auto table = parameter_table();
  switch (format) {
    case TableFormat::csv:
      out += "key,symbol,type,default,unit,range,description,source\n";
      for (const auto& p : table) {
        out += fmt::format("{},{},{},{},{},{},{},{}\n", p.key, csv_field(parameter_symbol(p)), kind_name(p.kind),
                           format_default(p), csv_field(p.unit), csv_field(range_text(p)), csv_field(p.description),
                           csv_field(p.source));
      }
      break;
    case TableFormat::markdown:
      out += "| key | symbol | type | default | unit | range | description | source |\n";
      out += "|---|---|---|---|---|---|---|---|\n";
      for (const auto& p : table) {
        out += fmt::format("| `{}` | `{}` | {} | {} | {} | {} | {} | {} |\n", p.key, parameter_symbol(p),
                           kind_name(p.kind), format_default(p), markdown_field(p.unit), range_text(p),
                           markdown_field(p.description), markdown_field(p.source));
      }
      break;
    case TableFormat::text:
      for (const auto& p : table) {
        out += fmt::format("{} ({})\n    {} {}, default {}, range {}\n    {}\n    source: {}\n", p.key,
                           parameter_symbol(p), kind_name(p.kind),
                           p.unit == "-" ? "(no unit)" : fmt::format("in {}", p.unit), format_default(p), range_text(p),
                           p.description, p.source);
      }
      break;
  }
  return out;
}

}  // namespace scamsim::scenario
