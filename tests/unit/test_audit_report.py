"""Reading pip-audit's report and judging it against the accepted findings (tools/audit_report)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tools.audit_report import read_report, unexplained

REPORT = {
    "dependencies": [
        {
            "name": "aiohttp",
            "version": "3.9.5",
            "vulns": [
                {
                    "id": "GHSA-9548-qrrj-x5pj",
                    "aliases": ["CVE-2025-53643"],
                    "fix_versions": ["3.12.14"],
                },
                {"id": "PYSEC-2099-1", "aliases": [], "fix_versions": []},
            ],
        },
        {"name": "six", "version": "1.17.0", "vulns": []},
        {"name": "local-thing", "skip_reason": "Dependency not found on PyPI"},
    ],
    "fixes": [],
}


def test_the_report_is_read() -> None:
    audit = read_report(REPORT)
    assert audit.audited == ("aiohttp", "six")
    assert audit.skipped == {"local-thing": "Dependency not found on PyPI"}
    assert [f.vulnerability for f in audit.findings] == ["GHSA-9548-qrrj-x5pj", "PYSEC-2099-1"]
    assert audit.findings[0].fixed_in == ("3.12.14",)


def test_a_finding_is_explained_by_its_id_or_an_alias() -> None:
    audit = read_report(REPORT)
    assert [f.vulnerability for f in unexplained(audit, {"CVE-2025-53643": "why"})] == [
        "PYSEC-2099-1"
    ]
    assert unexplained(audit, {"GHSA-9548-qrrj-x5pj": "why", "PYSEC-2099-1": "why"}) == []


def run(tmp_path: Path, report: dict | None, accepted: str) -> subprocess.CompletedProcess[str]:
    report_path, accepted_path = tmp_path / "audit.json", tmp_path / "accepted.yml"
    if report is not None:
        report_path.write_text(json.dumps(report), encoding="utf-8")
    accepted_path.write_text(accepted, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "tools.audit_report", str(report_path), str(accepted_path)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_an_unexplained_finding_fails_the_audit(tmp_path: Path) -> None:
    result = run(tmp_path, REPORT, "CVE-2025-53643: the C parser is in use\n")
    assert result.returncode == 1
    assert "PYSEC-2099-1" in result.stdout and "NOT FIXED OR EXPLAINED" in result.stdout
    assert "accepted: the C parser is in use" in result.stdout


def test_nothing_audited_is_said_loudly_and_is_not_a_failure(tmp_path: Path) -> None:
    skipped = {"dependencies": [{"name": "six", "skip_reason": "not found"}], "fixes": []}
    result = run(tmp_path, skipped, "{}\n")
    assert result.returncode == 0
    assert "0 packages audited" in result.stdout and "NOT AUDITED" in result.stdout


def test_no_report_at_all_is_said_too(tmp_path: Path) -> None:
    result = run(tmp_path, None, "{}\n")
    assert result.returncode == 0 and "NOT AUDITED" in result.stdout
