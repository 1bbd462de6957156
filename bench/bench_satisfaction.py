#!/usr/bin/env python3
# ruff: noqa: E501  (report lines and SQL read better unwrapped)
"""Benchmark of customer_quality: scoring a satisfaction response, and the trend
analysis over a large history.

Run from the repository root::

    python3 bench/bench_satisfaction.py

It installs customer_quality (no demo data) in a scratch database and builds a
satisfaction survey of 30 questions over the seven dimensions (25 choice
questions, 5 scales), then:

1. scores 30-question responses (the customer finishing its answer: survey's own
   ``_mark_done`` plus our scoring and weak-result check) with a small history,
   and again after 1 000 000 answer lines of history: queries and ms per
   response, against the same survey with scoring off (a plain survey: Odoo's
   own work) in the same run;
2. generates by SQL 33 334 finished responses of 30 answer lines each (1 000 002
   lines) over two half-years and 200 customers, with their stored scores, and
   times the trend analysis: the SQL GROUP BY of the cells alone and the whole
   analysis of a period (Welch tests, Holm correction, lost customers), against a
   plain scan of the answer lines in the same run.

See bench/README.md.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_tickets as bt  # noqa: E402

QUESTIONS = 30
CUSTOMERS = 200  # at least 4 x -n
H1 = date(2026, 1, 1)
H2 = date(2026, 7, 1)


def make_survey(registry, satisfaction=True):
    """A survey of 25 choice questions and 5 scales over the seven dimensions."""
    from odoo import Command, api

    with registry.cursor() as cr:
        env = api.Environment(cr, 1, {"tracking_disable": True})
        dimensions = env["cq.satisfaction.dimension"].search([], order="sequence")
        questions = []
        for i in range(QUESTIONS):
            dimension = dimensions[i % len(dimensions)]
            values = {
                "title": f"Item {i:02d}",
                "sequence": i,
                "cq_dimension_id": dimension.id if satisfaction else False,
                "cq_weight": 1.0 + (i % 3),
            }
            if i % 6 == 5:
                values.update(question_type="scale", scale_min=1, scale_max=5)
            else:
                values.update(
                    question_type="simple_choice",
                    suggested_answer_ids=[
                        Command.create(
                            {"value": f"R{r}", "cq_rating": r, "sequence": 5 - r}
                        )
                        for r in (5, 4, 3, 2, 1)
                    ]
                    + [Command.create({"value": "N/A", "cq_not_applicable": True})],
                )
            questions.append(Command.create(values))
        survey = env["survey.survey"].create(
            {
                "title": "Bench satisfaction" if satisfaction else "Bench plain survey",
                "cq_is_satisfaction": satisfaction,
                "access_mode": "token",
                "question_and_page_ids": questions,
            }
        )
        return survey.id


def customers(registry):
    from odoo import api

    with registry.cursor() as cr:
        env = api.Environment(cr, 1, {"tracking_disable": True})
        partners = env["res.partner"].create(
            [
                {
                    "name": f"Sat customer {i:03d}",
                    "is_company": True,
                    "email": f"quality@sat{i:03d}.example.com",
                }
                for i in range(CUSTOMERS)
            ]
        )
        return partners.ids


def new_answers(registry, survey_id, partner_ids, start):
    """New answers of ``partner_ids``: through a sent campaign of the half-year
    starting ``start`` for the satisfaction survey (new tokens, mailed), directly
    for the plain survey."""
    from odoo import Command, api

    with registry.cursor() as cr:
        env = api.Environment(cr, 1, {"tracking_disable": True})
        survey = env["survey.survey"].browse(survey_id)
        if not survey.cq_is_satisfaction:
            partners = env["res.partner"].browse(partner_ids)
            return [
                survey._create_answer(partner=p, check_attempts=False).id
                for p in partners
            ]
        record = env["cq.satisfaction.campaign"].create(
            {
                "title": f"Bench {start}",
                "survey_id": survey_id,
                "audience": "list",
                "partner_ids": [Command.set(partner_ids)],
                "date_from": start,
                "date_to": start.replace(month=start.month + 5, day=30),
            }
        )
        record.action_send()
        return record.recipient_ids.user_input_id.ids


def score_responses(registry, answer_ids, rng, good=False):
    """Fill ``answer_ids`` with 30 lines each as the survey's pages do (sudo, the
    customer's token), then finish them one by one; (median ms, median queries,
    max queries) of ``_mark_done`` alone."""
    from odoo import api

    with registry.cursor() as cr:
        env = api.Environment(cr, 1, {})
        answers = env["survey.user_input"].browse(answer_ids)
        questions = answers.survey_id.question_ids.sorted("sequence")
        for answer in answers:
            for question in questions:
                if question.question_type == "scale":
                    answer._save_lines(
                        question, "5" if good else str(rng.randint(1, 5))
                    )
                else:
                    pick = 0 if good else rng.randrange(6)
                    answer._save_lines(question, question.suggested_answer_ids[pick].id)
    elapsed, queries = [], []
    for answer_id in answer_ids:
        with registry.cursor() as cr:
            env = api.Environment(cr, 1, {})
            answer = env["survey.user_input"].browse(answer_id)
            before = cr.sql_log_count
            start = time.perf_counter()
            answer._mark_done()
            env.flush_all()
            elapsed.append(time.perf_counter() - start)
            queries.append(cr.sql_log_count - before)
    return statistics.median(elapsed) * 1000, statistics.median(queries), max(queries)


def generate_history(registry, survey_id, partner_ids, responses):
    """``responses`` finished answers of 30 lines each and their stored scores,
    spread over the two half-years and the customers, by SQL."""
    from odoo import api
    from odoo.tools import SQL

    with registry.cursor() as cr:
        env = api.Environment(cr, 1, {})
        survey = env["survey.survey"].browse(survey_id)
        company = env.ref("base.main_company").id
        dimensions = env["cq.satisfaction.dimension"].search([]).ids
        questions = survey.question_ids.sorted("sequence")
        start = time.perf_counter()
        cr.execute(
            SQL(
                """
                INSERT INTO survey_user_input (survey_id, access_token, state, partner_id, cq_customer_id,
                                               cq_company_id, cq_is_satisfaction, cq_entry_method,
                                               cq_score, end_datetime, create_date, write_date)
                SELECT %(survey)s, 'bench-' || g, 'done', c, c, %(company)s, true, 'web',
                       40 + mod(g * 37, 60),
                       CASE WHEN mod(g, 2) = 0 THEN TIMESTAMP '2026-03-01' ELSE TIMESTAMP '2026-09-01' END
                           + make_interval(days => mod(g, 100)),
                       now(), now()
                  FROM generate_series(1, %(n)s) g,
                       LATERAL (SELECT (%(partners)s::int[])[1 + mod(g, %(np)s)] AS c) p
                """,
                survey=survey_id,
                company=company,
                n=responses,
                partners=partner_ids,
                np=len(partner_ids),
            )
        )
        cr.execute(
            SQL(
                """
                INSERT INTO survey_user_input_line (user_input_id, survey_id, question_id, answer_type,
                                                    skipped, value_scale, create_date, write_date)
                SELECT u.id, u.survey_id, q, 'scale', false, 1 + mod(u.id + q, 5), now(), now()
                  FROM survey_user_input u, unnest(%(questions)s::int[]) q
                 WHERE u.access_token LIKE %(pattern)s
                """,
                questions=questions.ids,
                pattern="bench-%",
            )
        )
        lines = cr.rowcount
        # the stored scores: per dimension and overall, lower in the second half
        # for one dimension
        cr.execute(
            SQL(
                """
                INSERT INTO cq_satisfaction_score (response_id, survey_id, company_id, partner_id,
                                                   dimension_id, is_overall, score, item_count,
                                                   date, period_start, create_date, write_date)
                SELECT u.id, u.survey_id, u.cq_company_id, u.partner_id, d,
                       d IS NULL,
                       greatest(0, least(100, 55 + mod(u.id * 13 + coalesce(d, 0) * 7, 45)
                           - CASE WHEN d = %(falling)s AND u.end_datetime >= %(h2)s THEN 20 ELSE 0 END)),
                       4, u.end_datetime::date,
                       CASE WHEN u.end_datetime < %(h2)s THEN %(h1)s::date ELSE %(h2)s::date END,
                       now(), now()
                  FROM survey_user_input u,
                       unnest(array_append(%(dimensions)s::int[], NULL)) d
                 WHERE u.access_token LIKE %(pattern)s
                """,
                dimensions=dimensions,
                falling=dimensions[1],
                pattern="bench-%",
                h1=H1,
                h2=H2,
            )
        )
        scores = cr.rowcount
        cr.execute("ANALYZE survey_user_input")
        cr.execute("ANALYZE survey_user_input_line")
        cr.execute("ANALYZE cq_satisfaction_score")
        bt.log(
            f"  {responses} responses, {lines} answer lines and {scores} stored scores generated by SQL "
            f"in {time.perf_counter() - start:.1f} s"
        )
        return lines


def time_trend(registry, repeat):
    """(ms of the cells' GROUP BY, ms of the whole analysis, ms of a plain scan of
    the answer lines, cells, significant declines): medians of ``repeat`` runs."""
    from odoo import api

    with registry.cursor() as cr:
        env = api.Environment(cr, 1, {})
        review = env["cq.satisfaction.review"].create({"period_start": H2})
        review_id = review.id
        cr.commit()
    cells_ms, whole_ms, scan_ms = [], [], []
    for _i in range(repeat):
        with registry.cursor() as cr:
            env = api.Environment(cr, 1, {})
            review = env["cq.satisfaction.review"].browse(review_id)
            start = time.perf_counter()
            cells = review._cq_cells(H2, H1)
            cells_ms.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            review.action_compute()
            env.flush_all()
            whole_ms.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            cr.execute(
                "SELECT question_id, count(*), avg(value_scale) FROM survey_user_input_line GROUP BY question_id"
            )
            cr.fetchall()
            scan_ms.append((time.perf_counter() - start) * 1000)
            declines = review.decline_count
            ncells = len(review.trend_ids)
            cr.rollback()
    return (
        statistics.median(cells_ms),
        statistics.median(whole_ms),
        statistics.median(scan_ms),
        len(cells),
        ncells,
        declines,
    )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", help="scratch database (default cq_bench_sat_<pid>)")
    parser.add_argument(
        "--responses", type=int, default=33_334, help="generated history"
    )
    parser.add_argument("-n", type=int, default=40, help="responses scored per measure")
    parser.add_argument("--repeat", type=int, default=5, help="trend runs (median)")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    db = args.db or f"cq_bench_sat_{os.getpid()}"
    started = time.perf_counter()
    bt.log(
        f"customer_quality satisfaction benchmark, {datetime.now():%Y-%m-%d %H:%M}, "
        f"{os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    bt.install(db, f"/tmp/{db}_install.log", modules="customer_quality")
    try:
        registry = bt.start_odoo(db)
        bt.check_no_demo(registry)
        bt.setup(registry)
        rng = random.Random(7)
        satisfaction = make_survey(registry, True)
        plain = make_survey(registry, False)
        partners = customers(registry)
        rows = []
        n = args.n
        for round_, label in enumerate(("small history", "1 000 000 answer lines")):
            if round_:
                generate_history(registry, satisfaction, partners, args.responses)
            # fresh customers each round: each raises its first weak result
            fresh = partners[round_ * 2 * n : (round_ * 2 + 1) * n]
            content = partners[(round_ * 2 + 1) * n : (round_ * 2 + 2) * n]
            weak_answers = new_answers(registry, satisfaction, fresh, H2)
            good_answers = new_answers(registry, satisfaction, content, H2)
            plain_answers = new_answers(registry, plain, fresh, H2)
            # warm-up, not counted
            score_responses(registry, weak_answers[:3], rng)
            score_responses(registry, good_answers[:3], rng, good=True)
            score_responses(registry, plain_answers[:3], rng)
            weak = score_responses(registry, weak_answers[3:], rng)
            good = score_responses(registry, good_answers[3:], rng, good=True)
            base = score_responses(registry, plain_answers[3:], rng)
            rows.append((label, weak, good, base))
        bt.log(
            f"\nFinishing a {QUESTIONS}-question response (`_mark_done`), median of {n - 3} each"
        )
        bt.log(
            "| history | plain survey (Odoo alone): ms / queries | scored, good answers: ms / queries (max) | scored, weak result raised: ms / queries (max) | ratio good / plain (ms) |"
        )
        bt.log("|---|---|---|---|---|")
        for label, (w_ms, w_q, w_max), (g_ms, g_q, g_max), (b_ms, b_q, _b) in rows:
            bt.log(
                f"| {label} | {b_ms:.1f} / {b_q:.0f} | {g_ms:.1f} / {g_q:.0f} ({g_max}) | {w_ms:.1f} / {w_q:.0f} ({w_max}) | {g_ms / b_ms:.2f} |"
            )
        cells_ms, whole_ms, scan_ms, cells, stored, declines = time_trend(
            registry, args.repeat
        )
        bt.log(
            f"\nTrend analysis of a half-year over {args.responses} responses (median of {args.repeat})"
        )
        bt.log("| step | ms |")
        bt.log("|---|---|")
        bt.log(
            f"| cells: one SQL GROUP BY on the stored scores ({cells} cells) | {cells_ms:.0f} |"
        )
        bt.log(
            f"| the whole analysis: cells, Welch tests, Holm, {stored} trend lines written, lost customers | {whole_ms:.0f} |"
        )
        bt.log(f"| baseline: one GROUP BY scan of the answer lines | {scan_ms:.0f} |")
        bt.log(f"| ratio whole analysis / baseline scan | {whole_ms / scan_ms:.2f} |")
        bt.log(
            f"\n{declines} significant declines found (one dimension falls 20 points in the generated data)"
        )
    finally:
        if not args.keep:
            bt.drop(db)
    bt.log(f"\nTotal bench time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
