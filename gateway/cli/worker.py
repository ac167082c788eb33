"""``unigate worker``: run sync jobs from PostgreSQL (``UNIGATE_JOB_ENGINE=procrastinate``), beside any servers."""

from __future__ import annotations

from typing import Annotated

import typer

from gateway import __version__
from gateway.cli.common import fail, handled, load_settings, run


def worker_command(
    concurrency: Annotated[int, typer.Option(min=1, help="Sync runs this worker runs at once.")] = 4,
) -> None:
    """Run sync jobs (UNIGATE_JOB_ENGINE=procrastinate on PostgreSQL) until SIGINT or SIGTERM."""
    from gateway.access_log import configure_logging
    from gateway.assemble import build_gateway, check_job_engine
    from gateway.store.migrate import is_current

    settings = load_settings()
    with handled():
        check_job_engine(settings)
        if settings.job_engine != "procrastinate":
            fail("`unigate worker` needs UNIGATE_JOB_ENGINE=procrastinate (embedded syncs run in `unigate serve`)")
        if not is_current(settings.resolved_database_url):
            fail("the database schema is not up to date; run `unigate migrate` first")
        gateway = build_gateway(settings)
    configure_logging(settings.log_level)
    jobs = gateway.syncs.jobs
    assert jobs is not None
    typer.echo(f"Unigate {__version__} worker: {concurrency} sync runs at once")

    async def work() -> None:
        await gateway.start(action_runs=False)
        await jobs.start()
        try:
            await jobs.work(concurrency)
        finally:
            await jobs.stop()
            await gateway.stop()

    run(work())
