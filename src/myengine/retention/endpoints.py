"""The data-retention policy as a web page at /policy/data-retention.

The page renders ``docs/data-retention.md`` (shipped in the package as
``retention/data-retention.md``) with this deployment's retention settings above it. It
needs no credentials and loads nothing from other hosts.
"""

import html
from functools import lru_cache
from importlib import resources

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markdown_it import MarkdownIt

from myengine.settings import Settings

router = APIRouter()

POLICY_FILE = "data-retention.md"

_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto;
       padding: 0 1rem; color: #1d1d1f; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #c8c8cc; padding: .3rem .6rem; text-align: left;
         vertical-align: top; }
th { background: #f2f2f5; }
code { background: #f2f2f5; padding: 0 .2rem; border-radius: 3px; }
"""


def policy_markdown() -> str:
    return resources.files("myengine.retention").joinpath(POLICY_FILE).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _policy_html() -> str:
    return MarkdownIt("commonmark", {"html": False}).enable("table").render(policy_markdown())


def _settings_table(settings: Settings) -> str:
    rows = [
        ("Grace period before anonymisation (partners may set their own)",
         f"{settings.retention_grace_days} days", "MYENGINE_RETENTION_GRACE_DAYS"),
        ("Audit events kept", f"{settings.audit_retention_days} days",
         "MYENGINE_AUDIT_RETENTION_DAYS"),
        ("Credit ledger entries kept", f"{settings.ledger_retention_days} days",
         "MYENGINE_LEDGER_RETENTION_DAYS"),
        ("Finished jobs kept", f"{settings.job_retention_days} days",
         "MYENGINE_JOB_RETENTION_DAYS"),
        ("Retention sweep runs every", f"{settings.retention_sweep_minutes} minutes",
         "MYENGINE_RETENTION_SWEEP_MINUTES"),
    ]
    cells = "".join(
        f"<tr><td>{html.escape(what)}</td><td>{html.escape(value)}</td>"
        f"<td><code>{html.escape(name)}</code></td></tr>"
        for what, value, name in rows
    )
    return (
        "<h2>This deployment's settings</h2>"
        "<table><thead><tr><th>What</th><th>Value</th><th>Setting</th></tr></thead>"
        f"<tbody>{cells}</tbody></table>"
    )


@router.get("/policy/data-retention", include_in_schema=False, response_class=HTMLResponse)
def data_retention_policy(request: Request) -> HTMLResponse:
    """Serve the data-retention policy as HTML, followed by this deployment's periods."""
    settings: Settings = request.app.state.settings
    page = (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>my-engine data-retention policy</title>"
        f"<style>{_STYLE}</style></head><body>"
        f"{_policy_html()}{_settings_table(settings)}</body></html>"
    )
    return HTMLResponse(page)
