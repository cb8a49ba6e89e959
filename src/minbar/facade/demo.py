"""The demo as a use case: the bundled corpus enriched, and a two-country setup to sign in with.

``minbar demo`` calls :meth:`DemoMixin.run_demo` then :meth:`DemoMixin.demo_accounts` and serves the
result; the browser tests use the same two calls, so what a new user sees is what is tested.
"""

from __future__ import annotations

import secrets

#: Two organisations, one per country of the joint platform (fictional offices: the demo must not
#: impersonate a real institution).
DEMO_ORGS = (
    ("ankara-office", "Ankara Media Office (demo)", "TR"),
    ("baku-office", "Baku Media Office (demo)", "AZ"),
)

#: One user of each role on the ``international-media`` committee, from both organisations, plus
#: a platform admin; (role, e-mail, name, organisation, UI language).
DEMO_USERS = (
    ("platform admin", "admin@demo.minbar", "Platform Admin", "ankara-office", "en"),
    ("lead", "lead@demo.minbar", "Leyla Məmmədova", "baku-office", "az"),
    ("editor", "editor@demo.minbar", "Emre Yıldız", "ankara-office", "tr"),
    ("analyst", "analyst@demo.minbar", "Aysel Quliyeva", "baku-office", "az"),
    ("viewer", "viewer@demo.minbar", "Виктор Орлов", "ankara-office", "ru"),
    ("analyst", "analyst.ar@demo.minbar", "سارة الحسن", "ankara-office", "ar"),
)
DEMO_COMMITTEE = "international-media"


class DemoMixin:
    def run_demo(self, progress=None) -> dict:
        """Load the bundled corpus into this (fresh) store, enrich it and summarise it."""
        from minbar import demo as demo_corpus

        return demo_corpus.run_demo(self.store, self.settings, progress=progress)

    def demo_accounts(self) -> list[dict]:
        """Two organisations, the six committees of the Istanbul template and one user of each
        role; returns ``[{"role","email","password","org"}]`` (passwords are random, shown once)."""
        from minbar.auth import Actor

        system = Actor.system("demo")
        for slug, name, country in DEMO_ORGS:
            self.add_org(system, slug, name, country)
        self.committees_template(system, "istanbul")
        made = []
        for role, email, name, org, lang in DEMO_USERS:
            password = secrets.token_urlsafe(12)
            admin = role == "platform admin"
            self.add_user(system, email, org, name=name, admin=admin, password=password, lang=lang)
            if not admin:
                self.add_member(system, DEMO_COMMITTEE, email, role)
            made.append({"role": role, "email": email, "password": password, "org": org})
        return made
