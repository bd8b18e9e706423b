"""The reference column of bench/stats.py: the same figures counted by DuckDB and by pandas on
the same records and rows, already in memory (loading them is not timed)."""


def pandas_figure(frame, layout, names: list[str]):
    """The figure's counts as pandas computes them: value_counts, bit masks, groupby."""
    variables = [layout[name] for name in names]
    if len(variables) == 2 and all(v.kind == "category" for v in variables):
        return frame.groupby([v.slot for v in variables]).size()
    variable = variables[0]
    if variable.kind == "category":
        return frame[variable.slot].value_counts()
    rows = frame["flags"][(frame["known"] & layout.mask(variable.members)) != 0]
    return {
        member: int(((rows & (1 << layout[member].bit)) != 0).sum()) for member in variable.members
    }


def duckdb_figure(frame, layout, names: list[str], organisation=None):
    """The same counts in SQL, run by DuckDB straight on the DataFrame (of all the records,
    with the organisation's condition in the SQL when there is one)."""
    import duckdb

    variables = [layout[name] for name in names]
    where = "" if organisation is None else f"organisation_id = '{organisation}' AND "
    if all(v.kind == "category" for v in variables):
        slots = ", ".join(v.slot for v in variables)
        present = " AND ".join(f"{v.slot} IS NOT NULL" for v in variables)
        sql = f"SELECT {slots}, count(*) FROM frame WHERE {where}{present} GROUP BY ALL"  # noqa: S608
    else:
        variable = variables[0]
        sums = ", ".join(f"count(*) FILTER (WHERE flags & {1 << layout[m].bit} <> 0)" for m in variable.members)  # fmt: skip
        sql = f"SELECT {sums} FROM frame WHERE {where}known & {layout.mask(variable.members)} <> 0"  # noqa: S608
    return duckdb.sql(sql).fetchall()


def pandas_work(tables: dict, today) -> dict:
    """The dashboard's working figures in pandas, joins included as the database does them."""
    import pandas

    cases, tasks, reports = tables["cases"], tables["tasks"], tables["reports"]
    names = tables["organisations"].set_index("id")["name"]
    # fmt: off
    late = lambda: tasks[tasks["done_at"].isna() & (tasks["due"] < pandas.Timestamp(today, tz="UTC"))]  # noqa: E731
    triaged = lambda: reports[reports["triaged_at"].notna()]  # noqa: E731
    return {
        "workload": lambda: cases[cases["status"].isin(["Active", "FollowUp"])].groupby("organisation_id").size().rename(index=names),
        "overdue tasks": lambda: late().merge(cases[["id", "organisation_id"]], left_on="case_id", right_on="id")
        .groupby("organisation_id").size().rename(index=names),
        "referrals": lambda: tables["referrals"].groupby("state").size(),
        "reports": lambda: (len(reports), len(t := triaged()), (t["triaged_at"] - t["created"]).mean()),
    }
    # fmt: on


def duckdb_work(tables: dict, today) -> dict:
    import duckdb

    queries = {
        "workload": "SELECT o.name, count(*) FROM cases c JOIN organisations o ON o.id = c.organisation_id "
        "WHERE c.status IN ('Active', 'FollowUp') GROUP BY o.name",
        "overdue tasks": "SELECT o.name, count(*) FROM tasks t JOIN cases c ON c.id = t.case_id "
        "JOIN organisations o ON o.id = c.organisation_id WHERE t.done_at IS NULL AND t.due < current_date "
        "GROUP BY o.name",
        "referrals": "SELECT state, count(*) FROM referrals GROUP BY state",
        "reports": "SELECT count(*), count(triaged_at), avg(triaged_at - created) FROM reports",
    }
    connection = duckdb.connect()
    for name, frame in tables.items():
        connection.register(name, frame)
    return {
        label: (lambda sql=sql: connection.sql(sql).fetchall()) for label, sql in queries.items()
    }
