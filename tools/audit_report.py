"""Reads pip-audit's JSON report of requirements.lock, and judges it.

The judge is the list of findings the project has accepted, with their reasons
(``requirements/audit-accepted.yml``).

python -m tools.audit_report results/audit.json requirements/audit-accepted.yml

Exit 1 when a finding is neither fixed nor accepted. When no package could be audited (no
vulnerability service reachable from this machine), it says so loudly and exits 0: a closed
network is not a finding, and must not read as "no known vulnerabilities" either.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Finding:
    """One known vulnerability of one pinned package."""

    package: str
    version: str
    vulnerability: str
    aliases: tuple[str, ...]
    fixed_in: tuple[str, ...]


@dataclass(frozen=True)
class Audit:
    """What pip-audit could check, and what it found."""

    audited: tuple[str, ...]
    skipped: dict[str, str]
    findings: tuple[Finding, ...]


def read_report(report: dict[str, Any]) -> Audit:
    """The audit in pip-audit's JSON format (``pip-audit -f json``)."""
    audited, findings = [], []
    skipped: dict[str, str] = {}
    for dependency in report.get("dependencies", []):
        name = dependency["name"]
        if "skip_reason" in dependency:
            skipped[name] = dependency["skip_reason"]
            continue
        audited.append(name)
        for vuln in dependency.get("vulns", []):
            findings.append(
                Finding(
                    package=name,
                    version=dependency.get("version", "?"),
                    vulnerability=vuln["id"],
                    aliases=tuple(vuln.get("aliases", [])),
                    fixed_in=tuple(vuln.get("fix_versions", [])),
                )
            )
    return Audit(tuple(audited), skipped, tuple(findings))


def unexplained(audit: Audit, accepted: dict[str, str]) -> list[Finding]:
    """The findings that no entry of ``accepted`` (id or alias → reason) explains."""
    return [
        finding
        for finding in audit.findings
        if not ({finding.vulnerability, *finding.aliases} & accepted.keys())
    ]


def main() -> int:
    """Prints the audit; exits 1 on a finding that is not accepted."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("report", type=Path, help="pip-audit -f json output")
    parser.add_argument("accepted", type=Path, help="YAML: vulnerability id -> reason")
    args = parser.parse_args()
    accepted = yaml.safe_load(args.accepted.read_text(encoding="utf-8")) or {}
    if not args.report.exists():
        print("NOT AUDITED: pip-audit wrote no report (see its error above).")
        return 0
    audit = read_report(json.loads(args.report.read_text(encoding="utf-8")))
    print(
        f"pip-audit over requirements.lock: {len(audit.audited)} packages audited, "
        f"{len(audit.skipped)} could not be audited, {len(audit.findings)} findings"
    )
    if not audit.audited:
        reasons = sorted(set(audit.skipped.values()))[:3]
        print(
            "NOT AUDITED: no vulnerability data was reachable from this machine, so this run "
            "says nothing about known vulnerabilities. Run `make audit` where PyPI's JSON API "
            "(pypi.org/pypi/<name>/<version>/json) answers. pip-audit said, e.g.:"
        )
        for said in reasons:
            print(f"  {said}")
        return 0
    for name, why in sorted(audit.skipped.items()):
        print(f"  not audited: {name}: {why}")
    open_findings = unexplained(audit, accepted)
    for finding in audit.findings:
        reason = next(
            (accepted[key] for key in (finding.vulnerability, *finding.aliases) if key in accepted),
            None,
        )
        fixed = ", ".join(finding.fixed_in) or "no fix released"
        status = f"accepted: {reason}" if reason else "NOT FIXED OR EXPLAINED"
        print(
            f"  {finding.package} {finding.version}: {finding.vulnerability} "
            f"({', '.join(finding.aliases) or 'no alias'}; fixed in {fixed}) - {status}"
        )
    return 1 if open_findings else 0


if __name__ == "__main__":
    sys.exit(main())
