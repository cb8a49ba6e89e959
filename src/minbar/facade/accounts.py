"""Accounts use cases: organisations, users, committees, memberships, API tokens, sign-in, audit.

Every method takes the acting :class:`~minbar.auth.Actor` and checks it against the one table
in :mod:`minbar.auth.permissions`; every state-changing method runs inside :meth:`audited`, so
refused attempts are in the trail too. Each write is one transaction: bad input leaves nothing
behind.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from minbar.auth import Actor, passwords
from minbar.auth import validate as v
from minbar.auth.committees import TEMPLATES
from minbar.auth.permissions import NotVisible, can, require
from minbar.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    RateLimited,
)
from minbar.store import accounts as sql
from minbar.store import audit as audit_sql
from minbar.store.db import IntegrityError, connection, transaction

log = logging.getLogger(__name__)

LOGIN_WINDOW = timedelta(minutes=15)
LOGIN_LIMIT = 5
AUDIT_MAX = 1000
TOKEN_PREFIX = "mbr_"
BAD_LOGIN = "invalid e-mail or password"
BAD_TOKEN = "invalid or revoked token"

_DENIED = (Forbidden, NotAuthenticated, NotVisible, RateLimited)


@dataclass
class AuditEntry:
    """What :meth:`AccountsMixin.audited` yields: the block may fill in the object (a new id)
    or the committee once it knows them."""

    object: str | None = None
    committee_id: int | None = None
    actor: Actor | None = None  # who the row names, when the block learns it (sign-in)


class AccountsMixin:
    """Accounts and audit methods of :class:`~minbar.facade.Minbar`."""

    # --- secret key -----------------------------------------------------------------------

    @property
    def secret_key(self) -> bytes:
        """``MINBAR_SECRET_KEY``, else a random key generated once into ``data_dir/secret_key``."""
        cached = getattr(self, "_secret_key", None)
        if cached is not None:
            return cached
        env = os.environ.get("MINBAR_SECRET_KEY")
        if env:
            key = env.encode("utf-8")
        else:
            path = self.settings.data_dir / "secret_key"
            if not path.exists():
                # written whole to a private temporary file, then linked into place (fails if
                # there): processes starting together all read the one complete key
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(secrets.token_hex(32).encode("ascii") + b"\n")
                try:
                    os.link(tmp, path)
                except FileExistsError:
                    pass
                finally:
                    tmp.unlink()
            key = path.read_bytes().strip()
            if len(key) < 32:
                raise RuntimeError(
                    f"{path} holds no usable key: delete it or set MINBAR_SECRET_KEY"
                )
        self._secret_key = key
        return key

    # --- audit ----------------------------------------------------------------------------

    @contextmanager
    def audited(
        self,
        actor: Actor,
        action: str,
        *,
        object: str | None = None,  # noqa: A002 - the contract's field name
        committee_id: int | None = None,
    ) -> Iterator[AuditEntry]:
        """Append one audit row for the block: outcome ``ok``, ``denied`` (not allowed, not
        visible, not signed in, rate-limited; a NotFound for an object of a committee the actor
        may not see, once the block has set ``entry.committee_id``) or ``error`` (anything else
        raised)."""
        entry = AuditEntry(object, committee_id)
        outcome = "error"
        try:
            yield entry
            outcome = "ok"
        except _DENIED:
            outcome = "denied"
            raise
        except NotFound:
            # an object of a committee the actor may not see: a refused attempt, not a typo
            cid = entry.committee_id
            hidden = cid is not None and not can(actor, "committee.read", cid)
            outcome = "denied" if hidden else "error"
            raise
        finally:
            try:
                who = entry.actor or actor
                self._audit(who, action, outcome, entry.object, entry.committee_id)
            except Exception:
                if outcome == "ok":
                    raise
                log.exception("audit row for %s could not be written", action)

    def _audit(self, actor, action, outcome, obj=None, committee_id=None, *, user=None) -> None:
        with transaction(self.store.engine) as conn:
            audit_sql.append(
                conn,
                user_id=actor.user_id if actor else None,
                user=user or actor.label,
                org=actor.org if actor else None,
                action=action,
                outcome=outcome,
                object=obj,
                committee_id=committee_id,
                client=actor.client if actor else None,
            )

    def audit_log(
        self,
        actor: Actor,
        limit: int = 100,
        user: str | None = None,
        committee: str | int | None = None,
        action: str | None = None,
        since=None,
        until=None,
        before_id: int | None = None,
    ) -> list[dict]:
        """Audit events, newest first (platform admins only; ``limit`` 1…1000)."""
        require(actor, "platform.admin")
        try:
            limit = int(limit)
        except (TypeError, ValueError):
            raise InvalidInput(f"limit must be a number from 1 to {AUDIT_MAX}") from None
        if not 1 <= limit <= AUDIT_MAX:
            raise InvalidInput(f"limit must be from 1 to {AUDIT_MAX}")
        with connection(self.store.engine) as conn:
            return audit_sql.events(
                conn,
                limit=limit,
                user=user or None,
                committee=committee or None,
                action=action or None,
                since=v.when(since, "since"),
                until=v.when(until, "until"),
                before_id=before_id,
            )

    # --- organisations --------------------------------------------------------------------

    def add_org(self, actor: Actor, slug: str, name: str, country: str | None = None) -> dict:
        with self.audited(actor, "org.add", object=f"org:{slug}"):
            require(actor, "platform.admin")
            slug = v.slug(slug, "organisation")
            name = (name or "").strip()
            if not name:
                raise InvalidInput("an organisation needs a name")
            country = v.country(country)
            try:
                with transaction(self.store.engine) as conn:
                    if sql.find_org(conn, slug):
                        raise Conflict(f"organisation {slug!r} exists already")
                    return sql.insert_org(conn, slug, name, country or None)
            except IntegrityError:
                raise Conflict(f"organisation {slug!r} exists already") from None

    def orgs(self, actor: Actor) -> list[dict]:
        """Every organisation (any signed-in user may list them; user counts for admins)."""
        with connection(self.store.engine) as conn:
            rows = sql.list_orgs(conn)
        if not actor.is_admin:
            for row in rows:
                row.pop("users")
        return rows

    # --- users ----------------------------------------------------------------------------

    def add_user(
        self,
        actor: Actor,
        email: str,
        org: str | int,
        name: str | None = None,
        admin: bool = False,
        password: str | None = None,
        lang: str = "en",
    ) -> dict:
        """Create a user; without ``password`` a random one is generated and returned once."""
        with self.audited(actor, "user.add", object=f"user:{email}") as entry:
            require(actor, "platform.admin")
            email = v.email(email)
            entry.object = f"user:{email}"
            lang = v.lang(lang)
            generated = password is None
            if generated:
                password = passwords.generate()
            hashed = passwords.hash_password(password)
            try:
                with transaction(self.store.engine) as conn:
                    found = sql.find_org(conn, org) if org not in (None, "") else None
                    if found is None:
                        raise InvalidInput(
                            f"unknown organisation {org!r}; valid: {v.choices(sql.org_slugs(conn))}"
                        )
                    if sql.find_user(conn, email=email):
                        raise Conflict(f"a user with e-mail {email} exists already")
                    user_id = sql.insert_user(
                        conn,
                        email=email,
                        org_id=found["id"],
                        name=(name or "").strip() or None,
                        password_hash=hashed,
                        lang=lang,
                        is_admin=bool(admin),
                    )
            except IntegrityError:
                raise Conflict(f"a user with e-mail {email} exists already") from None
            out = {"id": user_id, "email": email, "org": found["slug"], "admin": bool(admin)}
            if generated:
                out["password"] = password
            return out

    def users(self, actor: Actor) -> list[dict]:
        """Admins: every user with committees; committee leads: who they can add (e-mail, name,
        organisation); anyone else: Forbidden."""
        is_lead = "lead" in actor.roles.values()
        if not (actor.is_admin or is_lead):
            raise Forbidden("not allowed: list users")
        with connection(self.store.engine) as conn:
            rows = sql.list_users(conn)
            roles = sql.all_user_committees(conn) if actor.is_admin else {}
            out = []
            for u in rows:
                item = {"id": u["id"], "email": u["email"], "name": u["name"], "org": u["org"]}
                if actor.is_admin:
                    item.update(
                        lang=u["lang"],
                        active=u["active"],
                        is_admin=u["is_admin"],
                        created=sql.iso(u["created_at"]),
                        committees=roles.get(u["id"], {}),
                    )
                elif not u["active"]:
                    continue
                out.append(item)
        return out

    def user(self, actor: Actor, email: str | None = None) -> dict:
        """One user's profile: oneself (``email=None``), or anyone for an admin."""
        with connection(self.store.engine) as conn:
            if email is None or (actor.email and email.strip().lower() == actor.email):
                u = sql.find_user(conn, user_id=actor.user_id) if actor.user_id else None
            else:
                require(actor, "platform.admin")
                u = sql.find_user(conn, email=email)
            if u is None:
                raise NotFound(f"no user {email!r}")
            return {
                "id": u["id"],
                "email": u["email"],
                "name": u["name"],
                "org": u["org"],
                "lang": u["lang"],
                "active": u["active"],
                "is_admin": u["is_admin"],
                "created": sql.iso(u["created_at"]),
                "committees": sql.user_committees(conn, u["id"]),
            }

    def deactivate_user(self, actor: Actor, email: str) -> dict:
        """Deactivate a user (admins): every session and token stops working at once."""
        with self.audited(actor, "user.deactivate", object=f"user:{email}"):
            require(actor, "platform.admin")
            with transaction(self.store.engine) as conn:
                u = sql.find_user(conn, email=email)
                if u is None:
                    raise InvalidInput(f"unknown user {email!r}")
                if u["id"] == actor.user_id:
                    raise Conflict("you cannot deactivate yourself")
                epoch = sql.bump_epoch(conn, u["id"], active=False)
            return {"email": u["email"], "active": False, "session_epoch": epoch}

    def change_password(self, actor: Actor, old: str, new: str) -> dict:
        """Change one's own password (the old one is checked and counts toward the sign-in
        limit); every other session ends. Returns the new ``session_epoch``."""
        with self.audited(actor, "user.password", object=f"user:{actor.email}"):
            if actor.user_id is None:
                raise Forbidden("the system has no password")
            passwords.validate(new)
            with connection(self.store.engine) as conn:
                u = sql.find_user(conn, user_id=actor.user_id)
            if u is None or not u["active"]:
                raise NotAuthenticated("session expired; sign in again")
            self._check_password(
                u["email"],
                u["password_hash"],
                old or "",
                wrong=InvalidInput("the current password is not correct"),
            )
            hashed = passwords.hash_password(new)
            with transaction(self.store.engine) as conn:
                epoch = sql.bump_epoch(conn, u["id"], password_hash=hashed)
            return {"session_epoch": epoch}

    def set_language(self, actor: Actor, lang: str) -> dict:
        with self.audited(actor, "user.language", object=f"user:{actor.email}"):
            if actor.user_id is None:
                raise Forbidden("the system has no language preference")
            lang = v.lang(lang)
            with transaction(self.store.engine) as conn:
                sql.set_user(conn, actor.user_id, lang=lang)
            return {"lang": lang}

    # --- sign-in --------------------------------------------------------------------------

    def _check_password(self, email: str, stored: str | None, password: str, wrong) -> None:
        """Verify with the database-counted limit: 5 failures for one e-mail in 15 minutes and
        every attempt is refused (429), right password too, until they age out."""
        with transaction(self.store.engine) as conn:
            attempt = sql.insert_attempt(conn, email)
        with connection(self.store.engine) as conn:
            before = sql.count_failures(conn, email, LOGIN_WINDOW, up_to=attempt) - 1
        if before >= LOGIN_LIMIT:
            with transaction(self.store.engine) as conn:
                sql.drop_attempt(conn, attempt)
            raise RateLimited("too many failed sign-ins; try again in 15 minutes")
        if not passwords.verify(stored, password):
            raise wrong
        with transaction(self.store.engine) as conn:
            sql.clear_failures(conn, email)

    def authenticate(self, email: str, password: str, client: str | None = None) -> Actor:
        """The actor for a correct e-mail and password. Unknown e-mail, wrong password and
        deactivated account all answer :class:`NotAuthenticated` with the same text after the
        same argon2 work; too many failures :class:`RateLimited`."""
        key = (email or "").strip().lower()[:320]
        anonymous = Actor(user_id=None, email=key or "anonymous", client=client)
        with self.audited(anonymous, "auth.login", object=f"user:{key}") as entry:
            with connection(self.store.engine) as conn:
                u = sql.find_user(conn, email=key) if key else None
            stored = u["password_hash"] if u and u["active"] else None
            self._check_password(key, stored, password or "", wrong=NotAuthenticated(BAD_LOGIN))
            if passwords.needs_rehash(stored):
                with transaction(self.store.engine) as conn:
                    sql.set_user(conn, u["id"], password_hash=passwords.HASHER.hash(password))
            entry.actor = self._actor(u["id"], client)
            return entry.actor

    def _actor(self, user_id: int, client: str | None, epoch: int | None = None) -> Actor:
        with connection(self.store.engine) as conn:
            u = sql.find_user(conn, user_id=user_id)
            if u is None or not u["active"] or (epoch is not None and u["session_epoch"] != epoch):
                raise NotAuthenticated("session expired; sign in again")
            roles = sql.roles_of(conn, user_id)
        return Actor(
            user_id=u["id"],
            email=u["email"],
            name=u["name"],
            org_id=u["org_id"],
            org=u["org"],
            is_admin=u["is_admin"],
            roles=roles,
            lang=u["lang"],
            client=client,
        )

    def actor_from_token(self, token: str, client: str | None = None) -> Actor:
        if not isinstance(token, str) or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            raise NotAuthenticated(BAD_TOKEN)
        with transaction(self.store.engine) as conn:
            found = sql.token_owner(conn, v.token_hash(token.strip()))
        if found is None:
            raise NotAuthenticated(BAD_TOKEN)
        try:
            return self._actor(found[1], client)
        except NotAuthenticated:
            raise NotAuthenticated(BAD_TOKEN) from None

    def actor_from_session(self, user_id: int, epoch: int, client: str | None = None) -> Actor:
        return self._actor(int(user_id), client, epoch=int(epoch))

    def session_epoch(self, user_id: int) -> int:
        with connection(self.store.engine) as conn:
            u = sql.find_user(conn, user_id=int(user_id))
        if u is None:
            raise NotAuthenticated("session expired; sign in again")
        return u["session_epoch"]

    # --- API tokens -----------------------------------------------------------------------

    def create_token(self, actor: Actor, email: str, label: str | None = None) -> dict:
        """A new API token for ``email`` (oneself, or anyone for an admin); shown only here."""
        with self.audited(actor, "token.create", object=f"user:{email}") as entry:
            key = (email or "").strip().lower()
            if key != actor.email:
                require(actor, "platform.admin")
            token = TOKEN_PREFIX + secrets.token_urlsafe(32)
            with transaction(self.store.engine) as conn:
                u = sql.find_user(conn, email=key)
                if u is None:
                    raise InvalidInput(f"unknown user {email!r}")
                if not u["active"]:
                    raise Conflict(f"user {key} is deactivated")
                label = (label or "").strip()[:200] or None
                token_id = sql.insert_token(conn, u["id"], v.token_hash(token), label)
            entry.object = f"token:{token_id}"
            return {"id": token_id, "token": token, "email": key, "label": label}

    def revoke_token(self, actor: Actor, id: int) -> dict:  # noqa: A002 - contract name
        with self.audited(actor, "token.revoke", object=f"token:{id}"):
            with transaction(self.store.engine) as conn:
                found = sql.find_token(conn, int(id))
                if found is None or not (actor.is_admin or found["user_id"] == actor.user_id):
                    raise NotVisible(f"no token {id}")
                sql.revoke_token(conn, int(id))
            return {"revoked": int(id)}

    def tokens(self, actor: Actor, email: str | None = None) -> list[dict]:
        """Tokens (never their secret): one's own; an admin may name a user; the system with
        no ``email`` sees every token."""
        with connection(self.store.engine) as conn:
            if email is not None and email.strip().lower() != actor.email:
                require(actor, "platform.admin")
                u = sql.find_user(conn, email=email)
                if u is None:
                    raise InvalidInput(f"unknown user {email!r}")
                return sql.list_tokens(conn, u["id"])
            if actor.user_id is None:
                return sql.list_tokens(conn) if actor.is_admin else []
            return sql.list_tokens(conn, actor.user_id)

    # --- committees -----------------------------------------------------------------------

    def resolve_committee(
        self, actor: Actor, ref: str | int, action: str | None = "committee.read"
    ) -> dict:
        """The committee named by slug or id, checked for ``action``. Admins get
        :class:`InvalidInput` naming every committee for an unknown one; others get the same
        404 for an unknown committee and one they are not a member of (naming theirs), and
        ``Forbidden`` as a member without the role."""
        with connection(self.store.engine) as conn:
            found = sql.find_committee(conn, ref) if ref not in (None, "") else None
            if actor.is_admin:
                if found is None:
                    slugs = v.choices(sql.committee_slugs(conn))
                    raise InvalidInput(f"unknown committee {ref!r}; valid: {slugs}")
                return found
            if found is None or found["id"] not in actor.roles:
                mine = v.choices(sql.committee_slugs(conn, set(actor.roles)))
                raise NotVisible(f"committee {ref!r} not found; yours: {mine}")
        if action is not None:
            require(actor, action, found["id"])
        return found

    def add_committee(
        self,
        actor: Actor,
        slug: str,
        name: str,
        names: dict | None = None,
        description: str | None = None,
    ) -> dict:
        with self.audited(actor, "committee.add", object=f"committee:{slug}") as entry:
            require(actor, "platform.admin")
            slug = v.slug(slug, "committee")
            name = (name or "").strip()
            if not name:
                raise InvalidInput("a committee needs a name")
            names = {v.lang(k): str(n).strip() for k, n in (names or {}).items() if str(n).strip()}
            names.setdefault("en", name)
            try:
                with transaction(self.store.engine) as conn:
                    if sql.find_committee(conn, slug):
                        raise Conflict(f"committee {slug!r} exists already")
                    out = sql.insert_committee(conn, slug, name, names, description)
            except IntegrityError:
                raise Conflict(f"committee {slug!r} exists already") from None
            entry.committee_id = out["id"]
            return out

    def committees_template(self, actor: Actor, name: str) -> list[dict]:
        """Create the committees of a template (``istanbul``); existing ones are kept as they
        are. Returns every committee of the template, in its order."""
        with self.audited(actor, "committee.template", object=f"template:{name}"):
            require(actor, "platform.admin")
            template = TEMPLATES.get((name or "").strip().lower())
            if template is None:
                raise InvalidInput(
                    f"unknown template {name!r}; valid: {v.choices(list(TEMPLATES))}"
                )
            out = []
            with transaction(self.store.engine) as conn:
                for spec in template:
                    found = sql.find_committee(conn, spec["slug"])
                    if found is None:
                        found = sql.insert_committee(
                            conn,
                            spec["slug"],
                            spec["names"]["en"],
                            dict(spec["names"]),
                            spec["description"],
                        )
                    out.append({"id": found["id"], "slug": found["slug"]})
            return out

    def committee(self, actor: Actor, slug_or_id: str | int) -> dict:
        """A committee with its members (404 for non-members, unknown ones too)."""
        found = self.resolve_committee(actor, slug_or_id)
        with connection(self.store.engine) as conn:
            members = sql.committee_members(conn, found["id"])
        role = actor.roles.get(found["id"])
        return {**found, "role": role, "members": members}

    def committees(self, actor: Actor) -> list[dict]:
        """The committees the actor may see (all for admins), each with the actor's role."""
        ids = None if actor.is_admin else set(actor.roles)
        with connection(self.store.engine) as conn:
            rows = sql.list_committees(conn, ids)
        for row in rows:
            row["role"] = actor.roles.get(row["id"])
        return rows

    def add_member(self, actor: Actor, committee: str | int, email: str, role: str) -> dict:
        """Add ``email`` to ``committee`` with ``role`` (or change the role): leads and admins."""
        with self.audited(actor, "member.add", object=f"user:{email}") as entry:
            found = self.resolve_committee(actor, committee, "members.manage")
            entry.committee_id = found["id"]
            role = v.role(role)
            key = (email or "").strip().lower()
            with transaction(self.store.engine) as conn:
                u = sql.find_user(conn, email=key)
                if u is None:
                    raise InvalidInput(f"unknown user {email!r}; add it first (minbar users add)")
                sql.set_membership(conn, u["id"], found["id"], role)
            return {"committee": found["slug"], "email": u["email"], "role": role}

    def remove_member(self, actor: Actor, committee: str | int, email: str) -> dict:
        with self.audited(actor, "member.remove", object=f"user:{email}") as entry:
            found = self.resolve_committee(actor, committee, "members.manage")
            entry.committee_id = found["id"]
            key = (email or "").strip().lower()
            with transaction(self.store.engine) as conn:
                u = sql.find_user(conn, email=key)
                if u is None or not sql.delete_membership(conn, u["id"], found["id"]):
                    raise NotFound(f"{email} is not a member of {found['slug']}")
            return {"committee": found["slug"], "email": key, "removed": True}

    def can(self, actor: Actor, action: str, committee_id: int | None = None) -> bool:
        """:func:`minbar.auth.permissions.can`, for templates deciding what to show."""
        return can(actor, action, committee_id)
